/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decide_ctx.h: what decide.c and dmarceval.c share, inside the engine
 * only: the context of one decision and the few helpers both use.
 */
#ifndef AG_DECIDE_CTX_H
#define AG_DECIDE_CTX_H

#include <stdbool.h>

#include "policy/decide.h"

/* Identifiers whose organizational domain one author's evaluation walks
 * for (RFC 9989 relaxed alignment); past them alignment is unknown. */
#define DECIDE_MAX_WALKS 4

struct ctx {
	const struct policy *policy;
	const struct facts *facts;
	struct decision *d;
	const char *from_org; /* RFC 7489: the PSL organizational domain */
	/* RFC 9989: the DNS the walks read (the facts, or the module's
	 * resolver while it gathers them), and the organizational domain
	 * of the From domain once a walk has found it. */
	const struct decide_dns *dns;
	bool gather;
	bool rfc9989;
	bool org_known;
	bool org_temperror;
	char org[DOMAIN_MAX_LEN + 1];
	bool walkable_known; /* the identifiers that may be walked for */
	size_t n_walkable;
	char walkable[DECIDE_MAX_WALKS][DOMAIN_MAX_LEN + 1];
	size_t n_walked; /* identifiers walked, and what each gave */
	struct {
		char domain[DOMAIN_MAX_LEN + 1];
		int align; /* enum align */
	} walked[DECIDE_MAX_WALKS];
};

/* Alignment of one identifier: RFC 9989 can leave it unknown when a
 * walk it needs met a DNS error (E3). */
enum align {
	AL_NO,
	AL_YES,
	AL_UNKNOWN,
};

/* Tells whether a DKIM signature passed with a long enough key. */
bool sig_passed(const struct policy *policy, const struct facts_dkim *sig);
/* Adds a finding of class cls (sig: its signature, or -1) with the action
 * its rule gives; returns its index, or -1 when the list is full. */
int add_finding(struct ctx *c, enum ag_class cls, int sig);
/* Returns the trusted sealer vouching for this message, or NULL. */
const char *arc_trusted_pass(const struct ctx *c);
/* Tells whether an authenticated domain aligns with the From domain
 * (AL_UNKNOWN: a DNS error left it open). */
enum align aligned3(struct ctx *c, const char *raw, bool strict);
/* Tells whether an authenticated domain surely aligns. */
bool aligned(struct ctx *c, const char *raw, bool strict);
/* Evaluates DMARC for c's author domain into c->d->dmarc, with its
 * findings. */
void evaluate_dmarc(struct ctx *c);

#endif
