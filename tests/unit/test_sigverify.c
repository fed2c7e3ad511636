/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_sigverify.c: the DKIM verifier on nettle, offline: messages signed
 * by python3-dkim (RSA-1024, Ed25519) verified, then each way of breaking
 * them classed as it was under libopendkim; the DER reader of RSA keys
 * (SubjectPublicKeyInfo and bare RSAPublicKey, every truncation, trailing
 * bytes, a wrong algorithm); and the key cache, which must never answer
 * a changed record with the key of the old one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mail/taglist.h"
#include "policy/facts.h"
#include "util/arena.h"
#include "util/sbuf.h"
#include "verify/dkim.h"
#include "verify/dkimkey.h"

static const char rsa_record[]
    = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDZQ0al4iYEW8pT8R3mDXFTkP80p5iIe8PZheVI57Sat5m4BV8re6AdDALt6Y4T1+S3fsAdIsn90aLV86I78s1stEf7sW0qUQ8h2cUkK6Ow5eK1xuafbbO3P5WLIXEiicH2viMprNsarV+uvtvimaHGffSy3gi+uSyksmwH03P6YwIDAQAB";
static const char rsa_signed[]
    = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;\r\n"
      " i=@example.com; q=dns/txt; s=fz; t=1796681229; h=from : subject;\r\n"
      " bh=GVz/CG5ZsAtKynLk6yzbqFfB4F5h3X5ZmXt9rc6jZRI=;\r\n"
      " b=uTXdw3sDkuYBvhSh8xRaR6+NOG5sF/jVyp2+ppuWzLU4AcGza6o7ZQYbPvzwv3fhFdNE6\r\n"
      " 8c+IQHnC+EfNz7o7DfC73h9RjmGkGjCsMP1ZhXte/zSDUOPkphlg7+yG/MKj8K2yQvvSbAG\r\n"
      " 3h53E7Ag8AqYpTDwTV7HY3qq/RT/lhQ=\r\n"
      "From: a@example.com\r\n"
      "To: b@example.org\r\n"
      "Subject: hi\r\n"
      "\r\n"
      "body line\r\n"
      "\r\n";
static const char ed_record[]
    = "v=DKIM1; k=ed25519; p=A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
static const char ed_signed[]
    = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/simple; d=example.com;\r\n"
      " i=@example.com; q=dns/txt; s=fz; t=1796681229; h=from;\r\n"
      " bh=GVz/CG5ZsAtKynLk6yzbqFfB4F5h3X5ZmXt9rc6jZRI=;\r\n"
      " b=vmc3sG8Tc/zr9zZAZR/GQ33txwZ0xgEUsNyNfGB1eolCKuWSKxBAiYJtyf4UIrGPnsSjp\r\n"
      " +x59NnAY1fVJnqvCQ==\r\n"
      "From: a@example.com\r\n"
      "To: b@example.org\r\n"
      "Subject: hi\r\n"
      "\r\n"
      "body line\r\n"
      "\r\n";
/* The same RSA key as rsa_record, as a bare PKCS#1 RSAPublicKey. */
static const char rsa_pkcs1_record[]
    = "v=DKIM1; p=MIGJAoGBANlDRqXiJgRbylPxHeYNcVOQ/zSnmIh7w9mF5UjntJq3mbgFXy"
      "t7oB0MAu3pjhPX5Ld+wB0iyf3RotXzojvyzWy0R/uxbSpRDyHZxSQro7Dl4rXG5p9ts7c/"
      "lYshcSKJwfa+Iyms2xqtX66+2+KZocZ99LLeCL65LKSybAfTc/pjAgMBAAE=";
/* Another RSA-1024 key. */
static const char other_record[]
    = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCvYStM/qZnd0H8"
      "MOHO0UGjnjinx8uJYWzoptS+5dbkNrNFlmvZyjyPMphy5TKbuh45XRNlBKVR2s9n7DUp"
      "Afns0oSuzkwl2/pR5N0h97R4bbRu12A6Mhd+mD0yK8crxL4Te4IUnhJamuPj5FlQdXId"
      "mSTnZKpzzyv/vDWPslIfBwIDAQAB";

