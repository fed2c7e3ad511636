/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * domcanon.c: domains in their one canonical form (domcanon.h). ASCII
 * names without A-labels, nearly every name in practice, take
 * domain_normalize() alone; anything else goes through libidn2, and what
 * libidn2 refuses is read again as a reader would see it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <idn2.h>

#include "mail/domcanon.h"

/* Bytes of a name handed to libidn2: a longer one is read as a reader
 * sees it, whose visible part must fit. */
#define CANON_MAX_INPUT 1024

static const char *const status_names[] = {
	[DOMCANON_OK] = "ok",
	[DOMCANON_SEEN] = "seen",
	[DOMCANON_INVALID] = "invalid",
};

const char *
domcanon_status_name(enum domcanon_status status)
{
	return status_names[status];
}

/* Tells whether b is a byte of a host name as written in ASCII. */
static bool
ldh_or_dot(unsigned char b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
	    || (b >= '0' && b <= '9') || b == '-' || b == '.';
}

/* Tells whether an ASCII name has a label starting "xn--" (any case). */
static bool
has_alabel(const char *in, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++)
		if ((i == 0 || in[i - 1] == '.')
		    && (in[i] == 'x' || in[i] == 'X')
		    && (in[i + 1] == 'n' || in[i + 1] == 'N')
		    && in[i + 2] == '-' && in[i + 3] == '-')
			return true;
	return false;
}

/* Decodes one UTF-8 sequence at p (n bytes left) into *cp; returns its
 * length, or 0 for a byte that starts no valid sequence (overlong forms,
 * surrogates and values past U+10FFFF included). */
static size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t v;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		v = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		v = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		v = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff)))
	    || (len == 4 && (v < 0x10000 || v > 0x10ffff)))
		return 0;
	*cp = v;
	return len;
}

#define IDN_FLAGS \
	(IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL | IDN2_USE_STD3_ASCII_RULES)

/* A label libidn2 refused for a hyphen in its third and fourth places
 * (IDNA2008's rule, which DNS does not have: "ab--cd" exists), mapped
 * code point by code point; only a label that maps to ASCII is the same
 * name however it was spelled. Appends it to out at *o; 0, or -1. */
static int
hyphen_label(const char *label, size_t len, char *out, size_t *o)
{
	const unsigned char *p = (const unsigned char *)label;
	char buf[8];
	char *ascii = NULL;
	size_t i = 0, n, m;
	uint32_t cp;

	while (i < len) {
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0)
			return -1;
		if (cp < 0x80) {
			if (*o >= CANON_MAX_INPUT)
				return -1;
			out[(*o)++]
			    = (char)(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' :
							      cp);
			i += n;
			continue;
		}
		/* Behind a letter, so that a mark or a hyphen alone is not
		 * refused for where it stands. */
		buf[0] = 'a';
		memcpy(buf + 1, p + i, n);
		buf[n + 1] = '\0';
		if (idn2_to_ascii_8z(buf, &ascii, IDN_FLAGS) != IDN2_OK)
			return -1;
		m = strlen(ascii);
		if (strncmp(ascii, "xn--", 4) == 0 || m == 0
		    || *o + m - 1 > CANON_MAX_INPUT) {
			idn2_free(ascii);
			return -1;
		}
		memcpy(out + *o, ascii + 1, m - 1);
		*o += m - 1;
		idn2_free(ascii);
		i += n;
	}
	return 0;
}

/* The name mapped label by label, for a name libidn2 refused whole for
 * the hyphen rule of IDNA2008, which DNS does not have. */
static int
by_labels(const char *in, size_t len, char *mapped)
{
	char buf[CANON_MAX_INPUT + 1];
	char *ascii = NULL;
	size_t start = 0, end, o = 0, n;
	int rc;

	while (start <= len) {
		for (end = start; end < len && in[end] != '.'; end++)
			;
		memcpy(buf, in + start, end - start);
		buf[end - start] = '\0';
		rc = idn2_to_ascii_8z(buf, &ascii, IDN_FLAGS);
		if (rc == IDN2_2HYPHEN) {
			if (hyphen_label(in + start, end - start, mapped, &o)
			    != 0)
				return -1;
		} else if (rc != IDN2_OK) {
			return -1;
		} else {
			n = strlen(ascii);
			if (o + n > CANON_MAX_INPUT) {
				idn2_free(ascii);
				return -1;
			}
			memcpy(mapped + o, ascii, n);
			o += n;
			idn2_free(ascii);
		}
		if (end == len)
			break;
		mapped[o++] = '.';
		start = end + 1;
	}
	mapped[o] = '\0';
	return 0;
}

/* UTS #46 and IDNA2008 through libidn2, then the length and hyphen rules
 * of domain_normalize on the result: 0, or -1 with err set. libidn2
 * drops some ASCII (an underscore) silently, so only names whose ASCII is
 * letters, digits, hyphens and dots are given to it. */
