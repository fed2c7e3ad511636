/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkimid.c: signature identities. The d= check is the one every reader
 * of d= uses (DKIM verification, Exim's verdicts, ARC), so that a d=
 * like "bank.example." can never name one key to Exim and another to
 * the module; ranking follows decide()'s relaxed alignment (the same
 * organizational domain under the policy's public suffix list).
 */
#include <string.h>

#include "policy/decide.h"
#include "verify/dkimid.h"
#include "verify/dns.h"

/* Tells whether the len bytes at name are dot-separated labels of 1 to
 * DNSQ_MAX_LABEL octets, DNSQ_MAX_NAME in all, of letters, digits and
 * hyphens, and '_' where underscore allows it; with ldh, a hyphen may
 * not start or end a label (RFC 5321's sub-domain). */
static bool
labels_ok(const char *name, size_t len, bool underscore, bool ldh)
{
	size_t i, label = 0;

	if (len == 0 || len > DNSQ_MAX_NAME)
		return false;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0 || (ldh && name[i - 1] == '-'))
				return false;
			label = 0;
			continue;
		}
		if (++label > DNSQ_MAX_LABEL)
			return false;
		if (c == '-' && ldh && label == 1)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			|| (c >= '0' && c <= '9') || c == '-'
			|| (c == '_' && underscore)))
			return false;
	}
	return label > 0 && !(ldh && name[len - 1] == '-');
}

bool
dkimid_domain_ok(const char *d, size_t len)
{
	return labels_ok(d, len, false, true);
}

bool
dkimid_selector_ok(const char *s, size_t len)
{
	return labels_ok(s, len, true, false);
}

int
dkimid_key_name(const char *s, size_t slen, const char *d, size_t dlen,
    char *out, size_t size)
{
	static const char mid[] = "._domainkey.";
	size_t i, n = slen + sizeof(mid) - 1 + dlen;

	if (!dkimid_selector_ok(s, slen) || !dkimid_domain_ok(d, dlen)
	    || n > DNSQ_MAX_NAME || n >= size)
		return -1;
	memcpy(out, s, slen);
	memcpy(out + slen, mid, sizeof(mid) - 1);
	for (i = 0; i < dlen; i++)
		out[slen + sizeof(mid) - 1 + i]
		    = (char)((d[i] >= 'A' && d[i] <= 'Z') ? d[i] + ('a' - 'A') :
							    d[i]);
	out[n] = '\0';
	return 0;
}

void
dkimid_from_init(struct dkimid_from *from, const struct policy *policy,
    const struct facts *f)
{
	from->policy = policy;
	from->domain[0] = '\0';
	from->org = NULL;
	if (policy == NULL)
		return;
	/* The author domain as decide() reads it. */
	decide_author_domain(f, from->domain);
	if (from->domain[0] != '\0')
		from->org = policy_org_domain(policy, from->domain);
}

enum dkimid_rank
dkimid_rank(const struct dkimid_from *from, const char *d, size_t len)
{
	char dom[DOMAIN_MAX_LEN + 1], err[8];
	const char *org;

	if (from->policy == NULL || !dkimid_domain_ok(d, len)
	    || domain_normalize(d, len, dom, err, sizeof(err)) != 0)
		return DKIMID_OTHER;
	/* decide()'s relaxed alignment: the From domain, or a domain
	 * within its organizational domain whose own organizational domain
	 * that is (a public suffix aligns with nothing). */
	if (from->org != NULL
	    && (strcmp(dom, from->domain) == 0
		|| (domain_within(dom, from->org)
		    && (strcmp(dom, from->org) == 0
			|| ((org = policy_org_domain(from->policy, dom)) != NULL
			    && strcmp(org, from->org) == 0)))))
		return DKIMID_ALIGNED;
	if (policy_trusted_domain(from->policy, dom) != NULL)
		return DKIMID_TRUSTED;
	return DKIMID_OTHER;
}
