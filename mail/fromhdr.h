/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fromhdr.h: the author domains of an RFC 5322 From header value, the one
 * input DMARC is keyed on, read as a mail reader might show it. Every
 * domain in address position is found whatever errors surround it (a
 * control byte, an unbalanced quote, comment, bracket or '<', text after
 * '>', a broken group, comments nested past the limit); display names are
 * display text. One pass, no allocation.
 *
 * Which text names an author (the rule SECURITY.md states for From):
 * - the domain after every '@' outside quoted strings, comments and
 *   domain literals, obsolete routes included, except a name with no dot
 *   before the '<' of a mailbox whose <...> names a domain ("Support @
 *   Acme <support@acme.example>": a nickname in its display name);
 * - an address in a quoted string, comment, domain literal or RFC 2047
 *   encoded word, unless it is part of a display name (before the '<' of
 *   its mailbox, or of a group's ':', when that names a domain), and
 *   wherever it is when readers may disagree where that string or comment
 *   ends (a backslash in it, or a nested comment). In quoted strings and
 *   comments "@handle" is a nickname: a domain needs a dot there.
 * An encoded word is one word whatever it holds (mail/fromtext.h), read
 * as a reader shows it, decoded in its charset, '@' or a look-alike of
 * it, and also as written; one that holds a special ('@', ',', '"', ...)
 * is read otherwise by readers that do not decode it, so from there on
 * nothing in the header is a display name (nor, after a '"', '(', ')' or
 * '\\' in one, needs a dot). Each '@' a reader sees in a domain starts
 * another address. An opener that never closes ('"', '(', '[') is read
 * as a stray character, and what follows it as if it were not there.
 */
#ifndef AG_FROMHDR_H
#define AG_FROMHDR_H

#include <stddef.h>

#include "util/domain.h"

/* Comment depth past which the value is invalid (it is still read). */
#define FROMHDR_MAX_NESTING 32

enum fromhdr_status {
	FROMHDR_OK,	  /* well formed; one author domain (possibly
			     several mailboxes) */
	FROMHDR_MULTIPLE, /* two different author domains, or one and an
			     address with no domain name, even in a
			     malformed header */
	FROMHDR_INVALID,  /* malformed; domain holds the one author domain,
			     or "" when there is none */
};

struct fromhdr {
	enum fromhdr_status status;
	size_t mailboxes; /* with one address each */
	char
	    domain[DOMAIN_MAX_LEN + 1]; /* canonical (domcanon.h); "" if none */
	char why[96];			/* the first error, when not OK */
};

/* Parses a From header value of len bytes into out. */
void fromhdr_parse(const char *value, size_t len, struct fromhdr *out);

/* Called by fromhdr_scan() with each author domain as it is counted,
 * normalized (repeats included), or with NULL for an address whose domain
 * is no domain name. */
typedef void (*fromhdr_note_fn)(void *ctx, const char *domain);

/* Parses as fromhdr_parse() does, calling note (unless NULL) with every
 * author domain it counts, in the order it counts them. */
void fromhdr_scan(const char *value, size_t len, struct fromhdr *out,
    fromhdr_note_fn note, void *ctx);

#endif
