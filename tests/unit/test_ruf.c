/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_ruf.c: failure reports, the pure parts: report address lists
 * (reporturi), fo= and when a report is due (ruf_consider), RFC 6590
 * redaction of every header kind, the RFC 6591 report itself (read back
 * by a checker of its structure and of each feedback field's ABNF, with
 * RFC 9991's Identity-Alignment, DKIM and SPF-DNS fields), the log
 * outcome, and the policy.ini keys. Parsers of untrusted text are also
 * fed every truncated prefix of their inputs.
 */
#include <arpa/inet.h>
#include <jansson.h>

#include "helpers.h"
#include "mail/reporturi.h"
#include "report/failure.h"
#include "report/redact.h"
#include "util/sha256.h"

/* ---- report address lists ---- */

struct uri_case {
	const char *entry;
	enum reporturi_problem problem;
	const char *addr;
	const char *domain;
	unsigned long long max_size;
};

static const struct uri_case uri_cases[] = {
	{ "mailto:ruf@bank.example", REPORTURI_OK, "ruf@bank.example",
	    "bank.example", 0 },
	{ "MAILTO:Ruf@Reports.Example.", REPORTURI_OK, "Ruf@Reports.Example.",
	    "reports.example", 0 },
	{ "mailto:ruf@bank.example!10k", REPORTURI_OK, "ruf@bank.example",
	    "bank.example", 10240 },
	{ "mailto:ruf@bank.example!10K", REPORTURI_OK, "ruf@bank.example",
	    "bank.example", 10240 },
	{ "mailto:ruf@bank.example!3m", REPORTURI_OK, "ruf@bank.example",
	    "bank.example", 3ull << 20 },
	{ "mailto:ruf@bank.example!2g", REPORTURI_OK, "ruf@bank.example",
	    "bank.example", 2ull << 30 },
	{ "mailto:ruf@bank.example!1t", REPORTURI_OK, "ruf@bank.example",
	    "bank.example", 1ull << 40 },
	{ "mailto:ruf@bank.example!4096", REPORTURI_OK, "ruf@bank.example",
	    "bank.example", 4096 },
	{ "mailto:a+tag=x_y-z.w@bank.example", REPORTURI_OK,
	    "a+tag=x_y-z.w@bank.example", "bank.example", 0 },
	{ "mailto:ruf@bank.example!", REPORTURI_BAD_SIZE, "", "", 0 },
	{ "mailto:ruf@bank.example!0", REPORTURI_BAD_SIZE, "", "", 0 },
	{ "mailto:ruf@bank.example!10x", REPORTURI_BAD_SIZE, "", "", 0 },
	{ "mailto:ruf@bank.example!10kk", REPORTURI_BAD_SIZE, "", "", 0 },
	{ "mailto:ruf@bank.example!k", REPORTURI_BAD_SIZE, "", "", 0 },
	{ "mailto:ruf@bank.example!1234567890123456", REPORTURI_BAD_SIZE, "",
	    "", 0 },
	{ "https://reports.example/dmarc", REPORTURI_NOT_MAILTO, "", "", 0 },
	{ "mailto:", REPORTURI_NOT_MAILTO, "", "", 0 },
	{ "mailto:!10k", REPORTURI_NOT_MAILTO, "", "", 0 },
	{ "ruf@bank.example", REPORTURI_NOT_MAILTO, "", "", 0 },
	{ "mailto:ruf@bank.example\r\nBcc: victim@else.example",
	    REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:a b@bank.example", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:a@b@bank.example", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:@bank.example", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:ruf@", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:ruf", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:a%40b@bank.example", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:ruf@bank.example?subject=x", REPORTURI_BAD_ADDRESS, "", "",
	    0 },
	{ "mailto:\"q\"@bank.example", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:ruf@bank.example;x", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:<ruf@bank.example>", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:$(reboot)@bank.example", REPORTURI_BAD_ADDRESS, "", "", 0 },
	{ "mailto:ruf@-bank.example", REPORTURI_BAD_DOMAIN, "", "", 0 },
	{ "mailto:ruf@bank..example", REPORTURI_BAD_DOMAIN, "", "", 0 },
	{ "mailto:ruf@bank_x.example", REPORTURI_BAD_DOMAIN, "", "", 0 },
};

static void
test_reporturi_cases(void **state)
{
	struct reporturi u;
	const char *p, *end;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(uri_cases) / sizeof(uri_cases[0]); i++) {
		const struct uri_case *c = &uri_cases[i];

		p = c->entry;
		end = p + strlen(p);
		assert_true(reporturi_next(&p, end, &u));
		if (u.problem != c->problem)
			fail_msg("%s: problem %s, want %s", c->entry,
			    reporturi_problem_text(u.problem),
			    reporturi_problem_text(c->problem));
		assert_string_equal(u.addr, c->addr);
		assert_string_equal(u.domain, c->domain);
		assert_true(u.max_size == c->max_size);
		assert_true(u.text == c->entry);
		assert_false(reporturi_next(&p, end, &u));
	}
}

static void
test_reporturi_list(void **state)
{
	static const char list[]
	    = " mailto:a@b.example , mailto:c@d.example!"
	      "2k,,https://x.example/r\t,mailto:e@f.example";
	const char *p = list, *end = list + strlen(list);
	struct reporturi u;
	size_t n = 0;

	(void)state;
	while (reporturi_next(&p, end, &u)) {
		switch (n++) {
		case 0:
			assert_int_equal(u.len, strlen("mailto:a@b.example"));
			assert_string_equal(u.addr, "a@b.example");
			break;
		case 1:
			assert_string_equal(u.addr, "c@d.example");
			assert_true(u.max_size == 2048);
			break;
		case 2:
			assert_int_equal(u.problem, REPORTURI_NOT_MAILTO);
			assert_int_equal(u.len, strlen("https://x.example/r"));
			break;
		case 3:
			assert_string_equal(u.domain, "f.example");
			break;
		default:
			fail_msg("too many entries");
		}
	}
	assert_int_equal(n, 4);
	p = list;
	assert_false(reporturi_next(&p, list, &u)); /* empty */
	p = ",, ,";
	assert_false(reporturi_next(&p, p + 4, &u));
}

/* Every prefix of every entry: no read past the end (ASan). */
static void
test_reporturi_prefixes(void **state)
{
	struct reporturi u;
	const char *p;
	char *copy;
	size_t i, k, len;

	(void)state;
	for (i = 0; i < sizeof(uri_cases) / sizeof(uri_cases[0]); i++) {
		len = strlen(uri_cases[i].entry);
		for (k = 0; k <= len; k++) {
			copy = malloc(k == 0 ? 1 : k);
			memcpy(copy, uri_cases[i].entry, k);
			p = copy;
			while (reporturi_next(&p, copy + k, &u))
				assert_true(u.problem != REPORTURI_OK
				    || strchr(u.addr, '@') != NULL);
			free(copy);
		}
	}
}

/* ---- fo= ---- */

static void
test_fo_parse(void **state)
{
	static const struct {
		const char *fo;
		unsigned bits;
	} cases[] = {
		{ NULL, RUF_FO_ALL },
		{ "", RUF_FO_ALL },
		{ "0", RUF_FO_ALL },
		{ "1", RUF_FO_ANY },
		{ "d", RUF_FO_DKIM },
		{ "D", RUF_FO_DKIM },
		{ "s", RUF_FO_SPF },
		{ "d:s", RUF_FO_DKIM | RUF_FO_SPF },
		{ " d : s ", RUF_FO_DKIM | RUF_FO_SPF },
		{ "0:1:d:s",
		    RUF_FO_ALL | RUF_FO_ANY | RUF_FO_DKIM | RUF_FO_SPF },
		{ "1:x", RUF_FO_ANY },
		{ "x", RUF_FO_ALL },
		{ "dd", RUF_FO_ALL },
		{ "::", RUF_FO_ALL },
		{ "s:", RUF_FO_SPF },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (ruf_fo_parse(cases[i].fo,
			cases[i].fo != NULL ? strlen(cases[i].fo) : 0)
		    != cases[i].bits)
			fail_msg("fo=%s: 0x%x, want 0x%x",
			    cases[i].fo != NULL ? cases[i].fo : "(none)",
			    ruf_fo_parse(cases[i].fo,
				cases[i].fo ? strlen(cases[i].fo) : 0),
			    cases[i].bits);
}

static const char *const P_ON = "[general]\n"
				"authserv_id = mx.gw.test\n"
				"skip_hosts = 198.51.100.25\n"
				"failure_reports = on\n"
				"failure_report_from = dmarc@gw.test\n"
				"[trusted]\n"
				"domains = esp.example\n"
				"[domain:trial.example]\n"
				"mode = monitor\n";

/* Facts of a message from ceo@DOMAIN with the given SPF result and
 * domain, DKIM array, and DMARC record. */
static void
facts_for(char *buf, size_t size, const char *domain, const char *spf,
    const char *spf_domain, const char *dkim, const char *record)
{
	snprintf(buf, size,
	    "{'id':'1xTest-000001-AB','client':{'ip':'203.0.113.7',"
	    "'helo':'mx.sender.example','authenticated':false},"
	    "'mail_from':'ceo.secret7@%s','from':['CEO <ceo.secret7@%s>'],"
	    "'spf':{'result':'%s','domain':'%s'},'dkim':%s,"
	    "'arc':{'result':'none','instances':[]},"
	    "'dns':{'_dmarc.%s':'%s'}}",
	    spf_domain, domain, spf, spf_domain, dkim, domain, record);
}

struct consider_case {
	const char *name;
	const char *policy; /* NULL: P_ON */
	const char *domain;
	const char *spf;
	const char *spf_domain;
	const char *dkim;
	const char *record;
	const char *client; /* NULL: 203.0.113.7 */
	bool automatic;
	enum ruf_status want;
};

static const struct consider_case consider_cases[] = {
	{ "forged p=reject", NULL, "bank.example", "fail", "bank.example", "[]",
	    "v=DMARC1; p=reject; ruf=mailto:r@bank.example", NULL, false,
	    RUF_WANTED },
	{ "p=none is reported too", NULL, "bank.example", "fail",
	    "bank.example", "[]", "v=DMARC1; p=none; ruf=mailto:r@bank.example",
	    NULL, false, RUF_WANTED },
	{ "sampled out by pct=0 still failed", NULL, "bank.example", "fail",
	    "bank.example", "[]",
	    "v=DMARC1; p=reject; pct=0; ruf=mailto:r@bank.example", NULL, false,
	    RUF_WANTED },
	{ "reports off", "[general]\n", "bank.example", "fail", "bank.example",
	    "[]", "v=DMARC1; p=reject; ruf=mailto:r@bank.example", NULL, false,
	    RUF_NONE },
	{ "DMARC pass", NULL, "bank.example", "pass", "bank.example", "[]",
	    "v=DMARC1; p=reject; ruf=mailto:r@bank.example", NULL, false,
	    RUF_NONE },
	{ "no ruf=", NULL, "bank.example", "fail", "bank.example", "[]",
	    "v=DMARC1; p=reject; rua=mailto:r@bank.example", NULL, false,
	    RUF_NO_RUF },
	{ "empty ruf=", NULL, "bank.example", "fail", "bank.example", "[]",
	    "v=DMARC1; p=reject; ruf=", NULL, false, RUF_NO_RUF },
	{ "monitor mode",
	    "[general]\nmode = monitor\nfailure_reports = on\n"
	    "failure_report_from = d@gw.test\n",
	    "bank.example", "fail", "bank.example", "[]",
	    "v=DMARC1; p=reject; ruf=mailto:r@bank.example", NULL, false,
	    RUF_NOT_REPORTED },
	{ "domain in monitor mode", NULL, "trial.example", "fail",
	    "trial.example", "[]",
	    "v=DMARC1; p=reject; ruf=mailto:r@trial.example", NULL, false,
	    RUF_NOT_REPORTED },
	{ "waived by a trusted signer", NULL, "customer.example", "none",
	    "esp.example",
	    "[{'d':'esp.example','s':'s','a':'rsa-sha256','bits':2048,"
	    "'result':'pass'}]",
	    "v=DMARC1; p=reject; ruf=mailto:r@customer.example", NULL, false,
	    RUF_NOT_REPORTED },
	{ "tempfailed", NULL, "bank.example", "temperror", "other.example",
	    "[]", "v=DMARC1; p=none; ruf=mailto:r@bank.example", NULL, false,
	    RUF_NOT_REPORTED },
	{ "automatic message", NULL, "bank.example", "fail", "bank.example",
	    "[]", "v=DMARC1; p=reject; ruf=mailto:r@bank.example", NULL, true,
	    RUF_NOT_REPORTED },
	{ "skipped host", NULL, "bank.example", "fail", "bank.example", "[]",
	    "v=DMARC1; p=reject; ruf=mailto:r@bank.example", "198.51.100.25",
	    false, RUF_NONE },
	{ "fo=d without a failed signature", NULL, "bank.example", "fail",
	    "bank.example", "[]",
	    "v=DMARC1; p=reject; fo=d; ruf=mailto:r@bank.example", NULL, false,
	    RUF_NOT_REQUESTED },
	{ "fo=d with a broken signature", NULL, "bank.example", "fail",
	    "bank.example",
	    "[{'d':'bank.example','s':'s','a':'rsa-sha256','bits':2048,"
	    "'result':'body_modified'}]",
	    "v=DMARC1; p=reject; fo=d; ruf=mailto:r@bank.example", NULL, false,
	    RUF_WANTED },
	{ "fo=d: a DNS error is not a failed evaluation", NULL, "bank.example",
	    "fail", "bank.example",
	    "[{'d':'other.example','s':'s','a':'rsa-sha256','bits':2048,"
	    "'result':'temperror'}]",
	    "v=DMARC1; p=reject; fo=d; ruf=mailto:r@bank.example", NULL, false,
	    RUF_NOT_REQUESTED },
	{ "fo=s with SPF fail", NULL, "bank.example", "fail", "bank.example",
	    "[]", "v=DMARC1; p=reject; fo=s; ruf=mailto:r@bank.example", NULL,
	    false, RUF_WANTED },
	{ "fo=s with SPF softfail", NULL, "bank.example", "softfail",
	    "bank.example", "[]",
	    "v=DMARC1; p=reject; fo=s; ruf=mailto:r@bank.example", NULL, false,
	    RUF_WANTED },
	{ "fo=s with SPF permerror", NULL, "bank.example", "permerror",
	    "bank.example", "[]",
	    "v=DMARC1; p=quarantine; fo=s; ruf=mailto:r@bank.example", NULL,
	    false, RUF_WANTED },
	{ "fo=s with SPF neutral", NULL, "bank.example", "neutral",
	    "bank.example", "[]",
	    "v=DMARC1; p=reject; fo=s; ruf=mailto:r@bank.example", NULL, false,
	    RUF_NOT_REQUESTED },
	{ "fo=s with an unaligned SPF pass", NULL, "bank.example", "pass",
	    "other.example", "[]",
	    "v=DMARC1; p=reject; fo=s; ruf=mailto:r@bank.example", NULL, false,
	    RUF_NOT_REQUESTED },
	{ "fo=d:s with an unaligned DKIM pass", NULL, "bank.example", "none",
	    "other.example",
	    "[{'d':'other.example','s':'s','a':'rsa-sha256','bits':2048,"
	    "'result':'pass'}]",
	    "v=DMARC1; p=reject; fo=d:s; ruf=mailto:r@bank.example", NULL,
	    false, RUF_NOT_REQUESTED },
	{ "fo=1 with an unaligned DKIM pass", NULL, "bank.example", "none",
	    "other.example",
	    "[{'d':'other.example','s':'s','a':'rsa-sha256','bits':2048,"
	    "'result':'pass'}]",
	    "v=DMARC1; p=reject; fo=1; ruf=mailto:r@bank.example", NULL, false,
	    RUF_WANTED },
	{ "fo=d with a key shorter than min_key_bits", NULL, "bank.example",
	    "none", "other.example",
	    "[{'d':'bank.example','s':'s','a':'rsa-sha256','bits':512,"
	    "'result':'pass'}]",
	    "v=DMARC1; p=reject; fo=d; ruf=mailto:r@bank.example", NULL, false,
	    RUF_WANTED },
};

static void
test_consider(void **state)
{
	char json[4096], why[RUF_WHY_MAX];
	struct dmarcrec rec;
	struct decision d;
	struct arena arena;
	struct facts f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(consider_cases) / sizeof(consider_cases[0]);
	     i++) {
		const struct consider_case *c = &consider_cases[i];
		struct policy *p
		    = load_ok(c->policy != NULL ? c->policy : P_ON);
		enum ruf_status got;

		facts_for(json, sizeof(json), c->domain, c->spf, c->spf_domain,
		    c->dkim, c->record);
		arena_init(&arena);
		facts_ok(&f, &arena, J(json));
		if (c->client != NULL)
			f.client_ip = c->client;
		decide(p, &f, &d);
		got = ruf_consider(p, &f, &d, c->automatic, &rec, why,
		    sizeof(why));
		if (got != c->want)
			fail_msg("%s: %s (%s), want %s", c->name,
			    ruf_status_name(got), why,
			    ruf_status_name(c->want));
		if (got == RUF_NOT_REPORTED || got == RUF_NOT_REQUESTED)
			assert_true(why[0] != '\0');
		if (got == RUF_WANTED)
			assert_non_null(rec.ruf);
		arena_free(&arena);
		policy_free(p);
	}
}

static void
test_is_automatic(void **state)
{
	static const struct {
		const char *headers;
		bool automatic;
	} cases[] = {
		{ "Subject: hi\nAuto-Submitted: auto-generated\n", true },
		{ "Auto-Submitted: auto-replied\n", true },
		{ "Auto-Submitted: no\n", false },
		{ "Auto-Submitted:  No (a person wrote it)\n", false },
		{ "Auto-Submitted: nothing-like-no\n", true },
		{ "Auto-Submitted : auto-generated\n", true },
		{ "X-Auto-Submitted: yes\n", false },
		{ "Content-Type: multipart/report; "
		  "report-type=feedback-report\n",
		    true },
		{ "Content-Type:\n\tMultipart/Report; report-type=x\n", true },
		{ "Content-Type: text/plain\n", false },
		{ "Subject: multipart/report\n", false },
		{ "From: a@b.example\n\nAuto-Submitted: auto-generated\n",
		    false },
		{ "", false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (ruf_is_automatic(cases[i].headers, strlen(cases[i].headers))
		    != cases[i].automatic)
			fail_msg("%s: want %d", cases[i].headers,
			    cases[i].automatic);
}

/* ---- redaction ---- */

static void
expect_text(const char *in, const char *want)
{
	struct sbuf sb;

	sbuf_init(&sb, 1 << 20);
	redact_text(&sb, in, strlen(in));
	if (strcmp(sbuf_cstr(&sb), want) != 0)
		fail_msg("redact_text(%s)\n  got  %s\n  want %s", in,
		    sbuf_cstr(&sb), want);
	sbuf_free(&sb);
}

static void
test_redact_text(void **state)
{
	(void)state;
	expect_text("alice@example.com", "redacted@example.com");
	expect_text("for <bob.smith@gw.test>;", "for <redacted@gw.test>;");
	expect_text("\"john doe\"@example.com", "redacted@example.com");
	expect_text("\"a\\\"b\"@example.com", "redacted@example.com");
	expect_text("To: alice . smith @ example.com",
	    "To: redacted@ example.com");
	expect_text(
	    "smtp.mailfrom=alice@bank.example; header.from=bank.example",
	    "smtp.mailfrom=redacted@bank.example; header.from=bank.example");
	expect_text("i=ceo@bank.example;", "i=redacted@bank.example;");
	expect_text("header.i=@bank.example", "header.i=@bank.example");
	expect_text("list-bounces+alice=example.org@lists.example",
	    "redacted@lists.example");
	expect_text("z=From:alice=40bank.example",
	    "z=From:redacted=40bank.example");
	expect_text("https://x.example/u?e=alice%40bank.example",
	    "https:redacted%40bank.example");
	expect_text("=?utf-8?q?alice=40bank.example?=", "[redacted]");
	expect_text("=?UTF-8?Q?alice@bank.example?=", "[redacted]");
	expect_text("Hi =?utf-8?b?YWxpY2VAYmFuay5leGFtcGxl?= there",
	    "Hi [redacted] there");
	expect_text("=?utf-8?q?Gr=C3=BC=C3=9Fe?=",
	    "=?utf-8?q?Gr=C3=BC=C3=9Fe?=");
	expect_text("=?utf-8?q?alice?= =?utf-8?q?=40bank?=", "[redacted]");
	expect_text("=?utf-8?q?alice?=\n =?utf-8?b?QGJhbms=?= x",
	    "[redacted] x");
	expect_text("=?utf-8?q?alice?=@bank.example", "redacted@bank.example");
	expect_text("=?utf-8?q?broken alice@bank.example",
	    "=?utf-8?q?broken redacted@bank.example");
	expect_text("no address here", "no address here");
	expect_text("a@b@c.example", "redacted@redacted@c.example");
	expect_text("\xc3\xa9l\xc3\xa8ve@\xc3\xa9\x63ole.example",
	    "redacted@\xc3\xa9\x63ole.example");
	expect_text("x\"unbalanced@b.example", "x\"redacted@b.example");
	expect_text("x \"un balanced\"@b.example", "x redacted@b.example");
	expect_text("un balanced\"@b.example", "redacted@b.example");
	expect_text("(ceo@bank.example)", "(redacted@bank.example)");
	/* Over-redaction is accepted: no local part is ever kept. */
	expect_text("pct=40", "redacted=40");
	expect_text("@bank.example", "@bank.example");
	expect_text("", "");
}

static void
expect_field(const char *in, const char *want)
{
	struct sbuf sb;

	sbuf_init(&sb, 1 << 20);
	redact_field(&sb, in, strlen(in));
	if (strcmp(sbuf_cstr(&sb), want) != 0)
		fail_msg("redact_field(%s)\n  got  %s\n  want %s", in,
		    sbuf_cstr(&sb), want);
	sbuf_free(&sb);
}

static void
test_redact_field(void **state)
{
	char hex[SHA256_HEX_LEN + 1], want[512], big[3000];

	(void)state;
	expect_field("From: \"Chief Exec\" <ceo.secret7@bank.example>\n",
	    "From: <redacted@bank.example>\n");
	expect_field("from:ceo@bank.example",
	    "from: <redacted@bank.example>\n");
	expect_field("To: a@x.example, \"B, b@fake.example\" <b@y.example>,\n"
		     "\tc@z.example\r\n",
	    "To: <redacted@x.example>, <redacted@fake.example>, "
	    "<redacted@y.example>,\n\t<redacted@z.example>\n");
	expect_field("Cc: =?utf-8?q?J=C3=B6rg?= <j@x.example>\n",
	    "Cc: <redacted@x.example>\n");
	expect_field("Reply-To: a@[192.0.2.1]\n",
	    "Reply-To: <redacted@[192.0.2.1]>\n");
	expect_field("Return-Path: <>\n", "Return-Path: <>\n");
	expect_field("Return-Path: <bounce@bank.example>\n",
	    "Return-Path: <redacted@bank.example>\n");
	expect_field("To: undisclosed-recipients:;\n", "To: [no address]\n");
	expect_field("Delivered-To: me@gw.test\n",
	    "Delivered-To: <redacted@gw.test>\n");
	sha256_hex("abc.def", 7, hex);
	snprintf(want, sizeof(want), "Message-ID: <%.16s@bank.example>\n", hex);
	expect_field("Message-ID: <abc.def@bank.example>\n", want);
	sha256_hex("no-at-sign", 10, hex);
	snprintf(want, sizeof(want), "Message-Id: <%.16s>\n", hex);
	expect_field("Message-Id: <no-at-sign>\n", want);
	sha256_hex("alice@home", 10, hex);
	snprintf(want, sizeof(want), "In-Reply-To: <%.16s@h?st.example>\n",
	    hex);
	expect_field("In-Reply-To: message from alice@old.example "
		     "<alice@home@h st.example>\n",
	    want);
	expect_field("References: no ids\n", "References: [redacted]\n");
	expect_field("Subject: Hello alice@example.com\n",
	    "Subject: Hello redacted@example.com\n");
	expect_field("Subject : spaced\n", "Subject: spaced\n");
	expect_field("Subject: a\r\n\tb\r\n", "Subject: a\n\tb\n");
	expect_field("Subject: a\nBcc: x@y.example\n",
	    "Subject: a Bcc: redacted@y.example\n");
	expect_field("Subject: caf\xc3\xa9 \x01\n", "Subject: caf?? ?\n");
	expect_field("X-Secret: alice@example.com\n", "X-Secret: [redacted]\n");
	expect_field("List-Unsubscribe: <mailto:u-alice@list.example>\n",
	    "List-Unsubscribe: [redacted]\n");
	expect_field("Bad Name: x\n", "");
	expect_field("X-Weird@: x\n", "");
	expect_field(": no name\n", "");
	expect_field("No-Colon\n", "");
	expect_field("DKIM-Signature: v=1; a=rsa-sha256; d=bank.example; "
		     "s=sel;\n\ti=ceo@bank.example; z=From:Alice=20<alice@bank."
		     "example>|To:bob@x; b=abc\n",
	    "DKIM-Signature: v=1; a=rsa-sha256; d=bank.example; s=sel;\n"
	    "\ti=redacted@bank.example; z=[redacted]; b=abc\n");
	expect_field("Received: from mx.sender.example ([203.0.113.7])\n"
		     "\tby mx.gw.test (envelope-from <a.b@bank.example>)\n"
		     "\tfor rcpt.hidden42@gw.test; Mon, 23 Nov 2026\n",
	    "Received: from mx.sender.example ([203.0.113.7])\n"
	    "\tby mx.gw.test (envelope-from <redacted@bank.example>)\n"
	    "\tfor redacted@gw.test; Mon, 23 Nov 2026\n");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "Subject: ", 9);
	{
		struct sbuf sb;
		const char *nl;

		sbuf_init(&sb, 1 << 20);
		redact_field(&sb, big, strlen(big));
		nl = strchr(sbuf_cstr(&sb), '\n');
		assert_non_null(nl);
		assert_true((size_t)(nl - sbuf_cstr(&sb))
		    <= 9 + REDACT_MAX_LINE + 5);
		assert_non_null(strstr(sbuf_cstr(&sb), "[...]"));
		sbuf_free(&sb);
	}
}

static void
test_redact_address(void **state)
{
	char out[64];

	(void)state;
	redact_address(out, sizeof(out), "");
	assert_string_equal(out, "<>");
	redact_address(out, sizeof(out), NULL);
	assert_string_equal(out, "<>");
	redact_address(out, sizeof(out), "ceo.secret7@bank.example");
	assert_string_equal(out, "<redacted@bank.example>");
	redact_address(out, sizeof(out), "a@b@c.example");
	assert_string_equal(out, "<redacted@c.example>");
	redact_address(out, sizeof(out), "local-only");
	assert_string_equal(out, "<redacted>");
	redact_address(out, sizeof(out), "x@b\xc3\xbc\x63her.example>\n");
	assert_string_equal(out,
	    "<redacted@b??cher.example?"
	    "?>");
	redact_address(out, 12, "x@long.domain.example");
	assert_int_equal(strlen(out), 11);
}

/* Every prefix of every kind of field: no crash, no read past the end
 * (ASan), and the output keeps to printable ASCII lines. */
static void
test_redact_prefixes(void **state)
{
	static const char *const fields[] = {
		"From: \"A, B\" <a.b@x.example>, (c) <\"q x\"@[1.2.3.4]>\n",
		"Message-ID: <a@b@c> <d>\n",
		"Subject: =?utf-8?b?YWxpY2VAYmFuay5leGFtcGxl?= x=40y z%40w\n",
		"DKIM-Signature: v=1; z=From:a=40b; i=x@y\n",
		"Received: from x (\"a\\\" b\"@c) for <d . e @ f>\n",
		"X-Other: a@b\n",
	};
	struct sbuf sb;
	size_t i, k, j, len;
	char *copy;

	(void)state;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		len = strlen(fields[i]);
		for (k = 0; k <= len; k++) {
			copy = malloc(k == 0 ? 1 : k);
			memcpy(copy, fields[i], k);
			sbuf_init(&sb, 1 << 20);
			redact_field(&sb, copy, k);
			for (j = 0; j < sb.len; j++)
				assert_true(sb.buf[j] == '\n'
				    || sb.buf[j] == '\t'
				    || (sb.buf[j] >= 0x20 && sb.buf[j] < 0x7f));
			sbuf_reset(&sb);
			redact_text(&sb, copy, k);
			sbuf_free(&sb);
			free(copy);
		}
	}
}

/* ---- the report ---- */

static const char report_headers[]
    = "Received: from mx.sender.example ([203.0.113.7])\n"
      "\tby mx.gw.test with esmtp (envelope-from <ceo.secret7@bank.example>)\n"
      "\tid 1xTest-000001-AB for rcpt.hidden42@gw.test;\n"
      "\tMon, 23 Nov 2026 10:00:00 +0000\n"
      "From: \"Chief Exec\" <ceo.secret7@bank.example>\n"
      "To: rcpt.hidden42@gw.test\n"
      "Cc: =?utf-8?q?Friend?= <cc.private3@other.example>\n"
      "Subject: urgent transfer\n"
      "Message-ID: <unique.left.99@bank.example>\n"
      "X-Campaign: secret-campaign-id\n"
      "Date: Mon, 23 Nov 2026 10:00:00 +0000\n";

/* What a report is built about: the SPF domain and the DKIM array of
 * the message, the decision's RFC 9991 failed-aligned mechanisms (set
 * directly: decide() fills them under RFC 9989), and the SPF record the
 * module found. */
struct build_opts {
	const char *spf_domain; /* NULL: bank.example */
	const char *dkim;	/* NULL: a broken signature of bank.example */
	bool spf_failed_aligned;
	bool dkim_failed_aligned;
	const char *spf_dns;
	const char *spf_dns_why;
};

static const struct build_opts dkim_failed
    = { NULL, NULL, false, true, NULL, NULL };

/* Builds a report on a forged p=reject message into out. */
static int
build_with(struct sbuf *out, const char *headers, size_t hlen, size_t n_to,
    const struct build_opts *o)
{
	struct policy *p = load_ok(P_ON);
	struct ruf_report r;
	struct decision d;
	struct arena arena;
	struct facts f;
	char json[4096];
	int rc;

	facts_for(json, sizeof(json), "bank.example", "fail",
	    o->spf_domain != NULL ? o->spf_domain : "bank.example",
	    o->dkim != NULL ?
		o->dkim :
		"[{'d':'bank.example','s':'sel1','a':'rsa-sha256',"
		"'bits':2048,'result':'body_modified'}]",
	    "v=DMARC1; p=reject; ruf=mailto:r@bank.example");
	arena_init(&arena);
	facts_ok(&f, &arena, J(json));
	decide(p, &f, &d);
	/* As decide() leaves them under RFC 9989 (with a policy domain). */
	snprintf(d.dmarc.policy_domain, sizeof(d.dmarc.policy_domain),
	    "bank.example");
	d.dmarc.spf_failed_aligned = o->spf_failed_aligned;
	d.dmarc.dkim_failed_aligned = o->dkim_failed_aligned;
	memset(&r, 0, sizeof(r));
	r.policy = p;
	r.spf_dns = o->spf_dns;
	r.spf_dns_why = o->spf_dns_why;
	r.from = "dmarc@gw.test";
	r.org = "GW Test Org";
	r.host = "mx.gw.test";
	r.authserv_id = "mx.gw.test";
	r.date = "Mon, 23 Nov 2026 10:00:01 +0000";
	r.arrival_date = "Mon, 23 Nov 2026 10:00:00 +0000";
	r.to[0] = "ruf@bank.example";
	r.to[1] = "ruf2@reports.example";
	r.n_to = n_to;
	r.headers = headers;
	r.headers_len = hlen;
	rc = ruf_build(out, &r, &f, &d);
	arena_free(&arena);
	policy_free(p);
	return rc;
}

static int
build(struct sbuf *out, const char *headers, size_t hlen, size_t n_to)
{
	return build_with(out, headers, hlen, n_to, &dkim_failed);
}

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;

	for (s = strstr(s, needle); s != NULL; s = strstr(s + 1, needle))
		n++;
	return n;
}

