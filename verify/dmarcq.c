/*
 * dmarcq.c: DMARC record lookups for the facts: the From domain's name,
 * then, only when it holds no DMARC record, the organizational domain's,
 * exactly the names decide() will read from the snapshot. A name that
 * cannot be asked is never taken for "no record": it is listed with no
 * TXT string, which no answer from DNS ever gives.
 */
#include <string.h>

#include "mail/dmarcrec.h"
#include "policy/decide.h"
#include "verify/dmarcq.h"

size_t
dmarcq_collect(const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx)
{
	char names[2][DECIDE_DMARC_NAME], domain[DOMAIN_MAX_LEN + 1];
	struct dnsq_answer a;
	size_t n, i, j, unasked = 0;
	bool found;

	decide_author_domain(f, domain);
	if (domain[0] == '\0')
		return 0;
	n = decide_dmarc_names(policy, domain, names);
	for (i = 0; i < n && f->n_dns < FACTS_MAX_DNS; i++) {
		struct facts_dns *dns = &f->dns[f->n_dns];

		lookup(ctx, names[i], &a);
		if (a.status == DNSQ_NXDOMAIN || a.status == DNSQ_NODATA)
			continue;
		dns->name = arena_strdup(arena, names[i]);
		if (a.status == DNSQ_BADNAME) {
			/* Not asked (an empty or over-long label, a name
			 * with no A-label form): listed with no TXT string,
			 * for the engine to tell from "no record"; the
			 * organizational domain's name is still asked. */
			f->n_dns++;
			unasked++;
			continue;
		}
		if (a.status != DNSQ_OK) {
			dns->temperror = true;
			f->n_dns++;
			return unasked;
		}
		/* Only DMARC records are kept: other TXT strings never
		 * change a decision, and one reading "temperror" would read
		 * back from the log as a DNS failure. */
		found = false;
		for (j = 0; j < a.n_txt && dns->n_txt < FACTS_MAX_TXT; j++) {
			struct dmarcrec rec;

			if (dmarcrec_parse(a.txt[j], &rec)
			    == DMARCREC_NOT_DMARC)
				continue;
			dns->txt[dns->n_txt++] = a.txt[j];
			found = true;
		}
		if (!found)
			continue; /* as if the name had no TXT record */
		f->n_dns++;
		return unasked;
	}
	return unasked;
}
