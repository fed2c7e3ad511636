/*
 * cli.c: the pieces the authgate command's files share: reading an input
 * file whole or a log line by line (plain, gzip-compressed or standard
 * input, any line length up to LOGLINE_MAX), printing policy
 * diagnostics and untrusted text, the time.
 */
#define _XOPEN_SOURCE 700 /* strptime */
#include <errno.h>
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

/* Control bytes, C1 controls, bidirectional marks and overrides, and
 * bytes that are not UTF-8 are the ways text can move a terminal's
 * cursor or reorder what it shows. */
void
cli_put_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long cp;
	size_t n;

	if (s == NULL) {
		fputs("(none)", stdout);
		return;
	}
	while (*p != '\0') {
		if (*p < 0x80) {
			putchar(*p >= 0x20 && *p != 0x7f ? *p : '?');
			p++;
			continue;
		}
		n = utf8_seq_len(p, strlen((const char *)p));
		if (n == 0) {
			putchar('?');
			p++;
			continue;
		}
		cp = n == 2 ? (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu) :
		    n == 3  ? (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6
			| (p[2] & 0x3fu) :
			     0x10000;
		if (cp < 0xa0 || (cp >= 0x200e && cp <= 0x200f)
		    || (cp >= 0x202a && cp <= 0x202e)
		    || (cp >= 0x2066 && cp <= 0x2069))
			putchar('?');
		else
			fwrite(p, 1, n, stdout);
		p += n;
	}
}