/* ---- a checker of RFC 6591 with RFC 9991's fields ---- */

#define IA_DKIM 1u
#define IA_SPF	2u

/* The message/feedback-report part as read by arf_check. */
struct arf {
	unsigned align; /* IA_ bits of Identity-Alignment; 0 for "none" */
	char dkim_domain[300];
	char dkim_identity[300];
	char dkim_selector[300];
	char spf_dns[RUF_SPF_DNS_MAX + 400]; /* unfolded */
	char delivery[40];
};

static bool
is_wsp_c(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_alnum_c(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9');
}

/* RFC 5321 Domain (sub-domain *("." sub-domain)), or with underscores
 * for a DKIM selector (RFC 6376 3.1). */
static bool
abnf_domain(const char *s, size_t len, bool underscore)
{
	size_t i, lab = 0;

	if (len == 0 || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return false;
			lab = 0;
		} else if (is_alnum_c(s[i]) || (underscore && s[i] == '_')
		    || (s[i] == '-' && lab > 0)) {
			if (++lab > 63)
				return false;
		} else {
			return false;
		}
	}
	return lab > 0 && s[len - 1] != '-';
}

/* RFC 5322 dot-atom-text. */
static bool
abnf_dot_atom(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (i = 0; i < len; i++)
		if (!(is_alnum_c(s[i]) || strchr("!#$%&'*+-/=?^_`{|}~", s[i])
			|| (s[i] == '.' && s[i - 1] != '.')))
			return false;
	return true;
}

