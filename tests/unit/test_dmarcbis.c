/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_dmarcbis.c: the RFC 9989 test vectors of the brief (DMARCBIS.md
 * section 5, V01-V62), each decided by decide() from facts whose "dns"
 * is the vector's zone, plus vectors of our own for each rule family
 * (W walk, O organizational domain, P policy discovery, A alignment,
 * X existence and np, T testing, E DNS errors); the names the module's
 * gathering asks (through decide_dmarc_gather with a recording DNS); and
 * mail/dmarcwalk.c directly (targets of W1, O1-O5 over a fake zone).
 */
#include "helpers.h"
#include "mail/dmarcwalk.h"
#include "policy/verdict.h"

/* One vector: the zone, the message, and what decide() must say. */
struct vec {
	const char *id;
	const char *policy; /* NULL: the defaults (rfc9989) */
	const char *from;   /* the From domain */
	const char *dns;    /* the "dns" members, single-quoted JSON */
	const char *exists; /* the "exists" members, or NULL */
	const char *spf;    /* SPF result ("pass", ...); NULL: none */
	const char *spf_domain;
	const char *dkim_d;   /* one signature's d=, or NULL */
	const char *dkim_res; /* its result */
	enum ag_dmarc result;
	const char *policy_domain; /* "" without a record */
	const char *org;	   /* NULL: not checked */
	enum dmarc_source source;
	enum dmarc_tag tag;
	enum dmarc_policy published;
	enum dmarc_policy applied;
	bool testing;
	bool pct0;
	int cls; /* the DMARC finding expected, or -1 for none */
	/* The author walk, in order (NULL-terminated); queries[0] NULL:
	 * not checked. */
	const char *queries[DMARCWALK_MAX + 1];
};

/* A failing message: SPF passes for a domain unrelated to the author,
 * which makes decide() walk to the author's organizational domain. */
#define UNREL "pass", "unrelated.test", NULL, NULL

static const char *
dmarc_result_name(enum ag_dmarc r)
{
	static const char *const n[]
	    = { "pass", "fail", "none", "temperror", "permerror" };

	return (size_t)r < sizeof(n) / sizeof(n[0]) ? n[r] : "?";
}

/* Decides the vector's facts and checks every expectation it states. */
static void
check_vec(const struct vec *v)
{
	char facts[4096], dkim[512], exists[512];
	struct policy *p = load_ok(v->policy != NULL ? v->policy : "");
	struct arena arena;
	struct decision d;
	struct facts f;
	const struct dmarc_eval *e = &d.dmarc;
	size_t i;

	dkim[0] = '\0';
	if (v->dkim_d != NULL)
		snprintf(dkim, sizeof(dkim),
		    "{'d':'%s','s':'sel','a':'rsa-sha256','bits':2048,"
		    "'result':'%s'}",
		    v->dkim_d, v->dkim_res);
	exists[0] = '\0';
	if (v->exists != NULL)
		snprintf(exists, sizeof(exists), ",'exists':{%s}", v->exists);
	snprintf(facts, sizeof(facts),
	    "{'client':{'ip':'203.0.113.7','helo':'mx.h.example',"
	    "'authenticated':false},'mail_from':'b@%s',"
	    "'from':['a@%s'],'spf':{'result':'%s','domain':'%s'},"
	    "'dkim':[%s],'arc':{'result':'none','instances':[]},"
	    "'dns':{%s}%s}",
	    v->spf_domain != NULL ? v->spf_domain : "unrelated.test", v->from,
	    v->spf != NULL ? v->spf : "none",
	    v->spf_domain != NULL ? v->spf_domain : "unrelated.test", dkim,
	    v->dns, exists);
	arena_init(&arena);
	facts_ok(&f, &arena, J(facts));
	decide(p, &f, &d);
	if (e->result != v->result)
		fail_msg("%s: result %s, want %s (%s)", v->id,
		    dmarc_result_name(e->result), dmarc_result_name(v->result),
		    e->why);
	if (strcmp(e->policy_domain, v->policy_domain) != 0)
		fail_msg("%s: policy domain '%s', want '%s'", v->id,
		    e->policy_domain, v->policy_domain);
	if (v->org != NULL && strcmp(e->org_domain, v->org) != 0)
		fail_msg("%s: org domain '%s', want '%s'", v->id, e->org_domain,
		    v->org);
	if (v->policy_domain[0] != '\0' && v->result != AG_DMARCR_PERMERROR) {
		if (e->source != v->source)
			fail_msg("%s: source %d, want %d", v->id, e->source,
			    v->source);
		if (e->tag != v->tag)
			fail_msg("%s: tag %d, want %d", v->id, e->tag, v->tag);
		if (e->published != v->published || e->applied != v->applied)
			fail_msg("%s: published %s applied %s, want %s %s",
			    v->id, dmarcrec_policy_name(e->published),
			    dmarcrec_policy_name(e->applied),
			    dmarcrec_policy_name(v->published),
			    dmarcrec_policy_name(v->applied));
		if (e->testing != v->testing || e->pct0_testing != v->pct0)
			fail_msg("%s: testing %d pct0 %d, want %d %d", v->id,
			    e->testing, e->pct0_testing, v->testing, v->pct0);
	}
	if (v->cls >= 0 && finding_of(&d, (enum ag_class)v->cls) == NULL)
		fail_msg("%s: no %s finding (class %s)", v->id,
		    ag_class_name((enum ag_class)v->cls),
		    verdict_class_name(&d));
	if (v->cls < 0)
		for (i = 0; i < d.n_findings; i++)
			if (d.findings[i].cls >= AG_DMARC_REJECT
			    && d.findings[i].cls <= AG_DMARC_PERMERROR)
				fail_msg("%s: unexpected %s", v->id,
				    ag_class_name(d.findings[i].cls));
	if (v->queries[0] != NULL) {
		for (i = 0; v->queries[i] != NULL; i++) {
			if (i >= e->walk.n)
				fail_msg("%s: walk asked %zu names, want %s "
					 "next",
				    v->id, e->walk.n, v->queries[i]);
			if (strcmp(e->walk.step[i].domain, v->queries[i]) != 0)
				fail_msg("%s: walk step %zu is %s, want %s",
				    v->id, i, e->walk.step[i].domain,
				    v->queries[i]);
		}
		if (e->walk.n != i)
			fail_msg("%s: walk asked %zu names, want %zu", v->id,
			    e->walk.n, i);
	}
	arena_free(&arena);
	policy_free(p);
}

