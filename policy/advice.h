/*
 * advice.h: what a sender's postmaster can change, finding by finding,
 * for `authgate explain`. Pure: built from the facts and the decision.
 */
#ifndef AG_ADVICE_H
#define AG_ADVICE_H

#include <stddef.h>

#include "policy/decide.h"
#include "policy/facts.h"

#define ADVICE_MAX	DECIDE_MAX_FINDINGS
#define ADVICE_TEXT_MAX 320

struct advice {
	size_t n;
	enum ag_class cls[ADVICE_MAX];
	char text[ADVICE_MAX][ADVICE_TEXT_MAX];
};

/* Fills out with one piece of advice per finding (repeats merged), in
 * the decision's order, as printable ASCII. */
void advice_build(const struct policy *policy, const struct facts *facts,
    const struct decision *d, struct advice *out);

#endif
