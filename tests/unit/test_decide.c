/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_decide.c: the decision engine. The SPF x DKIM x DMARC truth table
 * is enumerated against an oracle written independently here; every rule
 * of DESIGN's Exceptions section has positive and negative cases.
 */
#include "helpers.h"
#include "log/logline.h"
#include "policy/verdict.h"

/* RFC 7489's DMARC (PSL organizational domains, pct sampling), for
 * sites that keep dmarc_method = rfc7489. */
static const char *const M7489 = "[general]\ndmarc_method = rfc7489\n";

static const char *const P1 = "[general]\n"
			      "authserv_id = mx.test\n"
			      "skip_hosts = 198.51.100.25\n"
			      "[trusted]\n"
			      "domains = trusted.example\n"
			      "relays = 192.0.2.15/32, 2001:db8:15::/48\n"
			      "arc_sealers = sealer.example\n"
			      "[domain:partner.example]\n"
			      "dkim.key_missing = accept\n"
			      "[domain:legacy.example]\n"
			      "ignore = dkim, dmarc\n"
			      "[domain:trial.example]\n"
			      "mode = monitor\n";

struct expect {
	enum ag_action action;
	const char *cls;
};

/* Decides facts (single-quoted JSON) under policy text. */
static void
run(const char *policy_text, const char *facts_json, struct decision *d)
{
	struct policy *p = load_ok(policy_text);
	struct arena arena;
	struct facts f;

	arena_init(&arena);
	facts_ok(&f, &arena, J(facts_json));
	decide(p, &f, d);
	arena_free(&arena);
	/* The decision refers to the policy only through names we copy in
	 * the checks below, so the policy can go now. */
	policy_free(p);
}

static void
check(const char *policy_text, const char *facts_json, enum ag_action action,
    const char *cls)
{
	struct decision d;
	struct policy *p = load_ok(policy_text);
	struct arena arena;
	struct facts f;

	arena_init(&arena);
	facts_ok(&f, &arena, J(facts_json));
	decide(p, &f, &d);
	if (d.action != action || strcmp(verdict_class_name(&d), cls) != 0) {
		struct sbuf sb;

		sbuf_init(&sb, 1 << 20);
		decision_to_json(p, &d, &sb);
		print_error("%s\n", sbuf_cstr(&sb));
		sbuf_free(&sb);
		fail_msg("want %s/%s, got %s/%s for %s", ag_action_name(action),
		    cls, ag_action_name(d.action), verdict_class_name(&d),
		    J(facts_json));
	}
	arena_free(&arena);
	policy_free(p);
}

/* Checks that a class was found and waived (why == NULL: not waived). */
static void
check_waiver(const char *policy_text, const char *facts_json, enum ag_class cls,
    const char *why)
{
	struct policy *p = load_ok(policy_text);
	struct decision d;
	struct arena arena;
	struct facts f;
	const struct finding *fi;
	char buf[300];

	arena_init(&arena);
	facts_ok(&f, &arena, J(facts_json));
	decide(p, &f, &d);
	fi = finding_of(&d, cls);
	if (fi == NULL)
		fail_msg("no %s finding", ag_class_name(cls));
	verdict_waiver(&d, fi, buf, sizeof(buf));
	if (why == NULL && fi->waived != WAIVE_NONE)
		fail_msg("%s waived by %s, expected it to stand",
		    ag_class_name(cls), buf);
	if (why != NULL && strcmp(buf, why) != 0)
		fail_msg("%s waived by '%s', expected '%s'", ag_class_name(cls),
		    buf, why);
	arena_free(&arena);
	policy_free(p);
}

/* ---- the truth table ---- */

static const char *const spf_words[] = { "pass", "fail", "softfail", "neutral",
	"none", "temperror", "permerror" };

/* DKIM variants: none, aligned pass, unaligned pass, each failure. */
static const char *const dkim_words[]
    = { "-", "pass", "pass-other", "key_missing", "key_revoked", "key_syntax",
	      "key_too_short", "body_modified", "bad_signature", "sig_syntax",
	      "expired", "unsupported", "temperror" };

static const char *const dmarc_records[] = { NULL, "v=DMARC1; p=none",
	"v=DMARC1; p=quarantine", "v=DMARC1; p=reject", "temperror" };

static enum ag_action
default_action(const char *cls)
{
	enum ag_class c;

	assert_int_equal(ag_class_parse(cls, &c), 0);
	return ag_class_default_action(c);
}

/* The oracle: DESIGN's rules for one sender without exceptions, written
 * without looking at decide.c. */
static struct expect
oracle(size_t si, size_t ki, size_t mi)
{
	const char *spf = spf_words[si], *dkim = dkim_words[ki];
	const char *rec = dmarc_records[mi];
	char cls[3][40];
	enum ag_action act[3];
	bool has[3] = { false, false, false }; /* dmarc, dkim, spf */
	bool spf_pass = strcmp(spf, "pass") == 0;
	bool dkim_aligned = strcmp(dkim, "pass") == 0;
	bool pass = spf_pass || dkim_aligned;
	struct expect e = { AG_ACCEPT, "none" };
	int i, best = -1;
	bool dns_trouble
	    = strcmp(spf, "temperror") == 0 || strcmp(dkim, "temperror") == 0;
	/* DNS trouble hid whether DMARC passes: no reject that a pass
	 * would have waived. */
	bool pass_unknown = false;

	if (rec == NULL) {
		snprintf(cls[0], sizeof(cls[0]), "dmarc.none");
		has[0] = true;
		pass = false;
	} else if (strcmp(rec, "temperror") == 0) {
		snprintf(cls[0], sizeof(cls[0]), "dmarc.temperror");
		has[0] = true;
		/* RFC 9989: with the walk broken, the organizational
		 * domain is unknown, so a passing signature of another
		 * domain under the same top-level domain may align. */
		pass_unknown
		    = pass || dns_trouble || strcmp(dkim, "pass-other") == 0;
		pass = false;
	} else if (!pass) {
		const char *pol = strstr(rec, "p=") + 2;

		pass_unknown = strcmp(pol, "none") != 0 && dns_trouble;
		if (pass_unknown)
			snprintf(cls[0], sizeof(cls[0]), "dmarc.temperror");
		else if (strcmp(pol, "none") == 0)
			snprintf(cls[0], sizeof(cls[0]), "dmarc.fail");
		else
			snprintf(cls[0], sizeof(cls[0]), "dmarc.%s", pol);
		has[0] = true;
	}
	if (strcmp(dkim, "-") == 0) {
		snprintf(cls[1], sizeof(cls[1]), "dkim.none");
		has[1] = true;
	} else if (strncmp(dkim, "pass", 4) != 0) {
		snprintf(cls[1], sizeof(cls[1]), "dkim.%s", dkim);
		has[1] = true;
	}
	if (!spf_pass) {
		snprintf(cls[2], sizeof(cls[2]), "spf.%s", spf);
		has[2] = true;
	}
	if (pass)
		has[1] = has[2] = false; /* dmarc_pass_waives = spf, dkim */
	/* aligned_dkim_waives = spf: an aligned DKIM pass waives SPF
	 * findings whatever the DMARC record says, or when there is none. */
	if (dkim_aligned)
		has[2] = false;
	for (i = 0; i < 3; i++) {
		if (!has[i])
			continue;
		act[i] = default_action(cls[i]);
		if (pass_unknown && i > 0 && act[i] == AG_REJECT)
			act[i] = AG_TEMPFAIL;
		if (act[i] != AG_ACCEPT && (best < 0 || act[i] > act[best]))
			best = i;
	}
	if (best >= 0) {
		static char keep[40];

		e.action = act[best];
		snprintf(keep, sizeof(keep), "%s", cls[best]);
		e.cls = keep;
	}
	return e;
}

