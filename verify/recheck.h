/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * recheck.h: second looks at what Exim reported too coarsely. Exim says
 * "(invalid)" for a broken SPF record and for DNS trouble alike, and
 * "pubkey_unavailable" for a missing DKIM key, a DNS failure and a
 * timeout alike; the module asks DNS again, through the caller's lookup
 * (its per-message budget), to tell the sender's fault from passing DNS
 * trouble, so DNS trouble never ends in a permanent reject.
 */
#ifndef AG_RECHECK_H
#define AG_RECHECK_H

#include <stdbool.h>

#include "policy/classes.h"
#include "verify/dns.h"

/* Tells whether an SPF check's domain (MAIL FROM's, or HELO's) can have a
 * policy at all: RFC 7208 4.3 makes a malformed one (an empty label, a
 * label over 63 octets, over 253 in all; one final dot allowed) or a
 * single-label one "none" without a lookup. */
bool recheck_spf_domain_ok(const char *domain);

/* Returns the SPF result behind Exim's "(invalid)" for domain: none for
 * a domain that cannot be asked (RFC 7208 4.3), permerror for a broken
 * or duplicated record (or no domain at all), temperror when the record
 * is well formed (a lookup behind it failed), when there is none now, or
 * when DNS fails. */
enum ag_spf recheck_spf_invalid(const char *domain, dnsq_lookup_fn lookup,
    void *ctx);

/* Returns the DKIM result behind Exim's key failure for d= and s=:
 * key_missing (no record), key_revoked (an empty p=), sig_syntax (a d=
 * that is not a plain domain, or a key name DNS cannot be asked for:
 * nothing is asked), temperror (DNS trouble), or if_present when a key
 * record is there now. The name asked is s._domainkey.d, as Exim asked
 * it (dkimid_key_name). */
enum ag_dkim recheck_dkim_key(const char *d, const char *s,
    enum ag_dkim if_present, dnsq_lookup_fn lookup, void *ctx);

#endif
