/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_parsers.c: the untrusted-input parsers: From header values, DMARC
 * records, facts JSON, JSON string escaping. Each is also fed every
 * truncated prefix of its inputs, which must never crash or read past
 * the end (ASan checks this under `make check`).
 */
#include <jansson.h>

#include "helpers.h"
#include "log/logline.h"
#include "mail/dmarcrec.h"
#include "mail/fromhdr.h"
#include "util/sbuf.h"
#include "util/sha256.h"

struct from_case {
	const char *value;
	enum fromhdr_status status;
	const char *domain;
};

static const struct from_case from_cases[] = {
	{ "alice@example.com", FROMHDR_OK, "example.com" },
	{ "Alice <alice@example.com>", FROMHDR_OK, "example.com" },
	{ "\"Alice, Smith\" <alice@Example.COM.>", FROMHDR_OK, "example.com" },
	{ "alice@example.com (Alice (the) Admin)", FROMHDR_OK, "example.com" },
	{ "(c) Alice <alice@example.com>", FROMHDR_OK, "example.com" },
	{ "=?utf-8?q?J=C3=B6rg?= <j@example.de>", FROMHDR_OK, "example.de" },
	{ "J\xc3\xb6rg <j@example.de>", FROMHDR_OK, "example.de" },
	/* An obsolete route's domains are domains a reader may show
	 * (issue 15): one of another domain makes two authors. */
	{ "<@example.com,@Example.COM:alice@example.com>", FROMHDR_OK,
	    "example.com" },
	{ "<@route.example,@r2.example:alice@example.com>", FROMHDR_MULTIPLE,
	    NULL },
	{ "alice . smith @ example . com", FROMHDR_OK, "example.com" },
	{ "\"a@evil.example\" <alice@example.com>", FROMHDR_OK, "example.com" },
	{ "Team: a@example.com, b@example.com;", FROMHDR_OK, "example.com" },
	{ "a@example.com,\r\n b@EXAMPLE.com", FROMHDR_OK, "example.com" },
	{ "\"q\\\"uoted\"@example.com", FROMHDR_OK, "example.com" },
	{ "a@example.com, b@example.org", FROMHDR_MULTIPLE, NULL },
	{ "Team: a@example.com;, c@other.example", FROMHDR_MULTIPLE, NULL },
	{ "", FROMHDR_INVALID, NULL },
	{ "   ", FROMHDR_INVALID, NULL },
	{ "Alice", FROMHDR_INVALID, NULL },
	{ "undisclosed-recipients:;", FROMHDR_INVALID, NULL },
	{ "alice@", FROMHDR_INVALID, NULL },
	{ "@example.com", FROMHDR_OK, "example.com" },
	{ "a@b@example.com", FROMHDR_MULTIPLE, NULL },
	{ "alice@[192.0.2.1]", FROMHDR_INVALID, NULL },
	{ "alice@\"example.com\"", FROMHDR_INVALID, "example.com" },
	/* hostile.t findings: a quoted or escaped domain is malformed, but
	 * the domain a reader sees is still judged. */
	{ "alice@\"bank.example\"", FROMHDR_INVALID, "bank.example" },
	{ "<alice@\"bank\\.example\">", FROMHDR_INVALID, "bank.example" },
	{ "alice@bank\\.example", FROMHDR_INVALID, "bank.example" },
	{ "Alice <alice@bank\\.example>", FROMHDR_INVALID, "bank.example" },
	{ "alice@ba\\nk.example", FROMHDR_INVALID, "bank.example" },
	{ "alice@\"bank.example\", x@evil.example", FROMHDR_MULTIPLE, NULL },
	{ "alice@example.com Alice", FROMHDR_INVALID, "example.com" },
	{ "<alice@example.com> trailing", FROMHDR_INVALID, NULL },
	{ "Alice <alice@example.com", FROMHDR_INVALID, NULL },
	{ "Alice (unclosed <alice@example.com>", FROMHDR_INVALID, NULL },
	{ "\"unclosed <alice@example.com>", FROMHDR_INVALID, NULL },
	{ "alice@exa mple.com", FROMHDR_INVALID, NULL },
	{ "alice@-bad.example", FROMHDR_INVALID, NULL },
	{ "alice@x}}${run{/bin/sh}}.example", FROMHDR_INVALID, NULL },
	{ "alice@example.com\r\nBcc: x@y", FROMHDR_MULTIPLE, NULL },
	{ "a@b.example; c@d.example", FROMHDR_MULTIPLE, NULL },
	{ ") a@b.example", FROMHDR_INVALID, NULL },
	/* Review findings: the last of two addresses must not win. */
	{ "<ceo@bank.example> <x@evil.example>", FROMHDR_MULTIPLE, NULL },
	{ "\"CEO\" <ceo@bank.example> junk <x@evil.example>", FROMHDR_MULTIPLE,
	    NULL },
	{ "ceo@bank.example <x@evil.example>", FROMHDR_MULTIPLE, NULL },
	{ "<ceo@bank.example@evil.example>", FROMHDR_MULTIPLE, NULL },
	{ "x@evil.example; ceo@bank.example", FROMHDR_MULTIPLE, NULL },
	{ "<x@bank.example> <y@bank.example>", FROMHDR_INVALID,
	    "bank.example" },
	{ "ceo@bank.example;", FROMHDR_INVALID, "bank.example" },
	/* fuzz_fromhdr finding: a second trailing dot left an empty label. */
	{ "@a.x..", FROMHDR_INVALID, NULL },
	{ "a@example.com.", FROMHDR_OK, "example.com" },
};

