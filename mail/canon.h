/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * canon.h: DKIM's header and body canonicalization (RFC 6376 section
 * 3.4), "simple" and "relaxed", written once for everything in verify/
 * that signs or checks bytes itself (ARC), and the line ends of every
 * verifier. Input may use LF or CRLF line ends, mixed; output always uses
 * CRLF, as the signer saw it on the wire. A CR not followed by LF is read
 * as Exim spools it: a line end in the body, a fold (LF and a space) in
 * a header field, so that `authgate explain` on the bytes of the wire
 * sees what the module sees in Exim.
 */
#ifndef AG_CANON_H
#define AG_CANON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/sbuf.h"

/* Receives canonical bytes (a hash update, or a buffer). */
typedef void (*canon_sink)(void *ctx, const void *data, size_t len);

/* Appends one header field ("Name: value", folded lines kept, no final
 * line end) to out with each line end inside it made CRLF: LF and CRLF
 * become CRLF, a CR alone CRLF and a space. This is also the simple
 * canonical form. */
void canon_crlf(const char *field, size_t len, struct sbuf *out);
/* Appends the canonical form of one header field ("Name: value", folded
 * lines kept) to out, without a final CRLF. */
void canon_header(bool relaxed, const char *field, size_t len,
    struct sbuf *out);
/* Splits off the first line of the len bytes at p: returns the bytes it
 * takes, its line end included, with the line's length without the line
 * end in *n. A line ends at LF, CRLF, or a CR alone; the last may have
 * no line end. */
size_t canon_next_line(const char *p, size_t len, size_t *n);
/* Feeds the canonical body to sink: at most limit bytes when limit is
 * not negative. Returns the number of bytes fed. */
size_t canon_body(bool relaxed, const char *body, size_t len, long long limit,
    canon_sink sink, void *ctx);
/* Parses a c= value ("relaxed/simple", "simple", ...) into two flags;
 * returns 0, or -1 for an unknown name. */
int canon_parse(const char *value, size_t len, bool *header_relaxed,
    bool *body_relaxed);

#endif
