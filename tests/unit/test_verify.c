/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_verify.c: verify/ pieces that need no network: the SPF record
 * syntax check behind the module's reading of Exim's "(invalid)", the
 * resolver's refusal of names it cannot ask for, tag lists, key records,
 * canonicalization (RFC 6376's own example, and every kind of line end),
 * the ARC checks that come before any key is fetched, what a sealer's
 * ARC-Authentication-Results are read to say, a failing seal outweighing
 * a key that timed out, the rechecks behind
 * Exim's coarse verdicts against scripted DNS answers, what d= and s= may
 * be, and which DKIM signatures get the verification budget. Signed
 * chains and messages are tests/e2e/arc-agreement.t and
 * dkim-agreement.t.
 */
#include "helpers.h"
#include "mail/canon.h"
#include "mail/spfrec.h"
#include "mail/taglist.h"
#include "verify/arc.h"
#include "verify/dkim.h"
#include "verify/dkimid.h"
#include "verify/dkimkey.h"
#include "verify/dmarcq.h"
#include "verify/dns.h"
#include "verify/recheck.h"
#include "verify/spf.h"

static void
test_spf_syntax(void **state)
{
	static const char *const good[] = {
		"v=spf1 -all",
		"v=spf1",
		"v=SPF1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all",
		"v=spf1 a mx a:mail.example.com/24 mx:example.com//64 -all",
		"v=spf1 include:_spf.google.com ?all",
		"v=spf1 exists:%{i}.spf.example.com -all",
		"v=spf1 ptr ptr:example.com +all",
		"v=spf1 redirect=_spf.example.com",
		"v=spf1 ip4:192.0.2.1 exp=explain.example.com unknown-mod=x -all",
		"v=spf1  a   -all ",
	};
	static const char *const bad[] = {
		"v=spf2 -all",
		"spf1 -all",
		"v=spf1 ip4:bogus -all",
		"v=spf1 ip4:192.0.2.0/33",
		"v=spf1 ip6:2001:db8::/129",
		"v=spf1 include -all",
		"v=spf1 include: -all",
		"v=spf1 frobnicate -all",
		"v=spf1 all:x",
		"v=spf1 a/",
		"v=spf1 a/x",
		"v=spf1 1bad=x",
		/* eleven lookups */
		"v=spf1 a a a a a a a a a a a -all",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!spfrec_syntax_ok(good[i]))
			fail_msg("rejected: %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (spfrec_syntax_ok(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	assert_true(spfrec_is_spf("v=spf1 -all"));
	assert_false(spfrec_is_spf("v=spf10 -all"));
}

/* A budget that is spent: counts how often libspf2 asked. */
static bool
spent(void *ctx)
{
	(*(int *)ctx)++;
	return false;
}

/* With the budget spent, libspf2 sends nothing: its first query (the
 * sender's record) is answered as DNS trouble, and the check is a
 * temperror after exactly one question to the budget. */
static void
test_spf_budget(void **state)
{
	char dom[300];
	int asked = 0;

	(void)state;
	assert_int_equal(spfv_check("192.0.2.1", "mx.example.com",
			     "a@example.com", dom, sizeof(dom), spent, &asked),
	    AG_SPFR_TEMPERROR);
	assert_int_equal(asked, 1);
	assert_string_equal(dom, "example.com");
}

/* A string of n copies of c. */
static const char *
repeat(char c, size_t n)
{
	static char buf[4][600];
	static unsigned k;
	char *b = buf[k++ % 4];

	memset(b, c, n);
	b[n] = '\0';
	return b;
}

static void
test_dns_bad_names(void **state)
{
	char name[600];
	struct dnsq_answer a;
	struct arena arena;
	size_t i;
	/* Names DNS cannot be asked for: none is ever sent. */
	const char *bad[] = {
		"bad name.example", "x}}${run{/bin/sh}}.example", "",
		"\xff\xfe.example", "a..example", ".example", "example.",
		"example..", ".", NULL, /* a 64-octet label, below */
		NULL,			/* 254 octets, below */
	};

	(void)state;
	arena_init(&arena);
	snprintf(name, sizeof(name), "s%s._domainkey.example.org",
	    repeat('a', 63));
	bad[9] = arena_strdup(&arena, name);
	for (i = 0; i + 4 < 254; i += 4)
		memcpy(name + i, "abc.", 4);
	memcpy(name + i, "ab", 2);
	name[i + 2] = '\0';
	assert_int_equal(strlen(name), 254);
	bad[10] = arena_strdup(&arena, name);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dnsq_txt(bad[i], 1, &arena, &a);
		if (a.status != DNSQ_BADNAME)
			fail_msg("asked for \"%s\"", bad[i]);
		dnsq_mx(bad[i], 1, &arena, &a);
		assert_int_equal(a.status, DNSQ_BADNAME);
	}
	assert_string_equal(dnsq_status_name(DNSQ_TEMPERROR), "temperror");
	/* The limits themselves are allowed. */
	name[253] = '\0';
	assert_true(dnsq_name_ok(name, 253, 0));
	assert_false(dnsq_name_ok(name, 254, 0) && name[253] != '\0');
	assert_true(dnsq_name_ok(repeat('a', 63), 63, 0));
	assert_false(dnsq_name_ok(repeat('a', 64), 64, 0));
	assert_true(dnsq_name_ok("_dmarc.Example.ORG", 18, 0));
	/* A final dot only when allowed, and never two. */
	assert_false(dnsq_name_ok("example.org.", 12, 0));
	assert_true(dnsq_name_ok("example.org.", 12, DNSQ_NAME_FINAL_DOT));
	assert_false(dnsq_name_ok("example.org..", 13, DNSQ_NAME_FINAL_DOT));
	assert_false(dnsq_name_ok(".", 1, DNSQ_NAME_FINAL_DOT));
	/* Any byte but NUL and '.' only when allowed. */
	assert_false(dnsq_name_ok("a b%.example", 12, 0));
	assert_true(dnsq_name_ok("a b%.example", 12, DNSQ_NAME_ANY_BYTE));
	assert_false(dnsq_name_ok("a\0b.example", 11, DNSQ_NAME_ANY_BYTE));
	assert_false(dnsq_name_ok("a..b", 4, DNSQ_NAME_ANY_BYTE));
	arena_free(&arena);
}

/* What d= and s= may be, in every place that reads them. */
static void
test_dkim_names(void **state)
{
	static const char *const good_d[] = {
		"bank.example",
		"Bank.EXAMPLE",
		"a-b.example",
		"xn--bnk-sna.example",
		"1.example",
		"example",
	};
	static const char *const bad_d[] = {
		"bank.example.", /* the trailing dot of issue 15 item 10 */
		"bank.example..",
		".bank.example",
		"bank..example",
		"",
		"bank_x.example",
		"-bank.example",
		"bank-.example",
		"bank.-example",
		"b\xc3\xa4nk.example", /* a U-label is not LDH */
		"bank.example\n",
		"bank example",
		"bank.example/",
	};
	static const char *const bad_s[] = {
		"",
		".sel",
		"sel.",
		"s..el",
		"s el",
		"s\xc3\xa9l",
		"s/el",
	};
	char name[DNSQ_MAX_NAME + 1], big[300], bigd[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good_d) / sizeof(good_d[0]); i++)
		if (!dkimid_domain_ok(good_d[i], strlen(good_d[i])))
			fail_msg("refused d=%s", good_d[i]);
	for (i = 0; i < sizeof(bad_d) / sizeof(bad_d[0]); i++)
		if (dkimid_domain_ok(bad_d[i], strlen(bad_d[i])))
			fail_msg("accepted d=%s", bad_d[i]);
	assert_false(dkimid_domain_ok(repeat('a', 64), 64));
	assert_true(dkimid_domain_ok(repeat('a', 63), 63));
	for (i = 0; i < sizeof(bad_s) / sizeof(bad_s[0]); i++)
		if (dkimid_selector_ok(bad_s[i], strlen(bad_s[i])))
			fail_msg("accepted s=%s", bad_s[i]);
	assert_true(dkimid_selector_ok("s_2024-01.Mail", 14));
	assert_false(dkimid_selector_ok(repeat('a', 64), 64));
	/* The key name: s= as written, d= in lower case. */
	assert_int_equal(dkimid_key_name("Sel", 3, "Bank.Example", 12, name,
			     sizeof(name)),
	    0);
	assert_string_equal(name, "Sel._domainkey.bank.example");
	assert_int_equal(dkimid_key_name("sel", 3, "bank.example.", 13, name,
			     sizeof(name)),
	    -1);
	/* Each part fits, the whole does not. */
	snprintf(big, sizeof(big), "%s.%s.%s", repeat('a', 63), repeat('b', 63),
	    repeat('c', 63));
	snprintf(bigd, sizeof(bigd), "%s.%s.example", repeat('d', 60),
	    repeat('e', 60));
	assert_true(dkimid_selector_ok(big, strlen(big)));
	assert_true(dkimid_domain_ok(bigd, strlen(bigd)));
	assert_int_equal(dkimid_key_name(big, strlen(big), "bank.example", 12,
			     name, sizeof(name)),
	    0);
	assert_int_equal(dkimid_key_name(big, strlen(big), bigd, strlen(bigd),
			     name, sizeof(name)),
	    -1);
	assert_int_equal(dkimid_key_name("sel", 3, "bank.example", 12, name,
			     10),
	    -1);
}