static void
test_fromhdr_cases(void **state)
{
	struct fromhdr fh;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(from_cases) / sizeof(from_cases[0]); i++) {
		const struct from_case *c = &from_cases[i];

		fromhdr_parse(c->value, strlen(c->value), &fh);
		if (fh.status != c->status)
			fail_msg("'%s': status %d, want %d (%s)", c->value,
			    fh.status, c->status, fh.why);
		if (c->domain != NULL)
			assert_string_equal(fh.domain, c->domain);
		if (c->status != FROMHDR_OK)
			assert_true(fh.why[0] != '\0');
	}
}

static void
test_fromhdr_hostile(void **state)
{
	char *big = malloc(20000);
	struct fromhdr fh;
	size_t i;

	(void)state;
	/* Deep comment nesting is refused, not recursed into. */
	for (i = 0; i < 5000; i++)
		big[i] = '(';
	fromhdr_parse(big, 5000, &fh);
	assert_int_equal(fh.status, FROMHDR_INVALID);
	/* A 10 KB domain is invalid, not truncated into something valid. */
	memcpy(big, "a@", 2);
	for (i = 2; i < 10000; i++)
		big[i] = (i % 50 == 0) ? '.' : 'x';
	memcpy(big + 10000, ".example", 8);
	fromhdr_parse(big, 10008, &fh);
	assert_int_equal(fh.status, FROMHDR_INVALID);
	/* NUL inside the value. */
	fromhdr_parse("a@b.example\0x", 13, &fh);
	assert_int_equal(fh.status, FROMHDR_INVALID);
	free(big);
}

static void
test_fromhdr_prefixes(void **state)
{
	struct fromhdr fh;
	size_t i, n;
	char *copy;

	(void)state;
	for (i = 0; i < sizeof(from_cases) / sizeof(from_cases[0]); i++) {
		const char *v = from_cases[i].value;

		for (n = 0; n <= strlen(v); n++) {
			copy = malloc(n ? n : 1); /* exact size for ASan */
			memcpy(copy, v, n);
			fromhdr_parse(copy, n, &fh);
			assert_true(fh.status == FROMHDR_OK
			    || fh.status == FROMHDR_MULTIPLE
			    || fh.status == FROMHDR_INVALID);
			free(copy);
		}
	}
}

