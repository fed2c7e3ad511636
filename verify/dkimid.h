/*
 * dkimid.h: the identity a DKIM signature (or an ARC signature) claims,
 * d= and s=, as both verification paths read it: whether it names a key
 * at all (a d= that is not a plain domain, or a name DNS cannot be asked
 * for, is a malformed signature), and the key's DNS name.
 */
#ifndef AG_DKIMID_H
#define AG_DKIMID_H

#include <stdbool.h>
#include <stddef.h>

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

#endif
