/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarcq.h: the DMARC lookups behind facts.dns, shared by the module and
 * the offline tools; the caller supplies the lookup (the module's keeps
 * to its per-message DNS budget).
 */
#ifndef AG_DMARCQ_H
#define AG_DMARCQ_H

#include "policy/config.h"
#include "policy/facts.h"
#include "util/arena.h"
#include "verify/dns.h"

#define DMARCQ_MAX_QUERIES 48 /* DMARC and existence queries a message */

/* Adds to f->dns the DMARC records decide() will need for f's From
 * header, looked up with lookup(ctx, ...); strings go into arena. A name
 * derived from the From domain that cannot be asked (DNSQ_BADNAME) is
 * listed with no TXT string (n_txt 0, not temperror: "dns": {NAME: []}
 * in the log), which no DNS answer gives; returns how many such names. */
size_t dmarcq_collect(const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx);

#endif