static void
test_dmarcrec(void **state)
{
	struct dmarcrec r;

	(void)state;
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject", &r), DMARCREC_OK);
	assert_int_equal(r.p, DMARC_P_REJECT);
	assert_int_equal(r.sp, DMARC_P_REJECT);
	assert_false(r.has_sp);
	assert_int_equal(r.pct, 100);
	assert_false(r.adkim_strict);
	assert_false(r.aspf_strict);
	assert_int_equal(
	    dmarcrec_parse(" v = DMARC1 ;p=Quarantine;sp=none;"
			   "adkim=s; aspf=s; pct=25; "
			   "rua=mailto:a@x.example; ruf=mailto:f@x;"
			   " fo=1; future=thing;",
		&r),
	    DMARCREC_OK);
	assert_int_equal(r.p, DMARC_P_QUARANTINE);
	assert_int_equal(r.sp, DMARC_P_NONE);
	assert_true(r.has_sp);
	assert_true(r.adkim_strict);
	assert_true(r.aspf_strict);
	assert_int_equal(r.pct, 25);
	assert_int_equal(r.rua_len, strlen("mailto:a@x.example"));
	assert_memory_equal(r.rua, "mailto:a@x.example", r.rua_len);
	assert_non_null(r.ruf);
	/* v= must come first and be exactly DMARC1. */
	assert_int_equal(dmarcrec_parse("p=reject; v=DMARC1", &r),
	    DMARCREC_NOT_DMARC);
	assert_int_equal(dmarcrec_parse("v=dmarc1; p=reject", &r),
	    DMARCREC_NOT_DMARC);
	assert_int_equal(dmarcrec_parse("v=DMARC10; p=reject", &r),
	    DMARCREC_NOT_DMARC);
	assert_int_equal(dmarcrec_parse("v=spf1 -all", &r), DMARCREC_NOT_DMARC);
	assert_int_equal(dmarcrec_parse("", &r), DMARCREC_NOT_DMARC);
	assert_int_equal(dmarcrec_parse("hello", &r), DMARCREC_NOT_DMARC);
	/* Broken policy records. */
	assert_int_equal(dmarcrec_parse("v=DMARC1", &r), DMARCREC_INVALID);
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=block", &r),
	    DMARCREC_INVALID);
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; sp=x", &r),
	    DMARCREC_INVALID);
	/* Bad optional values fall back to their defaults. */
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; pct=101", &r),
	    DMARCREC_OK);
	assert_int_equal(r.pct, 100);
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; pct=-1", &r),
	    DMARCREC_OK);
	assert_int_equal(r.pct, 100);
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; adkim=x", &r),
	    DMARCREC_OK);
	assert_false(r.adkim_strict);
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; aspf=", &r),
	    DMARCREC_OK);
	assert_int_equal(r.p, DMARC_P_REJECT);
	/* A syntax error is ignored (RFC 9989 4.8), never fatal. */
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; junk", &r),
	    DMARCREC_OK);
	assert_int_equal(r.p, DMARC_P_REJECT);
	assert_int_equal(dmarcrec_parse("V=DMARC1; junk; p=reject", &r),
	    DMARCREC_OK);
	/* Without a valid p=, a report address makes it p=none. */
	assert_int_equal(dmarcrec_parse("v=DMARC1; rua=mailto:r@x.example", &r),
	    DMARCREC_OK);
	assert_int_equal(r.p, DMARC_P_NONE);
	assert_false(r.has_p);
	/* D4: a missing p= with psd=y is p=none; with neither, unusable. */
	assert_int_equal(dmarcrec_parse("v=DMARC1; psd=y", &r), DMARCREC_OK);
	assert_int_equal(r.p, DMARC_P_NONE);
	assert_int_equal(r.psd, DMARC_PSD_Y);
	assert_int_equal(dmarcrec_parse("v=DMARC1; sp=reject", &r),
	    DMARCREC_INVALID);
	/* P6: a bad sp= or np= with a rua= reads p=none and drops both. */
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; sp=invalid; "
					"rua=mailto:rua@example.com",
			     &r),
	    DMARCREC_OK);
	assert_int_equal(r.p, DMARC_P_NONE);
	assert_int_equal(r.sp, DMARC_P_NONE);
	assert_true(r.policy_dropped);
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; np=bogus", &r),
	    DMARCREC_INVALID);
	assert_int_equal(r.psd, DMARC_PSD_U);
	/* An unusable record still says psd=, for the tree walk. */
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=bad; psd=n", &r),
	    DMARCREC_INVALID);
	assert_int_equal(r.psd, DMARC_PSD_N);
	/* np defaults to sp, sp to p; t and psd; a bad t is t=n. */
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=none; sp=quarantine", &r),
	    DMARCREC_OK);
	assert_int_equal(r.np, DMARC_P_QUARANTINE);
	assert_false(r.has_np);
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; np=none; t=y; "
					"psd=N; pct=0; rf=afrf; ri=3600",
			     &r),
	    DMARCREC_OK);
	assert_int_equal(r.np, DMARC_P_NONE);
	assert_true(r.has_np);
	assert_true(r.testing && r.has_t);
	assert_int_equal(r.psd, DMARC_PSD_N);
	assert_true(r.has_pct);
	assert_int_equal(r.pct, 0);
	assert_true(r.has_rf && r.has_ri);
	assert_int_equal(dmarcrec_parse("v=DMARC1; p=reject; t=maybe; psd=x",
			     &r),
	    DMARCREC_OK);
	assert_false(r.testing || r.has_t);
	assert_int_equal(r.psd, DMARC_PSD_U);
	assert_string_equal(dmarcrec_policy_name(DMARC_P_QUARANTINE),
	    "quarantine");
}

