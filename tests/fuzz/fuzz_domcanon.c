/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_domcanon.c: one canonical form per domain. Whatever the bytes, a
 * domain that comes out is lower-case LDH labels that map to themselves;
 * an ASCII domain keeps its form with invisible code points put in it,
 * its dots spelled as look-alikes or its letters in capitals or full
 * width. The first input byte picks the variant and where it goes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/domcanon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const invisible[] = {
	"\xe2\x80\x8b",
	"\xe2\x80\x8c",
	"\xe2\x80\x8d",
	"\xe2\x80\x8e",
	"\xe2\x80\x8f",
	"\xe2\x80\xaa",
	"\xe2\x80\xae",
	"\xe2\x81\xa0",
	"\xe2\x81\xa6",
	"\xe2\x81\xa9",
	"\xef\xbb\xbf",
	"\xc2\xad",
	"\xd8\x9c",
	"\xcd\x8f",
	"\xe1\xa0\x8b",
	"\xf3\xa0\x80\x81",
};
static const char *const dots[] = {
	"\xe3\x80\x82",
	"\xef\xbc\x8e",
	"\xef\xbd\xa1",
	"\xe2\x80\xa4",
	"\xef\xb9\x92",
};

static void
check_form(const char *out)
{
	char again[DOMAIN_MAX_LEN + 1], err[128];
	size_t i, len = strlen(out), label = 0;

	if (len == 0 || len > DOMAIN_MAX_LEN)
		abort();
	for (i = 0; i < len; i++) {
		char c = out[i];

		if (c == '.') {
			if (label == 0)
				abort();
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
		    || c == '-') {
			if (++label > DOMAIN_LABEL_MAX)
				abort();
		} else {
			abort();
		}
	}
	if (domcanon(out, len, again, err, sizeof(err)) != DOMCANON_OK
	    || strcmp(again, out) != 0)
		abort();
}

/* The same ASCII domain, spelled another way, in buf. */
static size_t
respell(const char *dom, size_t len, unsigned pick, unsigned where, char *buf)
{
	size_t i, o = 0, pos = len ? where % (len + 1) : 0;

	for (i = 0; i <= len; i++) {
		if (i == pos && (pick & 3) == 0) {
			const char *s = invisible[(pick >> 2) % 16];

			memcpy(buf + o, s, strlen(s));
			o += strlen(s);
		}
		if (i == len)
			break;
		if (dom[i] == '.' && (pick & 3) == 1) {
			const char *s = dots[(pick >> 2) % 5];

			memcpy(buf + o, s, strlen(s));
			o += strlen(s);
		} else if (dom[i] >= 'a' && dom[i] <= 'z' && (pick & 3) == 2) {
			/* full width: U+FF41.. */
			unsigned cp = 0xff41 + (unsigned)(dom[i] - 'a');

			buf[o++] = (char)(0xe0 | (cp >> 12));
			buf[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			buf[o++] = (char)(0x80 | (cp & 0x3f));
		} else if (dom[i] >= 'a' && dom[i] <= 'z' && (pick & 3) == 3) {
			buf[o++] = (char)(dom[i] - 'a' + 'A');
		} else {
			buf[o++] = dom[i];
		}
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[DOMAIN_MAX_LEN + 1], other[DOMAIN_MAX_LEN + 1], err[128];
	char buf[2048];
	enum domcanon_status st, st2;
	unsigned pick, where;
	size_t n;

	if (size < 2 || size > 512)
		return 0;
	pick = data[0];
	where = data[1];
	data += 2;
	size -= 2;
	st = domcanon((const char *)data, size, out, err, sizeof(err));
	if (st == DOMCANON_INVALID) {
		if (out[0] != '\0')
			abort();
		return 0;
	}
	check_form(out);
	if (st != DOMCANON_OK)
		return 0;
	for (n = 0; n < size; n++)
		if (data[n] >= 0x80)
			return 0;
	/* An ASCII domain: every respelling is the same domain. */
	n = respell((const char *)data, size, pick, where, buf);
	st2 = domcanon(buf, n, other, err, sizeof(err));
	if (st2 == DOMCANON_INVALID || strcmp(other, out) != 0) {
		fprintf(stderr, "respelled %.*s (%u): %s \"%s\" vs \"%s\"\n",
		    (int)size, (const char *)data, pick,
		    domcanon_status_name(st2), other, out);
		abort();
	}
	return 0;
}