/* id-align of RFC 9991 section 4 (CFWS read as blanks: the report
 * writes no comments); returns the IA_ bits, or -1. */
static int
abnf_id_align(const char *v)
{
	const char *p = v;
	unsigned bits = 0, m;

	while (is_wsp_c(*p))
		p++;
	if (strncmp(p, "none", 4) == 0) {
		p += 4;
	} else {
		for (;;) {
			if (strncmp(p, "dkim", 4) == 0)
				m = IA_DKIM;
			else if (strncmp(p, "spf", 3) == 0)
				m = IA_SPF;
			else
				return -1;
			if (bits & m) /* each at most once */
				return -1;
			bits |= m;
			p += m == IA_DKIM ? 4 : 3;
			while (is_wsp_c(*p))
				p++;
			if (*p != ',')
				break;
			p++;
			while (is_wsp_c(*p))
				p++;
		}
	}
	while (is_wsp_c(*p))
		p++;
	return *p == '\0' ? (int)bits : -1;
}

/* A value with blanks at both ends trimmed, into out. */
static void
trimmed(char *out, size_t size, const char *v)
{
	size_t len;

	while (is_wsp_c(*v))
		v++;
	len = strlen(v);
	while (len > 0 && is_wsp_c(v[len - 1]))
		len--;
	if (len >= size)
		fail_msg("value too long: %s", v);
	memcpy(out, v, len);
	out[len] = '\0';
}

