/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fromcut.c: the domains of a From header too long to keep, written as a
 * From value that reads back the same (fromcut.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mail/fromcut.h"
#include "mail/fromhdr.h"
#include "util/sbuf.h"

struct cut {
	size_t n;
	bool unnamed;
	char dom[FROMCUT_DOMAINS][DOMAIN_MAX_LEN + 1];
};

static void
cut_note(void *ctx, const char *dom)
{
	struct cut *c = ctx;
	size_t i;

	if (dom == NULL) {
		c->unnamed = true;
		return;
	}
	for (i = 0; i < c->n; i++)
		if (strcmp(c->dom[i], dom) == 0)
			return;
	if (c->n < FROMCUT_DOMAINS)
		memcpy(c->dom[c->n++], dom, strlen(dom) + 1);
}

/*
 * Why it reads back the same: each "x@DOMAIN" is one capture of one atom
 * (a normalized domain is atext and normalizes to itself), "x@?" is one
 * address whose domain is no name, and the marker is an unclosed comment
 * whose words hold no '@', '=?', quote or bracket. So the domains read
 * back are the first FROMCUT_DOMAINS of value's, in order (the
 * first is the same; one stays one, two or more stay two or more), the
 * nameless address is there exactly when value had one, and the
 * unclosed comment makes it INVALID.
 */
size_t
fromcut_write(const char *value, size_t len, char *out)
{
	struct cut c;
	struct fromhdr fh;
	size_t o = 0, i;
	int w;

	c.n = 0;
	c.unnamed = false;
	fromhdr_scan(value, len, &fh, cut_note, &c);
	out[0] = '\0';
	for (i = 0; i < c.n; i++) {
		w = snprintf(out + o, FROMCUT_SIZE - o, "%sx@%s",
		    o > 0 ? ", " : "", c.dom[i]);
		o += (size_t)w;
	}
	if (c.unnamed) {
		w = snprintf(out + o, FROMCUT_SIZE - o, "%sx@?",
		    o > 0 ? ", " : "");
		o += (size_t)w;
	}
	w = snprintf(out + o, FROMCUT_SIZE - o,
	    "%s(authgate kept only the domains of a From header of %zu "
	    "bytes",
	    o > 0 ? " " : "", len);
	o += (size_t)w;
	return o;
}

const char *
fromcut_value(struct arena *arena, const char *v, size_t len)
{
	char *out, *repaired;

	while (len > 0 && (*v == ' ' || *v == '\t'))
		v++, len--;
	while (len > 0 && (v[len - 1] == '\n' || v[len - 1] == '\r'))
		len--;
	if (len <= FROMCUT_MAX && memchr(v, '\0', len) == NULL) {
		/* Whole, unless U+FFFD for bytes that are not UTF-8 makes it
		 * longer than the cap: then its domains, as for any longer. */
		repaired = utf8_strndup(arena, v, len, (size_t)-1);
		if (repaired == NULL)
			return NULL;
		if (strlen(repaired) <= FROMCUT_MAX)
			return repaired;
	}
	if ((out = arena_alloc(arena, FROMCUT_SIZE)) == NULL)
		return NULL;
	fromcut_write(v, len, out);
	return out;
}
