/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verdict.h: a decision put into words, in this one place: the class and
 * rule names that logs and headers carry, the reason, the SMTP reply, the
 * Authentication-Results and X-AuthGate headers, and what the sender's
 * postmaster can change. Pure: text made from the policy, the facts and
 * the decision, never a decision of its own.
 */
#ifndef AG_VERDICT_H
#define AG_VERDICT_H

#include <stddef.h>

#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "util/sbuf.h"

/* Signatures listed in Authentication-Results: with each line up to about
 * 600 bytes, the field stays within what Exim can add (LS_HEADER_ADD_MAX
 * in local_scan/ls.h). */
#define VERDICT_AUTHRES_MAX_DKIM 16

#define VERDICT_ADVICE_MAX	DECIDE_MAX_FINDINGS
#define VERDICT_ADVICE_TEXT_MAX 320

/* The X-AuthGate header, a printf format taking the rule, of a message
 * let through unchecked (on_error = accept, or a local submission). */
#define VERDICT_XAUTHGATE_UNCHECKED                        \
	"X-AuthGate: action=accept; class=none; rule=%s; " \
	"findings=unchecked\n"

/* What a sender's postmaster can change, one sentence per class. */
struct advice {
	size_t n;
	enum ag_class cls[VERDICT_ADVICE_MAX];
	char text[VERDICT_ADVICE_MAX][VERDICT_ADVICE_TEXT_MAX];
};

/* Returns the class of the decision ("none" when nothing acted). */
const char *verdict_class_name(const struct decision *d);
/* Writes the decision's rule, e.g. "domain:partner.example:dkim.key_missing".
 */
void verdict_rule(const struct decision *d, char *buf, size_t size);
/* Writes a finding's rule, e.g. "actions:spf.fail" or "default:spf.fail". */
void verdict_finding_rule(const struct decision *d, const struct finding *f,
    char *buf, size_t size);
/* Writes why a finding is waived ("dmarc.pass", "trusted.relay:..."), or
 * "" when it is not. */
void verdict_waiver(const struct decision *d, const struct finding *f,
    char *buf, size_t size);
/* Writes the sentence behind the decision (its deciding finding, or why the
 * client was skipped), or "" when nothing acted; names cut and printable. */
void verdict_reason(const struct policy *policy, const struct facts *facts,
    const struct decision *d, char *buf, size_t size);
/* Renders reject_message or tempfail_message for the decision into buf
 * as printable ASCII fit for an SMTP reply. */
void verdict_reply(const struct policy *policy, const struct decision *d,
    char *buf, size_t size);
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
/* Appends "X-AuthGate: action=...; class=...; rule=...; findings=...",
 * each unwaived class once, ending in a newline. */
void verdict_xauthgate(struct sbuf *sb, const struct decision *d);
/* Writes step i of the author domain's DMARC tree walk in words: the
 * name asked and what it held. */
void verdict_walk_step(const struct decision *d, size_t i, char *buf,
    size_t size);
/* Writes how the DMARC policy was found in words: the method, which
 * record became the policy and why, the organizational domain, the tag
 * that applies and what t= or pct=0 did to it. */
void verdict_dmarc_policy(const struct decision *d, char *buf, size_t size);

#endif
