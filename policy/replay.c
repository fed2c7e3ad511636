/*
 * replay.c: a log line back into facts and its logged verdict, and the
 * decision again. The logged action is the one enforced (monitor mode
 * logs accept), which is what a postmaster compares against.
 */
#include <jansson.h>
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

int
replay_line(const struct policy *policy, const char *line, size_t len,
    struct arena *arena, struct replay_entry *out, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *root, *dec, *action;
	int rc = -1;

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
