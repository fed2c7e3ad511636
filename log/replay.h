/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.h: one logged message decided again. A log line carries the
 * facts its decision was made from (docs/log-format.md), so deciding them
 * under another policy tells exactly what that policy would have done.
 */
#ifndef AG_REPLAY_H
#define AG_REPLAY_H

#include <stddef.h>

#include "log/reader.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "util/arena.h"

struct replay_entry {
	/* The line as read (LOGREC_ACTION_FACTS): its id, the action
	 * logged (the one enforced), the class and the facts. */
	struct logrec line;
	struct decision now; /* under the replay policy */
};

/* Reads one log line of len bytes (strings into arena) and decides its
 * facts under policy. Returns 0, or -1 with the problem in err. */
int replay_line(const struct policy *policy, const char *line, size_t len,
    struct arena *arena, struct replay_entry *out, char *err, size_t errsz);

#endif