static void
test_truth_table(void **state)
{
	char facts[1024], dkim[256], dns[256];
	size_t si, ki, mi, n = 0;
	struct expect e;

	(void)state;
	for (si = 0; si < 7; si++) {
		for (ki = 0; ki < 13; ki++) {
			for (mi = 0; mi < 5; mi++) {
				const char *k = dkim_words[ki];

				if (strcmp(k, "-") == 0)
					snprintf(dkim, sizeof(dkim), "[]");
				else
					snprintf(dkim, sizeof(dkim),
					    "[{'d':'%s','s':'s1','a':'rsa-sha256',"
					    "'bits':2048,'result':'%s'}]",
					    strcmp(k, "pass-other") == 0 ?
						"other.example" :
						"sender.example",
					    strncmp(k, "pass", 4) == 0 ?
						"pass" :
						k);
				if (dmarc_records[mi] == NULL)
					snprintf(dns, sizeof(dns), "{}");
				else
					snprintf(dns, sizeof(dns),
					    "{'_dmarc.sender.example':'%s'}",
					    dmarc_records[mi]);
				snprintf(facts, sizeof(facts),
				    "{'client':{'ip':'203.0.113.7','helo':'h',"
				    "'authenticated':false},"
				    "'mail_from':'b@sender.example',"
				    "'from':['A <a@sender.example>'],"
				    "'spf':{'result':'%s','domain':"
				    "'sender.example'},'dkim':%s,"
				    "'arc':{'result':'none','instances':[]},"
				    "'dns':%s}",
				    spf_words[si], dkim, dns);
				e = oracle(si, ki, mi);
				check(P1, facts, e.action, e.cls);
				n++;
			}
		}
	}
	assert_int_equal(n, 7 * 13 * 5);
}

/* ---- facts used by the exception tests ---- */

#define BASE(ip, auth, mf, from, spf, spfdom, dkim, arc, dns)                  \
	"{'client':{'ip':'" ip "','helo':'mx.h.example','authenticated':" auth \
	"},'mail_from':'" mf "','from':[" from "],'spf':{'result':'" spf       \
	"','domain':'" spfdom "'},'dkim':[" dkim "],'arc':" arc ",'dns':{" dns \
	"}}"
#define NOARC "{'result':'none','instances':[]}"
#define SIG(d, res, bits)                                       \
	"{'d':'" d "','s':'sel','a':'rsa-sha256','bits':" #bits \
	",'result':'" res "'}"
#define REJ(dom) "'_dmarc." dom "':'v=DMARC1; p=reject'"

static void
test_trusted_identity(void **state)
{
	(void)state;
	/* A passing DKIM signature of a trusted domain waives DMARC. */
	check(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'u@customer.example'", "none", "customer.example",
		SIG("trusted.example", "pass", 2048), NOARC,
		REJ("customer.example")),
	    AG_ACCEPT, "none");
	check_waiver(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'u@customer.example'", "none", "customer.example",
		SIG("trusted.example", "pass", 2048), NOARC,
		REJ("customer.example")),
	    AG_DMARC_REJECT, "trusted.domain:trusted.example");
	/* A subdomain of a trusted entry is trusted too. */
	check(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'u@customer.example'", "none", "customer.example",
		SIG("mail.trusted.example", "pass", 2048), NOARC,
		REJ("customer.example")),
	    AG_ACCEPT, "none");
	/* An SPF pass for a trusted MAIL FROM domain counts. */
	check(P1,
	    BASE("203.0.113.7", "false", "b@trusted.example",
		"'u@customer.example'", "pass", "trusted.example", "", NOARC,
		REJ("customer.example")),
	    AG_ACCEPT, "none");
	/* Negative: the From header alone never makes mail trusted. */
	check(P1,
	    BASE("203.0.113.7", "false", "x@evil.example",
		"'ceo@trusted.example'", "softfail", "evil.example", "", NOARC,
		REJ("trusted.example")),
	    AG_REJECT, "dmarc.reject");
	/* Negative: a failed trusted signature authenticates nothing. */
	check(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'u@customer.example'", "none", "customer.example",
		SIG("trusted.example", "body_modified", 2048), NOARC,
		REJ("customer.example")),
	    AG_REJECT, "dmarc.reject");
	/* Negative: an SPF softfail for a trusted domain is no pass. */
	check(P1,
	    BASE("203.0.113.7", "false", "b@trusted.example",
		"'u@customer.example'", "softfail", "trusted.example", "",
		NOARC, REJ("customer.example")),
	    AG_REJECT, "dmarc.reject");
	/* Negative: a trusted key too short does not count. */
	check(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'u@customer.example'", "none", "customer.example",
		SIG("trusted.example", "pass", 512), NOARC,
		REJ("customer.example")),
	    AG_REJECT, "dmarc.reject");
	/* Negative: trust never waives spf.fail ... */
	check_waiver(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'u@customer.example'", "fail", "customer.example",
		SIG("trusted.example", "pass", 2048), NOARC,
		REJ("customer.example")),
	    AG_SPF_FAIL, NULL);
	check(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'u@customer.example'", "fail", "customer.example",
		SIG("trusted.example", "pass", 2048), NOARC,
		REJ("customer.example")),
	    AG_REJECT, "spf.fail");
	/* ... nor dkim.body_modified or dkim.bad_signature ... */
	check_waiver(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'u@customer.example'", "none", "customer.example",
		SIG("trusted.example", "pass", 2048) "," SIG("customer.example",
		    "body_modified", 2048),
		NOARC, REJ("customer.example")),
	    AG_DKIM_BODY_MODIFIED, NULL);
	check_waiver(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'u@customer.example'", "none", "customer.example",
		SIG("trusted.example", "pass", 2048) "," SIG("customer.example",
		    "bad_signature", 2048),
		NOARC, REJ("customer.example")),
	    AG_DKIM_BAD_SIGNATURE, NULL);
	/* ... nor from.* */
	check(P1,
	    BASE("203.0.113.7", "false", "u@customer.example",
		"'a@customer.example','b@other.example'", "none",
		"customer.example", SIG("trusted.example", "pass", 2048), NOARC,
		""),
	    AG_REJECT, "from.multiple");
}