static int
convert(const char *in, size_t len, char *out, char *err, size_t errsz)
{
	char buf[CANON_MAX_INPUT + 1], mapped[CANON_MAX_INPUT + 1];
	char *ascii = NULL;
	size_t i;
	int rc;

	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0 || len > CANON_MAX_INPUT) {
		snprintf(err, errsz,
		    len == 0 ? "empty domain" : "domain too long");
		return -1;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)in[i] < 0x80
		    && !ldh_or_dot((unsigned char)in[i])) {
			snprintf(err, errsz,
			    "byte 0x%02x not allowed in a domain",
			    (unsigned char)in[i]);
			return -1;
		}
	memcpy(buf, in, len);
	buf[len] = '\0';
	rc = idn2_to_ascii_8z(buf, &ascii, IDN_FLAGS);
	if (rc == IDN2_OK) {
		rc = domain_normalize(ascii, strlen(ascii), out, err, errsz);
		idn2_free(ascii);
		return rc;
	}
	if (rc == IDN2_2HYPHEN && by_labels(in, len, mapped) == 0)
		return domain_normalize(mapped, strlen(mapped), out, err,
		    errsz);
	snprintf(err, errsz, "not a domain (%s)", idn2_strerror(rc));
	return -1;
}

/* Code points a reader does not see in a name: Unicode's
 * Default_Ignorable_Code_Point (bidi controls among them), white space,
 * control characters, and U+FFFD, which stands for bytes that were not
 * UTF-8 (dropped themselves). */
static bool
invisible(uint32_t c)
{
	static const uint32_t ranges[][2] = {
		{ 0x0000, 0x0020 }, /* C0 controls and space */
		{ 0x007f, 0x00a0 }, /* DEL, C1 controls, no-break space */
		{ 0x00ad, 0x00ad },
		{ 0x034f, 0x034f },
		{ 0x061c, 0x061c },
		{ 0x115f, 0x1160 },
		{ 0x1680, 0x1680 },
		{ 0x17b4, 0x17b5 },
		{ 0x180b, 0x180f },
		{ 0x2000, 0x200f },
		{ 0x2028, 0x202f },
		{ 0x205f, 0x206f },
		{ 0x3000, 0x3000 },
		{ 0x3164, 0x3164 },
		{ 0xfe00, 0xfe0f },
		{ 0xfeff, 0xfeff },
		{ 0xffa0, 0xffa0 },
		{ 0xfff0, 0xfff8 },
		{ 0xfffd, 0xfffd },
		{ 0x2800, 0x2800 }, /* BRAILLE PATTERN BLANK */
		{ 0x1bca0, 0x1bca3 },
		{ 0x1d173, 0x1d17a },
		{ 0xe0000, 0xe0fff },
	};
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (c >= ranges[i][0] && c <= ranges[i][1])
			return true;
	return false;
}

/* Code points a reader takes for a full stop between labels. */
static bool
lookalike_dot(uint32_t c)
{
	switch (c) {
	case 0x00b7:  /* MIDDLE DOT */
	case 0x0387:  /* GREEK ANO TELEIA */
	case 0x0589:  /* ARMENIAN FULL STOP */
	case 0x0660:  /* ARABIC-INDIC DIGIT ZERO */
	case 0x06d4:  /* ARABIC FULL STOP */
	case 0x06f0:  /* EXTENDED ARABIC-INDIC DIGIT ZERO */
	case 0x0701:  /* SYRIAC SUPRALINEAR FULL STOP */
	case 0x0702:  /* SYRIAC SUBLINEAR FULL STOP */
	case 0x2022:  /* BULLET */
	case 0x2024:  /* ONE DOT LEADER */
	case 0x2027:  /* HYPHENATION POINT */
	case 0x2219:  /* BULLET OPERATOR */
	case 0x22c5:  /* DOT OPERATOR */
	case 0x2e31:  /* WORD SEPARATOR MIDDLE DOT */
	case 0x2e33:  /* RAISED DOT */
	case 0x3002:  /* IDEOGRAPHIC FULL STOP */
	case 0x30fb:  /* KATAKANA MIDDLE DOT */
	case 0xa4f8:  /* LISU LETTER TONE MYA TI */
	case 0xfe52:  /* SMALL FULL STOP */
	case 0xff0e:  /* FULLWIDTH FULL STOP */
	case 0xff61:  /* HALFWIDTH IDEOGRAPHIC FULL STOP */
	case 0xff65:  /* HALFWIDTH KATAKANA MIDDLE DOT */
	case 0x10a50: /* KHAROSHTHI PUNCTUATION DOT */
		return true;
	default:
		return false;
	}
}

/* The name as a reader sees it: invisible code points and bytes that are
 * not UTF-8 dropped, look-alike dots made dots, one dot between labels
 * and none at either end. Returns its length, or 0 when nothing visible
 * is left or it does not fit size bytes. */
