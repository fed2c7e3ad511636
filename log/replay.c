/*
 * replay.c: a log line back into facts and its logged verdict, and the
 * decision again. The logged action is the one enforced (monitor mode
 * logs accept), which is what a postmaster compares against.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "log/reader.h"
#include "log/replay.h"
#include "util/jsonpull.h"

/* The value of a string key as authgate writes it ("key":"value" with no
 * escapes in value), searched from p; NULL when not there so. */
static const char *
plain_string(const char *p, const char *end, const char *key, size_t *vlen)
{
	size_t klen = strlen(key);
	const char *v, *q;

	if ((size_t)(end - p) < klen || memcmp(p, key, klen) != 0)
		return NULL;
	v = p + klen;
	for (q = v; q < end && *q != '"'; q++)
		if (*q == '\\')
			return NULL;
	if (q == end)
		return NULL;
	*vlen = (size_t)(q - v);
	return v;
}

/* The first (last_one false) or last occurrence of pat in len bytes. */
static const char *
find(const char *s, size_t len, const char *pat, bool last_one)
{
	size_t n = strlen(pat), i;

	if (n > len)
		return NULL;
	if (last_one) { /* from the end: the facts are the second half */
		for (i = len - n + 1; i-- > 0;)
			if (s[i] == pat[0] && memcmp(s + i, pat, n) == 0)
				return s + i;
		return NULL;
	}
	for (i = 0; i + n <= len; i++)
		if (s[i] == pat[0] && memcmp(s + i, pat, n) == 0)
			return s + i;
	return NULL;
}

/* A line as logline_render writes it, read without parsing the decision:
 * its action and class are the first two keys of "decision", and
 * "facts" is the last key of the line. An unescaped ,"facts":{ cannot
 * occur inside a JSON string, so its last occurrence is the key. Returns
 * 0, or -1 to have the caller parse the whole line (which also names
 * any problem). */
static int
fast_line(const struct policy *policy, const char *line, size_t len,
    struct arena *arena, struct replay_entry *out, char *err, size_t errsz)
{
	static const char facts_key[] = ",\"facts\":{";
	const char *end = line + len, *p, *facts = NULL, *action, *cls;
	char word[16];
	size_t alen, clen;

	if (len < 16 || memcmp(line, "{\"v\":1,", 7) != 0 || end[-1] != '}')
		return -1;
	if ((p = find(line, len, ",\"decision\":{", false)) == NULL)
		return -1;
	p += 13;
	if ((action = plain_string(p, end, "\"action\":\"", &alen)) == NULL
	    || alen >= sizeof(word))
		return -1;
	p = action + alen + 1;
	if ((cls = plain_string(p, end, ",\"class\":\"", &clen)) == NULL)
		return -1;
	if ((facts = find(line, len, facts_key, true)) == NULL)
		return -1;
	memcpy(word, action, alen);
	word[alen] = '\0';
	if (ag_action_parse(word, &out->old_action) != 0)
		return -1;
	out->old_class = arena_strndup(arena, cls, clen);
	out->ts = "";
	facts += sizeof(facts_key) - 2; /* at the '{' */
	if (facts_from_json(&out->facts, arena, facts,
		(size_t)(end - 1 - facts), err, errsz)
	    != 0)
		return -1; /* not laid out as expected: parse it whole */
	out->id = out->facts.id != NULL ? out->facts.id : "";
	decide(policy, &out->facts, &out->now);
	return 0;
}

/* What the whole-line reading finds besides the facts. */
struct line_parts {
	bool have_action;
	enum ag_action action;
	const char *cls, *id, *ts;
	const char *facts; /* the facts value's text, or NULL */
	size_t facts_len;
};

/* A string value copied into arena; anything else is read past and
 * gives "". */
static int
string_or_empty(struct jsonpull *j, enum jsonpull_token t, struct arena *arena,
    const char **out)
{
	if (t != JSONPULL_STRING) {
		*out = "";
		return jsonpull_skip(j, t, arena);
	}
	*out = jsonpull_copy(j, arena);
	return *out != NULL ? 0 : jsonpull_fail(j, "out of memory");
}

/* The "decision" object: its action and class; the rest read past. */
static int
read_decision(struct jsonpull *j, enum jsonpull_token t, struct arena *arena,
    struct line_parts *lp)
{
	struct jsonpull_keys keys;
	char word[16];