static void
test_trusted_relay(void **state)
{
	(void)state;
	check(P1,
	    BASE("192.0.2.15", "false", "u@plain.example", "'u@plain.example'",
		"fail", "plain.example", "", NOARC, ""),
	    AG_ACCEPT, "none");
	check_waiver(P1,
	    BASE("192.0.2.15", "false", "u@plain.example", "'u@plain.example'",
		"fail", "plain.example", "", NOARC, ""),
	    AG_SPF_FAIL, "trusted.relay:192.0.2.15/32");
	check(P1,
	    BASE("2001:db8:15::25", "false", "u@plain.example",
		"'u@plain.example'", "softfail", "plain.example", "", NOARC,
		""),
	    AG_ACCEPT, "none");
	/* Negative: another client. */
	check(P1,
	    BASE("192.0.2.16", "false", "u@plain.example", "'u@plain.example'",
		"fail", "plain.example", "", NOARC, ""),
	    AG_REJECT, "spf.fail");
	/* Negative: a relay waives SPF only, not DMARC. */
	check(P1,
	    BASE("192.0.2.15", "false", "u@bank.example", "'u@bank.example'",
		"fail", "bank.example", "", NOARC, REJ("bank.example")),
	    AG_REJECT, "dmarc.reject");
}

static void
test_arc_sealer(void **state)
{
	(void)state;
	check(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example",
		SIG("orig.example", "body_modified", 2048),
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass','header_from':'orig.example'}]}",
		REJ("orig.example")),
	    AG_ACCEPT, "none");
	check_waiver(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example", "",
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass','header_from':'orig.example'}]}",
		REJ("orig.example")),
	    AG_DMARC_REJECT, "arc.sealer:sealer.example");
	/* Negative: an untrusted sealer. */
	check(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example", "",
		"{'result':'pass','instances':[{'i':1,'sealer':'other.example',"
		"'dmarc':'pass'}]}",
		REJ("orig.example")),
	    AG_REJECT, "dmarc.reject");
	/* Negative: a broken chain. */
	check(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example", "",
		"{'result':'fail','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass'}]}",
		REJ("orig.example")),
	    AG_REJECT, "dmarc.reject");
	/* Negative: the newest trusted instance saw DMARC fail. */
	check(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example", "",
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass'},{'i':2,'sealer':'mx.sealer.example','dmarc':"
		"'fail'},{'i':3,'sealer':'untrusted.example','dmarc':'pass'}]}",
		REJ("orig.example")),
	    AG_REJECT, "dmarc.reject");
	/* A replayed trusted set: a later, untrusted hop sealed the
	 * message; the trusted seal's old dmarc=pass vouches for nothing. */
	check(P1,
	    BASE("203.0.113.7", "false", "x@evil.example", "'ceo@orig.example'",
		"fail", "evil.example", "",
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass','header_from':'orig.example'},{'i':2,'sealer':"
		"'evil.example','dmarc':'pass','header_from':'orig.example'}]}",
		REJ("orig.example")),
	    AG_REJECT, "dmarc.reject");
	/* The trusted sealer's pass was for another author. */
	check(P1,
	    BASE("203.0.113.7", "false", "x@evil.example", "'ceo@orig.example'",
		"fail", "evil.example", "",
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass','header_from':'evil.example'}]}",
		REJ("orig.example")),
	    AG_REJECT, "dmarc.reject");
	/* A pass that names no header.from vouches for no author. */
	check(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example", "",
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass','header_from':''}]}",
		REJ("orig.example")),
	    AG_REJECT, "dmarc.reject");
	/* Facts from before header.from was recorded are read as then. */
	check(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example", "",
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass'}]}",
		REJ("orig.example")),
	    AG_ACCEPT, "none");
	/* A seal's d= recorded as no domain is never trusted. */
	check(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example", "",
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass','header_from':'orig.example'},{'i':2,'sealer':"
		"'','dmarc':'pass','header_from':'orig.example'}]}",
		REJ("orig.example")),
	    AG_REJECT, "dmarc.reject");
	/* Every instance after the vouching one trusted too: it vouches,
	 * and header.from matches in any spelling of the domain. */
	check(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example", "",
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass','header_from':'ORIG.Example'},{'i':2,'sealer':"
		"'mx.sealer.example','dmarc':'fail','header_from':"
		"'orig.example'}]}",
		REJ("orig.example")),
	    AG_ACCEPT, "none");
	/* DNS trouble on the chain: an untrusted newest hop holds nothing
	 * back (a reject stays a reject); a trusted one does (tempfail). */
	check(P1,
	    BASE("203.0.113.7", "false", "x@evil.example", "'ceo@orig.example'",
		"fail", "evil.example", "",
		"{'result':'temperror','instances':[{'i':1,'sealer':"
		"'sealer.example','dmarc':'pass','header_from':'orig.example'},"
		"{'i':2,'sealer':'evil.example','dmarc':'pass'}]}",
		REJ("orig.example")),
	    AG_REJECT, "dmarc.reject");
	check(P1,
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example", "",
		"{'result':'temperror','instances':[{'i':1,'sealer':"
		"'sealer.example','dmarc':'pass','header_from':'orig.example'}]}",
		REJ("orig.example")),
	    AG_TEMPFAIL, "dmarc.temperror");
	/* Negative: p2-style waives = spf leaves DKIM findings standing. */
	check("[general]\ndmarc_pass_waives = spf\n"
	      "[trusted]\narc_sealers = sealer.example\n",
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"fail", "orig.example",
		SIG("orig.example", "body_modified", 2048),
		"{'result':'pass','instances':[{'i':1,'sealer':'sealer.example',"
		"'dmarc':'pass','header_from':'orig.example'}]}",
		REJ("orig.example")),
	    AG_TAG, "dkim.body_modified");
	/* The ARC failure itself is a finding (accept by default). */
	check("[actions]\narc.fail = quarantine\n",
	    BASE("203.0.113.7", "false", "a@orig.example", "'a@orig.example'",
		"pass", "orig.example", "", "{'result':'fail','instances':[]}",
		""),
	    AG_QUARANTINE, "arc.fail");
}

