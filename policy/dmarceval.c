/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarceval.c: DMARC evaluation for decide(): RFC 9989 (the tree walk,
 * organizational domains per identifier, p/sp/np, t) by default, RFC
 * 7489 (PSL, pct sampling) where the policy or the facts ask for it.
 * Reads DNS only through the context's decide_dns: the facts, or the
 * module's recording resolver while it gathers them.
 */
#include <stdio.h>
#include <string.h>

#include "mail/dmarcwalk.h"
#include "mail/domcanon.h"
#include "policy/decide.h"
#include "policy/decide_ctx.h"

/* Failed signatures whose alignment is looked for (failure reports'
 * Identity-Alignment): each may need a walk of its own. */
#define DMARC_FAILED_WALKS 3

static void
copy_domain(char *dst, const char *src)
{
	size_t len = strnlen(src, DOMAIN_MAX_LEN);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

enum dmarcwalk_answer
decide_facts_txt(void *arg, const char *name, const char **txt)
{
	const struct facts *f = arg;
	const struct facts_dns *dns = facts_dns_get(f, name);
	size_t i, n = 0;

	if (dns == NULL)
		return f->dmarc_incomplete ? DW_TEMPERROR : DW_NONE;
	if (dns->temperror)
		return DW_TEMPERROR;
	for (i = 0; i < dns->n_txt; i++)
		if (dmarcrec_is_dmarc(dns->txt[i]) && n++ == 0)
			*txt = dns->txt[i];
	return n == 0 ? DW_NONE : n == 1 ? DW_RECORD : DW_SEVERAL;
}

enum facts_exists
decide_facts_exists(void *arg, const char *domain)
{
	const struct facts *f = arg;
	const struct facts_existence *x = facts_exists_get(f, domain);

	if (x != NULL)
		return x->answer;
	return f->dmarc_incomplete ? FACTS_EXISTS_TEMPERROR : FACTS_EXISTS_YES;
}

/* Walks from the From domain to its organizational domain (once per
 * author); false when a DNS error left it unknown. */
static bool
author_org(struct ctx *c)
{
	struct dmarc_eval *e = &c->d->dmarc;

	if (!c->org_known) {
		dmarcwalk_run(c->d->from_domain, c->dns->txt, c->dns->ctx,
		    false, &e->walk);
		c->org_known = true;
		c->org_temperror = e->walk.temperror;
		if (!c->org_temperror)
			dmarcwalk_org(c->d->from_domain, &e->walk, c->org);
	}
	return !c->org_temperror;
}

/* Adds the identifier raw to the walkable ones when it needs a walk (in
 * the organizational domain, neither it nor the From domain) and there
 * is room. */
static void
add_walkable(struct ctx *c, const char *raw)
{
	char dom[DOMAIN_MAX_LEN + 1], err[8];
	size_t i;

	if (raw == NULL || c->n_walkable == DECIDE_MAX_WALKS
	    || domcanon_strict(raw, strlen(raw), dom, err, sizeof(err)) != 0
	    || !domain_within(dom, c->org) || strcmp(dom, c->org) == 0
	    || strcmp(dom, c->d->from_domain) == 0)
		return;
	for (i = 0; i < c->n_walkable; i++)
		if (strcmp(c->walkable[i], dom) == 0)
			return;
	copy_domain(c->walkable[c->n_walkable++], dom);
}

/* Tells whether dom is one of the identifiers whose organizational
 * domain is walked for: the first DECIDE_MAX_WALKS that need a walk,
 * taken from the facts alone (never from the order in which alignment
 * is asked), passing ones first, then those whose check had a DNS
 * error, then the rest, so that the module gathers exactly the walks
 * decide() reads. */
static bool
walk_eligible(struct ctx *c, const char *dom)
{
	const struct facts *f = c->facts;
	size_t i, k;

	if (!c->walkable_known) {
		c->walkable_known = true;
		if (f->spf == AG_SPFR_PASS)
			add_walkable(c, f->spf_domain);
		for (i = 0; i < f->n_dkim; i++)
			if (sig_passed(c->policy, &f->dkim[i]))
				add_walkable(c, f->dkim[i].d);
		if (f->spf == AG_SPFR_TEMPERROR)
			add_walkable(c, f->spf_domain);
		for (i = 0; i < f->n_dkim; i++)
			if (f->dkim[i].result == AG_DKIMR_TEMPERROR)
				add_walkable(c, f->dkim[i].d);
		add_walkable(c, f->spf_domain);
		for (i = 0, k = 0; i < f->n_dkim && k < DMARC_FAILED_WALKS; i++)
			if (!sig_passed(c->policy, &f->dkim[i])) {
				add_walkable(c, f->dkim[i].d);
				k++;
			}
	}
	for (i = 0; i < c->n_walkable; i++)
		if (strcmp(c->walkable[i], dom) == 0)
			return true;
	return false;
}

/* RFC 9989 alignment (A2-A4): the From domain itself always aligns;
 * relaxed, a domain aligns when its own walk gives the same
 * organizational domain as the From domain's. */
static enum align
aligned9989(struct ctx *c, const char *dom, bool strict)
{
	struct dmarcwalk w;
	char org[DOMAIN_MAX_LEN + 1];
	enum align a;
	size_t i;

	if (strcmp(dom, c->d->from_domain) == 0)
		return AL_YES;
	if (strict)
		return AL_NO;
	if (!author_org(c))
		return AL_UNKNOWN;
	if (!domain_within(dom, c->org))
		return AL_NO;
	if (strcmp(dom, c->org) == 0)
		return AL_YES;
	/* Only the identifiers walk_eligible() picks are walked, each
	 * once, so that a sender's signatures cannot run the DNS budget
	 * out; for any other, alignment is unknown (a DNS error's effect:
	 * never a reject, never a pass). */
	for (i = 0; i < c->n_walked; i++)
		if (strcmp(c->walked[i].domain, dom) == 0)
			return c->walked[i].align;
	if (!walk_eligible(c, dom) || c->n_walked == DECIDE_MAX_WALKS)
		return AL_UNKNOWN;
	dmarcwalk_run(dom, c->dns->txt, c->dns->ctx, false, &w);
	if (w.temperror) {
		a = AL_UNKNOWN;
	} else {
		dmarcwalk_org(dom, &w, org);
		a = strcmp(org, c->org) == 0 ? AL_YES : AL_NO;
	}
	copy_domain(c->walked[c->n_walked].domain, dom);
	c->walked[c->n_walked++].align = a;
	return a;
}

/* Tells whether an authenticated domain aligns with the From domain.
 * RFC 7489: a public suffix never aligns, even with itself, and relaxed
 * alignment needs the domain to lie within the From domain's PSL
 * organizational domain. */
enum align
aligned3(struct ctx *c, const char *raw, bool strict)
{
	char dom[DOMAIN_MAX_LEN + 1], err[8];
	const char *org;

	if (raw == NULL || c->d->from_domain[0] == '\0'
	    || domcanon_strict(raw, strlen(raw), dom, err, sizeof(err)) != 0)
		return AL_NO;
	if (c->rfc9989)
		return aligned9989(c, dom, strict);
	if (c->from_org == NULL)
		return AL_NO;
	if (strcmp(dom, c->d->from_domain) == 0)
		return AL_YES;
	if (strict || !domain_within(dom, c->from_org))
		return AL_NO;
	if (strcmp(dom, c->from_org) == 0)
		return AL_YES;
	org = policy_org_domain(c->policy, dom);
	return org != NULL && strcmp(org, c->from_org) == 0 ? AL_YES : AL_NO;
}

/* Tells whether an authenticated domain surely aligns. */
bool
aligned(struct ctx *c, const char *raw, bool strict)
{
	return aligned3(c, raw, strict) == AL_YES;
}

/* FNV-1a over the facts that identify a message, for pct sampling: the
 * same message always samples the same way, so replay is exact. */
static unsigned
sample_percent(const struct facts *f)
{
	unsigned long long h = 0xcbf29ce484222325ull;
	const char *parts[4];
	size_t i;
	const unsigned char *p;

	parts[0] = f->id;
	parts[1] = f->n_from > 0 ? f->from[0] : NULL;
	parts[2] = f->mail_from;
	parts[3] = f->client_ip;
	for (i = 0; i < 4; i++) {
		for (p = (const unsigned char *)parts[i]; p != NULL && *p;
		     p++) {
			h ^= *p;
			h *= 0x100000001b3ull;
		}
		h ^= 0xff;
		h *= 0x100000001b3ull;
	}
	return (unsigned)(h % 100);
}

enum lookup {
	LOOKUP_NONE,
	LOOKUP_RECORD,
	LOOKUP_TEMPERROR,
	LOOKUP_PERMERROR,
};

/* Finds the one DMARC record among the TXT strings at name. */
static enum lookup
lookup_record(const struct facts *facts, const char *name, struct dmarcrec *rec,
    char *why, size_t whysz)
{
	const struct facts_dns *dns = facts_dns_get(facts, name);
	struct dmarcrec tmp;
	size_t i, found = 0;

	if (dns == NULL)
		return LOOKUP_NONE;
	if (dns->temperror) {
		snprintf(why, whysz, "DNS lookup of %.200s failed", name);
		return LOOKUP_TEMPERROR;
	}
	for (i = 0; i < dns->n_txt; i++) {
		switch (dmarcrec_parse(dns->txt[i], &tmp)) {
		case DMARCREC_NOT_DMARC:
			break;
		case DMARCREC_INVALID:
			snprintf(why, whysz, "%.200s: %.79s", name, tmp.why);
			return LOOKUP_PERMERROR;
		case DMARCREC_OK:
			if (found++ == 0)
				*rec = tmp;
			break;
		}
	}
	if (found > 1) {
		snprintf(why, whysz, "%.200s has %zu DMARC records", name,
		    found);
		return LOOKUP_PERMERROR;
	}
	return found == 1 ? LOOKUP_RECORD : LOOKUP_NONE;
}

/* The names to look up for from_domain, given its organizational domain
 * (NULL for a public suffix). */
static size_t
dmarc_names(const char *from_domain, const char *org,
    char names[2][DECIDE_DMARC_NAME])
{
	size_t n = 0, len;

	if (from_domain == NULL || from_domain[0] == '\0')
		return 0;
	len = strlen(from_domain);
	memcpy(names[n], "_dmarc.", 7);
	memcpy(names[n++] + 7, from_domain, len + 1);
	if (org != NULL && strcmp(org, from_domain) != 0) {
		len = strlen(org);
		memcpy(names[n], "_dmarc.", 7);
		memcpy(names[n++] + 7, org, len + 1);
	}
	return n;
}

size_t
decide_dmarc_names(const struct policy *policy, const char *from_domain,
    char names[2][DECIDE_DMARC_NAME])
{
	return dmarc_names(from_domain, policy_org_domain(policy, from_domain),
	    names);
}

/* Which passing identifiers (SPF, any DKIM signature) align with the
 * From domain under the given alignment modes; *unknown when one passed
 * whose alignment a DNS error left open. */
static void
passing_aligned(struct ctx *c, bool spf_strict, bool dkim_strict, bool *spf,
    bool *dkim, bool *unknown)
{
	const struct facts *f = c->facts;
	enum align a;
	size_t i;

	*spf = *dkim = *unknown = false;
	if (f->spf == AG_SPFR_PASS) {
		a = aligned3(c, f->spf_domain, spf_strict);
		*spf = a == AL_YES;
		*unknown = a == AL_UNKNOWN;
	}
	for (i = 0; i < f->n_dkim && !*dkim; i++) {
		if (!sig_passed(c->policy, &f->dkim[i]))
			continue;
		a = aligned3(c, f->dkim[i].d, dkim_strict);
		*dkim = a == AL_YES;
		*unknown |= a == AL_UNKNOWN;
	}
	if (*spf || *dkim)
		*unknown = false;
}

/* RFC 9991 Identity-Alignment: which mechanisms failed to authenticate
 * an identity aligned with the From domain. */
static void
failed_aligned(struct ctx *c, bool spf_strict, bool dkim_strict)
{
	const struct facts *f = c->facts;
	struct dmarc_eval *e = &c->d->dmarc;
	size_t i, failing;
	int pass;

	e->spf_failed_aligned = f->spf != AG_SPFR_PASS && f->spf_domain != NULL
	    && aligned(c, f->spf_domain, spf_strict);
	e->dkim_failed_sig = -1;
	/* A signature of the From domain itself first, then relaxed, for
	 * the first few failed signatures only: each may need a walk, and
	 * a sender can add failed signatures without end. */
	for (pass = 0; pass < 2 && e->dkim_failed_sig < 0; pass++)
		for (i = 0, failing = 0;
		     i < f->n_dkim && e->dkim_failed_sig < 0; i++) {
			if (sig_passed(c->policy, &f->dkim[i]))
				continue;
			if (pass == 1 && failing++ == DMARC_FAILED_WALKS)
				break;
			if (aligned(c, f->dkim[i].d, dkim_strict || pass == 0))
				e->dkim_failed_sig = (int)i;
		}
	e->dkim_failed_aligned = e->dkim_failed_sig >= 0;
}

/* The record's alignment step, the same under both methods: sets which
 * identifiers align, PASS when one passing did, else FAIL (with *unknown
 * when a passing one's alignment a DNS error left open); true on PASS. */
static bool
align_identifiers(struct ctx *c, const struct dmarcrec *rec, bool *unknown)
{
	struct dmarc_eval *e = &c->d->dmarc;

	passing_aligned(c, rec->aspf_strict, rec->adkim_strict, &e->spf_aligned,
	    &e->dkim_aligned, unknown);
	failed_aligned(c, rec->aspf_strict, rec->adkim_strict);
	e->result = e->spf_aligned || e->dkim_aligned ? AG_DMARCR_PASS :
							AG_DMARCR_FAIL;
	return e->result == AG_DMARCR_PASS;
}

/* A failure that a passing DNS error may have caused: an aligned (or
 * perhaps aligned) identifier whose check could not finish, or an ARC
 * chain that a trusted sealer may vouch for but whose keys could not be
 * fetched. */
static bool
aligned_temperror(struct ctx *c, bool spf_strict, bool dkim_strict)
{
	const struct facts *f = c->facts;
	size_t i;

	if (f->spf == AG_SPFR_TEMPERROR
	    && aligned3(c, f->spf_domain, spf_strict) != AL_NO)
		return true;
	for (i = 0; i < f->n_dkim; i++)
		if (f->dkim[i].result == AG_DKIMR_TEMPERROR
		    && aligned3(c, f->dkim[i].d, dkim_strict) != AL_NO)
			return true;
	return f->arc == AG_ARCR_TEMPERROR && arc_trusted_pass(c) != NULL;
}

/* DMARC could not be evaluated for a DNS error: the result is temperror,
 * and may hide a pass when relaxed alignment (the most a record could
 * allow) gives one, or a check that might have passed did not finish. */
static void
dmarc_temperror(struct ctx *c, bool could_pass)
{
	struct dmarc_eval *e = &c->d->dmarc;
	bool spf_al, dkim_al, unknown;

	e->result = AG_DMARCR_TEMPERROR;
	if (could_pass) {
		passing_aligned(c, false, false, &spf_al, &dkim_al, &unknown);
		e->pass_unknown = spf_al || dkim_al || unknown
		    || aligned_temperror(c, false, false);
	} else {
		e->pass_unknown = true;
	}
	add_finding(c, AG_DMARC_TEMPERROR, -1);
}

/* One step down, as t=y asks (RFC 9989 4.7). */
static enum dmarc_policy
one_step_down(enum dmarc_policy p)
{
	return p == DMARC_P_REJECT ? DMARC_P_QUARANTINE : DMARC_P_NONE;
}

/* A DMARC failure under the policy applied: its finding, or temperror
 * when an aligned check that might have passed had a DNS error and the
 * policy would act. */
static void
dmarc_failed(struct ctx *c, const struct dmarcrec *rec)
{
	struct dmarc_eval *e = &c->d->dmarc;

	if (e->applied != DMARC_P_NONE
	    && aligned_temperror(c, rec->aspf_strict, rec->adkim_strict)) {
		e->result = AG_DMARCR_TEMPERROR;
		e->pass_unknown = true;
		snprintf(e->why, sizeof(e->why),
		    "an aligned SPF or DKIM check had a DNS error");
		add_finding(c, AG_DMARC_TEMPERROR, -1);
		return;
	}
	add_finding(c,
	    e->applied == DMARC_P_REJECT	 ? AG_DMARC_REJECT :
		e->applied == DMARC_P_QUARANTINE ? AG_DMARC_QUARANTINE :
						   AG_DMARC_FAIL,
	    -1);
}

static void
set_record(struct dmarc_eval *e, const char *domain)
{
	memcpy(e->record, "_dmarc.", 7);
	copy_domain(e->record + 7, domain);
	copy_domain(e->policy_domain, domain);
}

/* The record that is the From domain's policy (P1-P4), or NULL: its own,
 * else its organizational domain's, else a public suffix domain's above
 * it. NULL with *temperror when the walk met a DNS error (D5). */
static const struct dmarcwalk_step *
policy_record(struct ctx *c, enum dmarc_source *src, bool *temperror)
{
	struct dmarc_eval *e = &c->d->dmarc;
	const struct dmarcwalk *w = &e->walk;
	const char *author = c->d->from_domain;
	const struct dmarcwalk_step *last;
	size_t i;

	*temperror = false;
	dmarcwalk_run(author, c->dns->txt, c->dns->ctx, true, &e->walk);
	if (w->temperror) {
		*temperror = true;
		return NULL;
	}
	if (w->step[0].answer == DW_RECORD) {
		*src = DMARC_SRC_AUTHOR;
		if (w->stopped) { /* psd=n or y at the author domain: O1, O5 */
			c->org_known = true;
			copy_domain(c->org, author);
		}
		return &w->step[0];
	}
	if (!author_org(c)) {
		*temperror = true;
		return NULL;
	}
	for (i = 1; i < w->n; i++)
		if (w->step[i].answer == DW_RECORD
		    && strcmp(w->step[i].domain, c->org) == 0) {
			*src = DMARC_SRC_ORG;
			return &w->step[i];
		}
	last = &w->step[w->n - 1];
	if (w->stopped && last->rec.psd == DMARC_PSD_Y
	    && strcmp(last->domain, author) != 0) {
		*src = DMARC_SRC_PSD;
		return last;
	}
	return NULL;
}

/* Aligns every identifier decide() may align, so that the module
 * gathering the facts asks every name decide() may read: SPF's, every
 * passing signature's and every one whose check had a DNS error, and the
 * first DMARC_FAILED_WALKS failed ones (failed_aligned reads no more, so
 * a message with many failed signatures cannot spend the DNS budget that
 * its From domain's walk needs). */
static void
gather_identifiers(struct ctx *c)
{
	const struct facts *f = c->facts;
	size_t i, failing = 0;

	(void)aligned3(c, f->spf_domain, false);
	for (i = 0; i < f->n_dkim; i++) {
		const struct facts_dkim *sig = &f->dkim[i];

		if (!sig_passed(c->policy, sig)
		    && failing++ >= DMARC_FAILED_WALKS
		    && sig->result != AG_DKIMR_TEMPERROR)
			continue;
		(void)aligned3(c, sig->d, false);
	}
}

/* Asks the name RFC 7489 would read besides the From domain's (its PSL
 * organizational domain's), which a walk that stopped early did not: a
 * logged message can then be replayed under dmarc_method = rfc7489
 * exactly, at the cost of at most one query. */
static void
gather_psl_org(struct ctx *c)
{
	const struct dmarcwalk *w = &c->d->dmarc.walk;
	char name[DECIDE_DMARC_NAME];
	const char *txt;

	/* RFC 7489 reads it only when the From domain's name holds no
	 * record, and a whole walk (to the top-level domain, from no more
	 * than 8 labels) asked it already. */
	if (w->n == 0 || w->step[0].answer != DW_NONE
	    || (!w->temperror && !w->stopped
		&& dmarcwalk_labels(c->d->from_domain) <= DMARCWALK_MAX))
		return;
	c->from_org = policy_org_domain(c->policy, c->d->from_domain);
	if (c->from_org == NULL || strcmp(c->from_org, c->d->from_domain) == 0)
		return;
	memcpy(name, "_dmarc.", 7);
	copy_domain(name + 7, c->from_org);
	(void)c->dns->txt(c->dns->ctx, name, &txt);
}

/* DMARC as RFC 9989 defines it, from the walk's answers. */
static void
evaluate_dmarc9989(struct ctx *c)
{
	struct decision *d = c->d;
	struct dmarc_eval *e = &d->dmarc;
	const struct dmarcwalk_step *pick;
	enum dmarc_source src = DMARC_SRC_NONE;
	enum facts_exists exists = FACTS_EXISTS_YES;
	enum dmarc_policy other = DMARC_P_NONE;
	struct dmarcrec rec;
	bool temperror, unknown;

	pick = policy_record(c, &src, &temperror);
	if (temperror) {
		const struct dmarcwalk_step *s = &e->walk.step[e->walk.n - 1];

		snprintf(e->why, sizeof(e->why),
		    "DNS lookup of _dmarc.%.200s failed", s->domain);
		dmarc_temperror(c, true);
		return;
	}
	if (e->walk.step[0].answer == DW_SEVERAL)
		snprintf(e->why, sizeof(e->why),
		    "_dmarc.%.200s has several DMARC records: all discarded",
		    d->from_domain);
	if (pick == NULL) {
		add_finding(c, AG_DMARC_NONE, -1);
		return;
	}
	e->source = src;
	set_record(e, pick->domain);
	rec = pick->rec;
	e->psd = rec.psd;
	if (pick->status != DMARCREC_OK) {
		/* P6: no DMARC processing, and no fall-through. */
		e->result = AG_DMARCR_PERMERROR;
		snprintf(e->why, sizeof(e->why), "%.200s: %.79s", e->record,
		    rec.why);
		add_finding(c, AG_DMARC_PERMERROR, -1);
		return;
	}
	e->has_record = true;
	e->tag = DMARC_TAG_P;
	e->published = rec.p;
	if (src != DMARC_SRC_AUTHOR) {
		/* P3: sp= for an existing subdomain, np= for one that
		 * does not exist; the question is asked only when np=
		 * would change the policy (X4). */
		e->tag = rec.has_sp ? DMARC_TAG_SP : DMARC_TAG_P;
		e->published = rec.sp;
		if (rec.has_np && rec.np != rec.sp)
			exists = c->dns->exists(c->dns->ctx, d->from_domain);
		if (exists == FACTS_EXISTS_NO) {
			e->tag = DMARC_TAG_NP;
			e->published = rec.np;
			e->author_missing = true;
		} else if (exists == FACTS_EXISTS_TEMPERROR) {
			other = rec.np;
		}
	}
	e->pct = rec.pct;
	/* D2: pct=0 without t= reads as t=y; other pct values do
	 * nothing. */
	e->testing = rec.has_t ? rec.testing : rec.has_pct && rec.pct == 0;
	e->pct0_testing = e->testing && !rec.has_t;
	e->applied = e->testing ? one_step_down(e->published) : e->published;
	if (align_identifiers(c, &rec, &unknown))
		return;
	if (unknown) {
		/* E3: a pass whose alignment a DNS error left open. */
		snprintf(e->why, sizeof(e->why),
		    "the organizational domain of a passing identifier "
		    "could not be looked up");
		dmarc_temperror(c, false);
		return;
	}
	if (exists == FACTS_EXISTS_TEMPERROR) {
		/* D6: the stricter candidate decides whether it matters. */
		enum dmarc_policy strict
		    = other > e->published ? other : e->published;

		if ((e->testing ? one_step_down(strict) : strict)
		    != DMARC_P_NONE) {
			snprintf(e->why, sizeof(e->why),
			    "whether %.200s exists could not be looked up "
			    "(np=)",
			    d->from_domain);
			/* Nothing aligned passed: only the policy is
			 * unknown, and no pass hides behind it unless an
			 * aligned check did not finish. */
			e->result = AG_DMARCR_TEMPERROR;
			e->pass_unknown = aligned_temperror(c, rec.aspf_strict,
			    rec.adkim_strict);
			add_finding(c, AG_DMARC_TEMPERROR, -1);
			return;
		}
	}
	dmarc_failed(c, &rec);
}

/* DMARC as RFC 7489 defined it: the From domain's record, else its PSL
 * organizational domain's; pct sampling. */
static void
evaluate_dmarc7489(struct ctx *c)
{
	struct decision *d = c->d;
	struct dmarc_eval *e = &d->dmarc;
	const struct facts *f = c->facts;
	char names[2][DECIDE_DMARC_NAME];
	struct dmarcrec rec = { .pct = 100 };
	enum lookup lk = LOOKUP_NONE;
	size_t n, i;
	bool org_record = false, unknown;

	e->rfc7489 = true;
	e->method_forced = !c->policy->dmarc_rfc7489;
	if (c->from_org != NULL)
		copy_domain(e->org_domain, c->from_org);
	n = dmarc_names(d->from_domain, c->from_org, names);
	for (i = 0; i < n; i++) {
		lk = lookup_record(f, names[i], &rec, e->why, sizeof(e->why));
		if (lk != LOOKUP_NONE) {
			memcpy(e->record, names[i], sizeof(e->record));
			copy_domain(e->policy_domain, names[i] + 7);
			org_record = i == 1;
			break;
		}
	}
	switch (lk) {
	case LOOKUP_NONE:
		add_finding(c, AG_DMARC_NONE, -1);
		return;
	case LOOKUP_TEMPERROR:
		dmarc_temperror(c, true);
		return;
	case LOOKUP_PERMERROR:
		e->result = AG_DMARCR_PERMERROR;
		add_finding(c, AG_DMARC_PERMERROR, -1);
		return;
	case LOOKUP_RECORD:
		break;
	}
	e->has_record = true;
	e->source = org_record ? DMARC_SRC_ORG : DMARC_SRC_AUTHOR;
	e->tag = org_record && rec.has_sp ? DMARC_TAG_SP : DMARC_TAG_P;
	e->psd = rec.psd;
	e->published = org_record ? rec.sp : rec.p;
	e->applied = e->published;
	e->pct = rec.pct;
	if (align_identifiers(c, &rec, &unknown))
		return;
	/* RFC 7489 6.6.4: a message outside pct gets the next policy down. */
	if (rec.pct < 100 && sample_percent(f) >= rec.pct) {
		e->sampled_out = true;
		e->applied = one_step_down(e->applied);
	}
	dmarc_failed(c, &rec);
}

void
evaluate_dmarc(struct ctx *c)
{
	c->d->dmarc.evaluated = true;
	c->d->dmarc.result = AG_DMARCR_NONE;
	if (c->rfc9989)
		evaluate_dmarc9989(c);
	else
		evaluate_dmarc7489(c);
	if (c->gather && c->rfc9989) {
		gather_identifiers(c);
		gather_psl_org(c);
	}
	if (c->rfc9989 && c->org_known && !c->org_temperror)
		copy_domain(c->d->dmarc.org_domain, c->org);
}
