/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarcq.c: DMARC record lookups for the facts: the From domain's name,
 * then, only when it holds no DMARC record, the organizational domain's,
 * exactly the names decide() will read from the snapshot (and the same
 * for the name a reader sees, when it differs: domcanon_dotted). A name that
 * cannot be asked is never taken for "no record": it is listed with no
 * TXT string, which no answer from DNS ever gives.
 */
#include <string.h>

#include "mail/dmarcrec.h"
#include "mail/domcanon.h"
#include "policy/decide.h"
#include "util/sbuf.h"
#include "verify/dmarcq.h"

/* The lookups for one domain; returns how many names could not be
 * asked. */
static size_t
collect_domain(const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx, const char *domain)
{
	char names[2][DECIDE_DMARC_NAME];
	struct dnsq_answer a;
	size_t n, i, j, unasked = 0;
	bool found;

	n = decide_dmarc_names(policy, domain, names);
	for (i = 0; i < n && f->n_dns < FACTS_MAX_DNS; i++) {
		struct facts_dns *dns = &f->dns[f->n_dns];

		if (facts_dns_get(f, names[i]) != NULL)
			return unasked; /* asked for the other domain */
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
			/* As the log line will hold it: decide() reads
			 * what replay reads. */
			const char *txt = utf8_strndup(arena, a.txt[j],
			    strlen(a.txt[j]), FACTS_MAX_STRING);

			if (txt == NULL
			    || dmarcrec_parse(txt, &rec) == DMARCREC_NOT_DMARC)
				continue;
			dns->txt[dns->n_txt++] = txt;
			found = true;
		}
		if (!found)
			continue; /* as if the name had no TXT record */
		f->n_dns++;
		return unasked;
	}
	return unasked;
}

size_t
dmarcq_collect(const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx)
{
	char domain[DOMAIN_MAX_LEN + 1], view[DOMAIN_MAX_LEN + 1];
	size_t unasked;

	decide_author_domain(f, domain);
	if (domain[0] == '\0')
		return 0;
	unasked = collect_domain(policy, f, arena, lookup, ctx, domain);
	/* A name a reader sees otherwise is judged as that name too. */
	if (domcanon_dotted(domain, view) == 1)
		unasked += collect_domain(policy, f, arena, lookup, ctx, view);
	return unasked;
}
