/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_headers.c: the header readers and writers that meet what a sender
 * wrote: Authentication-Results parsing (RFC 8601), RFC 2047 encoded
 * words and the Subject tag.
 */
#include "helpers.h"

#include "mail/arparse.h"
#include "mail/encword.h"
#include "mail/subject.h"
#include "policy/verdict.h"

struct collected {
	size_t n;
	struct ar_resinfo r[8];
};

static bool
collect(void *ctx, const struct ar_resinfo *r)
{
	struct collected *c = ctx;

	if (c->n < 8)
		c->r[c->n++] = *r;
	return true;
}

static int
parse(const char *v, char *id, struct collected *c)
{
	memset(c, 0, sizeof(*c));
	return ar_parse(v, strlen(v), id, AR_MAX_ID, collect, c, NULL);
}

static void
test_ar_grammar(void **state)
{
	char id[AR_MAX_ID];
	struct collected c;

	(void)state;
	assert_int_equal(
	    parse(" gw.example; spf=pass "
		  "(sender IP is 192.0.2.1) "
		  "smtp.mailfrom=bounce@Example.ORG;\n\t"
		  "DKIM=Fail reason=\"bad; sig\" header.d=example.org "
		  "header.s=sel header.b=Ab/c+d==;\n\tdmarc=pass "
		  "header.from=example.org",
		id, &c),
	    0);
	assert_string_equal(id, "gw.example");
	assert_int_equal(c.n, 3);
	assert_string_equal(c.r[0].method, "spf");
	assert_string_equal(c.r[0].result, "pass");
	assert_string_equal(ar_prop_value(&c.r[0], "smtp", "mailfrom"),
	    "bounce@Example.ORG");
	assert_string_equal(c.r[1].method, "dkim");
	assert_string_equal(c.r[1].result, "fail");
	assert_string_equal(c.r[1].reason, "bad; sig");
	assert_string_equal(ar_prop_value(&c.r[1], "header", "b"), "Ab/c+d==");
	assert_string_equal(ar_prop_value(&c.r[1], "HEADER", "S"), "sel");
	assert_null(ar_prop_value(&c.r[1], "smtp", "mailfrom"));
	assert_string_equal(c.r[2].method, "dmarc");

	/* Comments anywhere, a quoted id, a version, method versions. */
	assert_int_equal(parse("(outer (nested \\) paren)) \"gw \\\"x\\\"\" 1"
			       "; (c) spf (c) / (c) 1 (c) = (c) neutral (c) "
			       "smtp (c) . (c) mailfrom (c) = (c) "
			       "\"a b\"@example.org (c)",
			     id, &c),
	    0);
	assert_string_equal(id, "gw \"x\"");
	assert_int_equal(c.n, 1);
	assert_int_equal(c.r[0].version, 1);
	assert_string_equal(c.r[0].result, "neutral");
	assert_string_equal(ar_prop_value(&c.r[0], "smtp", "mailfrom"),
	    "a b@example.org");

	assert_int_equal(parse("gw.example; none", id, &c), 0);
	assert_int_equal(c.n, 0);
	assert_int_equal(parse("gw.example", id, &c), 0);
	assert_int_equal(parse("gw.example; spf=pass;", id, &c), 0);
	assert_int_equal(c.n, 1);
}

static void
test_ar_malformed(void **state)
{
	static const char *const bad[] = { "", "   ",
		"(unclosed gw.example; spf=pass", "gw.example; spf",
		"gw.example; spf=", "gw.example; =pass", "gw.example spf=pass",
		"gw.example; spf=pass smtp.mailfrom",
		"gw.example; spf=pass smtp=x", "gw.example; spf=pass (open",
		"gw.example; spf=pass reason=",
		"gw.example; spf=pass x.y=\"open", "\"gw.example; spf=pass",
		"gw.example; spf/=pass", "gw.example;; spf=pass" };
	char id[AR_MAX_ID], longv[2 * AR_MAX_VALUE];
	struct collected c;
	size_t i, errpos;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], id, &c) != -1)
			fail_msg("parsed: '%s'", bad[i]);
	assert_int_equal(ar_parse("gw.example; spf=pass ?", 22, id, sizeof(id),
			     NULL, NULL, &errpos),
	    -1);
	assert_int_equal(errpos, 21);

	/* A value longer than the reader keeps is an error, not a cut. */
	snprintf(longv, sizeof(longv), "gw.example; spf=pass smtp.helo=%0*d",
	    AR_MAX_VALUE, 7);
	assert_int_equal(parse(longv, id, &c), -1);

	/* More properties than kept are counted. */
	assert_int_equal(parse("gw.example; x=y a.a=1 a.b=2 a.c=3 a.d=4 a.e=5 "
			       "a.f=6 a.g=7 a.h=8 a.i=9 a.j=10",
			     id, &c),
	    0);
	assert_int_equal(c.r[0].n_props, AR_MAX_PROPS);
	assert_int_equal(c.r[0].props_dropped, 2);
}

