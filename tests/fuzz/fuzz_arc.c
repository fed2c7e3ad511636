/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_arc.c: any bytes are a message whose ARC chain is validated
 * (header split, tag lists, instance bookkeeping, AAR parsing, body and
 * header canonicalization, the key lookup, which answers keys nobody
 * here holds for s=rsa and s=ed and NXDOMAIN or temperror otherwise, and
 * the signatures under those keys); the result is one of the four, never
 * a pass, instances stay in range, and canonical output keeps its
 * invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/canon.h"
#include "verify/arc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rsa_key[]
    = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCvYStM/qZnd0H8"
      "MOHO0UGjnjinx8uJYWzoptS+5dbkNrNFlmvZyjyPMphy5TKbuh45XRNlBKVR2s9n7DUp"
      "Afns0oSuzkwl2/pR5N0h97R4bbRu12A6Mhd+mD0yK8crxL4Te4IUnhJamuPj5FlQdXId"
      "mSTnZKpzzyv/vDWPslIfBwIDAQAB";
/* RFC 8032 7.1, test 1. */
static const char ed_key[]
    = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

/* Keys whose private halves nobody here has (s=rsa, s=ed), so that the
 * signatures are checked; every other name is NXDOMAIN or temperror. */
static void
no_keys(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	memset(a, 0, sizeof(*a));
	if (strncmp(name, "rsa._domainkey.", 15) == 0
	    || strncmp(name, "ed._domainkey.", 14) == 0) {
		a->status = DNSQ_OK;
		a->n_txt = 1;
		a->txt[0] = name[0] == 'r' ? rsa_key : ed_key;
		return;
	}
	a->status = strlen(name) % 2 ? DNSQ_TEMPERROR : DNSQ_NXDOMAIN;
}

static void
check_relaxed_body(void *ctx, const void *data, size_t len)
{
	const char *p = data;
	size_t i;

	(void)ctx;
	for (i = 0; i < len; i++) {
		if (p[i] == '\t')
			abort();
		if (i > 0 && p[i] == ' ' && p[i - 1] == ' ')
			abort();
		if (i + 2 < len && p[i] == ' ' && p[i + 1] == '\r')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena arena;
	struct facts f;
	struct sbuf sb;
	char why[300];
	const char *colon;
	size_t i;

	arena_init(&arena);
	facts_init(&f);
	arcv_message((const char *)data, size, no_keys, NULL, &f, &arena, why,
	    sizeof(why));
	if (f.arc > AG_ARCR_TEMPERROR || f.n_arc > FACTS_MAX_ARC
	    || f.arc == AG_ARCR_PASS)
		abort(); /* no key anyone holds: nothing can pass */
	for (i = 0; i < f.n_arc; i++)
		if (f.arc_inst[i].i < 1 || f.arc_inst[i].i > ARC_MAX_INSTANCES
		    || f.arc_inst[i].sealer == NULL)
			abort();
	arena_free(&arena);
	canon_body(true, (const char *)data, size, -1, check_relaxed_body,
	    NULL);
	sbuf_init(&sb, size * 2 + 16);
	canon_header(true, (const char *)data, size, &sb);
	/* Unfolded everywhere; no tab in the value (a name is kept). */
	colon = memchr(sbuf_cstr(&sb), ':', sb.len);
	if (memchr(sbuf_cstr(&sb), '\n', sb.len) != NULL
	    || memchr(sbuf_cstr(&sb), '\r', sb.len) != NULL
	    || (colon != NULL
		&& memchr(colon, '\t',
		       sb.len - (size_t)(colon - sbuf_cstr(&sb)))
		    != NULL))
		abort();
	sbuf_free(&sb);
	return 0;
}