static void
test_dmarc_pass_waives(void **state)
{
	(void)state;
	/* SPF-aligned pass waives the invalid key (scenario 03). */
	check_waiver(P1,
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "pass", "sender.example",
		SIG("sender.example", "key_missing", 2048), NOARC,
		REJ("sender.example")),
	    AG_DKIM_KEY_MISSING, "dmarc.pass");
	/* DKIM-aligned pass waives an SPF fail. */
	check(P1,
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "fail", "sender.example",
		SIG("sender.example", "pass", 2048), NOARC,
		REJ("sender.example")),
	    AG_ACCEPT, "none");
	/* No DMARC record, no DMARC pass: the SPF failure stands but for
	 * the aligned DKIM pass (test_aligned_dkim_waives). */
	check("[general]\naligned_dkim_waives = none\n",
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "fail", "sender.example",
		SIG("sender.example", "pass", 2048), NOARC, ""),
	    AG_REJECT, "spf.fail");
	/* Negative: dmarc_pass_waives = spf keeps DKIM findings. */
	check("[general]\ndmarc_pass_waives = spf\n",
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "pass", "sender.example",
		SIG("sender.example", "key_missing", 2048), NOARC,
		REJ("sender.example")),
	    AG_TAG, "dkim.key_missing");
	check("[general]\ndmarc_pass_waives = none\n",
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "softfail", "sender.example",
		SIG("sender.example", "pass", 2048), NOARC,
		REJ("sender.example")),
	    AG_TAG, "spf.softfail");
}

/* The facts of a forwarded message: SPF of sender.example (From
 * FROMDOM) fails at the forwarder's address, one DKIM signature. */
#define FWD(from, spf, sig, dns)                                              \
	BASE("203.0.113.7", "false", "b@sender.example", "'a@" from "'", spf, \
	    "sender.example", sig, NOARC, dns)
#define NOREC ""