/* Which signatures can matter: aligned with the From domain (relaxed, as
 * decide() aligns), then trusted domains, then the rest. */
static void
test_dkim_rank(void **state)
{
	struct policy *p = load_ok("[trusted]\ndomains = trusted.example\n");
	static const struct {
		const char *from, *d;
		enum dkimid_rank want;
	} cases[] = {
		{ "CEO <ceo@bank.example>", "bank.example", DKIMID_ALIGNED },
		{ "CEO <ceo@bank.example>", "BANK.example", DKIMID_ALIGNED },
		{ "CEO <ceo@bank.example>", "mail.bank.example",
		    DKIMID_ALIGNED },
		{ "ceo@news.bank.example", "bank.example", DKIMID_ALIGNED },
		{ "ceo@news.bank.example", "x.bank.example", DKIMID_ALIGNED },
		{ "CEO <ceo@bank.example>", "bank.example.", DKIMID_OTHER },
		{ "CEO <ceo@bank.example>", "evilbank.example", DKIMID_OTHER },
		{ "CEO <ceo@bank.example>", "example", DKIMID_OTHER },
		{ "CEO <ceo@bank.example>", "trusted.example", DKIMID_TRUSTED },
		{ "CEO <ceo@bank.example>", "lists.trusted.example",
		    DKIMID_TRUSTED },
		{ "ceo@bank.example, eve@evil.example", "bank.example",
		    DKIMID_OTHER },
		{ "ceo@bank.example, eve@evil.example", "trusted.example",
		    DKIMID_TRUSTED },
	};
	struct dkimid_from from;
	struct facts f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		facts_init(&f);
		f.n_from = 1;
		f.from[0] = cases[i].from;
		dkimid_from_init(&from, p, &f);
		if (dkimid_rank(&from, cases[i].d, strlen(cases[i].d))
		    != cases[i].want)
			fail_msg("From %s, d=%s: rank %d, want %d",
			    cases[i].from, cases[i].d,
			    (int)dkimid_rank(&from, cases[i].d,
				strlen(cases[i].d)),
			    (int)cases[i].want);
	}
	/* Two From headers: nothing is aligned; no policy: nothing ranks. */
	facts_init(&f);
	f.n_from = 2;
	f.from[0] = f.from[1] = "ceo@bank.example";
	dkimid_from_init(&from, p, &f);
	assert_int_equal(dkimid_rank(&from, "bank.example", 12), DKIMID_OTHER);
	f.n_from = 1;
	dkimid_from_init(&from, NULL, &f);
	assert_int_equal(dkimid_rank(&from, "bank.example", 12), DKIMID_OTHER);
	policy_free(p);
}

