/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonpull.c: the pull reader. Strings are scanned once, validating and
 * measuring them; an unescaped string (what authgate writes, nearly
 * always) is then used in place, an escaped one decoded on request.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/jsonpull.h"
#include "util/sbuf.h"

/* What may come next (struct jsonpull's expect). */
enum {
	EXPECT_VALUE,	       /* the root value, or after ':' or ',' in [] */
	EXPECT_VALUE_OR_CLOSE, /* just after '[' */
	EXPECT_KEY,	       /* after ',' in {} */
	EXPECT_KEY_OR_CLOSE,   /* just after '{' */
	EXPECT_COMMA_OR_CLOSE, /* after a value inside [] or {} */
	EXPECT_NOTHING,	       /* the root value is complete */
	EXPECT_FAILED,	       /* an error was reported */
};

struct jsonpull_key {
	const char *name; /* NULL: a free slot */
	size_t len;
	uint32_t hash;
};

static int fail_at(struct jsonpull *r, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
vfail_at(struct jsonpull *r, const char *where, const char *fmt, va_list ap)
{
	unsigned long line = 1, column = 1;
	const char *q;
	int n;

	for (q = r->start; q < where; q++) {
		if (*q == '\n') {
			line++;
			column = 1;
		} else {
			column++;
		}
	}
	r->expect = EXPECT_FAILED;
	if (r->errsz == 0)
		return -1;
	n = snprintf(r->err, r->errsz, "line %lu column %lu: ", line, column);
	if (n >= 0 && (size_t)n < r->errsz)
		vsnprintf(r->err + n, r->errsz - (size_t)n, fmt, ap);
	return -1;
}

static int
fail_at(struct jsonpull *r, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(r, where, fmt, ap);
	va_end(ap);
	return -1;
}

int
jsonpull_fail(struct jsonpull *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_at(r, r->tok, fmt, ap);
	va_end(ap);
	return -1;
}

void
jsonpull_init(struct jsonpull *r, const char *text, size_t len, char *err,
    size_t errsz)
{
	memset(r, 0, sizeof(*r));
	r->start = r->p = r->tok = text;
	r->end = text + len;
	r->raw = text;
	r->expect = EXPECT_VALUE;
	r->err = err;
	r->errsz = errsz;
	if (errsz > 0)
		err[0] = '\0';
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits at s (avail bytes there) as a number, or -1. */
static long
hex4(const unsigned char *s, size_t avail)
{
	long v = 0;
	int i, d;

	if (avail < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		if ((d = hex_value(s[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t
utf8_encode(unsigned long cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Scans the string whose opening quote is at r->p: checks it, measures
 * its decoded length and leaves r->p after the closing quote. Bytes
 * below 0x80 other than '"', '\\' and controls are the common case and
 * take the short loop.
 */
static int
scan_string(struct jsonpull *r)
{
	const unsigned char *p = (const unsigned char *)r->p + 1;
	const unsigned char *end = (const unsigned char *)r->end, *run;
	size_t len = 0, n;
	bool escaped = false;
	long cp, low;
	unsigned c = 0;

	r->raw = (const char *)p;
	for (;;) {
		for (run = p; p < end; p++) {
			c = *p;
			if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
				break;
		}
		len += (size_t)(p - run);
		if (p == end)
			return fail_at(r, r->p, "a string is not closed");
		if (c == '"')
			break;
		if (c >= 0x80) {
			n = utf8_seq_len(p, (size_t)(end - p));
			if (n == 0)
				return fail_at(r, (const char *)p,
				    "invalid UTF-8 (byte 0x%02x) in a string",
				    c);
			p += n;
			len += n;
			continue;
		}
		if (c < 0x20)
			return fail_at(r, (const char *)p,
			    "control byte 0x%02x in a string (escape it)", c);
		/* a backslash */
		escaped = true;
		if (end - p < 2)
			return fail_at(r, r->p, "a string is not closed");
		if (p[1] != '\0' && strchr("\"\\/bfnrt", p[1]) != NULL) {
			p += 2;
			len++;
			continue;
		}
		if (p[1] != 'u')
			return fail_at(r, (const char *)p,
			    "invalid escape in a string");
		if ((cp = hex4(p + 2, (size_t)(end - p - 2))) < 0)
			return fail_at(r, (const char *)p,
			    "\\u needs four hex digits");
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (end - p < 12 || p[6] != '\\' || p[7] != 'u'
			    || (low = hex4(p + 8, 4)) < 0xdc00 || low > 0xdfff)
				return fail_at(r, (const char *)p,
				    "lone surrogate \\u%04lX in a string", cp);
			p += 12;
			len += 4;
			continue;
		}
		if (cp >= 0xdc00 && cp <= 0xdfff)
			return fail_at(r, (const char *)p,
			    "lone surrogate \\u%04lX in a string", cp);
		if (cp == 0)
			return fail_at(r, (const char *)p,
			    "\\u0000 (NUL) is not allowed in a string");
		p += 6;
		len += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
	}
	r->raw_len = (size_t)((const char *)p - r->raw);
	r->len = len;
	r->escaped = escaped;
	r->p = (const char *)p + 1;
	return 0;
}

/*
 * Decodes the escape at *pp (checked by scan_string) into out and moves
 * *pp past it; returns the bytes written.
 */
static size_t
decode_escape(const char **pp, char out[4])
{
	const unsigned char *p = (const unsigned char *)*pp;
	long cp;

	*pp += 2;
	switch (p[1]) {
	case 'b':
		out[0] = '\b';
		return 1;
	case 'f':
		out[0] = '\f';
		return 1;
	case 'n':
		out[0] = '\n';
		return 1;
	case 'r':
		out[0] = '\r';
		return 1;
	case 't':
		out[0] = '\t';
		return 1;
	case 'u':
		break;
	default: /* '"', '\\', '/' */
		out[0] = (char)p[1];
		return 1;
	}
	cp = hex4(p + 2, 4);
	*pp += 4;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		cp = 0x10000 + ((cp - 0xd800) << 10)
		    + (hex4(p + 8, 4) - 0xdc00);
		*pp += 6;
	}
	return utf8_encode((unsigned long)cp, out);
}

/* Decodes the last string into out, max bytes at most; returns how many
 * were written. */
static size_t
decode(const struct jsonpull *r, char *out, size_t max)
{
	const char *p = r->raw, *end = r->raw + r->raw_len, *bs;
	size_t o = 0, n;
	char one[4];

	while (p < end && o < max) {
		bs = memchr(p, '\\', (size_t)(end - p));
		n = (size_t)((bs != NULL ? bs : end) - p);
		if (n > max - o)
			n = max - o;
		memcpy(out + o, p, n);
		o += n;
		p += n;
		if (p == end || o == max || *p != '\\')
			break;
		n = decode_escape(&p, one);
		if (n > max - o)
			n = max - o;
		memcpy(out + o, one, n);
		o += n;
	}
	return o;
}

bool
jsonpull_is(const struct jsonpull *r, const char *s)
{
	size_t n = strlen(s);
	const char *p, *end;
	char one[4];
	size_t k;

	if (r->len != n)
		return false;
	if (!r->escaped)
		return memcmp(r->raw, s, n) == 0;
	p = r->raw;
	end = r->raw + r->raw_len;
	while (p < end) {
		if (*p != '\\') {
			if (*p++ != *s++)
				return false;
			continue;
		}
		k = decode_escape(&p, one);
		if (memcmp(one, s, k) != 0)
			return false;
		s += k;
	}
	return true;
}

char *
jsonpull_copy(const struct jsonpull *r, struct arena *arena)
{
	char *s;

	if (!r->escaped)
		return arena_strndup(arena, r->raw, r->raw_len);
	if (r->len >= ARENA_MAX_ALLOC)
		return NULL;
	if ((s = arena_alloc(arena, r->len + 1)) == NULL)
		return NULL;
	s[decode(r, s, r->len)] = '\0';
	return s;
}

size_t
jsonpull_prefix(const struct jsonpull *r, char *buf, size_t size)
{
	if (size > 0)
		buf[decode(r, buf, size - 1)] = '\0';
	return r->len;
}

static int
is_digit(const char *p, const char *end)
{
	return p < end && *p >= '0' && *p <= '9';
}

static int
scan_number(struct jsonpull *r)
{
	const char *p = r->p, *end = r->end;

	r->integer = true;
	if (*p == '-')
		p++;
	if (!is_digit(p, end))
		return fail_at(r, r->p, "a number needs digits");
	if (*p == '0') {
		if (is_digit(++p, end))
			return fail_at(r, r->p, "a number has a leading zero");
	} else {
		while (is_digit(p, end))
			p++;
	}
	if (p < end && *p == '.') {
		r->integer = false;
		if (!is_digit(++p, end))
			return fail_at(r, r->p, "a fraction needs digits");
		while (is_digit(p, end))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		r->integer = false;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(p, end))
			return fail_at(r, r->p, "an exponent needs digits");
		while (is_digit(p, end))
			p++;
	}
	r->raw = r->p;
	r->raw_len = (size_t)(p - r->p);
	r->p = p;
	return 0;
}

static enum jsonpull_token
unexpected(struct jsonpull *r, const char *what)
{
	unsigned char c = (unsigned char)*r->p;

	if (c > 0x20 && c < 0x7f)
		fail_at(r, r->p, "expected %s, not '%c'", what, c);
	else
		fail_at(r, r->p, "expected %s, not byte 0x%02x", what, c);
	return JSONPULL_ERROR;
}

/* After a whole value: what its container (or the text) allows next. */
static void
value_done(struct jsonpull *r)
{
	r->expect = r->depth == 0 ? EXPECT_NOTHING : EXPECT_COMMA_OR_CLOSE;
}

static enum jsonpull_token
open_container(struct jsonpull *r, unsigned char c)
{
	if (r->depth == JSONPULL_MAX_DEPTH) {
		fail_at(r, r->p, "nested deeper than %d levels",
		    JSONPULL_MAX_DEPTH);
		return JSONPULL_ERROR;
	}
	r->stack[r->depth++] = c;
	r->p++;
	if (c == '{') {
		r->expect = EXPECT_KEY_OR_CLOSE;
		return JSONPULL_OBJECT;
	}
	r->expect = EXPECT_VALUE_OR_CLOSE;
	return JSONPULL_ARRAY;
}

static enum jsonpull_token
close_container(struct jsonpull *r)
{
	unsigned char open = r->stack[--r->depth];

	r->p++;
	value_done(r);
	return open == '{' ? JSONPULL_OBJECT_END : JSONPULL_ARRAY_END;
}

static enum jsonpull_token
literal(struct jsonpull *r, const char *word, enum jsonpull_token t)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return unexpected(r, "a value");
	r->p += n;
	value_done(r);
	return t;
}

static enum jsonpull_token
value(struct jsonpull *r)
{
	switch (*r->p) {
	case '{':
	case '[':
		return open_container(r, (unsigned char)*r->p);
	case '"':
		if (scan_string(r) != 0)
			return JSONPULL_ERROR;
		value_done(r);
		return JSONPULL_STRING;
	case 't':
		return literal(r, "true", JSONPULL_TRUE);
	case 'f':
		return literal(r, "false", JSONPULL_FALSE);
	case 'n':
		return literal(r, "null", JSONPULL_NULL);
	default:
		break;
	}
	if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) {
		if (scan_number(r) != 0)
			return JSONPULL_ERROR;
		value_done(r);
		return JSONPULL_NUMBER;
	}
	return unexpected(r, "a value");
}

static enum jsonpull_token
key(struct jsonpull *r)
{
	if (*r->p != '"')
		return unexpected(r, "a string key");
	if (scan_string(r) != 0)
		return JSONPULL_ERROR;
	while (r->p < r->end
	    && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n'
		|| *r->p == '\r'))
		r->p++;
	if (r->p == r->end) {
		fail_at(r, r->p, "the text ends inside an object");
		return JSONPULL_ERROR;
	}
	if (*r->p != ':')
		return unexpected(r, "':' after a key");
	r->p++;
	r->expect = EXPECT_VALUE;
	return JSONPULL_KEY;
}

enum jsonpull_token
jsonpull_next(struct jsonpull *r)
{
	unsigned char top;

	for (;;) {
		if (r->expect == EXPECT_FAILED)
			return JSONPULL_ERROR;
		while (r->p < r->end
		    && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n'
			|| *r->p == '\r'))
			r->p++;
		r->tok = r->p;
		if (r->p == r->end) {
			if (r->expect == EXPECT_NOTHING)
				return JSONPULL_END;
			if (r->depth == 0)
				fail_at(r, r->p,
				    "the text ends before a value");
			else
				fail_at(r, r->p, "the text ends inside an %s",
				    r->stack[r->depth - 1] == '{' ? "object" :
								    "array");
			return JSONPULL_ERROR;
		}
		switch (r->expect) {
		case EXPECT_NOTHING:
			return unexpected(r, "nothing after the value");
		case EXPECT_COMMA_OR_CLOSE:
			top = r->stack[r->depth - 1];
			if (*r->p == ',') {
				r->p++;
				r->expect
				    = top == '{' ? EXPECT_KEY : EXPECT_VALUE;
				continue;
			}
			if (*r->p == (top == '{' ? '}' : ']'))
				return close_container(r);
			return unexpected(r,
			    top == '{' ? "',' or '}'" : "',' or ']'");
		case EXPECT_KEY_OR_CLOSE:
			if (*r->p == '}')
				return close_container(r);
			return key(r);
		case EXPECT_KEY:
			return key(r);
		case EXPECT_VALUE_OR_CLOSE:
			if (*r->p == ']')
				return close_container(r);
			return value(r);
		default: /* EXPECT_VALUE */
			return value(r);
		}
	}
}

void
jsonpull_keys_init(struct jsonpull_keys *keys)
{
	keys->n = keys->cap = 0;
	keys->slot = NULL;
}

static uint32_t
hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void
keys_put(struct jsonpull_keys *keys, const struct jsonpull_key *k)
{
	size_t i = k->hash & (keys->cap - 1);

	while (keys->slot[i].name != NULL)
		i = (i + 1) & (keys->cap - 1);
	keys->slot[i] = *k;
	keys->n++;
}

int
jsonpull_keys_add(struct jsonpull *r, struct jsonpull_keys *keys,
    struct arena *arena)
{
	struct jsonpull_key k, *old = keys->slot;
	size_t i, cap = keys->cap;

	k.name = r->escaped ? jsonpull_copy(r, arena) : r->raw;
	if (k.name == NULL)
		return jsonpull_fail(r, "out of memory");
	k.len = r->len;
	k.hash = hash_bytes(k.name, k.len);
	for (i = cap > 0 ? k.hash & (cap - 1) : 0;
	     cap > 0 && keys->slot[i].name != NULL; i = (i + 1) & (cap - 1))
		if (keys->slot[i].hash == k.hash && keys->slot[i].len == k.len
		    && memcmp(keys->slot[i].name, k.name, k.len) == 0)
			return jsonpull_fail(r, "duplicate key \"%.*s\"",
			    (int)(k.len < 64 ? k.len : 64), k.name);
	if ((keys->n + 1) * 2 > cap) { /* at most half full */
		keys->cap = cap > 0 ? cap * 2 : 8;
		keys->slot = arena_zalloc(arena,
		    keys->cap * sizeof(struct jsonpull_key));
		if (keys->slot == NULL)
			return jsonpull_fail(r, "out of memory");
		keys->n = 0;
		for (i = 0; i < cap; i++)
			if (old[i].name != NULL)
				keys_put(keys, &old[i]);
	}
	keys_put(keys, &k);
	return 0;
}

int
jsonpull_skip(struct jsonpull *r, enum jsonpull_token first,
    struct arena *arena)
{
	struct jsonpull_keys keys[JSONPULL_MAX_DEPTH];
	unsigned level = 0; /* containers open inside the skipped value */
	enum jsonpull_token t = first;

	if (t == JSONPULL_ERROR)
		return -1;
	if (t == JSONPULL_END || t == JSONPULL_OBJECT_END
	    || t == JSONPULL_ARRAY_END || t == JSONPULL_KEY)
		return jsonpull_fail(r, "expected a value");
	for (;;) {
		if (t == JSONPULL_ERROR)
			return -1;
		if (t == JSONPULL_OBJECT || t == JSONPULL_ARRAY)
			jsonpull_keys_init(&keys[level++]);
		else if (t == JSONPULL_OBJECT_END || t == JSONPULL_ARRAY_END)
			level--;
		else if (t == JSONPULL_KEY
		    && jsonpull_keys_add(r, &keys[level - 1], arena) != 0)
			return -1;
		if (level == 0)
			return 0;
		t = jsonpull_next(r);
	}
}
