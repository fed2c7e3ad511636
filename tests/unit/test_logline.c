/*
 * test_logline.c: the JSON log line: a golden line for a known message,
 * hostile bytes in every field (the line stays one valid JSON object),
 * and replay: deciding again from a line's facts gives the same decision.
 */
#include <jansson.h>

#include "helpers.h"
#include "log/logline.h"
#include "log/replay.h"

static const char *const policy_text
    = "[general]\nauthserv_id = mx.test\n"
      "[domain:partner.example]\ndkim.key_missing = accept\n";

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (fp == NULL)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
render(const char *facts_json, struct sbuf *sb)
{
	struct policy *p = load_ok(policy_text);
	struct logline_meta meta = { "2026-11-23T14:50:30Z", "mx1.test", NULL };
	struct arena arena;
	struct facts f;
	struct decision d;

	arena_init(&arena);
	facts_ok(&f, &arena, facts_json);
	decide(p, &f, &d);
	logline_render(sb, p, &f, &d, &meta);
	arena_free(&arena);
	policy_free(p);
}

static void
test_golden(void **state)
{
	char *facts = slurp("tests/data/golden/logline-facts.json");
	char *want = slurp("tests/data/golden/logline.json");
	struct sbuf sb;

	(void)state;
	sbuf_init(&sb, LOGLINE_MAX);
	render(facts, &sb);
	want[strcspn(want, "\n")] = '\0';
	if (strcmp(sbuf_cstr(&sb), want) != 0) {
		print_error("got:  %s\nwant: %s\n", sbuf_cstr(&sb), want);
		fail_msg(
		    "log line differs from tests/data/golden/logline.json");
	}
	sbuf_free(&sb);
	free(facts);
	free(want);
}

static void
test_hostile_fields(void **state)
{
	/* Every string field carries CR, LF, NUL-free control bytes, quotes,
	 * backslashes and a forged second JSON object. */
	static const char *const evil
	    = "x\\r\\n\\u0001\\\"}{\\\"v\\\":9\\\\\\t\\u007f";
	char facts[4096];
	struct sbuf sb;
	json_t *root;
	json_error_t jerr;
	const char *p;

	(void)state;
	snprintf(facts, sizeof(facts),
	    "{\"id\":\"%s\",\"client\":{\"ip\":\"%s\",\"helo\":\"%s\"},"
	    "\"mail_from\":\"%s\",\"from\":[\"%s\",\"%s@ok.example\"],"
	    "\"spf\":{\"result\":\"fail\",\"domain\":\"%s\"},"
	    "\"dkim\":[{\"d\":\"%s\",\"s\":\"%s\",\"a\":\"%s\",\"result\":"
	    "\"bad_signature\"}],\"arc\":{\"result\":\"fail\",\"instances\":"
	    "[{\"i\":1,\"sealer\":\"%s\"}]},\"dns\":{\"%s\":\"%s\"}}",
	    evil, evil, evil, evil, evil, evil, evil, evil, evil, evil, evil,
	    evil, evil);
	sbuf_init(&sb, LOGLINE_MAX);
	render(facts, &sb);
	for (p = sbuf_cstr(&sb); *p != '\0'; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	root = json_loads(sbuf_cstr(&sb), 0, &jerr);
	if (root == NULL)
		fail_msg("invalid JSON (%s): %s", jerr.text, sbuf_cstr(&sb));
	assert_int_equal(json_integer_value(json_object_get(root, "v")), 1);
	json_decref(root);
	sbuf_free(&sb);
}

/* Replaying a line's facts under the same policy gives the same decision
 * JSON, byte for byte (jansson, independent of our reader, extracts the
 * logged decision). */
static void
test_replay_identity(void **state)
{
	char *facts = slurp("tests/data/golden/logline-facts.json");
	struct policy *p = load_ok(policy_text);
	struct replay_entry *e = malloc(sizeof(*e));
	struct sbuf line, again;
	json_t *root;
	json_error_t jerr;
	struct arena arena;
	char err[256], *logged;

	(void)state;
	assert_non_null(e);
	sbuf_init(&line, LOGLINE_MAX);
	sbuf_init(&again, LOGLINE_MAX);
	render(facts, &line);
	root = json_loads(sbuf_cstr(&line), 0, &jerr);
	assert_non_null(root);
	arena_init(&arena);
	assert_int_equal(replay_line(p, sbuf_cstr(&line), line.len, &arena, e,
			     err, sizeof(err)),
	    0);
	decision_to_json(p, &e->now, &again);
	logged = json_dumps(json_object_get(root, "decision"),
	    JSON_COMPACT | JSON_PRESERVE_ORDER);
	{
		json_t *a = json_loads(sbuf_cstr(&again), 0, &jerr);
		char *b = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);

		assert_string_equal(b, logged);
		free(b);
		json_decref(a);
	}
	free(logged);
	json_decref(root);
	arena_free(&arena);
	sbuf_free(&line);
	sbuf_free(&again);
	policy_free(p);
	free(facts);
	free(e);
}

