/*
 * recheck.c: the module's own lookups behind Exim's coarse verdicts
 * (recheck.h). Each asks one name and reads the answer code.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mail/spfrec.h"
#include "util/domain.h"
#include "verify/recheck.h"

enum ag_spf
recheck_spf_invalid(const char *domain, dnsq_lookup_fn lookup, void *ctx)
{
	struct dnsq_answer a;
	const char *rec = NULL;
	size_t i, n = 0;

	if (domain == NULL || domain[0] == '\0')
		return AG_SPFR_PERMERROR;
	lookup(ctx, domain, &a);
	if (a.status == DNSQ_BADNAME)
		return AG_SPFR_PERMERROR;
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
	char name[DOMAIN_MAX_LEN + 1], norm[DOMAIN_MAX_LEN + 1], err[96];
	struct dnsq_answer a;
	const char *c;
	size_t i;

	/* d= is a domain; s= is dot-separated labels, which may not start
	 * a DNS name with anything but letters, digits and '_' or '-'. */
	if (domain_normalize(d, strlen(d), norm, err, sizeof(err)) != 0
	    || s[0] == '\0' || s[0] == '.')
		return AG_DKIMR_SIG_SYNTAX;
	for (c = s; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')
			|| (*c >= '0' && *c <= '9') || *c == '.' || *c == '-'
			|| *c == '_'))
			return AG_DKIMR_SIG_SYNTAX;
	if (snprintf(name, sizeof(name), "%s._domainkey.%s", s, norm)
	    >= (int)sizeof(name))
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
