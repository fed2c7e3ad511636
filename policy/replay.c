/*
 * replay.c: a log line back into facts and its logged verdict, and the
 * decision again. The logged action is the one enforced (monitor mode
 * logs accept), which is what a postmaster compares against.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "replay.h"

static const char *
string_at(json_t *obj, const char *key, struct arena *arena)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return "";
	return arena_strndup(arena, json_string_value(v),
	    json_string_length(v));
}

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
	size_t n = strlen(pat), i, found = len;

	for (i = 0; i + n <= len; i++)
		if (s[i] == pat[0] && memcmp(s + i, pat, n) == 0) {
			found = i;
			if (!last_one)
				break;
		}
	return found < len ? s + found : NULL;
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

int
replay_line(const struct policy *policy, const char *line, size_t len,
    struct arena *arena, struct replay_entry *out, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *root, *dec, *action;
	int rc;

	if (fast_line(policy, line, len, arena, out, err, errsz) == 0)
		return arena_failed(arena) ? -1 : 0;
	rc = -1;
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, errsz, "not JSON: %s (column %d)", jerr.text,
		    jerr.column);
		return -1;
	}
	dec = json_object_get(root, "decision");
	action = json_object_get(dec, "action");
	if (!json_is_object(root) || !json_is_string(action)
	    || ag_action_parse(json_string_value(action), &out->old_action)
		!= 0) {
		snprintf(err, errsz,
		    "no decision.action: not an authgate "
		    "log line");
		goto out;
	}
	out->old_class = string_at(dec, "class", arena);
	out->id = string_at(root, "id", arena);
	out->ts = string_at(root, "ts", arena);
	if (facts_from_jansson(&out->facts, arena,
		json_object_get(root, "facts"), err, errsz)
	    != 0)
		goto out;
	decide(policy, &out->facts, &out->now);
	rc = arena_failed(arena) ? -1 : 0;
	if (rc != 0)
		snprintf(err, errsz, "out of memory");
out:
	json_decref(root);
	return rc;
}