static void
test_ar_authserv_id(void **state)
{
	static const struct {
		const char *v, *id;
	} cases[] = {
		{ " gw.example; spf=pass", "gw.example" },
		{ "(forged) gw.example;", "gw.example" },
		{ "\"gw.example\"; dmarc=pass", "gw.example" },
		{ "\"gw.exa\\mple\"", "gw.example" },
		{ "\"gw.example", "gw.example" }, /* unclosed: lenient */
		{ "gw.example@; dmarc=pass", "gw.example" },
		{ "gw.example/1; dmarc=pass", "gw.example" },
		{ "gw.example.evil; dmarc=pass", "gw.example.evil" },
		{ "\n\tgw.example\n\t;", "gw.example" },
		{ "; spf=pass", "" },
		{ "(never closed gw.example;", "" },
		{ "", "" },
	};
	char id[AR_MAX_ID], small[4];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = ar_authserv_id(cases[i].v, strlen(cases[i].v), id,
		    sizeof(id));

		if (strcmp(id, cases[i].id) != 0 || n != strlen(cases[i].id))
			fail_msg("'%s': got '%s'", cases[i].v, id);
	}
	assert_int_equal(ar_authserv_id("gw.example", 10, small, sizeof(small)),
	    0);
	assert_string_equal(small, "");
}

/* What the module writes reads back as what it says. */
static void
test_ar_round_trip(void **state)
{
	struct policy *p = load_ok("");
	struct arena arena;
	struct facts f;
	struct decision d;
	struct sbuf sb;
	struct collected c;
	char id[AR_MAX_ID];
	const char *v;

	(void)state;
	arena_init(&arena);
	facts_ok(&f, &arena,
	    J("{'client':{'ip':'203.0.113.7','helo':'h','authenticated':false},"
	      "'mail_from':'b@bounce.example.org',"
	      "'from':['A <a@example.org>'],"
	      "'spf':{'result':'softfail','domain':'bounce.example.org'},"
	      "'dkim':[{'d':'example.org','s':'sel','a':'rsa-sha256',"
	      "'bits':2048,'result':'bad_signature'},{'d':'other.example','s':'s 2',"
	      "'a':'rsa-sha256','bits':2048,'result':'pass'}],"
	      "'arc':{'result':'none','instances':[]},"
	      "'dns':{'_dmarc.example.org':'v=DMARC1; p=reject'}}"));
	decide(p, &f, &d);
	sbuf_init(&sb, 16384);
	verdict_authres(&sb, &f, &d, "gw.example");
	v = strchr(sbuf_cstr(&sb), ':') + 1;
	assert_int_equal(parse(v, id, &c), 0);
	assert_string_equal(id, "gw.example");
	assert_int_equal(c.n, 5);
	assert_string_equal(c.r[0].method, "spf");
	assert_string_equal(c.r[0].result, "softfail");
	assert_string_equal(ar_prop_value(&c.r[0], "smtp", "mailfrom"),
	    "bounce.example.org");
	assert_string_equal(c.r[1].result, "fail");
	assert_string_equal(ar_prop_value(&c.r[1], "header", "d"),
	    "example.org");
	/* "s 2" is not a token: left out rather than quoted. */
	assert_null(ar_prop_value(&c.r[2], "header", "s"));
	assert_string_equal(c.r[3].method, "dmarc");
	assert_string_equal(c.r[3].result, "fail");
	assert_string_equal(c.r[4].method, "arc");
	sbuf_free(&sb);
	arena_free(&arena);
	policy_free(p);
}

