/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkim.h: DKIM verification of a whole message, for `authgate explain`
 * and (with [general] dkim = self) the module, on the verifier ARC uses
 * (verify/sigverify.h; RSA-SHA256 and Ed25519-SHA256 on nettle). Key
 * lookups go through verify/dns.c, so a key missing from DNS
 * (key_missing) is never confused with DNS trouble (temperror).
 */
#ifndef AG_DKIM_H
#define AG_DKIM_H

#include <stddef.h>

#include "mail/msg.h"
#include "policy/config.h"
#include "policy/facts.h"
#include "util/arena.h"
#include "verify/dns.h"

/* Signatures verified per message (each needs a key lookup): those
 * aligned with the From domain first, then those of trusted domains,
 * then the rest, each in header order (verify/dkimid.h). The others are
 * recorded as unsupported without a key lookup, so that extra signatures
 * can neither spend the DNS budget nor turn a verdict into a temperror,
 * and signatures on top cannot push the one that matters out. */
#define DKIMV_MAX_VERIFY 4

/* Verifies the DKIM-Signatures of the RFC 5322 message in msg (LF or
 * CRLF line ends, mixed), DKIMV_MAX_VERIFY of them at most, chosen and
 * ranked against f's From header under policy (NULL: header order), and
 * appends one entry per signature to f->dkim (up to FACTS_MAX_DKIM), in
 * header order, with strings in arena. A signature whose d= is not a
 * plain domain, or whose key name DNS cannot be asked for, is sig_syntax
 * and looked up nowhere. Keys are fetched with lookup(lookup_ctx, name,
 * ...), the chosen ones in rank order. Returns 0, or -1 with a reason in
 * err when the message cannot be processed at all (more than
 * MSG_MAX_FIELDS header fields). */
int dkimv_message(const char *msg, size_t len, const struct policy *policy,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct facts *f,
    struct arena *arena, char *err, size_t errsz);
/* Like dkimv_message for a message already split by msg_parse (its body
 * may live elsewhere, such as a mapped spool file). */
int dkimv_parsed(const struct msg *m, const struct policy *policy,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct facts *f,
    struct arena *arena, char *err, size_t errsz);

#endif
