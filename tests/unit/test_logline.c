/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_logline.c: the JSON log line: a golden line for a known message,
 * hostile bytes in every field (the line stays one valid JSON object),
 * and replay: deciding again from a line's facts gives the same decision.
 * The reader (log/reader.h): every field of written lines read back as
 * jansson reads them, its strictness (duplicate keys, wrong types, words
 * out of their sets), every truncated prefix and every failed allocation
 * refused cleanly.
 */
#include <jansson.h>

#include "helpers.h"
#include "log/logline.h"
#include "log/reader.h"
#include "log/replay.h"
#include "policy/verdict.h"

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
	struct logline_meta meta
	    = { "2026-11-23T14:50:30Z", "mx1.test", NULL, NULL };
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
	assert_int_equal(json_integer_value(json_object_get(root, "v")), 2);
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
	struct logline_meta meta
	    = { "2026-11-23T12:00:00Z", "mx.test", NULL, NULL };
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
	assert_int_equal(e->line.action, d.action);
	assert_int_equal(e->now.action, d.action);
	assert_string_equal(e->line.cls, verdict_class_name(&d));
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
		assert_int_equal(e->line.action, d.action);
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

/* A string of the reader against jansson's value at the same place
 * (absent or null: NULL). */
static void
same_string(const char *what, const char *got, json_t *want)
{
	if (want == NULL || json_is_null(want)) {
		if (got != NULL)
			fail_msg("%s: got \"%s\", want NULL", what, got);
		return;
	}
	if (got == NULL || strcmp(got, json_string_value(want)) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", what,
		    got != NULL ? got : "(NULL)", json_string_value(want));
}

/* Every field of rec as jansson, a parser independent of ours, reads
 * the line; the facts as want renders them (NULL: the line has none). */
static void
same_as_jansson(const struct logrec *rec, const char *line,
    const char *want_facts)
{
	json_error_t jerr;
	json_t *root = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
	json_t *dec = json_object_get(root, "decision");
	json_t *dmarc = json_object_get(dec, "dmarc");
	json_t *mon = json_object_get(dec, "monitor");
	json_t *aligned = json_object_get(dmarc, "aligned");
	json_t *findings = json_object_get(dec, "findings"), *f, *sig;
	struct sbuf sb;
	size_t i;

	assert_non_null(root);
	same_string("ts", rec->ts, json_object_get(root, "ts"));
	same_string("host", rec->host, json_object_get(root, "host"));
	same_string("id", rec->id, json_object_get(root, "id"));
	assert_int_equal(rec->truncated,
	    json_is_true(json_object_get(root, "truncated")));
	same_string("error", rec->error, json_object_get(root, "error"));
	assert_int_equal(rec->has_message,
	    json_object_get(root, "message_id") != NULL);
	if (rec->has_message) {
		json_t *size = json_object_get(root, "size");

		same_string("message_id", rec->message_id,
		    json_object_get(root, "message_id"));
		assert_int_equal(rec->size,
		    json_is_null(size) ? -1 : json_integer_value(size));
		assert_int_equal(rec->rcpt_count,
		    json_integer_value(json_object_get(root, "rcpt_count")));
	}
	assert_string_equal(ag_action_name(rec->action),
	    json_string_value(json_object_get(dec, "action")));
	same_string("class", rec->cls, json_object_get(dec, "class"));
	same_string("rule", rec->rule, json_object_get(dec, "rule"));
	same_string("line", rec->line, json_object_get(dec, "line"));
	same_string("reason", rec->reason, json_object_get(dec, "reason"));
	assert_int_equal(rec->monitor, mon != NULL);
	if (mon != NULL) {
		assert_string_equal(ag_action_name(rec->would),
		    json_string_value(json_object_get(mon, "would")));
		same_string("monitor.class", rec->would_class,
		    json_object_get(mon, "class"));
		same_string("monitor.rule", rec->would_rule,
		    json_object_get(mon, "rule"));
	}
	assert_int_equal(rec->has_dmarc, dmarc != NULL);
	if (dmarc != NULL) {
		assert_string_equal(ag_dmarc_name(rec->dmarc.result),
		    json_string_value(json_object_get(dmarc, "result")));
		same_string("dmarc.domain", rec->dmarc.domain,
		    json_object_get(dmarc, "domain"));
		same_string("dmarc.record", rec->dmarc.record,
		    json_object_get(dmarc, "record"));
		same_string("dmarc.policy", rec->dmarc.policy,
		    json_object_get(dmarc, "policy"));
		assert_int_equal(rec->dmarc.has_pct,
		    json_object_get(dmarc, "pct") != NULL);
		assert_int_equal(rec->dmarc.pct,
		    json_integer_value(json_object_get(dmarc, "pct")));
		assert_int_equal(rec->dmarc.sampled_out,
		    json_is_true(json_object_get(dmarc, "sampled_out")));
		assert_int_equal(rec->dmarc.spf_aligned,
		    json_is_true(json_object_get(aligned, "spf")));
		assert_int_equal(rec->dmarc.dkim_aligned,
		    json_is_true(json_object_get(aligned, "dkim")));
		same_string("dmarc.arc_sealer", rec->dmarc.arc_sealer,
		    json_object_get(dmarc, "arc_sealer"));
		same_string("dmarc.why", rec->dmarc.why,
		    json_object_get(dmarc, "why"));
	}
	assert_int_equal(rec->n_findings, json_array_size(findings));
	json_array_foreach(findings, i, f)
	{
		const struct logrec_finding *g = &rec->findings[i];

		assert_string_equal(ag_class_name(g->cls),
		    json_string_value(json_object_get(f, "class")));
		assert_string_equal(ag_action_name(g->action),
		    json_string_value(json_object_get(f, "action")));
		same_string("finding.rule", g->rule,
		    json_object_get(f, "rule"));
		same_string("finding.line", g->line,
		    json_object_get(f, "line"));
		same_string("finding.waived", g->waived,
		    json_object_get(f, "waived"));
		assert_int_equal(g->held,
		    json_is_true(json_object_get(f, "held")));
		sig = json_object_get(f, "signature");
		assert_int_equal(g->signature,
		    sig != NULL ? json_integer_value(sig) : -1);
	}
	assert_int_equal(rec->has_facts, want_facts != NULL);
	if (want_facts != NULL) {
		sbuf_init(&sb, LOGLINE_MAX);
		facts_to_json(&rec->facts, &sb);
		assert_string_equal(sbuf_cstr(&sb), want_facts);
		sbuf_free(&sb);
	}
	json_decref(root);
}

