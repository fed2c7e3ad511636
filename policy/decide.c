/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decide.c: findings, DMARC evaluation from the facts' DNS snapshot,
 * exceptions, and the strongest action. Findings are created in a fixed
 * family order (from, dmarc, dkim, spf, arc) so that among equally strong
 * findings the more telling one names the decision. Its words, the
 * reason included, are verdict.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/dmarcwalk.h"
#include "mail/domcanon.h"
#include "mail/fromhdr.h"
#include "policy/decide.h"
#include "policy/decide_ctx.h"
#include "policy/verdict.h"

#define FAM_BIT(f) (1u << (f))

/* A DKIM signature counts as passed only with a long enough key;
 * ed25519 keys are fixed-size (verifiers report 0 bits for them). */
static bool
key_too_short(const struct policy *policy, const struct facts_dkim *sig)
{
	if (sig->bits == 0 || policy->min_key_bits == 0)
		return false;
	if (sig->a != NULL && strncmp(sig->a, "ed25519", 7) == 0)
		return false;
	return sig->bits < policy->min_key_bits;
}

bool
sig_passed(const struct policy *policy, const struct facts_dkim *sig)
{
	return sig->result == AG_DKIMR_PASS && !key_too_short(policy, sig);
}

int
add_finding(struct ctx *c, enum ag_class cls, int sig)
{
	struct decision *d = c->d;
	const struct policy_domain *dom = d->domain;
	struct finding *f;

	if (d->n_findings >= DECIDE_MAX_FINDINGS)
		return -1;
	f = &d->findings[d->n_findings++];
	memset(f, 0, sizeof(*f));
	f->cls = cls;
	f->sig = sig;
	if (dom != NULL && dom->set[cls]) {
		f->action = dom->actions[cls].action;
		f->line = dom->actions[cls].line;
		f->source = RULE_DOMAIN;
	} else {
		f->action = c->policy->actions[cls].action;
		f->line = c->policy->actions[cls].line;
		f->source = f->line != 0 ? RULE_ACTIONS : RULE_DEFAULT;
	}
	return (int)(d->n_findings - 1);
}

int
decide_author_domain(const struct facts *f, char *domain)
{
	struct fromhdr fh;

	domain[0] = '\0';
	if (f->n_from == 0)
		return AG_FROM_MISSING;
	if (f->n_from > 1)
		return AG_FROM_MULTIPLE;
	if (f->from[0] == NULL)
		return AG_FROM_INVALID;
	fromhdr_parse(f->from[0], strlen(f->from[0]), &fh);
	if (fh.status == FROMHDR_MULTIPLE)
		return AG_FROM_MULTIPLE;
	/* A malformed header with one readable domain is still judged by
	 * that domain's DMARC policy, and so is a domain that is one only
	 * to a reader's eye (fromhdr gives it in the form it shows):
	 * from.invalid must never be a way around dmarc.reject. */
	memcpy(domain, fh.domain, sizeof(fh.domain));
	return fh.status == FROMHDR_OK ? -1 : AG_FROM_INVALID;
}

/* Works out the single author domain, or the From finding. */
static void
examine_from(struct ctx *c)
{
	int cls = decide_author_domain(c->facts, c->d->from_domain);

	if (cls >= 0)
		add_finding(c, (enum ag_class)cls, -1);
}

static void
examine_dkim(struct ctx *c)
{
	const struct facts *f = c->facts;
	size_t i;

	if (f->n_dkim == 0) {
		add_finding(c, AG_DKIM_NONE, -1);
		return;
	}
	for (i = 0; i < f->n_dkim; i++) {
		const struct facts_dkim *sig = &f->dkim[i];

		if (sig->result != AG_DKIMR_PASS)
			add_finding(c, ag_dkim_class(sig->result), (int)i);
		else if (key_too_short(c->policy, sig))
			add_finding(c, AG_DKIM_KEY_TOO_SHORT, (int)i);
	}
}

static void
waive(struct finding *f, enum waiver why, const char *by)
{
	if (f->waived != WAIVE_NONE)
		return;
	f->waived = why;
	f->waived_by = by;
}

/* The trusted-sealer entry of an ARC instance, or NULL. */
static const struct policy_entry *
instance_sealer(const struct ctx *c, const struct facts_arc_instance *a)
{
	char dom[DOMAIN_MAX_LEN + 1], err[8];

	if (a->sealer == NULL
	    || domcanon_strict(a->sealer, strlen(a->sealer), dom, err,
		   sizeof(err))
		!= 0)
		return NULL;
	return policy_trusted_sealer(c->policy, dom);
}

