/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recheck.c: the module's own lookups behind Exim's coarse verdicts
 * (recheck.h). Each asks one name and reads the answer code.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mail/spfrec.h"
#include "verify/dkimid.h"
#include "verify/recheck.h"

bool
recheck_spf_domain_ok(const char *domain)
{
	size_t len = domain != NULL ? strlen(domain) : 0;

	if (len > 1 && domain[len - 1] == '.')
		len--;
	return len > 0 && dnsq_name_ok(domain, len, DNSQ_NAME_ANY_BYTE)
	    && memchr(domain, '.', len) != NULL;
}

enum ag_spf
recheck_spf_invalid(const char *domain, dnsq_lookup_fn lookup, void *ctx)
{
	struct dnsq_answer a;
	const char *rec = NULL;
	size_t i, n = 0;

	if (domain == NULL || domain[0] == '\0')
		return AG_SPFR_PERMERROR;
	/* RFC 7208 4.3: a domain that cannot be asked has no policy. */
	if (!recheck_spf_domain_ok(domain))
		return AG_SPFR_NONE;
	lookup(ctx, domain, &a);
	if (a.status == DNSQ_BADNAME)
		return AG_SPFR_NONE;
	if (a.status != DNSQ_OK)
		return AG_SPFR_TEMPERROR;
	for (i = 0; i < a.n_txt; i++)
		if (spfrec_is_spf(a.txt[i])) {
			rec = a.txt[i];
			n++;
		}
	if (n != 1)
		return n == 0 ? AG_SPFR_TEMPERROR : AG_SPFR_PERMERROR;
	return spfrec_syntax_ok(rec) ? AG_SPFR_TEMPERROR : AG_SPFR_PERMERROR;
}

/* Tells whether a DKIM key record has an empty p= tag (a revoked key),
 * allowing blanks around tags as RFC 6376's tag-list does, and reading
 * past tags a strict parser would refuse. */
static bool
key_revoked(const char *rec)
{
	const char *p = rec;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (*p == 'p') {
			const char *q = p + 1;

			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '=') {
				q++;
				while (*q == ' ' || *q == '\t')
					q++;
				return *q == '\0' || *q == ';';
			}
		}
		while (*p != '\0' && *p != ';')
			p++;
	}
	return false;
}

enum ag_dkim
recheck_dkim_key(const char *d, const char *s, enum ag_dkim if_present,
    dnsq_lookup_fn lookup, void *ctx)
{
	char name[DNSQ_MAX_NAME + 1];
	struct dnsq_answer a;
	size_t i;

	/* The name Exim asked for, with no other spelling of d= (Exim
	 * appends a final dot to "bank.example.", a name it cannot ask, and
	 * a normalized re-ask would find the key and call Exim's failure
	 * DNS trouble): a d= that is not a plain domain, or a key name DNS
	 * cannot be asked for, is a malformed signature. */
	if (dkimid_key_name(s, strlen(s), d, strlen(d), name, sizeof(name))
	    != 0)
		return AG_DKIMR_SIG_SYNTAX;
	lookup(ctx, name, &a);
	switch (a.status) {
	case DNSQ_NXDOMAIN:
	case DNSQ_NODATA:
		return AG_DKIMR_KEY_MISSING;
	case DNSQ_BADNAME:
		return AG_DKIMR_SIG_SYNTAX;
	case DNSQ_TEMPERROR:
		return AG_DKIMR_TEMPERROR;
	case DNSQ_OK:
		break;
	}
	for (i = 0; i < a.n_txt; i++)
		if (key_revoked(a.txt[i]))
			return AG_DKIMR_KEY_REVOKED;
	return if_present;
}