/* Checks one field of the feedback report against its ABNF. */
static void
arf_field(struct arf *a, const char *name, const char *raw, unsigned *seen)
{
	static const char *const once[] = { "Feedback-Type", "User-Agent",
		"Version", "Auth-Failure", "Original-Mail-From", "Arrival-Date",
		"Reporting-MTA", "Source-IP", "Identity-Alignment",
		"Delivery-Result", "DKIM-Domain", "DKIM-Identity",
		"DKIM-Selector", "Original-Envelope-Id", "Source-Port",
		"Incidents", "DKIM-Canonicalized-Header",
		"DKIM-Canonicalized-Body", "DKIM-Selector-DNS" };
	static const char *const many[]
	    = { "Authentication-Results", "Reported-Domain", "Original-Rcpt-To",
		      "SPF-DNS", "Reported-URI" };
	char v[RUF_SPF_DNS_MAX + 400], dom[300], *at, *c1, *c2;
	unsigned char ip[16];
	size_t i;
	bool known = false;
	int bits;

	trimmed(v, sizeof(v), raw);
	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++)
		if (strcmp(name, once[i]) == 0) {
			if (seen[i]++ > 0)
				fail_msg("%s appears twice", name);
			known = true;
		}
	for (i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		known = known || strcmp(name, many[i]) == 0;
	if (!known)
		fail_msg("field %s is not an ARF field", name);
	if (strcmp(name, "Feedback-Type") == 0)
		assert_string_equal(v, "auth-failure");
	else if (strcmp(name, "Version") == 0)
		assert_string_equal(v, "1");
	else if (strcmp(name, "Auth-Failure") == 0)
		assert_string_equal(v, "dmarc");
	else if (strcmp(name, "Reporting-MTA") == 0) {
		assert_true(strncmp(v, "dns; ", 5) == 0);
		assert_true(abnf_domain(v + 5, strlen(v + 5), false));
	} else if (strcmp(name, "Source-IP") == 0)
		assert_true(inet_pton(AF_INET, v, ip) == 1
		    || inet_pton(AF_INET6, v, ip) == 1);
	else if (strcmp(name, "Reported-Domain") == 0
	    || strcmp(name, "DKIM-Domain") == 0) {
		if (!abnf_domain(v, strlen(v), false))
			fail_msg("%s: '%s' is not a domain-name", name, v);
		if (name[0] == 'D')
			snprintf(a->dkim_domain, sizeof(a->dkim_domain),
			    "%.299s", v);
	} else if (strcmp(name, "DKIM-Selector") == 0) {
		if (!abnf_domain(v, strlen(v), true))
			fail_msg("DKIM-Selector: '%s' is not a selector", v);
		snprintf(a->dkim_selector, sizeof(a->dkim_selector), "%.299s",
		    v);
	} else if (strcmp(name, "DKIM-Identity") == 0) {
		/* [ local-part ] "@" domain-name */
		at = strchr(v, '@');
		if (at == NULL
		    || (at > v && !abnf_dot_atom(v, (size_t)(at - v)))
		    || !abnf_domain(at + 1, strlen(at + 1), false))
			fail_msg("DKIM-Identity: '%s'", v);
		snprintf(a->dkim_identity, sizeof(a->dkim_identity), "%.299s",
		    v);
	} else if (strcmp(name, "Identity-Alignment") == 0) {
		if ((bits = abnf_id_align(raw)) < 0)
			fail_msg("Identity-Alignment: '%s' is not id-align",
			    raw);
		a->align = (unsigned)bits;
	} else if (strcmp(name, "Delivery-Result") == 0) {
		if (strcmp(v, "delivered") != 0 && strcmp(v, "spam") != 0
		    && strcmp(v, "policy") != 0 && strcmp(v, "reject") != 0
		    && strcmp(v, "other") != 0)
			fail_msg("Delivery-Result: '%s'", v);
		snprintf(a->delivery, sizeof(a->delivery), "%.39s", v);
	} else if (strcmp(name, "SPF-DNS") == 0) {
		/* ( "txt" / "spf" ) ":" domain-name ":" record */
		c1 = strchr(v, ':');
		c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
		assert_non_null(c2);
		assert_true(strncmp(v, "txt ", 4) == 0
		    || strncmp(v, "txt:", 4) == 0 || strncmp(v, "spf ", 4) == 0
		    || strncmp(v, "spf:", 4) == 0);
		*c2 = '\0';
		trimmed(dom, sizeof(dom), c1 + 1);
		assert_true(abnf_domain(dom, strlen(dom), false));
		trimmed(a->spf_dns, sizeof(a->spf_dns), c2 + 1);
		for (i = 0; a->spf_dns[i] != '\0'; i++)
			assert_true(a->spf_dns[i] >= 0x20
			    && a->spf_dns[i] < 0x7f);
		assert_true(i > 0);
	}
}