/* The trusted sealer that vouches for this message, whatever the chain's
 * result, or NULL. Only the instances newer than the newest untrusted one
 * count: an old trusted seal never vouches for what a later, untrusted
 * hop sealed (or replayed). Among them, the newest whose
 * ARC-Authentication-Results recorded dmarc=pass for this message's own
 * From domain (header.from, in canonical form): a pass for another
 * author, or for none named, vouches for nothing here. Facts from before
 * header.from was recorded (no such member) are read as they were then.
 * Returns the sealer's configured name. */
const char *
arc_trusted_pass(const struct ctx *c)
{
	const struct facts *f = c->facts;
	const struct facts_arc_instance *best = NULL;
	const struct policy_entry *best_entry = NULL, *e;
	char from[DOMAIN_MAX_LEN + 1], err[8];
	unsigned newest_untrusted = 0;
	size_t i;

	if (c->d->from_domain[0] == '\0')
		return NULL;
	for (i = 0; i < f->n_arc; i++)
		if (instance_sealer(c, &f->arc_inst[i]) == NULL
		    && f->arc_inst[i].i > newest_untrusted)
			newest_untrusted = f->arc_inst[i].i;
	for (i = 0; i < f->n_arc; i++) {
		const struct facts_arc_instance *a = &f->arc_inst[i];

		if (a->i <= newest_untrusted || a->dmarc != AG_DMARCR_PASS
		    || (e = instance_sealer(c, a)) == NULL)
			continue;
		if (a->header_from != NULL
		    && (domcanon_strict(a->header_from, strlen(a->header_from),
			    from, err, sizeof(err))
			    != 0
			|| strcmp(from, c->d->from_domain) != 0))
			continue;
		if (best == NULL || a->i > best->i) {
			best = a;
			best_entry = e;
		}
	}
	return best != NULL ? best_entry->name : NULL;
}

/* A trusted sealer vouches when the chain passes. */
static const char *
arc_vouches(const struct ctx *c)
{
	return c->facts->arc == AG_ARCR_PASS ? arc_trusted_pass(c) : NULL;
}

/* The trusted domain of an authenticated identifier (a passing DKIM d=
 * or an SPF pass), or NULL. The From header never counts. */
static const char *
trusted_identity(const struct ctx *c)
{
	const struct facts *f = c->facts;
	const struct policy_entry *e;
	char dom[DOMAIN_MAX_LEN + 1], err[8];
	size_t i;

	if (c->policy->n_trusted == 0)
		return NULL;
	for (i = 0; i < f->n_dkim; i++) {
		const struct facts_dkim *sig = &f->dkim[i];

		if (!sig_passed(c->policy, sig) || sig->d == NULL
		    || domcanon_strict(sig->d, strlen(sig->d), dom, err,
			   sizeof(err))
			!= 0)
			continue;
		if ((e = policy_trusted_domain(c->policy, dom)) != NULL)
			return e->name;
	}
	if (f->spf == AG_SPFR_PASS && f->spf_domain != NULL
	    && domcanon_strict(f->spf_domain, strlen(f->spf_domain), dom, err,
		   sizeof(err))
		== 0
	    && (e = policy_trusted_domain(c->policy, dom)) != NULL)
		return e->name;
	return NULL;
}

/* Tells whether a DKIM signature that passed with a long enough key
 * aligns (relaxed: within the From domain's organizational domain) with
 * the From domain. It authenticates the author's domain as a DMARC pass
 * does, also when that domain publishes no DMARC record. */
static bool
dkim_aligned_pass(struct ctx *c)
{
	const struct facts *f = c->facts;
	size_t i;

	for (i = 0; i < f->n_dkim; i++)
		if (sig_passed(c->policy, &f->dkim[i])
		    && aligned(c, f->dkim[i].d, false))
			return true;
	return false;
}

/* The families an aligned DKIM pass waives here: aligned_dkim_waives,
 * never more than a DMARC pass would waive (dmarc_pass_waives), aligned
 * as the From domain's DMARC record asks when it has one (adkim), and
 * nothing for a domain whose section ignores DKIM or DMARC (it is judged
 * on each check alone: a replayed signature must not waive SPF there). */