#define R(dom, txt) "'_dmarc." dom "':'" txt "'"
#define Z	    "dmarcwalk.gushi.org"
#define SRC_A	    DMARC_SRC_AUTHOR
#define SRC_O	    DMARC_SRC_ORG
#define SRC_P	    DMARC_SRC_PSD
#define T_P	    DMARC_TAG_P
#define T_SP	    DMARC_TAG_SP
#define T_NP	    DMARC_TAG_NP
#define NONE	    DMARC_P_NONE
#define QUAR	    DMARC_P_QUARANTINE
#define REJ	    DMARC_P_REJECT
#define PASS	    AG_DMARCR_PASS
#define FAIL	    AG_DMARCR_FAIL
#define TEMP	    AG_DMARCR_TEMPERROR
#define PERM	    AG_DMARCR_PERMERROR
#define C_REJ	    AG_DMARC_REJECT
#define C_QUAR	    AG_DMARC_QUARANTINE
#define C_FAIL	    AG_DMARC_FAIL

#define V13_15 "a.b.c.d.e.f.g.h.i.j.k.example.com"

/* ---- DMARCBIS.md section 5, as the brief states them ---- */

static const struct vec brief[] = {
	/* 5.1 walk, organizational domain, policy record */
	{ "V01", NULL, "example.com", R("example.com", "v=DMARC1; p=reject"),
	    NULL, UNREL, FAIL, "example.com", "example.com", SRC_A, T_P, REJ,
	    REJ, false, false, C_REJ, { "example.com", "com" } },
	{ "V02", NULL, V13_15,
	    R("example.com", "v=DMARC1; p=quarantine; sp=reject") "," R(
		"signing.example.com", "v=DMARC1; p=none"),
	    NULL, UNREL, FAIL, "example.com", "example.com", SRC_O, T_SP, REJ,
	    REJ, false, false, C_REJ,
	    { V13_15, "g.h.i.j.k.example.com", "h.i.j.k.example.com",
		"i.j.k.example.com", "j.k.example.com", "k.example.com",
		"example.com", "com" } },
	{ "V06", NULL, "a.mail.example.com",
	    R("mail.example.com", "v=DMARC1; p=none") "," R("example.com",
		"v=DMARC1; p=reject; sp=quarantine"),
	    NULL, UNREL, FAIL, "example.com", "example.com", SRC_O, T_SP, QUAR,
	    QUAR, false, false, C_QUAR,
	    { "a.mail.example.com", "mail.example.com", "example.com",
		"com" } },
	{ "V07", NULL, "a.mail.example.com",
	    R("mail.example.com",
		"v=DMARC1; p=reject; psd=n") "," R("example.com",
		"v=DMARC1; p=none"),
	    NULL, UNREL, FAIL, "mail.example.com", "mail.example.com", SRC_O,
	    T_P, REJ, REJ, false, false, C_REJ,
	    { "a.mail.example.com", "mail.example.com" } },
	{ "V08", NULL, "a.mail.example.com",
	    R("com", "v=DMARC1; p=reject; sp=quarantine; psd=y"), NULL, UNREL,
	    FAIL, "com", "example.com", SRC_P, T_SP, QUAR, QUAR, false, false,
	    C_QUAR,
	    { "a.mail.example.com", "mail.example.com", "example.com",
		"com" } },
	{ "V10", NULL, "sub.anchor.dmarctest.net",
	    R("anchor.dmarctest.net",
		"v=DMARC1; p=none; psd=n; rua=mailto:r@dmarctest.net"),
	    NULL, UNREL, FAIL, "anchor.dmarctest.net", "anchor.dmarctest.net",
	    SRC_O, T_P, NONE, NONE, false, false, C_FAIL,
	    { "sub.anchor.dmarctest.net", "anchor.dmarctest.net" } },
	{ "V13", NULL, "sub.nopsd." Z,
	    R(Z, "v=DMARC1; p=reject; psd=y;") "," R("nopsd." Z,
		"v=DMARC1; p=quarantine;"),
	    NULL, UNREL, FAIL, "nopsd." Z, "nopsd." Z, SRC_O, T_P, QUAR, QUAR,
	    false, false, C_QUAR, { "sub.nopsd." Z, "nopsd." Z, Z } },
	{ "V16", NULL, "multirecord." Z,
	    R(Z, "v=DMARC1; p=reject; psd=y;") ",'_dmarc.multirecord." Z
					       "':['v=DMARC1; p=reject;',"
					       "'v=DMARC1; p=quarantine;']",
	    NULL, UNREL, FAIL, Z, "multirecord." Z, SRC_P, T_P, REJ, REJ, false,
	    false, C_REJ, { "multirecord." Z, Z } },
	{ "V18", NULL, "bank", R("bank", "v=DMARC1; p=reject; psd=y"), NULL,
	    UNREL, FAIL, "bank", "bank", SRC_A, T_P, REJ, REJ, false, false,
	    C_REJ, { "bank" } },
	/* V19 is not shown in the brief; our reading of it: a PSD record
	 * with sp and np, for an existing subdomain (sp) ... */
	{ "V19", NULL, "www.bank",
	    R("bank", "v=DMARC1; p=none; sp=quarantine; np=reject; psd=y"),
	    "'www.bank':'yes'", UNREL, FAIL, "bank", "www.bank", SRC_P, T_SP,
	    QUAR, QUAR, false, false, C_QUAR, { "www.bank", "bank" } },
	/* ... and V20, its non-existent one (np). */
	{ "V20", NULL, "ghost.bank",
	    R("bank", "v=DMARC1; p=none; sp=quarantine; np=reject; psd=y"),
	    "'ghost.bank':'no'", UNREL, FAIL, "bank", "ghost.bank", SRC_P, T_NP,
	    REJ, REJ, false, false, C_REJ, { "ghost.bank", "bank" } },
	{ "V22", NULL, "a.b.example.com",
	    R("b.example.com", "v=DMARC1; p=reject"), NULL, UNREL, FAIL,
	    "b.example.com", "b.example.com", SRC_O, T_P, REJ, REJ, false,
	    false, C_REJ,
	    { "a.b.example.com", "b.example.com", "example.com", "com" } },
	/* 5.2 PSL versus tree walk */
	{ "V26", NULL, "www.example.co.uk",
	    R("example.co.uk", "v=DMARC1; p=reject") "," R("co.uk",
		"v=DMARC1; p=none; rua=mailto:r@registry.example"),
	    NULL, UNREL, FAIL, "co.uk", "co.uk", SRC_O, T_P, NONE, NONE, false,
	    false, C_FAIL,
	    { "www.example.co.uk", "example.co.uk", "co.uk", "uk" } },
	/* 5.3 alignment */
	{ "V29", NULL, "example.com",
	    R("example.com", "v=DMARC1; p=reject") "," R("signing.example.com",
		"v=DMARC1; p=none"),
	    NULL, "pass", "example.com", "signing.example.com", "pass", PASS,
	    "example.com", "example.com", SRC_A, T_P, REJ, REJ, false, false,
	    -1, { NULL } },
	{ "V31", NULL, "evil.example.com",
	    R("mail.example.com", "v=DMARC1; p=reject") "," R("example.com",
		"v=DMARC1; p=reject"),
	    NULL, "pass", "mail.example.com", NULL, NULL, PASS, "example.com",
	    "example.com", SRC_O, T_P, REJ, REJ, false, false, -1,
	    { "evil.example.com", "example.com", "com" } },
	{ "V33", NULL, "co.uk", R("co.uk", "v=DMARC1; p=reject"), NULL, NULL,
	    NULL, "co.uk", "pass", PASS, "co.uk", NULL, SRC_A, T_P, REJ, REJ,
	    false, false, -1, { NULL } },
	/* 5.4 np and existence */
	{ "V37", NULL, "ghost.np.dmarctest.net",
	    R("np.dmarctest.net", "v=DMARC1; p=none; np=reject"),
	    "'ghost.np.dmarctest.net':'no'", UNREL, FAIL, "np.dmarctest.net",
	    "np.dmarctest.net", SRC_O, T_NP, REJ, REJ, false, false, C_REJ,
	    { "ghost.np.dmarctest.net", "np.dmarctest.net", "dmarctest.net",
		"net" } },
	{ "V38", NULL, "real.np.dmarctest.net",
	    R("np.dmarctest.net", "v=DMARC1; p=none; np=reject"),
	    "'real.np.dmarctest.net':'yes'", UNREL, FAIL, "np.dmarctest.net",
	    "np.dmarctest.net", SRC_O, T_P, NONE, NONE, false, false, C_FAIL,
	    { NULL } },
	{ "V41", NULL, "ghost.npnone.dmarctest.net",
	    R("npnone.dmarctest.net", "v=DMARC1; p=reject; np=none"),
	    "'ghost.npnone.dmarctest.net':'no'", UNREL, FAIL,
	    "npnone.dmarctest.net", "npnone.dmarctest.net", SRC_O, T_NP, NONE,
	    NONE, false, false, C_FAIL, { NULL } },
	/* 5.5 testing mode and pct */
	{ "V45", NULL, "ttest.dmarctest.net",
	    R("ttest.dmarctest.net",
		"v=DMARC1; p=reject; t=y; rua=mailto:r@dmarctest.net"),
	    NULL, UNREL, FAIL, "ttest.dmarctest.net", NULL, SRC_A, T_P, REJ,
	    QUAR, true, false, C_QUAR, { NULL } },
	{ "V48", NULL, "pct0.example.com",
	    R("pct0.example.com", "v=DMARC1; p=reject; pct=0"), NULL, UNREL,
	    FAIL, "pct0.example.com", NULL, SRC_A, T_P, REJ, QUAR, true, true,
	    C_QUAR, { NULL } },
	{ "V49", NULL, "pct50.example.com",
	    R("pct50.example.com", "v=DMARC1; p=reject; pct=50"), NULL, UNREL,
	    FAIL, "pct50.example.com", NULL, SRC_A, T_P, REJ, REJ, false, false,
	    C_REJ, { NULL } },
	/* 5.6 record validity: with an aligned SPF pass, then failing */
	{ "V53", NULL, "invalid-sp-and-with-rua.example.com",
	    R("invalid-sp-and-with-rua.example.com",
		"v=DMARC1; p=reject; sp=invalid; "
		"rua=mailto:rua@example.com"),
	    NULL, "pass", "invalid-sp-and-with-rua.example.com", NULL, NULL,
	    PASS, "invalid-sp-and-with-rua.example.com", NULL, SRC_A, T_P, NONE,
	    NONE, false, false, -1, { NULL } },
	{ "V53f", NULL, "invalid-sp-and-with-rua.example.com",
	    R("invalid-sp-and-with-rua.example.com",
		"v=DMARC1; p=reject; sp=invalid; "
		"rua=mailto:rua@example.com"),
	    NULL, UNREL, FAIL, "invalid-sp-and-with-rua.example.com", NULL,
	    SRC_A, T_P, NONE, NONE, false, false, C_FAIL, { NULL } },
	/* V54, with a parent record added to show there is no
	 * fall-through. */
	{ "V54", NULL, "invalid-sp-and-without-rua.example.com",
	    R("invalid-sp-and-without-rua.example.com",
		"v=DMARC1; p=reject; sp=invalid") "," R("example.com",
		"v=DMARC1; p=reject"),
	    NULL, UNREL, PERM, "invalid-sp-and-without-rua.example.com", NULL,
	    SRC_A, T_P, NONE, NONE, false, false, AG_DMARC_PERMERROR,
	    { NULL } },
	/* 5.7 DNS errors */
	{ "V58", NULL, "a.b.example.com",
	    "'_dmarc.b.example.com':'temperror'," R("example.com",
		"v=DMARC1; p=reject"),
	    NULL, UNREL, TEMP, "", NULL, SRC_A, T_P, NONE, NONE, false, false,
	    AG_DMARC_TEMPERROR, { "a.b.example.com", "b.example.com" } },
	{ "V62", NULL, "bank.example",
	    R("bank.example",
		"v=DMARC1; p=reject") ","
				      "'_dmarc.mail.bank.example':"
				      "'temperror'",
	    NULL, "pass", "unrelated.test", "mail.bank.example", "pass", TEMP,
	    "bank.example", NULL, SRC_A, T_P, REJ, REJ, false, false,
	    AG_DMARC_TEMPERROR, { NULL } },
};

