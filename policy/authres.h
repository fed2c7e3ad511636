/*
 * authres.h: authgate's Authentication-Results header (RFC 8601) for a
 * decision: the SPF, DKIM, DMARC and ARC results with the domains they
 * concern. The module adds it to every message, and failure reports
 * carry it in their feedback part.
 */
#ifndef AG_AUTHRES_H
#define AG_AUTHRES_H

#include "policy/decide.h"
#include "policy/facts.h"
#include "util/sbuf.h"

/* Signatures listed: with each line up to about 600 bytes, the field
 * stays within what Exim can add (LS_HEADER_ADD_MAX in local_scan/ls.h). */
#define AUTHRES_MAX_DKIM 16

/* Appends "Authentication-Results: ID; spf=...;" and the rest, folded
 * with newline-tab, ending in a newline; the first AUTHRES_MAX_DKIM
 * signatures. Properties carry domains (never a local part) and only when
 * they are plain tokens. */
void authres_render(struct sbuf *sb, const struct facts *f,
    const struct decision *d, const char *authserv_id);

#endif