/* Reads a report as RFC 6591 with RFC 9991's fields: a multipart/report
 * of report-type feedback-report whose three parts are text/plain,
 * message/feedback-report and the header section; the feedback part's
 * fields each by its ABNF, the required ones present, and those RFC
 * 9991 requires for a DKIM or SPF failure of an aligned identifier
 * present when Identity-Alignment names the mechanism. */
static void
arf_check(const char *msg, struct arf *a)
{
	char boundary[200], delim[210], name[80], value[RUF_SPF_DNS_MAX + 400];
	const char *p, *b, *end, *part[4], *body, *line, *nl, *colon;
	unsigned seen[32] = { 0 };
	size_t n = 0, vlen;

	memset(a, 0, sizeof(*a));
	body = strstr(msg, "\n\n");
	assert_non_null(body);
	p = strstr(msg,
	    "\nContent-Type: multipart/report; "
	    "report-type=feedback-report;\n\tboundary=\"");
	assert_true(p != NULL && p < body);
	p = strchr(p, '"') + 1;
	end = strchr(p, '"');
	snprintf(boundary, sizeof(boundary), "%.*s", (int)(end - p), p);
	snprintf(delim, sizeof(delim), "\n--%s", boundary);
	for (b = strstr(body, delim); b != NULL; b = strstr(b + 1, delim)) {
		if (n == 4)
			fail_msg("more than three parts");
		part[n++] = b + strlen(delim);
	}
	assert_int_equal(n, 4);
	assert_true(strncmp(part[3], "--\n", 3) == 0);
	assert_true(strncmp(part[0], "\nContent-Type: text/plain", 25) == 0);
	assert_true(strncmp(part[1],
			"\nContent-Type: message/feedback-report\n", 39)
	    == 0);
	assert_true(strncmp(part[2], "\nContent-Type: text/rfc822-headers\n",
			35)
	    == 0);
	/* The feedback part: fields from after its blank line to the
	 * delimiter, unfolded. */
	p = strstr(part[1], "\n\n") + 2;
	end = part[2] - strlen(delim);
	for (line = p; line < end;) {
		nl = strchr(line, '\n');
		assert_true(nl - line <= 998);
		assert_false(is_wsp_c(*line)); /* continuations are eaten below
						*/
		colon = memchr(line, ':', (size_t)(nl - line));
		if (nl == line && nl + 1 >= end)
			break; /* the CRLF before the delimiter */
		assert_non_null(colon);
		snprintf(name, sizeof(name), "%.*s", (int)(colon - line), line);
		vlen = 0;
		for (p = colon + 1;;) {
			nl = strchr(p, '\n');
			assert_true(vlen + (size_t)(nl - p) < sizeof(value));
			memcpy(value + vlen, p, (size_t)(nl - p));
			vlen += (size_t)(nl - p);
			p = nl + 1;
			if (p >= end || !is_wsp_c(*p))
				break;
		}
		value[vlen] = '\0';
		arf_field(a, name, value, seen);
		line = p;
	}
	/* Required by RFC 5965 and 6591, and RFC 9991's Identity-Alignment. */
	assert_int_equal(seen[0], 1); /* Feedback-Type */
	assert_int_equal(seen[1], 1); /* User-Agent */
	assert_int_equal(seen[2], 1); /* Version */
	assert_int_equal(seen[3], 1); /* Auth-Failure */
	assert_int_equal(seen[8], 1); /* Identity-Alignment */
	assert_non_null(strstr(part[1], "\nAuthentication-Results: "));
	assert_non_null(strstr(part[1], "\nReported-Domain: "));
	if (a->align & IA_DKIM)
		assert_true(a->dkim_domain[0] != '\0'
		    && a->dkim_identity[0] != '\0'
		    && a->dkim_selector[0] != '\0');
	else
		assert_true(a->dkim_domain[0] == '\0');
}

static void
test_build_report(void **state)
{
	static const char *const secrets[]
	    = { "ceo.secret7", "rcpt.hidden42", "cc.private3", "unique.left.99",
		      "secret-campaign-id", "Chief Exec" };
	static const char *const fields[] = { "Feedback-Type: auth-failure\n",
		"User-Agent: authgate/", "Version: 1\n",
		"Original-Mail-From: <redacted@bank.example>\n",
		"Arrival-Date: Mon, 23 Nov 2026 10:00:00 +0000\n",
		"Reporting-MTA: dns; mx.gw.test\n", "Source-IP: 203.0.113.7\n",
		"Reported-Domain: bank.example\n", "Auth-Failure: dmarc\n",
		"Authentication-Results: mx.gw.test;\n\tspf=fail "
		"smtp.mailfrom=bank.example;\n\tdkim=fail (body_modified) "
		"header.d=bank.example header.s=sel1;\n\tdmarc=fail (p=reject) "
		"header.from=bank.example policy.dmarc=reject;\n\tarc=none\n",
		"Identity-Alignment: dkim\n", "Delivery-Result: reject\n",
		"DKIM-Domain: bank.example\n", "DKIM-Identity: @bank.example\n",
		"DKIM-Selector: sel1\n", "\nFrom: <redacted@bank.example>\n",
		"\nTo: <redacted@gw.test>\n",
		"\nCc: <redacted@other.example>\n",
		"\nSubject: urgent transfer\n" };
	static const char top[]
	    = "From: dmarc@gw.test\nTo: ruf@bank.example,\n"
	      "\truf2@reports.example\nDate: Mon, 23 Nov 2026 10:00:01 +0000\n"
	      "Subject: DMARC failure report for bank.example from "
	      "203.0.113.7\nMIME-Version: 1.0\n"
	      "Auto-Submitted: auto-generated\n"
	      "Content-Type: multipart/report; report-type=feedback-report;\n"
	      "\tboundary=\"=_authgate_ruf_1xTest-000001-AB_0\"\n\n";
	struct sbuf out;
	const char *s, *line;
	char delim[128];
	struct arf a;
	size_t i;

	(void)state;
	sbuf_init(&out, RUF_MAX_REPORT);
	assert_int_equal(build(&out, report_headers, strlen(report_headers), 2),
	    0);
	s = sbuf_cstr(&out);
	if (strncmp(s, top, strlen(top)) != 0)
		fail_msg("report starts\n%.400s", s);
	snprintf(delim, sizeof(delim), "\n--=_authgate_ruf_1xTest-000001-AB_0");
	assert_int_equal(count(s, delim), 4);
	assert_non_null(strstr(s, "\n--=_authgate_ruf_1xTest-000001-AB_0--\n"));
	assert_non_null(strstr(s,
	    "\nContent-Type: text/plain; charset=us-ascii\n"));
	assert_non_null(strstr(s,
	    "\nContent-Type: message/feedback-report\n\n"
	    "Feedback-Type: auth-failure\n"));
	assert_non_null(strstr(s, "\nContent-Type: text/rfc822-headers\n"));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strstr(s, fields[i]) == NULL)
			fail_msg("no '%s' in\n%s", fields[i], s);
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (strstr(s, secrets[i]) != NULL)
			fail_msg("'%s' leaked into\n%s", secrets[i], s);
	assert_non_null(strstr(s, "X-Campaign: [redacted]\n"));
	arf_check(s, &a);
	assert_int_equal(a.align, IA_DKIM);
	assert_string_equal(a.delivery, "reject");
	for (line = s; *line != '\0'; line = strchr(line, '\n') + 1) {
		const char *nl = strchr(line, '\n');

		assert_non_null(nl);
		assert_true(nl - line <= 998);
		for (; line < nl; line++)
			assert_true(*line == '\t'
			    || (*line >= 0x20 && *line < 0x7f));
	}
	sbuf_free(&out);
}