/* ---- our own vectors, at least one per rule family ---- */

#define L9 "l1.l2.l3.l4.l5.l6.l7.l8.example"
static const struct vec own[] = {
	/* W1: 7 labels, no shortcut: every parent is asked. */
	{ "W-7", NULL, "a.b.c.d.e.shop.example",
	    R("shop.example", "v=DMARC1; p=reject"), NULL, UNREL, FAIL,
	    "shop.example", "shop.example", SRC_O, T_P, REJ, REJ, false, false,
	    C_REJ,
	    { "a.b.c.d.e.shop.example", "b.c.d.e.shop.example",
		"c.d.e.shop.example", "d.e.shop.example", "e.shop.example",
		"shop.example", "example" } },
	/* W1: 8 labels: the shortcut goes straight to the 7-label suffix,
	 * which here is the name below the full one anyway. */
	{ "W-8", NULL, "z.a.b.c.d.e.shop.example",
	    R("shop.example", "v=DMARC1; p=reject"), NULL, UNREL, FAIL,
	    "shop.example", "shop.example", SRC_O, T_P, REJ, REJ, false, false,
	    C_REJ,
	    { "z.a.b.c.d.e.shop.example", "a.b.c.d.e.shop.example",
		"b.c.d.e.shop.example", "c.d.e.shop.example",
		"d.e.shop.example", "e.shop.example", "shop.example",
		"example" } },
	/* W2: psd=n at the author domain stops the walk at query 1. */
	{ "W-stop1", NULL, "org.shop.example",
	    R("org.shop.example",
		"v=DMARC1; p=quarantine; psd=n") "," R("shop.example",
		"v=DMARC1; p=reject"),
	    NULL, UNREL, FAIL, "org.shop.example", "org.shop.example", SRC_A,
	    T_P, QUAR, QUAR, false, false, C_QUAR, { "org.shop.example" } },
	/* N3/W2: several records at a middle name are skipped, the walk
	 * goes on to the organizational domain. */
	{ "W-several", NULL, "a.mid.shop.example",
	    "'_dmarc.mid.shop.example':['v=DMARC1; p=none',"
	    "'v=DMARC1; p=none']," R("shop.example",
		"v=DMARC1; p=reject; sp=quarantine"),
	    NULL, UNREL, FAIL, "shop.example", "shop.example", SRC_O, T_SP,
	    QUAR, QUAR, false, false, C_QUAR,
	    { "a.mid.shop.example", "mid.shop.example", "shop.example",
		"example" } },
	/* O2 computed from the author domain: 9 labels, psd=y at the
	 * 7-label suffix; the organizational domain is the 8-label name the
	 * shortcut never asked, and the PSD record is the policy. */
	{ "O2-skip", NULL, L9,
	    R("l3.l4.l5.l6.l7.l8.example", "v=DMARC1; p=reject; psd=y"), NULL,
	    UNREL, FAIL, "l3.l4.l5.l6.l7.l8.example",
	    "l2.l3.l4.l5.l6.l7.l8.example", SRC_P, T_P, REJ, REJ, false, false,
	    C_REJ, { L9, "l3.l4.l5.l6.l7.l8.example" } },
	/* O5: psd=y at the author domain itself is its own policy and
	 * organizational domain (O3), not its child's. */
	{ "O5", NULL, "reg.example",
	    R("reg.example", "v=DMARC1; p=quarantine; psd=y"), NULL, UNREL,
	    FAIL, "reg.example", "reg.example", SRC_A, T_P, QUAR, QUAR, false,
	    false, C_QUAR, { "reg.example" } },
	/* P4: the organizational domain's record wins over a PSD's. */
	{ "P4", NULL, "www.shop.example",
	    R("shop.example", "v=DMARC1; p=none") "," R("example",
		"v=DMARC1; p=reject; psd=y"),
	    NULL, UNREL, FAIL, "shop.example", "shop.example", SRC_O, T_P, NONE,
	    NONE, false, false, C_FAIL,
	    { "www.shop.example", "shop.example", "example" } },
	/* P5: no record anywhere: none. */
	{ "P5", NULL, "www.shop.example", "", NULL, UNREL, AG_DMARCR_NONE, "",
	    "www.shop.example", SRC_A, T_P, NONE, NONE, false, false,
	    AG_DMARC_NONE, { "www.shop.example", "shop.example", "example" } },
	/* P6: a bad np= without rua at the org record: permerror, no
	 * fall-through to the PSD above. */
	{ "P6-np", NULL, "www.shop.example",
	    R("shop.example", "v=DMARC1; p=reject; np=bogus") "," R("example",
		"v=DMARC1; p=reject; psd=y"),
	    NULL, UNREL, PERM, "shop.example", NULL, SRC_O, T_P, NONE, NONE,
	    false, false, AG_DMARC_PERMERROR, { NULL } },
	/* A3: d=team.shop.example passes, but team publishes psd=n: its
	 * own organizational domain, not aligned with shop.example. */
	{ "A3-psdn", NULL, "shop.example",
	    R("shop.example", "v=DMARC1; p=reject") "," R("team.shop.example",
		"v=DMARC1; p=none; psd=n"),
	    NULL, "none", "unrelated.test", "team.shop.example", "pass", FAIL,
	    "shop.example", "shop.example", SRC_A, T_P, REJ, REJ, false, false,
	    C_REJ, { NULL } },
	/* A2: adkim=s: a passing subdomain signature does not align. */
	{ "A2-strict", NULL, "shop.example",
	    R("shop.example", "v=DMARC1; p=reject; adkim=s"), NULL, NULL, NULL,
	    "mail.shop.example", "pass", FAIL, "shop.example", NULL, SRC_A, T_P,
	    REJ, REJ, false, false, C_REJ, { NULL } },
	/* X5/D6: existence unknown, np=reject would act: temperror. */
	{ "X5-act", NULL, "ghost.np.example",
	    R("np.example", "v=DMARC1; p=none; np=reject"),
	    "'ghost.np.example':'temperror'", UNREL, TEMP, "np.example", NULL,
	    SRC_O, T_P, NONE, NONE, false, false, AG_DMARC_TEMPERROR,
	    { NULL } },
	/* X5/D6: neither candidate would act (np=quarantine, t=y): the less
	 * strict applies. */
	{ "X5-open", NULL, "ghost.np.example",
	    R("np.example", "v=DMARC1; p=none; np=quarantine; t=y"),
	    "'ghost.np.example':'temperror'", UNREL, FAIL, "np.example", NULL,
	    SRC_O, T_P, NONE, NONE, true, false, C_FAIL, { NULL } },
	/* T1: t=y applies to np= too. */
	{ "T-np", NULL, "ghost.np.example",
	    R("np.example", "v=DMARC1; p=none; np=reject; t=y"),
	    "'ghost.np.example':'no'", UNREL, FAIL, "np.example", NULL, SRC_O,
	    T_NP, REJ, QUAR, true, false, C_QUAR, { NULL } },
	/* T1: quarantine one step down is none. */
	{ "T-quar", NULL, "shop.example",
	    R("shop.example", "v=DMARC1; p=quarantine; t=y"), NULL, UNREL, FAIL,
	    "shop.example", NULL, SRC_A, T_P, QUAR, NONE, true, false, C_FAIL,
	    { NULL } },
	/* D2: an explicit t=n wins over pct=0. */
	{ "T-pct0-tn", NULL, "shop.example",
	    R("shop.example", "v=DMARC1; p=reject; pct=0; t=n"), NULL, UNREL,
	    FAIL, "shop.example", NULL, SRC_A, T_P, REJ, REJ, false, false,
	    C_REJ, { NULL } },
	/* E2 (V59): a SERVFAIL at the TLD leaves a psd-less org's
	 * subdomain temperror ... */
	{ "E2-tld", NULL, "a.b.shop.example",
	    R("shop.example", "v=DMARC1; p=reject") ",'_dmarc.example':"
						    "'temperror'",
	    NULL, UNREL, TEMP, "", NULL, SRC_A, T_P, NONE, NONE, false, false,
	    AG_DMARC_TEMPERROR,
	    { "a.b.shop.example", "b.shop.example", "shop.example",
		"example" } },
	/* ... (V60) which psd=n at the organization avoids. */
	{ "E2-psdn", NULL, "a.b.shop.example",
	    R("shop.example", "v=DMARC1; p=reject; psd=n") ",'_dmarc.example':"
							   "'temperror'",
	    NULL, UNREL, FAIL, "shop.example", "shop.example", SRC_O, T_P, REJ,
	    REJ, false, false, C_REJ,
	    { "a.b.shop.example", "b.shop.example", "shop.example" } },
	/* E3: an error in one identifier's walk does not matter when
	 * another identifier aligns (V62's zone, with SPF aligned). */
	{ "E3-other", NULL, "bank.example",
	    R("bank.example",
		"v=DMARC1; p=reject") ","
				      "'_dmarc.mail.bank.example':"
				      "'temperror'",
	    NULL, "pass", "bank.example", "mail.bank.example", "pass", PASS,
	    "bank.example", NULL, SRC_A, T_P, REJ, REJ, false, false, -1,
	    { NULL } },
	/* A4: an identifier equal to Org(A) aligns without a walk of its
	 * own. */
	{ "A4-org", NULL, "a.b.shop.example",
	    R("shop.example", "v=DMARC1; p=reject"), NULL, NULL, NULL,
	    "shop.example", "pass", PASS, "shop.example", "shop.example", SRC_O,
	    T_P, REJ, REJ, false, false, -1,
	    { "a.b.shop.example", "b.shop.example", "shop.example",
		"example" } },
	/* D1: the same zone as V26 under rfc7489 (PSL organizational
	 * domain example.co.uk, sp -> reject). */
	{ "V26-7489", "[general]\ndmarc_method = rfc7489\n",
	    "www.example.co.uk",
	    R("example.co.uk", "v=DMARC1; p=reject") "," R("co.uk",
		"v=DMARC1; p=none; rua=mailto:r@registry.example"),
	    NULL, UNREL, FAIL, "example.co.uk", NULL, SRC_O, T_P, REJ, REJ,
	    false, false, C_REJ, { NULL } },
};