static const char *answer; /* the record fz._domainkey.example.com holds */

static void
one_key(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	memset(a, 0, sizeof(*a));
	if (strcmp(name, "fz._domainkey.example.com") != 0 || answer == NULL) {
		a->status = DNSQ_NXDOMAIN;
		return;
	}
	a->status = DNSQ_OK;
	a->n_txt = 1;
	a->txt[0] = answer;
}

/* The result of the first signature of msg with answer as the key. */
static enum ag_dkim
verify(const char *msg, const char *record)
{
	struct arena arena;
	struct facts f;
	char err[256];
	enum ag_dkim r;

	answer = record;
	arena_init(&arena);
	facts_init(&f);
	assert_int_equal(dkimv_message(msg, strlen(msg), NULL, one_key, NULL,
			     &f, &arena, err, sizeof(err)),
	    0);
	assert_true(f.n_dkim >= 1);
	r = f.dkim[0].result;
	arena_free(&arena);
	return r;
}

/* msg with the first from replaced by to. */
static char *
edit(const char *msg, const char *from, const char *to)
{
	const char *at = strstr(msg, from);
	size_t n = strlen(msg) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	assert_non_null(at);
	assert_non_null(out);
	snprintf(out, n, "%.*s%s%s", (int)(at - msg), msg, to,
	    at + strlen(from));
	return out;
}

static void
expect(const char *msg, const char *record, enum ag_dkim want)
{
	enum ag_dkim got = verify(msg, record);

	if (got != want)
		fail_msg("got %s, want %s", ag_dkim_name(got),
		    ag_dkim_name(want));
}

static void
expect_edit(const char *msg, const char *from, const char *to,
    const char *record, enum ag_dkim want)
{
	char *m = edit(msg, from, to);

	expect(m, record, want);
	free(m);
}