	if (t != JSONPULL_OBJECT)
		return jsonpull_skip(j, t, arena);
	jsonpull_keys_init(&keys);
	while ((t = jsonpull_next(j)) == JSONPULL_KEY) {
		if (jsonpull_keys_add(j, &keys, arena) != 0)
			return -1;
		if (jsonpull_is(j, "class")) {
			if (string_or_empty(j, jsonpull_next(j), arena,
				&lp->cls)
			    != 0)
				return -1;
			continue;
		}
		if (!jsonpull_is(j, "action")) {
			if (jsonpull_skip(j, jsonpull_next(j), arena) != 0)
				return -1;
			continue;
		}
		t = jsonpull_next(j);
		if (t == JSONPULL_STRING && j->len < sizeof(word)) {
			jsonpull_prefix(j, word, sizeof(word));
			lp->have_action
			    = ag_action_parse(word, &lp->action) == 0;
		} else if (jsonpull_skip(j, t, arena) != 0) {
			return -1;
		}
	}
	return t == JSONPULL_OBJECT_END ? 0 : -1;
}

/* The whole line as JSON, in one pass: a JSON problem anywhere in it
 * (duplicate keys included) is found before anything is decided. The
 * facts are only located here and read by facts_from_json. */
static int
read_line(const char *line, size_t len, struct arena *arena,
    struct line_parts *lp, char *err, size_t errsz)
{
	struct jsonpull j;
	struct jsonpull_keys keys;
	enum jsonpull_token t;
	int rc;

	memset(lp, 0, sizeof(*lp));
	lp->cls = lp->id = lp->ts = "";
	jsonpull_init(&j, line, len, err, errsz);
	jsonpull_keys_init(&keys);
	t = jsonpull_next(&j);
	if (t != JSONPULL_OBJECT) {
		if (jsonpull_skip(&j, t, arena) != 0)
			return -1;
		return jsonpull_next(&j) == JSONPULL_END ? 0 : -1;
	}
	while ((t = jsonpull_next(&j)) == JSONPULL_KEY) {
		if (jsonpull_keys_add(&j, &keys, arena) != 0)
			return -1;
		if (jsonpull_is(&j, "decision")) {
			rc = read_decision(&j, jsonpull_next(&j), arena, lp);
		} else if (jsonpull_is(&j, "id")) {
			rc = string_or_empty(&j, jsonpull_next(&j), arena,
			    &lp->id);
		} else if (jsonpull_is(&j, "ts")) {
			rc = string_or_empty(&j, jsonpull_next(&j), arena,
			    &lp->ts);
		} else if (jsonpull_is(&j, "facts")) {
			t = jsonpull_next(&j);
			lp->facts = j.tok;
			rc = jsonpull_skip(&j, t, arena);
			lp->facts_len = (size_t)(j.p - lp->facts);
		} else {
			rc = jsonpull_skip(&j, jsonpull_next(&j), arena);
		}
		if (rc != 0)
			return -1;
	}
	if (t != JSONPULL_OBJECT_END)
		return -1;
	return jsonpull_next(&j) == JSONPULL_END ? 0 : -1;
}

int
replay_line(const struct policy *policy, const char *line, size_t len,
    struct arena *arena, struct replay_entry *out, char *err, size_t errsz)
{
	struct line_parts lp;
	char jerr[256];

	if (fast_line(policy, line, len, arena, out, err, errsz) == 0)
		return arena_failed(arena) ? -1 : 0;
	if (read_line(line, len, arena, &lp, jerr, sizeof(jerr)) != 0) {
		if (arena_failed(arena))
			snprintf(err, errsz, "out of memory");
		else
			snprintf(err, errsz, "not JSON: %s", jerr);
		return -1;
	}
	if (!lp.have_action) {
		snprintf(err, errsz,
		    "no decision.action: not an authgate log line");
		return -1;
	}
	out->old_action = lp.action;
	out->old_class = lp.cls;
	out->id = lp.id;
	out->ts = lp.ts;
	if (lp.facts == NULL) {
		facts_init(&out->facts);
		snprintf(err, errsz, "facts: expected an object");
		return -1;
	}
	if (facts_from_json(&out->facts, arena, lp.facts, lp.facts_len, err,
		errsz)
	    != 0)
		return -1;
	decide(policy, &out->facts, &out->now);
	if (arena_failed(arena)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}
