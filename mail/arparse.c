/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arparse.c: a reader for RFC 8601's grammar that is strict about
 * structure (every result is "method=result", comments must close) and
 * lenient about spelling (underscores in keywords, 8-bit bytes in
 * values, a missing "none", a trailing ';'), as headers in the wild are.
 */
#include <string.h>
#include <strings.h>

#include "mail/arparse.h"

struct cursor {
	const char *s;
	size_t len, pos;
};

static bool
at_end(const struct cursor *c)
{
	return c->pos >= c->len;
}

static char
peek(const struct cursor *c)
{
	return at_end(c) ? '\0' : c->s[c->pos];
}

/* Skips white space and nested comments; false on a comment that does
 * not close. */
static bool
skip_cfws(struct cursor *c)
{
	int depth = 0;

	for (; !at_end(c); c->pos++) {
		char ch = c->s[c->pos];

		if (ch == '(')
			depth++;
		else if (ch == ')' && depth > 0)
			depth--;
		else if (ch == '\\' && depth > 0) {
			if (c->pos + 1 < c->len)
				c->pos++;
		} else if (depth == 0 && ch != ' ' && ch != '\t' && ch != '\r'
		    && ch != '\n')
			return true;
	}
	return depth == 0;
}

/* RFC 2045's token characters, and 8-bit bytes (RFC 6532). */
static bool
is_token_char(char ch)
{
	unsigned char u = (unsigned char)ch;

	if (u >= 0x80)
		return true;
	if (u <= ' ' || u == 0x7f)
		return false;
	return strchr("()<>@,;:\\\"/[]?=", ch) == NULL;
}

static bool
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool
is_keyword_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
	    || is_digit(ch) || ch == '-' || ch == '_';
}

static char
lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Appends ch to out (size bytes, kept NUL-terminated); false when full
 * or ch is a NUL, which no part of the header may hold. */
static bool
put(char *out, size_t size, size_t *n, char ch)
{
	if (ch == '\0' || *n + 1 >= size)
		return false;
	out[(*n)++] = ch;
	out[*n] = '\0';
	return true;
}

/* A keyword, lower-cased; false when there is none or it does not fit. */
static bool
keyword(struct cursor *c, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	while (!at_end(c) && is_keyword_char(c->s[c->pos]))
		if (!put(out, size, &n, lower(c->s[c->pos++])))
			return false;
	return n > 0;
}

/* A quoted-string, unquoted into out; c is at its opening quote. */
static bool
quoted(struct cursor *c, char *out, size_t size, size_t *n)
{
	for (c->pos++; !at_end(c); c->pos++) {
		char ch = c->s[c->pos];

		if (ch == '"') {
			c->pos++;
			return true;
		}
		if (ch == '\\') {
			if (++c->pos >= c->len)
				return false;
			ch = c->s[c->pos];
		}
		if (!put(out, size, n, ch))
			return false;
	}
	return false;
}

/* A value: token or quoted-string (RFC 2045); false when missing. */
static bool
value(struct cursor *c, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	if (peek(c) == '"')
		return quoted(c, out, size, &n);
	while (!at_end(c) && is_token_char(c->s[c->pos]))
		if (!put(out, size, &n, c->s[c->pos++]))
			return false;
	return n > 0;
}

/* A property value: a quoted-string, an address or domain (a quoted
 * local part may precede '@'), or a run of other printable bytes, as
 * the truncated signatures of header.b are. */
static bool
pvalue(struct cursor *c, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	if (peek(c) == '"') {
		if (!quoted(c, out, size, &n))
			return false;
		if (peek(c) != '@')
			return true;
	}
	while (!at_end(c)) {
		unsigned char u = (unsigned char)c->s[c->pos];

		if (u <= ' ' || u == 0x7f || strchr(";()\"\\", u) != NULL)
			break;
		if (!put(out, size, &n, c->s[c->pos++]))
			return false;
	}
	return n > 0;
}

static bool
digits(struct cursor *c, unsigned *out)
{
	unsigned v = 0;
	size_t start = c->pos;

	while (!at_end(c) && is_digit(c->s[c->pos])) {
		if (v < 100000)
			v = v * 10 + (unsigned)(c->s[c->pos] - '0');
		c->pos++;
	}
	*out = v;
	return c->pos > start;
}