static void
test_signed(void **state)
{
	(void)state;
	dkimkey_cache_clear();
	expect(rsa_signed, rsa_record, AG_DKIMR_PASS);
	expect(rsa_signed, rsa_pkcs1_record, AG_DKIMR_PASS);
	expect(ed_signed, ed_record, AG_DKIMR_PASS);
	/* Line ends as Exim hands them over. */
	{
		char *lf = edit(rsa_signed, "", "");
		size_t i, j;

		for (i = j = 0; lf[i] != '\0'; i++)
			if (lf[i] != '\r')
				lf[j++] = lf[i];
		lf[j] = '\0';
		expect(lf, rsa_record, AG_DKIMR_PASS);
		free(lf);
	}
	expect_edit(rsa_signed, "body line", "body lime", rsa_record,
	    AG_DKIMR_BODY_MODIFIED);
	expect_edit(ed_signed, "body line", "body lime", ed_record,
	    AG_DKIMR_BODY_MODIFIED);
	expect_edit(rsa_signed, "Subject: hi", "Subject: ho", rsa_record,
	    AG_DKIMR_BAD_SIGNATURE);
	expect_edit(ed_signed, "From: a@", "From: b@", ed_record,
	    AG_DKIMR_BAD_SIGNATURE);
	/* A From added on top is not the one signed (RFC 6376 5.4.2:
	 * fields are taken bottom up), so the signature holds; two From
	 * fields are DMARC's to refuse (the facts keep both). */
	expect_edit(rsa_signed, "From: a@", "From: evil@x.example\r\nFrom: a@",
	    rsa_record, AG_DKIMR_PASS);
	expect_edit(rsa_signed, "b=uTXdw3", "b=uTXdw4", rsa_record,
	    AG_DKIMR_BAD_SIGNATURE);
	expect_edit(ed_signed, "b=vmc3sG8T", "b=vmc3sG8U", ed_record,
	    AG_DKIMR_BAD_SIGNATURE);
	/* A signature one byte short of the modulus. */
	expect_edit(rsa_signed, "b=uTXdw3", "b=uTXd", rsa_record,
	    AG_DKIMR_SIG_SYNTAX);
	/* Another key at the name, or one of the other type. */
	expect(rsa_signed, other_record, AG_DKIMR_BAD_SIGNATURE);
	expect(rsa_signed, ed_record, AG_DKIMR_KEY_SYNTAX);
	expect(ed_signed, rsa_record, AG_DKIMR_KEY_SYNTAX);
	expect(rsa_signed, NULL, AG_DKIMR_KEY_MISSING);
	expect(rsa_signed, "v=DKIM1; p=", AG_DKIMR_KEY_REVOKED);
	expect(rsa_signed, "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ",
	    AG_DKIMR_KEY_SYNTAX);
	/* What needs no key. */
	expect_edit(rsa_signed, "a=rsa-sha256", "a=rsa-sha1", rsa_record,
	    AG_DKIMR_UNSUPPORTED);
	expect_edit(rsa_signed, "a=rsa-sha256", "a=rsa-md5", rsa_record,
	    AG_DKIMR_UNSUPPORTED);
	expect_edit(rsa_signed, "h=from : subject", "h=to : subject",
	    rsa_record, AG_DKIMR_SIG_SYNTAX);
	expect_edit(rsa_signed, "t=1796681229", "t=1796681229; x=1000000000",
	    rsa_record, AG_DKIMR_EXPIRED);
	expect_edit(rsa_signed, "t=1796681229", "t=4000000000", rsa_record,
	    AG_DKIMR_SIG_SYNTAX);
	expect_edit(rsa_signed, "i=@example.com", "i=@evil.example", rsa_record,
	    AG_DKIMR_SIG_SYNTAX);
	expect_edit(rsa_signed, "v=1;", "v=2;", rsa_record,
	    AG_DKIMR_SIG_SYNTAX);
	expect_edit(rsa_signed, "c=relaxed/relaxed", "c=relaxed/odd",
	    rsa_record, AG_DKIMR_SIG_SYNTAX);
	expect_edit(rsa_signed, "q=dns/txt", "l=4000", rsa_record,
	    AG_DKIMR_SIG_SYNTAX);
	expect_edit(rsa_signed, "bh=GVz", "bh=!Vz", rsa_record,
	    AG_DKIMR_SIG_SYNTAX);
	dkimkey_cache_clear();
}

/* A changed record is decoded afresh: the cache is keyed by the text. */
static void
test_key_cache(void **state)
{
	struct dkimkey k1, k2;
	char changed[sizeof(rsa_record)];
	size_t i;

	(void)state;
	dkimkey_cache_clear();
	expect(rsa_signed, rsa_record, AG_DKIMR_PASS);
	expect(rsa_signed, other_record, AG_DKIMR_BAD_SIGNATURE);
	expect(rsa_signed, rsa_record, AG_DKIMR_PASS);
	memcpy(changed, rsa_record, sizeof(changed));
	changed[60] = changed[60] == 'A' ? 'B' : 'A';
	expect(rsa_signed, changed, AG_DKIMR_BAD_SIGNATURE);
	dkimkey_parse(rsa_record, &k1);
	dkimkey_parse(rsa_record, &k2);
	assert_int_equal(k1.status, DKIMKEY_OK);
	assert_int_equal(k1.bits, 1024);
	assert_ptr_equal(k1.pub, k2.pub); /* one decoded key, shared */
	dkimkey_free(&k1);
	/* More records than the cache holds: old keys stay usable. */
	for (i = 0; i < 3 * DKIMKEY_CACHE; i++) {
		char rec[64];
		struct dkimkey k;

		snprintf(rec, sizeof(rec), "v=DKIM1; n=%zu; p=", i);
		dkimkey_parse(rec, &k);
		assert_int_equal(k.status, DKIMKEY_REVOKED);
		dkimkey_free(&k);
	}
	assert_int_equal(k2.status, DKIMKEY_OK);
	answer = rsa_record;
	expect(rsa_signed, rsa_record, AG_DKIMR_PASS);
	dkimkey_free(&k2);
	dkimkey_cache_clear();
}

