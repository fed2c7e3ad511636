/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * odkim_verify.c: a test-only DKIM oracle on libopendkim, for
 * dkim-agreement.t: reads a message (LF or CRLF line ends) on stdin,
 * hands it to libopendkim with CRLF line ends, keys from DNS through the
 * library's own resolver, and prints "pass" when the first
 * DKIM-Signature in header order verified (header and body hash), "fail"
 * otherwise. Never linked into authgate.
 */
#include <opendkim/dkim.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MSG (4 * 1024 * 1024)

/* Hands the header field in f (len bytes, CRLF inside) to libopendkim. */
static void
header(DKIM *dkim, char *f, size_t len)
{
	if (len > 0)
		(void)dkim_header(dkim, (unsigned char *)f, len);
}

int
main(void)
{
	static char in[MAX_MSG], field[MAX_MSG];
	size_t n = fread(in, 1, sizeof(in) - 1, stdin), flen = 0, i = 0;
	DKIM_LIB *lib = dkim_init(NULL, NULL);
	DKIM_SIGINFO **sigs = NULL;
	DKIM_STAT st;
	DKIM *dkim;
	int nsigs = 0;
	bool pass = false;

	if (lib == NULL)
		return 2;
	dkim = dkim_verify(lib, (const unsigned char *)"oracle", NULL, &st);
	if (dkim == NULL)
		return 2;
	in[n] = '\0';
	/* Header fields: a line starting with a blank continues one. */
	while (i < n) {
		size_t j = i, end;

		while (j < n && in[j] != '\n')
			j++;
		end = j > i && in[j - 1] == '\r' ? j - 1 : j;
		if (end == i) { /* the empty line */
			i = j + 1;
			break;
		}
		if (in[i] != ' ' && in[i] != '\t') {
			header(dkim, field, flen);
			flen = 0;
		} else {
			memcpy(field + flen, "\r\n", 2);
			flen += 2;
		}
		memcpy(field + flen, in + i, end - i);
		flen += end - i;
		i = j + 1;
	}
	header(dkim, field, flen);
	(void)dkim_eoh(dkim);
	while (i < n) {
		size_t j = i, end;

		while (j < n && in[j] != '\n')
			j++;
		end = j > i && in[j - 1] == '\r' ? j - 1 : j;
		if (end > i)
			(void)dkim_body(dkim, (unsigned char *)in + i, end - i);
		(void)dkim_body(dkim, (unsigned char *)"\r\n", 2);
		i = j + 1;
	}
	(void)dkim_eom(dkim, NULL);
	if (dkim_getsiglist(dkim, &sigs, &nsigs) == DKIM_STAT_OK && nsigs > 0)
		pass = (dkim_sig_getflags(sigs[0]) & DKIM_SIGFLAG_PASSED) != 0
		    && dkim_sig_getbh(sigs[0]) == DKIM_SIGBH_MATCH;
	printf("%s\n", pass ? "pass" : "fail");
	dkim_free(dkim);
	dkim_close(lib);
	return 0;
}
