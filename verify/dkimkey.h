/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkimkey.h: DKIM public key records (RFC 6376 section 3.6.1, RFC 8463
 * for ed25519): fetched through verify/dns.c, parsed, decoded with
 * OpenSSL, and used to check a signature. Used by the ARC verifier and
 * `authgate dns-check`; libopendkim decodes its own keys.
 */
#ifndef AG_DKIMKEY_H
#define AG_DKIMKEY_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>

#include "verify/dns.h"

#define DKIMKEY_MIN_RSA_BITS 1024 /* RFC 8301: shorter keys must fail */
#define DKIMKEY_MAX_SIG	     1024 /* bytes of a decoded signature */

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

struct dkimkey {
	enum dkimkey_status status;
	bool ed25519;
	bool testing; /* t=y */
	unsigned bits;
	EVP_PKEY *pkey; /* set when status is DKIMKEY_OK */
	char why[160];	/* what is wrong, for people */
};

/* Parses one key record's text into key (call dkimkey_free after). */
void dkimkey_parse(const char *record, struct dkimkey *key);
/* Fetches and parses the key at selector._domainkey.domain; a domain
 * that is not a plain domain, or a name DNS cannot be asked for, is
 * DKIMKEY_MISSING without a lookup (dkimid_key_name). */
void dkimkey_fetch(const char *selector, const char *domain,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct dkimkey *key);
/* Releases the decoded key. */
void dkimkey_free(struct dkimkey *key);
/* Returns the algorithm of an a= value of len bytes. */
enum dkimkey_alg dkimkey_alg_parse(const char *value, size_t len);
/* Tells whether sig is a good signature of data under key with alg (the
 * key type must match the algorithm). */
bool dkimkey_verify(const struct dkimkey *key, enum dkimkey_alg alg,
    const void *data, size_t len, const unsigned char *sig, size_t siglen);
/* Returns "ok", "missing", "revoked", "syntax", "too_short" or
 * "temperror". */
const char *dkimkey_status_name(enum dkimkey_status status);

#endif
