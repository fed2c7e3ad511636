/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * taglist.c: tag-list parsing. Whitespace inside values (folded b= and
 * h=) is kept; callers that need it gone (base64) skip it.
 */
#include <string.h>
#include <strings.h>

#include "mail/taglist.h"
#include "util/base64.h"

static int
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
taglist_parse(const char *text, size_t len, struct taglist *out)
{
	const char *p = text, *end = text + len, *semi, *eq, *v, *ve;
	struct tag *t;
	size_t i;

	out->n = 0;
	while (p < end) {
		semi = memchr(p, ';', (size_t)(end - p));
		if (semi == NULL)
			semi = end;
		while (p < semi && is_fws(*p))
			p++;
		if (p == semi) { /* empty: only allowed after the last tag */
			if (out->n == 0 && semi != end)
				return -1;
			if (semi != end) {
				const char *q = semi + 1;

				while (q < end && is_fws(*q))
					q++;
				if (q != end)
					return -1;
			}
			break;
		}
		if (!is_alpha(*p))
			return -1;
		eq = p;
		while (eq < semi
		    && (is_alpha(*eq) || is_digit(*eq) || *eq == '_'))
			eq++;
		if (out->n == TAGLIST_MAX)
			return -1;
		t = &out->tags[out->n];
		t->name = p;
		t->name_len = (size_t)(eq - p);
		while (eq < semi && is_fws(*eq))
			eq++;
		if (eq == semi || *eq != '=')
			return -1;
		v = eq + 1;
		ve = semi;
		while (v < ve && is_fws(*v))
			v++;
		while (ve > v && is_fws(ve[-1]))
			ve--;
		t->value = v;
		t->value_len = (size_t)(ve - v);
		for (i = 0; i < out->n; i++)
			if (out->tags[i].name_len == t->name_len
			    && memcmp(out->tags[i].name, t->name, t->name_len)
				== 0)
				return -1;
		out->n++;
		p = semi < end ? semi + 1 : end;
	}
	return 0;
}

const struct tag *
taglist_get(const struct taglist *list, const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; i < list->n; i++)
		if (list->tags[i].name_len == n
		    && memcmp(list->tags[i].name, name, n) == 0)
			return &list->tags[i];
	return NULL;
}

int
tag_value_is(const struct tag *t, const char *s)
{
	return t != NULL && strlen(s) == t->value_len
	    && strncasecmp(t->value, s, t->value_len) == 0;
}

long
tag_base64(const struct tag *t, unsigned char *out, size_t size)
{
	unsigned long acc = 0;
	size_t i, n = 0, bits = 0, pad = 0;
	int v;

	for (i = 0; i < t->value_len; i++) {
		char c = t->value[i];

		if (is_fws(c))
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = base64_digit(c)) < 0)
			return -1; /* data after padding, or not base64 */
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == size)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	/* Leftover bits must be zero padding, and '=' may only make up a
	 * whole group. */
	if (pad > 2 || bits >= 6 || acc != 0)
		return -1;
	return (long)n;
}

int
tag_number(const struct tag *t, unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (t == NULL || t->value_len == 0 || t->value_len > 18)
		return -1;
	for (i = 0; i < t->value_len; i++) {
		if (!is_digit(t->value[i]))
			return -1;
		v = v * 10 + (unsigned long long)(t->value[i] - '0');
	}
	*out = v;
	return 0;
}
