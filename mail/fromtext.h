/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fromtext.h: the text of a From header as a mail reader shows it, for
 * mail/fromhdr.c: RFC 2047 encoded words read as one word whatever they
 * hold, decoded (Q or B) and converted from their charset (charset.h),
 * the bytes of adjacent words in one charset joined and the white space
 * between two words not shown (RFC 2047 section 6.2); and the addresses
 * that text shows, with '@' or a look-alike of it (U+FF20 FULLWIDTH
 * COMMERCIAL AT, U+FE6B SMALL COMMERCIAL AT) in whatever charset it came.
 */
#ifndef AG_FROMTEXT_H
#define AG_FROMTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* fromtext_show() flags. */
#define FROMTEXT_QUOTED                                         \
	1	       /* text of a quoted string or comment: a \
			  backslash shows the byte after it */
#define FROMTEXT_RAW 2 /* encoded words as written, not decoded */

/* One atom as a reader that decodes encoded words reads it. */
struct fromtext_atom {
	size_t len;
	bool enc;	/* it holds an encoded word */
	bool enc_first; /* it starts with one */
	bool enc_last;	/* it ends with one */
	bool odd;	/* an encoded word in it holds a byte that is not
			   atext, where a reader that does not decode it
			   reads another structure */
	bool quoting;	/* one of those is '"', '(', ')' or '\\', where such
			   a reader starts or ends a quoted string or comment */
};

/* Reads the atom at s (n bytes): atext and whole encoded words, whatever
 * their text holds; len 0 when s starts none. */
void fromtext_atom(const char *s, size_t n, struct fromtext_atom *a);

/* Receives bytes of shown text. */
typedef void (*fromtext_sink)(void *ctx, const char *s, size_t n);

/* Calls sink with the bytes a reader shows for n bytes of header text, in
 * order (UTF-8 where decoded); returns whether the text held an encoded
 * word (flags: FROMTEXT_*). */
bool fromtext_show(const char *s, size_t n, int flags, fromtext_sink sink,
    void *ctx);

/* The length of an '@' or of a look-alike of it at s (n bytes), or 0. */
size_t fromtext_at(const char *s, size_t n);

/* Receives the run of domain bytes (letters, digits, '.', '-', any byte
 * above 0x7f) after an '@' a reader sees, possibly empty; overflow when it
 * was longer than a domain can be (the run is then cut). */
typedef void (*fromtext_found)(void *ctx, const char *run, size_t len,
    bool overflow);

/* Finds the addresses a reader sees in n bytes of header text: in the
 * text fromtext_show() shows and, when it held an encoded word, also in
 * the text as written (what a reader that does not decode it shows);
 * with FROMTEXT_RAW only in the latter (flags: FROMTEXT_*). */
void fromtext_addresses(const char *s, size_t n, int flags,
    fromtext_found found, void *ctx);

#endif
