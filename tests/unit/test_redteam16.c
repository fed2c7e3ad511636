/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_redteam16.c: red-team findings (round 16) against the RFC 9989
 * gathering, walk and evaluation. Each test states the attack and the
 * outcome the victim's policy asks for; a failing test is an open hole.
 */
#include "helpers.h"
#include "mail/dmarcwalk.h"
#include "mail/domcanon.h"
#include "policy/verdict.h"
#include "report/aggregate.h"
#include "util/sbuf.h"
#include "verify/dkim.h"
#include "verify/dmarcq.h"
#include "verify/dns.h"

/* The victim publishes "_dmarc.bank.example v=DMARC1; p=reject" and
 * nothing else; every other name (the attacker's included) is NXDOMAIN
 * unless a test's hook answers it. */
static unsigned rt_asked;

static void
victim_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	rt_asked++;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_NXDOMAIN;
	if (strcmp(name, "_dmarc.bank.example") == 0) {
		a->status = DNSQ_OK;
		a->n_txt = 1;
		a->txt[0] = "v=DMARC1; p=reject";
	}
}

/* Gathers the facts of json as the module does (victim_lookup as DNS),
 * then decides them as the module does. */
static void
gather_decide(const char *json, struct decision *d, struct facts *f,
    struct arena *arena)
{
	struct policy *p = load_ok("");

	facts_ok(f, arena, json);
	f->n_dns = 0;
	rt_asked = 0;
	dmarcq_collect(p, f, arena, victim_lookup, NULL);
	decide(p, f, d);
	policy_free(p);
}

/*
 * Hole 1 (class 1, where DKIM is known before DMARC is gathered: `authgate
 * explain`, which runs dmarcq_collect after dkimv_message, and the model
 * test_dmarcq_budget uses; the module itself gathers before SPF and DKIM,
 * local_scan/collect.c, so gather_identifiers walks nothing there). A
 * From domain that a reader sees as a subdomain of bank.example
 * ("mail<KATAKANA MIDDLE DOT>bank.example", which IDNA accepts as a
 * domain of the attacker's own, xn--...example) is judged twice: as the
 * name seen (mail.bank.example: bank.example's sp=reject) and as the name
 * written (the attacker's). The attacker signs with many passing
 * signatures of deep subdomains of the name written: gathering walks each
 * (gather_identifiers) and spends the budget (48) after the seen name's
 * walk; decide() then reads every NXDOMAIN name the seen name's walk
 * asked (never stored in the facts) as a DNS error, since
 * dmarc_incomplete is set: the seen name's DMARC is temperror, and the
 * forgery that is refused (550) is tempfailed (451) instead.
 */
static void
test_redteam16_dotted_budget(void **state)
{
	char json[16384], written[DOMAIN_MAX_LEN + 1], err[64];
	const char *from = "mail\xe3\x83\xbb"
			   "bank.example";
	struct arena arena;
	struct decision d;
	struct facts f;
	size_t o, i;

	(void)state;
	assert_int_equal(domcanon_strict(from, strlen(from), written, err,
			     sizeof(err)),
	    0);
	o = (size_t)snprintf(json, sizeof(json),
	    "{\"client\":{\"ip\":\"203.0.113.9\",\"helo\":\"x\","
	    "\"authenticated\":false},\"mail_from\":\"x@%s\","
	    "\"from\":[\"ceo@%s\"],\"spf\":{\"result\":\"pass\","
	    "\"domain\":\"%s\"},\"dkim\":[",
	    written, from, written);
	for (i = 0; i < 12; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o,
		    "%s{\"d\":\"a%zu.b%zu.c%zu.d%zu.e%zu.f%zu.%s\","
		    "\"s\":\"s\",\"a\":\"rsa-sha256\",\"bits\":2048,"
		    "\"result\":\"pass\"}",
		    i ? "," : "", i, i, i, i, i, i, written);
	snprintf(json + o, sizeof(json) - o, "]}");
	arena_init(&arena);
	gather_decide(json, &d, &f, &arena);
	if (d.action != AG_REJECT)
		fail_msg("forged From %s (seen as mail.bank.example): %s/%s, "
			 "dmarc %d, incomplete %d, %u queries",
		    from, ag_action_name(d.action), verdict_class_name(&d),
		    (int)d.dmarc.result, (int)f.dmarc_incomplete, rt_asked);
	arena_free(&arena);
}