size_t
ar_authserv_id(const char *v, size_t len, char *id, size_t size)
{
	struct cursor c = { v, len, 0 };
	size_t n = 0;

	if (size == 0)
		return 0;
	id[0] = '\0';
	if (!skip_cfws(&c))
		return 0;
	if (peek(&c) == '"') {
		/* An unclosed quote still names the id a lenient reader
		 * would see; one that does not fit names none. */
		if (!quoted(&c, id, size, &n) && !at_end(&c))
			n = 0;
	} else if (!value(&c, id, size))
		n = 0;
	else
		n = strlen(id);
	if (n == 0)
		id[0] = '\0';
	return n;
}

/* One "ptype.property=value" or "reason=value" after a result. */
static bool
property(struct cursor *c, struct ar_resinfo *r)
{
	char ptype[AR_MAX_WORD];
	struct ar_prop dropped, *p;

	if (!keyword(c, ptype, sizeof(ptype)) || !skip_cfws(c))
		return false;
	if (strcmp(ptype, "reason") == 0 && peek(c) == '=') {
		c->pos++;
		return skip_cfws(c) && value(c, r->reason, sizeof(r->reason));
	}
	if (peek(c) != '.')
		return false;
	c->pos++;
	p = r->n_props < AR_MAX_PROPS ? &r->props[r->n_props] : &dropped;
	memcpy(p->ptype, ptype, sizeof(p->ptype));
	if (!skip_cfws(c) || !keyword(c, p->property, sizeof(p->property))
	    || !skip_cfws(c) || peek(c) != '=')
		return false;
	c->pos++;
	if (!skip_cfws(c) || !pvalue(c, p->value, sizeof(p->value)))
		return false;
	if (r->n_props < AR_MAX_PROPS)
		r->n_props++;
	else
		r->props_dropped++;
	return true;
}

/* One resinfo after its ';': the method, result and properties. *none
 * is set for the "none" that stands for no results. */
static bool
resinfo(struct cursor *c, struct ar_resinfo *r, bool *none)
{
	memset(r, 0, sizeof(*r));
	*none = false;
	if (!skip_cfws(c) || !keyword(c, r->method, sizeof(r->method))
	    || !skip_cfws(c))
		return false;
	if (strcmp(r->method, "none") == 0 && (at_end(c) || peek(c) == ';')) {
		*none = true;
		return true;
	}
	if (peek(c) == '/') {
		c->pos++;
		if (!skip_cfws(c) || !digits(c, &r->version) || !skip_cfws(c))
			return false;
	}
	if (peek(c) != '=')
		return false;
	c->pos++;
	if (!skip_cfws(c) || !keyword(c, r->result, sizeof(r->result)))
		return false;
	for (;;) {
		if (!skip_cfws(c))
			return false;
		if (at_end(c) || peek(c) == ';')
			return true;
		if (!property(c, r))
			return false;
	}
}

int
ar_parse(const char *v, size_t len, char *id, size_t idsize, ar_each_fn each,
    void *ctx, size_t *errpos)
{
	struct cursor c = { v, len, 0 };
	struct ar_resinfo r;
	unsigned version;
	bool none;

	if (!skip_cfws(&c) || idsize == 0 || !value(&c, id, idsize)
	    || id[0] == '\0' || !skip_cfws(&c))
		goto bad;
	if (is_digit(peek(&c)) && (!digits(&c, &version) || !skip_cfws(&c)))
		goto bad;
	while (!at_end(&c)) {
		if (peek(&c) != ';')
			goto bad;
		c.pos++;
		if (!skip_cfws(&c))
			goto bad;
		if (at_end(&c))
			break;
		if (!resinfo(&c, &r, &none))
			goto bad;
		if (!none && each != NULL && !each(ctx, &r))
			return 0;
	}
	return 0;
bad:
	if (errpos != NULL)
		*errpos = c.pos;
	return -1;
}

const char *
ar_prop_value(const struct ar_resinfo *r, const char *ptype,
    const char *property)
{
	size_t i;

	for (i = 0; i < r->n_props; i++)
		if (strcasecmp(r->props[i].ptype, ptype) == 0
		    && strcasecmp(r->props[i].property, property) == 0)
			return r->props[i].value;
	return NULL;
}