static void
test_taglist(void **state)
{
	static const char *const good[] = {
		"a=b",
		"a=b;",
		" a = b ; c=d ;  ",
		"v=1; b=AbC\r\n dEf; bh=xyz=",
		"x_1=; y=",
		"",
	};
	static const char *const bad[] = {
		"a",
		"=b",
		"a=b;;c=d",
		"a=b; a=c",
		"1a=b",
		"a b=c",
		";",
	};
	struct taglist tl;
	unsigned char out[16];
	unsigned long long num;
	struct tag t;
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (taglist_parse(good[i], strlen(good[i]), &tl) != 0)
			fail_msg("rejected: %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (taglist_parse(bad[i], strlen(bad[i]), &tl) == 0)
			fail_msg("accepted: %s", bad[i]);
	/* Every prefix of a real signature parses or fails cleanly. */
	for (k = 0; k <= strlen(good[3]); k++)
		(void)taglist_parse(good[3], k, &tl);
	assert_int_equal(taglist_parse(good[2], strlen(good[2]), &tl), 0);
	assert_int_equal(tl.n, 2);
	assert_true(tag_value_is(taglist_get(&tl, "c"), "D"));
	assert_null(taglist_get(&tl, "A"));
	t.value = "aGVs\r\n bG8=";
	t.value_len = strlen(t.value);
	assert_int_equal(tag_base64(&t, out, sizeof(out)), 5);
	assert_memory_equal(out, "hello", 5);
	t.value = "aGVsbG8=x";
	t.value_len = strlen(t.value);
	assert_int_equal(tag_base64(&t, out, sizeof(out)), -1);
	t.value = "aGVsbG9=";
	t.value_len = strlen(t.value);
	assert_int_equal(tag_base64(&t, out, sizeof(out)), -1);
	t.value = "aGVsbG8gd29ybGQgYW5kIG1vcmU=";
	t.value_len = strlen(t.value);
	assert_int_equal(tag_base64(&t, out, 4), -1);
	t.value = "123";
	t.value_len = 3;
	assert_int_equal(tag_number(&t, &num), 0);
	assert_int_equal(num, 123);
	t.value = "12a";
	assert_int_equal(tag_number(&t, &num), -1);
}

static void
collect_sink(void *ctx, const void *data, size_t len)
{
	sbuf_putn(ctx, data, len);
}

/* RFC 6376 section 3.4.6's example, and the empty-body rules. */
static void
test_canon(void **state)
{
	static const char h1[] = "A: X", h2[] = "B : Y\t\r\n\tZ  ";
	static const char body[] = " C \r\nD \t E\r\n\r\n\r\n";
	struct sbuf sb;
	bool hr, br;

	(void)state;
	sbuf_init(&sb, 4096);
	canon_header(true, h1, strlen(h1), &sb);
	sbuf_puts(&sb, "|");
	canon_header(true, h2, strlen(h2), &sb);
	assert_string_equal(sbuf_cstr(&sb), "a:X|b:Y Z");
	sbuf_reset(&sb);
	canon_header(false, h2, strlen(h2), &sb);
	assert_string_equal(sbuf_cstr(&sb), h2);
	sbuf_reset(&sb);
	canon_body(true, body, strlen(body), -1, collect_sink, &sb);
	assert_string_equal(sbuf_cstr(&sb), " C\r\nD E\r\n");
	sbuf_reset(&sb);
	canon_body(false, body, strlen(body), -1, collect_sink, &sb);
	assert_string_equal(sbuf_cstr(&sb), " C \r\nD \t E\r\n");
	sbuf_reset(&sb);
	canon_body(false, body, strlen(body), 4, collect_sink, &sb);
	assert_string_equal(sbuf_cstr(&sb), " C \r");
	sbuf_reset(&sb);
	canon_body(false, "", 0, -1, collect_sink, &sb);
	assert_string_equal(sbuf_cstr(&sb), "\r\n");
	sbuf_reset(&sb);
	canon_body(true, "\n\n", 2, -1, collect_sink, &sb);
	assert_string_equal(sbuf_cstr(&sb), "");
	sbuf_free(&sb);
	assert_int_equal(canon_parse("relaxed/simple", 14, &hr, &br), 0);
	assert_true(hr);
	assert_false(br);
	assert_int_equal(canon_parse("simple", 6, &hr, &br), 0);
	assert_false(hr || br);
	assert_int_equal(canon_parse("relaxed/", 8, &hr, &br), -1);
	assert_int_equal(canon_parse("loose", 5, &hr, &br), -1);
}

/* Every line end a message can carry reaches the canonical form as
 * CRLF: LF, CRLF, the two mixed, a CR alone (read as Exim spools it: a
 * fold in a header, a line end in the body), a fold at the very end. */
static void
test_canon_line_ends(void **state)
{
	static const struct {
		const char *field, *simple, *relaxed;
	} fields[] = {
		{ "Subject: a\n b", "Subject: a\r\n b", "subject:a b" },
		{ "Subject: a\r\n b", "Subject: a\r\n b", "subject:a b" },
		{ "Subject: a\n b\r\n\tc", "Subject: a\r\n b\r\n\tc",
		    "subject:a b c" },
		{ "Subject: a\rb", "Subject: a\r\n b", "subject:a b" },
		{ "Subject: a\r b", "Subject: a\r\n  b", "subject:a b" },
		{ "Subject: a\n ", "Subject: a\r\n ", "subject:a" },
		{ "Subject: a\r\n\t", "Subject: a\r\n\t", "subject:a" },
		{ "Subject\n : a", "Subject\r\n : a", "subject:a" },
		{ "Subject: \n\n a", "Subject: \r\n\r\n a", "subject:a" },
	};
	static const struct {
		const char *body, *simple, *relaxed;
	} bodies[] = {
		{ "a\nb\n", "a\r\nb\r\n", "a\r\nb\r\n" },
		{ "a\r\nb\n", "a\r\nb\r\n", "a\r\nb\r\n" },
		{ "a\rb\r\n", "a\r\nb\r\n", "a\r\nb\r\n" },
		{ "a \rb", "a \r\nb\r\n", "a\r\nb\r\n" },
		{ "a\r\r\nb", "a\r\n\r\nb\r\n", "a\r\n\r\nb\r\n" },
		{ "a\n\r\n\r", "a\r\n", "a\r\n" },
		{ "\r", "\r\n", "" },
	};
	struct sbuf sb;
	size_t i, n;

	(void)state;
	sbuf_init(&sb, 4096);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		sbuf_reset(&sb);
		canon_header(false, fields[i].field, strlen(fields[i].field),
		    &sb);
		if (strcmp(sbuf_cstr(&sb), fields[i].simple) != 0)
			fail_msg("field %zu simple", i);
		sbuf_reset(&sb);
		canon_crlf(fields[i].field, strlen(fields[i].field), &sb);
		assert_string_equal(sbuf_cstr(&sb), fields[i].simple);
		sbuf_reset(&sb);
		canon_header(true, fields[i].field, strlen(fields[i].field),
		    &sb);
		if (strcmp(sbuf_cstr(&sb), fields[i].relaxed) != 0)
			fail_msg("field %zu relaxed: %s", i, sbuf_cstr(&sb));
	}
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		sbuf_reset(&sb);
		canon_body(false, bodies[i].body, strlen(bodies[i].body), -1,
		    collect_sink, &sb);
		if (strcmp(sbuf_cstr(&sb), bodies[i].simple) != 0)
			fail_msg("body %zu simple", i);
		sbuf_reset(&sb);
		canon_body(true, bodies[i].body, strlen(bodies[i].body), -1,
		    collect_sink, &sb);
		if (strcmp(sbuf_cstr(&sb), bodies[i].relaxed) != 0)
			fail_msg("body %zu relaxed", i);
	}
	sbuf_free(&sb);
	assert_int_equal(canon_next_line("ab\r\ncd", 6, &n), 4);
	assert_int_equal(n, 2);
	assert_int_equal(canon_next_line("ab\rcd", 5, &n), 3);
	assert_int_equal(n, 2);
	assert_int_equal(canon_next_line("ab\ncd", 5, &n), 3);
	assert_int_equal(canon_next_line("abcd", 4, &n), 4);
	assert_int_equal(n, 4);
	assert_int_equal(canon_next_line("ab\r", 3, &n), 3);
	assert_int_equal(n, 2);
}

