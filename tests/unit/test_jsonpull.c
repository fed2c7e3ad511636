/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_jsonpull.c: the pull JSON reader (policy/jsonpull.c) and the facts
 * reader built on it: RFC 8259 texts accepted and refused, escapes and
 * surrogates, UTF-8, numbers, depth, duplicates, every truncated prefix,
 * error positions, the facts limits and paths, allocation failures, and
 * replay's whole-line reading.
 */
#include "helpers.h"
#include "log/logline.h"
#include "log/replay.h"
#include "util/jsonpull.h"

/* Reads text to its end, skipping the root value (duplicate names
 * refused). Returns 0, or -1 with the error in err. */
static int
read_all(const char *text, size_t len, char *err, size_t errsz)
{
	struct jsonpull j;
	struct arena arena;
	int rc;

	arena_init(&arena);
	jsonpull_init(&j, text, len, err, errsz);
	rc = jsonpull_skip(&j, jsonpull_next(&j), &arena);
	if (rc == 0 && jsonpull_next(&j) != JSONPULL_END)
		rc = -1;
	/* After the end or an error, the reader stays there. */
	assert_int_equal(jsonpull_next(&j),
	    rc == 0 ? JSONPULL_END : JSONPULL_ERROR);
	arena_free(&arena);
	return rc;
}

static void
expect_json(const char *text)
{
	char err[256];

	if (read_all(text, strlen(text), err, sizeof(err)) != 0)
		fail_msg("refused %s: %s", text, err);
}

static void
expect_not_json(const char *text, const char *needle)
{
	char err[256];

	if (read_all(text, strlen(text), err, sizeof(err)) == 0)
		fail_msg("accepted: %s", text);
	if (strncmp(err, "line ", 5) != 0 || strstr(err, needle) == NULL)
		fail_msg("%s: error '%s' lacks '%s'", text, err, needle);
}

