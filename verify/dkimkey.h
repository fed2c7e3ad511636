/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkimkey.h: DKIM public key records (RFC 6376 section 3.6.1, RFC 8463
 * for ed25519): fetched through verify/dns.c, parsed, decoded for nettle
 * (the DER of an RSA key read here, bounds-checked), kept in a small
 * per-process cache keyed by the record's exact text, and used to check
 * a signature. The one key code of the DKIM and ARC verifier
 * (verify/sigverify.c) and of `authgate dns-check`.
 */
#ifndef AG_DKIMKEY_H
#define AG_DKIMKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "verify/dns.h"

#define DKIMKEY_MIN_RSA_BITS 1024  /* RFC 8301: shorter keys must fail */
#define DKIMKEY_MAX_RSA_BITS 16384 /* as OpenSSL: longer is a syntax error */
#define DKIMKEY_MAX_SIG	     (DKIMKEY_MAX_RSA_BITS / 8) /* bytes of a signature */
#define DKIMKEY_MAX_DER	     4096 /* bytes of a decoded p= */
#define DKIMKEY_CACHE	     64	  /* decoded records kept per process */
#define DKIMKEY_CACHE_TEXT   2048 /* longer records are never cached */

enum dkimkey_status {
	DKIMKEY_OK,
	DKIMKEY_MISSING,   /* no such name, or no TXT record */
	DKIMKEY_REVOKED,   /* p= is empty */
	DKIMKEY_SYNTAX,	   /* unparseable record, bad base64, unknown k= */
	DKIMKEY_TOO_SHORT, /* RSA below DKIMKEY_MIN_RSA_BITS */
	DKIMKEY_TEMPERROR, /* DNS trouble */
};

enum dkimkey_alg {
	DKIMKEY_RSA_SHA256,
	DKIMKEY_ED25519_SHA256,
	DKIMKEY_ALG_UNSUPPORTED, /* rsa-sha1 (RFC 8301) and unknown names */
};

struct dkimkey_pub; /* a decoded key, shared with the cache */

struct dkimkey {
	enum dkimkey_status status;
	bool ed25519;
	bool testing; /* t=y */
	bool strict;  /* t=s: an i= domain must be d= itself */
	unsigned bits;
	struct dkimkey_pub *pub; /* set when status is DKIMKEY_OK */
	char why[160];		 /* what is wrong, for people */
};

/* Parses one key record's text into key (call dkimkey_free after); the
 * same text decoded earlier in this process comes from the cache. */
void dkimkey_parse(const char *record, struct dkimkey *key);
/* Fetches and parses the key at selector._domainkey.domain; a domain
 * that is not a plain domain, or a name DNS cannot be asked for, is
 * DKIMKEY_MISSING without a lookup (dkimid_key_name). More than one TXT
 * record there is DKIMKEY_SYNTAX. */
void dkimkey_fetch(const char *selector, const char *domain,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct dkimkey *key);
/* Like dkimkey_fetch, but of several TXT records the first is used (what
 * DKIM verification has always done). */
void dkimkey_fetch_first(const char *selector, const char *domain,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct dkimkey *key);
/* Releases key's hold on its decoded key. */
void dkimkey_free(struct dkimkey *key);
/* Returns the algorithm of an a= value of len bytes. */
enum dkimkey_alg dkimkey_alg_parse(const char *value, size_t len);
/* Tells whether sig is a good signature of data under key with alg (the
 * key type must match the algorithm; an RSA signature must be exactly as
 * long as the modulus). */
bool dkimkey_verify(const struct dkimkey *key, enum dkimkey_alg alg,
    const void *data, size_t len, const unsigned char *sig, size_t siglen);
/* Like dkimkey_verify, given the SHA-256 digest of the data. */
bool dkimkey_verify_digest(const struct dkimkey *key, enum dkimkey_alg alg,
    const unsigned char digest[32], const unsigned char *sig, size_t siglen);
/* Reads DER as an RSA public key, either a SubjectPublicKeyInfo with the
 * rsaEncryption algorithm or a bare PKCS#1 RSAPublicKey: on success
 * returns 0 and points n and e (big-endian, leading zeros skipped) into
 * der. Reads nothing outside der[0..len). */
int dkimkey_der_rsa(const unsigned char *der, size_t len,
    const unsigned char **n, size_t *nlen, const unsigned char **e,
    size_t *elen);
/* Empties the cache of decoded keys (tests, benchmarks). */
void dkimkey_cache_clear(void);
/* Returns "ok", "missing", "revoked", "syntax", "too_short" or
 * "temperror". */
const char *dkimkey_status_name(enum dkimkey_status status);

#endif
