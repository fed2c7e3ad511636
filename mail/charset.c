/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * charset.c: MIME charsets to UTF-8 for the text of encoded words
 * (charset.h): byte by byte, so that a character split between two words
 * of one charset is joined as readers join it. The CJK tables hold only
 * what can spell an address; their positions are those of the WHATWG
 * Encoding Standard's indexes (Python's codecs agree for every one).
 */
#include <stdbool.h>
#include <string.h>

#include "mail/charset.h"

#define REPLACEMENT 0xfffd

struct alias {
	const char *name;
	enum charset_kind kind;
};

static const struct alias aliases[] = {
	{ "utf-8", CHARSET_UTF8 },
	{ "utf8", CHARSET_UTF8 },
	{ "unicode-1-1-utf-8", CHARSET_UTF8 },
	{ "ansi_x3.4-1968", CHARSET_WIN1252 },
	{ "ascii", CHARSET_WIN1252 },
	{ "us-ascii", CHARSET_WIN1252 },
	{ "cp1252", CHARSET_WIN1252 },
	{ "cp819", CHARSET_WIN1252 },
	{ "csisolatin1", CHARSET_WIN1252 },
	{ "ibm819", CHARSET_WIN1252 },
	{ "iso-8859-1", CHARSET_WIN1252 },
	{ "iso-ir-100", CHARSET_WIN1252 },
	{ "iso8859-1", CHARSET_WIN1252 },
	{ "iso88591", CHARSET_WIN1252 },
	{ "iso_8859-1", CHARSET_WIN1252 },
	{ "iso_8859-1:1987", CHARSET_WIN1252 },
	{ "l1", CHARSET_WIN1252 },
	{ "latin1", CHARSET_WIN1252 },
	{ "windows-1252", CHARSET_WIN1252 },
	{ "x-cp1252", CHARSET_WIN1252 },
	{ "utf-16", CHARSET_UTF16 },
	{ "unicode", CHARSET_UTF16 },
	{ "csunicode", CHARSET_UTF16 },
	{ "ucs-2", CHARSET_UTF16 },
	{ "iso-10646-ucs-2", CHARSET_UTF16 },
	{ "utf-16be", CHARSET_UTF16BE },
	{ "unicodefffe", CHARSET_UTF16BE },
	{ "utf-16le", CHARSET_UTF16LE },
	{ "unicodefeff", CHARSET_UTF16LE },
	{ "utf-32", CHARSET_UTF32 },
	{ "ucs-4", CHARSET_UTF32 },
	{ "iso-10646-ucs-4", CHARSET_UTF32 },
	{ "utf-32be", CHARSET_UTF32BE },
	{ "utf-32le", CHARSET_UTF32LE },
	{ "utf-7", CHARSET_UTF7 },
	{ "unicode-1-1-utf-7", CHARSET_UTF7 },
	{ "csunicode11utf7", CHARSET_UTF7 },
	{ "x-unicode-2-0-utf-7", CHARSET_UTF7 },
	{ "shift_jis", CHARSET_SJIS },
	{ "shift-jis", CHARSET_SJIS },
	{ "sjis", CHARSET_SJIS },
	{ "csshiftjis", CHARSET_SJIS },
	{ "ms932", CHARSET_SJIS },
	{ "ms_kanji", CHARSET_SJIS },
	{ "windows-31j", CHARSET_SJIS },
	{ "cp932", CHARSET_SJIS },
	{ "x-sjis", CHARSET_SJIS },
	{ "euc-jp", CHARSET_EUCJP },
	{ "eucjp", CHARSET_EUCJP },
	{ "x-euc-jp", CHARSET_EUCJP },
	{ "cseucpkdfmtjapanese", CHARSET_EUCJP },
	{ "iso-2022-jp", CHARSET_ISO2022JP },
	{ "csiso2022jp", CHARSET_ISO2022JP },
	{ "iso-2022-jp-1", CHARSET_ISO2022JP },
	{ "iso-2022-jp-2", CHARSET_ISO2022JP },
	{ "gbk", CHARSET_GBK },
	{ "gb2312", CHARSET_GBK },
	{ "gb_2312", CHARSET_GBK },
	{ "gb_2312-80", CHARSET_GBK },
	{ "gb18030", CHARSET_GBK },
	{ "chinese", CHARSET_GBK },
	{ "csgb2312", CHARSET_GBK },
	{ "csiso58gb231280", CHARSET_GBK },
	{ "iso-ir-58", CHARSET_GBK },
	{ "x-gbk", CHARSET_GBK },
	{ "cp936", CHARSET_GBK },
	{ "ms936", CHARSET_GBK },
	{ "windows-936", CHARSET_GBK },
	{ "euc-cn", CHARSET_GBK },
	{ "euccn", CHARSET_GBK },
	{ "euc-kr", CHARSET_EUCKR },
	{ "euckr", CHARSET_EUCKR },
	{ "cseuckr", CHARSET_EUCKR },
	{ "csksc56011987", CHARSET_EUCKR },
	{ "iso-ir-149", CHARSET_EUCKR },
	{ "korean", CHARSET_EUCKR },
	{ "ks_c_5601-1987", CHARSET_EUCKR },
	{ "ks_c_5601-1989", CHARSET_EUCKR },
	{ "ksc5601", CHARSET_EUCKR },
	{ "ksc_5601", CHARSET_EUCKR },
	{ "windows-949", CHARSET_EUCKR },
	{ "cp949", CHARSET_EUCKR },
	{ "uhc", CHARSET_EUCKR },
	{ "big5", CHARSET_BIG5 },
	{ "big5-hkscs", CHARSET_BIG5 },
	{ "cn-big5", CHARSET_BIG5 },
	{ "csbig5", CHARSET_BIG5 },
	{ "x-x-big5", CHARSET_BIG5 },
	{ "cp950", CHARSET_BIG5 },
};