static void
test_key_records(void **state)
{
	static const struct {
		const char *record;
		enum dkimkey_status want;
	} cases[] = {
		{ "v=DKIM1; k=rsa; p=", DKIMKEY_REVOKED },
		{ "v=DKIM1; k=rsa", DKIMKEY_SYNTAX },
		{ "v=DKIM1; k=rsa; p=MIIBroken", DKIMKEY_SYNTAX },
		{ "v=DKIM1; k=rsa; p=!!!!", DKIMKEY_SYNTAX },
		{ "v=DKIM2; p=AAAA", DKIMKEY_SYNTAX },
		{ "k=rsa; v=DKIM1; p=AAAA", DKIMKEY_SYNTAX },
		{ "v=DKIM1; k=dsa; p=AAAA", DKIMKEY_SYNTAX },
		{ "v=DKIM1; k=ed25519; p=AAAA", DKIMKEY_SYNTAX },
		{ "v=DKIM1; h=sha1; p=AAAA", DKIMKEY_SYNTAX },
		{ "v=DKIM1; s=tlsrpt; p=AAAA", DKIMKEY_SYNTAX },
		{ "not a tag list", DKIMKEY_SYNTAX },
		/* RFC 8463's example key */
		{ "v=DKIM1; k=ed25519; "
		  "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
		    DKIMKEY_OK },
	};
	struct dkimkey key;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dkimkey_parse(cases[i].record, &key);
		if (key.status != cases[i].want)
			fail_msg("%s: %s, want %s", cases[i].record,
			    dkimkey_status_name(key.status),
			    dkimkey_status_name(cases[i].want));
		if (key.status != DKIMKEY_OK)
			assert_true(key.why[0] != '\0');
		dkimkey_free(&key);
	}
	assert_int_equal(dkimkey_alg_parse("rsa-sha256", 10),
	    DKIMKEY_RSA_SHA256);
	assert_int_equal(dkimkey_alg_parse("ED25519-SHA256", 14),
	    DKIMKEY_ED25519_SHA256);
	assert_int_equal(dkimkey_alg_parse("rsa-sha1", 8),
	    DKIMKEY_ALG_UNSUPPORTED);
}

static unsigned lookups;

static void
count_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	(void)name;
	lookups++;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_NXDOMAIN;
}

/* bank.example publishes p=reject; every other name is NXDOMAIN. */
static void
bank_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	(*(unsigned *)ctx)++;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_NXDOMAIN;
	if (strcmp(name, "_dmarc.bank.example") == 0) {
		a->status = DNSQ_OK;
		a->n_txt = 1;
		a->txt[0] = "v=DMARC1; p=reject";
	}
}

/* A forged From of a p=reject domain with many failed signatures of deep
 * subdomains of it (each would need a walk of its own): the gathering
 * stays within its budget, so the From domain's walk is whole and the
 * forgery is rejected, not tempfailed for an exhausted budget; facts
 * whose budget did run out read unlisted names as DNS errors. */
static void
test_dmarcq_budget(void **state)
{
	struct policy *p = policy_load_buffer("t.ini", "", 0, NULL);
	struct facts f;
	struct decision d;
	struct arena arena;
	char json[16384];
	size_t o, i;
	unsigned asked = 0;

	(void)state;
	assert_non_null(p);
	o = (size_t)snprintf(json, sizeof(json),
	    "{\"client\":{\"ip\":\"203.0.113.9\",\"helo\":\"x\","
	    "\"authenticated\":false},\"mail_from\":\"x@evil.example\","
	    "\"from\":[\"ceo@bank.example\"],\"spf\":{\"result\":"
	    "\"softfail\",\"domain\":\"evil.example\"},\"dkim\":[");
	for (i = 0; i < 40; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o,
		    "%s{\"d\":\"a%zu.b%zu.c%zu.d%zu.e%zu.bank.example\","
		    "\"s\":\"s\",\"result\":\"bad_signature\"}",
		    i ? "," : "", i, i, i, i, i);
	snprintf(json + o, sizeof(json) - o, "]}");
	arena_init(&arena);
	assert_int_equal(facts_from_json(&f, &arena, json, strlen(json), NULL,
			     0),
	    0);
	f.n_dns = 0;
	dmarcq_collect(p, &f, &arena, bank_lookup, &asked);
	assert_false(f.dmarc_incomplete);
	if (asked > 30)
		fail_msg("%u lookups for one message", asked);
	decide(p, &f, &d);
	assert_int_equal(d.action, AG_REJECT);
	assert_int_equal(d.dmarc.result, AG_DMARCR_FAIL);
	/* Facts whose budget ran out: a name not listed is not "no
	 * record". */
	f.n_dns = 0;
	f.dmarc_incomplete = true;
	decide(p, &f, &d);
	assert_int_equal(d.dmarc.result, AG_DMARCR_TEMPERROR);
	arena_free(&arena);
	policy_free(p);
}

static bool
tok_is(const char *h, size_t n, const char *tok)
{
	return strlen(tok) == n && strncmp(h, tok, n) == 0;
}