/*
 * Hole 2 (class 4): a DKIM-Signature libopendkim cannot parse (a quote in
 * d=) is logged with its s= as written (dkim.c add_unparsed: tag_copy),
 * and a tag value keeps its inner folding whitespace (LF, then a space
 * or TAB, as Exim hands header lines over) and any TAB.
 * The aggregate report keeps each signature as "d TAB s TAB result", one
 * per LF line, and splits them again when it writes the XML; the
 * attacker's selector thus adds a <dkim> entry of its own making to the
 * report sent to the victim: " bank.example", selector sel, result
 * pass, for a forgery no signature of which passed. Fix: write d= and
 * s= into the row key with TAB, LF and CR replaced (or escaped).
 */
static void
test_redteam16_rua_selector_rows(void **state)
{
	static const char msg[]
	    = "DKIM-Signature: v=1; a=rsa-sha256; d=ev\"il.example; s=x\n"
	      " bank.example\tsel\tpass\n y; h=from; bh=AAAA; b=AAAA\n"
	      "From: ceo@bank.example\n"
	      "Subject: hi\n"
	      "\n"
	      "body\n";
	struct rua *a = malloc(sizeof(*a));
	struct rua_message m;
	struct arena arena;
	struct facts f;
	struct sbuf sb;
	char err[128];

	(void)state;
	assert_non_null(a);
	arena_init(&arena);
	facts_ok(&f, &arena,
	    "{\"client\":{\"ip\":\"192.0.2.1\"},\"mail_from\":"
	    "\"x@evil.example\",\"from\":[\"ceo@bank.example\"],"
	    "\"spf\":{\"result\":\"fail\",\"domain\":\"evil.example\"},"
	    "\"dns\":{\"_dmarc.bank.example\":"
	    "\"v=DMARC1; p=reject; rua=mailto:agg@bank.example\"}}");
	assert_int_equal(dkimv_message(msg, strlen(msg), NULL, victim_lookup,
			     NULL, &f, &arena, err, sizeof(err)),
	    0);
	assert_int_equal(f.n_dkim, 1);
	print_message("# logged s= \"%s\" (%s)\n", f.dkim[0].s,
	    ag_dkim_name(f.dkim[0].result));
	memset(&m, 0, sizeof(m));
	m.when = 1795305600 + 3600;
	m.action = AG_REJECT;
	m.has_dmarc = true;
	m.result = AG_DMARCR_FAIL;
	m.from_domain = "bank.example";
	m.record = "_dmarc.bank.example";
	m.policy = "reject";
	m.facts = &f;
	rua_init(a, 1795305600, 1795305600 + 86399);
	assert_int_equal(rua_add(a, &m), 1);
	sbuf_init(&sb, 1 << 20);
	rua_render_xml(a, a->report[0], "rx", "rx@rx.example", "id", &sb);
	assert_non_null(sb.buf);
	if (strstr(sb.buf, "<result>pass</result>") != NULL)
		fail_msg("the attacker's selector wrote a DKIM pass of "
			 "bank.example into its aggregate report:\n%s",
		    sb.buf);
	sbuf_free(&sb);
	rua_free(a);
	free(a);
	arena_free(&arena);
}

/*
 * Hole 3 (class 5): the walk's record text is printed by `authgate
 * explain` (print_walk) and `authgate dns-check` (the "walk:" lines)
 * through cli_printf, which keeps line ends and tabs on purpose; a DMARC
 * record of the attacker's own domain is a TXT string, which may hold
 * LF, so verdict_walk_step writes the attacker's lines at column 0 of the
 * postmaster's output (here a "Decision under ...: accept" line of the
 * attacker's making, under the real one's layout). The record parses (LF
 * is whitespace to the tag parser), so the walk shows it. Fix: show the
 * record with LF, CR and TAB as '?' (cli_safe_text / text_printable) in
 * verdict_walk_step, as every other sender-written value.
 */
static void
test_redteam16_walk_record_lines(void **state)
{
	struct policy *p = load_ok("");
	struct arena arena;
	struct decision d;
	struct facts f;
	char line[512];
	size_t i;

	(void)state;
	arena_init(&arena);
	facts_ok(&f, &arena,
	    "{\"client\":{\"ip\":\"203.0.113.9\",\"helo\":\"x\","
	    "\"authenticated\":false},\"mail_from\":\"x@evil.example\","
	    "\"from\":[\"ceo@evil.example\"],\"spf\":{\"result\":\"pass\","
	    "\"domain\":\"evil.example\"},\"dns\":{\"_dmarc.evil.example\":"
	    "\"v=DMARC1; p=none;\\n\\nDecision under the built-in defaults: "
	    "accept (class dmarc.pass, rule default)\\nReason: DMARC pass\\n"
	    "\"}}");
	decide(p, &f, &d);
	assert_true(d.dmarc.walk.n >= 1);
	for (i = 0; i < d.dmarc.walk.n; i++) {
		verdict_walk_step(&d, i, line, sizeof(line));
		if (strpbrk(line, "\r\n") != NULL)
			fail_msg(
			    "walk step %zu prints the attacker's lines:\n%s", i,
			    line);
	}
	arena_free(&arena);
	policy_free(p);
}

