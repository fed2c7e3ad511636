/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spf.h: SPF (RFC 7208) with libspf2 for the MAIL FROM identity, or for
 * HELO when MAIL FROM is the null sender, as DESIGN's facts need it.
 */
#ifndef AG_SPF_H
#define AG_SPF_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/classes.h"

/* RFC 7208 4.6.4's processing limits, enforced in authgate's DNS layer
 * for libspf2 over the whole check (include: and redirect= included):
 * past SPFV_MAX_TERMS terms that cause DNS queries (include, a, mx, ptr,
 * exists, redirect) or SPFV_MAX_VOID lookups that find nothing, nothing
 * more is asked and the result is permerror; a PTR answer is cut to
 * SPFV_MAX_ADDRS names (the rest are ignored, as the RFC says). */
#define SPFV_MAX_TERMS 10
#define SPFV_MAX_VOID  2
#define SPFV_MAX_ADDRS 10

/* Asked before each DNS query libspf2 makes: false means the caller's
 * budget is spent, and the query is not sent but answered as DNS trouble. */
typedef bool (*spfv_budget_fn)(void *ctx);

/* Checks whether ip may send for mail_from ("" for the null sender, when
 * postmaster@helo is checked). Writes the checked domain into domain
 * (size bytes) and returns the result; DNS trouble is temperror, a
 * broken record permerror, a domain that cannot be asked none (RFC 7208
 * 4.3), past the limits above permerror. With a budget function (NULL
 * for none), no query goes out once it says no, so the check ends in
 * temperror. */
enum ag_spf spfv_check(const char *ip, const char *helo, const char *mail_from,
    char *domain, size_t size, spfv_budget_fn budget, void *budget_ctx);

#endif