/* One scripted DNS answer for the rechecks; the name asked is kept. */
struct script {
	enum dnsq_status status;
	const char *txt[2];
	size_t n_txt;
	char asked[300];
	unsigned calls;
};

static void
script_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	struct script *sc = ctx;
	size_t i;

	sc->calls++;
	snprintf(sc->asked, sizeof(sc->asked), "%s", name);
	memset(a, 0, sizeof(*a));
	a->status = sc->status;
	a->n_txt = sc->n_txt;
	for (i = 0; i < sc->n_txt; i++)
		a->txt[i] = sc->txt[i];
}

/* Exim's "(invalid)" SPF and "pubkey_unavailable" DKIM, told apart. */
static void
test_rechecks(void **state)
{
	struct script sc;
	static const struct {
		enum dnsq_status status;
		const char *txt0, *txt1;
		enum ag_spf want;
	} spf[] = {
		{ DNSQ_OK, "v=spf1 ip4:192.0.2.1 -all", NULL,
		    AG_SPFR_TEMPERROR },
		{ DNSQ_OK, "v=spf1 ip4:192.0.2.300 -all", NULL,
		    AG_SPFR_PERMERROR },
		{ DNSQ_OK, "v=spf1 -all", "v=spf1 +all", AG_SPFR_PERMERROR },
		{ DNSQ_OK, "not spf", NULL, AG_SPFR_TEMPERROR },
		{ DNSQ_NXDOMAIN, NULL, NULL, AG_SPFR_TEMPERROR },
		{ DNSQ_TEMPERROR, NULL, NULL, AG_SPFR_TEMPERROR },
		/* RFC 7208 4.3: a name that cannot be asked has no policy. */
		{ DNSQ_BADNAME, NULL, NULL, AG_SPFR_NONE },
	};
	static const struct {
		const char *d, *s;
		enum dnsq_status status;
		const char *txt0;
		enum ag_dkim want;
		const char *asked; /* NULL: no query */
	} dkim[] = {
		{ "Bank.Example", "sel", DNSQ_NXDOMAIN, NULL,
		    AG_DKIMR_KEY_MISSING, "sel._domainkey.bank.example" },
		{ "bank.example", "sel", DNSQ_NODATA, NULL,
		    AG_DKIMR_KEY_MISSING, "sel._domainkey.bank.example" },
		{ "bank.example", "sel", DNSQ_TEMPERROR, NULL,
		    AG_DKIMR_TEMPERROR, "sel._domainkey.bank.example" },
		{ "bank.example", "sel", DNSQ_OK, "v=DKIM1; k=rsa; p=",
		    AG_DKIMR_KEY_REVOKED, "sel._domainkey.bank.example" },
		{ "bank.example", "sel", DNSQ_OK, "v=DKIM1; p = ; x",
		    AG_DKIMR_KEY_REVOKED, "sel._domainkey.bank.example" },
		{ "bank.example", "sel", DNSQ_OK, "v=DKIM1; p=MIIB",
		    AG_DKIMR_BAD_SIGNATURE, "sel._domainkey.bank.example" },
		{ "bank.example", "", DNSQ_OK, NULL, AG_DKIMR_SIG_SYNTAX,
		    NULL },
		{ "bank.example", ".sel", DNSQ_OK, NULL, AG_DKIMR_SIG_SYNTAX,
		    NULL },
		{ "bank.example", "s el", DNSQ_OK, NULL, AG_DKIMR_SIG_SYNTAX,
		    NULL },
		{ "bank..example", "sel", DNSQ_OK, NULL, AG_DKIMR_SIG_SYNTAX,
		    NULL },
		/* Exim asks "sel._domainkey.bank.example.." for this d=, no
		 * name: re-asked as bank.example, the key would be found and
		 * Exim's failure called DNS trouble (issue 15, item 10). */
		{ "bank.example.", "sel", DNSQ_OK, "v=DKIM1; p=MIIB",
		    AG_DKIMR_SIG_SYNTAX, NULL },
		{ "bank_x.example", "sel", DNSQ_OK, NULL, AG_DKIMR_SIG_SYNTAX,
		    NULL },
		{ "-bank.example", "sel", DNSQ_OK, NULL, AG_DKIMR_SIG_SYNTAX,
		    NULL },
		{ "b\xc3\xa4nk.example", "sel", DNSQ_OK, NULL,
		    AG_DKIMR_SIG_SYNTAX, NULL },
		{ "bank.example", "sel.", DNSQ_OK, NULL, AG_DKIMR_SIG_SYNTAX,
		    NULL },
		{ "bank.example", NULL, DNSQ_OK, NULL, AG_DKIMR_SIG_SYNTAX,
		    NULL }, /* a 64-octet selector, below */
		{ "bank.example", "Sel_1.x", DNSQ_NXDOMAIN, NULL,
		    AG_DKIMR_KEY_MISSING, "Sel_1.x._domainkey.bank.example" },
		/* A name the resolver refuses anyway. */
		{ "bank.example", "sel", DNSQ_BADNAME, NULL,
		    AG_DKIMR_SIG_SYNTAX, "sel._domainkey.bank.example" },
	};
	static const char *const spf_none[] = { "a..example", "bank.example..",
		"localhost", ".bank.example", NULL };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(spf) / sizeof(spf[0]); i++) {
		memset(&sc, 0, sizeof(sc));
		sc.status = spf[i].status;
		sc.txt[0] = spf[i].txt0;
		sc.txt[1] = spf[i].txt1;
		sc.n_txt = spf[i].txt1 != NULL ? 2 : spf[i].txt0 != NULL;
		assert_int_equal(recheck_spf_invalid("bank.example",
				     script_lookup, &sc),
		    spf[i].want);
		assert_string_equal(sc.asked, "bank.example");
	}
	memset(&sc, 0, sizeof(sc));
	assert_int_equal(recheck_spf_invalid("", script_lookup, &sc),
	    AG_SPFR_PERMERROR);
	assert_int_equal(recheck_spf_invalid(NULL, script_lookup, &sc),
	    AG_SPFR_PERMERROR);
	assert_int_equal(sc.calls, 0);
	/* RFC 7208 4.3: malformed or single-label, none, nothing asked. */
	for (i = 0; spf_none[i] != NULL; i++) {
		assert_false(recheck_spf_domain_ok(spf_none[i]));
		assert_int_equal(recheck_spf_invalid(spf_none[i], script_lookup,
				     &sc),
		    AG_SPFR_NONE);
	}
	assert_int_equal(recheck_spf_invalid(repeat('a', 64), script_lookup,
			     &sc),
	    AG_SPFR_NONE);
	assert_int_equal(sc.calls, 0);
	assert_true(recheck_spf_domain_ok("bank.example."));
	assert_true(recheck_spf_domain_ok("[192.0.2.1]"));
	for (i = 0; i < sizeof(dkim) / sizeof(dkim[0]); i++) {
		memset(&sc, 0, sizeof(sc));
		sc.status = dkim[i].status;
		sc.txt[0] = dkim[i].txt0;
		sc.n_txt = dkim[i].txt0 != NULL;
		assert_int_equal(recheck_dkim_key(dkim[i].d,
				     dkim[i].s != NULL ? dkim[i].s :
							 repeat('s', 64),
				     AG_DKIMR_BAD_SIGNATURE, script_lookup,
				     &sc),
		    dkim[i].want);
		if (dkim[i].asked == NULL)
			assert_int_equal(sc.calls, 0);
		else
			assert_string_equal(sc.asked, dkim[i].asked);
	}
}