static void
test_brief_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(brief) / sizeof(brief[0]); i++)
		check_vec(&brief[i]);
}

static void
test_own_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		check_vec(&own[i]);
}

/* ---- the names the module asks (decide_dmarc_gather) ---- */

/* A DNS that answers from facts and records every _dmarc name asked. */
struct rec_dns {
	const struct facts *f;
	size_t n;
	char names[32][DMARCWALK_NAME];
	size_t n_exists;
};

static enum dmarcwalk_answer
rec_txt(void *ctx, const char *name, const char **txt)
{
	struct rec_dns *r = ctx;

	if (r->n < 32)
		snprintf(r->names[r->n++], DMARCWALK_NAME, "%s", name);
	return decide_facts_txt((void *)r->f, name, txt);
}

static enum facts_exists
rec_exists(void *ctx, const char *domain)
{
	struct rec_dns *r = ctx;

	r->n_exists++;
	return decide_facts_exists((void *)r->f, domain);
}

/* Gathers for facts and checks that the names of want were asked in
 * that order, one after another; returns the recording. */
static void
gather(const char *facts_json, const char *const *want, struct rec_dns *r)
{
	struct policy *p = load_ok("");
	struct arena arena;
	struct facts f;
	struct decide_dns dns = { rec_txt, rec_exists, r };
	size_t i, j;

	arena_init(&arena);
	facts_ok(&f, &arena, J(facts_json));
	memset(r, 0, sizeof(*r));
	r->f = &f;
	decide_dmarc_gather(p, &f, &dns);
	for (i = 0; i < r->n; i++) {
		for (j = 0; want[j] != NULL && i + j < r->n; j++)
			if (strcmp(r->names[i + j], want[j]) != 0)
				break;
		if (want[j] == NULL)
			break;
	}
	if (i == r->n) {
		for (i = 0; i < r->n; i++)
			print_error("asked %s\n", r->names[i]);
		fail_msg("the walk from %s was not asked in order", want[0]);
	}
	arena_free(&arena);
	policy_free(p);
}

