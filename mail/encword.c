/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * encword.c: RFC 2047 encoded words, found strictly (a charset of printable
 * ASCII, Q or B, text without white space or '?') so that ordinary text
 * that happens to contain "=?" stays text.
 */
#include "mail/encword.h"

#include "util/base64.h"

#define MAX_CHARSET 76

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool
encword_at(const char *s, size_t avail, struct encword *w)
{
	size_t i, text;
	char enc;

	if (avail < 8 || s[0] != '=' || s[1] != '?')
		return false;
	for (i = 2; i < avail && i < 2 + MAX_CHARSET && s[i] != '?'; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	if (i == 2 || i + 3 >= avail || s[i] != '?' || s[i + 2] != '?')
		return false;
	enc = (char)(s[i + 1] | 0x20);
	if (enc != 'q' && enc != 'b')
		return false;
	text = i + 3;
	for (i = text; i + 1 < avail && i < text + ENCWORD_MAX_TEXT; i++) {
		if (s[i] == '?')
			break;
		if ((unsigned char)s[i] <= ' ')
			return false;
	}
	if (i + 1 >= avail || s[i] != '?' || s[i + 1] != '=')
		return false;
	w->len = i + 2;
	w->encoding = enc;
	w->text = s + text;
	w->text_len = i - text;
	return true;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

size_t
encword_decode(const struct encword *w, char *out, size_t size)
{
	const char *t = w->text;
	unsigned bits = 0, acc = 0;
	size_t i, n = 0;
	int v, hi, lo;

	for (i = 0; i < w->text_len && n < size; i++) {
		if (w->encoding == 'q') {
			if (t[i] == '_')
				out[n++] = ' ';
			else if (t[i] == '=' && i + 2 < w->text_len
			    && (hi = hex_value(t[i + 1])) >= 0
			    && (lo = hex_value(t[i + 2])) >= 0) {
				out[n++] = (char)(hi * 16 + lo);
				i += 2;
			} else if (t[i] != '=')
				out[n++] = t[i];
			continue;
		}
		if ((v = base64_digit(t[i])) < 0)
			continue;
		acc = ((acc << 6) | (unsigned)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	return n;
}

size_t
encword_run_end(const char *s, size_t avail)
{
	struct encword w;
	size_t end, k;

	if (!encword_at(s, avail, &w))
		return 0;
	end = w.len;
	for (;;) {
		for (k = end; k < avail && is_space(s[k]); k++)
			;
		if (k == end || !encword_at(s + k, avail - k, &w))
			return end;
		end = k + w.len;
	}
}
