/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_dns_check.c: `authgate dns-check DOMAIN [--selector S]... [--json]`:
 * what a domain publishes for mail authentication, checked the way a
 * receiver will use it: the SPF record (syntax, the RFC 7208 limit of ten
 * DNS lookups counted through include and redirect), DKIM keys per
 * selector, the DMARC record (with report addresses and their
 * authorization), and MX. Problems (things that make checks fail or
 * error) give exit status 1; warnings do not.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "mail/dmarcrec.h"
#include "mail/reporturi.h"
#include "mail/spfrec.h"
#include "policy/decide.h"
#include "policy/verdict.h"
#include "util/arena.h"
#include "util/domain.h"
#include "util/sbuf.h"
#include "verify/consent.h"
#include "verify/dkimkey.h"
#include "verify/dmarcq.h"
#include "verify/dns.h"

#define MAX_SELECTORS 16
#define MAX_NOTES     64
#define SPF_MAX_DEPTH 10 /* include/redirect nesting followed */
#define SPF_MAX_VOID  2	 /* RFC 7208 4.6.4 */

static const char usage_dns_check[]
    = "usage: authgate dns-check [--selector S]... [--timeout SECONDS] "
      "[--json] DOMAIN\n"
      "\n"
      "Checks what DOMAIN publishes for mail authentication: its SPF record\n"
      "(syntax, DNS lookups counted through include and redirect against\n"
      "RFC 7208's limit of 10), the DKIM key of each --selector (present,\n"
      "parseable, revoked, key size), its DMARC record (p, sp, pct, rua and\n"
      "ruf addresses and their authorization) and its MX records.\n"
      "\n"
      "  -s, --selector S   check the DKIM key S._domainkey.DOMAIN (repeatable)\n"
      "  -t, --timeout N    seconds to wait for each DNS answer (default 3)\n"
      "  -j, --json         print one JSON object\n"
      "\n"
      "Exit status: 0 no problems (warnings allowed), 1 problems found\n"
      "(including DNS errors), 2 usage error.\n";

struct note {
	const char *check; /* spf, dkim, dmarc, mx */
	bool problem;	   /* false: a warning */
	char text[400];
};

struct dkim_result {
	const char *selector;
	struct dkimkey key;
};

struct state {
	const char *domain;
	unsigned timeout;
	struct arena arena;
	struct note notes[MAX_NOTES];
	size_t n_notes;
	/* SPF */
	const char *spf_status;
	const char *spf_record;
	unsigned spf_lookups;
	unsigned spf_void;
	/* DKIM */
	struct dkim_result dkim[MAX_SELECTORS];
	size_t n_dkim;
	/* DMARC */
	const char *dmarc_status;
	const char *dmarc_name;
	const char *dmarc_record;
	struct dmarcrec dmarc;
	const char *dmarc_org;	  /* the organizational domain, or NULL */
	const char *dmarc_method; /* "rfc9989" or "rfc7489" */
	size_t n_walk;		  /* RFC 9989: the tree walk, in words */
	char walk[DMARCWALK_MAX][320];
	/* MX */
	const char *mx_status;
	struct dnsq_answer mx;
};

