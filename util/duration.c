/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * duration.c: times as Exim writes them (30s, 2m, 1h30m, 1w), read and
 * written: for policy.ini and for the ages the commands take.
 */
#include <stdio.h>

#include "util/duration.h"

/* Exim's time units, largest first. */
static const struct {
	char unit;
	unsigned long seconds;
} time_units[] = {
	{ 'w', 7 * 24 * 3600 },
	{ 'd', 24 * 3600 },
	{ 'h', 3600 },
	{ 'm', 60 },
	{ 's', 1 },
};

int
duration_parse(const char *s, unsigned long *out)
{
	unsigned long total = 0, n;
	size_t i;
	char u;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		if (*s < '0' || *s > '9')
			return -1;
		for (n = 0; *s >= '0' && *s <= '9'; s++) {
			if (n > DURATION_MAX)
				return -1;
			n = n * 10 + (unsigned long)(*s - '0');
		}
		u = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
		if (u == '\0') {
			i = sizeof(time_units) / sizeof(time_units[0]) - 1;
		} else {
			for (i = 0;
			     i < sizeof(time_units) / sizeof(time_units[0]);
			     i++)
				if (time_units[i].unit == u)
					break;
			if (i == sizeof(time_units) / sizeof(time_units[0]))
				return -1;
			s++;
		}
		if (n > DURATION_MAX / time_units[i].seconds)
			return -1;
		total += n * time_units[i].seconds;
		if (total > DURATION_MAX)
			return -1;
	}
	*out = total;
	return 0;
}

void
duration_format(unsigned long secs, char *buf, size_t size)
{
	size_t i, o = 0;

	if (secs == 0) {
		snprintf(buf, size, "0s");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++) {
		if (secs < time_units[i].seconds || o >= size)
			continue;
		o += (size_t)snprintf(buf + o, size - o, "%lu%c",
		    secs / time_units[i].seconds, time_units[i].unit);
		secs %= time_units[i].seconds;
	}
}