/* D6 when nothing aligned passed: the policy is unknown, but no DMARC
 * pass can be; an SPF fail of the From domain is rejected, not held as
 * a tempfail for a pass that cannot exist. */
static void
test_d6_no_pass(void **state)
{
	struct policy *p = load_ok("");
	struct decision d;
	struct arena arena;
	struct facts f;

	(void)state;
	arena_init(&arena);
	facts_ok(&f, &arena,
	    J("{'client':{'ip':'203.0.113.7','helo':'h','authenticated':"
	      "false},'mail_from':'a@ghost.np.example','from':["
	      "'a@ghost.np.example'],'spf':{'result':'fail','domain':"
	      "'ghost.np.example'},'dkim':[],'arc':{'result':'none',"
	      "'instances':[]},'dns':{'_dmarc.np.example':'v=DMARC1; "
	      "p=none; np=reject'},'exists':{'ghost.np.example':"
	      "'temperror'}}"));
	decide(p, &f, &d);
	assert_int_equal(d.dmarc.result, AG_DMARCR_TEMPERROR);
	assert_false(d.dmarc.pass_unknown);
	assert_int_equal(d.action, AG_REJECT);
	assert_string_equal(verdict_class_name(&d), "spf.fail");
	arena_free(&arena);
	policy_free(p);
}