static void
test_aligned_dkim_waives(void **state)
{
	static const char *const off
	    = "[general]\naligned_dkim_waives = none\n";
	static const char *const ign
	    = "[domain:sender.example]\nignore = dmarc\n";
	static const char *const ign_dkim
	    = "[domain:sender.example]\nignore = dkim\n";

	(void)state;
	/* Forwarded, no DMARC record: the aligned DKIM pass waives the SPF
	 * failure (it used to be rejected as spf.fail). */
	check(P1,
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		NOREC),
	    AG_ACCEPT, "none");
	check_waiver(P1,
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		NOREC),
	    AG_SPF_FAIL, "dkim.aligned");
	/* Relaxed alignment, by organizational domain, both ways: RFC
	 * 7489 finds it in the public suffix list; RFC 9989 in DNS, so
	 * without any DMARC record each domain is its own and a sibling's
	 * signature waives nothing. */
	check_waiver(M7489,
	    FWD("sender.example", "fail",
		SIG("mail.sender.example", "pass", 2048), NOREC),
	    AG_SPF_FAIL, "dkim.aligned");
	check_waiver(M7489,
	    FWD("news.sender.example", "fail",
		SIG("sender.example", "pass", 2048), NOREC),
	    AG_SPF_FAIL, "dkim.aligned");
	check_waiver(P1,
	    FWD("sender.example", "fail",
		SIG("mail.sender.example", "pass", 2048), NOREC),
	    AG_SPF_FAIL, NULL);
	check_waiver(P1,
	    FWD("news.sender.example", "fail",
		SIG("sender.example", "pass", 2048), NOREC),
	    AG_SPF_FAIL, NULL);
	check_waiver(P1,
	    FWD("sender.example", "fail", SIG("SENDER.Example.", "pass", 2048),
		NOREC),
	    AG_SPF_FAIL, "dkim.aligned");
	/* Every SPF finding, not only fail. */
	check_waiver(P1,
	    FWD("sender.example", "softfail",
		SIG("sender.example", "pass", 2048), NOREC),
	    AG_SPF_SOFTFAIL, "dkim.aligned");
	check(P1,
	    FWD("sender.example", "temperror",
		SIG("sender.example", "pass", 2048), NOREC),
	    AG_ACCEPT, "none");
	check(P1,
	    FWD("sender.example", "permerror",
		SIG("sender.example", "pass", 2048), NOREC),
	    AG_ACCEPT, "none");
	/* With a DMARC record the DMARC pass names the waiver, as before. */
	check_waiver(P1,
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		REJ("sender.example")),
	    AG_SPF_FAIL, "dmarc.pass");
	/* A record asking for strict DKIM alignment: DMARC fails and acts,
	 * and a signature of a sibling domain waives nothing (adkim=s
	 * stands), under p=none too, where SPF then decides. */
	check(P1,
	    FWD("sender.example", "fail",
		SIG("mail.sender.example", "pass", 2048),
		"'_dmarc.sender.example':'v=DMARC1; p=reject; adkim=s'"),
	    AG_REJECT, "dmarc.reject");
	check_waiver(P1,
	    FWD("sender.example", "fail",
		SIG("mail.sender.example", "pass", 2048),
		"'_dmarc.sender.example':'v=DMARC1; p=reject; adkim=s'"),
	    AG_SPF_FAIL, NULL);
	check(P1,
	    FWD("sender.example", "fail",
		SIG("mail.sender.example", "pass", 2048),
		"'_dmarc.sender.example':'v=DMARC1; p=none; adkim=s'"),
	    AG_REJECT, "spf.fail");
	check_waiver(P1,
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		"'_dmarc.sender.example':'v=DMARC1; p=none; adkim=s'"),
	    AG_SPF_FAIL, "dmarc.pass");
	/* DMARC record unreadable: the SPF failure is waived, not held. */
	check_waiver(P1,
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		"'_dmarc.sender.example':'temperror'"),
	    AG_SPF_FAIL, "dkim.aligned");
	/* DKIM findings of other signatures stand: it waives SPF only. */
	check(P1,
	    FWD("sender.example", "fail",
		SIG("sender.example", "pass", 2048) "," SIG("other.example",
		    "body_modified", 2048),
		NOREC),
	    AG_TAG, "dkim.body_modified");

	/* Negative: the key turns it off. */
	check(off,
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		NOREC),
	    AG_REJECT, "spf.fail");
	check_waiver(off,
	    FWD("sender.example", "softfail",
		SIG("sender.example", "pass", 2048), NOREC),
	    AG_SPF_SOFTFAIL, NULL);
	/* Negative: never more than a DMARC pass would waive. */
	check("[general]\ndmarc_pass_waives = dkim\n",
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		NOREC),
	    AG_REJECT, "spf.fail");
	check("[general]\ndmarc_pass_waives = none\n",
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		NOREC),
	    AG_REJECT, "spf.fail");
	/* Negative: a key too short is no pass. */
	check(P1,
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 512),
		NOREC),
	    AG_REJECT, "spf.fail");
	check_waiver("[general]\nmin_key_bits = 2048\n",
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2047),
		NOREC),
	    AG_SPF_FAIL, NULL);
	/* Negative: a passing signature of another domain does not align,
	 * nor does a look-alike, a parent beyond the organizational domain,
	 * or a public suffix. */
	check(P1,
	    FWD("sender.example", "fail", SIG("other.example", "pass", 2048),
		NOREC),
	    AG_REJECT, "spf.fail");
	check(P1,
	    FWD("sender.example", "fail",
		SIG("sender-example.example", "pass", 2048), NOREC),
	    AG_REJECT, "spf.fail");
	check(P1,
	    FWD("sender.example", "fail",
		SIG("sender.example.evil.example", "pass", 2048), NOREC),
	    AG_REJECT, "spf.fail");
	check(P1,
	    BASE("203.0.113.7", "false", "b@bank.co.uk", "'a@bank.co.uk'",
		"fail", "bank.co.uk", SIG("co.uk", "pass", 2048), NOARC, ""),
	    AG_REJECT, "spf.fail");
	check(P1,
	    BASE("203.0.113.7", "false", "b@bank.com", "'a@bank.com'", "fail",
		"bank.com", SIG("com", "pass", 2048), NOARC, ""),
	    AG_REJECT, "spf.fail");
	/* Negative: an aligned signature that failed, or whose key could
	 * not be fetched, waives nothing. */
	check(P1,
	    FWD("sender.example", "fail",
		SIG("sender.example", "body_modified", 2048), NOREC),
	    AG_REJECT, "spf.fail");
	check_waiver(P1,
	    FWD("sender.example", "fail",
		SIG("sender.example", "temperror", 2048), NOREC),
	    AG_SPF_FAIL, NULL);
	check_waiver(P1,
	    FWD("sender.example", "fail",
		SIG("sender.example", "key_revoked", 2048), NOREC),
	    AG_SPF_FAIL, NULL);
	/* Negative: the From header decides alignment, not MAIL FROM: a
	 * signature of the envelope domain for another author. */
	check(P1,
	    FWD("bank.example", "fail", SIG("sender.example", "pass", 2048),
		NOREC),
	    AG_REJECT, "spf.fail");
	/* Negative: no single author, nothing to align with. */
	check_waiver(P1,
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'a@sender.example','b@sender.example'", "fail",
		"sender.example", SIG("sender.example", "pass", 2048), NOARC,
		""),
	    AG_SPF_FAIL, NULL);
	check_waiver(P1,
	    BASE("203.0.113.7", "false", "b@sender.example", "", "fail",
		"sender.example", SIG("sender.example", "pass", 2048), NOARC,
		""),
	    AG_SPF_FAIL, NULL);
	/* Negative: a domain judged on each check alone (ignore = dmarc or
	 * dkim) keeps its SPF findings: a replayed signature would waive
	 * them. */
	check(ign,
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		NOREC),
	    AG_REJECT, "spf.fail");
	check(ign_dkim,
	    FWD("sender.example", "fail", SIG("sender.example", "pass", 2048),
		NOREC),
	    AG_REJECT, "spf.fail");
	/* Its section applies to subdomains too. */
	check(ign,
	    FWD("news.sender.example", "fail",
		SIG("sender.example", "pass", 2048), NOREC),
	    AG_REJECT, "spf.fail");
}

static void
test_key_too_short(void **state)
{
	(void)state;
	check(P1,
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "none", "sender.example",
		SIG("sender.example", "pass", 512), NOARC,
		REJ("sender.example")),
	    AG_REJECT, "dmarc.reject");
	check(P1,
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "none", "sender.example",
		SIG("sender.example", "pass", 512), NOARC, ""),
	    AG_TAG, "dkim.key_too_short");
	/* ed25519 keys have no bit count to compare. */
	check(P1,
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "none", "sender.example",
		"{'d':'sender.example','s':'ed','a':'ed25519-sha256','bits':0,"
		"'result':'pass'}",
		NOARC, REJ("sender.example")),
	    AG_ACCEPT, "none");
	check("[general]\nmin_key_bits = 0\n",
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "none", "sender.example",
		SIG("sender.example", "pass", 512), NOARC,
		REJ("sender.example")),
	    AG_ACCEPT, "none");
	check("[general]\nmin_key_bits = 2048\n",
	    BASE("203.0.113.7", "false", "b@sender.example",
		"'b@sender.example'", "none", "sender.example",
		SIG("sender.example", "pass", 2047), NOARC, ""),
	    AG_TAG, "dkim.key_too_short");
}

