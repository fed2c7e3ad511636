/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * consent.h: the check that a report destination outside the reported
 * domain agreed to take its reports (RFC 9990's "Verifying External
 * Destinations"; RFC 7489 7.1 before it): a TXT record, parsed as a tag
 * list with v=DMARC1 first, at DOMAIN._report._dmarc.THERE. Whether a
 * destination is outside is decided by Organizational Domains as RFC
 * 9989's DNS tree walk finds them (mail/dmarcwalk.h), not by the public
 * suffix list. The caller supplies the lookup (the module's keeps to its
 * per-message DNS budget); the command-line tools use the _plain forms.
 */
#ifndef AG_CONSENT_H
#define AG_CONSENT_H

#include <stddef.h>

#include "util/domain.h"
#include "verify/dns.h"

enum consent_result {
	CONSENT_YES,
	CONSENT_NO,	   /* no such record, or not a DMARC one */
	CONSENT_TEMPERROR, /* the lookup failed: not known */
};

/* Whether there agreed to take domain's reports, asked with lookup(ctx,
 * ...); writes the name it asked for into name (size bytes). A name
 * longer than DNS allows is not asked: CONSENT_NO. */
enum consent_result consent_check(const char *domain, const char *there,
    dnsq_lookup_fn lookup, void *ctx, char *name, size_t size);
/* consent_check with one query of at most timeout seconds. */
enum consent_result consent_check_plain(const char *domain, const char *there,
    unsigned timeout, char *name, size_t size);

/* Writes the Organizational Domain of domain (a normalized A-label
 * domain) that RFC 9989's tree walk finds, asked with lookup, into org
 * (DOMAIN_MAX_LEN + 1 bytes): 0, or -1 when a name the walk needed did
 * not answer (org is then domain itself). */
int consent_org_domain(const char *domain, dnsq_lookup_fn lookup, void *ctx,
    char *org);

/* Whether policy_domain's reports may go to a URI at host: CONSENT_YES
 * with name "" when both have the same Organizational Domain (no consent
 * needed), else consent_check's answer (a walk that failed counts as
 * different domains). On CONSENT_YES from a consent record, rua (rua_size
 * bytes) holds that record's rua= value, which replaces the URI when it
 * names the same host and forbids reporting to either when it names
 * another; "" otherwise. */
enum consent_result consent_destination(const char *policy_domain,
    const char *host, dnsq_lookup_fn lookup, void *ctx, char *name, size_t size,
    char *rua, size_t rua_size);
/* consent_destination with queries of at most timeout seconds each. */
enum consent_result consent_destination_plain(const char *policy_domain,
    const char *host, unsigned timeout, char *name, size_t size, char *rua,
    size_t rua_size);

#endif
