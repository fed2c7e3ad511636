/*
 * loglines.c: the log reader the report commands share.
 */
#define _XOPEN_SOURCE 700 /* strptime */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cli/loglines.h"
#include "log/logline.h"

int
loglines_read(const char *path, loglines_fn fn, void *ctx)
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
loglines_time(const char *ts)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ts == NULL || strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return -1;
	return timegm(&tm);
}
