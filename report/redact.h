/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * redact.h: RFC 6590 redaction of message headers for failure reports.
 * The local part of every address is replaced by REDACT_TOKEN wherever it
 * appears: written plainly, quoted-printable (=40), URL-encoded (%40) or
 * inside RFC 2047 encoded words. Address headers keep only the domains of
 * their addresses, message ids keep a hash of their left part, a short
 * list of informative headers keeps its text, and every other header
 * keeps its name only. The output is printable ASCII with LF line ends.
 */
#ifndef AG_REDACT_H
#define AG_REDACT_H

#include <stddef.h>

#include "util/sbuf.h"

#define REDACT_TOKEN	"redacted"
#define REDACT_HASH_HEX 16  /* hex digits of SHA-256 kept for a msg-id */
#define REDACT_MAX_LIST 50  /* addresses or msg-ids kept per header */
#define REDACT_MAX_NAME 76  /* bytes of a header name kept */
#define REDACT_MAX_LINE 900 /* a longer output line is cut */

/* How a header's value is treated. */
enum redact_kind {
	REDACT_ADDRESSES, /* From, To, Cc, Return-Path...: domains only */
	REDACT_MSGIDS,	  /* Message-ID, References...: hashed left parts */
	REDACT_TEXT,	  /* Received, Subject, DKIM-Signature...: text kept,
			     local parts replaced */
	REDACT_VALUE,	  /* any other header: name kept, value dropped */
};

/* Returns how the header named name (len bytes) is redacted. */
enum redact_kind redact_kind_of(const char *name, size_t len);
/* Appends len bytes of text with the local part of every address
 * replaced, and any run of RFC 2047 encoded words that decodes to text
 * with an '@' replaced by "[redacted]"; bytes are copied as they are. */
void redact_text(struct sbuf *sb, const char *s, size_t len);
/* Appends one header field (name, colon, value with its folding, as
 * received; CRLF or LF) in redacted form, ending in a newline. A field
 * without a plain name (letters, digits, '-') is left out entirely. */
void redact_field(struct sbuf *sb, const char *field, size_t len);
/* Writes an envelope address in redacted form: "<>" for the null
 * sender, "<redacted@DOMAIN>" otherwise (the domain as printable ASCII). */
void redact_address(char *out, size_t size, const char *addr);

#endif
