/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.c: the pieces the authgate command's files share: reading an input
 * file whole or a log line by line (plain, gzip-compressed or standard
 * input, any line length up to LOGLINE_MAX), printing policy
 * diagnostics and untrusted text, the time.
 */
#define _XOPEN_SOURCE 700 /* strptime */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "cli/cli.h"
#include "log/logline.h"
#include "util/sbuf.h"

char *
cli_read_file(const char *path, size_t max, size_t *len)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	size_t n;

	if (fp == NULL)
		return NULL;
	buf = malloc(max + 1);
	if (buf == NULL) {
		if (fp != stdin)
			fclose(fp);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, max + 1, fp);
	if (ferror(fp) || n > max) {
		free(buf);
		if (fp != stdin)
			fclose(fp);
		errno = ferror(fp) ? EIO : EFBIG;
		return NULL;
	}
	if (fp != stdin)
		fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

void
cli_print_diag(const char *file, const struct policy_diag *diag,
    bool errors_only)
{
	char line[POLICY_MAX_PATH + 300];
	size_t i;

	for (i = 0; i < diag->n; i++) {
		if (errors_only && diag->items[i].severity != POLICY_ERROR)
			continue;
		policy_diag_format(file, &diag->items[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (diag->dropped > 0)
		fprintf(stderr, "%s: %zu more problems not shown\n", file,
		    diag->dropped);
}

struct policy *
cli_load_policy(const char *path, struct policy_diag *diag)
{
	struct policy *p = policy_load_with(path, POLICY_LOAD_VERIFY, diag);

	if (p != NULL && p->load_warning != NULL)
		fprintf(stderr, "authgate: warning: %s\n", p->load_warning);
	return p;
}

void
cli_utc_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
cli_read_log(const char *path, cli_log_fn fn, void *ctx)
{
	gzFile gz
	    = strcmp(path, "-") == 0 ? gzdopen(0, "rb") : gzopen(path, "rb");
	unsigned long lineno = 0;
	char *line;
	size_t len;
	int rc = 0;

	if (gz == NULL) {
		fprintf(stderr, "authgate: %s: %s\n", path,
		    errno ? strerror(errno) : "cannot open");
		return -1;
	}
	if ((line = malloc(LOGLINE_MAX + 2)) == NULL) {
		fprintf(stderr, "authgate: out of memory\n");
		gzclose(gz);
		return -1;
	}
	while (gzgets(gz, line, (int)LOGLINE_MAX + 2) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] != '\n' && !gzeof(gz)) {
			int ch;

			while ((ch = gzgetc(gz)) != -1 && ch != '\n')
				;
			fn(ctx, NULL, 0, lineno);
			continue;
		}
		while (len > 0
		    && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len > 0)
			fn(ctx, line, len, lineno);
	}
	if (!gzeof(gz)) {
		int zerr;
		const char *msg = gzerror(gz, &zerr);

		fprintf(stderr, "authgate: %s: %s\n", path,
		    zerr == Z_ERRNO ? strerror(errno) : msg);
		rc = -1;
	}
	free(line);
	gzclose(gz);
	return rc;
}

time_t
cli_log_time(const char *ts)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ts == NULL || strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return -1;
	return timegm(&tm);
}

/* How many bytes at p (left of them, left > 0) make one character a
 * terminal may show as it is; 0 when it must be shown as '?', with
 * *skip the bytes that '?' stands for. Control bytes, C1 controls,
 * bidirectional marks and overrides, and bytes that are not UTF-8 are
 * the ways text can move a terminal's cursor or reorder what it shows. */
static size_t
showable(const unsigned char *p, size_t left, size_t *skip)
{
	unsigned long cp;
	size_t n;

	*skip = 1;
	if (*p < 0x80)
		return *p >= 0x20 && *p != 0x7f ? 1 : 0;
	if ((n = utf8_seq_len(p, left)) == 0)
		return 0;
	*skip = n;
	cp = n == 2 ? (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu) :
	    n == 3  ? (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6
		| (p[2] & 0x3fu) :
		     0x10000;
	if (cp < 0xa0 || (cp >= 0x200e && cp <= 0x200f)
	    || (cp >= 0x2028 && cp <= 0x202e) || cp == 0x061c
	    || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return n;
}

void
cli_put_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left, n, skip;

	if (s == NULL) {
		fputs("(none)", stdout);
		return;
	}
	for (left = strlen(s); left > 0; p += skip, left -= skip) {
		if ((n = showable(p, left, &skip)) == 0)
			putchar('?');
		else
			fwrite(p, 1, n, stdout);
	}
}

const char *
cli_flat(struct arena *arena, const char *s)
{
	char *out;
	size_t i;

	if (s == NULL)
		return NULL;
	if ((out = arena_strdup(arena, s)) == NULL)
		return "";
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	return out;
}

void
cli_printf(const char *fmt, ...)
{
	char stack[1024], *buf = stack;
	const unsigned char *p;
	size_t left, n, skip;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(stack, sizeof(stack), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(stack)) {
		if ((buf = malloc((size_t)len + 1)) == NULL)
			return;
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)len + 1, fmt, ap);
		va_end(ap);
	}
	p = (const unsigned char *)buf;
	for (left = (size_t)len; left > 0; p += skip, left -= skip) {
		if (*p == '\n' || *p == '\t') {
			putchar(*p);
			skip = 1;
		} else if ((n = showable(p, left, &skip)) == 0) {
			putchar('?');
		} else {
			fwrite(p, 1, n, stdout);
		}
	}
	if (buf != stack)
		free(buf);
}

const char *
cli_safe_text(char *out, size_t outsz, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n, skip;

	if (outsz == 0)
		return "";
	for (; len > 0; p += skip, len -= skip) {
		n = showable(p, len, &skip);
		if (o + (n == 0 ? 1 : n) >= outsz)
			break;
		if (n == 0) {
			out[o++] = '?';
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
	}
	out[o] = '\0';
	return out;
}
