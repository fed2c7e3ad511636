/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * taglist.h: the tag=value lists of DKIM and ARC header fields and key
 * records (RFC 6376 section 3.2), parsed without copying, and the
 * base64 of b=, bh= and p= decoded with folding whitespace ignored.
 */
#ifndef AG_TAGLIST_H
#define AG_TAGLIST_H

#include <stddef.h>

#define TAGLIST_MAX 32 /* tags in one list; more is a syntax error */

struct tag {
	const char *name;
	size_t name_len;
	const char *value; /* folding whitespace trimmed at both ends */
	size_t value_len;
};

struct taglist {
	size_t n;
	struct tag tags[TAGLIST_MAX];
};

/* Parses len bytes of tag-list; returns 0, or -1 on bad syntax, a
 * repeated tag or more than TAGLIST_MAX tags. */
int taglist_parse(const char *text, size_t len, struct taglist *out);
/* Returns the tag called name (case-sensitive, as RFC 6376 says), or
 * NULL. */
const struct tag *taglist_get(const struct taglist *list, const char *name);
/* Tells whether a tag's value equals s, ignoring ASCII case. */
int tag_value_is(const struct tag *t, const char *s);
/* Decodes base64 with whitespace ignored into out (size bytes); returns
 * the decoded length, or -1 on a bad character, bad padding or no room. */
long tag_base64(const struct tag *t, unsigned char *out, size_t size);
/* Parses a decimal value of at most 18 digits; returns 0 and sets *out,
 * or -1. */
int tag_number(const struct tag *t, unsigned long long *out);

#endif