static void
test_gather(void **state)
{
	/* V29: the DKIM identifier's own walk (RFC B.4.1). */
	static const char *const v29[] = { "_dmarc.signing.example.com",
		"_dmarc.example.com", "_dmarc.com", NULL };
	/* V37: the author walk, and one existence question. */
	static const char *const v37[]
	    = { "_dmarc.ghost.np.dmarctest.net", "_dmarc.np.dmarctest.net",
		      "_dmarc.dmarctest.net", "_dmarc.net", NULL };
	/* X4: np= equal to sp=: no existence question. */
	static const char *const x4[]
	    = { "_dmarc.ghost.np.dmarctest.net", NULL };
	struct rec_dns r;

	(void)state;
	gather("{'client':{'ip':'203.0.113.7','helo':'h','authenticated':"
	       "false},'mail_from':'b@example.com','from':['a@example.com'],"
	       "'spf':{'result':'pass','domain':'example.com'},'dkim':[{'d':"
	       "'signing.example.com','s':'s','a':'rsa-sha256','bits':2048,"
	       "'result':'pass'}],'arc':{'result':'none','instances':[]},"
	       "'dns':{'_dmarc.example.com':'v=DMARC1; p=reject',"
	       "'_dmarc.signing.example.com':'v=DMARC1; p=none'}}",
	    v29, &r);
	assert_int_equal(r.n_exists, 0);
	gather("{'client':{'ip':'203.0.113.7','helo':'h','authenticated':"
	       "false},'mail_from':'b@unrelated.test',"
	       "'from':['a@ghost.np.dmarctest.net'],"
	       "'spf':{'result':'none','domain':'unrelated.test'},'dkim':[],"
	       "'arc':{'result':'none','instances':[]},"
	       "'dns':{'_dmarc.np.dmarctest.net':'v=DMARC1; p=none; "
	       "np=reject'}}",
	    v37, &r);
	assert_int_equal(r.n_exists, 1);
	gather("{'client':{'ip':'203.0.113.7','helo':'h','authenticated':"
	       "false},'mail_from':'b@unrelated.test',"
	       "'from':['a@ghost.np.dmarctest.net'],"
	       "'spf':{'result':'none','domain':'unrelated.test'},'dkim':[],"
	       "'arc':{'result':'none','instances':[]},"
	       "'dns':{'_dmarc.np.dmarctest.net':'v=DMARC1; p=none; "
	       "sp=reject; np=reject'}}",
	    x4, &r);
	assert_int_equal(r.n_exists, 0);
}

