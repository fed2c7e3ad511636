/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkimkey.c: key records, on nettle. An RSA p= is a SubjectPublicKeyInfo
 * (some publishers use a bare PKCS#1 RSAPublicKey, which is accepted too,
 * as libopendkim and python3-dkim do), read as strict DER here since
 * nettle reads no SubjectPublicKeyInfo; an ed25519 p= is the raw 32-byte
 * key. Decoded keys are shared, counted, with a cache of the last
 * DKIMKEY_CACHE records: a record's exact text is the cache key, so a
 * changed record is decoded afresh.
 */
#include <gmp.h>
#include <nettle/eddsa.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/taglist.h"
#include "verify/dkimid.h"
#include "verify/dkimkey.h"

struct dkimkey_pub {
	unsigned refs;
	bool ed25519;
	unsigned char ed[ED25519_KEY_SIZE];
	struct rsa_public_key rsa;
};

struct cache_entry {
	char *text; /* NULL: a free slot */
	size_t len;
	struct dkimkey key; /* its pub holds one reference */
};

static struct cache_entry cache[DKIMKEY_CACHE];
static size_t cache_next;

static void
set(struct dkimkey *key, enum dkimkey_status status, const char *why)
{
	key->status = status;
	snprintf(key->why, sizeof(key->why), "%s", why);
}

static void
pub_release(struct dkimkey_pub *pub)
{
	if (pub == NULL || --pub->refs > 0)
		return;
	if (!pub->ed25519)
		rsa_public_key_clear(&pub->rsa);
	free(pub);
}

/* Tells whether a colon-separated list value names item (or "*", when
 * star). */
static bool
list_names(const struct tag *t, const char *item, bool star)
{
	const char *p = t->value, *end = t->value + t->value_len, *q;
	size_t n = strlen(item), len;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == ':'))
			p++;
		for (q = p; q < end && *q != ':'; q++)
			;
		len = (size_t)(q - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if ((star && len == 1 && *p == '*')
		    || (len == n && strncasecmp(p, item, n) == 0))
			return true;
		p = q;
	}
	return false;
}

/* Tells whether a colon-separated list value names item (or "*"). */
static bool
list_has(const struct tag *t, const char *item)
{
	return list_names(t, item, true);
}

/* A DER reader over [p, end). */
struct der {
	const unsigned char *p, *end;
};

/* Takes one element of tag from d: its content into out. Definite,
 * minimal lengths only. */
static int
der_take(struct der *d, unsigned char tag, struct der *out)
{
	size_t len, nb, i, left = (size_t)(d->end - d->p);

	if (left < 2 || d->p[0] != tag)
		return -1;
	len = d->p[1];
	d->p += 2;
	left -= 2;
	if (len & 0x80) {
		nb = len & 0x7f;
		if (nb == 0 || nb > 2 || nb > left)
			return -1;
		for (len = 0, i = 0; i < nb; i++)
			len = len << 8 | d->p[i];
		d->p += nb;
		left -= nb;
		if (len < 0x80 || (nb == 2 && len < 0x100))
			return -1;
	}
	if (len > left)
		return -1;
	out->p = d->p;
	out->end = d->p + len;
	d->p += len;
	return 0;
}