static const char *const reader_policy
    = "[general]\nauthserv_id = mx.test\n"
      "[trusted]\narc_sealers = lists.example\nrelays = 192.0.2.15/32\n"
      "[actions]\ndkim.expired = quarantine\n"
      "[domain:trial.example]\nmode = monitor\n";

/* Facts that make every field of a decision appear: a monitored domain,
 * a DMARC pass vouched for by an ARC sealer, waivers, a DNS failure, a
 * sampled-out DMARC failure, escapes in every kind of string. */
static const char *const reader_facts[] = {
	"{'id':'m1','client':{'ip':'203.0.113.7','helo':'h'},"
	"'mail_from':'a@trial.example','from':['a@trial.example'],"
	"'spf':{'result':'fail','domain':'trial.example'},"
	"'dkim':[{'d':'trial.example','s':'s','result':'expired'}],"
	"'dns':{'_dmarc.trial.example':'v=DMARC1; p=reject'}}",
	"{'id':'m\\'2\\\\\\u00e9','client':{'ip':'192.0.2.15','helo':null},"
	"'mail_from':'','from':['\\'L\\' <l@list.example>'],"
	"'spf':{'result':'softfail','domain':'list.example'},"
	"'dkim':[{'d':'list.example','s':null,'a':null,'result':"
	"'body_modified'},{'d':'other.example','result':'pass','bits':2048}],"
	"'arc':{'result':'pass','instances':[{'i':1,'sealer':"
	"'lists.example','dmarc':'pass'}]},"
	"'dns':{'_dmarc.list.example':'v=DMARC1; p=reject'}}",
	"{'from':['a@dns.example'],'spf':{'result':'pass','domain':"
	"'dns.example'},'dns':{'_dmarc.dns.example':'temperror'}}",
	"{'id':null,'from':['a@pct.example'],'spf':{'result':'none'},"
	"'dns':{'_dmarc.pct.example':'v=DMARC1; p=reject; pct=0'}}",
	"{'from':[]}",
};

/* Renders facts (J form) under reader_policy: the full line (with a
 * failure report outcome when ruf) into line, the short form into
 * summary, the facts alone into facts_json. */