static unsigned
dkim_aligned_waives(struct ctx *c)
{
	const struct policy *p = c->policy;
	const struct policy_domain *dom = c->d->domain;
	unsigned fams = p->aligned_dkim_waives & p->dmarc_pass_waives;

	if (fams == 0
	    || (dom != NULL
		&& (dom->ignore
		    & (FAM_BIT(AG_FAM_DKIM) | FAM_BIT(AG_FAM_DMARC))))
	    || !dkim_aligned_pass(c))
		return 0;
	/* A record's adkim=s stands: only a signature of the From domain
	 * itself aligns then. */
	if (c->d->dmarc.has_record && !c->d->dmarc.dkim_aligned)
		return 0;
	return fams;
}

static void
apply_waivers(struct ctx *c)
{
	const struct policy *p = c->policy;
	const struct facts *f = c->facts;
	struct decision *d = c->d;
	const struct policy_domain *dom = d->domain;
	const struct cidr *relay = policy_trusted_relay(p, f->client_ip);
	const char *sealer = arc_vouches(c);
	const char *trusted = trusted_identity(c);
	/* A domain that ignores DMARC is judged on SPF (and DKIM) alone:
	 * no DMARC pass, real or vouched for by ARC, waives anything. */
	bool dmarc_ignored
	    = dom != NULL && (dom->ignore & FAM_BIT(AG_FAM_DMARC));
	bool dmarc_pass = d->dmarc.result == AG_DMARCR_PASS && !dmarc_ignored;
	unsigned dkim_waives = dkim_aligned_waives(c);
	size_t i;

	if (dmarc_ignored)
		sealer = NULL;
	d->dmarc.arc_sealer = sealer;
	for (i = 0; i < d->n_findings; i++) {
		struct finding *fi = &d->findings[i];
		enum ag_family fam = ag_class_family(fi->cls);

		if (f->authenticated)
			waive(fi, WAIVE_SKIP_AUTH, NULL);
		if (d->skip_host != NULL)
			waive(fi, WAIVE_SKIP_HOST, d->skip_host->text);
		if (dom != NULL && (dom->ignore & FAM_BIT(fam)))
			waive(fi, WAIVE_IGNORE, dom->name);
		if (relay != NULL && fam == AG_FAM_SPF)
			waive(fi, WAIVE_TRUSTED_RELAY, relay->text);
		if (dmarc_pass && (p->dmarc_pass_waives & FAM_BIT(fam)))
			waive(fi, WAIVE_DMARC_PASS, NULL);
		if (sealer != NULL
		    && (fam == AG_FAM_DMARC
			|| (p->dmarc_pass_waives & FAM_BIT(fam))))
			waive(fi, WAIVE_ARC_SEALER, sealer);
		if (trusted != NULL
		    && (fi->cls == AG_DMARC_REJECT
			|| fi->cls == AG_DMARC_QUARANTINE
			|| fi->cls == AG_DMARC_FAIL))
			waive(fi, WAIVE_TRUSTED_DOMAIN, trusted);
		if (dkim_waives & FAM_BIT(fam))
			waive(fi, WAIVE_DKIM_ALIGNED, NULL);
		/* DNS trouble is never a permanent reject: a DMARC pass
		 * that could not be established would have waived this. */
		if (d->dmarc.pass_unknown && !dmarc_ignored
		    && fi->waived == WAIVE_NONE && fi->action == AG_REJECT
		    && (p->dmarc_pass_waives & FAM_BIT(fam))) {
			fi->action = AG_TEMPFAIL;
			fi->held = true;
		}
	}
}

bool
decide_skips(const struct policy *policy, const struct facts *facts)
{
	return facts->authenticated
	    || policy_skip_host(policy, facts->client_ip) != NULL;
}

/* The strongest action among a decision's DMARC findings. */
static enum ag_action
dmarc_action(const struct decision *d)
{
	enum ag_action a = AG_ACCEPT;
	size_t i;

	for (i = 0; i < d->n_findings; i++)
		if (ag_class_family(d->findings[i].cls) == AG_FAM_DMARC
		    && d->findings[i].action > a)
			a = d->findings[i].action;
	return a;
}

/* The public suffix list's organizational domain of domain, where this
 * evaluation reads it: RFC 7489 only. */
static const char *
psl_org(const struct ctx *c, const char *domain)
{
	if (c->rfc9989)
		return NULL; /* gather_psl_org asks it only where needed */
	return policy_org_domain(c->policy, domain);
}

/* DMARC for the author domain, under its [domain:] section. A name whose
 * U-labels hold code points a reader takes for dots (IDNA accepts them:
 * "mail·bank.example" is a domain of its own) is judged as the name a
 * reader sees as well, and the stricter of the two stands; when that is
 * the seen name, the From is from.invalid too. The Catalan l·l of a
 * legitimate sender is judged by its own record unless the name it
 * shows publishes a stricter one. */
