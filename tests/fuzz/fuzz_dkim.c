/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_dkim.c: the DKIM verifier's untrusted inputs. The bytes are a key
 * record (up to the first LF) and a message. The record is decoded as a
 * key (and its p= as DER by the RSA reader: what it returns lies inside
 * the input, the modulus and exponent have no leading zero, the decoded
 * key's bits match the modulus, a usable key's exponent is below its
 * modulus); a second decode of the same text comes
 * from the cache and says the same. Then the message's DKIM-Signatures
 * are verified with keys answered by selector: s=fz gets the fuzzed
 * record, s=rsa and s=ed fixed keys whose private halves nobody here
 * has, so a signature naming them must never pass. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/taglist.h"
#include "verify/dkim.h"
#include "verify/dkimkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rsa_key[]
    = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCvYStM/qZnd0H8"
      "MOHO0UGjnjinx8uJYWzoptS+5dbkNrNFlmvZyjyPMphy5TKbuh45XRNlBKVR2s9n7DUp"
      "Afns0oSuzkwl2/pR5N0h97R4bbRu12A6Mhd+mD0yK8crxL4Te4IUnhJamuPj5FlQdXId"
      "mSTnZKpzzyv/vDWPslIfBwIDAQAB";
/* RFC 8032 7.1, test 1: a point of the group's large order. */
static const char ed_key[]
    = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

static char record[4097];

static void
keys(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_OK;
	a->n_txt = 1;
	if (strncmp(name, "rsa._domainkey.", 15) == 0)
		a->txt[0] = rsa_key;
	else if (strncmp(name, "ed._domainkey.", 14) == 0)
		a->txt[0] = ed_key;
	else if (strncmp(name, "fz._domainkey.", 14) == 0)
		a->txt[0] = record;
	else
		a->status = name[0] == 't' ? DNSQ_TEMPERROR : DNSQ_NXDOMAIN;
}

static void
check_der(const unsigned char *der, size_t len)
{
	const unsigned char *n, *e;
	size_t nlen, elen;

	if (dkimkey_der_rsa(der, len, &n, &nlen, &e, &elen) != 0)
		return;
	if (n < der || n + nlen > der + len || e < der || e + elen > der + len
	    || (nlen > 0 && n[0] == 0) || (elen > 0 && e[0] == 0))
		abort();
}

static void
check_record(void)
{
	struct taglist tl;
	const struct tag *p;
	unsigned char der[DKIMKEY_MAX_DER];
	struct dkimkey k1, k2;
	long n = 0;

	if (taglist_parse(record, strlen(record), &tl) == 0
	    && (p = taglist_get(&tl, "p")) != NULL
	    && (n = tag_base64(p, der, sizeof(der))) > 0)
		check_der(der, (size_t)n);
	dkimkey_parse(record, &k1);
	dkimkey_parse(record, &k2);
	if (k1.status != k2.status || k1.bits != k2.bits
	    || k1.ed25519 != k2.ed25519 || (k1.pub == NULL) != (k2.pub == NULL)
	    || (k1.pub != NULL) != (k1.status == DKIMKEY_OK))
		abort();
	if (k1.status == DKIMKEY_OK && !k1.ed25519
	    && (k1.bits < DKIMKEY_MIN_RSA_BITS
		|| k1.bits > DKIMKEY_MAX_RSA_BITS))
		abort();
	if (k1.status == DKIMKEY_OK && k1.ed25519 && k1.bits != 256)
		abort();
	/* A usable RSA key's exponent is below its modulus (what bounds
	 * the cost of a check). */
	if (k1.status == DKIMKEY_OK && !k1.ed25519 && n > 0) {
		const unsigned char *kn, *ke;
		size_t knlen, kelen;

		if (dkimkey_der_rsa(der, (size_t)n, &kn, &knlen, &ke, &kelen)
			!= 0
		    || kelen > knlen
		    || (kelen == knlen && memcmp(ke, kn, knlen) >= 0))
			abort();
	}
	dkimkey_free(&k1);
	dkimkey_free(&k2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *lf = memchr(data, '\n', size);
	size_t rlen = lf != NULL ? (size_t)(lf - data) : size, i;
	struct arena arena;
	struct facts f;
	char err[256];

	/* A longer record is cut; the message still starts after the LF. */
	if (rlen >= sizeof(record))
		rlen = sizeof(record) - 1;
	memcpy(record, data, rlen);
	record[rlen] = '\0';
	check_der(data, size);
	check_record();
	arena_init(&arena);
	facts_init(&f);
	if (lf != NULL
	    && dkimv_message((const char *)lf + 1,
		   size - (size_t)(lf + 1 - data), NULL, keys, NULL, &f, &arena,
		   err, sizeof(err))
		== 0) {
		if (f.n_dkim > FACTS_MAX_DKIM)
			abort();
		for (i = 0; i < f.n_dkim; i++) {
			const char *s = f.dkim[i].s;

			if (f.dkim[i].d == NULL || s == NULL
			    || f.dkim[i].result > AG_DKIMR_TEMPERROR)
				abort();
			if (f.dkim[i].result == AG_DKIMR_PASS
			    && (strcmp(s, "rsa") == 0 || strcmp(s, "ed") == 0))
				abort(); /* a forgery */
		}
	}
	arena_free(&arena);
	return 0;
}