static void
render_all(const char *facts_j, bool ruf, struct sbuf *line,
    struct sbuf *summary, struct sbuf *facts_json)
{
	struct policy *p = load_ok(reader_policy);
	struct ruf_outcome o;
	struct logline_meta meta
	    = { "2026-11-23T14:50:30.123Z", NULL, NULL, NULL };
	/* A Message-ID with escapes and a line end a sender put there
	 * (the module drops line ends; the writer must cope anyway). */
	struct logline_message msg = { "<a\"b\\c\n@x.example>", 2946, 3 };
	struct arena arena;
	struct facts f;
	struct decision d;

	memset(&o, 0, sizeof(o));
	o.status = RUF_SENT;
	o.n_sent = 1;
	snprintf(o.sent[0], sizeof(o.sent[0]), "ruf@trial.example");
	snprintf(o.why, sizeof(o.why), "a \"why\"\n");
	if (ruf) {
		meta.failure_report = &o;
		meta.host = "mx\\1";
		meta.message = &msg;
	}
	arena_init(&arena);
	facts_ok(&f, &arena, J(facts_j));
	decide(p, &f, &d);
	logline_render(line, p, &f, &d, &meta);
	logline_render_summary(summary, &f, &d, &meta);
	facts_to_json(&f, facts_json);
	assert_false(sbuf_failed(line) || sbuf_failed(summary));
	arena_free(&arena);
	policy_free(p);
}

/* Lines as the module writes them read back field for field, whole and
 * by their layout (which reads the action, class and facts only). */
static void
test_reader_fields(void **state)
{
	struct logrec *rec = malloc(sizeof(*rec)),
		      *fast = malloc(sizeof(*fast));
	struct sbuf line, summary, facts, again;
	struct arena arena;
	char err[256];
	size_t i;
	int ruf;

	(void)state;
	assert_non_null(rec);
	assert_non_null(fast);
	for (i = 0; i < sizeof(reader_facts) / sizeof(reader_facts[0]); i++)
		for (ruf = 0; ruf <= 1; ruf++) {
			sbuf_init(&line, LOGLINE_MAX);
			sbuf_init(&summary, 8192);
			sbuf_init(&facts, LOGLINE_MAX);
			render_all(reader_facts[i], ruf, &line, &summary,
			    &facts);
			arena_init(&arena);
			if (logrec_read(rec, sbuf_cstr(&line), line.len,
				LOGREC_ALL, &arena, err, sizeof(err))
			    != 0)
				fail_msg("%s: %s", err, sbuf_cstr(&line));
			same_as_jansson(rec, sbuf_cstr(&line),
			    sbuf_cstr(&facts));
			assert_int_equal(logrec_read(fast, sbuf_cstr(&line),
					     line.len, LOGREC_ACTION_FACTS,
					     &arena, err, sizeof(err)),
			    0);
			/* Read by layout, unless the head has escapes (the
			 * host of the ruf lines, the id of facts 1). */
			assert_int_equal(fast->has_dmarc, ruf || i == 1);
			assert_string_equal(fast->ts, rec->ts);
			assert_int_equal(fast->host == NULL, rec->host == NULL);
			assert_string_equal(fast->id != NULL ? fast->id : "-",
			    rec->id != NULL ? rec->id : "-");
			assert_int_equal(fast->action, rec->action);
			assert_string_equal(fast->cls, rec->cls);
			assert_int_equal(fast->has_facts, 1);
			sbuf_init(&again, LOGLINE_MAX);
			facts_to_json(&fast->facts, &again);
			assert_string_equal(sbuf_cstr(&again),
			    sbuf_cstr(&facts));
			sbuf_free(&again);
			assert_int_equal(logrec_read(rec, sbuf_cstr(&summary),
					     summary.len, LOGREC_ALL, &arena,
					     err, sizeof(err)),
			    0);
			same_as_jansson(rec, sbuf_cstr(&summary), NULL);
			assert_true(rec->truncated);
			assert_int_equal(logrec_read(fast, sbuf_cstr(&summary),
					     summary.len, LOGREC_ACTION_FACTS,
					     &arena, err, sizeof(err)),
			    0);
			assert_false(fast->has_facts);
			arena_free(&arena);
			sbuf_free(&line);
			sbuf_free(&summary);
			sbuf_free(&facts);
		}
	free(rec);
	free(fast);
}

/* A line using every field, in the writer's layout; the cases below
 * change one thing in it. */
