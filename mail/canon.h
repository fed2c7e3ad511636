/*
 * canon.h: DKIM's header and body canonicalization (RFC 6376 section
 * 3.4), "simple" and "relaxed", written once for everything in verify/
 * that signs or checks bytes itself (ARC). Input may use LF or CRLF line
 * ends; output always uses CRLF, as the signer saw it on the wire.
 */
#ifndef AG_CANON_H
#define AG_CANON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/sbuf.h"

/* Receives canonical bytes (a hash update, or a buffer). */
typedef void (*canon_sink)(void *ctx, const void *data, size_t len);

/* Appends the canonical form of one header field ("Name: value", folded
 * lines kept) to out, without a final CRLF. */
void canon_header(bool relaxed, const char *field, size_t len,
    struct sbuf *out);
/* Feeds the canonical body to sink: at most limit bytes when limit is
 * not negative. Returns the number of bytes fed. */
size_t canon_body(bool relaxed, const char *body, size_t len, long long limit,
    canon_sink sink, void *ctx);
/* Parses a c= value ("relaxed/simple", "simple", ...) into two flags;
 * returns 0, or -1 for an unknown name. */
int canon_parse(const char *value, size_t len, bool *header_relaxed,
    bool *body_relaxed);

#endif
