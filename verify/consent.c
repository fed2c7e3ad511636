/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * consent.c: the report consent record. Any TXT string at the name that
 * starts with the tag v=DMARC1 counts; the rest of it (a receiver may
 * publish rua= or ruf= there to redirect) is not followed.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "verify/consent.h"

static int
is_consent(const char *txt)
{
	return strncasecmp(txt, "v=DMARC1", 8) == 0
	    && (txt[8] == '\0' || txt[8] == ';' || txt[8] == ' '
		|| txt[8] == '\t');
}

enum consent_result
consent_check(const char *domain, const char *there, dnsq_lookup_fn lookup,
    void *ctx, char *name, size_t size)
{
	struct dnsq_answer a;
	size_t i;

	if (snprintf(name, size, "%s._report._dmarc.%s", domain, there)
	    >= (int)size)
		return CONSENT_NO;
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
	for (i = 0; i < a.n_txt; i++)
		if (is_consent(a.txt[i]))
			return CONSENT_YES;
	return CONSENT_NO;
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
