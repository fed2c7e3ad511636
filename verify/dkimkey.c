/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkimkey.c: key records. An RSA p= is a SubjectPublicKeyInfo (some
 * publishers use a bare PKCS#1 RSAPublicKey, which is accepted too, as
 * libopendkim and python3-dkim do); an ed25519 p= is the raw 32-byte key.
 */
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/taglist.h"
#include "verify/dkimid.h"
#include "verify/dkimkey.h"

#define KEY_MAX_DER 4096

static void
set(struct dkimkey *key, enum dkimkey_status status, const char *why)
{
	key->status = status;
	snprintf(key->why, sizeof(key->why), "%s", why);
}

/* Tells whether a colon-separated list value names item (or "*"). */
static bool
list_has(const struct tag *t, const char *item)
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
		if ((len == 1 && *p == '*')
		    || (len == n && strncasecmp(p, item, n) == 0))
			return true;
		p = q;
	}
	return false;
}

void
dkimkey_parse(const char *record, struct dkimkey *key)
{
	struct taglist tl;
	const struct tag *v, *k, *p, *h, *s, *t;
	unsigned char der[KEY_MAX_DER];
	const unsigned char *dp;
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
	key->testing = t != NULL && list_has(t, "y");
	if ((n = tag_base64(p, der, sizeof(der))) <= 0) {
		set(key, DKIMKEY_SYNTAX, "p= is not valid base64");
		return;
	}
	if (k == NULL || tag_value_is(k, "rsa")) {
		dp = der;
		key->pkey = d2i_PUBKEY(NULL, &dp, n);
		if (key->pkey == NULL) {
			dp = der;
			key->pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &dp, n);
		}
		if (key->pkey == NULL
		    || EVP_PKEY_get_base_id(key->pkey) != EVP_PKEY_RSA) {
			dkimkey_free(key);
			set(key, DKIMKEY_SYNTAX, "p= is not an RSA public key");
			return;
		}
		key->bits = (unsigned)EVP_PKEY_get_bits(key->pkey);
		if (key->bits < DKIMKEY_MIN_RSA_BITS) {
			char why[80];

			snprintf(why, sizeof(why),
			    "the RSA key has %u bits, fewer than %d", key->bits,
			    DKIMKEY_MIN_RSA_BITS);
			set(key, DKIMKEY_TOO_SHORT, why);
			EVP_PKEY_free(key->pkey);
			key->pkey = NULL;
			return;
		}
	} else if (tag_value_is(k, "ed25519")) {
		key->ed25519 = true;
		key->bits = 256;
		if (n != 32
		    || (key->pkey
			   = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
			       der, 32))
			== NULL) {
			set(key, DKIMKEY_SYNTAX,
			    "p= is not a 32-byte ed25519 key");
			return;
		}
	} else {
		set(key, DKIMKEY_SYNTAX, "k= names an unknown key type");
		return;
	}
	set(key, DKIMKEY_OK, "");
}

void
dkimkey_fetch(const char *selector, const char *domain, dnsq_lookup_fn lookup,
    void *lookup_ctx, struct dkimkey *key)
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
	if (a.n_txt != 1) {
		set(key, DKIMKEY_SYNTAX,
		    "more than one TXT record at the key name");
		return;
	}
	dkimkey_parse(a.txt[0], key);
}

void
dkimkey_free(struct dkimkey *key)
{
	EVP_PKEY_free(key->pkey);
	key->pkey = NULL;
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
dkimkey_verify(const struct dkimkey *key, enum dkimkey_alg alg,
    const void *data, size_t len, const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *md;
	unsigned char digest[SHA256_DIGEST_LENGTH];
	int ok = 0;

	if (key->status != DKIMKEY_OK || key->pkey == NULL
	    || (alg == DKIMKEY_RSA_SHA256) == key->ed25519
	    || alg == DKIMKEY_ALG_UNSUPPORTED
	    || (md = EVP_MD_CTX_new()) == NULL)
		return false;
	if (alg == DKIMKEY_RSA_SHA256) {
		ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL,
			 key->pkey)
			== 1
		    && EVP_DigestVerify(md, sig, siglen, data, len) == 1;
	} else {
		/* RFC 8463: Ed25519 signs the SHA-256 digest of the data. */
		unsigned dlen = 0;

		ok = EVP_Digest(data, len, digest, &dlen, EVP_sha256(), NULL)
			== 1
		    && EVP_DigestVerifyInit(md, NULL, NULL, NULL, key->pkey)
			== 1
		    && EVP_DigestVerify(md, sig, siglen, digest, sizeof(digest))
			== 1;
	}
	EVP_MD_CTX_free(md);
	return ok;
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
