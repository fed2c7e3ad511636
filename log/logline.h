/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * logline.h: the one JSON line logged per message (docs/log-format.md),
 * written: the writer half of log/ (log/reader.h reads it back). It
 * holds the decision and the facts it was made from, so a line can be
 * replayed under another policy. The caller supplies time and host: the
 * engine has no clock. Reading JSON is not linked in: the Exim module,
 * which only writes, does without it.
 */
#ifndef AG_LOGLINE_H
#define AG_LOGLINE_H

#include "policy/decide.h"
#include "policy/facts.h"
#include "report/failure.h"
#include "util/arena.h"
#include "util/sbuf.h"

#define LOGLINE_VERSION 2
#define LOGLINE_MAX                                              \
	((size_t)256 * 1024) /* bytes; a longer line is an error \
			      */
/* Bytes of a Message-ID a line keeps (a longer one is cut): real ones
 * are under 120, and the short form must still fit one syslog datagram
 * when each byte is a six-byte escape. */
#define LOGLINE_MAX_MESSAGE_ID 256
/* Exim counts a message's size and its recipients in an int. */
#define LOGLINE_MAX_COUNT 2147483647u

/* What support finds a message by, logged beside the decision: never a
 * fact (nothing is decided on it, replay does not read it). */
struct logline_message {
	const char *message_id; /* logline_message_id()'s, or NULL: none */
	long size;		/* bytes as Exim counts them, or -1: unknown */
	unsigned rcpt_count;	/* envelope recipients (not who they are) */
};

struct logline_meta {
	const char *ts;	  /* RFC 3339 UTC time, e.g. 2026-11-23T14:50:30Z */
	const char *host; /* the MTA's host name, or NULL */
	/* What became of a failure report, or NULL: logged unless
	 * RUF_NONE. */
	const struct ruf_outcome *failure_report;
	/* The message's Message-ID, size and recipient count, or NULL:
	 * not logged (authgate decide, which has only facts). */
	const struct logline_message *message;
};

/* Appends one log line (no newline) for facts and decision to sb. */
void logline_render(struct sbuf *sb, const struct policy *policy,
    const struct facts *facts, const struct decision *d,
    const struct logline_meta *meta);

/* Appends the decision as the JSON object `authgate decide` prints, which
 * is also a log line's "decision". */
void decision_to_json(const struct policy *policy, const struct decision *d,
    struct sbuf *sb);
/* Appends facts as one JSON object in DESIGN's shape, a log line's
 * "facts" (facts_from_json, log/reader.h, reads it back). */
void facts_to_json(const struct facts *f, struct sbuf *sb);

/* Returns a Message-ID field's value (len bytes after the colon) as a
 * line keeps it, in arena: unfolded (CR, LF and NUL dropped), blanks
 * trimmed at both ends, each byte that starts no UTF-8 sequence made
 * U+FFFD, cut between sequences at LOGLINE_MAX_MESSAGE_ID bytes. NULL
 * when out of memory. */
const char *logline_message_id(struct arena *arena, const char *v, size_t len);

/* Appends the short form of a log line, for transports that cannot
 * carry a whole one (syslog datagrams): time, host, id, "truncated":
 * true and the decision's action, class, rule and reason; no facts, so
 * it does not replay; and the message's Message-ID, size and recipient
 * count when meta has them. */
void logline_render_summary(struct sbuf *sb, const struct facts *facts,
    const struct decision *d, const struct logline_meta *meta);

#endif