/* The short form is whole JSON with the decision and no facts; replay
 * of a full line through replay_line gives the logged decision back. */
static void
test_summary_and_replay_line(void **state)
{
	char *facts = slurp("tests/data/golden/logline-facts.json");
	struct policy *p = load_ok(policy_text);
	struct logline_meta meta = { "2026-11-23T12:00:00Z", "mx.test", NULL };
	struct replay_entry *e = malloc(sizeof(*e));
	struct sbuf line, summary;
	struct arena arena;
	struct facts f;
	struct decision d;
	json_error_t jerr;
	json_t *root;
	char err[256];

	(void)state;
	assert_non_null(e);
	sbuf_init(&line, LOGLINE_MAX);
	sbuf_init(&summary, 8192);
	arena_init(&arena);
	assert_int_equal(facts_from_json(&f, &arena, facts, strlen(facts), err,
			     sizeof(err)),
	    0);
	decide(p, &f, &d);
	logline_render_summary(&summary, &f, &d, &meta);
	root = json_loads(sbuf_cstr(&summary), 0, &jerr);
	assert_non_null(root);
	assert_true(json_is_true(json_object_get(root, "truncated")));
	assert_null(json_object_get(root, "facts"));
	assert_string_equal(json_string_value(json_object_get(
				json_object_get(root, "decision"), "action")),
	    ag_action_name(d.action));
	json_decref(root);
	logline_render(&line, p, &f, &d, &meta);
	assert_int_equal(replay_line(p, sbuf_cstr(&line), line.len, &arena, e,
			     err, sizeof(err)),
	    0);
	assert_int_equal(e->old_action, d.action);
	assert_int_equal(e->now.action, d.action);
	assert_string_equal(e->old_class, decide_class_name(&d));
	/* The same line with its keys in another order: read whole. */
	{
		json_t *obj = json_loads(sbuf_cstr(&line), 0, &jerr);
		json_t *re = json_pack("{s:i,s:O,s:O}", "v", 1, "facts",
		    json_object_get(obj, "facts"), "decision",
		    json_object_get(obj, "decision"));
		char *text = json_dumps(re, JSON_COMPACT | JSON_PRESERVE_ORDER);

		assert_non_null(text);
		assert_int_equal(replay_line(p, text, strlen(text), &arena, e,
				     err, sizeof(err)),
		    0);
		assert_int_equal(e->old_action, d.action);
		assert_int_equal(e->now.action, d.action);
		free(text);
		json_decref(re);
		json_decref(obj);
	}
	assert_int_equal(replay_line(p, "{\"v\":1}", 7, &arena, e, err,
			     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "no decision.action"));
	assert_int_equal(replay_line(p, "{", 1, &arena, e, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not JSON"));
	arena_free(&arena);
	sbuf_free(&line);
	sbuf_free(&summary);
	policy_free(p);
	free(facts);
	free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_hostile_fields),
		cmocka_unit_test(test_replay_identity),
		cmocka_unit_test(test_summary_and_replay_line),
	};

	return cmocka_run_group_tests_name("logline", tests, NULL, NULL);
}
