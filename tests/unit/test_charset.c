/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_charset.c: MIME charsets to UTF-8 (mail/charset.h), as readers
 * convert the text of encoded words: every decoder on what can spell an
 * address (the expected code points are Python's codecs' and windows-950's
 * readings), incomplete and invalid sequences, characters split between
 * calls (fed byte by byte: the same text, but for the byte order of
 * "utf-16" and "utf-32", guessed from the first call's bytes), and the
 * output bound.
 */
#include "helpers.h"

#include "mail/charset.h"

struct vec {
	const char *charset;
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *out;
};

static const struct vec vecs[] = {
	{ "utf-8", "ceo\xef\xbc\xa0", 0, "ceo\xef\xbc\xa0" },
	{ "UTF-8*en", "a\xff", 0, "a\xff" }, /* as it is: domcanon reads it */
	{ "iso-8859-1", "b\xfc\xad", 0, "b\xc3\xbc\xc2\xad" },
	{ "us-ascii", "\x80\x95", 0, "\xe2\x82\xac\xe2\x80\xa2" },
	{ "windows-1252", "\x9f", 0, "\xc5\xb8" },
	{ "x-unknown", "a@\xfc", 0, "a@\xef\xbf\xbd" },
	{ "iso-8859-5", "\xb7", 0, "\xef\xbf\xbd" },
	/* UTF-16: a mark, or the order in which ASCII shows. */
	{ "utf-16", "\xfe\xff\0@", 4, "\xef\xbb\xbf@" },
	{ "utf-16", "\xff\xfe@\0", 4, "\xef\xbb\xbf@" },
	{ "utf-16", "\0c\0@", 4, "c@" },
	{ "utf-16", "c\0@\0", 4, "c@" },
	{ "utf-16", "\x20\xff", 2, "\xef\xbc\xa0" },
	{ "utf-16be", "\xd8\x3d\xde\x00", 4, "\xf0\x9f\x98\x80" },
	{ "utf-16le", "\x3d\xd8@\0", 4, "\xef\xbf\xbd@" },
	{ "utf-16le", "\x00\xdc@\0", 4, "\xef\xbf\xbd@" },
	{ "utf-16le", "@\0@", 3, "@\xef\xbf\xbd" },
	{ "utf-32", "@\0\0\0", 4, "@" },
	{ "utf-32", "\0\0\0@", 4, "@" },
	{ "utf-32le", "\0\0\x11\0", 4, "\xef\xbf\xbd" },
	/* UTF-7. */
	{ "utf-7", "a+AEA-b", 0, "a@b" },
	{ "utf-7", "a+-b", 0, "a+b" },
	{ "utf-7", "+AEA.x", 0, "@.x" },
	{ "UNICODE-1-1-UTF-7", "+/yA-", 0, "\xef\xbc\xa0" },
	{ "utf-7", "+2D3eAA-", 0, "\xf0\x9f\x98\x80" },
	{ "utf-7", "\xfc", 0, "\xef\xbf\xbd" },
	/* Shift_JIS: '＠', '．', '。', '・', 'ｂ', '｡', then one not kept. */
	{ "shift_jis", "\x81\x97\x81\x44\x81\x42\x81\x45\x82\x82\xa1\x82\xa0",
	    0,
	    "\xef\xbc\xa0\xef\xbc\x8e\xe3\x80\x82\xe3\x83\xbb\xef\xbd\x82"
	    "\xef\xbd\xa1\xef\xbf\xbd" },
	{ "cp932", "\x81\x7c", 0, "\xef\xbc\x8d" },
	{ "shift_jis", "\x81 ", 0, "\xef\xbf\xbd " },
	{ "shift_jis", "\x81", 0, "\xef\xbf\xbd" },
	/* EUC-JP. */
	{ "euc-jp", "\xa1\xf7\xa3\xe2\x8e\xa1\x8f\xa1\xa1", 0,
	    "\xef\xbc\xa0\xef\xbd\x82\xef\xbd\xa1\xef\xbf\xbd" },
	/* ISO-2022-JP: the sets its escapes select. */
	{ "iso-2022-jp", "\x1b$B!w#b\x1b(B@\x1b(I!\x1b(J.", 0,
	    "\xef\xbc\xa0\xef\xbd\x82@\xef\xbd\xa1." },
	{ "iso-2022-jp", "\x1b$B0@\x1b(B", 0, "\xef\xbf\xbd" },
	{ "iso-2022-jp", "\x1b(Z@", 0, "\xef\xbf\xbd@" },
	{ "iso-2022-jp-2", "\x1b$A#@\x1b$(C#@\x1b(B", 0,
	    "\xef\xbc\xa0\xef\xbc\xa0" },
	/* GBK, GB2312, GB18030. */
	{ "gbk", "\xa3\xc0\xa3\xae\xa1\xa4\xa9\x88\xa9\x71\x80", 0,
	    "\xef\xbc\xa0\xef\xbc\x8e\xc2\xb7\xef\xb9\xab\xef\xb9\x92"
	    "\xe2\x82\xac" },
	{ "gb18030", "\x84\x31\x95\x37\x81\x39\xa7\x39\x81\x30\x81\x30", 0,
	    "\xef\xbd\xa1\xe3\x83\xbb\xef\xbf\xbd" },
	{ "gb2312", "\x84\x31\x95", 0, "\xef\xbf\xbd" },
	{ "gb2312", "\x84\x31@", 0, "\xef\xbf\xbd@" },
	/* EUC-KR, and Big5 (A145: windows-950's U+2027). */
	{ "ks_c_5601-1987", "\xa3\xc0\xa1\xa4\xa3\xe2\xb0\xa1", 0,
	    "\xef\xbc\xa0\xc2\xb7\xef\xbd\x82\xef\xbf\xbd" },
	{ "big5", "\xa2\x49\xa2\x4e\xa1\x45\xa1\x43\xa3\x43\xa2\xfe\xa4\x40", 0,
	    "\xef\xbc\xa0\xef\xb9\xab\xe2\x80\xa7\xe3\x80\x82\xef\xbd\x9a"
	    "\xef\xbd\x96\xef\xbf\xbd" },
};

static size_t
convert(const char *cs, const char *in, size_t len, bool bytewise, char *out)
{
	struct charset_dec d;
	size_t i, o = 0;

	charset_start(&d, charset_find(cs, strlen(cs)));
	if (bytewise)
		for (i = 0; i < len; i++)
			o += charset_decode(&d, in + i, 1, out + o);
	else
		o = charset_decode(&d, in, len, out);
	o += charset_end(&d, out + o);
	out[o] = '\0';
	return o;
}

/* Each vector whole and byte by byte: a character split between two
 * encoded words reads as one. */
static void
test_vectors(void **state)
{
	char out[CHARSET_OUT_MAX(64)];
	size_t i, len;
	int bytewise;

	(void)state;
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		len = vecs[i].len ? vecs[i].len : strlen(vecs[i].in);
		for (bytewise = 0; bytewise < 2; bytewise++) {
			if (bytewise
			    && (strcmp(vecs[i].charset, "utf-16") == 0
				|| strcmp(vecs[i].charset, "utf-32") == 0))
				continue;
			convert(vecs[i].charset, vecs[i].in, len, bytewise,
			    out);
			if (strcmp(out, vecs[i].out) != 0)
				fail_msg("%s vector %zu%s: got '%s'",
				    vecs[i].charset, i,
				    bytewise ? " byte by byte" : "", out);
		}
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(charset_find("UTF-8", 5), CHARSET_UTF8);
	assert_int_equal(charset_find("utf-8*en-us", 11), CHARSET_UTF8);
	assert_int_equal(charset_find("Shift_JIS", 9), CHARSET_SJIS);
	assert_int_equal(charset_find("ISO-8859-1", 10), CHARSET_WIN1252);
	assert_int_equal(charset_find("UTF-16", 6), CHARSET_UTF16);
	assert_int_equal(charset_find("Big5-HKSCS", 10), CHARSET_BIG5);
	assert_int_equal(charset_find("utf-8x", 6), CHARSET_OTHER);
	assert_int_equal(charset_find("", 0), CHARSET_OTHER);
	assert_int_equal(charset_find("a-very-long-charset-name-indeed", 31),
	    CHARSET_OTHER);
}

/* Whatever the bytes, the output stays within CHARSET_OUT_MAX and is
 * the same fed whole or byte by byte. */
static void
test_bound(void **state)
{
	static const char *const names[] = { "utf-8", "latin1", "utf-16",
		"utf-16be", "utf-32", "utf-7", "shift_jis", "euc-jp",
		"iso-2022-jp", "gb18030", "euc-kr", "big5", "other" };
	char in[48], whole[CHARSET_OUT_MAX(48) + 1],
	    bytes[CHARSET_OUT_MAX(48) * 2];
	uint32_t seed = 12345;
	size_t i, j, k, n, m;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (j = 0; j < 2000; j++) {
			n = j % sizeof(in);
			for (k = 0; k < n; k++) {
				seed = seed * 1103515245 + 12345;
				in[k] = (char)(seed >> 16);
				if (j % 3 == 0)
					in[k] = "\x1b$(B@+-\x81\xa1\0"[k % 11];
			}
			m = convert(names[i], in, n, false, whole);
			assert_true(m <= CHARSET_OUT_MAX(n));
			if (strcmp(names[i], "utf-16") == 0
			    || strcmp(names[i], "utf-32") == 0)
				continue;
			convert(names[i], in, n, true, bytes);
			assert_memory_equal(whole, bytes, m + 1);
		}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bound),
	};

	return cmocka_run_group_tests_name("charset", tests, NULL, NULL);
}
