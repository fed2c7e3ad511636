/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.c: a log line back into facts and its logged verdict
 * (reader.h), and the decision again. The logged action is the one
 * enforced (monitor mode logs accept), which is what a postmaster
 * compares against.
 */
#include <stdio.h>

#include "log/replay.h"

int
replay_line(const struct policy *policy, const char *line, size_t len,
    struct arena *arena, struct replay_entry *out, char *err, size_t errsz)
{
	if (logrec_read(&out->line, line, len, LOGREC_ACTION_FACTS, arena, err,
		errsz)
	    != 0)
		return -1;
	if (!out->line.has_facts) {
		snprintf(err, errsz, "facts: expected an object");
		return -1;
	}
	decide(policy, &out->line.facts, &out->now);
	return 0;
}
