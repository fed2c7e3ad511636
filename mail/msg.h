/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msg.h: a raw RFC 5322 message split into header fields and body, for
 * the offline tools and the verifiers. Nothing is copied: fields point
 * into the message.
 */
#ifndef AG_MSG_H
#define AG_MSG_H

#include <stdbool.h>
#include <stddef.h>

#define MSG_MAX_FIELDS 1000

struct msg_field {
	const char *text; /* "Name: value" with folding, no final line end */
	size_t len;
};

struct msg {
	size_t n_fields;
	struct msg_field fields[MSG_MAX_FIELDS];
	const char *body; /* after the blank line; may be empty */
	size_t body_len;
	bool truncated; /* more fields than MSG_MAX_FIELDS */
};

/* Splits msg (LF or CRLF line ends). Lines without a colon in the header
 * block are skipped. */
void msg_parse(const char *text, size_t len, struct msg *out);
/* Tells whether a field has the given name (case-insensitive; blanks
 * before the colon allowed). */
bool msg_field_is(const struct msg_field *f, const char *name);
/* Returns the value of a field: after the colon and leading blanks. */
const char *msg_field_value(const struct msg_field *f, size_t *len);

#endif