/* Identity-Alignment as RFC 9991 reads it, with the fields each
 * mechanism's failure requires. */
static void
test_identity_alignment(void **state)
{
	static const char spf_rec[] = "v=spf1 ip4:192.0.2.0/24 -all";
	static const char fwd[]
	    = "[{'d':'bank.example','s':'sel1','a':'rsa-sha256','bits':2048,"
	      "'result':'bad_signature'}]";
	static const char signed_hdrs[]
	    = "DKIM-Signature: v=1; a=rsa-sha256; d=bank.example; s=sel1;\n"
	      "\ti=ceo.secret7@bank.example; h=from; bh=x; b=y\n"
	      "From: ceo.secret7@bank.example\n";
	struct build_opts o;
	struct sbuf out;
	struct arf a;

	(void)state;
	sbuf_init(&out, RUF_MAX_REPORT);

	/* The RFC's example: a signature of the From domain failed: dkim. */
	memset(&o, 0, sizeof(o));
	o.dkim = fwd;
	o.dkim_failed_aligned = true;
	assert_int_equal(build_with(&out, signed_hdrs, strlen(signed_hdrs), 1,
			     &o),
	    0);
	arf_check(sbuf_cstr(&out), &a);
	assert_int_equal(a.align, IA_DKIM);
	assert_string_equal(a.dkim_domain, "bank.example");
	assert_string_equal(a.dkim_identity, "redacted@bank.example");
	assert_string_equal(a.dkim_selector, "sel1");
	assert_null(strstr(sbuf_cstr(&out), "ceo.secret7"));

	/* ... and SPF of an unrelated forwarder failed: not listed. */
	sbuf_reset(&out);
	o.spf_domain = "forwarder.example";
	o.spf_dns = "v=spf1 -all";
	assert_int_equal(build_with(&out, report_headers,
			     strlen(report_headers), 1, &o),
	    0);
	arf_check(sbuf_cstr(&out), &a);
	assert_int_equal(a.align, IA_DKIM);
	assert_string_equal(a.dkim_identity, "@bank.example");
	assert_null(strstr(sbuf_cstr(&out), "SPF-DNS:"));

	/* Nothing aligned failed (no signature, unrelated SPF): none. */
	sbuf_reset(&out);
	memset(&o, 0, sizeof(o));
	o.dkim = "[]";
	o.spf_domain = "forwarder.example";
	assert_int_equal(build_with(&out, report_headers,
			     strlen(report_headers), 1, &o),
	    0);
	arf_check(sbuf_cstr(&out), &a);
	assert_int_equal(a.align, 0);
	assert_non_null(strstr(sbuf_cstr(&out),
	    "\nIdentity-Alignment: none\n"));
	assert_null(strstr(sbuf_cstr(&out), "DKIM-Domain:"));
	assert_null(strstr(sbuf_cstr(&out), "SPF-DNS:"));

	/* Both failed for aligned identifiers: both, with SPF-DNS. */
	sbuf_reset(&out);
	memset(&o, 0, sizeof(o));
	o.spf_failed_aligned = true;
	o.dkim_failed_aligned = true;
	o.spf_dns = spf_rec;
	assert_int_equal(build_with(&out, report_headers,
			     strlen(report_headers), 1, &o),
	    0);
	arf_check(sbuf_cstr(&out), &a);
	assert_int_equal(a.align, IA_DKIM | IA_SPF);
	assert_non_null(strstr(sbuf_cstr(&out),
	    "\nIdentity-Alignment: dkim, spf\n"));
	assert_non_null(strstr(sbuf_cstr(&out),
	    "\nSPF-DNS: txt : bank.example : v=spf1 ip4:192.0.2.0/24 -all\n"));
	assert_string_equal(a.spf_dns, spf_rec);

	/* SPF alone; no record to quote: the text part says why. */
	sbuf_reset(&out);
	memset(&o, 0, sizeof(o));
	o.spf_failed_aligned = true;
	o.spf_dns_why = "none found";
	assert_int_equal(build_with(&out, report_headers,
			     strlen(report_headers), 1, &o),
	    0);
	arf_check(sbuf_cstr(&out), &a);
	assert_int_equal(a.align, IA_SPF);
	assert_null(strstr(sbuf_cstr(&out), "SPF-DNS:"));
	assert_non_null(strstr(sbuf_cstr(&out),
	    "    SPF record:    none found\n"));
	sbuf_free(&out);
}

/* A long SPF record is folded so that it unfolds to itself; one that is
 * not plain text is not quoted. */
static void
test_spf_dns(void **state)
{
	struct build_opts o;
	struct sbuf out, rec;
	struct arf a;
	size_t i;

	(void)state;
	sbuf_init(&rec, 1 << 16);
	sbuf_puts(&rec, "v=spf1");
	for (i = 0; i < 60; i++)
		sbuf_printf(&rec, " ip4:198.51.100.%zu", i);
	sbuf_puts(&rec, " include:_spf.bank.example ~all");
	memset(&o, 0, sizeof(o));
	o.spf_failed_aligned = true;
	o.spf_dns = sbuf_cstr(&rec);
	sbuf_init(&out, RUF_MAX_REPORT);
	assert_int_equal(build_with(&out, NULL, 0, 1, &o), 0);
	arf_check(sbuf_cstr(&out), &a);
	assert_string_equal(a.spf_dns, sbuf_cstr(&rec));
	/* Too long, a control byte: not quoted, and said so. */
	for (i = 0; i < 2; i++) {
		sbuf_reset(&out);
		o.spf_dns = i == 0 ? "v=spf1 a\x01 -all" : NULL;
		if (i == 1) {
			while (rec.len <= RUF_SPF_DNS_MAX)
				sbuf_puts(&rec, " a");
			o.spf_dns = sbuf_cstr(&rec);
		}
		assert_int_equal(build_with(&out, NULL, 0, 1, &o), 0);
		arf_check(sbuf_cstr(&out), &a);
		assert_null(strstr(sbuf_cstr(&out), "SPF-DNS:"));
		assert_non_null(strstr(sbuf_cstr(&out),
		    "    SPF record:    not quoted"));
	}
	sbuf_free(&out);
	sbuf_free(&rec);
}

/* Which signature the DKIM fields describe. */
static void
test_failed_aligned_sig(void **state)
{
	static const struct {
		const char *dkim;
		const char *record;
		int want;
	} cases[] = {
		/* d= the From domain first, though listed later. */
		{ "[{'d':'mail.bank.example','s':'a','result':'bad_signature'},"
		  "{'d':'bank.example','s':'b','result':'body_modified'}]",
		    "v=DMARC1; p=reject", 1 },
		/* Relaxed: a subdomain of the organizational domain. */
		{ "[{'d':'other.example','s':'a','result':'bad_signature'},"
		  "{'d':'Mail.Bank.Example','s':'b','result':'expired'}]",
		    "v=DMARC1; p=reject", 1 },
		/* Strict (adkim=s): only the From domain itself. */
		{ "[{'d':'mail.bank.example','s':'a','result':'bad_signature'}]",
		    "v=DMARC1; p=reject; adkim=s", -1 },
		/* A passing signature did not fail; an unrelated one does
		 * not align. */
		{ "[{'d':'bank.example','s':'a','a':'rsa-sha256','bits':2048,"
		  "'result':'pass'},"
		  "{'d':'bank.example.evil','s':'b','result':'bad_signature'}]",
		    "v=DMARC1; p=reject", -1 },
		/* A pass with a key shorter than min_key_bits did not. */
		{ "[{'d':'bank.example','s':'a','a':'rsa-sha256','bits':512,"
		  "'result':'pass'}]",
		    "v=DMARC1; p=reject", 0 },
		{ "[]", "v=DMARC1; p=reject", -1 },
	};
	struct policy *p = load_ok(P_ON);
	struct decision d;
	struct arena arena;
	struct facts f;
	char json[4096];
	size_t i;
	int got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		facts_for(json, sizeof(json), "bank.example", "fail",
		    "bank.example", cases[i].dkim, cases[i].record);
		arena_init(&arena);
		facts_ok(&f, &arena, J(json));
		decide(p, &f, &d);
		/* decide() finds the failed aligned signature; the report
		 * names the one it picks. */
		if (d.dmarc.dkim_failed_aligned != (cases[i].want >= 0))
			fail_msg("case %zu: decide says dkim_failed_aligned %d",
			    i, d.dmarc.dkim_failed_aligned);
		if ((got = ruf_failed_aligned_sig(p, &f, &d)) != cases[i].want)
			fail_msg("case %zu: %d, want %d", i, got,
			    cases[i].want);
		arena_free(&arena);
	}
	policy_free(p);
}

