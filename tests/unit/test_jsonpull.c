/*
 * test_jsonpull.c: the pull JSON reader (policy/jsonpull.c): RFC 8259
 * texts accepted and refused, escapes and surrogates, UTF-8, numbers,
 * depth, duplicates, every truncated prefix, error positions.
 */
#include "../../policy/jsonpull.h"
#include "helpers.h"

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
	};

	return cmocka_run_group_tests_name("jsonpull", tests, NULL, NULL);
}