static const char strict_base[]
    = "{'v':2,'ts':'T','host':'h','id':'i','decision':{'action':'reject',"
      "'class':'spf.fail','rule':'R0','line':null,'reason':null,"
      "'monitor':{'would':'reject','class':'spf.fail','rule':'R1'},"
      "'dmarc':{'result':'fail','domain':'d.example','record':"
      "'_dmarc.d.example','policy':'reject','pct':100,'sampled_out':false,"
      "'aligned':{'spf':false,'dkim':false},'arc_sealer':'s','why':'w'},"
      "'findings':[{'class':'spf.fail','action':'reject','rule':'R2',"
      "'line':'t.ini:3','waived':null,'held':true,'signature':0}]},"
      "'failure_report':{'status':'sent'},'message_id':'<m@x.example>',"
      "'size':10,'rcpt_count':2,'facts':{'id':'i','spf':{"
      "'result':'softfail','domain':'f.example'}}}";

static const struct {
	const char *from, *to; /* the first from in strict_base becomes to */
	const char *err;       /* in the error; NULL: read */
} strict_cases[] = {
	{ "'v':2,", "'v':2,'x':{'a':[1,{'b':null}]},", NULL },
	/* The RFC 9989 keys: a word of their set, or an error (a value
	 * that is no string never leaves a pointer to follow). */
	{ "'why':'w'", "'why':'w','method':'rfc9989','psd':'y'", NULL },
	{ "'why':'w'", "'why':'w','method':7", "method: expected a string" },
	{ "'why':'w'", "'why':'w','psd':[1]", "psd: expected a string" },
	{ "'why':'w'", "'why':'w','method':'rfc9999'", "unknown value" },
	{ "'why':'w'", "'why':'w','new':[true]", NULL },
	{ "'held':true", "'held':true,'new':{}", NULL },
	{ "'status':'sent'", "'status':'sent','new':1", NULL },
	{ "'action':'reject',", "'action':'maybe',",
	    "no decision.action: not an authgate log line" },
	{ "'decision'", "'other'",
	    "no decision.action: not an authgate log line" },
	{ "'host':'h'", "'host':'h','host':'h'", "duplicate key \"host\"" },
	{ "'v':2,", "'v':2,'x':1,'x':2,", "duplicate key \"x\"" },
	{ "'rule':'R0'", "'rule':'R0','rule':'R0'", "duplicate key \"rule\"" },
	{ "'rule':'R1'", "'rule':'R1','rule':'R1'", "duplicate key \"rule\"" },
	{ "'pct':100", "'pct':100,'pct':100", "duplicate key \"pct\"" },
	{ "'dkim':false", "'dkim':false,'dkim':true",
	    "duplicate key \"dkim\"" },
	{ "'held':true", "'held':true,'held':true", "duplicate key \"held\"" },
	{ "'why':'w'", "'why':'w','n':1,'n':1", "duplicate key \"n\"" },
	{ "'status':'sent'", "'status':'sent','status':1",
	    "duplicate key \"status\"" },
	{ "'result':'softfail'", "'result':'softfail','result':'fail'",
	    "duplicate key \"result\"" },
	{ "'failure_report':{", "'facts':{},'failure_report':{",
	    "duplicate key \"facts\"" },
	{ "'v':2", "'v':'1'", "v: expected a whole number" },
	{ "'v':2", "'v':3", "v: version 3, not 1 to 2" },
	{ "'ts':'T'", "'ts':null", "ts: expected a string" },
	{ "'host':'h'", "'host':[]", "host: expected a string or null" },
	{ "'id':'i','decision'", "'id':7,'decision'",
	    "id: expected a string or null" },
	{ "'v':2,", "'v':2,'truncated':'yes',",
	    "truncated: expected true or false" },
	{ "'decision':{'action':'reject',", "'decision':[{'action':'reject',",
	    "decision: expected an object" },
	{ "'action':'reject',", "'action':5,",
	    "decision.action: expected a string" },
	{ "'class':'spf.fail','rule':'R0'", "'class':1,'rule':'R0'",
	    "decision.class: expected a string" },
	{ "'reason':null", "'reason':false",
	    "decision.reason: expected a string or null" },
	{ "'would':'reject'", "'would':'maybe'",
	    "decision.monitor.would: unknown action \"maybe\"" },
	{ "'would':'reject',", "", "decision.monitor.would: missing" },
	{ "'monitor':{", "'monitor':[{",
	    "decision.monitor: expected an object" },
	{ "'result':'fail'", "'result':'bogus'",
	    "decision.dmarc.result: unknown DMARC result \"bogus\"" },
	{ "'result':'fail',", "", "decision.dmarc.result: missing" },
	{ "'domain':'d.example'", "'domain':1",
	    "decision.dmarc.domain: expected a string or null" },
	{ "'pct':100", "'pct':101",
	    "decision.dmarc.pct: 101 is outside 0-100" },
	{ "'pct':100", "'pct':1.5",
	    "decision.dmarc.pct: expected a whole number" },
	{ "'pct':100", "'pct':-1", "decision.dmarc.pct: -1 is outside 0-100" },
	{ "'sampled_out':false", "'sampled_out':0",
	    "decision.dmarc.sampled_out: expected true or false" },
	{ "'aligned':{'spf':false,'dkim':false}", "'aligned':true",
	    "decision.dmarc.aligned: expected an object" },
	{ "'spf':false", "'spf':null",
	    "decision.dmarc.aligned.spf: expected true or false" },
	{ "'arc_sealer':'s'", "'arc_sealer':null",
	    "decision.dmarc.arc_sealer: expected a string" },
	{ "'findings':[{", "'findings':{'a':{",
	    "decision.findings: expected an array" },
	{ "'findings':[{", "'findings':[5,{",
	    "decision.findings[0]: expected an object" },
	{ "'class':'spf.fail','action':'reject','rule':'R2'",
	    "'class':'spf.nope','action':'reject','rule':'R2'",
	    "decision.findings[0].class: unknown class \"spf.nope\"" },
	{ "'action':'reject','rule':'R2'", "'rule':'R2'",
	    "decision.findings[0].action: missing" },
	{ "'line':'t.ini:3'", "'line':3",
	    "decision.findings[0].line: expected a string or null" },
	{ "'held':true", "'held':'true'",
	    "decision.findings[0].held: expected true or false" },
	{ "'signature':0", "'signature':64",
	    "decision.findings[0].signature: 64 is outside 0-63" },
	{ "'failure_report':{'status':'sent'}", "'failure_report':'sent'",
	    "failure_report: expected an object" },
	/* The message's fields: together or not at all (older lines). */
	{ "'message_id':'<m@x.example>','size':10,'rcpt_count':2,", "", NULL },
	{ "'size':10", "'size':null", NULL },
	{ "'message_id':'<m@x.example>'", "'message_id':null", NULL },
	{ "'size':10", "'size':2147483647", NULL },
	{ "'v':2,", "'v':2,'error':'e',", NULL },
	{ "'message_id':'<m@x.example>'", "'message_id':7",
	    "message_id: expected a string or null" },
	{ "'size':10", "'size':-1", "size: -1 is outside 0-2147483647" },
	{ "'size':10", "'size':2147483648",
	    "size: 2147483648 is outside 0-2147483647" },
	{ "'size':10", "'size':1.5", "size: expected a whole number" },
	{ "'size':10", "'size':'10'", "size: expected a whole number" },
	{ "'rcpt_count':2", "'rcpt_count':null",
	    "rcpt_count: expected a whole number" },
	{ "'size':10,", "", "size: missing" },
	{ "'message_id':'<m@x.example>',", "", "message_id: missing" },
	{ ",'rcpt_count':2", "", "rcpt_count: missing" },
	{ "'size':10", "'size':10,'size':10", "duplicate key \"size\"" },
	{ "'v':2,", "'v':2,'error':null,", "error: expected a string" },
	{ "'facts':{'id'", "'facts':[{'id'", "facts: expected an object" },
	{ "'facts':{'id':'i',", "'facts':{'id':'i','bimi':1,",
	    "facts: unknown field \"bimi\"" },
	{ "'result':'softfail'", "'result':'soft'",
	    "spf.result: unknown SPF result \"soft\"" },
	{ "'v':2,", "'v':2,'ts':'\\u0000',",
	    "not JSON: line 1 column 14: \\u0000 (NUL) is not allowed" },
	{ "'status':'sent'}", "'status':'sent'}}", "not JSON: line 1 column" },
};