/* A decision without a policy domain (decide() before RFC 9989 filled
 * the failed-aligned mechanisms) has them derived from the facts. */
static void
test_failed_aligned_derived(void **state)
{
	static const struct {
		const char *spf;
		const char *spf_domain;
		const char *dkim;
		const char *record;
		bool spf_failed, dkim_failed;
	} cases[] = {
		{ "fail", "bank.example", "[]", "v=DMARC1; p=reject", true,
		    false },
		{ "softfail", "mail.bank.example", "[]", "v=DMARC1; p=reject",
		    true, false },
		{ "fail", "mail.bank.example", "[]",
		    "v=DMARC1; p=reject; aspf=s", false, false },
		{ "fail", "forwarder.example",
		    "[{'d':'bank.example','s':'a','result':'key_missing'}]",
		    "v=DMARC1; p=reject", false, true },
		{ "pass", "forwarder.example",
		    "[{'d':'mail.bank.example','s':'a','result':'body_modified'},"
		    "{'d':'forwarder.example','s':'b','result':'bad_signature'}]",
		    "v=DMARC1; p=reject", false, true },
		{ "none", "bank.example", "[]", "v=DMARC1; p=reject", true,
		    false },
		{ "fail", "forwarder.example",
		    "[{'d':'forwarder.example','s':'b','result':'bad_signature'}]",
		    "v=DMARC1; p=reject", false, false },
	};
	struct policy *p = load_ok(P_ON);
	struct decision d;
	struct arena arena;
	struct facts f;
	char json[4096];
	bool spf, dkim;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		facts_for(json, sizeof(json), "bank.example", cases[i].spf,
		    cases[i].spf_domain, cases[i].dkim, cases[i].record);
		arena_init(&arena);
		facts_ok(&f, &arena, J(json));
		decide(p, &f, &d);
		d.dmarc.policy_domain[0] = '\0';
		ruf_failed_aligned(p, &f, &d, &spf, &dkim);
		if (spf != cases[i].spf_failed || dkim != cases[i].dkim_failed)
			fail_msg("case %zu: spf %d dkim %d, want %d %d", i, spf,
			    dkim, cases[i].spf_failed, cases[i].dkim_failed);
		/* With a policy domain the decision's own say. */
		snprintf(d.dmarc.policy_domain, sizeof(d.dmarc.policy_domain),
		    "bank.example");
		d.dmarc.spf_failed_aligned = !cases[i].spf_failed;
		d.dmarc.dkim_failed_aligned = false;
		ruf_failed_aligned(p, &f, &d, &spf, &dkim);
		assert_true(spf == !cases[i].spf_failed && !dkim);
		arena_free(&arena);
	}
	policy_free(p);
}

/* DKIM-Identity: i= from the signature's own field, local part redacted;
 * "@" d= without one. */
static void
test_dkim_identity(void **state)
{
	static const struct {
		const char *headers;
		const char *want;
	} cases[] = {
		{ "DKIM-Signature: v=1; d=bank.example; s=sel1; "
		  "i=ceo@bank.example; b=x\n",
		    "redacted@bank.example" },
		{ "DKIM-Signature: v=1; d=BANK.example.; s=SEL1;\n"
		  "\ti=@news.bank.example; b=x\n",
		    "@news.bank.example" },
		{ "DKIM-Signature: v=1; d=bank.example; s=sel1; b=x\n",
		    "@bank.example" },
		/* another selector's i=, then ours without one */
		{ "DKIM-Signature: v=1; d=bank.example; s=sel2; i=a@bank.example\n"
		  "DKIM-Signature: v=1; d=bank.example; s=sel1; b=x\n",
		    "@bank.example" },
		{ "DKIM-Signature: v=1; d=bank.example; s=sel1; i=a@b c\n",
		    "@bank.example" },
		{ "DKIM-Signature: v=1; d=bank.example; s=sel1; i=a@\n",
		    "@bank.example" },
		{ "DKIM-Signature: broken d=bank.example; s=sel1; i=a@x\n",
		    "@bank.example" },
		{ "Subject: no signature\n", "@bank.example" },
	};
	struct facts_dkim sig = { "bank.example", "sel1", "rsa-sha256", 2048,
		AG_DKIMR_BAD_SIGNATURE };
	char out[DOMAIN_MAX_LEN + 16];
	size_t i, k, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ruf_dkim_identity(out, sizeof(out), cases[i].headers,
		    strlen(cases[i].headers), &sig);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: %s, want %s", i, out,
			    cases[i].want);
		/* every prefix: no read past the end (ASan) */
		len = strlen(cases[i].headers);
		for (k = 0; k <= len; k++) {
			char *copy = malloc(k == 0 ? 1 : k);

			memcpy(copy, cases[i].headers, k);
			ruf_dkim_identity(out, sizeof(out), copy, k, &sig);
			assert_true(out[0] == '@' || strchr(out, '@') != NULL);
			free(copy);
		}
	}
	ruf_dkim_identity(out, sizeof(out), NULL, 0, &sig);
	assert_string_equal(out, "@bank.example");
}

/* RFC 9991 section 2: never the ruf= of a psd=y record. */
static void
test_psd_no_ruf(void **state)
{
	struct policy *p = load_ok(P_ON);
	char json[4096], why[RUF_WHY_MAX];
	struct dmarcrec rec;
	struct decision d;
	struct arena arena;
	struct facts f;

	(void)state;
	facts_for(json, sizeof(json), "bank.example", "fail", "bank.example",
	    "[]", "v=DMARC1; p=reject; psd=y; ruf=mailto:r@bank.example");
	arena_init(&arena);
	facts_ok(&f, &arena, J(json));
	decide(p, &f, &d);
	assert_int_equal(ruf_consider(p, &f, &d, false, &rec, why, sizeof(why)),
	    RUF_NOT_REPORTED);
	assert_non_null(strstr(why, "psd=y"));
	arena_free(&arena);
	/* The decision says the policy came from a PSD's record. */
	facts_for(json, sizeof(json), "bank.example", "fail", "bank.example",
	    "[]", "v=DMARC1; p=reject; ruf=mailto:r@bank.example");
	arena_init(&arena);
	facts_ok(&f, &arena, J(json));
	decide(p, &f, &d);
	assert_int_equal(ruf_consider(p, &f, &d, false, &rec, why, sizeof(why)),
	    RUF_WANTED);
	d.dmarc.psd = DMARC_PSD_Y;
	assert_int_equal(ruf_consider(p, &f, &d, false, &rec, why, sizeof(why)),
	    RUF_NOT_REPORTED);
	d.dmarc.psd = DMARC_PSD_U;
	d.dmarc.source = DMARC_SRC_PSD;
	assert_int_equal(ruf_consider(p, &f, &d, false, &rec, why, sizeof(why)),
	    RUF_NOT_REPORTED);
	arena_free(&arena);
	policy_free(p);
}

static void
test_build_report_edges(void **state)
{
	char clash[200];
	struct sbuf out, big;
	size_t i;

	(void)state;
	/* A header that holds the first boundary moves it on. */
	snprintf(clash, sizeof(clash),
	    "Subject: --=_authgate_ruf_1xTest-000001-AB_0\nFrom: a@b.example\n");
	sbuf_init(&out, RUF_MAX_REPORT);
	assert_int_equal(build(&out, clash, strlen(clash), 1), 0);
	assert_int_equal(count(sbuf_cstr(&out),
			     "\n--=_authgate_ruf_1xTest-000001-AB_1"),
	    4);
	sbuf_free(&out);
	/* Thousands of header fields: the report stays within its size,
	 * and says how many fields it left out. */
	sbuf_init(&big, 1 << 20);
	for (i = 0; i < 4000; i++)
		sbuf_printf(&big, "Received: from h%05zu by x for a@b.ex\n", i);
	sbuf_init(&out, RUF_MAX_REPORT);
	assert_int_equal(build(&out, big.buf, big.len, 1), 0);
	assert_true(out.len <= RUF_MAX_REPORT);
	assert_non_null(strstr(sbuf_cstr(&out),
	    "more header fields are left "
	    "out for size."));
	sbuf_free(&out);
	sbuf_free(&big);
	/* No headers at all, one address. */
	sbuf_init(&out, RUF_MAX_REPORT);
	assert_int_equal(build(&out, NULL, 0, 1), 0);
	assert_non_null(strstr(sbuf_cstr(&out), "To: ruf@bank.example\nDate:"));
	sbuf_free(&out);
	/* A cap the report cannot fit in. */
	sbuf_init(&out, 1000);
	assert_int_equal(build(&out, report_headers, strlen(report_headers), 1),
	    -1);
	sbuf_free(&out);
}