static void
test_domain_sections(void **state)
{
	static const char *const pol
	    = "[actions]\ndkim.key_missing = reject\n"
	      "[domain:partner.example]\ndkim.key_missing = accept\n"
	      "[domain:strict.partner.example]\ndkim.key_missing = quarantine\n"
	      "[domain:legacy.example]\nignore = dkim, dmarc\n"
	      "[domain:trial.example]\nmode = monitor\n";
	struct decision d;
	char rule[300];

	(void)state;
	check(pol,
	    BASE("203.0.113.7", "false", "o@partner.example",
		"'o@partner.example'", "none", "partner.example",
		SIG("partner.example", "key_missing", 2048), NOARC, ""),
	    AG_ACCEPT, "none");
	check(pol,
	    BASE("203.0.113.7", "false", "o@mx.partner.example",
		"'o@mx.partner.example'", "none", "partner.example",
		SIG("partner.example", "key_missing", 2048), NOARC, ""),
	    AG_ACCEPT, "none");
	check(pol,
	    BASE("203.0.113.7", "false", "o@strict.partner.example",
		"'o@strict.partner.example'", "none", "partner.example",
		SIG("partner.example", "key_missing", 2048), NOARC, ""),
	    AG_QUARANTINE, "dkim.key_missing");
	run(pol,
	    BASE("203.0.113.7", "false", "o@strict.partner.example",
		"'o@strict.partner.example'", "none", "partner.example",
		SIG("partner.example", "key_missing", 2048), NOARC, ""),
	    &d);
	/* Negative: other domains keep the global action. */
	check(pol,
	    BASE("203.0.113.7", "false", "o@notpartner.example",
		"'o@notpartner.example'", "none", "notpartner.example",
		SIG("notpartner.example", "key_missing", 2048), NOARC, ""),
	    AG_REJECT, "dkim.key_missing");
	/* ignore = dkim, dmarc: decided on SPF alone. */
	check(pol,
	    BASE("203.0.113.7", "false", "o@legacy.example",
		"'o@legacy.example'", "none", "legacy.example",
		SIG("legacy.example", "key_missing", 2048), NOARC,
		REJ("legacy.example")),
	    AG_ACCEPT, "none");
	check_waiver(pol,
	    BASE("203.0.113.7", "false", "o@legacy.example",
		"'o@legacy.example'", "none", "legacy.example",
		SIG("legacy.example", "key_missing", 2048), NOARC,
		REJ("legacy.example")),
	    AG_DMARC_REJECT, "domain:legacy.example:ignore");
	/* ignore = dmarc also means no DMARC pass: a replayed aligned DKIM
	 * signature cannot waive the SPF failure (review finding). */
	check(pol,
	    BASE("203.0.113.7", "false", "o@legacy.example",
		"'o@legacy.example'", "fail", "legacy.example",
		SIG("legacy.example", "pass", 2048), NOARC,
		REJ("legacy.example")),
	    AG_REJECT, "spf.fail");
	/* Negative: ignore does not reach SPF. */
	check(pol,
	    BASE("203.0.113.7", "false", "o@legacy.example",
		"'o@legacy.example'", "fail", "legacy.example", "", NOARC, ""),
	    AG_REJECT, "spf.fail");
	/* Per-domain monitor: accept, and say what would have happened. */
	run(pol,
	    BASE("203.0.113.7", "false", "x@trial.example", "'x@trial.example'",
		"fail", "trial.example", "", NOARC, REJ("trial.example")),
	    &d);
	assert_int_equal(d.action, AG_ACCEPT);
	assert_true(d.monitor);
	assert_int_equal(d.would, AG_REJECT);
	assert_int_equal(d.findings[d.deciding].cls, AG_DMARC_REJECT);
	assert_int_equal(d.basis, BASIS_MONITOR_DOMAIN);
	/* Negative: a domain without mode is enforced. */
	check(pol,
	    BASE("203.0.113.7", "false", "x@other.example", "'x@other.example'",
		"fail", "other.example", "", NOARC, REJ("other.example")),
	    AG_REJECT, "dmarc.reject");
	(void)rule;
}

static void
test_skip(void **state)
{
	struct decision d;
	char rule[100];

	(void)state;
	check(P1,
	    BASE("203.0.113.7", "true", "x@bank.example", "'x@bank.example'",
		"fail", "bank.example", "", NOARC, REJ("bank.example")),
	    AG_ACCEPT, "none");
	run(P1,
	    BASE("198.51.100.25", "false", "x@bank.example", "'x@bank.example'",
		"fail", "bank.example", "", NOARC, REJ("bank.example")),
	    &d);
	assert_int_equal(d.action, AG_ACCEPT);
	assert_int_equal(d.basis, BASIS_SKIP_HOST);
	assert_int_equal(d.findings[0].waived, WAIVE_SKIP_HOST);
	/* Negative: a neighbour of the skipped host. */
	check(P1,
	    BASE("198.51.100.26", "false", "x@bank.example", "'x@bank.example'",
		"fail", "bank.example", "", NOARC, REJ("bank.example")),
	    AG_REJECT, "dmarc.reject");
	run(P1,
	    BASE("203.0.113.7", "true", "x@bank.example", "'x@bank.example'",
		"fail", "bank.example", "", NOARC, REJ("bank.example")),
	    &d);
	verdict_rule(&d, rule, sizeof(rule));
	assert_string_equal(rule, "skip.authenticated");
	/* Skip outranks monitor and every finding. */
	check("[general]\nmode = monitor\nskip_hosts = 198.51.100.0/24\n",
	    BASE("198.51.100.9", "false", "x@bank.example", "'x@bank.example'",
		"fail", "bank.example", "", NOARC, REJ("bank.example")),
	    AG_ACCEPT, "none");
}

static void
test_global_monitor(void **state)
{
	struct decision d;

	(void)state;
	run("[general]\nmode = monitor\n",
	    BASE("203.0.113.7", "false", "x@bank.example", "'ceo@bank.example'",
		"fail", "bank.example", "", NOARC, REJ("bank.example")),
	    &d);
	assert_int_equal(d.action, AG_ACCEPT);
	assert_true(d.monitor);
	assert_int_equal(d.would, AG_REJECT);
	assert_int_equal(d.basis, BASIS_MONITOR);
	/* A domain can opt back in to enforcement. */
	check(
	    "[general]\nmode = monitor\n[domain:bank.example]\nmode = enforce\n",
	    BASE("203.0.113.7", "false", "x@bank.example", "'ceo@bank.example'",
		"fail", "bank.example", "", NOARC, REJ("bank.example")),
	    AG_REJECT, "dmarc.reject");
}