static void
test_dmarcrec_prefixes(void **state)
{
	static const char rec[] = "v=DMARC1; p=reject; sp=none; adkim=s; "
				  "pct=50; rua=mailto:a@b.example";
	struct dmarcrec r;
	size_t n;
	char *copy;

	(void)state;
	for (n = 0; n <= sizeof(rec) - 1; n++) {
		copy = malloc(n + 1);
		memcpy(copy, rec, n);
		copy[n] = '\0';
		(void)dmarcrec_parse(copy, &r);
		free(copy);
	}
}

static const char *const good_facts
    = "{\"id\":\"1abc-000001-XY\","
      "\"client\":{\"ip\":\"203.0.113.7\",\"helo\":\"mx.partner.example\","
      "\"authenticated\":false},"
      "\"mail_from\":\"bounce@partner.example\","
      "\"from\":[\"Alice <alice@partner.example>\"],"
      "\"spf\":{\"result\":\"pass\",\"domain\":\"partner.example\"},"
      "\"dkim\":[{\"d\":\"partner.example\",\"s\":\"sel1\",\"a\":\"rsa-sha256\","
      "\"bits\":2048,\"result\":\"pass\"}],"
      "\"arc\":{\"result\":\"pass\",\"instances\":[{\"i\":1,\"sealer\":"
      "\"google.com\",\"dmarc\":\"pass\"}]},"
      "\"dns\":{\"_dmarc.partner.example\":\"v=DMARC1; p=reject; adkim=r; "
      "aspf=r\",\"_dmarc.x.example\":\"temperror\",\"_dmarc.y.example\":[\"a\","
      "\"b\"]}}";