/* X-AuthGate names each unwaived class once, however many signatures
 * share it, and says what monitor mode would have done. */
static void
test_xauthgate(void **state)
{
	struct policy *p = load_ok("[actions]\ndkim.bad_signature = tag\n"
				   "[domain:trial.example]\nmode = monitor\n");
	struct arena arena;
	struct facts f;
	struct decision d;
	struct sbuf sb;

	(void)state;
	arena_init(&arena);
	facts_ok(&f, &arena,
	    J("{'client':{'ip':'203.0.113.7','helo':'h','authenticated':false},"
	      "'mail_from':'b@example.org','from':['a@example.org'],"
	      "'spf':{'result':'pass','domain':'example.org'},"
	      "'dkim':[{'d':'x.example','s':'a','a':'rsa-sha256','bits':2048,"
	      "'result':'bad_signature'},{'d':'y.example','s':'b',"
	      "'a':'rsa-sha256','bits':2048,'result':'bad_signature'}],"
	      "'arc':{'result':'none','instances':[]},"
	      "'dns':{'_dmarc.example.org':'v=DMARC1; p=reject'}}"));
	decide(p, &f, &d);
	sbuf_init(&sb, 4096);
	verdict_xauthgate(&sb, &d);
	assert_string_equal(sbuf_cstr(&sb),
	    "X-AuthGate: action=accept; class=none; rule=accept; "
	    "findings=none;\n\tdmarc=pass policy=reject (p=reject at "
	    "example.org)\n");

	f.spf = AG_SPFR_FAIL;
	decide(p, &f, &d);
	sbuf_reset(&sb);
	verdict_xauthgate(&sb, &d);
	assert_string_equal(sbuf_cstr(&sb),
	    "X-AuthGate: action=reject; class=dmarc.reject; "
	    "rule=default:dmarc.reject; findings=dmarc.reject,"
	    "dkim.bad_signature,spf.fail;\n\tdmarc=fail policy=reject (p=reject "
	    "at example.org)\n");

	f.from[0] = "a@trial.example";
	f.spf_domain = "trial.example";
	decide(p, &f, &d);
	sbuf_reset(&sb);
	verdict_xauthgate(&sb, &d);
	assert_string_equal(sbuf_cstr(&sb),
	    "X-AuthGate: action=accept; class=none; "
	    "rule=domain:trial.example:monitor; would=reject; "
	    "findings=dmarc.none,dkim.bad_signature,spf.fail;\n\tdmarc=none\n");
	sbuf_free(&sb);
	arena_free(&arena);
	policy_free(p);
}

static void
test_encoded_words(void **state)
{
	struct encword w;
	char out[64];
	size_t n;

	(void)state;
	assert_true(encword_at("=?UTF-8?Q?a_b=40c=zz?= rest", 27, &w));
	assert_int_equal(w.len, 22);
	n = encword_decode(&w, out, sizeof(out));
	assert_int_equal(n, 7);
	assert_memory_equal(out, "a b@czz", 7);
	assert_true(encword_at("=?utf-8?b?W1NQQU1d?=", 20, &w));
	n = encword_decode(&w, out, sizeof(out));
	assert_memory_equal(out, "[SPAM]", n);
	assert_int_equal(n, 6);
	n = encword_decode(&w, out, 3);
	assert_int_equal(n, 3);

	assert_false(encword_at("=?utf-8?x?abc?=", 15, &w));
	assert_false(encword_at("=??q?abc?=", 10, &w));
	assert_false(encword_at("=?utf 8?q?abc?=", 15, &w));
	assert_false(encword_at("=?utf-8?q?a c?=", 15, &w));
	assert_false(encword_at("=?utf-8?q?abc?", 14, &w));
	assert_false(encword_at("=?utf-8?q?abc?=", 12, &w));

	assert_int_equal(encword_run_end("=?a?q?x?= \n\t=?b?b?eQ==?= tail", 29),
	    24);
	assert_int_equal(encword_run_end("=?a?q?x?=tail", 13), 9);
	assert_int_equal(encword_run_end("plain", 5), 0);
}

