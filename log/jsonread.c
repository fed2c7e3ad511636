/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonread.c: typed values and objects' members, pulled from jsonpull.h
 * for the facts reader and the log-line reader, each with its own
 * strictness and messages (jsonread.h).
 */
#include <stdarg.h>
#include <stdio.h>

#include "log/jsonread.h"
#include "policy/facts.h"

void
jsonread_init(struct jsonread *r, enum jsonread_format format,
    struct arena *arena, char *err, size_t errsz)
{
	r->arena = arena;
	r->format = format;
	r->named = false;
	r->err = err;
	r->errsz = errsz;
}

int
jsonread_fail(struct jsonread *r, const struct jsonread_path *w,
    const char *fmt, ...)
{
	char path[400];
	va_list ap;
	int n;

	if (w->quoted != NULL)
		snprintf(path, sizeof(path), "%s.\"%.256s\"", w->obj,
		    w->quoted);
	else if (w->obj == NULL)
		snprintf(path, sizeof(path), "%s", w->field);
	else if (w->index >= 0 && w->field == NULL)
		snprintf(path, sizeof(path), "%s[%ld]", w->obj, w->index);
	else if (w->index >= 0)
		snprintf(path, sizeof(path), "%s[%ld].%s", w->obj, w->index,
		    w->field);
	else if (w->field == NULL)
		snprintf(path, sizeof(path), "%s", w->obj);
	else
		snprintf(path, sizeof(path), "%s.%s", w->obj, w->field);
	r->named = true;
	if (r->errsz == 0)
		return -1;
	n = snprintf(r->err, r->errsz, "%s: ", path);
	if (n >= 0 && (size_t)n < r->errsz) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
jsonread_expected(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, const char *what)
{
	if (t == JSONPULL_ERROR)
		return -1;
	return jsonread_fail(r, w, "expected %s", what);
}

int
jsonread_string(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, bool nullable, const char **out)
{
	const char *s;

	if (nullable && t == JSONPULL_NULL) {
		if (out != NULL)
			*out = NULL;
		return 0;
	}
	if (t != JSONPULL_STRING)
		return jsonread_expected(r, t, w,
		    nullable && r->format == JSONREAD_LOGLINE ?
			"a string or null" :
			"a string");
	if (r->format == JSONREAD_FACTS && r->json.len > FACTS_MAX_STRING)
		return jsonread_fail(r, w, "longer than %d bytes",
		    FACTS_MAX_STRING);
	if (out == NULL)
		return 0;
	if ((s = jsonpull_copy(&r->json, r->arena)) == NULL)
		return r->format == JSONREAD_LOGLINE ?
		    jsonpull_fail(&r->json, "out of memory") :
		    jsonread_fail(r, w, "out of memory");
	*out = s;
	return 0;
}

int
jsonread_word(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, char *word)
{
	if (jsonread_string(r, t, w, false, NULL) != 0)
		return -1;
	jsonpull_prefix(&r->json, word, JSONREAD_MAX_WORD);
	return 0;
}

int
jsonread_uint(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, unsigned max, unsigned *out)
{
	const char *s = r->json.raw, *end = s + r->json.raw_len;
	unsigned long long n = 0;
	bool negative;

	if (t != JSONPULL_NUMBER || !r->json.integer)
		return jsonread_expected(r, t, w, "a whole number");
	negative = *s == '-';
	for (s += negative; s < end && n <= max; s++)
		n = n * 10 + (unsigned)(*s - '0');
	if (n > max || (negative && n != 0))
		return jsonread_fail(r, w, "%.*s is outside 0-%u",
		    (int)(r->json.raw_len < 40 ? r->json.raw_len : 40),
		    r->json.raw, max);
	*out = (unsigned)n;
	return 0;
}

int
jsonread_bool(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, bool *out)
{
	if (t != JSONPULL_TRUE && t != JSONPULL_FALSE)
		return jsonread_expected(r, t, w, "true or false");
	*out = t == JSONPULL_TRUE;
	return 0;
}

int
jsonread_object(struct jsonread *r, enum jsonpull_token t,
    struct jsonread_object *o, const struct jsonread_path *at, const char *obj,
    const char *const *keys)
{
	if (t != JSONPULL_OBJECT)
		return jsonread_expected(r, t, at, "an object");
	o->keys = keys;
	o->seen = 0;
	o->at = at;
	o->w.obj = obj;
	o->w.index = at->index;
	o->w.field = NULL;
	o->w.quoted = NULL;
	if (r->format == JSONREAD_LOGLINE)
		jsonpull_keys_init(&o->others);
	return 0;
}

static int other_member(struct jsonread *r, struct jsonread_object *o,
    const char *repeated) __attribute__((noinline));

/* A member that is not the first of a known name (repeated names the
 * known one it repeats): the facts refuse it; in a log line a repeat is
 * the text's problem, and another name is read past. Apart from
 * jsonread_member, which is on every line's path, as its buffer would
 * cost that path a stack check. */
static int
other_member(struct jsonread *r, struct jsonread_object *o,
    const char *repeated)
{
	char name[65];

	if (r->format == JSONREAD_FACTS) {
		jsonpull_prefix(&r->json, name, sizeof(name));
		return jsonread_fail(r, o->at, "%s \"%.64s\"",
		    repeated != NULL ? "duplicate key" : "unknown field", name);
	}
	if (repeated != NULL)
		return jsonpull_fail(&r->json, "duplicate key \"%s\"",
		    repeated);
	if (jsonpull_keys_add(&r->json, &o->others, r->arena) != 0)
		return -1;
	return jsonpull_skip(&r->json, jsonpull_next(&r->json), r->arena);
}

int
jsonread_member(struct jsonread *r, struct jsonread_object *o,
    enum jsonpull_token *t)
{
	const char *const *keys = o->keys;
	enum jsonpull_token k;
	char c;
	int i;

	while ((k = jsonpull_next(&r->json)) == JSONPULL_KEY) {
		/* A name with no escapes is its own bytes, none NUL: a key
		 * that starts with another byte is not it (c 0: no clue). */
		c = r->json.escaped || r->json.raw_len == 0 ? '\0' :
							      r->json.raw[0];
		for (i = 0; keys[i] != NULL; i++)
			if ((c == '\0' || keys[i][0] == c)
			    && jsonpull_is(&r->json, keys[i]))
				break;
		if (keys[i] == NULL || (o->seen & (1u << i)) != 0) {
			if (other_member(r, o, keys[i]) != 0)
				return -1;
			continue;
		}
		o->seen |= 1u << i;
		o->w.field = keys[i];
		*t = jsonpull_next(&r->json);
		return i;
	}
	/* The JSON reader allows nothing else after a member. */
	return k == JSONPULL_OBJECT_END ? JSONREAD_END : -1;
}

int
jsonread_require(struct jsonread *r, struct jsonread_object *o, int k)
{
	if ((o->seen & (1u << k)) != 0)
		return 0;
	o->w.field = o->keys[k];
	return jsonread_fail(r, &o->w, "missing");
}

int
jsonread_element(struct jsonread *r, const struct jsonread_path *at, size_t n,
    size_t max, const char *what, enum jsonpull_token *t)
{
	*t = jsonpull_next(&r->json);
	if (*t == JSONPULL_ARRAY_END)
		return 0;
	if (*t == JSONPULL_ERROR)
		return -1;
	if (n < max)
		return 1;
	if (what == NULL)
		return jsonread_fail(r, at, "more than %zu", max);
	return jsonread_fail(r, at, "more than %zu %s", max, what);
}