/* bank.example's zone with a customer space: customers.bank.example says
 * (psd=y) that each name below it is an organization of its own, as
 * RFC 9989 4.10.2 O2 reads it; evil.customers.bank.example is a
 * customer's (the attacker's) and publishes nothing. */
static void
customers_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	rt_asked++;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_NXDOMAIN;
	if (strcmp(name, "_dmarc.bank.example") == 0) {
		a->status = DNSQ_OK;
		a->n_txt = 1;
		a->txt[0] = "v=DMARC1; p=reject";
	} else if (strcmp(name, "_dmarc.customers.bank.example") == 0) {
		a->status = DNSQ_OK;
		a->n_txt = 1;
		a->txt[0] = "v=DMARC1; p=reject; psd=y";
	}
}

/*
 * Hole 4 (class 1, fixed): the module gathered the DMARC names before SPF
 * and DKIM were known (local_scan/collect.c: dmarcq_collect, then collect_spf
 * and collect_dkim), so gather_identifiers finds no identifier to walk
 * and the walks of relaxed alignment are never asked; decide() then reads
 * every name of an identifier's walk that is not in the facts as "no
 * record" (decide_facts_txt, dmarc_incomplete false). A customer of
 * bank.example (evil.customers.bank.example, a zone of the attacker's
 * own) signs a forged From: ceo@bank.example with d=its own name:
 * by RFC 9989, customers.bank.example's psd=y makes
 * evil.customers.bank.example its own organizational domain (O2), so the
 * signature does not align and p=reject applies (as `authgate explain`,
 * which gathers after DKIM, finds); the module never asks
 * _dmarc.customers.bank.example, reads bank.example as the signature's
 * organizational domain, and passes DMARC: 250. The README's "Every
 * answer the walks used is in the log line's facts" and "Relaxed
 * alignment compares organizational domains each found by its own walk"
 * do not hold in the module. Fix: gather after SPF and DKIM (keeping the
 * From domain's own names first in the budget), or have decide() read
 * a name the facts lack as a DNS error whenever the facts were gathered
 * without it.
 */
static void
test_redteam16_module_order_alignment(void **state)
{
	static const char *const facts_j
	    = "{\"client\":{\"ip\":\"203.0.113.9\",\"helo\":\"x\","
	      "\"authenticated\":false},\"mail_from\":\"\","
	      "\"from\":[\"ceo@bank.example\"]}";
	struct policy *p = load_ok("");
	struct arena arena;
	struct decision d, x;
	struct facts f, g;
	struct dmarcq *q = malloc(sizeof(*q));

	(void)state;
	assert_non_null(q);
	arena_init(&arena);
	/* As the module (local_scan/collect.c): the From domain's DMARC
	 * names first, then SPF and DKIM, then the identifiers' walks. */
	facts_ok(&f, &arena, facts_j);
	dmarcq_init(q, p, &f, &arena, customers_lookup, NULL);
	dmarcq_run(q);
	f.spf = AG_SPFR_NONE;
	f.dkim[0].d = "evil.customers.bank.example";
	f.dkim[0].s = "s";
	f.dkim[0].a = "rsa-sha256";
	f.dkim[0].bits = 2048;
	f.dkim[0].result = AG_DKIMR_PASS;
	f.n_dkim = 1;
	dmarcq_run(q);
	decide(p, &f, &d);
	/* As explain: DKIM first, then the DMARC names. */
	facts_ok(&g, &arena, facts_j);
	g.dkim[0] = f.dkim[0];
	g.n_dkim = 1;
	dmarcq_collect(p, &g, &arena, customers_lookup, NULL);
	decide(p, &g, &x);
	print_message("# explain's order: %s/%s; the module's: %s/%s\n",
	    ag_action_name(x.action), verdict_class_name(&x),
	    ag_action_name(d.action), verdict_class_name(&d));
	if (d.action != AG_REJECT)
		fail_msg("forged From: ceo@bank.example signed by "
			 "evil.customers.bank.example: the module decides "
			 "%s/%s (dmarc %d), explain %s",
		    ag_action_name(d.action), verdict_class_name(&d),
		    (int)d.dmarc.result, ag_action_name(x.action));
	free(q);
	arena_free(&arena);
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redteam16_dotted_budget),
		cmocka_unit_test(test_redteam16_module_order_alignment),
		cmocka_unit_test(test_redteam16_rua_selector_rows),
		cmocka_unit_test(test_redteam16_walk_record_lines),
	};

	return cmocka_run_group_tests_name("redteam16", tests, NULL, NULL);
}