static void
test_facts_round_trip(void **state)
{
	struct arena arena;
	struct facts f, g;
	struct sbuf a, b;
	char err[256];

	(void)state;
	arena_init(&arena);
	sbuf_init(&a, 1 << 20);
	sbuf_init(&b, 1 << 20);
	assert_int_equal(facts_from_json(&f, &arena, good_facts,
			     strlen(good_facts), err, sizeof(err)),
	    0);
	assert_string_equal(f.id, "1abc-000001-XY");
	assert_string_equal(f.client_ip, "203.0.113.7");
	assert_int_equal(f.n_from, 1);
	assert_int_equal(f.spf, AG_SPFR_PASS);
	assert_int_equal(f.n_dkim, 1);
	assert_int_equal(f.dkim[0].bits, 2048);
	assert_int_equal(f.arc, AG_ARCR_PASS);
	assert_int_equal(f.n_arc, 1);
	assert_int_equal(f.arc_inst[0].dmarc, AG_DMARCR_PASS);
	assert_int_equal(f.n_dns, 3);
	assert_true(facts_dns_get(&f, "_dmarc.x.example")->temperror);
	assert_int_equal(facts_dns_get(&f, "_dmarc.y.example")->n_txt, 2);
	assert_null(facts_dns_get(&f, "_dmarc.z.example"));
	/* Written out and read back, the facts are the same bytes. */
	facts_to_json(&f, &a);
	assert_false(sbuf_failed(&a));
	assert_int_equal(facts_from_json(&g, &arena, sbuf_cstr(&a), a.len, err,
			     sizeof(err)),
	    0);
	facts_to_json(&g, &b);
	assert_string_equal(sbuf_cstr(&a), sbuf_cstr(&b));
	sbuf_free(&a);
	sbuf_free(&b);
	arena_free(&arena);
}

/* A TXT record that reads "temperror" is written so that it reads back
 * as that record, not as a DNS failure (replay would tempfail it). */
static void
test_facts_temperror_record(void **state)
{
	static const char json[]
	    = "{\"dns\":{\"_dmarc.x.example\":[\"temperror\"],"
	      "\"_dmarc.y.example\":\"temperror\"}}";
	struct arena arena;
	struct facts f, g;
	struct sbuf sb;
	char err[256];

	(void)state;
	arena_init(&arena);
	sbuf_init(&sb, 1 << 16);
	facts_ok(&f, &arena, json);
	facts_to_json(&f, &sb);
	assert_non_null(strstr(sbuf_cstr(&sb),
	    "\"_dmarc.x.example\":[\"temperror\"]"));
	assert_int_equal(facts_from_json(&g, &arena, sbuf_cstr(&sb), sb.len,
			     err, sizeof(err)),
	    0);
	assert_false(facts_dns_get(&g, "_dmarc.x.example")->temperror);
	assert_int_equal(facts_dns_get(&g, "_dmarc.x.example")->n_txt, 1);
	assert_true(facts_dns_get(&g, "_dmarc.y.example")->temperror);
	sbuf_free(&sb);
	arena_free(&arena);
}

static void
expect_facts_error(const char *json, const char *needle)
{
	struct arena arena;
	struct facts f;
	char err[256];

	arena_init(&arena);
	if (facts_from_json(&f, &arena, json, strlen(json), err, sizeof(err))
	    == 0)
		fail_msg("accepted: %s", json);
	if (strstr(err, needle) == NULL)
		fail_msg("error '%s' lacks '%s'", err, needle);
	arena_free(&arena);
}

static void
test_facts_errors(void **state)
{
	(void)state;
	expect_facts_error("", "line 1");
	expect_facts_error("[]", "facts: expected an object");
	expect_facts_error("{\"spf\":{\"result\":\"passed\"}}",
	    "spf.result: unknown SPF result");
	expect_facts_error("{\"dkm\":[]}", "unknown field \"dkm\"");
	expect_facts_error("{\"client\":{\"ip\":1}}", "client.ip: expected");
	expect_facts_error("{\"client\":{\"authenticated\":\"yes\"}}",
	    "client.authenticated");
	expect_facts_error("{\"from\":\"a@b\"}", "from: expected an array");
	expect_facts_error("{\"from\":[1]}", "from[0]: expected a string");
	expect_facts_error("{\"dkim\":[{\"d\":\"x\"}]}",
	    "dkim[0].result: missing");
	expect_facts_error("{\"dkim\":[{\"result\":\"pass\"}]}",
	    "dkim[0].d: missing");
	expect_facts_error("{\"dkim\":[{\"d\":\"x\",\"result\":\"ok\"}]}",
	    "unknown DKIM result");
	expect_facts_error(
	    "{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\",\"bits\":-1}]}",
	    "dkim[0].bits");
	expect_facts_error("{\"arc\":{\"result\":\"maybe\"}}",
	    "unknown ARC result");
	expect_facts_error(
	    "{\"arc\":{\"instances\":[{\"i\":1,\"sealer\":\"s\",\"dmarc\":\"x\"}]}}",
	    "unknown DMARC result");
	expect_facts_error("{\"arc\":{\"instances\":[{\"sealer\":\"s\"}]}}",
	    "arc.instances[0].i: missing");
	expect_facts_error("{\"dns\":{\"_dmarc.x\":5}}", "expected a TXT");
	expect_facts_error("{\"dns\":[]}", "dns: expected an object");
	expect_facts_error("{\"id\":\"a\",\"id\":\"b\"}", "duplicate");
	expect_facts_error("{\"from\":[\"a\\u0000b\"]}", "NUL");
}

