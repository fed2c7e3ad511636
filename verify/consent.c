/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * consent.c: the report consent record and the Organizational Domains
 * that say when one is needed. A TXT string at the name counts when it is
 * a tag list whose first tag is v=DMARC1; its rua= is handed back for the
 * caller to apply. The tree walk answers each _dmarc name through the
 * caller's lookup, the same walk the module makes for DMARC.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/dmarcrec.h"
#include "mail/dmarcwalk.h"
#include "mail/taglist.h"
#include "verify/consent.h"

/* Parses txt into tl; *ok tells whether it is a consent record (a tag
 * list with v=DMARC1 first). Returns its rua= tag, or NULL. */
static const struct tag *
consent_rua(const char *txt, struct taglist *tl, int *ok)
{
	*ok = taglist_parse(txt, strlen(txt), tl) == 0 && tl->n > 0
	    && tl->tags[0].name_len == 1
	    && strncasecmp(tl->tags[0].name, "v", 1) == 0
	    && tag_value_is(&tl->tags[0], "DMARC1");
	return *ok ? taglist_get(tl, "rua") : NULL;
}

/* consent_check, and the rua= of the first record that consents. */
static enum consent_result
check(const char *domain, const char *there, dnsq_lookup_fn lookup, void *ctx,
    char *name, size_t size, char *rua, size_t rua_size)
{
	struct dnsq_answer a;
	struct taglist tl;
	const struct tag *t;
	size_t i;
	int n, ok;

	if (rua_size > 0)
		rua[0] = '\0';
	n = snprintf(name, size, "%s._report._dmarc.%s", domain, there);
	if (n < 0 || (size_t)n >= size || (size_t)n > DNSQ_MAX_NAME)
		return CONSENT_NO; /* too long: cannot be confirmed */
	lookup(ctx, name, &a);
	switch (a.status) {
	case DNSQ_OK:
		break;
	case DNSQ_TEMPERROR:
		return CONSENT_TEMPERROR;
	case DNSQ_NXDOMAIN:
	case DNSQ_NODATA:
	case DNSQ_BADNAME:
		return CONSENT_NO;
	}
	for (i = 0; i < a.n_txt; i++) {
		t = consent_rua(a.txt[i], &tl, &ok);
		if (!ok)
			continue;
		if (t != NULL && rua_size > 0)
			snprintf(rua, rua_size, "%.*s", (int)t->value_len,
			    t->value);
		return CONSENT_YES;
	}
	return CONSENT_NO;
}

enum consent_result
consent_check(const char *domain, const char *there, dnsq_lookup_fn lookup,
    void *ctx, char *name, size_t size)
{
	return check(domain, there, lookup, ctx, name, size, NULL, 0);
}

struct plain_ctx {
	unsigned timeout;
	struct arena arena;
};

static void
plain_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	struct plain_ctx *pc = ctx;

	dnsq_txt(name, pc->timeout, &pc->arena, a);
}

enum consent_result
consent_check_plain(const char *domain, const char *there, unsigned timeout,
    char *name, size_t size)
{
	struct plain_ctx pc;
	enum consent_result c;

	pc.timeout = timeout;
	arena_init(&pc.arena);
	c = consent_check(domain, there, plain_lookup, &pc, name, size);
	arena_free(&pc.arena);
	return c;
}

struct walk_ctx {
	dnsq_lookup_fn lookup;
	void *ctx;
};

/* A _dmarc name as the tree walk reads it (RFC 9989: only records that
 * start with v=DMARC1 count; several are discarded). */
static enum dmarcwalk_answer
walk_lookup(void *ctx, const char *name, const char **txt)
{
	struct walk_ctx *wc = ctx;
	struct dnsq_answer a;
	struct dmarcrec rec;
	size_t i, n = 0;

	wc->lookup(wc->ctx, name, &a);
	switch (a.status) {
	case DNSQ_OK:
		break;
	case DNSQ_TEMPERROR:
		return DW_TEMPERROR;
	case DNSQ_NXDOMAIN:
	case DNSQ_NODATA:
	case DNSQ_BADNAME:
		return DW_NONE;
	}
	for (i = 0; i < a.n_txt; i++)
		if (dmarcrec_parse(a.txt[i], &rec) != DMARCREC_NOT_DMARC) {
			*txt = a.txt[i];
			n++;
		}
	return n == 0 ? DW_NONE : n == 1 ? DW_RECORD : DW_SEVERAL;
}

int
consent_org_domain(const char *domain, dnsq_lookup_fn lookup, void *ctx,
    char *org)
{
	struct walk_ctx wc = { lookup, ctx };
	struct dmarcwalk w;

	dmarcwalk_run(domain, walk_lookup, &wc, false, &w);
	if (w.temperror) {
		snprintf(org, DOMAIN_MAX_LEN + 1, "%s", domain);
		return -1;
	}
	dmarcwalk_org(domain, &w, org);
	return 0;
}

enum consent_result
consent_destination(const char *policy_domain, const char *host,
    dnsq_lookup_fn lookup, void *ctx, char *name, size_t size, char *rua,
    size_t rua_size)
{
	char org1[DOMAIN_MAX_LEN + 1], org2[DOMAIN_MAX_LEN + 1];

	if (rua_size > 0)
		rua[0] = '\0';
	if (size > 0)
		name[0] = '\0';
	if (strcasecmp(policy_domain, host) == 0)
		return CONSENT_YES;
	if (consent_org_domain(policy_domain, lookup, ctx, org1) == 0
	    && consent_org_domain(host, lookup, ctx, org2) == 0
	    && strcasecmp(org1, org2) == 0)
		return CONSENT_YES;
	return check(policy_domain, host, lookup, ctx, name, size, rua,
	    rua_size);
}

enum consent_result
consent_destination_plain(const char *policy_domain, const char *host,
    unsigned timeout, char *name, size_t size, char *rua, size_t rua_size)
{
	struct plain_ctx pc;
	enum consent_result c;

	pc.timeout = timeout;
	arena_init(&pc.arena);
	c = consent_destination(policy_domain, host, plain_lookup, &pc, name,
	    size, rua, rua_size);
	arena_free(&pc.arena);
	return c;
}