/* windows-1252 0x80-0x9f; the rest of the high half is Latin-1. */
static const uint16_t win1252[32]
    = { 0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6,
	      0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090,
	      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
	      0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178 };

/* GB18030's four-byte sequences of the look-alikes of a full stop. */
static const struct {
	unsigned char b[4];
	uint16_t cp;
} gb4[] = {
	{ { 0x81, 0x30, 0xca, 0x31 }, 0x0387 },
	{ { 0x81, 0x30, 0xf2, 0x31 }, 0x0589 },
	{ { 0x81, 0x31, 0x89, 0x36 }, 0x0660 },
	{ { 0x81, 0x31, 0x95, 0x32 }, 0x06d4 },
	{ { 0x81, 0x31, 0x98, 0x30 }, 0x06f0 },
	{ { 0x81, 0x31, 0x99, 0x37 }, 0x0701 },
	{ { 0x81, 0x31, 0x99, 0x38 }, 0x0702 },
	{ { 0x81, 0x36, 0xa6, 0x31 }, 0x2022 },
	{ { 0x81, 0x36, 0xa6, 0x33 }, 0x2024 },
	{ { 0x81, 0x36, 0xa6, 0x34 }, 0x2027 },
	{ { 0x81, 0x36, 0xd3, 0x37 }, 0x2219 },
	{ { 0x81, 0x36, 0xe1, 0x36 }, 0x22c5 },
	{ { 0x81, 0x38, 0xf5, 0x39 }, 0x2e31 },
	{ { 0x81, 0x39, 0xa7, 0x39 }, 0x30fb },
	{ { 0x82, 0x36, 0x99, 0x35 }, 0xa4f8 },
	{ { 0x84, 0x31, 0x95, 0x37 }, 0xff61 },
	{ { 0x84, 0x31, 0x96, 0x31 }, 0xff65 },
};

enum charset_kind
charset_find(const char *name, size_t len)
{
	char low[24];
	size_t i;

	for (i = 0; i < len && name[i] != '*'; i++) {
		if (i + 1 >= sizeof(low))
			return CHARSET_OTHER;
		low[i]
		    = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] | 0x20 :
								name[i]);
	}
	low[i] = '\0';
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(low, aliases[i].name) == 0)
			return aliases[i].kind;
	return CHARSET_OTHER;
}

