/*
 * loglines.h: reading authgate's JSON logs line by line for replay,
 * stats and report: plain or gzip-compressed files (zlib reads both), or
 * standard input, any line length up to LOGLINE_MAX.
 */
#ifndef AG_LOGLINES_H
#define AG_LOGLINES_H

#include <stddef.h>
#include <time.h>

/* Receives one line without its line end (line NULL: a line longer than
 * LOGLINE_MAX, skipped), and its number in the file. */
typedef void (*loglines_fn)(void *ctx, const char *line, size_t len,
    unsigned long lineno);

/* Calls fn for every non-empty line of path ("-": standard input).
 * Returns 0, or -1 after naming the problem on standard error. */
int loglines_read(const char *path, loglines_fn fn, void *ctx);

/* Returns the seconds of a line's "ts" (2026-11-23T14:50:30.123Z), or
 * -1. */
time_t loglines_time(const char *ts);

#endif