static long
record_der(const char *record, unsigned char *der, size_t size)
{
	struct taglist tl;

	assert_int_equal(taglist_parse(record, strlen(record), &tl), 0);
	return tag_base64(taglist_get(&tl, "p"), der, size);
}

static void
test_der(void **state)
{
	unsigned char spki[600], pkcs1[600], buf[700];
	const unsigned char *n1, *e1, *n2, *e2;
	size_t nl1, el1, nl2, el2, i;
	long ls = record_der(rsa_record, spki, sizeof(spki));
	long lp = record_der(rsa_pkcs1_record, pkcs1, sizeof(pkcs1));

	(void)state;
	assert_true(ls > 0 && lp > 0);
	assert_int_equal(dkimkey_der_rsa(spki, (size_t)ls, &n1, &nl1, &e1,
			     &el1),
	    0);
	assert_int_equal(dkimkey_der_rsa(pkcs1, (size_t)lp, &n2, &nl2, &e2,
			     &el2),
	    0);
	assert_int_equal(nl1, 128);
	assert_int_equal(nl2, 128);
	assert_memory_equal(n1, n2, 128);
	assert_int_equal(el1, 3);
	assert_memory_equal(e1, "\x01\x00\x01", 3);
	/* Every truncation fails, a byte more fails. */
	for (i = 0; i < (size_t)ls; i++) {
		memcpy(buf, spki, i);
		assert_int_not_equal(dkimkey_der_rsa(buf, i, &n1, &nl1, &e1,
					 &el1),
		    0);
	}
	memcpy(buf, spki, (size_t)ls);
	buf[ls] = 0;
	assert_int_not_equal(dkimkey_der_rsa(buf, (size_t)ls + 1, &n1, &nl1,
				 &e1, &el1),
	    0);
	/* Another algorithm (the OID's last byte: sha1WithRSAEncryption). */
	buf[15] = 0x05;
	assert_int_not_equal(dkimkey_der_rsa(buf, (size_t)ls, &n1, &nl1, &e1,
				 &el1),
	    0);
	/* A negative modulus. */
	memcpy(buf, pkcs1, (size_t)lp);
	assert_int_equal(buf[3], 0x02);
	buf[6] = 0x80; /* 02 81 81 00 d9...: the leading zero made 0x80 */
	assert_int_not_equal(dkimkey_der_rsa(buf, (size_t)lp, &n1, &nl1, &e1,
				 &el1),
	    0);
}

/* Appends a DER length. */
static size_t
der_len(unsigned char *out, size_t len)
{
	if (len < 0x80) {
		out[0] = (unsigned char)len;
		return 1;
	}
	if (len < 0x100) {
		out[0] = 0x81;
		out[1] = (unsigned char)len;
		return 2;
	}
	out[0] = 0x82;
	out[1] = (unsigned char)(len >> 8);
	out[2] = (unsigned char)len;
	return 3;
}

/* A record whose p= is an RSAPublicKey with an nbytes modulus (top bits
 * 11, so 8 * nbytes bits) and the exponent e of elen bytes. */
static char *
rsa_record_of(size_t nbytes, const unsigned char *e, size_t elen)
{
	static const char b64[]
	    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char ints[4200], der[4300];
	size_t n = 0, d = 0, i;
	char *rec = malloc(6000), *o;

	assert_non_null(rec);
	ints[n++] = 0x02;
	n += der_len(ints + n, nbytes + 1);
	ints[n++] = 0;
	ints[n++] = 0xc0;
	for (i = 1; i < nbytes; i++)
		ints[n++] = (unsigned char)(i | 1);
	ints[n++] = 0x02;
	n += der_len(ints + n, elen);
	memcpy(ints + n, e, elen);
	n += elen;
	der[d++] = 0x30;
	d += der_len(der + d, n);
	memcpy(der + d, ints, n);
	d += n;
	o = rec + sprintf(rec, "v=DKIM1; p=");
	for (i = 0; i < d; i += 3) {
		unsigned v = (unsigned)der[i] << 16
		    | (i + 1 < d ? (unsigned)der[i + 1] << 8 : 0)
		    | (i + 2 < d ? der[i + 2] : 0);

		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < d ? b64[(v >> 6) & 63] : '=';
		*o++ = i + 2 < d ? b64[v & 63] : '=';
	}
	*o = '\0';
	return rec;
}