static void
test_facts_limits(void **state)
{
	char *json = malloc(200000);
	size_t o = 0, i;

	(void)state;
	o += (size_t)sprintf(json, "{\"dkim\":[");
	for (i = 0; i <= FACTS_MAX_DKIM; i++)
		o += (size_t)sprintf(json + o,
		    "%s{\"d\":\"x\",\"result\":\"pass\"}", i ? "," : "");
	sprintf(json + o, "]}");
	expect_facts_error(json, "more than 64 signatures");
	o = (size_t)sprintf(json, "{\"from\":[\"");
	memset(json + o, 'a', FACTS_MAX_STRING + 1);
	o += FACTS_MAX_STRING + 1;
	sprintf(json + o, "\"]}");
	expect_facts_error(json, "longer than");
	/* More From headers than are kept still count as more than one. */
	o = (size_t)sprintf(json, "{\"from\":[");
	for (i = 0; i < 40; i++)
		o += (size_t)sprintf(json + o, "%s\"a@b.example\"",
		    i ? "," : "");
	sprintf(json + o, "]}");
	{
		struct arena arena;
		struct facts f;
		char err[256];

		arena_init(&arena);
		assert_int_equal(facts_from_json(&f, &arena, json, strlen(json),
				     err, sizeof(err)),
		    0);
		assert_int_equal(f.n_from, 40);
		arena_free(&arena);
	}
	free(json);
}

static void
test_facts_prefixes(void **state)
{
	struct arena arena;
	struct facts f;
	char err[256], *copy;
	size_t n, len = strlen(good_facts), ok = 0;

	(void)state;
	for (n = 0; n <= len; n++) {
		arena_init(&arena);
		copy = malloc(n ? n : 1);
		memcpy(copy, good_facts, n);
		if (facts_from_json(&f, &arena, copy, n, err, sizeof(err)) == 0)
			ok++;
		free(copy);
		arena_free(&arena);
	}
	assert_int_equal(ok, 1); /* only the whole text parses */
}

/* Escaped output must parse back to the same bytes when they are valid
 * UTF-8, and always parse. */
static void
test_json_escaping(void **state)
{
	static const char *const inputs[] = { "plain", "quote\" back\\slash",
		"ctl \x01\x1f\x7f", "nl\r\n tab\t", "caf\xc3\xa9 \xe2\x82\xac",
		"\xf0\x9f\x93\xa7 mail", "\u2028line" };
	struct sbuf sb;
	json_t *v;
	json_error_t jerr;
	size_t i;
	unsigned c;

	(void)state;
	sbuf_init(&sb, 1 << 16);
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		sbuf_reset(&sb);
		sbuf_json_str(&sb, inputs[i]);
		for (const char *p = sbuf_cstr(&sb); *p; p++)
			assert_true((unsigned char)*p >= 0x20
			    && (unsigned char)*p != 0x7f);
		v = json_loads(sbuf_cstr(&sb), JSON_DECODE_ANY, &jerr);
		assert_non_null(v);
		assert_string_equal(json_string_value(v), inputs[i]);
		json_decref(v);
	}
	/* Invalid UTF-8 and NUL come out as escapes and still parse. */
	sbuf_reset(&sb);
	sbuf_json_strn(&sb, "a\xff\xc3(\0\xed\xa0\x80z", 9);
	assert_string_equal(sbuf_cstr(&sb),
	    "\"a\\u00ff\\u00c3(\\u0000\\u00ed\\u00a0\\u0080z\"");
	v = json_loads(sbuf_cstr(&sb), JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	assert_non_null(v);
	json_decref(v);
	/* Every byte value, alone. */
	for (c = 0; c < 256; c++) {
		char b = (char)c;

		sbuf_reset(&sb);
		sbuf_json_strn(&sb, &b, 1);
		v = json_loads(sbuf_cstr(&sb), JSON_DECODE_ANY | JSON_ALLOW_NUL,
		    &jerr);
		assert_non_null(v);
		json_decref(v);
	}
	sbuf_json_str(&sb, NULL);
	sbuf_free(&sb);
}