/* strict_base with its first from replaced by to, J-converted. */
static char *
strict_line(const char *from, const char *to)
{
	char *base = strdup(J(strict_base)), *f = strdup(J(from));
	char *t = strdup(J(to)), *line;
	const char *at;

	assert_true(base != NULL && f != NULL && t != NULL);
	if ((at = strstr(base, f)) == NULL)
		fail_msg("\"%s\" is not in the base line", from);
	line = malloc(strlen(base) + strlen(t) + 1);
	assert_non_null(line);
	memcpy(line, base, (size_t)(at - base));
	strcpy(line + (at - base), t);
	strcat(line, at + strlen(f));
	free(base);
	free(f);
	free(t);
	return line;
}

/* Duplicate keys at every depth, wrong types, words out of their sets,
 * missing required members: each refused with the field named; keys the
 * writer does not write are read past. */
static void
test_reader_strict(void **state)
{
	struct logrec *rec = malloc(sizeof(*rec));
	struct arena arena;
	char err[256], *line;
	size_t i;

	(void)state;
	assert_non_null(rec);
	arena_init(&arena);
	line = strict_line("'v'", "'v'");
	if (logrec_read(rec, line, strlen(line), LOGREC_ALL, &arena, err,
		sizeof(err))
	    != 0)
		fail_msg("the base line: %s", err);
	same_as_jansson(rec, line,
	    "{\"id\":\"i\",\"client\":{\"ip\":null,"
	    "\"helo\":null,\"authenticated\":false},"
	    "\"mail_from\":\"\",\"from\":[],\"spf\":{"
	    "\"result\":\"softfail\",\"domain\":"
	    "\"f.example\"},\"dkim\":[],\"arc\":{"
	    "\"result\":\"none\",\"instances\":[]},"
	    "\"dns\":{}}");
	free(line);
	for (i = 0; i < sizeof(strict_cases) / sizeof(strict_cases[0]); i++) {
		line = strict_line(strict_cases[i].from, strict_cases[i].to);
		memset(err, 0, sizeof(err));
		if (strict_cases[i].err == NULL) {
			if (logrec_read(rec, line, strlen(line), LOGREC_ALL,
				&arena, err, sizeof(err))
			    != 0)
				fail_msg("case %zu refused (%s): %s", i, err,
				    line);
		} else if (logrec_read(rec, line, strlen(line), LOGREC_ALL,
			       &arena, err, sizeof(err))
			== 0
		    || strstr(err, strict_cases[i].err) == NULL) {
			fail_msg("case %zu: want \"%s\", got \"%s\": %s", i,
			    strict_cases[i].err, err, line);
		}
		free(line);
	}
	/* The writer's layout read for the action, class and facts alone
	 * takes them by position and does not read the rest... */
	line = strict_line("'pct':100", "'pct':101");
	assert_int_equal(logrec_read(rec, line, strlen(line),
			     LOGREC_ACTION_FACTS, &arena, err, sizeof(err)),
	    0);
	assert_int_equal(rec->action, AG_REJECT);
	assert_string_equal(rec->cls, "spf.fail");
	assert_string_equal(rec->facts.spf_domain, "f.example");
	free(line);
	/* ...but not its facts, nor a head in another layout. */
	line = strict_line("'result':'softfail'", "'result':'soft'");
	assert_int_equal(logrec_read(rec, line, strlen(line),
			     LOGREC_ACTION_FACTS, &arena, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "spf.result: unknown SPF result \"soft\"");
	free(line);
	line = strict_line("'host':'h'", "'host':'h','x':[");
	assert_int_equal(logrec_read(rec, line, strlen(line),
			     LOGREC_ACTION_FACTS, &arena, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not JSON"));
	free(line);
	arena_free(&arena);
	free(rec);
}

/* Every truncated prefix of real lines, in a buffer of its own size, is
 * refused with a reason, whatever the caller needs. */
static void
test_reader_prefixes(void **state)
{
	struct logrec *rec = malloc(sizeof(*rec));
	struct sbuf line, summary, facts;
	struct arena arena;
	const char *texts[3];
	char err[256], *copy;
	size_t i, n;
	int need;

	(void)state;
	assert_non_null(rec);
	sbuf_init(&line, LOGLINE_MAX);
	sbuf_init(&summary, 8192);
	sbuf_init(&facts, LOGLINE_MAX);
	render_all(reader_facts[1], true, &line, &summary, &facts);
	texts[0] = sbuf_cstr(&line);
	texts[1] = sbuf_cstr(&summary);
	texts[2] = strict_line("'v'", "'v'");
	for (i = 0; i < 3; i++)
		for (n = 0; n < strlen(texts[i]); n++)
			for (need = LOGREC_ALL; need <= LOGREC_ACTION_FACTS;
			     need++) {
				copy = malloc(n > 0 ? n : 1);
				memcpy(copy, texts[i], n);
				arena_init(&arena);
				err[0] = '\0';
				if (logrec_read(rec, copy, n,
					(enum logrec_need)need, &arena, err,
					sizeof(err))
				    != -1)
					fail_msg("prefix of %zu bytes read: "
						 "%.*s",
					    n, (int)n, texts[i]);
				assert_true(err[0] != '\0');
				assert_false(rec->has_facts);
				arena_free(&arena);
				free(copy);
			}
	free((char *)texts[2]);
	sbuf_free(&line);
	sbuf_free(&summary);
	sbuf_free(&facts);
	free(rec);
}

/* Every allocation of a read failing in turn: "out of memory", never a
 * crash or a half-read success. */
static void
test_reader_out_of_memory(void **state)
{
	struct logrec *rec = malloc(sizeof(*rec));
	struct sbuf line, summary, facts;
	struct arena arena;
	const char *texts[2];
	unsigned long n, total;
	char err[256];
	size_t i;
	int need;

	(void)state;
	assert_non_null(rec);
	sbuf_init(&line, LOGLINE_MAX);
	sbuf_init(&summary, 8192);
	sbuf_init(&facts, LOGLINE_MAX);
	render_all(reader_facts[1], true, &line, &summary, &facts);
	texts[0] = sbuf_cstr(&line);
	texts[1] = strict_line("'v'", "'v'");
	for (i = 0; i < 2; i++)
		for (need = LOGREC_ALL; need <= LOGREC_ACTION_FACTS; need++) {
			ag_fault_fail_nth(0);
			arena_init(&arena);
			assert_int_equal(logrec_read(rec, texts[i],
					     strlen(texts[i]),
					     (enum logrec_need)need, &arena,
					     err, sizeof(err)),
			    0);
			total = ag_fault_count();
			arena_free(&arena);
			assert_true(total >= 1);
			for (n = 1; n <= total; n++) {
				arena_init(&arena);
				ag_fault_fail_nth(n);
				assert_int_equal(logrec_read(rec, texts[i],
						     strlen(texts[i]),
						     (enum logrec_need)need,
						     &arena, err, sizeof(err)),
				    -1);
				assert_non_null(strstr(err, "out of memory"));
				assert_false(rec->has_facts);
				arena_free(&arena);
			}
		}
	ag_fault_fail_nth(0);
	free((char *)texts[1]);
	sbuf_free(&line);
	sbuf_free(&summary);
	sbuf_free(&facts);
	free(rec);
}

/* What the module keeps of a Message-ID field's value: unfolded,
 * trimmed, UTF-8, cut between sequences. */
static void
test_message_id_value(void **state)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		const char *want;
	} cases[] = {
		{ " <a@x.example>\n", 0, "<a@x.example>" },
		{ "\n\t<long.id@x.example>\r\n", 0, "<long.id@x.example>" },
		{ "  <a@x\r\n .example> (c)  \t", 0, "<a@x .example> (c)" },
		{ "<a\0b@x>", 8, "<ab@x>" },
		{ "<\xff\xfe@x>", 0, "<\xef\xbf\xbd\xef\xbf\xbd@x>" },
		{ "<\x01@x>", 0, "<\x01@x>" },
		{ " \r\n\t ", 0, "" },
		{ "", 0, "" },
	};
	char in[LOGLINE_MAX_MESSAGE_ID + 8];
	struct arena arena;
	const char *got;
	size_t i;

	(void)state;
	arena_init(&arena);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = logline_message_id(&arena, cases[i].in,
		    cases[i].len != 0 ? cases[i].len : strlen(cases[i].in));
		assert_non_null(got);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, got,
			    cases[i].want);
	}
	/* Cut at the cap, and never inside a sequence: a three-byte one
	 * that would end past it is left out whole. */
	memset(in, 'a', sizeof(in));
	got = logline_message_id(&arena, in, sizeof(in));
	assert_int_equal(strlen(got), LOGLINE_MAX_MESSAGE_ID);
	memcpy(in + LOGLINE_MAX_MESSAGE_ID - 1, "\xe2\x82\xac", 3);
	got = logline_message_id(&arena, in, sizeof(in));
	assert_int_equal(strlen(got), LOGLINE_MAX_MESSAGE_ID - 1);
	arena_free(&arena);
}

