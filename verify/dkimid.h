/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkimid.h: the identity a DKIM signature (or an ARC signature) claims,
 * d= and s=, as both verification paths read it: whether it names a key
 * at all (a d= that is not a plain domain, or a name DNS cannot be asked
 * for, is a malformed signature), the key's DNS name, and which
 * signatures can matter to the decision, so that a message's verification
 * and key-lookup budget is spent on them first.
 */
#ifndef AG_DKIMID_H
#define AG_DKIMID_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/config.h"
#include "policy/facts.h"
#include "util/domain.h"

/* How much a signature by a domain can matter, most first. */
enum dkimid_rank {
	DKIMID_ALIGNED, /* relaxed-aligned with the From domain (DMARC) */
	DKIMID_TRUSTED, /* a [trusted] domain (waives DMARC failures) */
	DKIMID_OTHER,
};

/* The From domain signatures are ranked against. */
struct dkimid_from {
	const struct policy *policy;	 /* NULL: every signature OTHER */
	char domain[DOMAIN_MAX_LEN + 1]; /* normalized; "" for none */
	const char *org;		 /* its organizational domain */
};

/* Tells whether the len bytes at d are a plain domain, as RFC 6376's
 * d= grammar wants it: dot-separated labels of letters, digits and
 * hyphens (not first or last), 1 to 63 octets each, 253 in all, no
 * empty label and no final dot. Case does not matter. */
bool dkimid_domain_ok(const char *d, size_t len);
/* Tells whether the len bytes at s are a selector a key can be published
 * under: dot-separated labels of letters, digits, '-' and '_', 1 to 63
 * octets each. */
bool dkimid_selector_ok(const char *s, size_t len);
/* Writes "s._domainkey.d" (d in lower case) into out (size bytes);
 * returns 0, or -1 when d or s is malformed or the name is longer than
 * DNS allows: such a signature names no key, and nothing is looked up. */
int dkimid_key_name(const char *s, size_t slen, const char *d, size_t dlen,
    char *out, size_t size);

/* Reads the one From domain of f (none with several From headers or
 * authors) and its organizational domain under policy (may be NULL). */
void dkimid_from_init(struct dkimid_from *from, const struct policy *policy,
    const struct facts *f);
/* Returns the rank of a signature whose d= is the len bytes at d; a d=
 * that is not a plain domain is DKIMID_OTHER. */
enum dkimid_rank dkimid_rank(const struct dkimid_from *from, const char *d,
    size_t len);

#endif