/* The limits of redact.h and failure.h. */
static void
test_limits(void **state)
{
	struct sbuf sb, hdrs, out;
	struct ruf_outcome o;
	char name[REDACT_MAX_NAME + 2], uri[300];
	const char *part;
	size_t i;

	(void)state;
	sbuf_init(&sb, 1 << 20);
	sbuf_puts(&sb, "To: ");
	for (i = 0; i < REDACT_MAX_LIST + 10; i++)
		sbuf_printf(&sb, "%sa%zu@d%zu.example", i ? ", " : "", i, i);
	sbuf_putc(&sb, '\n');
	sbuf_init(&out, 1 << 20);
	redact_field(&out, sb.buf, sb.len);
	assert_int_equal(count(sbuf_cstr(&out), "<redacted@"), REDACT_MAX_LIST);
	assert_non_null(strstr(sbuf_cstr(&out),
	    "<redacted@d49.example>, ...\n"));
	sbuf_free(&out);
	sbuf_free(&sb);

	memset(name, 'X', sizeof(name));
	name[REDACT_MAX_NAME] = ':';
	name[REDACT_MAX_NAME + 1] = '\0';
	sbuf_init(&out, 4096);
	redact_field(&out, name, strlen(name));
	assert_int_equal(out.len, REDACT_MAX_NAME + strlen(": [redacted]\n"));
	sbuf_reset(&out);
	name[REDACT_MAX_NAME] = 'X';
	redact_field(&out, name, REDACT_MAX_NAME + 1); /* no colon yet */
	assert_int_equal(out.len, 0);
	sbuf_free(&out);
	{
		char longer[REDACT_MAX_NAME + 4];

		memset(longer, 'X', sizeof(longer));
		longer[REDACT_MAX_NAME + 1] = ':';
		longer[REDACT_MAX_NAME + 2] = ' ';
		longer[REDACT_MAX_NAME + 3] = '\0';
		sbuf_init(&out, 4096);
		redact_field(&out, longer, strlen(longer));
		assert_int_equal(out.len, 0);
		sbuf_free(&out);
	}

	ruf_outcome_init(&o);
	memset(uri, 'u', sizeof(uri));
	ruf_outcome_refuse(&o, uri, sizeof(uri), "why");
	assert_int_equal(strlen(o.refused[0].uri), RUF_LOG_URI_MAX);

	/* One field longer than RUF_MAX_FIELD once redacted is cut. */
	sbuf_init(&hdrs, 1 << 20);
	sbuf_puts(&hdrs, "Subject: start");
	for (i = 0; i < 20; i++)
		sbuf_printf(&hdrs, "\n\t%0800zu", i);
	sbuf_puts(&hdrs, "\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n");
	sbuf_init(&out, RUF_MAX_REPORT);
	assert_int_equal(build(&out, hdrs.buf, hdrs.len, 1), 0);
	part = strstr(sbuf_cstr(&out), "\nSubject: start");
	assert_non_null(part);
	assert_true(strstr(part, "[...]\nDate: Mon") - part
	    <= (long)RUF_MAX_FIELD + 1);
	sbuf_free(&out);
	sbuf_free(&hdrs);
}

static void
test_outcome_json(void **state)
{
	struct ruf_outcome o;
	json_t *j, *refused;
	json_error_t jerr;
	struct sbuf sb;
	size_t i;

	(void)state;
	ruf_outcome_init(&o);
	o.status = RUF_SENT;
	o.n_sent = 1;
	snprintf(o.sent[0], sizeof(o.sent[0]), "ruf@bank.example");
	o.bytes = 2345;
	for (i = 0; i < 6; i++)
		ruf_outcome_refuse(&o, "mailto:x\"\n\x01@y", 14,
		    "no consent at bank.example._report._dmarc.y");
	sbuf_init(&sb, 1 << 16);
	ruf_outcome_to_json(&o, &sb);
	j = json_loads(sbuf_cstr(&sb), 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "sent");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j,
								 "to"),
				0)),
	    "ruf@bank.example");
	assert_int_equal(json_integer_value(json_object_get(j, "bytes")), 2345);
	refused = json_object_get(j, "refused");
	assert_int_equal(json_array_size(refused), RUF_MAX_REFUSED);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(refused, 0), "uri")),
	    "mailto:x\"\n\x01@y");
	assert_int_equal(json_integer_value(json_object_get(j, "refused_more")),
	    2);
	assert_null(json_object_get(j, "why"));
	json_decref(j);
	sbuf_reset(&sb);
	ruf_outcome_init(&o);
	o.status = RUF_RATE_LIMITED;
	snprintf(o.why, sizeof(o.why),
	    "one report per 3600 s for bank.example");
	ruf_outcome_to_json(&o, &sb);
	assert_string_equal(sbuf_cstr(&sb),
	    "{\"status\":\"rate_limited\",\"why\":\"one report per 3600 s for "
	    "bank.example\"}");
	sbuf_free(&sb);
	assert_string_equal(ruf_status_name(RUF_NO_ADDRESS), "no_address");
	assert_string_equal(ruf_status_name(RUF_NOT_REQUESTED),
	    "not_requested");
}

/* ---- policy.ini keys ---- */

static void
test_config_keys(void **state)
{
	struct policy *p;

	(void)state;
	p = load_ok("");
	assert_false(p->failure_reports);
	assert_string_equal(p->failure_report_from, "");
	assert_string_equal(p->failure_report_org, "");
	assert_int_equal(p->failure_report_interval, 3600);
	assert_int_equal(p->failure_report_limit, 100);
	assert_string_equal(p->failure_report_state,
	    "/var/spool/exim4/authgate-ruf.state");
	policy_free(p);
	p = load_ok("[general]\n"
		    "failure_reports = on\n"
		    "failure_report_from = dmarc-reports+ruf@gw.test\n"
		    "failure_report_org = GW Test, Inc.\n"
		    "failure_report_interval = 60\n"
		    "failure_report_limit = 10000\n"
		    "failure_report_state = /var/lib/x/ruf.state\n");
	assert_true(p->failure_reports);
	assert_int_equal(p->failure_reports_line, 2);
	assert_string_equal(p->failure_report_from,
	    "dmarc-reports+ruf@gw.test");
	assert_string_equal(p->failure_report_org, "GW Test, Inc.");
	assert_int_equal(p->failure_report_interval, 60);
	assert_int_equal(p->failure_report_limit, 10000);
	assert_string_equal(p->failure_report_state, "/var/lib/x/ruf.state");
	policy_free(p);
	p = load_ok("[general]\nfailure_reports = off\n");
	assert_false(p->failure_reports);
	policy_free(p);

	expect_error("[general]\nfailure_reports = yes\n", 2,
	    "failure_reports must be 'off' or 'on'");
	expect_error("[general]\n\nfailure_reports = on\n", 3,
	    "needs failure_report_from");
	expect_error("[general]\nfailure_report_from = nobody\n", 2,
	    "failure_report_from must be a plain address");
	expect_error("[general]\nfailure_report_from = a,b@gw.test\n", 2,
	    "plain address");
	expect_error("[general]\nfailure_report_from = a@b@gw.test\n", 2,
	    "plain address");
	expect_error("[general]\nfailure_report_from = <a@gw.test>\n", 2,
	    "plain address");
	expect_error("[general]\nfailure_report_from = a@-gw.test\n", 2,
	    "plain address");
	expect_error("[general]\nfailure_report_org = \xc3\xa9\n", 2,
	    "failure_report_org must be 1 to 64 printable ASCII");
	expect_error(
	    "[general]\nfailure_report_org = "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaa\n",
	    2, "failure_report_org");
	expect_error("[general]\nfailure_report_interval = 59\n", 2,
	    "failure_report_interval must be a number of seconds from 60");
	expect_error("[general]\nfailure_report_interval = 604801\n", 2,
	    "failure_report_interval");
	expect_error("[general]\nfailure_report_limit = 0\n", 2,
	    "failure_report_limit must be a number from 1 to 10000");
	expect_error("[general]\nfailure_report_limit = 10001\n", 2,
	    "failure_report_limit");
	expect_error("[general]\nfailure_report_state = spool/ruf\n", 2,
	    "failure_report_state must be an absolute path");
	expect_error("[general]\nfailure_report_state = /a\nfailure_report_"
		     "state = /b\n",
	    3, "'failure_report_state' is already set at line 2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reporturi_cases),
		cmocka_unit_test(test_reporturi_list),
		cmocka_unit_test(test_reporturi_prefixes),
		cmocka_unit_test(test_fo_parse),
		cmocka_unit_test(test_consider),
		cmocka_unit_test(test_is_automatic),
		cmocka_unit_test(test_redact_text),
		cmocka_unit_test(test_redact_field),
		cmocka_unit_test(test_redact_address),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_redact_prefixes),
		cmocka_unit_test(test_build_report),
		cmocka_unit_test(test_build_report_edges),
		cmocka_unit_test(test_identity_alignment),
		cmocka_unit_test(test_spf_dns),
		cmocka_unit_test(test_failed_aligned_sig),
		cmocka_unit_test(test_failed_aligned_derived),
		cmocka_unit_test(test_dkim_identity),
		cmocka_unit_test(test_psd_no_ruf),
		cmocka_unit_test(test_outcome_json),
		cmocka_unit_test(test_config_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