/* A non-negative INTEGER, its leading zero bytes skipped. */
static int
der_uint(struct der *d, const unsigned char **v, size_t *vlen)
{
	struct der c;

	if (der_take(d, 0x02, &c) != 0 || c.p == c.end || (c.p[0] & 0x80))
		return -1;
	while (c.p < c.end && c.p[0] == 0)
		c.p++;
	*v = c.p;
	*vlen = (size_t)(c.end - c.p);
	return 0;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
static int
der_rsapublickey(struct der *d, const unsigned char **n, size_t *nlen,
    const unsigned char **e, size_t *elen)
{
	struct der seq;

	if (der_take(d, 0x30, &seq) != 0 || der_uint(&seq, n, nlen) != 0
	    || der_uint(&seq, e, elen) != 0 || seq.p != seq.end)
		return -1;
	return 0;
}

int
dkimkey_der_rsa(const unsigned char *der, size_t len, const unsigned char **n,
    size_t *nlen, const unsigned char **e, size_t *elen)
{
	/* 1.2.840.113549.1.1.1, rsaEncryption */
	static const unsigned char rsa_oid[]
	    = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
	struct der top = { der, der + len }, seq, alg, oid, bits, inner;

	if (der_take(&top, 0x30, &seq) != 0 || top.p != top.end
	    || seq.p == seq.end)
		return -1;
	if (seq.p[0] == 0x02) {
		/* A bare RSAPublicKey: the SEQUENCE starts with an INTEGER. */
		top.p = der;
		return der_rsapublickey(&top, n, nlen, e, elen) == 0
			&& top.p == top.end ?
		    0 :
		    -1;
	}
	if (der_take(&seq, 0x30, &alg) != 0 || der_take(&alg, 0x06, &oid) != 0
	    || (size_t)(oid.end - oid.p) != sizeof(rsa_oid)
	    || memcmp(oid.p, rsa_oid, sizeof(rsa_oid)) != 0)
		return -1;
	/* The parameters: NULL, or absent. */
	if (alg.p != alg.end
	    && (alg.end - alg.p != 2 || alg.p[0] != 0x05 || alg.p[1] != 0))
		return -1;
	if (der_take(&seq, 0x03, &bits) != 0 || seq.p != seq.end
	    || bits.p == bits.end || bits.p[0] != 0)
		return -1;
	inner.p = bits.p + 1;
	inner.end = bits.end;
	if (der_rsapublickey(&inner, n, nlen, e, elen) != 0
	    || inner.p != inner.end)
		return -1;
	return 0;
}

/* Decodes an RSA p= into key. */
static void
decode_rsa(const unsigned char *der, size_t len, struct dkimkey *key)
{
	const unsigned char *n, *e;
	size_t nlen, elen, ebits;
	struct dkimkey_pub *pub;

	if (dkimkey_der_rsa(der, len, &n, &nlen, &e, &elen) != 0 || nlen == 0
	    || elen == 0) {
		set(key, DKIMKEY_SYNTAX, "p= is not an RSA public key");
		return;
	}
	key->bits = (unsigned)(8 * nlen);
	for (unsigned char top = n[0]; !(top & 0x80); top <<= 1)
		key->bits--;
	ebits = 8 * elen;
	for (unsigned char top = e[0]; !(top & 0x80); top <<= 1)
		ebits--;
	if (key->bits > DKIMKEY_MAX_RSA_BITS || (key->bits > 3072 && ebits > 64)
	    || elen > nlen || (elen == nlen && memcmp(e, n, nlen) >= 0)
	    || !(e[elen - 1] & 1) || (elen == 1 && e[0] < 3)) {
		/* OpenSSL's limits: a huge modulus or exponent would make
		 * every check slow (an exponent is below the modulus, so a
		 * 4 KB p= cannot carry a 3072-bit modulus with a 29,000-bit
		 * exponent, 8 times the work); an even exponent is no RSA
		 * key. */
		set(key, DKIMKEY_SYNTAX, "p= is not a usable RSA public key");
		return;
	}
	if (key->bits < DKIMKEY_MIN_RSA_BITS) {
		char why[80];

		snprintf(why, sizeof(why),
		    "the RSA key has %u bits, fewer than %d", key->bits,
		    DKIMKEY_MIN_RSA_BITS);
		set(key, DKIMKEY_TOO_SHORT, why);
		return;
	}
	if ((pub = calloc(1, sizeof(*pub))) == NULL) {
		set(key, DKIMKEY_TEMPERROR, "out of memory");
		return;
	}
	pub->refs = 1;
	rsa_public_key_init(&pub->rsa);
	mpz_import(pub->rsa.n, nlen, 1, 1, 0, 0, n);
	mpz_import(pub->rsa.e, elen, 1, 1, 0, 0, e);
	if (rsa_public_key_prepare(&pub->rsa) != 1) {
		pub_release(pub);
		set(key, DKIMKEY_SYNTAX, "p= is not a usable RSA public key");
		return;
	}
	key->pub = pub;
	set(key, DKIMKEY_OK, "");
}

/* Parses a record, without the cache. */
static void
decode(const char *record, struct dkimkey *key)
{
	struct taglist tl;
	const struct tag *v, *k, *p, *h, *s, *t;
	unsigned char der[DKIMKEY_MAX_DER];
	long n;

	memset(key, 0, sizeof(*key));
	if (taglist_parse(record, strlen(record), &tl) != 0) {
		set(key, DKIMKEY_SYNTAX, "the record is not a tag=value list");
		return;
	}
	v = taglist_get(&tl, "v");
	k = taglist_get(&tl, "k");
	p = taglist_get(&tl, "p");
	h = taglist_get(&tl, "h");
	s = taglist_get(&tl, "s");
	t = taglist_get(&tl, "t");
	if (v != NULL
	    && (tl.n == 0 || &tl.tags[0] != v || !tag_value_is(v, "DKIM1"))) {
		set(key, DKIMKEY_SYNTAX, "v= must come first and be DKIM1");
		return;
	}
	if (p == NULL) {
		set(key, DKIMKEY_SYNTAX, "the record has no p= tag");
		return;
	}
	if (p->value_len == 0) {
		set(key, DKIMKEY_REVOKED, "p= is empty: the key is revoked");
		return;
	}
	if (h != NULL && !list_has(h, "sha256")) {
		set(key, DKIMKEY_SYNTAX, "h= does not allow sha256");
		return;
	}
	if (s != NULL && !list_has(s, "email")) {
		set(key, DKIMKEY_SYNTAX, "s= does not allow email");
		return;
	}
	key->testing = t != NULL && list_names(t, "y", false);
	key->strict = t != NULL && list_names(t, "s", false);
	if ((n = tag_base64(p, der, sizeof(der))) <= 0) {
		set(key, DKIMKEY_SYNTAX, "p= is not valid base64");
		return;
	}
	if (k == NULL || tag_value_is(k, "rsa")) {
		decode_rsa(der, (size_t)n, key);
	} else if (tag_value_is(k, "ed25519")) {
		struct dkimkey_pub *pub;

		key->ed25519 = true;
		key->bits = 256;
		if (n != ED25519_KEY_SIZE) {
			set(key, DKIMKEY_SYNTAX,
			    "p= is not a 32-byte ed25519 key");
			return;
		}
		if ((pub = calloc(1, sizeof(*pub))) == NULL) {
			set(key, DKIMKEY_TEMPERROR, "out of memory");
			return;
		}
		pub->refs = 1;
		pub->ed25519 = true;
		memcpy(pub->ed, der, ED25519_KEY_SIZE);
		key->pub = pub;
		set(key, DKIMKEY_OK, "");
	} else {
		set(key, DKIMKEY_SYNTAX, "k= names an unknown key type");
	}
}

void
dkimkey_parse(const char *record, struct dkimkey *key)
{
	size_t len = strlen(record), i;
	struct cache_entry *c;

	for (i = 0; i < DKIMKEY_CACHE; i++) {
		c = &cache[i];
		if (c->text != NULL && c->len == len
		    && memcmp(c->text, record, len) == 0) {
			*key = c->key;
			if (key->pub != NULL)
				key->pub->refs++;
			return;
		}
	}
	decode(record, key);
	if (len > DKIMKEY_CACHE_TEXT || key->status == DKIMKEY_TEMPERROR)
		return;
	c = &cache[cache_next];
	cache_next = (cache_next + 1) % DKIMKEY_CACHE;
	if (c->text != NULL) {
		free(c->text);
		pub_release(c->key.pub);
		memset(c, 0, sizeof(*c));
	}
	if ((c->text = malloc(len + 1)) == NULL)
		return;
	memcpy(c->text, record, len + 1);
	c->len = len;
	c->key = *key;
	if (key->pub != NULL)
		key->pub->refs++;
}

void
dkimkey_cache_clear(void)
{
	size_t i;

	for (i = 0; i < DKIMKEY_CACHE; i++) {
		free(cache[i].text);
		pub_release(cache[i].key.pub);
		memset(&cache[i], 0, sizeof(cache[i]));
	}
	cache_next = 0;
}

static void
fetch(const char *selector, const char *domain, dnsq_lookup_fn lookup,
    void *lookup_ctx, bool first_of_many, struct dkimkey *key)
{
	struct dnsq_answer a;
	char name[DNSQ_MAX_NAME + 1];

	memset(key, 0, sizeof(*key));
	if (dkimid_key_name(selector, strlen(selector), domain, strlen(domain),
		name, sizeof(name))
	    != 0) {
		set(key, DKIMKEY_MISSING,
		    "d= or s= names no key DNS can be asked for");
		return;
	}
	lookup(lookup_ctx, name, &a);
	switch (a.status) {
	case DNSQ_OK:
		break;
	case DNSQ_BADNAME:
		set(key, DKIMKEY_MISSING,
		    "d= or s= names no key DNS can be asked for");
		return;
	case DNSQ_NXDOMAIN:
	case DNSQ_NODATA:
		set(key, DKIMKEY_MISSING, "no key is published");
		return;
	case DNSQ_TEMPERROR:
		set(key, DKIMKEY_TEMPERROR,
		    "the key lookup failed on a DNS error");
		return;
	}
	if (a.n_txt == 0) {
		set(key, DKIMKEY_MISSING, "no key is published");
		return;
	}
	if (a.n_txt != 1 && !first_of_many) {
		set(key, DKIMKEY_SYNTAX,
		    "more than one TXT record at the key name");
		return;
	}
	dkimkey_parse(a.txt[0], key);
}

void
dkimkey_fetch(const char *selector, const char *domain, dnsq_lookup_fn lookup,
    void *lookup_ctx, struct dkimkey *key)
{
	fetch(selector, domain, lookup, lookup_ctx, false, key);
}

void
dkimkey_fetch_first(const char *selector, const char *domain,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct dkimkey *key)
{
	fetch(selector, domain, lookup, lookup_ctx, true, key);
}

void
dkimkey_free(struct dkimkey *key)
{
	pub_release(key->pub);
	key->pub = NULL;
}

enum dkimkey_alg
dkimkey_alg_parse(const char *value, size_t len)
{
	if (len == 10 && strncasecmp(value, "rsa-sha256", 10) == 0)
		return DKIMKEY_RSA_SHA256;
	if (len == 14 && strncasecmp(value, "ed25519-sha256", 14) == 0)
		return DKIMKEY_ED25519_SHA256;
	return DKIMKEY_ALG_UNSUPPORTED;
}

bool
dkimkey_verify_digest(const struct dkimkey *key, enum dkimkey_alg alg,
    const unsigned char digest[32], const unsigned char *sig, size_t siglen)
{
	const struct dkimkey_pub *pub = key->pub;
	mpz_t s;
	int ok;

	if (key->status != DKIMKEY_OK || pub == NULL
	    || alg == DKIMKEY_ALG_UNSUPPORTED
	    || (alg == DKIMKEY_ED25519_SHA256) != pub->ed25519)
		return false;
	if (pub->ed25519)
		/* RFC 8463: Ed25519 (PureEdDSA, SHA-512 inside) signs the
		 * SHA-256 digest of the data. */
		return siglen == ED25519_SIGNATURE_SIZE
		    && ed25519_sha512_verify(pub->ed, SHA256_DIGEST_SIZE,
			   digest, sig)
		    == 1;
	if (siglen != pub->rsa.size)
		return false;
	mpz_init(s);
	mpz_import(s, siglen, 1, 1, 0, 0, sig);
	ok = rsa_sha256_verify_digest(&pub->rsa, digest, s);
	mpz_clear(s);
	return ok == 1;
}

bool
dkimkey_verify(const struct dkimkey *key, enum dkimkey_alg alg,
    const void *data, size_t len, const unsigned char *sig, size_t siglen)
{
	struct sha256_ctx ctx;
	unsigned char digest[SHA256_DIGEST_SIZE];

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(digest), digest);
	return dkimkey_verify_digest(key, alg, digest, sig, siglen);
}

const char *
dkimkey_status_name(enum dkimkey_status status)
{
	switch (status) {
	case DKIMKEY_OK:
		return "ok";
	case DKIMKEY_MISSING:
		return "missing";
	case DKIMKEY_REVOKED:
		return "revoked";
	case DKIMKEY_SYNTAX:
		return "syntax";
	case DKIMKEY_TOO_SHORT:
		return "too_short";
	case DKIMKEY_TEMPERROR:
		return "temperror";
	}
	return "temperror";
}