/* Chains broken in their structure fail before any key is fetched. */
static void
test_arc_structure(void **state)
{
	static const char aar1[]
	    = "ARC-Authentication-Results: i=1; mx.a.example; "
	      "dmarc=pass header.from=x.example\n";
	static const char ams1[]
	    = "ARC-Message-Signature: i=1; a=rsa-sha256; "
	      "d=a.example; s=s; h=from; bh=AA==; b=AA==\n";
	static const char as1[] = "ARC-Seal: i=1; cv=none; a=rsa-sha256; "
				  "d=a.example; s=s; b=AA==\n";
	static const char tail[] = "From: x@x.example\n\nbody\n";
	static const struct {
		const char *name, *headers, *why;
		enum ag_arc want;
	} cases[] = {
		{ "none", "", "", AG_ARCR_NONE },
		{ "no seal", "AAR AMS", "lacks one", AG_ARCR_FAIL },
		{ "two seals", "AAR AMS AS AS", "two ARC-Seal", AG_ARCR_FAIL },
		{ "i=0", "AS0", "outside", AG_ARCR_FAIL },
		{ "i=51", "AS51", "outside", AG_ARCR_FAIL },
		{ "bad tags", "ASBAD", "not a valid tag list", AG_ARCR_FAIL },
		{ "cv=fail", "AAR AMS ASFAIL", "cv=fail", AG_ARCR_FAIL },
		{ "h= on seal", "AAR AMS ASH", "h= tag", AG_ARCR_FAIL },
		{ "gap", "AAR AMS AS AAR3", "lacks one", AG_ARCR_FAIL },
		{ "body hash", "AAR AMS AS", "body was changed", AG_ARCR_FAIL },
	};
	struct sbuf msg;
	struct arena arena;
	struct facts f;
	char why[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *h = cases[i].headers;

		sbuf_init(&msg, 1 << 16);
		while (*h != '\0') {
			size_t n = strcspn(h, " ");

			if (tok_is(h, n, "AAR3"))
				sbuf_puts(&msg,
				    "ARC-Authentication-Results: i=3; "
				    "x; dmarc=fail\n");
			else if (tok_is(h, n, "AAR"))
				sbuf_puts(&msg, aar1);
			else if (tok_is(h, n, "AMS"))
				sbuf_puts(&msg, ams1);
			else if (tok_is(h, n, "AS0"))
				sbuf_puts(&msg, "ARC-Seal: i=0; cv=none\n");
			else if (tok_is(h, n, "AS51"))
				sbuf_puts(&msg, "ARC-Seal: i=51; cv=pass\n");
			else if (tok_is(h, n, "ASBAD"))
				sbuf_puts(&msg, "ARC-Seal: i=1; cv\n");
			else if (tok_is(h, n, "ASFAIL"))
				sbuf_puts(&msg,
				    "ARC-Seal: i=1; cv=fail; "
				    "a=rsa-sha256; d=a.example; "
				    "s=s; b=AA==\n");
			else if (tok_is(h, n, "ASH"))
				sbuf_puts(&msg,
				    "ARC-Seal: i=1; cv=none; "
				    "a=rsa-sha256; d=a.example; "
				    "s=s; h=from; b=AA==\n");
			else if (tok_is(h, n, "AS"))
				sbuf_puts(&msg, as1);
			h += n;
			while (*h == ' ')
				h++;
		}
		sbuf_puts(&msg, tail);
		arena_init(&arena);
		facts_init(&f);
		lookups = 0;
		arcv_message(sbuf_cstr(&msg), msg.len, count_lookup, NULL, &f,
		    &arena, why, sizeof(why));
		if (f.arc != cases[i].want || strstr(why, cases[i].why) == NULL
		    || lookups != 0)
			fail_msg("%s: %s (%s), %u lookups", cases[i].name,
			    ag_arc_name(f.arc), why, lookups);
		if (strcmp(cases[i].name, "body hash") == 0) {
			assert_int_equal(f.n_arc, 1);
			assert_string_equal(f.arc_inst[0].sealer, "a.example");
			assert_int_equal(f.arc_inst[0].dmarc, AG_DMARCR_PASS);
		}
		arena_free(&arena);
		sbuf_free(&msg);
	}
}

/* Keys under slow.example time out; every other name does not exist. */
static void
slow_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	static const char slow[] = "slow.example";
	size_t n = strlen(name), k = sizeof(slow) - 1;

	(void)ctx;
	lookups++;
	memset(a, 0, sizeof(*a));
	a->status = n >= k && strcmp(name + n - k, slow) == 0 ? DNSQ_TEMPERROR :
								DNSQ_NXDOMAIN;
}

/* One ARC set, instance i: the AAR results, the ARC-Message-Signature by
 * ams_d (over From, with the body hash of "body", or a wrong one) and
 * the seal by as_d. */