void
charset_start(struct charset_dec *d, enum charset_kind kind)
{
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	if (kind == CHARSET_UTF16LE || kind == CHARSET_UTF32LE)
		d->order = 1;
	else if (kind == CHARSET_UTF16BE || kind == CHARSET_UTF32BE)
		d->order = 2;
}

static size_t
put(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static bool
between(unsigned b, unsigned lo, unsigned hi)
{
	return b >= lo && b <= hi;
}

/* JIS X 0208 row and cell (0x21-0x7e each). */
static uint32_t
jis0208(unsigned j1, unsigned j2)
{
	if (j1 == 0x23
	    && (between(j2, 0x30, 0x39) || between(j2, 0x41, 0x5a)
		|| between(j2, 0x61, 0x7a)))
		return 0xff00 + j2 - 0x20; /* full-width digit or letter */
	if (j1 != 0x21)
		return 0;
	switch (j2) {
	case 0x23:
		return 0x3002;
	case 0x25:
		return 0xff0e;
	case 0x26:
		return 0x30fb;
	case 0x5d:
		return 0xff0d; /* windows-31j's reading of the minus */
	case 0x77:
		return 0xff20;
	default:
		return 0;
	}
}

/* GB2312 (GBK) and KS X 1001 (EUC-KR) share the full-width row. */
static uint32_t
gb_ks(unsigned l, unsigned t, bool gbk)
{
	if (l == 0xa3) {
		if (between(t, 0xb0, 0xb9) || between(t, 0xc1, 0xda)
		    || between(t, 0xe1, 0xfa))
			return 0xff00 + t - 0xa0;
		if (t == 0xc0)
			return 0xff20;
		if (t == 0xae)
			return 0xff0e;
		if (t == 0xad)
			return 0xff0d;
	}
	if (l == 0xa1 && t == 0xa3)
		return 0x3002;
	if (l == 0xa1 && t == 0xa4)
		return 0x00b7;
	if (gbk && l == 0xa9 && t == 0x71)
		return 0xfe52;
	if (gbk && l == 0xa9 && t == 0x88)
		return 0xfe6b;
	return 0;
}

static uint32_t
big5(unsigned l, unsigned t)
{
	static const uint16_t a1[][2]
	    = { { 0x43, 0x3002 }, { 0x44, 0xff0e }, { 0x45, 0x2027 },
		      { 0x4f, 0xfe52 }, { 0x50, 0x00b7 }, { 0xd0, 0xff0d } };
	size_t i;

	if (l == 0xa1)
		for (i = 0; i < sizeof(a1) / sizeof(a1[0]); i++)
			if (a1[i][0] == t)
				return a1[i][1];
	if (l == 0xa2) {
		if (t == 0x49)
			return 0xff20;
		if (t == 0x4e)
			return 0xfe6b;
		if (between(t, 0xaf, 0xb8))
			return 0xff10 + t - 0xaf;
		if (between(t, 0xcf, 0xe8))
			return 0xff21 + t - 0xcf;
		if (between(t, 0xe9, 0xfe))
			return 0xff41 + t - 0xe9;
	}
	if (l == 0xa3 && between(t, 0x40, 0x43))
		return 0xff57 + t - 0x40;
	return 0;
}

static uint32_t
gb18030_four(const unsigned char *b)
{
	size_t i;

	for (i = 0; i < sizeof(gb4) / sizeof(gb4[0]); i++)
		if (memcmp(gb4[i].b, b, 4) == 0)
			return gb4[i].cp;
	return 0;
}

static int
b64(unsigned b)
{
	if (between(b, 'A', 'Z'))
		return (int)(b - 'A');
	if (between(b, 'a', 'z'))
		return (int)(b - 'a' + 26);
	if (between(b, '0', '9'))
		return (int)(b - '0' + 52);
	if (b == '+')
		return 62;
	if (b == '/')
		return 63;
	return -1;
}

/* One UTF-16 code unit; returns the bytes written. */
static size_t
unit16(struct charset_dec *d, uint32_t u, char *out)
{
	size_t o = 0;

	if (d->high != 0) {
		if (between(u, 0xdc00, 0xdfff)) {
			o = put(out,
			    0x10000 + ((d->high - 0xd800) << 10)
				+ (u - 0xdc00));
			d->high = 0;
			return o;
		}
		d->high = 0;
		o = put(out, REPLACEMENT);
	}
	if (between(u, 0xd800, 0xdbff))
		d->high = u;
	else
		o += put(out + o, between(u, 0xdc00, 0xdfff) ? REPLACEMENT : u);
	return o;
}

/* The byte order of UTF-16 or UTF-32 without a mark: the one in which
 * the text's ASCII shows (a NUL before or after it). */
static void
guess_order(struct charset_dec *d, const unsigned char *p, size_t n)
{
	size_t i, w = d->kind == CHARSET_UTF16 ? 2 : 4;

	d->order = 1;
	if (n >= w
	    && ((w == 2 && p[0] == 0xfe && p[1] == 0xff)
		|| (w == 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xfe
		    && p[3] == 0xff))) {
		d->order = 2;
		return;
	}
	for (i = 0; i < n; i++) {
		if (w == 2 && p[i] == 0) {
			d->order = i % 2 == 0 ? 2 : 1;
			return;
		}
		if (w == 4 && p[i] != 0) {
			d->order = i % 4 == 3 ? 2 : 1;
			return;
		}
	}
}

/* A unit of UTF-16 or UTF-32 from its held bytes. */
static size_t
wide(struct charset_dec *d, char *out)
{
	const unsigned char *h = d->held;
	uint32_t u;

	if (d->nheld == 2) {
		u = d->order == 2 ? (uint32_t)h[0] << 8 | h[1] :
				    (uint32_t)h[1] << 8 | h[0];
		d->nheld = 0;
		return unit16(d, u, out);
	}
	u = d->order == 2 ? (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16
		| (uint32_t)h[2] << 8 | h[3] :
			    (uint32_t)h[3] << 24 | (uint32_t)h[2] << 16
		| (uint32_t)h[1] << 8 | h[0];
	d->nheld = 0;
	return put(out,
	    u > 0x10ffff || between(u, 0xd800, 0xdfff) ? REPLACEMENT : u);
}

static size_t
utf7(struct charset_dec *d, unsigned b, char *out)
{
	size_t o = 0;
	int v;

	if (d->mode == 0) {
		if (b == '+') {
			d->mode = 1;
			d->bits = 0;
			d->nbits = 0;
			return 0;
		}
		return put(out, b < 0x80 ? b : REPLACEMENT);
	}
	if ((v = b64(b)) >= 0) {
		d->mode = 2;
		d->bits = (d->bits << 6 | (uint32_t)v) & 0x3fffff;
		d->nbits += 6;
		if (d->nbits >= 16) {
			d->nbits -= 16;
			o = unit16(d, (d->bits >> d->nbits) & 0xffff, out);
		}
		return o;
	}
	if (d->mode == 1 && b == '-') {
		d->mode = 0;
		return put(out, '+');
	}
	d->mode = 0;
	if (d->high != 0) {
		d->high = 0;
		o = put(out, REPLACEMENT);
	}
	if (b == '-')
		return o;
	return o + utf7(d, b, out + o);
}

/* ISO-2022-JP's escape sequences and the set each selects. */
static const struct {
	const char *seq;
	int mode;
} escapes[] = { { "\x1b(B", 0 }, { "\x1b(J", 0 }, { "\x1b(I", 2 },
	{ "\x1b$@", 1 }, { "\x1b$B", 1 }, { "\x1b$(B", 1 }, { "\x1b$A", 3 },
	{ "\x1b$(C", 4 }, { "\x1b$(D", 5 } };

static size_t
iso2022jp_escape(struct charset_dec *d, char *out)
{
	size_t i, n;
	bool prefix = false;

	for (i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		n = strlen(escapes[i].seq);
		if (n < d->nheld
		    || memcmp(escapes[i].seq, d->held, d->nheld) != 0)
			continue;
		if (n == d->nheld) {
			d->mode = escapes[i].mode;
			d->nheld = 0;
			return 0;
		}
		prefix = true;
	}
	if (prefix)
		return 0;
	d->nheld = 0;
	return put(out, REPLACEMENT);
}

static uint32_t
iso2022jp_pair(int mode, unsigned l, unsigned t)
{
	switch (mode) {
	case 1:
		return jis0208(l, t);
	case 3:
		return gb_ks(l | 0x80, t | 0x80, true);
	case 4:
		return gb_ks(l | 0x80, t | 0x80, false);
	default:
		return 0;
	}
}

/* One byte of a multi-byte or stateful charset; returns bytes written.
 * A byte that cannot continue the held ones ends them as U+FFFD and is
 * read again on its own. */
static size_t
multi(struct charset_dec *d, unsigned b, char *out)
{
	unsigned l = d->held[0];
	uint32_t c;
	size_t o;

	if (d->kind == CHARSET_ISO2022JP
	    && (b == 0x1b || (d->nheld > 0 && l == 0x1b))) {
		if (d->nheld > 0 && l != 0x1b) { /* a lead byte, cut */
			d->nheld = 0;
			o = put(out, REPLACEMENT);
			return o + multi(d, b, out + o);
		}
		d->held[d->nheld++] = (unsigned char)b;
		return iso2022jp_escape(d, out);
	}
	if (d->nheld == 0) {
		if (b < 0x80
		    && (d->kind != CHARSET_ISO2022JP || d->mode == 0
			|| !between(b, 0x21, 0x7e)))
			return put(out, b);
		switch (d->kind) {
		case CHARSET_SJIS:
			if (between(b, 0xa1, 0xdf))
				return put(out, 0xff61 + b - 0xa1);
			if (!between(b, 0x81, 0x9f) && !between(b, 0xe0, 0xfc))
				return put(out, REPLACEMENT);
			break;
		case CHARSET_EUCJP:
			if (b != 0x8e && b != 0x8f && !between(b, 0xa1, 0xfe))
				return put(out, REPLACEMENT);
			break;
		case CHARSET_ISO2022JP:
			if (b >= 0x80)
				return put(out, REPLACEMENT);
			if (d->mode == 2)
				return put(out,
				    b <= 0x5f ? 0xff61 + b - 0x21 :
						REPLACEMENT);
			break;
		case CHARSET_GBK:
			if (b == 0x80)
				return put(out, 0x20ac);
			if (!between(b, 0x81, 0xfe))
				return put(out, REPLACEMENT);
			break;
		case CHARSET_EUCKR:
		case CHARSET_BIG5:
			if (!between(b, 0x81, 0xfe))
				return put(out, REPLACEMENT);
			break;
		case CHARSET_UTF8:
		case CHARSET_WIN1252:
		case CHARSET_UTF16:
		case CHARSET_UTF16BE:
		case CHARSET_UTF16LE:
		case CHARSET_UTF32:
		case CHARSET_UTF32BE:
		case CHARSET_UTF32LE:
		case CHARSET_UTF7:
		case CHARSET_OTHER:
			return put(out, REPLACEMENT);
		}
		d->held[d->nheld++] = (unsigned char)b;
		return 0;
	}
	c = 0;
	switch (d->kind) {
	case CHARSET_SJIS:
		if (!between(b, 0x40, 0x7e) && !between(b, 0x80, 0xfc))
			goto cut;
		c = jis0208(((l - (l < 0xa0 ? 0x70u : 0xb0u)) << 1)
			- (b < 0x9f),
		    b - (b < 0x9f ? (b > 0x7f ? 0x20u : 0x1fu) : 0x7eu));
		break;
	case CHARSET_EUCJP:
		if (!between(b, 0xa1, l == 0x8e ? 0xdf : 0xfe))
			goto cut;
		if (l == 0x8f && d->nheld == 1) {
			d->held[d->nheld++] = (unsigned char)b;
			return 0;
		}
		if (l == 0x8e)
			c = 0xff61 + b - 0xa1;
		else if (l != 0x8f)
			c = jis0208(l - 0x80, b - 0x80);
		break;
	case CHARSET_ISO2022JP:
		if (!between(b, 0x21, 0x7e))
			goto cut;
		c = iso2022jp_pair(d->mode, l, b);
		break;
	case CHARSET_GBK:
		if (d->nheld == 1 && between(b, 0x30, 0x39)) {
			d->held[d->nheld++] = (unsigned char)b;
			return 0;
		}
		if (d->nheld == 2) {
			if (!between(b, 0x81, 0xfe))
				goto cut;
			d->held[d->nheld++] = (unsigned char)b;
			return 0;
		}
		if (d->nheld == 3) {
			if (!between(b, 0x30, 0x39))
				goto cut;
			d->held[3] = (unsigned char)b;
			c = gb18030_four(d->held);
			break;
		}
		if (!between(b, 0x40, 0x7e) && !between(b, 0x80, 0xfe))
			goto cut;
		c = gb_ks(l, b, true);
		break;
	case CHARSET_EUCKR:
		if (!between(b, 0x41, 0x5a) && !between(b, 0x61, 0x7a)
		    && !between(b, 0x81, 0xfe))
			goto cut;
		c = gb_ks(l, b, false);
		break;
	case CHARSET_BIG5:
		if (!between(b, 0x40, 0x7e) && !between(b, 0xa1, 0xfe))
			goto cut;
		c = big5(l, b);
		break;
	case CHARSET_UTF8:
	case CHARSET_WIN1252:
	case CHARSET_UTF16:
	case CHARSET_UTF16BE:
	case CHARSET_UTF16LE:
	case CHARSET_UTF32:
	case CHARSET_UTF32BE:
	case CHARSET_UTF32LE:
	case CHARSET_UTF7:
	case CHARSET_OTHER:
		break;
	}
	d->nheld = 0;
	return put(out, c != 0 ? c : REPLACEMENT);
cut:
	d->nheld = 0;
	o = put(out, REPLACEMENT);
	return o + multi(d, b, out + o);
}

size_t
charset_decode(struct charset_dec *d, const char *in_bytes, size_t n, char *out)
{
	const unsigned char *p = (const unsigned char *)in_bytes;
	size_t i = 0, o = 0, w;

	switch (d->kind) {
	case CHARSET_UTF8:
		memcpy(out, in_bytes, n);
		return n;
	case CHARSET_OTHER:
	case CHARSET_WIN1252:
		for (i = 0; i < n; i++) {
			if (p[i] < 0x80)
				out[o++] = (char)p[i];
			else if (d->kind == CHARSET_OTHER)
				o += put(out + o, REPLACEMENT);
			else
				o += put(out + o,
				    p[i] < 0xa0 ? win1252[p[i] - 0x80] : p[i]);
		}
		return o;
	case CHARSET_UTF16:
	case CHARSET_UTF16BE:
	case CHARSET_UTF16LE:
	case CHARSET_UTF32:
	case CHARSET_UTF32BE:
	case CHARSET_UTF32LE:
		w = d->kind == CHARSET_UTF16 || d->kind == CHARSET_UTF16BE
			|| d->kind == CHARSET_UTF16LE ?
		    2 :
		    4;
		if (d->order == 0 && n > 0)
			guess_order(d, p, n);
		for (i = 0; i < n; i++) {
			d->held[d->nheld++] = p[i];
			if (d->nheld == w)
				o += wide(d, out + o);
		}
		return o;
	case CHARSET_UTF7:
		for (i = 0; i < n; i++)
			o += utf7(d, p[i], out + o);
		return o;
	case CHARSET_SJIS:
	case CHARSET_EUCJP:
	case CHARSET_ISO2022JP:
	case CHARSET_GBK:
	case CHARSET_EUCKR:
	case CHARSET_BIG5:
		for (i = 0; i < n; i++)
			o += multi(d, p[i], out + o);
		return o;
	}
	return o;
}

size_t
charset_end(struct charset_dec *d, char *out)
{
	size_t o = 0;

	if (d->nheld > 0 || d->high != 0)
		o = put(out, REPLACEMENT);
	charset_start(d, d->kind);
	return o;
}