static size_t
reader_view(const char *in, size_t len, char *view, size_t size)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0, n;
	uint32_t c;

	while (i < len) {
		n = utf8_decode(p + i, len - i, &c);
		if (n == 0) {
			i++;
			continue;
		}
		if (!invisible(c)) {
			if (lookalike_dot(c) || c == '.') {
				/* "bank..example", ".bank.example": a reader
				 * sees one dot between labels, none around. */
				if (o > 0 && view[o - 1] != '.') {
					if (o + 1 >= size)
						return 0;
					view[o++] = '.';
				}
			} else {
				if (o + n >= size)
					return 0;
				memcpy(view + o, p + i, n);
				o += n;
			}
		}
		i += n;
	}
	if (o > 0 && view[o - 1] == '.')
		o--;
	view[o] = '\0';
	return o;
}

/* A name as written: ASCII without A-labels by domain_normalize alone
 * (libidn2 would refuse "ab--c", which DNS holds), the rest through
 * libidn2. 0, or -1 with err set. */
static int
written(const char *in, size_t len, char *out, char *err, size_t errsz)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)in[i] >= 0x80)
			return convert(in, len, out, err, errsz);
	if (has_alabel(in, len))
		return convert(in, len, out, err, errsz);
	return domain_normalize(in, len, out, err, errsz);
}

/* An A-label name libidn2 refused: its labels decoded without checks,
 * so that an invisible or disallowed code point hidden in punycode is
 * read as a reader of the decoded name would see it. */
static enum domcanon_status
decoded_view(const char *in, size_t len, char *out, char *err, size_t errsz)
{
	char buf[CANON_MAX_INPUT + 1], view[CANON_MAX_INPUT + 1], e2[8];
	char *u = NULL;
	size_t n;
	enum domcanon_status st = DOMCANON_INVALID;

	if (len > CANON_MAX_INPUT)
		return DOMCANON_INVALID;
	memcpy(buf, in, len);
	buf[len] = '\0';
	if (idn2_to_unicode_8z8z(buf, &u, 0) != IDN2_OK) {
		snprintf(err, errsz, "an A-label that does not decode");
		return DOMCANON_INVALID;
	}
	n = reader_view(u, strlen(u), view, sizeof(view));
	if (n > 0 && written(view, n, out, e2, sizeof(e2)) == 0)
		st = DOMCANON_SEEN;
	idn2_free(u);
	return st;
}

/* domcanon() but for clearing out when there is no domain. */
static enum domcanon_status
canon(const char *in, size_t len, char *out, char *err, size_t errsz)
{
	char view[CANON_MAX_INPUT + 1], e2[8];
	size_t i, n;
	bool ascii = true;

	if (written(in, len, out, err, errsz) == 0)
		return DOMCANON_OK;
	for (i = 0; i < len && ascii; i++)
		ascii = (unsigned char)in[i] < 0x80;
	if (ascii && has_alabel(in, len)) /* A-labels libidn2 refused */
		return decoded_view(in, len, out, err, errsz);
	n = reader_view(in, len, view, sizeof(view));
	if (n > 0 && written(view, n, out, e2, sizeof(e2)) == 0)
		return DOMCANON_SEEN;
	return DOMCANON_INVALID;
}

enum domcanon_status
domcanon(const char *in, size_t len, char *out, char *err, size_t errsz)
{
	enum domcanon_status st;

	err[0] = '\0';
	st = canon(in, len, out, err, errsz);
	if (st == DOMCANON_INVALID)
		out[0] = '\0';
	return st;
}

int
domcanon_strict(const char *in, size_t len, char *out, char *err, size_t errsz)
{
	if (domcanon(in, len, out, err, errsz) == DOMCANON_OK)
		return 0;
	if (err[0] == '\0')
		snprintf(err, errsz, "not a domain");
	return -1;
}

int
domcanon_dotted(const char *canonical, char *view)
{
	char buf[CANON_MAX_INPUT + 1], e2[8];
	const unsigned char *p;
	char *u = NULL;
	size_t i, n, len;
	uint32_t c;
	bool dotted = false;
	int rc = 0;

	if (!has_alabel(canonical, strlen(canonical))
	    || idn2_to_unicode_8z8z(canonical, &u, 0) != IDN2_OK)
		return 0;
	p = (const unsigned char *)u;
	len = strlen(u);
	for (i = 0; i < len && !dotted; i += n) {
		if ((n = utf8_decode(p + i, len - i, &c)) == 0)
			break;
		dotted = lookalike_dot(c);
	}
	if (dotted && (n = reader_view(u, len, buf, sizeof(buf))) > 0
	    && written(buf, n, view, e2, sizeof(e2)) == 0
	    && strcmp(view, canonical) != 0)
		rc = 1;
	idn2_free(u);
	return rc;
}