static void
arc_set(struct sbuf *m, unsigned i, const char *aar, const char *ams_d,
    const char *as_d, bool good_bh)
{
	sbuf_printf(m, "ARC-Authentication-Results: i=%u; %s\n", i, aar);
	sbuf_printf(m,
	    "ARC-Message-Signature: i=%u; a=rsa-sha256; c=relaxed/relaxed; "
	    "d=%s; s=s; h=from; bh=%s; b=AA==\n",
	    i, ams_d,
	    good_bh ? "Ck5SoRNWUpSR4X0COv7R5ub2pUTtl6xz4dTFz++ji4M=" : "AA==");
	sbuf_printf(m,
	    "ARC-Seal: i=%u; cv=%s; a=rsa-sha256; d=%s; s=s; b=AA==\n", i,
	    i == 1 ? "none" : "pass", as_d);
}

/* Issue 15, item 6: what a sealer's ARC-Authentication-Results say is
 * read as RFC 8601 says (a dmarc=pass in a comment, a quoted string or a
 * reason is text; a value that does not parse says nothing; two dmarc
 * results disagree when their results or their authors do, authors
 * compared in canonical form), and recorded with the header.from named. */
static void
test_arc_aar(void **state)
{
	static const struct {
		const char *aar;
		enum ag_dmarc want;
		const char *from; /* NULL: none recorded */
	} cases[] = {
		{ "lists.example; dmarc=pass header.from=bank.example",
		    AG_DMARCR_PASS, "bank.example" },
		{ "lists.example; dmarc=fail (;dmarc=pass) "
		  "header.from=bank.example",
		    AG_DMARCR_FAIL, "bank.example" },
		{ "lists.example; dmarc=fail ((;dmarc=pass)) "
		  "header.from=bank.example",
		    AG_DMARCR_FAIL, "bank.example" },
		{ "lists.example; spf=pass smtp.mailfrom=x.example "
		  "(dmarc=pass header.from=bank.example)",
		    AG_DMARCR_NONE, NULL },
		{ "lists.example; none (dmarc=pass header.from=bank.example)",
		    AG_DMARCR_NONE, NULL },
		{ "lists.example; spf=pass "
		  "smtp.mailfrom=\"a;dmarc=pass header.from=bank.example\"@x."
		  "example",
		    AG_DMARCR_NONE, NULL },
		{ "lists.example; dmarc=fail reason=\";dmarc=pass\" "
		  "header.from=bank.example",
		    AG_DMARCR_FAIL, "bank.example" },
		{ "lists.example; dmarc=pass header.from=bank.example; "
		  "dmarc=fail header.from=bank.example",
		    AG_DMARCR_NONE, "bank.example" },
		{ "lists.example; dmarc=fail header.from=bank.example; "
		  "dmarc=pass header.from=bank.example",
		    AG_DMARCR_NONE, "bank.example" },
		{ "lists.example; dmarc=pass header.from=other.example; "
		  "dmarc=pass header.from=bank.example",
		    AG_DMARCR_NONE, "other.example" },
		/* One author in two spellings agrees with itself. */
		{ "lists.example; dmarc=pass header.from=bank.example; "
		  "dmarc=pass header.from=BANK.Example",
		    AG_DMARCR_PASS, "bank.example" },
		{ "lists.example; dmarc=pass header.from=XN--BCHER-KVA.example; "
		  "dmarc=pass header.from=xn--bcher-kva.example",
		    AG_DMARCR_PASS, "XN--BCHER-KVA.example" },
		{ "lists.example; dmarc=pass header.from=bank.example; "
		  "dmarc=pass header.from=bank.example.attacker.example",
		    AG_DMARCR_NONE, "bank.example" },
		{ "lists.example; dmarc=pass header.from=bank.example (",
		    AG_DMARCR_NONE, NULL },
		{ "lists.example; dmarc=pass header.from=bank.example; ((",
		    AG_DMARCR_NONE, "bank.example" },
		{ "lists.example; dmarc=pass", AG_DMARCR_PASS, "" },
		{ "lists.example; dmarc=pass header.from=\"bank.example\"",
		    AG_DMARCR_PASS, "bank.example" },
	};
	struct sbuf msg;
	struct arena arena;
	struct facts f;
	char why[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sbuf_init(&msg, 1 << 16);
		arc_set(&msg, 1, cases[i].aar, "lists.example", "lists.example",
		    false);
		sbuf_puts(&msg, "From: x@bank.example\n\nbody\n");
		arena_init(&arena);
		facts_init(&f);
		lookups = 0;
		arcv_message(sbuf_cstr(&msg), msg.len, count_lookup, NULL, &f,
		    &arena, why, sizeof(why));
		assert_int_equal(f.arc, AG_ARCR_FAIL); /* the body hash */
		assert_int_equal(lookups, 0);
		assert_int_equal(f.n_arc, 1);
		if (f.arc_inst[0].dmarc != cases[i].want)
			fail_msg("%s: dmarc=%s, want %s", cases[i].aar,
			    ag_dmarc_name(f.arc_inst[0].dmarc),
			    ag_dmarc_name(cases[i].want));
		if (cases[i].from == NULL)
			assert_null(f.arc_inst[0].header_from);
		else if (f.arc_inst[0].header_from == NULL
		    || strcmp(f.arc_inst[0].header_from, cases[i].from) != 0)
			fail_msg("%s: header.from %s, want %s", cases[i].aar,
			    f.arc_inst[0].header_from != NULL ?
				f.arc_inst[0].header_from :
				"(none)",
			    cases[i].from);
		arena_free(&arena);
		sbuf_free(&msg);
	}
}

/* Issue 15, item 5: a key that times out leaves the chain a temperror
 * only when nothing else in it fails. A sender's own slow key on the
 * newest ARC-Message-Signature does not leave a seal forged in a trusted
 * sealer's name unchecked (the chain fails: a reject, not a tempfail);
 * a temperror keeps its first reason. */