static void
test_grammar(void **state)
{
	static const char *const good[] = { "{}", "[]", "0", "\"\"", "true",
		"false", "null", " \t\r\n{ \"a\" : [ 1 , 2 ] }\n ",
		"{\"a\":{\"b\":[{},[],\"\",0,-0,true,false,null]}}",
		"[\"\x7f\"]", "\"/\"" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		expect_json(good[i]);
	expect_not_json("", "ends before a value");
	expect_not_json("   ", "ends before a value");
	expect_not_json("{} x", "nothing after the value");
	expect_not_json("{}{}", "nothing after the value");
	expect_not_json("[1,]", "expected a value");
	expect_not_json("{\"a\":1,}", "expected a string key");
	expect_not_json("{\"a\" 1}", "':'");
	expect_not_json("{\"a\":1 \"b\":2}", "',' or '}'");
	expect_not_json("[1 2]", "',' or ']'");
	expect_not_json("[1}", "',' or ']'");
	expect_not_json("{\"a\":1]", "',' or '}'");
	expect_not_json("{1:2}", "string key");
	expect_not_json("{\"a\"", "ends inside an object");
	expect_not_json("[", "ends inside an array");
	expect_not_json("tru", "expected a value");
	expect_not_json("True", "expected a value");
	expect_not_json("nul", "expected a value");
	expect_not_json("'a'", "expected a value");
	expect_not_json("\xef\xbb\xbf{}", "byte 0xef"); /* no BOM */
	expect_not_json("{\f}", "byte 0x0c");		/* not JSON space */
	expect_not_json("[\v]", "byte 0x0b");
	{
		char err[256];

		assert_int_equal(read_all("{}\0", 3, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "byte 0x00"));
		assert_int_equal(read_all("[1\0]", 4, err, sizeof(err)), -1);
		assert_int_equal(read_all("[true\0]", 7, err, sizeof(err)), -1);
	}
}

static void
test_numbers(void **state)
{
	static const struct {
		const char *text;
		bool integer;
	} good[] = { { "0", true }, { "-0", true }, { "123", true },
		{ "-9223372036854775809", true }, { "1.5", false },
		{ "-0.0", false }, { "1e5", false }, { "1E+5", false },
		{ "1e-5", false }, { "-12.5e3", false },
		{ "123456789012345678901234567890", true } };
	static const char *const bad[] = { "01", "-01", "-", "+1", "1.", ".5",
		"1e", "1e+", "--1", "0x10", "1.e5", "Infinity", "NaN", "- 1" };
	struct jsonpull j;
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		jsonpull_init(&j, good[i].text, strlen(good[i].text), err,
		    sizeof(err));
		assert_int_equal(jsonpull_next(&j), JSONPULL_NUMBER);
		assert_int_equal(j.integer, good[i].integer);
		assert_int_equal(j.raw_len, strlen(good[i].text));
		assert_int_equal(jsonpull_next(&j), JSONPULL_END);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (read_all(bad[i], strlen(bad[i]), err, sizeof(err)) == 0)
			fail_msg("accepted number %s", bad[i]);
}

/* The one string in text, decoded: copy, prefix and is agree. */
static void
string_decodes(const char *text, const char *want, size_t want_len)
{
	struct jsonpull j;
	struct arena arena;
	char err[256], small[4];
	char *s;

	arena_init(&arena);
	jsonpull_init(&j, text, strlen(text), err, sizeof(err));
	if (jsonpull_next(&j) != JSONPULL_STRING)
		fail_msg("%s: %s", text, err);
	assert_int_equal(j.len, want_len);
	s = jsonpull_copy(&j, &arena);
	assert_non_null(s);
	assert_memory_equal(s, want, want_len);
	assert_int_equal(s[want_len], '\0');
	assert_true(jsonpull_is(&j, want));
	assert_int_equal(jsonpull_prefix(&j, small, sizeof(small)), want_len);
	assert_int_equal(strlen(small), want_len < 3 ? want_len : 3);
	assert_memory_equal(small, want, strlen(small));
	assert_int_equal(jsonpull_next(&j), JSONPULL_END);
	arena_free(&arena);
}

static void
test_escapes(void **state)
{
	(void)state;
	string_decodes("\"plain\"", "plain", 5);
	string_decodes("\"\"", "", 0);
	string_decodes("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t", 8);
	string_decodes("\"caf\\u00e9\"", "caf\xc3\xa9", 5);
	string_decodes("\"caf\\u00E9\"", "caf\xc3\xa9", 5);
	string_decodes("\"\\u20ac\"", "\xe2\x82\xac", 3);
	string_decodes("\"\\u0041\\u007f\\u0001\"", "A\x7f\x01", 3);
	string_decodes("\"\\ud83d\\udce7 mail\"", "\xf0\x9f\x93\xa7 mail", 9);
	string_decodes("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf", 4);
	string_decodes("\"\\uffff\"", "\xef\xbf\xbf", 3);
	string_decodes("\"caf\xc3\xa9 \xf0\x9f\x93\xa7\"",
	    "caf\xc3\xa9 \xf0\x9f\x93\xa7", 10);
	string_decodes("\"a\\nb\\u00e9c\"",
	    "a\nb\xc3\xa9"
	    "c",
	    6);
	expect_not_json("\"\\x\"", "invalid escape");
	expect_not_json("\"\\U0041\"", "invalid escape");
	expect_not_json("\"\\u12\"", "four hex digits");
	expect_not_json("\"\\u12g4\"", "four hex digits");
	expect_not_json("\"\\", "not closed");
	expect_not_json("\"\\u00", "four hex digits");
	expect_not_json("\"abc", "not closed");
	expect_not_json("\"\\u0000\"", "NUL");
	expect_not_json("{\"\\u0000\":1}", "NUL");
}

static void
test_surrogates(void **state)
{
	(void)state;
	expect_not_json("\"\\ud800\"", "lone surrogate \\uD800");
	expect_not_json("\"\\udc00\"", "lone surrogate \\uDC00");
	expect_not_json("\"\\udfff\\ud800\"", "lone surrogate \\uDFFF");
	expect_not_json("\"\\ud800\\u0041\"", "lone surrogate");
	expect_not_json("\"\\ud800\\ud800\"", "lone surrogate");
	expect_not_json("\"\\ud800x\"", "lone surrogate");
	expect_not_json("\"\\ud800\\n\"", "lone surrogate");
	expect_not_json("\"\\ud800\\udc0\"", "lone surrogate");
	expect_not_json("\"\\ud800", "lone surrogate");
}

static void
test_utf8(void **state)
{
	static const char *const bad[] = {
		"\"\x80\"",		    /* a continuation byte alone */
		"\"\xbf\"", "\"\xc0\x80\"", /* overlong NUL */
		"\"\xc1\xbf\"",		    /* overlong */
		"\"\xe0\x80\x80\"",	    /* overlong */
		"\"\xe0\x9f\xbf\"",	    /* overlong */
		"\"\xf0\x80\x80\x80\"",	    /* overlong */
		"\"\xed\xa0\x80\"",	    /* a surrogate, encoded */
		"\"\xed\xbf\xbf\"", "\"\xf4\x90\x80\x80\"", /* past U+10FFFF */
		"\"\xf5\x80\x80\x80\"",
		"\"\xf8\x88\x80\x80\x80\"", /* five bytes */
		"\"\xff\"", "\"\xc3\"",	    /* cut short by the quote */
		"\"\xe2\x82\"",		    /* cut short */
		"\"\xc3\x28\"",		    /* not a continuation */
		"\xc3\xa9",		    /* outside a string */
		"{\"caf\xc3\":1}",	    /* in a key */
	};
	size_t i;
	char err[256];

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (read_all(bad[i], strlen(bad[i]), err, sizeof(err)) == 0)
			fail_msg("accepted invalid UTF-8 #%zu", i);
	expect_not_json("\"\xed\xa0\x80\"", "invalid UTF-8 (byte 0xed)");
	/* The edges of each length are fine. */
	expect_json("[\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\"]");
	expect_json(
	    "[\"\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\xed\x9f\xbf\xee\x80\x80\"]");
	/* Control bytes must be escaped; DEL need not be. */
	expect_not_json("\"a\nb\"", "control byte 0x0a");
	expect_not_json("\"a\tb\"", "control byte 0x09");
	expect_not_json("\"\x01\"", "control byte 0x01");
	expect_not_json("\"\x1f\"", "control byte 0x1f");
	assert_int_equal(read_all("\"a\0b\"", 5, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "control byte 0x00"));
	expect_json("\"\x7f\"");
}

static void
test_depth(void **state)
{
	char text[2 * JSONPULL_MAX_DEPTH + 8], err[256];
	size_t n = JSONPULL_MAX_DEPTH, big = 1000000, i;
	char *deep;

	(void)state;
	memset(text, '[', n);
	memset(text + n, ']', n);
	assert_int_equal(read_all(text, 2 * n, err, sizeof(err)), 0);
	memset(text, '[', n + 1);
	memset(text + n + 1, ']', n + 1);
	assert_int_equal(read_all(text, 2 * n + 2, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nested deeper than 32"));
	/* Objects count too. */
	{
		char *obj = malloc(8 * (n + 1) + 8);
		size_t o = 0;

		for (i = 0; i <= n; i++)
			o += (size_t)sprintf(obj + o, "{\"a\":");
		obj[o++] = '1';
		for (i = 0; i <= n; i++)
			obj[o++] = '}';
		assert_int_equal(read_all(obj, o, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "nested deeper"));
		free(obj);
	}
	/* A megabyte of '[' fails at the limit, without recursion. */
	deep = malloc(big);
	memset(deep, '[', big);
	assert_int_equal(read_all(deep, big, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 1 column 33: nested deeper"));
	free(deep);
}

static void
test_duplicates(void **state)
{
	char *text = malloc(20 * 20000 + 16), err[256];
	size_t o = 0, i;

	(void)state;
	expect_not_json("{\"a\":1,\"a\":2}", "duplicate key \"a\"");
	expect_not_json("{\"a\":1,\"\\u0061\":2}", "duplicate key \"a\"");
	expect_not_json("{\"\\u00e9\":1,\"\xc3\xa9\":2}", "duplicate key");
	expect_not_json("[{\"x\":{\"a\":1,\"b\":2,\"a\":3}}]", "duplicate");
	expect_not_json("{\"\":1,\"\":2}", "duplicate key \"\"");
	/* The same name in different objects is fine. */
	expect_json("{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}");
	expect_json("{\"a\":1,\"A\":2,\"a \":3,\"\\u00e9\":4,\"e\":5}");
	/* Many names: a hash set, not a quadratic search. */
	text[o++] = '{';
	for (i = 0; i < 20000; i++)
		o += (size_t)sprintf(text + o, "%s\"k%zu\":%zu", i ? "," : "",
		    i, i);
	text[o++] = '}';
	assert_int_equal(read_all(text, o, err, sizeof(err)), 0);
	o--;
	o += (size_t)sprintf(text + o, ",\"k12345\":0}");
	assert_int_equal(read_all(text, o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "duplicate key \"k12345\""));
	free(text);
}

static void
test_positions(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(read_all("{\n  \"a\": x}", 11, err, sizeof(err)), -1);
	assert_string_equal(err, "line 2 column 8: expected a value, not 'x'");
	assert_int_equal(read_all("[1,\n2,\n\"\\q\"]", 12, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "line 3 column 2: invalid escape in a string");
	/* A short error buffer is cut, never overrun. */
	{
		char tiny[8];
		struct jsonpull j;

		jsonpull_init(&j, "x", 1, tiny, sizeof(tiny));
		assert_int_equal(jsonpull_next(&j), JSONPULL_ERROR);
		assert_string_equal(tiny, "line 1 ");
		jsonpull_init(&j, "x", 1, NULL, 0);
		assert_int_equal(jsonpull_next(&j), JSONPULL_ERROR);
	}
}

/* A text with every kind of token; each prefix is not JSON (and must not
 * be read past its end: ASan), the whole is. */
static void
test_prefixes(void **state)
{
	static const char text[]
	    = "{\"a\":[1,-2.5e+3,true,false,null],\"caf\\u00e9\":"
	      "\"\\ud83d\\udce7 \xe2\x82\xac\\n\",\"o\":{\"\":{}},\"z\":[[]]}";
	size_t n, len = strlen(text);
	char err[256], *copy;

	(void)state;
	for (n = 0; n < len; n++) {
		copy = malloc(n ? n : 1);
		memcpy(copy, text, n);
		if (read_all(copy, n, err, sizeof(err)) == 0)
			fail_msg("prefix of %zu bytes accepted", n);
		free(copy);
	}
	assert_int_equal(read_all(text, len, err, sizeof(err)), 0);
}

static void
expect_facts_error(const char *json, size_t len, const char *needle)
{
	struct arena arena;
	struct facts f;
	char err[512]; /* a dns path alone may take 263 bytes */

	arena_init(&arena);
	if (facts_from_json(&f, &arena, json, len, err, sizeof(err)) == 0)
		fail_msg("accepted: %.*s", (int)len, json);
	if (strstr(err, needle) == NULL)
		fail_msg("%.*s: error '%s' lacks '%s'", (int)len, json, err,
		    needle);
	arena_free(&arena);
}

static void
expect_facts_refused(const char *json, const char *needle)
{
	expect_facts_error(json, strlen(json), needle);
}

static void
test_facts_strict(void **state)
{
	struct arena arena;
	struct facts f;

	(void)state;
	/* not JSON, whatever the facts would have been */
	expect_facts_refused("{\"id\":\"a\"} x", "line 1 column 12");
	expect_facts_refused("{\"id\":\"a\"}{}", "nothing after the value");
	expect_facts_refused("{\"id\":\"\\ud800\"}", "lone surrogate");
	expect_facts_refused("{\"id\":\"a\xff\"}", "invalid UTF-8");
	expect_facts_refused("{\"id\":\"a\x01\"}", "control byte");
	expect_facts_error("{\"id\":\"a\0b\"}", 12, "control byte 0x00");
	expect_facts_refused("{\"from\":[\"a\\u0000b\"]}", "NUL");
	expect_facts_refused("{\"from\":[\"a\",]}", "line 1");
	/* repeated keys, in every object */
	expect_facts_refused("{\"id\":\"a\",\"id\":\"b\"}",
	    "facts: duplicate key \"id\"");
	expect_facts_refused("{\"id\":\"a\",\"\\u0069d\":\"b\"}",
	    "facts: duplicate key \"id\"");
	expect_facts_refused("{\"client\":{\"ip\":null,\"ip\":null}}",
	    "client: duplicate key \"ip\"");
	expect_facts_refused(
	    "{\"spf\":{\"result\":\"pass\",\"result\":\"fail\"}}",
	    "spf: duplicate key \"result\"");
	expect_facts_refused(
	    "{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\",\"d\":\"y\"}]}",
	    "dkim[0]: duplicate key \"d\"");
	expect_facts_refused(
	    "{\"arc\":{\"result\":\"none\",\"result\":\"none\"}}",
	    "arc: duplicate key \"result\"");
	expect_facts_refused(
	    "{\"arc\":{\"instances\":[{\"i\":1,\"sealer\":\"s\","
	    "\"i\":2}]}}",
	    "arc.instances[0]: duplicate key \"i\"");
	expect_facts_refused(
	    "{\"dns\":{\"_dmarc.x\":\"a\",\"_dmarc.x\":\"b\"}}",
	    "dns: duplicate key \"_dmarc.x\"");
	expect_facts_refused(
	    "{\"dns\":{\"_dmarc.x\":\"a\",\"_dmarc.\\u0078\":\"b\"}}",
	    "dns: duplicate key \"_dmarc.x\"");
	/* unknown keys, where they were refused before */
	expect_facts_refused("{\"client\":{\"port\":25}}",
	    "client: unknown field \"port\"");
	expect_facts_refused("{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\","
			     "\"h\":\"from\"}]}",
	    "dkim[0]: unknown field \"h\"");
	expect_facts_refused("{\"arc\":{\"instances\":[{\"cv\":\"pass\"}]}}",
	    "arc.instances[0]: unknown field \"cv\"");
	expect_facts_refused("{\"caf\\u00e9\":1}",
	    "unknown field \"caf\xc3\xa9\"");
	/* wrong types at depth: refused at the outer value */
	expect_facts_refused("{\"from\":[[[[[[[[]]]]]]]]}",
	    "from[0]: expected a string");
	expect_facts_refused("{\"dns\":{\"x\":[[\"a\"]]}}",
	    "dns.\"x\": expected a string");
	expect_facts_refused("{\"dns\":{\"x\":{}}}", "expected a TXT string");
	expect_facts_refused("{\"dns\":{\"x\":null}}", "expected a TXT string");
	expect_facts_refused("{\"client\":[]}", "client: expected an object");
	expect_facts_refused("{\"arc\":{\"instances\":{}}}",
	    "arc.instances: expected an array");
	expect_facts_refused("{\"dkim\":{}}", "dkim: expected an array");
	expect_facts_refused("{\"mail_from\":false}",
	    "mail_from: expected a string");
	expect_facts_refused("null", "facts: expected an object");
	expect_facts_refused("\"facts\"", "facts: expected an object");
	/* result words: escapes decode, long ones are unknown */
	arena_init(&arena);
	facts_ok(&f, &arena, "{\"spf\":{\"result\":\"p\\u0061ss\"}}");
	assert_int_equal(f.spf, AG_SPFR_PASS);
	arena_free(&arena);
	expect_facts_refused("{\"spf\":{\"result\":\"passpasspasspasspasspass"
			     "passpasspasspasspasspass\"}}",
	    "unknown SPF result \"passpasspasspasspasspasspasspass\"");
}

static void
test_facts_numbers(void **state)
{
	static const char *const bits_bad[] = { "1048577", "-1",
		"99999999999999999999", "-99999999999999999999",
		"18446744073709551616", "4294967296" };
	char json[256];
	struct arena arena;
	struct facts f;
	size_t i;

	(void)state;
	arena_init(&arena);
	facts_ok(&f, &arena,
	    "{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\",\"bits\":1048576},"
	    "{\"d\":\"x\",\"result\":\"pass\",\"bits\":-0},"
	    "{\"d\":\"x\",\"result\":\"pass\",\"bits\":null}],"
	    "\"arc\":{\"instances\":[{\"i\":50,\"sealer\":\"s\"},"
	    "{\"i\":0,\"sealer\":\"s\"}]}}");
	assert_int_equal(f.dkim[0].bits, 1048576);
	assert_int_equal(f.dkim[1].bits, 0);
	assert_int_equal(f.dkim[2].bits, 0);
	assert_int_equal(f.arc_inst[0].i, 50);
	arena_free(&arena);
	for (i = 0; i < sizeof(bits_bad) / sizeof(bits_bad[0]); i++) {
		snprintf(json, sizeof(json),
		    "{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\",\"bits\":%s}]}",
		    bits_bad[i]);
		expect_facts_refused(json, "is outside 0-1048576");
		expect_facts_refused(json, bits_bad[i]);
	}
	expect_facts_refused(
	    "{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\",\"bits\":2048.0}]}",
	    "dkim[0].bits: expected a whole number");
	expect_facts_refused(
	    "{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\",\"bits\":2e3}]}",
	    "expected a whole number");
	expect_facts_refused(
	    "{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\",\"bits\":1e400}]}",
	    "expected a whole number");
	expect_facts_refused(
	    "{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\",\"bits\":\"2048\"}]}",
	    "expected a whole number");
	expect_facts_refused(
	    "{\"dkim\":[{\"d\":\"x\",\"result\":\"pass\",\"bits\":02048}]}",
	    "leading zero");
	expect_facts_refused("{\"arc\":{\"instances\":[{\"i\":51,\"sealer\":"
			     "\"s\"}]}}",
	    "arc.instances[0].i: 51 is outside 0-50");
	expect_facts_refused("{\"arc\":{\"instances\":[{\"i\":true,\"sealer\":"
			     "\"s\"}]}}",
	    "arc.instances[0].i: expected a whole number");
}

static void
test_facts_limits_exact(void **state)
{
	char *json = malloc(400000);
	struct arena arena;
	struct facts f;
	size_t o, i;

	(void)state;
	/* FACTS_MAX_STRING decoded bytes, written with escapes. */
	o = (size_t)sprintf(json, "{\"id\":\"");
	for (i = 0; i < FACTS_MAX_STRING / 2; i++)
		o += (size_t)sprintf(json + o, "\\u00e9");
	sprintf(json + o, "\"}");
	arena_init(&arena);
	facts_ok(&f, &arena, json);
	assert_int_equal(strlen(f.id), FACTS_MAX_STRING);
	assert_memory_equal(f.id, "\xc3\xa9\xc3\xa9", 4);
	arena_free(&arena);
	sprintf(json + o, "x\"}");
	expect_facts_refused(json, "id: longer than 4096 bytes");
	/* FACTS_MAX_DNS names of 8 records each; one more of either is
	 * refused. */
	o = (size_t)sprintf(json, "{\"dns\":{");
	for (i = 0; i < FACTS_MAX_DNS; i++)
		o += (size_t)sprintf(json + o,
		    "%s\"n%zu\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\","
		    "\"8\"]",
		    i ? "," : "", i);
	sprintf(json + o, "}}");
	arena_init(&arena);
	facts_ok(&f, &arena, json);
	assert_int_equal(f.n_dns, FACTS_MAX_DNS);
	assert_int_equal(f.dns[7].n_txt, FACTS_MAX_TXT);
	arena_free(&arena);
	sprintf(json + o, ",\"n%d\":\"x\"}}", FACTS_MAX_DNS);
	{
		char want[64];

		snprintf(want, sizeof(want), "dns: more than %d names",
		    FACTS_MAX_DNS);
		expect_facts_refused(json, want);
	}
	expect_facts_refused("{\"dns\":{\"x\":[\"1\",\"2\",\"3\",\"4\",\"5\","
			     "\"6\",\"7\",\"8\",\"9\"]}}",
	    "dns.\"x\": more than 8 records");
	/* A name of FACTS_MAX_DNS_NAME bytes is fine, one more too long. */
	o = (size_t)sprintf(json, "{\"dns\":{\"");
	memset(json + o, 'a', FACTS_MAX_DNS_NAME);
	o += FACTS_MAX_DNS_NAME;
	sprintf(json + o, "\":\"temperror\"}}");
	arena_init(&arena);
	facts_ok(&f, &arena, json);
	assert_true(f.dns[0].temperror);
	arena_free(&arena);
	sprintf(json + o, "a\":\"temperror\"}}");
	expect_facts_refused(json, "name too long");
	/* 50 ARC instances, not 51. */
	o = (size_t)sprintf(json, "{\"arc\":{\"instances\":[");
	for (i = 0; i < FACTS_MAX_ARC; i++)
		o += (size_t)sprintf(json + o, "%s{\"i\":%zu,\"sealer\":\"s\"}",
		    i ? "," : "", i + 1);
	sprintf(json + o, "]}}");
	arena_init(&arena);
	facts_ok(&f, &arena, json);
	assert_int_equal(f.n_arc, FACTS_MAX_ARC);
	arena_free(&arena);
	sprintf(json + o, ",{\"i\":1,\"sealer\":\"s\"}]}}");
	expect_facts_refused(json, "arc.instances: more than 50 instances");
	/* From headers past the kept ones are counted, and must be strings
	 * like the others. */
	o = (size_t)sprintf(json, "{\"from\":[");
	for (i = 0; i < 20; i++)
		o += (size_t)sprintf(json + o, "%s\"a%zu@b.example\"",
		    i ? "," : "", i);
	sprintf(json + o, "]}");
	arena_init(&arena);
	facts_ok(&f, &arena, json);
	assert_int_equal(f.n_from, 20);
	assert_string_equal(f.from[FACTS_MAX_FROM - 1], "a15@b.example");
	arena_free(&arena);
	sprintf(json + o, ",5]}");
	expect_facts_refused(json, "from[20]: expected a string");
	sprintf(json + o, ",{\"a\":1}]}");
	expect_facts_refused(json, "from[20]: expected a string");
	free(json);
}

/* Every allocation of a facts read failing in turn: an error, never a
 * crash or a half-read success. */
static void
test_facts_out_of_memory(void **state)
{
	static const char json[]
	    = "{\"id\":\"m\\u00e9\",\"client\":{\"ip\":\"192.0.2.1\",\"helo\":"
	      "\"h\"},\"mail_from\":\"a@b.example\",\"from\":[\"a@b.example\"],"
	      "\"spf\":{\"result\":\"pass\",\"domain\":\"b.example\"},"
	      "\"dkim\":[{\"d\":\"b.example\",\"s\":\"s\",\"a\":\"rsa-sha256\","
	      "\"bits\":2048,\"result\":\"pass\"}],\"arc\":{\"result\":"
	      "\"none\",\"instances\":[{\"i\":1,\"sealer\":\"s\"}]},"
	      "\"dns\":{\"_dmarc.b.example\":\"v=DMARC1; p=none\"}}";
	struct arena arena;
	struct facts f;
	char err[256];
	unsigned long n, total;

	(void)state;
	ag_fault_fail_nth(0);
	arena_init(&arena);
	assert_int_equal(facts_from_json(&f, &arena, json, strlen(json), err,
			     sizeof(err)),
	    0);
	total = ag_fault_count();
	arena_free(&arena);
	assert_true(total >= 1);
	for (n = 1; n <= total; n++) {
		arena_init(&arena);
		ag_fault_fail_nth(n);
		assert_int_equal(facts_from_json(&f, &arena, json, strlen(json),
				     err, sizeof(err)),
		    -1);
		assert_non_null(strstr(err, "out of memory"));
		arena_free(&arena);
	}
	ag_fault_fail_nth(0);
}

/* replay_line on lines not laid out as authgate writes them: the whole
 * line is read, and must be JSON throughout. */
static void
test_replay_whole_line(void **state)
{
	static const char *const policy_text = "[general]\n";
	struct policy *p = load_ok(policy_text);
	struct replay_entry *e = malloc(sizeof(*e));
	struct arena arena;
	char err[256];
	static const char facts[]
	    = "{\"id\":\"m1\",\"from\":[\"a@b.example\"],\"spf\":{\"result\":"
	      "\"fail\",\"domain\":\"b.example\"}}";
	char line[1024];

	(void)state;
	assert_non_null(e);
	arena_init(&arena);
	snprintf(line, sizeof(line),
	    " {\"facts\":%s,\"ts\":\"T\",\"decision\":{\"note\":{\"x\":[1,2]},"
	    "\"class\":\"spf.fail\",\"action\":\"reject\"},\"id\":\"m1\"}",
	    facts);
	assert_int_equal(replay_line(p, line, strlen(line), &arena, e, err,
			     sizeof(err)),
	    0);
	assert_int_equal(e->line.action, AG_REJECT);
	assert_string_equal(e->line.cls, "spf.fail");
	assert_string_equal(e->line.id, "m1");
	assert_string_equal(e->line.ts, "T");
	assert_int_equal(e->now.action, AG_REJECT);
	/* Duplicates anywhere in the line, trailing garbage, bad escapes. */
	snprintf(line, sizeof(line),
	    "{\"facts\":%s,\"decision\":{\"action\":\"reject\",\"note\":{\"x\":1,"
	    "\"x\":2}}}",
	    facts);
	assert_int_equal(replay_line(p, line, strlen(line), &arena, e, err,
			     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not JSON: line 1"));
	assert_non_null(strstr(err, "duplicate key \"x\""));
	snprintf(line, sizeof(line),
	    "{\"facts\":%s,\"decision\":{\"action\":\"reject\"},\"facts\":{}}",
	    facts);
	assert_int_equal(replay_line(p, line, strlen(line), &arena, e, err,
			     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "duplicate key \"facts\""));
	snprintf(line, sizeof(line),
	    "{\"facts\":%s,\"decision\":{\"action\":\"reject\"}}}", facts);
	assert_int_equal(replay_line(p, line, strlen(line), &arena, e, err,
			     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "not JSON"));
	/* Not authgate's, or no facts. */
	snprintf(line, sizeof(line),
	    "[{\"decision\":{\"action\":\"reject\"}}]");
	assert_int_equal(replay_line(p, line, strlen(line), &arena, e, err,
			     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "no decision.action"));
	snprintf(line, sizeof(line),
	    "{\"facts\":%s,\"decision\":{\"action\":\"maybe\"}}", facts);
	assert_int_equal(replay_line(p, line, strlen(line), &arena, e, err,
			     sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "no decision.action"));
	snprintf(line, sizeof(line), "{\"decision\":{\"action\":\"tag\"}}");
	assert_int_equal(replay_line(p, line, strlen(line), &arena, e, err,
			     sizeof(err)),
	    -1);
	assert_string_equal(err, "facts: expected an object");
	snprintf(line, sizeof(line),
	    "{\"decision\":{\"action\":\"tag\"},\"facts\":{\"spf\":1}}");
	assert_int_equal(replay_line(p, line, strlen(line), &arena, e, err,
			     sizeof(err)),
	    -1);
	assert_string_equal(err, "spf: expected an object");
	arena_free(&arena);
	policy_free(p);
	free(e);
}

/* A line as authgate writes it, with its facts broken: the fast path
 * gives up and the whole-line reading names the problem. */
static void
test_replay_fast_path_fallback(void **state)
{
	struct policy *p = load_ok("[general]\n");
	struct replay_entry *e = malloc(sizeof(*e));
	struct arena arena;
	char err[256];
	static const char bad[]
	    = "{\"v\":1,\"ts\":\"T\",\"host\":\"h\",\"id\":\"m\",\"decision\":{"
	      "\"action\":\"accept\",\"class\":\"none\"},\"facts\":{\"dkim\":"
	      "[{\"d\":\"x\"}]}}";

	(void)state;
	assert_non_null(e);
	arena_init(&arena);
	assert_int_equal(replay_line(p, bad, strlen(bad), &arena, e, err,
			     sizeof(err)),
	    -1);
	assert_string_equal(err, "dkim[0].result: missing");
	arena_free(&arena);
	policy_free(p);
	free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_surrogates),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_facts_strict),
		cmocka_unit_test(test_facts_numbers),
		cmocka_unit_test(test_facts_limits_exact),
		cmocka_unit_test(test_facts_out_of_memory),
		cmocka_unit_test(test_replay_whole_line),
		cmocka_unit_test(test_replay_fast_path_fallback),
	};

	return cmocka_run_group_tests_name("jsonpull", tests, NULL, NULL);
}