static void
test_dmarc_evaluation(void **state)
{
	struct decision d;

	(void)state;
	/* Organizational domain fallback: sp= applies to subdomains. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@news.bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=reject; sp=quarantine'"),
	    AG_TAG, "dmarc.quarantine");
	/* Without sp=, p= applies to subdomains. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@news.bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=reject'"),
	    AG_REJECT, "dmarc.reject");
	/* The From domain's own record wins over the organization's. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@news.bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.news.bank.example':'v=DMARC1; p=none',"
		"'_dmarc.bank.example':'v=DMARC1; p=reject'"),
	    AG_ACCEPT, "none");
	/* Relaxed DKIM alignment across the organizational domain. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@news.bank.example'", "none",
		"mx.h.example", SIG("bank.example", "pass", 2048), NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=reject'"),
	    AG_ACCEPT, "none");
	/* Strict DKIM alignment refuses the parent domain. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@news.bank.example'", "none",
		"mx.h.example", SIG("bank.example", "pass", 2048), NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=reject; adkim=s'"),
	    AG_REJECT, "dmarc.reject");
	/* Strict SPF alignment likewise. */
	check("",
	    BASE("203.0.113.7", "false", "b@bounce.bank.example",
		"'a@bank.example'", "pass", "bounce.bank.example", "", NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=reject; aspf=s'"),
	    AG_REJECT, "dmarc.reject");
	check("",
	    BASE("203.0.113.7", "false", "b@bounce.bank.example",
		"'a@bank.example'", "pass", "bounce.bank.example", "", NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=reject'"),
	    AG_ACCEPT, "none");
	/* RFC 9989 (V33): an identifier equal to the From domain aligns,
	 * a public suffix too; under RFC 7489 a public suffix never
	 * aligns, even with itself. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@co.uk'", "none",
		"mx.h.example", SIG("co.uk", "pass", 2048), NOARC,
		"'_dmarc.co.uk':'v=DMARC1; p=reject'"),
	    AG_ACCEPT, "none");
	check("[general]\ndmarc_method = rfc7489\n",
	    BASE("203.0.113.7", "false", "", "'a@co.uk'", "none",
		"mx.h.example", SIG("co.uk", "pass", 2048), NOARC,
		"'_dmarc.co.uk':'v=DMARC1; p=reject'"),
	    AG_REJECT, "dmarc.reject");
	/* d=com signs for example.com: no alignment. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@example.com'", "none",
		"mx.h.example", SIG("com", "pass", 2048), NOARC,
		"'_dmarc.example.com':'v=DMARC1; p=reject'"),
	    AG_REJECT, "dmarc.reject");
	/* Case and a trailing dot do not matter. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@Bank.Example'", "none",
		"mx.h.example", SIG("BANK.example.", "pass", 2048), NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=reject'"),
	    AG_ACCEPT, "none");
	/* pct=0: a failing message gets the next policy down (RFC 7489:
	 * sampled out; RFC 9989 and D2: pct=0 reads as t=y). */
	run("",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=reject; pct=0'"),
	    &d);
	assert_int_equal(d.action, AG_TAG);
	assert_string_equal(verdict_class_name(&d), "dmarc.quarantine");
	assert_true(d.dmarc.testing && d.dmarc.pct0_testing);
	assert_false(d.dmarc.sampled_out);
	run("[general]\ndmarc_method = rfc7489\n",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=reject; pct=0'"),
	    &d);
	assert_int_equal(d.action, AG_TAG);
	assert_true(d.dmarc.sampled_out);
	check("",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=quarantine; pct=0'"),
	    AG_ACCEPT, "none");
	/* Multiple DMARC records: RFC 9989 discards them all and walks on
	 * (here to nothing); RFC 7489 made it a permerror. A broken one:
	 * permerror. */
	check("[actions]\ndmarc.none = tag\n",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':['v=DMARC1; p=reject','v=DMARC1; "
		"p=none']"),
	    AG_TAG, "dmarc.none");
	check("[general]\ndmarc_method = rfc7489\n"
	      "[actions]\ndmarc.permerror = tag\n",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':['v=DMARC1; p=reject','v=DMARC1; "
		"p=none']"),
	    AG_TAG, "dmarc.permerror");
	check("[actions]\ndmarc.permerror = tag\n",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=maybe'"),
	    AG_TAG, "dmarc.permerror");
	/* A broken p= with a report address is p=none (RFC 7489 6.6.3). */
	check("[actions]\ndmarc.fail = tag\n",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':'v=DMARC1; p=maybe; "
		"rua=mailto:d@bank.example'"),
	    AG_TAG, "dmarc.fail");
	/* Other TXT records at the name are not DMARC records. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':['google-site-verification=x',"
		"'v=DMARC1; p=reject']"),
	    AG_REJECT, "dmarc.reject");
	check("[actions]\ndmarc.none = tag\n",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", "", NOARC,
		"'_dmarc.bank.example':'v=spf1 -all'"),
	    AG_TAG, "dmarc.none");
	/* A DNS failure at the organizational domain is a temperror. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@news.bank.example'", "none",
		"mx.h.example", "", NOARC, "'_dmarc.bank.example':'temperror'"),
	    AG_TEMPFAIL, "dmarc.temperror");
	/* A failure that DNS trouble on an aligned check may have caused is
	 * never a reject. */
	check("",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", SIG("bank.example", "temperror", 2048), NOARC,
		REJ("bank.example")),
	    AG_TEMPFAIL, "dmarc.temperror");
	/* An unaligned temperror does not excuse the failure. */
	check("[actions]\ndkim.temperror = accept\n",
	    BASE("203.0.113.7", "false", "", "'a@bank.example'", "none",
		"mx.h.example", SIG("other.example", "temperror", 2048), NOARC,
		REJ("bank.example")),
	    AG_REJECT, "dmarc.reject");
}

static void
test_pct_is_deterministic(void **state)
{
	char facts[1024];
	struct decision d1, d2;
	unsigned sampled = 0, i;

	(void)state;
	for (i = 0; i < 200; i++) {
		snprintf(facts, sizeof(facts),
		    BASE("203.0.113.7", "false", "", "'a%u@bank.example'",
			"none", "mx.h.example", "", NOARC,
			"'_dmarc.bank.example':'v=DMARC1; p=reject; pct=50'"),
		    i);
		run(M7489, facts, &d1);
		run(M7489, facts, &d2);
		assert_int_equal(d1.action, d2.action);
		assert_int_equal(d1.dmarc.sampled_out, d2.dmarc.sampled_out);
		sampled += d1.dmarc.sampled_out;
	}
	/* Roughly half are sampled out; the hash is not degenerate. */
	assert_true(sampled > 60 && sampled < 140);
}

