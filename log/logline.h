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
#include "util/sbuf.h"

#define LOGLINE_VERSION 1
#define LOGLINE_MAX                                              \
	((size_t)256 * 1024) /* bytes; a longer line is an error \
			      */

struct logline_meta {
	const char *ts;	  /* RFC 3339 UTC time, e.g. 2026-11-23T14:50:30Z */
	const char *host; /* the MTA's host name, or NULL */
	/* What became of a failure report, or NULL: logged unless
	 * RUF_NONE. */
	const struct ruf_outcome *failure_report;
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

/* Appends the short form of a log line, for transports that cannot
 * carry a whole one (syslog datagrams): time, host, id, "truncated":
 * true and the decision's action, class, rule and reason; no facts, so
 * it does not replay. */
void logline_render_summary(struct sbuf *sb, const struct facts *facts,
    const struct decision *d, const struct logline_meta *meta);

#endif