/* ---- mail/dmarcwalk.c directly ---- */

static void
expect_targets(const char *domain, const char *const *want)
{
	char out[DMARCWALK_MAX][DOMAIN_MAX_LEN + 1];
	size_t n = dmarcwalk_targets(domain, out), i;

	for (i = 0; want[i] != NULL; i++) {
		if (i >= n)
			fail_msg("%s: %zu targets, want more (%s)", domain, n,
			    want[i]);
		if (strcmp(out[i], want[i]) != 0)
			fail_msg("%s: target %zu is %s, want %s", domain, i,
			    out[i], want[i]);
	}
	assert_int_equal(n, i);
}

static void
test_targets(void **state)
{
	static const char *const rfc[]
	    = { "a.b.c.d.e.f.g.h.i.j.mail.example.com",
		      "g.h.i.j.mail.example.com", "h.i.j.mail.example.com",
		      "i.j.mail.example.com", "j.mail.example.com",
		      "mail.example.com", "example.com", "com", NULL };
	static const char *const one[] = { "bank", NULL };
	static const char *const seven[] = { "a.b.c.d.e.f.g", "b.c.d.e.f.g",
		"c.d.e.f.g", "d.e.f.g", "e.f.g", "f.g", "g", NULL };
	static const char *const eight[]
	    = { "a.b.c.d.e.f.g.h", "b.c.d.e.f.g.h", "c.d.e.f.g.h", "d.e.f.g.h",
		      "e.f.g.h", "f.g.h", "g.h", "h", NULL };
	static const char *const nine[]
	    = { "z.a.b.c.d.e.f.g.h", "b.c.d.e.f.g.h", "c.d.e.f.g.h",
		      "d.e.f.g.h", "e.f.g.h", "f.g.h", "g.h", "h", NULL };
	static const char *const none[] = { NULL };

	(void)state;
	expect_targets(rfc[0], rfc); /* W1's example, 13 labels */
	expect_targets("bank", one);
	expect_targets("a.b.c.d.e.f.g", seven);
	expect_targets("a.b.c.d.e.f.g.h", eight);
	expect_targets("z.a.b.c.d.e.f.g.h", nine);
	expect_targets("", none);
	assert_int_equal(dmarcwalk_labels("a.b.c"), 3);
	assert_string_equal(dmarcwalk_suffix("a.b.c", 2), "b.c");
	assert_string_equal(dmarcwalk_suffix("a.b.c", 5), "a.b.c");
}

