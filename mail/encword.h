/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * encword.h: RFC 2047 encoded words ("=?charset?Q?text?=") in header
 * text: finding them and decoding their bytes. Charsets are not
 * converted: callers compare ASCII (a tag, an '@'), which every charset
 * a mail reader accepts here writes as itself.
 */
#ifndef AG_ENCWORD_H
#define AG_ENCWORD_H

#include <stdbool.h>
#include <stddef.h>

/* Longest encoded text looked at; RFC 2047 allows 75 bytes a word. */
#define ENCWORD_MAX_TEXT 1024

/* One encoded word found in a header's text. */
struct encword {
	size_t len;	  /* of the whole "=?...?=" */
	char encoding;	  /* 'q' or 'b' */
	const char *text; /* the encoded text, inside the word */
	size_t text_len;
};

/* Finds the encoded word that starts at s (avail bytes): true with *w
 * filled, false when s does not start one. */
bool encword_at(const char *s, size_t avail, struct encword *w);

/* Decodes the word's text (Q: '_' is a space, =XX a byte; B: base64)
 * into out, at most size bytes; returns the bytes written. Characters
 * outside the encoding are skipped, as readers do. */
size_t encword_decode(const struct encword *w, char *out, size_t size);

/* The offset just past the run of encoded words that starts at s[0]
 * (avail bytes): white space between two encoded words is not displayed
 * (RFC 2047 section 6.2), so a run reads as one text. 0 when s does not
 * start an encoded word. */
size_t encword_run_end(const char *s, size_t avail);

#endif
