/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arc.h: ARC chain validation (RFC 8617) on nettle, since Debian ships
 * no ARC library: every ARC-Seal, the newest ARC-Message-Signature, the
 * cv= rules and the instance limit. Each instance's sealing domain and
 * the dmarc= result its ARC-Authentication-Results recorded go into the
 * facts, newest last, whether or not the chain validates.
 */
#ifndef AG_ARC_H
#define AG_ARC_H

#include <stddef.h>

#include "mail/msg.h"
#include "policy/facts.h"
#include "util/arena.h"
#include "verify/dns.h"

#define ARC_MAX_INSTANCES FACTS_MAX_ARC /* RFC 8617: i= runs 1..50 */
#define ARC_MAX_KEYS	  8		/* distinct keys fetched */

/* Validates the ARC chain of the message in msg (LF or CRLF line ends)
 * and sets f->arc (none, pass, fail, or temperror when a key lookup hit
 * DNS trouble) and f->arc_inst, with strings in arena. why (whysz bytes)
 * says, for people, what broke the chain or "" on pass and none. */
void arcv_message(const char *msg, size_t len, dnsq_lookup_fn lookup,
    void *lookup_ctx, struct facts *f, struct arena *arena, char *why,
    size_t whysz);
/* Like arcv_message for a message already split by msg_parse (its body
 * may live elsewhere, such as a mapped spool file). */
void arcv_parsed(const struct msg *m, dnsq_lookup_fn lookup, void *lookup_ctx,
    struct facts *f, struct arena *arena, char *why, size_t whysz);

#endif