static void
test_subject_has_tag(void **state)
{
	(void)state;
	assert_true(subject_has_tag(" [SPAM] hello\n", "[SPAM]"));
	assert_true(subject_has_tag("\n\t[SPAM]", "[SPAM]"));
	assert_true(subject_has_tag("=?utf-8?q?[SPAM]_hello?=", "[SPAM]"));
	assert_true(subject_has_tag("=?utf-8?b?W1NQQU1dIGhp?=", "[SPAM]"));
	/* Split over two words: the space between them is not shown. */
	assert_true(subject_has_tag("=?utf-8?q?[SP?= \n =?utf-8?q?AM]?=",
	    "[SPAM]"));
	/* After the words, their following text is shown as written. */
	assert_true(subject_has_tag("=?utf-8?q?[SP?=AM] x", "[SPAM]"));
	assert_false(subject_has_tag("=?utf-8?q?[SP?= AM]", "[SPAM]"));
	assert_false(subject_has_tag("hello [SPAM]", "[SPAM]"));
	assert_false(subject_has_tag("[SPA", "[SPAM]"));
	assert_false(subject_has_tag("[spam] x", "[SPAM]"));
	assert_false(subject_has_tag("", "[SPAM]"));
}

static void
check_tag(const char *value, enum subject_outcome want, const char *field)
{
	struct sbuf sb;

	sbuf_init(&sb, 65536);
	if (subject_tag(&sb, value, "[SPAM]", 200) != want)
		fail_msg("'%s': not the expected outcome", value);
	assert_string_equal(sbuf_cstr(&sb), field);
	sbuf_free(&sb);
}

static void
test_subject_tag(void **state)
{
	char longv[300];
	struct sbuf sb;

	(void)state;
	check_tag(" hello\n", SUBJECT_TAGGED, "Subject: [SPAM] hello\n");
	check_tag("\n\t=?utf-8?q?caf=C3=A9?=\n", SUBJECT_TAGGED,
	    "Subject: [SPAM] =?utf-8?q?caf=C3=A9?=\n");
	check_tag(" one\n two\n", SUBJECT_TAGGED,
	    "Subject: [SPAM] one\n two\n");
	check_tag("", SUBJECT_TAGGED, "Subject: [SPAM]\n");
	check_tag(" \n", SUBJECT_TAGGED, "Subject: [SPAM]\n");
	/* A line break that would end the field early is folded. */
	check_tag(" a\nX-Injected: 1\n", SUBJECT_TAGGED,
	    "Subject: [SPAM] a\n\tX-Injected: 1\n");
	check_tag(" a\n\nb", SUBJECT_TAGGED, "Subject: [SPAM] a\n\t\n\tb\n");
	check_tag(" a\rb", SUBJECT_TAGGED, "Subject: [SPAM] a\rb\n");
	check_tag(" [SPAM] already", SUBJECT_ALREADY_TAGGED, "");
	check_tag("=?utf-8?q?[SPAM]?=", SUBJECT_ALREADY_TAGGED, "");
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	check_tag(longv, SUBJECT_TOO_LONG, "");
	/* "Subject: [SPAM] " + value + newline is exactly the limit. */
	longv[200 - 17] = '\0';
	sbuf_init(&sb, 65536);
	assert_int_equal(subject_tag(&sb, longv, "[SPAM]", 200),
	    SUBJECT_TAGGED);
	assert_int_equal(strlen(sbuf_cstr(&sb)), 200);
	sbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ar_grammar),
		cmocka_unit_test(test_ar_malformed),
		cmocka_unit_test(test_ar_authserv_id),
		cmocka_unit_test(test_ar_round_trip),
		cmocka_unit_test(test_xauthgate),
		cmocka_unit_test(test_encoded_words),
		cmocka_unit_test(test_subject_has_tag),
		cmocka_unit_test(test_subject_tag),
	};

	return cmocka_run_group_tests_name("headers", tests, NULL, NULL);
}