/* The message's fields in the full line and in the short form: read
 * back as written, kept out of the facts, no change to what replays;
 * a Message-ID over the cap refused. */
static void
test_message_fields(void **state)
{
	char *facts = slurp("tests/data/golden/logline-facts.json");
	struct policy *p = load_ok(policy_text);
	struct logline_message msg = { "<m1@partner.example>", 1234, 2 };
	struct logline_meta meta
	    = { "2026-11-23T14:50:30Z", "mx1.test", NULL, NULL };
	struct logrec *rec = malloc(sizeof(*rec));
	struct replay_entry *e = malloc(sizeof(*e));
	struct sbuf plain, with, summary;
	char long_id[LOGLINE_MAX_MESSAGE_ID + 2], err[256], *line;
	struct arena arena;
	struct facts f;
	struct decision d;
	size_t n;

	(void)state;
	assert_true(rec != NULL && e != NULL);
	arena_init(&arena);
	facts_ok(&f, &arena, facts);
	decide(p, &f, &d);
	sbuf_init(&plain, LOGLINE_MAX);
	sbuf_init(&with, LOGLINE_MAX);
	sbuf_init(&summary, 8192);
	logline_render(&plain, p, &f, &d, &meta);
	meta.message = &msg;
	logline_render(&with, p, &f, &d, &meta);
	logline_render_summary(&summary, &f, &d, &meta);
	assert_non_null(strstr(sbuf_cstr(&with),
	    ",\"message_id\":\"<m1@partner.example>\",\"size\":1234,"
	    "\"rcpt_count\":2,\"facts\":{"));
	assert_null(strstr(sbuf_cstr(&plain), "message_id"));
	assert_int_equal(logrec_read(rec, sbuf_cstr(&with), with.len,
			     LOGREC_ALL, &arena, err, sizeof(err)),
	    0);
	assert_true(rec->has_message);
	assert_string_equal(rec->message_id, "<m1@partner.example>");
	assert_int_equal(rec->size, 1234);
	assert_int_equal(rec->rcpt_count, 2);
	assert_int_equal(logrec_read(rec, sbuf_cstr(&summary), summary.len,
			     LOGREC_ALL, &arena, err, sizeof(err)),
	    0);
	assert_true(rec->truncated && rec->has_message);
	assert_string_equal(rec->message_id, "<m1@partner.example>");
	assert_int_equal(logrec_read(rec, sbuf_cstr(&plain), plain.len,
			     LOGREC_ALL, &arena, err, sizeof(err)),
	    0);
	assert_false(rec->has_message);
	assert_null(rec->message_id);
	/* Replay reads the same facts from both lines. */
	assert_int_equal(replay_line(p, sbuf_cstr(&with), with.len, &arena, e,
			     err, sizeof(err)),
	    0);
	assert_int_equal(e->now.action, d.action);
	assert_true(e->line.has_facts);
	/* No size: null; no Message-ID field: null. */
	msg.size = -1;
	msg.message_id = NULL;
	sbuf_reset(&with);
	logline_render(&with, p, &f, &d, &meta);
	assert_non_null(strstr(sbuf_cstr(&with),
	    ",\"message_id\":null,\"size\":null,\"rcpt_count\":2,"));
	assert_int_equal(logrec_read(rec, sbuf_cstr(&with), with.len,
			     LOGREC_ALL, &arena, err, sizeof(err)),
	    0);
	assert_true(rec->has_message);
	assert_null(rec->message_id);
	assert_int_equal(rec->size, -1);
	/* At the cap a Message-ID reads; one byte more is refused. */
	for (n = LOGLINE_MAX_MESSAGE_ID; n <= LOGLINE_MAX_MESSAGE_ID + 1; n++) {
		memset(long_id, 'x', n);
		long_id[n] = '\0';
		msg.message_id = long_id;
		sbuf_reset(&with);
		logline_render(&with, p, &f, &d, &meta);
		line = strdup(sbuf_cstr(&with));
		assert_int_equal(logrec_read(rec, line, strlen(line),
				     LOGREC_ALL, &arena, err, sizeof(err)),
		    n <= LOGLINE_MAX_MESSAGE_ID ? 0 : -1);
		if (n > LOGLINE_MAX_MESSAGE_ID)
			assert_string_equal(err,
			    "message_id: longer than 256 bytes");
		free(line);
	}
	sbuf_free(&plain);
	sbuf_free(&with);
	sbuf_free(&summary);
	arena_free(&arena);
	policy_free(p);
	free(facts);
	free(rec);
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
		cmocka_unit_test(test_reader_fields),
		cmocka_unit_test(test_reader_strict),
		cmocka_unit_test(test_reader_prefixes),
		cmocka_unit_test(test_reader_out_of_memory),
		cmocka_unit_test(test_message_id_value),
		cmocka_unit_test(test_message_fields),
	};

	return cmocka_run_group_tests_name("logline", tests, NULL, NULL);
}
