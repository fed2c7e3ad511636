/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * consent.h: RFC 7489 7.1's check that a domain outside the reported one
 * agreed to take its reports: a TXT record starting "v=DMARC1" at
 * DOMAIN._report._dmarc.THERE. The caller supplies the lookup (the
 * module's keeps to its per-message DNS budget); the command-line tools
 * use consent_check_plain.
 */
#ifndef AG_CONSENT_H
#define AG_CONSENT_H

#include <stddef.h>

#include "verify/dns.h"

enum consent_result {
	CONSENT_YES,
	CONSENT_NO,	   /* no such record, or not a DMARC one */
	CONSENT_TEMPERROR, /* the lookup failed: not known */
};

/* Whether there agreed to take domain's reports, asked with lookup(ctx,
 * ...); writes the name it asked for into name (size bytes). */
enum consent_result consent_check(const char *domain, const char *there,
    dnsq_lookup_fn lookup, void *ctx, char *name, size_t size);
/* consent_check with one query of at most timeout seconds. */
enum consent_result consent_check_plain(const char *domain, const char *there,
    unsigned timeout, char *name, size_t size);

#endif
