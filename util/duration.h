/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * duration.h: times as Exim writes them (30s, 2m, 1h30m, 1w).
 */
#ifndef AUTHGATE_DURATION_H
#define AUTHGATE_DURATION_H

#include <stddef.h>

/* The largest time duration_parse takes, in seconds (about three years). */
#define DURATION_MAX 100000000ul

/* Reads a time as Exim writes one: numbers each followed by a unit (w,
 * d, h, m, s, in any case), the last unit s if left out: "30", "5s",
 * "2m", "1h30m". 0 with the seconds in out (at most DURATION_MAX), or
 * -1 (no sign, no blank, nothing else is taken). */
int duration_parse(const char *s, unsigned long *out);

/* Writes secs in Exim's form (30s, 1m, 1h30m, 1w) into buf. */
void duration_format(unsigned long secs, char *buf, size_t size);

#endif