static void
test_from_findings(void **state)
{
	(void)state;
	check("",
	    BASE("203.0.113.7", "false", "a@x.example", "", "pass", "x.example",
		"", NOARC, ""),
	    AG_TAG, "from.missing");
	check("",
	    BASE("203.0.113.7", "false", "a@x.example",
		"'a@x.example, b@y.example'", "pass", "x.example", "", NOARC,
		""),
	    AG_REJECT, "from.multiple");
	/* Several authors in one domain are one author domain. */
	check("",
	    BASE("203.0.113.7", "false", "a@x.example",
		"'a@x.example, \\\"B\\\" <b@X.example>'", "pass", "x.example",
		"", NOARC, REJ("x.example")),
	    AG_ACCEPT, "none");
	check("",
	    BASE("203.0.113.7", "false", "a@x.example", "'undisclosed:;'",
		"pass", "x.example", "", NOARC, ""),
	    AG_TAG, "from.invalid");
	check("",
	    BASE("203.0.113.7", "false", "a@x.example", "'a@[192.0.2.1]'",
		"pass", "x.example", "", NOARC, ""),
	    AG_TAG, "from.invalid");
	/* A malformed header is still judged by the DMARC policy of the one
	 * domain it shows, and two shown domains are two authors. */
	check("",
	    BASE("203.0.113.7", "false", "x@evil.example",
		"'ceo@bank.example;'", "pass", "evil.example", "", NOARC,
		REJ("bank.example")),
	    AG_REJECT, "dmarc.reject");
	check("",
	    BASE("203.0.113.7", "false", "x@evil.example",
		"'<ceo@bank.example> <x@evil.example>'", "pass", "evil.example",
		"", NOARC, "'_dmarc.evil.example':'v=DMARC1; p=none'"),
	    AG_REJECT, "from.multiple");
}

static void
test_tie_break_and_rules(void **state)
{
	struct decision d;
	char rule[300];

	(void)state;
	/* spf.fail and dmarc.reject both reject: DMARC names it. */
	run(P1,
	    BASE("203.0.113.7", "false", "x@bank.example", "'ceo@bank.example'",
		"fail", "bank.example", "", NOARC, REJ("bank.example")),
	    &d);
	assert_string_equal(verdict_class_name(&d), "dmarc.reject");
	verdict_rule(&d, rule, sizeof(rule));
	assert_string_equal(rule, "default:dmarc.reject");
	assert_string_equal(d.reason,
	    "DMARC policy of bank.example rejects this message");
	/* A configured action names its section. */
	run("[actions]\ndmarc.reject = quarantine\n",
	    BASE("203.0.113.7", "false", "x@bank.example", "'ceo@bank.example'",
		"none", "bank.example", "", NOARC, REJ("bank.example")),
	    &d);
	verdict_rule(&d, rule, sizeof(rule));
	assert_string_equal(rule, "actions:dmarc.reject");
	assert_int_equal(d.findings[d.deciding].line, 2);
	run(P1,
	    BASE("203.0.113.7", "false", "x@bank.example", "'ceo@bank.example'",
		"pass", "bank.example", "", NOARC, ""),
	    &d);
	verdict_rule(&d, rule, sizeof(rule));
	assert_string_equal(rule, "accept");
}

static void
test_reply_text(void **state)
{
	struct policy *p = load_ok(
	    "[general]\nreject_message = No: %{reason} (%{class}, %{rule}, "
	    "%{domain}) 100%\n");
	struct arena arena;
	struct facts f;
	struct decision d;
	char buf[300];

	(void)state;
	arena_init(&arena);
	facts_ok(&f, &arena,
	    J(BASE("203.0.113.7", "false", "x@bank.example",
		"'ceo@bank.example'", "fail", "bank.example", "", NOARC,
		REJ("bank.example"))));
	decide(p, &f, &d);
	verdict_reply(p, &d, buf, sizeof(buf));
	assert_string_equal(buf,
	    "No: DMARC policy of bank.example rejects this message "
	    "(dmarc.reject, default:dmarc.reject, bank.example) 100%");
	verdict_reply(p, &d, buf, 10);
	assert_string_equal(buf, "No: DMARC");
	/* Hostile bytes from facts never reach the reply. */
	facts_ok(&f, &arena,
	    J("{'client':{'ip':'1.2.3.4\\r\\n250 ok'},'from':['a@x.example'],"
	      "'spf':{'result':'fail','domain':'evil\\r\\nX: y'}}"));
	decide(p, &f, &d);
	verdict_reply(p, &d, buf, sizeof(buf));
	assert_null(strchr(buf, '\r'));
	assert_null(strchr(buf, '\n'));
	arena_free(&arena);
	policy_free(p);
}

static void
test_dmarc_names(void **state)
{
	struct policy *p = load_ok("");
	char names[2][DECIDE_DMARC_NAME];

	(void)state;
	assert_int_equal(decide_dmarc_names(p, "news.bank.example", names), 2);
	assert_string_equal(names[0], "_dmarc.news.bank.example");
	assert_string_equal(names[1], "_dmarc.bank.example");
	assert_int_equal(decide_dmarc_names(p, "bank.example", names), 1);
	assert_int_equal(decide_dmarc_names(p, "co.uk", names), 1);
	assert_int_equal(decide_dmarc_names(p, "", names), 0);
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truth_table),
		cmocka_unit_test(test_trusted_identity),
		cmocka_unit_test(test_trusted_relay),
		cmocka_unit_test(test_arc_sealer),
		cmocka_unit_test(test_dmarc_pass_waives),
		cmocka_unit_test(test_aligned_dkim_waives),
		cmocka_unit_test(test_key_too_short),
		cmocka_unit_test(test_domain_sections),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_global_monitor),
		cmocka_unit_test(test_dmarc_evaluation),
		cmocka_unit_test(test_pct_is_deterministic),
		cmocka_unit_test(test_from_findings),
		cmocka_unit_test(test_tie_break_and_rules),
		cmocka_unit_test(test_reply_text),
		cmocka_unit_test(test_dmarc_names),
	};

	return cmocka_run_group_tests_name("decide", tests, NULL, NULL);
}