static void
test_arc_temperror(void **state)
{
	static const char aar[]
	    = "lists.example; dmarc=pass header.from=bank.example";
	static const struct {
		const char *name;
		unsigned n;
		const char *ams_d[2], *as_d[2]; /* by instance, 1 first */
		enum ag_arc want;
		const char *why;
	} cases[] = {
		{ "slow AMS, seal forged as the list", 1,
		    { "slow.example", NULL }, { "lists.example", NULL },
		    AG_ARCR_FAIL, "ARC-Seal i=1: key" },
		{ "slow AMS and seal", 1, { "slow.example", NULL },
		    { "slow.example", NULL }, AG_ARCR_TEMPERROR,
		    "ARC-Message-Signature i=1" },
		{ "slow newest over a forged older seal", 2,
		    { "lists.example", "slow.example" },
		    { "lists.example", "slow.example" }, AG_ARCR_FAIL,
		    "ARC-Seal i=1: key" },
		{ "slow newest, seal forged as the list, over a slow one", 2,
		    { "slow.example", "slow.example" },
		    { "slow.example", "lists.example" }, AG_ARCR_FAIL,
		    "ARC-Seal i=2: key" },
		{ "slow throughout", 2, { "slow.example", "slow.example" },
		    { "slow.example", "slow.example" }, AG_ARCR_TEMPERROR,
		    "ARC-Message-Signature i=2" },
	};
	struct sbuf msg;
	struct arena arena;
	struct facts f;
	char why[300];
	size_t i;
	unsigned k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sbuf_init(&msg, 1 << 16);
		for (k = cases[i].n; k >= 1; k--)
			arc_set(&msg, k, aar, cases[i].ams_d[k - 1],
			    cases[i].as_d[k - 1], true);
		sbuf_puts(&msg, "From: x@bank.example\n\nbody\n");
		arena_init(&arena);
		facts_init(&f);
		lookups = 0;
		arcv_message(sbuf_cstr(&msg), msg.len, slow_lookup, NULL, &f,
		    &arena, why, sizeof(why));
		if (f.arc != cases[i].want || strstr(why, cases[i].why) == NULL)
			fail_msg("%s: %s (%s), want %s (%s)", cases[i].name,
			    ag_arc_name(f.arc), why, ag_arc_name(cases[i].want),
			    cases[i].why);
		assert_int_equal(f.n_arc, cases[i].n);
		arena_free(&arena);
		sbuf_free(&msg);
	}
}

/* Names asked, in order, answered NXDOMAIN. */
struct asked {
	char names[8][300];
	unsigned n;
};

static void
record_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	struct asked *as = ctx;

	if (as->n < 8)
		snprintf(as->names[as->n], sizeof(as->names[0]), "%s", name);
	as->n++;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_NXDOMAIN;
}

/* dkim = self spends its DKIMV_MAX_VERIFY key lookups on the signatures
 * that can matter first (issue 15, item 8: the aligned signature is the
 * fifth, four forwarders signed on top); a signature whose d= is not a
 * plain domain, or whose selector names no key, is sig_syntax, asked for
 * nowhere, and spends nothing. */
static void
test_dkim_budget_order(void **state)
{
	static const char *const sigs[][2] = {
		{ "f1.example", "s" },
		{ "f2.example", "s" },
		{ "bank.example.", "s" },
		{ "f3.example", "s" },
		{ "f4.example", "s" },
		{ "trusted.example", "s" },
		{ "bank.example", NULL },
		{ "mail.bank.example", "s" },
	};
	static const enum ag_dkim want[] = {
		AG_DKIMR_KEY_MISSING,
		AG_DKIMR_KEY_MISSING,
		AG_DKIMR_SIG_SYNTAX,
		AG_DKIMR_UNSUPPORTED,
		AG_DKIMR_UNSUPPORTED,
		AG_DKIMR_KEY_MISSING,
		AG_DKIMR_SIG_SYNTAX,
		AG_DKIMR_KEY_MISSING,
	};
	struct policy *p = load_ok("[trusted]\ndomains = trusted.example\n");
	struct asked as = { 0 };
	struct arena arena;
	struct sbuf msg;
	struct facts f;
	char err[256];
	size_t i;

	(void)state;
	sbuf_init(&msg, 1 << 16);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sbuf_printf(&msg,
		    "DKIM-Signature: v=1; a=rsa-sha256; c=simple/simple;\n"
		    "\td=%s; s=%s; h=from:subject;\n"
		    "\tbh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n"
		    "\tb=dGVzdA==\n",
		    sigs[i][0],
		    sigs[i][1] != NULL ? sigs[i][1] : repeat('s', 64));
	sbuf_puts(&msg, "From: CEO <ceo@bank.example>\nSubject: five\n\n");
	arena_init(&arena);
	facts_init(&f);
	f.n_from = 1;
	f.from[0] = "CEO <ceo@bank.example>";
	assert_int_equal(dkimv_message(sbuf_cstr(&msg), msg.len, p,
			     record_lookup, &as, &f, &arena, err, sizeof(err)),
	    0);
	assert_int_equal(f.n_dkim, sizeof(sigs) / sizeof(sigs[0]));
	for (i = 0; i < f.n_dkim; i++)
		if (f.dkim[i].result != want[i])
			fail_msg("signature %zu (d=%s): %s, want %s", i,
			    f.dkim[i].d, ag_dkim_name(f.dkim[i].result),
			    ag_dkim_name(want[i]));
	/* Aligned first, then trusted, then the first of the rest. */
	assert_int_equal(as.n, DKIMV_MAX_VERIFY);
	assert_string_equal(as.names[0], "s._domainkey.mail.bank.example");
	assert_string_equal(as.names[1], "s._domainkey.trusted.example");
	assert_string_equal(as.names[2], "s._domainkey.f1.example");
	assert_string_equal(as.names[3], "s._domainkey.f2.example");
	/* No policy: header order, as before ranking. */
	memset(&as, 0, sizeof(as));
	facts_init(&f);
	assert_int_equal(dkimv_message(sbuf_cstr(&msg), msg.len, NULL,
			     record_lookup, &as, &f, &arena, err, sizeof(err)),
	    0);
	assert_int_equal(as.n, DKIMV_MAX_VERIFY);
	assert_string_equal(as.names[0], "s._domainkey.f1.example");
	assert_string_equal(as.names[3], "s._domainkey.f4.example");
	arena_free(&arena);
	sbuf_free(&msg);
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spf_syntax),
		cmocka_unit_test(test_spf_budget),
		cmocka_unit_test(test_dns_bad_names),
		cmocka_unit_test(test_dkim_names),
		cmocka_unit_test(test_dkim_rank),
		cmocka_unit_test(test_dkim_budget_order),
		cmocka_unit_test(test_taglist),
		cmocka_unit_test(test_canon),
		cmocka_unit_test(test_canon_line_ends),
		cmocka_unit_test(test_key_records),
		cmocka_unit_test(test_arc_structure),
		cmocka_unit_test(test_arc_aar),
		cmocka_unit_test(test_arc_temperror),
		cmocka_unit_test(test_rechecks),
		cmocka_unit_test(test_dmarcq_budget),
	};

	return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
