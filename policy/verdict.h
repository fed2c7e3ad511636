/*
 * verdict.h: a decision put into words, to be its one home (the words now
 * in decide.c and local_scan/apply.c follow). So far: authgate's
 * Authentication-Results header (RFC 8601), which the module adds to every
 * message and failure reports carry in their feedback part, and what a
 * sender's postmaster can change, finding by finding, for `authgate
 * explain`. Pure: built from the facts and the decision.
 */
#ifndef AG_VERDICT_H
#define AG_VERDICT_H

#include <stddef.h>

#include "policy/decide.h"
#include "policy/facts.h"
#include "util/sbuf.h"

/* Signatures listed in Authentication-Results: with each line up to about
 * 600 bytes, the field stays within what Exim can add (LS_HEADER_ADD_MAX
 * in local_scan/ls.h). */
#define VERDICT_AUTHRES_MAX_DKIM 16

#define VERDICT_ADVICE_MAX	DECIDE_MAX_FINDINGS
#define VERDICT_ADVICE_TEXT_MAX 320

/* What a sender's postmaster can change, one sentence per class. */
struct advice {
	size_t n;
	enum ag_class cls[VERDICT_ADVICE_MAX];
	char text[VERDICT_ADVICE_MAX][VERDICT_ADVICE_TEXT_MAX];
};

/* Fills out with one piece of advice per finding (repeats merged), in
 * the decision's order, as printable ASCII. */
void verdict_advice(const struct policy *policy, const struct facts *facts,
    const struct decision *d, struct advice *out);
/* Appends "Authentication-Results: ID; spf=...;" and the rest (RFC 8601),
 * folded with newline-tab, ending in a newline; the first
 * VERDICT_AUTHRES_MAX_DKIM signatures. Properties carry domains (never a
 * local part) and only when they are plain tokens. */
void verdict_authres(struct sbuf *sb, const struct facts *f,
    const struct decision *d, const char *authserv_id);

#endif