static void
test_sbuf_cap(void **state)
{
	struct sbuf sb;

	(void)state;
	sbuf_init(&sb, 8);
	sbuf_puts(&sb, "1234");
	sbuf_printf(&sb, "%d", 5678);
	assert_false(sbuf_failed(&sb));
	assert_string_equal(sbuf_cstr(&sb), "12345678");
	sbuf_putc(&sb, '9');
	assert_true(sbuf_failed(&sb));
	assert_string_equal(sbuf_cstr(&sb), "");
	sbuf_reset(&sb);
	assert_false(sbuf_failed(&sb));
	sbuf_free(&sb);
}

/* FIPS 180-4 vectors around the padding edges (55, 56, 63, 64 bytes),
 * with digests from Python's hashlib. */
static void
test_sha256(void **state)
{
	static const struct {
		size_t n;
		const char *hex;
	} v[] = {
		{ 0,
		    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ 55,
		    "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56,
		    "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63,
		    "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64,
		    "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 119,
		    "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
		{ 1000,
		    "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3" },
	};
	char a[1000], hex[SHA256_HEX_LEN + 1];
	size_t i;

	(void)state;
	memset(a, 'a', sizeof(a));
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256_hex(a, v[i].n, hex);
		assert_string_equal(hex, v[i].hex);
	}
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Strings the module decides on are what the log line holds: valid
 * UTF-8 (U+FFFD for each stray byte), cut between sequences. */
static void
test_utf8_strndup(void **state)
{
	struct arena a;
	char *s;

	(void)state;
	arena_init(&a);
	s = utf8_strndup(&a, "bank.example", 12, 4096);
	assert_string_equal(s, "bank.example");
	s = utf8_strndup(&a, "x1\xff@nokey.example", 17, 4096);
	assert_string_equal(s, "x1\xef\xbf\xbd@nokey.example");
	s = utf8_strndup(&a,
	    "a\xc3\x28"
	    "b",
	    4, 4096);
	assert_string_equal(s,
	    "a\xef\xbf\xbd"
	    "(b");
	/* The cap falls between sequences, never inside one. */
	s = utf8_strndup(&a, "ab\xc3\xa4", 4, 3);
	assert_string_equal(s, "ab");
	s = utf8_strndup(&a, "ab\xff", 3, 4);
	assert_string_equal(s, "ab");
	s = utf8_strndup(&a, "\xff\xff", 2, 6);
	assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(strlen(utf8_strndup(&a, "\xff\xff\xff", 3, 4096)), 9);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fromhdr_cases),
		cmocka_unit_test(test_fromhdr_hostile),
		cmocka_unit_test(test_fromhdr_prefixes),
		cmocka_unit_test(test_dmarcrec),
		cmocka_unit_test(test_dmarcrec_prefixes),
		cmocka_unit_test(test_facts_round_trip),
		cmocka_unit_test(test_facts_temperror_record),
		cmocka_unit_test(test_facts_errors),
		cmocka_unit_test(test_facts_limits),
		cmocka_unit_test(test_facts_prefixes),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_sbuf_cap),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_utf8_strndup),
	};

	return cmocka_run_group_tests_name("parsers", tests, NULL, NULL);
}