static void add_note(struct state *st, const char *check, bool problem,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
add_note(struct state *st, const char *check, bool problem, const char *fmt,
    ...)
{
	struct note *n;
	va_list ap;
	char *p;

	if (st->n_notes == MAX_NOTES)
		return;
	n = &st->notes[st->n_notes++];
	n->check = check;
	n->problem = problem;
	va_start(ap, fmt);
	vsnprintf(n->text, sizeof(n->text), fmt, ap);
	va_end(ap);
	/* Notes quote DNS text: one line each, whatever it holds. */
	for (p = n->text; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void
lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	struct state *st = ctx;

	dnsq_txt(name, st->timeout, &st->arena, a);
}

/* The one SPF record among a name's TXT records, or NULL with *status
 * set to why not. */
static const char *
spf_record_of(struct state *st, const char *name, const char **status)
{
	struct dnsq_answer a;
	const char *found = NULL;
	size_t i, n = 0;

	lookup(st, name, &a);
	switch (a.status) {
	case DNSQ_OK:
		break;
	case DNSQ_NXDOMAIN:
	case DNSQ_NODATA:
		*status = "none";
		return NULL;
	case DNSQ_BADNAME:
		*status = "badname";
		return NULL;
	case DNSQ_TEMPERROR:
		*status = "temperror";
		return NULL;
	}
	for (i = 0; i < a.n_txt; i++)
		if (spfrec_is_spf(a.txt[i])) {
			found = a.txt[i];
			n++;
		}
	*status = n == 0 ? "none" : n > 1 ? "multiple" : "ok";
	return n == 1 ? found : NULL;
}

struct spf_walk {
	struct state *st;
	unsigned depth;
};

static void spf_follow(void *ctx, const char *target, bool redirect);

static void
spf_follow(void *ctx, const char *target, bool redirect)
{
	struct spf_walk *w = ctx, inner;
	struct state *st = w->st;
	const char *status, *rec;
	const char *term = redirect ? "redirect=" : "include:";

	if (strchr(target, '%') != NULL) {
		add_note(st, "spf", false,
		    "%s%.200s uses macros; its lookups are not counted", term,
		    target);
		return;
	}
	if (w->depth >= SPF_MAX_DEPTH
	    || st->spf_lookups > SPFREC_MAX_LOOKUPS + 10)
		return; /* already far over the limit, or a loop */
	rec = spf_record_of(st, target, &status);
	if (rec == NULL) {
		if (strcmp(status, "none") == 0)
			st->spf_void++;
		add_note(st, "spf", true, "%s%.200s: %s", term, target,
		    strcmp(status, "none") == 0 ?
			"no SPF record there (a permerror for every "
			"receiver)" :
			strcmp(status, "multiple") == 0 ?
			"more than one SPF record there (permerror)" :
			"the lookup failed (temperror)");
		return;
	}
	if (!spfrec_syntax_ok(rec) && !redirect)
		add_note(st, "spf", true,
		    "include:%.200s has a broken record: %.200s", target, rec);
	inner.st = st;
	inner.depth = w->depth + 1;
	st->spf_lookups += spfrec_walk(rec, spf_follow, &inner);
}

static void
check_spf(struct state *st)
{
	struct spf_walk w = { st, 0 };
	const char *status;

	st->spf_record = spf_record_of(st, st->domain, &status);
	st->spf_status = status;
	if (st->spf_record == NULL) {
		if (strcmp(status, "none") == 0)
			add_note(st, "spf", true,
			    "no SPF record: publish one at %s, e.g. \"v=spf1 "
			    "mx -all\"",
			    st->domain);
		else if (strcmp(status, "multiple") == 0)
			add_note(st, "spf", true,
			    "more than one SPF record: receivers treat that as "
			    "permerror; merge them into one");
		else
			add_note(st, "spf", true, "the SPF lookup failed (%s)",
			    status);
		return;
	}
	if (!spfrec_syntax_ok(st->spf_record)) {
		st->spf_status = "syntax";
		add_note(st, "spf", true,
		    "the SPF record has a malformed term (permerror)");
	}
	st->spf_lookups += spfrec_walk(st->spf_record, spf_follow, &w);
	if (st->spf_lookups > SPFREC_MAX_LOOKUPS) {
		if (strcmp(st->spf_status, "ok") == 0)
			st->spf_status = "too_many_lookups";
		add_note(st, "spf", true,
		    "evaluating the record takes %u DNS lookups, more than "
		    "RFC 7208's %d (permerror); flatten includes or drop "
		    "unused ones",
		    st->spf_lookups, SPFREC_MAX_LOOKUPS);
	}
	if (st->spf_void > SPF_MAX_VOID)
		add_note(st, "spf", true,
		    "%u includes lead nowhere, more than the %d void "
		    "lookups RFC 7208 allows",
		    st->spf_void, SPF_MAX_VOID);
	if (strstr(st->spf_record, "+all") != NULL)
		add_note(st, "spf", true,
		    "+all lets every host on the Internet send as %s",
		    st->domain);
	else if (strstr(st->spf_record, "all") == NULL
	    && strstr(st->spf_record, "redirect=") == NULL)
		add_note(st, "spf", false,
		    "the record ends without an all term: unlisted hosts get "
		    "neutral");
}

static void
check_dkim(struct state *st, const char *const *selectors, size_t n)
{
	size_t i;

	if (n == 0)
		add_note(st, "dkim", false,
		    "no --selector given: DKIM keys cannot be listed from DNS; "
		    "name the s= of a signature");
	for (i = 0; i < n && i < MAX_SELECTORS; i++) {
		struct dkim_result *r = &st->dkim[st->n_dkim++];

		r->selector = selectors[i];
		dkimkey_fetch(selectors[i], st->domain, lookup, st, &r->key);
		if (r->key.status != DKIMKEY_OK)
			add_note(st, "dkim", true,
			    "%.100s._domainkey.%.200s: %s", selectors[i],
			    st->domain, r->key.why);
		else if (!r->key.ed25519 && r->key.bits < 2048)
			add_note(st, "dkim", false,
			    "%.100s._domainkey.%.200s: %u-bit RSA is allowed but "
			    "2048 bits is the current advice",
			    selectors[i], st->domain, r->key.bits);
		if (r->key.testing)
			add_note(st, "dkim", false,
			    "%.100s._domainkey.%.200s has t=y: receivers may "
			    "treat its signatures as unsigned",
			    selectors[i], st->domain);
	}
}

/* RFC 7489 7.1: a report address outside the domain needs the
 * receiving domain's consent at DOMAIN._report._dmarc.RECEIVER. */
static void
check_report_uris(struct state *st, const char *tag, const char *list,
    size_t len, const char *org)
{
	const char *p = list, *end = list + len;
	struct reporturi u;
	char name[600];

	while (reporturi_next(&p, end, &u)) {
		if (u.problem != REPORTURI_OK) {
			add_note(st, "dmarc", true,
			    "%s entry \"%.*s\" is not a usable mailto: address",
			    tag, (int)(u.len > 100 ? 100 : u.len), u.text);
			continue;
		}
		if (domain_within(u.domain, org))
			continue;
		switch (consent_check_plain(st->domain, u.domain, st->timeout,
		    name, sizeof(name))) {
		case CONSENT_YES:
			break;
		case CONSENT_TEMPERROR:
			add_note(st, "dmarc", true,
			    "%s: the lookup of %.300s failed (temperror)", tag,
			    name);
			break;
		case CONSENT_NO:
			add_note(st, "dmarc", true,
			    "%s sends reports to %.200s, which has not agreed "
			    "to take them: publish \"v=DMARC1\" at %.300s",
			    tag, u.domain, name);
			break;
		}
	}
}

static void check_dmarc_tags(struct state *st, const struct policy *policy,
    const char *at);

/* RFC 9989: the From domain's evaluation as the module makes it (the
 * same walk, through verify/dmarcq), for a message from the domain. */
static void
check_dmarc9989(struct state *st, const struct policy *policy)
{
	struct facts *f = malloc(sizeof(*f));
	struct decision *d = malloc(sizeof(*d));
	const struct dmarc_eval *e;
	const struct dmarcwalk_step *rec_step = NULL;
	char from[DOMAIN_MAX_LEN + 16];
	size_t i;

	if (f == NULL || d == NULL) {
		free(f);
		free(d);
		st->dmarc_status = "temperror";
		add_note(st, "dmarc", true, "out of memory");
		return;
	}
	facts_init(f);
	snprintf(from, sizeof(from), "<postmaster@%s>", st->domain);
	f->from[0] = arena_strdup(&st->arena, from);
	f->n_from = 1;
	dmarcq_collect(policy, f, &st->arena, lookup, st);
	decide(policy, f, d);
	e = &d->dmarc;
	st->dmarc_method = "rfc9989";
	for (i = 0; i < e->walk.n; i++) {
		verdict_walk_step(d, i, st->walk[i], sizeof(st->walk[i]));
		if (e->walk.step[i].answer == DW_RECORD
		    && strcmp(e->walk.step[i].domain, e->policy_domain) == 0)
			rec_step = &e->walk.step[i];
	}
	st->n_walk = e->walk.n;
	if (e->org_domain[0] != '\0')
		st->dmarc_org = arena_strdup(&st->arena, e->org_domain);
	st->dmarc_status = e->result == AG_DMARCR_TEMPERROR ? "temperror" :
	    e->result == AG_DMARCR_PERMERROR		    ? "invalid" :
	    e->has_record				    ? "ok" :
							      "none";
	if (e->walk.n > 0 && e->walk.step[0].answer == DW_SEVERAL) {
		st->dmarc_status = "multiple";
		add_note(st, "dmarc", true,
		    "_dmarc.%s has several DMARC records; receivers discard "
		    "them all and look further up",
		    st->domain);
	}
	if (rec_step != NULL) {
		st->dmarc_name = arena_strdup(&st->arena, e->record);
		st->dmarc_record = arena_strdup(&st->arena, rec_step->txt);
		(void)dmarcrec_parse(st->dmarc_record, &st->dmarc);
	}
	if (e->result == AG_DMARCR_TEMPERROR) {
		add_note(st, "dmarc", true, "%s (temperror)", e->why);
		goto out;
	}
	if (e->result == AG_DMARCR_PERMERROR) {
		add_note(st, "dmarc", true, "%s", e->why);
		goto out;
	}
	if (!e->has_record) {
		if (strcmp(st->dmarc_status, "multiple") != 0)
			add_note(st, "dmarc", true,
			    "no DMARC record at _dmarc.%s or above it: "
			    "publish one (start with \"v=DMARC1; p=none; "
			    "rua=mailto:...\")",
			    st->domain);
		goto out;
	}
	if (e->source == DMARC_SRC_ORG)
		add_note(st, "dmarc", false,
		    "no record at _dmarc.%s: the organizational domain's "
		    "record (%s) applies, its sp= or np=",
		    st->domain, e->record);
	else if (e->source == DMARC_SRC_PSD)
		add_note(st, "dmarc", false,
		    "no record at _dmarc.%s nor at its organizational "
		    "domain: the public suffix domain's record (%s, psd=y) "
		    "applies",
		    st->domain, e->record);
	check_dmarc_tags(st, policy, e->policy_domain);
out:
	free(f);
	free(d);
}

/* The warnings about one DMARC record's tags, and its report
 * addresses (checked against the domain the record is at). */
static void
check_dmarc_tags(struct state *st, const struct policy *policy, const char *at)
{
	const struct dmarcrec *r = &st->dmarc;

	if (r->p == DMARC_P_NONE)
		add_note(st, "dmarc", false,
		    "p=none: receivers only report, forged mail is delivered");
	if (r->testing)
		add_note(st, "dmarc", false,
		    "t=y: testing; receivers apply one step less than the "
		    "policy (reject as quarantine, quarantine as none)");
	if (r->has_pct && r->pct == 0 && !r->has_t)
		add_note(st, "dmarc", false,
		    "pct=0 is historic (RFC 9989); authgate and others read "
		    "it as t=y: publish t=y instead");
	else if (r->has_pct && r->pct < 100)
		add_note(st, "dmarc", false,
		    "pct=%u is historic (RFC 9989): receivers no longer "
		    "sample, the policy applies to all failing mail",
		    r->pct);
	if (r->has_rf || r->has_ri)
		add_note(st, "dmarc", false,
		    "%s historic (RFC 9989) and ignored",
		    r->has_rf && r->has_ri ? "rf= and ri= are" :
			r->has_rf	   ? "rf= is" :
					     "ri= is");
	if (r->psd == DMARC_PSD_U
	    && (strchr(at, '.') == NULL
		|| policy_org_domain(policy, at) == NULL))
		add_note(st, "dmarc", false,
		    "the record at _dmarc.%s is a public suffix's but has no "
		    "psd=: add psd=y (RFC 9989), or receivers take %s for "
		    "the organizational domain of every domain below it",
		    at, at);
	if (r->rua == NULL)
		add_note(st, "dmarc", false,
		    "no rua=: nobody receives aggregate reports");
	else
		check_report_uris(st, "rua", r->rua, r->rua_len, at);
	if (r->ruf != NULL)
		check_report_uris(st, "ruf", r->ruf, r->ruf_len, at);
}

/* RFC 7489 (dmarc_method = rfc7489): the From domain's record, else its
 * PSL organizational domain's. */
static void
check_dmarc7489(struct state *st, const struct policy *policy)
{
	char names[2][DECIDE_DMARC_NAME];
	struct dnsq_answer a;
	size_t n, i, j, found;

	n = decide_dmarc_names(policy, st->domain, names);
	st->dmarc_status = "none";
	for (i = 0; i < n; i++) {
		lookup(st, names[i], &a);
		if (a.status == DNSQ_TEMPERROR) {
			st->dmarc_status = "temperror";
			add_note(st, "dmarc", true,
			    "the lookup of %s failed (temperror)", names[i]);
			return;
		}
		found = 0;
		for (j = 0; j < a.n_txt; j++) {
			struct dmarcrec rec;
			enum dmarcrec_status s = dmarcrec_parse(a.txt[j], &rec);

			if (s == DMARCREC_NOT_DMARC)
				continue;
			found++;
			st->dmarc_record = a.txt[j];
			st->dmarc = rec;
			st->dmarc_status = s == DMARCREC_OK ? "ok" : "invalid";
		}
		if (found == 0)
			continue;
		st->dmarc_name = arena_strdup(&st->arena, names[i]);
		if (found > 1) {
			st->dmarc_status = "multiple";
			add_note(st, "dmarc", true,
			    "%s has %zu DMARC records; receivers use none of "
			    "them",
			    names[i], found);
		} else if (strcmp(st->dmarc_status, "invalid") == 0) {
			add_note(st, "dmarc", true, "%s: %s", names[i],
			    st->dmarc.why);
		}
		break;
	}
	if (st->dmarc_name == NULL) {
		add_note(st, "dmarc", true,
		    "no DMARC record: publish one at _dmarc.%s (start with "
		    "\"v=DMARC1; p=none; rua=mailto:...\")",
		    st->domain);
		return;
	}
	if (strcmp(st->dmarc_status, "ok") != 0)
		return;
	if (i == 1)
		add_note(st, "dmarc", false,
		    "no record at _dmarc.%s: the organizational domain's "
		    "record applies (its sp=)",
		    st->domain);
	check_dmarc_tags(st, policy, names[i] + 7);
}

static void
check_mx(struct state *st)
{
	dnsq_mx(st->domain, st->timeout, &st->arena, &st->mx);
	st->mx_status = dnsq_status_name(st->mx.status);
	switch (st->mx.status) {
	case DNSQ_OK:
		if (st->mx.n_txt == 1 && strcmp(st->mx.txt[0], "0 .") == 0) {
			st->mx_status = "null";
			add_note(st, "mx", false,
			    "null MX (RFC 7505): the domain accepts no mail, so "
			    "bounces and DMARC reports to it fail");
		}
		break;
	case DNSQ_NXDOMAIN:
		add_note(st, "mx", true, "%s does not exist", st->domain);
		break;
	case DNSQ_NODATA:
		add_note(st, "mx", false,
		    "no MX records: mail goes to the domain's address records "
		    "(RFC 5321 5.1)");
		break;
	case DNSQ_BADNAME:
		add_note(st, "mx", true, "not a name DNS can be asked about");
		break;
	case DNSQ_TEMPERROR:
		add_note(st, "mx", true, "the MX lookup failed (temperror)");
		break;
	}
}

static size_t
count_notes(const struct state *st, bool problem)
{
	size_t i, n = 0;

	for (i = 0; i < st->n_notes; i++)
		n += st->notes[i].problem == problem;
	return n;
}

static void
print_notes(const struct state *st, const char *check)
{
	size_t i;

	for (i = 0; i < st->n_notes; i++)
		if (strcmp(st->notes[i].check, check) == 0)
			cli_printf("       %s %s\n",
			    st->notes[i].problem ? "!" : "~",
			    st->notes[i].text);
}

static void
print_human(const struct state *st)
{
	const struct dmarcrec *r = &st->dmarc;
	struct arena ar; /* DNS text, each printed inside one line */
	size_t i;

	arena_init(&ar);
	cli_printf("dns-check %s\n\n", st->domain);
	cli_printf("SPF    %-9s %s\n", st->spf_status,
	    st->spf_record != NULL ? cli_flat(&ar, st->spf_record) : "");
	if (st->spf_record != NULL)
		cli_printf("                 %u DNS lookups of %d\n",
		    st->spf_lookups, SPFREC_MAX_LOOKUPS);
	print_notes(st, "spf");
	for (i = 0; i < st->n_dkim; i++) {
		const struct dkimkey *k = &st->dkim[i].key;

		cli_printf("DKIM   %-9s %s._domainkey.%s",
		    dkimkey_status_name(k->status), st->dkim[i].selector,
		    st->domain);
		if (k->status == DKIMKEY_OK)
			cli_printf(": %s, %u bits%s",
			    k->ed25519 ? "ed25519" : "rsa", k->bits,
			    k->testing ? ", testing (t=y)" : "");
		cli_printf("\n");
	}
	if (st->n_dkim == 0)
		cli_printf("DKIM   -\n");
	print_notes(st, "dkim");
	cli_printf("DMARC  %-9s %s", st->dmarc_status,
	    st->dmarc_name != NULL ? st->dmarc_name : "");
	if (strcmp(st->dmarc_status, "ok") == 0) {
		cli_printf(": p=%s sp=%s np=%s t=%c psd=%c adkim=%c aspf=%c",
		    dmarcrec_policy_name(r->p), dmarcrec_policy_name(r->sp),
		    dmarcrec_policy_name(r->np), r->testing ? 'y' : 'n',
		    "uyn"[r->psd], r -> adkim_strict ? 's' : 'r',
		    r->aspf_strict ? 's' : 'r');
		if (r->rua != NULL)
			cli_printf("\n                 rua=%s",
			    cli_flat(&ar,
				arena_strndup(&ar, r->rua, r->rua_len)));
		if (r->ruf != NULL)
			cli_printf("\n                 ruf=%s",
			    cli_flat(&ar,
				arena_strndup(&ar, r->ruf, r->ruf_len)));
	}
	cli_printf("\n");
	if (st->dmarc_org != NULL)
		cli_printf("                 organizational domain %s (%s)\n",
		    st->dmarc_org,
		    strcmp(st->dmarc_method, "rfc9989") == 0 ?
			"RFC 9989 tree walk" :
			"public suffix list");
	for (i = 0; i < st->n_walk; i++)
		cli_printf("                 %s %s\n",
		    i == 0 ? "walk:" : "     ", st->walk[i]);
	print_notes(st, "dmarc");
	cli_printf("MX     %-9s", st->mx_status);
	for (i = 0; i < st->mx.n_txt; i++)
		cli_printf("%s%s", i == 0 ? " " : ", ",
		    cli_flat(&ar, st->mx.txt[i]));
	cli_printf("\n");
	print_notes(st, "mx");
	cli_printf("\n%zu problem%s, %zu warning%s\n", count_notes(st, true),
	    count_notes(st, true) == 1 ? "" : "s", count_notes(st, false),
	    count_notes(st, false) == 1 ? "" : "s");
	arena_free(&ar);
}

static void
json_notes(const struct state *st, bool problem, struct sbuf *sb)
{
	size_t i;
	bool first = true;

	for (i = 0; i < st->n_notes; i++) {
		if (st->notes[i].problem != problem)
			continue;
		sbuf_puts(sb, first ? "{\"check\":" : ",{\"check\":");
		sbuf_json_str(sb, st->notes[i].check);
		sbuf_puts(sb, ",\"text\":");
		sbuf_json_str(sb, st->notes[i].text);
		sbuf_putc(sb, '}');
		first = false;
	}
}

static void
print_json(const struct state *st)
{
	const struct dmarcrec *r = &st->dmarc;
	struct sbuf sb;
	size_t i;

	sbuf_init(&sb, (size_t)1 << 20);
	sbuf_puts(&sb, "{\"domain\":");
	sbuf_json_str(&sb, st->domain);
	sbuf_puts(&sb, ",\"spf\":{\"status\":");
	sbuf_json_str(&sb, st->spf_status);
	sbuf_puts(&sb, ",\"record\":");
	sbuf_json_str(&sb, st->spf_record);
	sbuf_printf(&sb, ",\"lookups\":%u},\"dkim\":[", st->spf_lookups);
	for (i = 0; i < st->n_dkim; i++) {
		const struct dkimkey *k = &st->dkim[i].key;

		sbuf_puts(&sb, i > 0 ? ",{\"selector\":" : "{\"selector\":");
		sbuf_json_str(&sb, st->dkim[i].selector);
		sbuf_puts(&sb, ",\"status\":");
		sbuf_json_str(&sb, dkimkey_status_name(k->status));
		sbuf_puts(&sb, ",\"key_type\":");
		sbuf_json_str(&sb,
		    k->status != DKIMKEY_OK ? NULL :
			k->ed25519	    ? "ed25519" :
					      "rsa");
		sbuf_printf(&sb, ",\"bits\":%u,\"testing\":%s}", k->bits,
		    k->testing ? "true" : "false");
	}
	sbuf_puts(&sb, "],\"dmarc\":{\"status\":");
	sbuf_json_str(&sb, st->dmarc_status);
	sbuf_puts(&sb, ",\"name\":");
	sbuf_json_str(&sb, st->dmarc_name);
	sbuf_puts(&sb, ",\"record\":");
	sbuf_json_str(&sb, st->dmarc_record);
	if (strcmp(st->dmarc_status, "ok") == 0) {
		sbuf_puts(&sb, ",\"p\":");
		sbuf_json_str(&sb, dmarcrec_policy_name(r->p));
		sbuf_puts(&sb, ",\"sp\":");
		sbuf_json_str(&sb, dmarcrec_policy_name(r->sp));
		sbuf_puts(&sb, ",\"np\":");
		sbuf_json_str(&sb, dmarcrec_policy_name(r->np));
		sbuf_printf(&sb, ",\"t\":\"%c\",\"psd\":\"%c\"",
		    r->testing ? 'y' : 'n', "uyn"[r->psd]);
		sbuf_printf(&sb, ",\"pct\":%u,\"rua\":", r->pct);
		if (r->rua != NULL)
			sbuf_json_strn(&sb, r->rua, r->rua_len);
		else
			sbuf_puts(&sb, "null");
		sbuf_puts(&sb, ",\"ruf\":");
		if (r->ruf != NULL)
			sbuf_json_strn(&sb, r->ruf, r->ruf_len);
		else
			sbuf_puts(&sb, "null");
	}
	sbuf_puts(&sb, ",\"method\":");
	sbuf_json_str(&sb, st->dmarc_method);
	sbuf_puts(&sb, ",\"org_domain\":");
	sbuf_json_str(&sb, st->dmarc_org);
	sbuf_puts(&sb, ",\"walk\":[");
	for (i = 0; i < st->n_walk; i++) {
		if (i > 0)
			sbuf_putc(&sb, ',');
		sbuf_json_str(&sb, st->walk[i]);
	}
	sbuf_putc(&sb, ']');
	sbuf_puts(&sb, "},\"mx\":{\"status\":");
	sbuf_json_str(&sb, st->mx_status);
	sbuf_puts(&sb, ",\"hosts\":[");
	for (i = 0; i < st->mx.n_txt; i++) {
		if (i > 0)
			sbuf_putc(&sb, ',');
		sbuf_json_str(&sb, st->mx.txt[i]);
	}
	sbuf_puts(&sb, "]},\"problems\":[");
	json_notes(st, true, &sb);
	sbuf_puts(&sb, "],\"warnings\":[");
	json_notes(st, false, &sb);
	sbuf_puts(&sb, "]}");
	printf("%s\n", sbuf_cstr(&sb));
	sbuf_free(&sb);
}

int
cmd_dns_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "selector", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *selectors[MAX_SELECTORS];
	size_t n_sel = 0, i;
	struct policy_diag diag;
	struct policy *policy;
	struct state *st;
	char dom[DOMAIN_MAX_LEN + 1], err[128], *end;
	bool json = false;
	unsigned long timeout = 3;
	int c, rc;

	while ((c = getopt_long(argc, argv, "s:t:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (n_sel == MAX_SELECTORS) {
				fprintf(stderr,
				    "authgate: at most %d selectors\n",
				    MAX_SELECTORS);
				return CLI_EXIT_USAGE;
			}
			selectors[n_sel++] = optarg;
			break;
		case 't':
			timeout = strtoul(optarg, &end, 10);
			if (*end != '\0' || timeout < 1
			    || timeout > DNSQ_MAX_TIMEOUT) {
				fprintf(stderr,
				    "authgate: --timeout must be 1 to %d "
				    "seconds\n",
				    DNSQ_MAX_TIMEOUT);
				return CLI_EXIT_USAGE;
			}
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_dns_check, stdout);
			return 0;
		default:
			fputs(usage_dns_check, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_dns_check, stderr);
		return CLI_EXIT_USAGE;
	}
	if (domain_normalize(argv[optind], strlen(argv[optind]), dom, err,
		sizeof(err))
	    != 0) {
		fprintf(stderr, "authgate: %s: %s\n", argv[optind], err);
		return CLI_EXIT_USAGE;
	}
	for (i = 0; i < n_sel; i++)
		if (selectors[i][0] == '\0'
		    || strspn(selectors[i],
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789-_.")
			!= strlen(selectors[i])) {
			fprintf(stderr, "authgate: bad selector '%s'\n",
			    selectors[i]);
			return CLI_EXIT_USAGE;
		}
	/* The built-in policy brings the public suffix list, for the
	 * organizational domain's DMARC record. */
	policy = policy_load_buffer("(defaults)", "", 0, &diag);
	if (policy == NULL) {
		cli_print_diag("(defaults)", &diag, true);
		return CLI_EXIT_USAGE;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		policy_free(policy);
		fprintf(stderr, "authgate: out of memory\n");
		return CLI_EXIT_USAGE;
	}
	arena_init(&st->arena);
	st->domain = dom;
	st->timeout = (unsigned)timeout;
	check_spf(st);
	check_dkim(st, selectors, n_sel);
	st->dmarc_method = "rfc7489";
	if (policy->dmarc_rfc7489)
		check_dmarc7489(st, policy);
	else
		check_dmarc9989(st, policy);
	check_mx(st);
	if (json)
		print_json(st);
	else
		print_human(st);
	rc = count_notes(st, true) > 0 ? CLI_EXIT_INVALID : 0;
	for (i = 0; i < st->n_dkim; i++)
		dkimkey_free(&st->dkim[i].key);
	arena_free(&st->arena);
	free(st);
	policy_free(policy);
	return rc;
}