static void
judge_author(struct ctx *c)
{
	struct decision *d = c->d;
	const struct policy *p = c->policy;
	char view[DOMAIN_MAX_LEN + 1];
	struct decision seen;
	struct ctx sc;
	size_t i;
	bool dotted = domcanon_dotted(d->from_domain, view) == 1;

	if (dotted) {
		seen = *d;
		sc = *c;
		sc.d = &seen;
		memcpy(seen.from_domain, view, sizeof(seen.from_domain));
		seen.domain = policy_domain_for(p, view);
		sc.from_org = psl_org(c, view);
		evaluate_dmarc(&sc);
	}
	/* Findings made so far (From ones) took no domain section. */
	d->domain = policy_domain_for(p, d->from_domain);
	c->from_org = psl_org(c, d->from_domain);
	evaluate_dmarc(c);
	if (!dotted || dmarc_action(&seen) <= dmarc_action(d))
		return;
	*d = seen;
	sc.d = d;
	*c = sc;
	for (i = 0; i < d->n_findings; i++)
		if (d->findings[i].cls == AG_FROM_INVALID)
			return;
	add_finding(c, AG_FROM_INVALID, -1);
}

/* A context for deciding on facts with dns (NULL: the facts' own). */
static void
ctx_init(struct ctx *c, const struct policy *policy, const struct facts *facts,
    struct decision *out, const struct decide_dns *dns, struct decide_dns *own)
{
	memset(c, 0, sizeof(*c));
	c->policy = policy;
	c->facts = facts;
	c->d = out;
	own->txt = decide_facts_txt;
	own->exists = decide_facts_exists;
	own->ctx = (void *)facts;
	c->dns = dns != NULL ? dns : own;
	c->gather = dns != NULL;
	/* Facts gathered for RFC 7489 hold no walk: they are decided by
	 * the method they support (D7). */
	c->rfc9989 = !policy->dmarc_rfc7489 && facts->dmarc_treewalk;
	memset(out, 0, sizeof(*out));
	out->deciding = -1;
	out->dmarc.result = AG_DMARCR_NONE;
	out->dmarc.dkim_failed_sig = -1;
}

void
decide_dmarc_gather(const struct policy *policy, const struct facts *facts,
    const struct decide_dns *dns)
{
	struct decision *d = malloc(sizeof(*d));
	struct decide_dns own;
	struct ctx c;

	if (d == NULL)
		return;
	ctx_init(&c, policy, facts, d, dns, &own);
	examine_from(&c);
	if (d->from_domain[0] != '\0')
		judge_author(&c);
	free(d);
}

void
decide(const struct policy *policy, const struct facts *facts,
    struct decision *out)
{
	struct decide_dns own;
	struct ctx c;
	enum ag_mode mode = policy->mode;
	size_t i;
	int best = -1;

	ctx_init(&c, policy, facts, out, NULL, &own);
	out->skip_host = policy_skip_host(policy, facts->client_ip);

	examine_from(&c);
	if (out->from_domain[0] != '\0')
		judge_author(&c);
	examine_dkim(&c);
	if (facts->spf != AG_SPFR_PASS)
		add_finding(&c, ag_spf_class(facts->spf), -1);
	if (facts->arc == AG_ARCR_FAIL)
		add_finding(&c, AG_ARC_FAIL, -1);
	apply_waivers(&c);

	for (i = 0; i < out->n_findings; i++) {
		const struct finding *f = &out->findings[i];

		if (f->waived != WAIVE_NONE || f->action == AG_ACCEPT)
			continue;
		if (best < 0 || f->action > out->findings[best].action)
			best = (int)i;
	}
	out->deciding = best;
	out->action = best >= 0 ? out->findings[best].action : AG_ACCEPT;
	out->basis = best >= 0 ? BASIS_FINDING : BASIS_NONE;

	if (out->domain != NULL && out->domain->mode_set)
		mode = out->domain->mode;
	if (facts->authenticated || out->skip_host != NULL) {
		out->basis
		    = facts->authenticated ? BASIS_SKIP_AUTH : BASIS_SKIP_HOST;
		out->action = AG_ACCEPT;
		out->deciding = -1;
	} else if (mode == AG_MODE_MONITOR) {
		out->monitor = true;
		out->would = out->action;
		out->action = AG_ACCEPT;
		out->basis = out->domain != NULL && out->domain->mode_set ?
		    BASIS_MONITOR_DOMAIN :
		    BASIS_MONITOR;
	}
	verdict_reason(policy, facts, out, out->reason, sizeof(out->reason));
}
