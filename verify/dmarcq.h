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

#define DMARCQ_MAX_QUERIES 96 /* DMARC and existence queries a message */

/* One message's DMARC gathering, which may run more than once as facts
 * come in: the names already asked are not asked again. */
struct dmarcq {
	const struct policy *policy;
	struct facts *f;
	struct arena *arena;
	dnsq_lookup_fn lookup;
	void *ctx;
	bool ran;
	size_t queries;
	size_t unasked;
	size_t n_none;
	const char *none[DMARCQ_MAX_QUERIES]; /* asked: no record */
};

/* Begins a gathering for f's DMARC names, asked with lookup(ctx, ...),
 * strings into arena. */
void dmarcq_init(struct dmarcq *q, const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx);
/* Adds to f what decide() will read for f as it is now: the From
 * domain's walk first (before SPF and DKIM are in, no identifier a sender
 * controls can spend the budget before it), then, run again once they
 * are, the identifiers' walks. Returns how many names could not be asked
 * this time. */
size_t dmarcq_run(struct dmarcq *q);

/* Adds to f->dns the DMARC records decide() will need for f's From
 * header, looked up with lookup(ctx, ...); strings go into arena. A name
 * derived from the From domain that cannot be asked (DNSQ_BADNAME) is
 * listed with no TXT string (n_txt 0, not temperror: "dns": {NAME: []}
 * in the log), which no DNS answer gives; returns how many such names. */
size_t dmarcq_collect(const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx);

#endif
