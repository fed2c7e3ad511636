/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decide.h: the decision engine. decide() turns facts into findings,
 * waives what the exceptions allow (DESIGN "Exceptions") and takes the
 * strongest remaining action. Pure: no I/O, no clock, no allocation;
 * the same policy and facts always give the same decision (the one
 * exception, decide_dmarc_gather, asks a caller's DNS so that the facts
 * hold what decide() will read). verdict.h
 * puts a decision into words.
 */
#ifndef AG_DECIDE_H
#define AG_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/dmarcrec.h"
#include "mail/dmarcwalk.h"
#include "policy/classes.h"
#include "policy/config.h"
#include "policy/facts.h"
#include "util/sbuf.h"

#define DECIDE_MAX_FINDINGS (FACTS_MAX_DKIM + 8)
#define DECIDE_REASON_MAX   200
#define DECIDE_DMARC_NAME   (DOMAIN_MAX_LEN + 8) /* "_dmarc." + domain */

/* Why a finding does not count. */
enum waiver {
	WAIVE_NONE,
	WAIVE_SKIP_AUTH,
	WAIVE_SKIP_HOST,
	WAIVE_IGNORE,
	WAIVE_TRUSTED_RELAY,
	WAIVE_DMARC_PASS,
	WAIVE_ARC_SEALER,
	WAIVE_TRUSTED_DOMAIN,
	WAIVE_DKIM_ALIGNED, /* aligned_dkim_waives */
};

/* Where a finding's action was configured. */
enum rule_source {
	RULE_DEFAULT,
	RULE_ACTIONS,
	RULE_DOMAIN,
};

struct finding {
	enum ag_class cls;
	enum ag_action action;
	enum rule_source source;
	unsigned line; /* policy.ini line of the action; 0 for a default */
	enum waiver waived;
	const char *waived_by; /* domain, sealer or network named */
	int sig;	       /* index into facts->dkim, or -1 */
	bool held; /* a reject lowered to tempfail: DNS trouble kept a
		      DMARC pass, which would waive it, from being known */
};

/* What made the decision's action. */
enum decision_basis {
	BASIS_FINDING,	      /* the strongest unwaived finding */
	BASIS_NONE,	      /* nothing to act on: accept */
	BASIS_SKIP_AUTH,      /* authenticated client */
	BASIS_SKIP_HOST,      /* skip_hosts */
	BASIS_MONITOR,	      /* [general] mode = monitor */
	BASIS_MONITOR_DOMAIN, /* [domain:] mode = monitor */
};

/* How the DMARC policy was found (RFC 9989 4.10.1). */
enum dmarc_source {
	DMARC_SRC_NONE,
	DMARC_SRC_AUTHOR, /* a record at the author domain */
	DMARC_SRC_ORG,	  /* at its organizational domain */
	DMARC_SRC_PSD,	  /* at a public suffix domain (psd=y) above it */
};

/* Which tag of the record gave the policy. */
enum dmarc_tag {
	DMARC_TAG_P,
	DMARC_TAG_SP,
	DMARC_TAG_NP,
};

struct dmarc_eval {
	enum ag_dmarc result;
	bool rfc7489;	    /* decided by RFC 7489 (PSL, pct), not RFC 9989 */
	bool method_forced; /* rfc7489 although the policy says rfc9989:
			       the facts hold no tree walk (an old log) */
	char policy_domain[DOMAIN_MAX_LEN + 1]; /* where the record is */
	char org_domain[DOMAIN_MAX_LEN + 1];	/* of the author domain */
	enum dmarc_source source;
	enum dmarc_tag tag;
	enum dmarc_psd psd;	  /* the policy record's psd= */
	bool testing;		  /* t=y lowered the policy one step */
	bool pct0_testing;	  /* ... because pct=0 reads as t=y (D2) */
	bool author_missing;	  /* NXDOMAIN: np= applied */
	bool spf_failed_aligned;  /* RFC 9991 Identity-Alignment: SPF of
				     an aligned domain did not pass */
	bool dkim_failed_aligned; /* a signature of an aligned domain
				     did not pass */
	int dkim_failed_sig;	  /* the first such (the From domain's
				     own first), or -1 */
	bool evaluated;		  /* false without a single From domain */
	char record[DECIDE_DMARC_NAME]; /* name the record came from */
	bool has_record;
	enum dmarc_policy published; /* p=, sp= or np= as it applies */
	enum dmarc_policy applied;   /* after t= (or pct sampling) */
	unsigned pct;
	bool sampled_out;
	bool spf_aligned;
	bool dkim_aligned;
	char why[300];		/* permerror / temperror detail */
	const char *arc_sealer; /* ARC vouched for a pass */
	bool pass_unknown;	/* temperror that may hide a pass */
	struct dmarcwalk walk;	/* RFC 9989: the From domain's walk */
};

struct decision {
	enum ag_action action; /* what is done */
	enum decision_basis basis;
	int deciding; /* finding index behind the action (or would), or -1 */
	bool monitor;
	enum ag_action would; /* monitor mode: the action not taken */
	const struct policy_domain *domain; /* [domain:] section in force */
	const struct cidr *skip_host;
	char from_domain[DOMAIN_MAX_LEN + 1]; /* "" when none */
	struct dmarc_eval dmarc;
	size_t n_findings;
	struct finding findings[DECIDE_MAX_FINDINGS];
	char reason[DECIDE_REASON_MAX]; /* verdict_reason() */
};

/* Decides on facts under policy. Never fails: every input has a
 * decision. */
void decide(const struct policy *policy, const struct facts *facts,
    struct decision *out);

/* Writes the author domain of facts in canonical form into domain
 * (DOMAIN_MAX_LEN + 1 bytes; "" when there is none to judge) and returns
 * the From finding's class, or -1 for a well-formed single author. A
 * domain is written whenever one can be read, from.invalid included. */
int decide_author_domain(const struct facts *facts, char *domain);

/* Tells whether the policy skips this client entirely (authenticated, or
 * in skip_hosts), so the module can spare itself the DNS lookups. */
bool decide_skips(const struct policy *policy, const struct facts *facts);

/* The DNS an RFC 9989 evaluation reads: each _dmarc name's answer, and
 * whether a domain exists (for np=). */
struct decide_dns {
	dmarcwalk_lookup_fn txt;
	enum facts_exists (*exists)(void *ctx, const char *domain);
	void *ctx;
};

/* Answers a _dmarc name from the facts (arg: const struct facts *): as
 * listed there, and a name not listed has no record (a temporary error
 * when the facts say the DNS budget ran out). */
enum dmarcwalk_answer decide_facts_txt(void *arg, const char *name,
    const char **txt);
/* Answers whether a domain exists from the facts; a domain never asked
 * about exists (np= then changes nothing) unless the budget ran out. */
enum facts_exists decide_facts_exists(void *arg, const char *domain);

/* Runs the DMARC evaluation of facts as decide() does, but asking dns,
 * and walks from every identifier besides, so that dns is asked every
 * name and existence decide() may read from the facts afterwards (the
 * module's dns records its answers there). Decides nothing. */
void decide_dmarc_gather(const struct policy *policy, const struct facts *facts,
    const struct decide_dns *dns);

/* Fills the DMARC names to look up for a From domain, in order: the
 * domain's own, then (only if that has no DMARC record) the
 * organizational domain's. Returns how many (0, 1 or 2). */
size_t decide_dmarc_names(const struct policy *policy, const char *from_domain,
    char names[2][DECIDE_DMARC_NAME]);

#endif