/* A fake zone: pairs of (name, TXT) ending with NULL; the TXT
 * "SERVFAIL" is a temporary error, "SEVERAL" several records. */
struct zone {
	const char *const *rr;
	size_t asked;
};

static enum dmarcwalk_answer
zone_lookup(void *ctx, const char *name, const char **txt)
{
	struct zone *z = ctx;
	size_t i;

	z->asked++;
	for (i = 0; z->rr[i] != NULL; i += 2) {
		if (strcmp(z->rr[i], name) != 0)
			continue;
		if (strcmp(z->rr[i + 1], "SERVFAIL") == 0)
			return DW_TEMPERROR;
		if (strcmp(z->rr[i + 1], "SEVERAL") == 0)
			return DW_SEVERAL;
		*txt = z->rr[i + 1];
		return DW_RECORD;
	}
	return DW_NONE;
}

/* Walks domain over rr and checks the organizational domain and how many
 * names were asked. */
static void
expect_org(const char *domain, const char *const *rr, const char *want,
    size_t asked)
{
	struct zone z = { rr, 0 };
	struct dmarcwalk w;
	char org[DOMAIN_MAX_LEN + 1];

	dmarcwalk_run(domain, zone_lookup, &z, false, &w);
	assert_false(w.temperror);
	dmarcwalk_org(domain, &w, org);
	if (strcmp(org, want) != 0)
		fail_msg("org of %s is %s, want %s", domain, org, want);
	if (z.asked != asked || w.n != asked)
		fail_msg("%s: asked %zu (walk %zu), want %zu", domain, z.asked,
		    w.n, asked);
}

static void
test_org(void **state)
{
	/* 4.10.2's examples. */
	static const char *const two[]
	    = { "_dmarc.mail.example.com", "v=DMARC1; p=none",
		      "_dmarc.example.com", "v=DMARC1; p=none", NULL };
	static const char *const psdn[]
	    = { "_dmarc.mail.example.com", "v=DMARC1; p=none; psd=n",
		      "_dmarc.example.com", "v=DMARC1; p=none", NULL };
	static const char *const psdy[]
	    = { "_dmarc.com", "v=DMARC1; p=reject; psd=y", NULL };
	static const char *const empty[] = { NULL };
	static const char *const nine[]
	    = { "_dmarc.c.d.e.f.g.h.i", "v=DMARC1; psd=y", NULL };
	static const char *const several[] = { "_dmarc.mail.example.com",
		"SEVERAL", "_dmarc.example.com", "v=DMARC1; p=none", NULL };
	static const char *const notdmarc[]
	    = { "_dmarc.example.com", "v=spf1 -all", NULL };
	static const char *const bad[]
	    = { "_dmarc.mail.example.com", "v=DMARC1; p=bogus; psd=n", NULL };
	static const char *const fail[] = { "_dmarc.example.com",
		"v=DMARC1; p=none", "_dmarc.com", "SERVFAIL", NULL };
	struct zone z = { fail, 0 };
	struct dmarcwalk w;

	(void)state;
	/* O3: the record with the fewest labels. */
	expect_org("a.mail.example.com", two, "example.com", 4);
	/* O1: psd=n stops the walk and is the org. */
	expect_org("a.mail.example.com", psdn, "mail.example.com", 2);
	/* O2: the child of the PSD on the path. */
	expect_org("a.mail.example.com", psdy, "example.com", 4);
	/* O2 counted from the domain: the 8-label child was skipped. */
	expect_org("a.b.c.d.e.f.g.h.i", nine, "b.c.d.e.f.g.h.i", 2);
	/* O4: nothing at all. */
	expect_org("a.mail.example.com", empty, "a.mail.example.com", 4);
	/* O5: psd=y at the domain itself: the domain (O3). */
	expect_org("com", psdy, "com", 1);
	/* N3: several records are no record. */
	expect_org("a.mail.example.com", several, "example.com", 4);
	/* N2: a TXT that is not DMARC is no record. */
	expect_org("mail.example.com", notdmarc, "mail.example.com", 3);
	/* W4: a record with a bad p= still stops the walk at psd=n. */
	expect_org("a.mail.example.com", bad, "mail.example.com", 2);
	/* E2: a SERVFAIL the walk reached marks it and ends it. */
	dmarcwalk_run("a.example.com", zone_lookup, &z, false, &w);
	assert_true(w.temperror);
	assert_int_equal(w.n, 3);
	/* first_only asks query 1 alone. */
	z.asked = 0;
	dmarcwalk_run("a.example.com", zone_lookup, &z, true, &w);
	assert_int_equal(z.asked, 1);
	assert_false(w.temperror);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_brief_vectors),
		cmocka_unit_test(test_own_vectors),
		cmocka_unit_test(test_gather),
		cmocka_unit_test(test_d6_no_pass),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_org),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
