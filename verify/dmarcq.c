/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarcq.c: DMARC record lookups for the facts. RFC 9989 (the default):
 * decide()'s own evaluation runs with a DNS that asks and records, so the
 * facts get exactly the tree-walk names (and existence answers for np=)
 * that decide() will read back. RFC 7489: the From domain's name, then,
 * only when it holds no DMARC record, the PSL organizational domain's.
 * Both cover the name a reader sees as well, when it differs
 * (domcanon_dotted). A name that cannot be asked is never taken for "no
 * record": it is listed with no TXT string, which no answer from DNS
 * ever gives.
 */
#include <stdlib.h>
#include <string.h>

#include "mail/dmarcrec.h"
#include "mail/domcanon.h"
#include "policy/decide.h"
#include "util/sbuf.h"
#include "verify/dmarcq.h"

/* Records one DNS answer for name into f (as collect_domain always
 * has); returns 1 when the name could not be asked, else 0. */
static size_t
record_answer(struct facts *f, struct arena *arena, const char *name,
    const struct dnsq_answer *a)
{
	struct facts_dns *dns = &f->dns[f->n_dns];
	size_t j;
	bool found = false;

	if (a->status == DNSQ_NXDOMAIN || a->status == DNSQ_NODATA)
		return 0;
	dns->name = arena_strdup(arena, name);
	if (a->status == DNSQ_BADNAME) {
		f->n_dns++;
		return 1;
	}
	if (a->status != DNSQ_OK) {
		dns->temperror = true;
		f->n_dns++;
		return 0;
	}
	for (j = 0; j < a->n_txt && dns->n_txt < FACTS_MAX_TXT; j++) {
		const char *txt = utf8_strndup(arena, a->txt[j],
		    strlen(a->txt[j]), FACTS_MAX_STRING);

		if (txt == NULL || !dmarcrec_is_dmarc(txt))
			continue;
		dns->txt[dns->n_txt++] = txt;
		found = true;
	}
	if (found)
		f->n_dns++;
	return 0;
}

/* The DNS of an RFC 9989 gathering (struct dmarcq): asks each name
 * once, within the budget, and records the answers into the facts. */
static bool
gather_spent(struct dmarcq *g)
{
	if (g->queries < DMARCQ_MAX_QUERIES && g->f->n_dns < FACTS_MAX_DNS)
		return false;
	g->f->dmarc_incomplete = true;
	return true;
}

static enum dmarcwalk_answer
gather_txt(void *arg, const char *name, const char **txt)
{
	struct dmarcq *g = arg;
	struct dnsq_answer a;
	size_t i, before;

	if (facts_dns_get(g->f, name) != NULL)
		return decide_facts_txt(g->f, name, txt);
	for (i = 0; i < g->n_none; i++)
		if (strcmp(g->none[i], name) == 0)
			return DW_NONE;
	if (gather_spent(g))
		return DW_TEMPERROR;
	g->queries++;
	g->lookup(g->ctx, name, &a);
	before = g->f->n_dns;
	g->unasked += record_answer(g->f, g->arena, name, &a);
	if (g->f->n_dns == before && g->n_none < DMARCQ_MAX_QUERIES)
		g->none[g->n_none++] = arena_strdup(g->arena, name);
	return decide_facts_txt(g->f, name, txt);
}

static enum facts_exists
gather_exists(void *arg, const char *domain)
{
	struct dmarcq *g = arg;
	const struct facts_existence *x = facts_exists_get(g->f, domain);
	struct facts_existence *nx;
	struct dnsq_answer a;

	if (x != NULL)
		return x->answer;
	if (g->f->n_exists == FACTS_MAX_EXISTS || gather_spent(g)) {
		g->f->dmarc_incomplete = true;
		return FACTS_EXISTS_TEMPERROR;
	}
	g->queries++;
	g->lookup(g->ctx, domain, &a);
	nx = &g->f->exists[g->f->n_exists++];
	nx->domain = arena_strdup(g->arena, domain);
	/* 3.2.13: only NXDOMAIN says a name does not exist. */
	nx->answer = a.status == DNSQ_NXDOMAIN ? FACTS_EXISTS_NO :
	    a.status == DNSQ_OK || a.status == DNSQ_NODATA
		|| a.status == DNSQ_BADNAME ?
						 FACTS_EXISTS_YES :
						 FACTS_EXISTS_TEMPERROR;
	return nx->answer;
}

/* RFC 7489's lookups for one domain; returns how many names could not
 * be asked. */
static size_t
collect_domain(const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx, const char *domain)
{
	char names[2][DECIDE_DMARC_NAME];
	struct dnsq_answer a;
	size_t n, i, before, unasked = 0;

	n = decide_dmarc_names(policy, domain, names);
	for (i = 0; i < n && f->n_dns < FACTS_MAX_DNS; i++) {
		if (facts_dns_get(f, names[i]) != NULL)
			return unasked; /* asked for the other domain */
		lookup(ctx, names[i], &a);
		before = f->n_dns;
		/* A name that cannot be asked is listed with no TXT
		 * string, and the organizational domain's is still asked;
		 * a temperror or a record ends the lookups. */
		if (record_answer(f, arena, names[i], &a) != 0) {
			unasked++;
			continue;
		}
		if (f->n_dns != before)
			return unasked;
	}
	return unasked;
}

static size_t collect_rfc7489(const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx);

void
dmarcq_init(struct dmarcq *q, const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx)
{
	memset(q, 0, sizeof(*q));
	q->policy = policy;
	q->f = f;
	q->arena = arena;
	q->lookup = lookup;
	q->ctx = ctx;
}

size_t
dmarcq_run(struct dmarcq *q)
{
	struct decide_dns dns = { gather_txt, gather_exists, q };
	size_t before = q->unasked;

	q->f->dmarc_treewalk = !q->policy->dmarc_rfc7489;
	if (!q->f->dmarc_treewalk) {
		/* RFC 7489 reads no identifier's name: once is all. */
		if (!q->ran)
			q->unasked += collect_rfc7489(q->policy, q->f, q->arena,
			    q->lookup, q->ctx);
		q->ran = true;
		return q->unasked - before;
	}
	q->ran = true;
	decide_dmarc_gather(q->policy, q->f, &dns);
	return q->unasked - before;
}

size_t
dmarcq_collect(const struct policy *policy, struct facts *f,
    struct arena *arena, dnsq_lookup_fn lookup, void *ctx)
{
	struct dmarcq *q = malloc(sizeof(*q));
	size_t unasked;

	if (q == NULL) {
		f->dmarc_treewalk = !policy->dmarc_rfc7489;
		f->dmarc_incomplete = true; /* nothing could be asked */
		return 0;
	}
	dmarcq_init(q, policy, f, arena, lookup, ctx);
	unasked = dmarcq_run(q);
	free(q);
	return unasked;
}

/* RFC 7489's lookups: the From domain's names, and those of the name a
 * reader sees when it differs. */
static size_t
collect_rfc7489(const struct policy *policy, struct facts *f,
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
