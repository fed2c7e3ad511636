/*
 * spf.h: SPF (RFC 7208) with libspf2 for the MAIL FROM identity, or for
 * HELO when MAIL FROM is the null sender, as DESIGN's facts need it.
 */
#ifndef AG_SPF_H
#define AG_SPF_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/classes.h"

/* Asked before each DNS query libspf2 makes: false means the caller's
 * budget is spent, and the query is not sent but answered as DNS trouble. */
typedef bool (*spfv_budget_fn)(void *ctx);

/* Checks whether ip may send for mail_from ("" for the null sender, when
 * postmaster@helo is checked). Writes the checked domain into domain
 * (size bytes) and returns the result; DNS trouble is temperror, a
 * broken record permerror. With a budget function (NULL for none), no
 * query goes out once it says no, so the check ends in temperror. */
enum ag_spf spfv_check(const char *ip, const char *helo, const char *mail_from,
    char *domain, size_t size, spfv_budget_fn budget, void *budget_ctx);

#endif
