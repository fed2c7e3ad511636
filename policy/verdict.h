/*
 * verdict.h: a decision put into words, to be its one home (the words now
 * in decide.c, authres.c and local_scan/apply.c follow). So far: what a
 * sender's postmaster can change, finding by finding, for `authgate
 * explain`. Pure: built from the facts and the decision.
 */
#ifndef AG_VERDICT_H
#define AG_VERDICT_H

#include <stddef.h>

#include "policy/decide.h"
#include "policy/facts.h"

#define VERDICT_ADVICE_MAX	DECIDE_MAX_FINDINGS
#define VERDICT_ADVICE_TEXT_MAX 320

struct advice {
	size_t n;
	enum ag_class cls[VERDICT_ADVICE_MAX];
	char text[VERDICT_ADVICE_MAX][VERDICT_ADVICE_TEXT_MAX];
};

/* Fills out with one piece of advice per finding (repeats merged), in
 * the decision's order, as printable ASCII. */
void verdict_advice(const struct policy *policy, const struct facts *facts,
    const struct decision *d, struct advice *out);

#endif
