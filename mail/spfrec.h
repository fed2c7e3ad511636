/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spfrec.h: a syntax check of one SPF record (RFC 7208 section 12), used
 * to tell what went wrong when Exim reports only "(invalid)": a broken
 * record (permerror) or a lookup behind a well-formed one (temperror).
 * `authgate dns-check` walks includes with it to count lookups; SPF
 * evaluation itself is libspf2's (verify/spf.c).
 */
#ifndef AG_SPFREC_H
#define AG_SPFREC_H

#include <stdbool.h>

#define SPFREC_MAX_LOOKUPS 10 /* RFC 7208 4.6.4 */

/* Tells whether txt starts with "v=spf1" (the record's version tag). */
bool spfrec_is_spf(const char *txt);
/* Tells whether every term of an SPF record is well-formed and its own
 * terms need no more than SPFREC_MAX_LOOKUPS DNS lookups. */
bool spfrec_syntax_ok(const char *txt);

/* Receives the target of each include: (redirect false) and redirect=
 * (redirect true) term of a record. */
typedef void (*spfrec_target_fn)(void *ctx, const char *domain, bool redirect);
/* Walks a well-formed record: calls fn for its include and redirect
 * targets, in order, and returns how many DNS-querying terms (include,
 * a, mx, ptr, exists, redirect) the record itself has. */
unsigned spfrec_walk(const char *txt, spfrec_target_fn fn, void *ctx);

#endif
