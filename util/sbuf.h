/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sbuf.h: a growable string builder with a sticky error flag and a hard
 * size cap, plus JSON string escaping. Writers append freely and check
 * sbuf_failed() once at the end.
 */
#ifndef AG_SBUF_H
#define AG_SBUF_H

#include <stdbool.h>
#include <stddef.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t size;
	size_t cap;
	bool failed;
};

/* Prepares an empty builder that never grows past cap bytes. */
void sbuf_init(struct sbuf *sb, size_t cap);
/* Releases the buffer; the builder is empty and usable again. */
void sbuf_free(struct sbuf *sb);
/* Empties the builder, keeping its buffer and clearing the error. */
void sbuf_reset(struct sbuf *sb);
/* Appends len bytes. */
void sbuf_putn(struct sbuf *sb, const char *s, size_t len);
/* Appends a NUL-terminated string. */
void sbuf_puts(struct sbuf *sb, const char *s);
/* Appends one byte. */
void sbuf_putc(struct sbuf *sb, char c);
/* Appends printf-style text; the format must be a literal. */
void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends a JSON string literal for s (null for NULL): quotes, backslash,
 * control bytes and invalid UTF-8 bytes come out as escapes. */
void sbuf_json_str(struct sbuf *sb, const char *s);
/* Like sbuf_json_str for len bytes that may contain NUL. */
void sbuf_json_strn(struct sbuf *sb, const char *s, size_t len);
/* Returns the NUL-terminated contents ("" when empty or failed). */
const char *sbuf_cstr(const struct sbuf *sb);
/* Tells whether an append failed (out of memory or over the cap). */
bool sbuf_failed(const struct sbuf *sb);

/* Copies at most max bytes of untrusted text into dst (size bytes) as
 * printable ASCII: other bytes become '?', NULL or "" becomes
 * "(unknown)". */
void text_printable(char *dst, size_t size, const char *src, size_t max);

/* Returns the length of the valid UTF-8 sequence at s (1-4), or 0. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);

struct arena;
/* Copies len bytes into arena as valid UTF-8 of at most cap bytes: each
 * byte that starts no valid sequence becomes U+FFFD, and a cut falls
 * between sequences. A log line carries only UTF-8, so strings the
 * module decides on go through this to be what the log line holds.
 * NULL when out of memory. */
char *utf8_strndup(struct arena *arena, const char *s, size_t len, size_t cap);

#endif