static void
expect_key(size_t nbytes, const unsigned char *e, size_t elen,
    enum dkimkey_status want, unsigned bits)
{
	char *rec = rsa_record_of(nbytes, e, elen);
	struct dkimkey k;

	dkimkey_parse(rec, &k);
	if (k.status != want || (bits != 0 && k.bits != bits))
		fail_msg("%zu-byte modulus, %zu-byte exponent: %s (%u bits), "
			 "want %s",
		    nbytes, elen, dkimkey_status_name(k.status), k.bits,
		    dkimkey_status_name(want));
	dkimkey_free(&k);
	free(rec);
}

/* OpenSSL's limits, kept: keys that would make every check slow. */
static void
test_key_limits(void **state)
{
	static const unsigned char f4[] = { 1, 0, 1 }, e3[] = { 3 },
				   e2[] = { 2 }, e1[] = { 1 },
				   e65[] = { 1, 0, 0, 0, 0, 0, 0, 0, 1 },
				   e64[] = { 0, 0xff, 0, 0, 0, 0, 0, 0, 1 };

	(void)state;
	dkimkey_cache_clear();
	expect_key(256, f4, 3, DKIMKEY_OK, 2048);
	expect_key(256, e3, 1, DKIMKEY_OK, 2048);
	expect_key(128, f4, 3, DKIMKEY_OK, 1024);
	expect_key(127, f4, 3, DKIMKEY_TOO_SHORT, 1016);
	expect_key(64, f4, 3, DKIMKEY_TOO_SHORT, 512);
	expect_key(2048, f4, 3, DKIMKEY_OK, 16384);
	expect_key(2049, f4, 3, DKIMKEY_SYNTAX, 0);
	expect_key(384, e65, 9, DKIMKEY_OK, 3072);
	expect_key(385, e65, 9, DKIMKEY_SYNTAX, 0);
	expect_key(512, e64, 9, DKIMKEY_OK, 4096);
	expect_key(256, e2, 1, DKIMKEY_SYNTAX, 0);
	expect_key(256, e1, 1, DKIMKEY_SYNTAX, 0);
	dkimkey_cache_clear();
}

/* An exponent not below the modulus is refused (as OpenSSL refuses it):
 * up to 3072 bits no 64-bit rule applies, and a 3072-bit modulus with a
 * 29,000-bit exponent in a 4 KB p= cost 8 times as much per check. */
static void
test_key_exponent_below_modulus(void **state)
{
	unsigned char e[3700];

	(void)state;
	dkimkey_cache_clear();
	/* Longer than the modulus: 1 then 0xff..., odd. */
	memset(e, 0xff, sizeof(e));
	e[0] = 0x01;
	expect_key(128, e, 129, DKIMKEY_SYNTAX, 0);
	expect_key(384, e, 3600, DKIMKEY_SYNTAX, 0);
	/* As long as the modulus (0xc0...), above it. */
	e[0] = 0;
	expect_key(128, e, 129, DKIMKEY_SYNTAX, 0);
	/* Equal to the modulus (0xc0, then i | 1): even-free, odd. */
	e[1] = 0xc0;
	for (size_t i = 1; i < 128; i++)
		e[1 + i] = (unsigned char)(i | 1);
	expect_key(128, e, 129, DKIMKEY_SYNTAX, 0);
	/* Just below it: still a key. */
	e[128] = (unsigned char)((127 | 1) - 2);
	expect_key(128, e, 129, DKIMKEY_OK, 1024);
	dkimkey_cache_clear();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_key_cache),
		cmocka_unit_test(test_der),
		cmocka_unit_test(test_key_limits),
		cmocka_unit_test(test_key_exponent_below_modulus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
