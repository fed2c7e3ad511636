/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subject.h: the "[SPAM]" Subject tag. The tag goes in front of the
 * value as the sender wrote it: encoded words, folding and every other
 * byte kept, so that nothing but the tag changes what a reader sees.
 */
#ifndef AG_SUBJECT_H
#define AG_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/sbuf.h"

/* What subject_tag() made of one Subject field. */
enum subject_outcome {
	SUBJECT_TAGGED,		/* the new field is in the buffer */
	SUBJECT_ALREADY_TAGGED, /* a reader already sees the tag first */
	SUBJECT_TOO_LONG	/* the field would pass the limit: untouched */
};

/* Tells whether the text a reader sees of a Subject value begins with
 * tag: after leading white space, with a leading run of encoded words
 * decoded (RFC 2047 section 6.2) and the text after it. */
bool subject_has_tag(const char *value, const char *tag);

/* Appends "Subject: TAG VALUE\n" for a Subject field's value (what
 * follows the colon, folded lines included) unless a reader already sees
 * the tag first or the field would be longer than max bytes. The field
 * is well formed whatever the value holds: one final newline, every
 * other newline followed by white space. */
enum subject_outcome subject_tag(struct sbuf *out, const char *value,
    const char *tag, size_t max);

#endif
