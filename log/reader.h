/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reader.h: a log line read back, the reader half of log/ (logline.h
 * writes it): one line (docs/log-format.md) into a struct logrec for
 * replay, stats and report, and the facts from JSON, which is also what
 * `authgate decide --facts` reads.
 *
 * Reading is strict: the line is one JSON object (jsonpull.h: duplicate
 * keys refused at every depth), each known field has its type, the
 * closed sets (actions, classes, DMARC results) their words, and the
 * facts read as facts_from_json reads them; a line that is not so is
 * refused with the reason, never half read. Keys the writer does not
 * write are read past (checked as JSON), except in the facts.
 */
#ifndef AG_READER_H
#define AG_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/classes.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "util/arena.h"

#define LOGREC_MAX_FINDINGS DECIDE_MAX_FINDINGS /* more: an error */

/* What a caller needs of a line. */
enum logrec_need {
	LOGREC_ALL, /* every field */
	/* The time, host, id, decision's action and class, and the facts:
	 * a line laid out as logline_render writes it is then read without
	 * parsing the rest of its decision (nor checking it), which is how
	 * replay reads a log fast. Any other line is read whole. */
	LOGREC_ACTION_FACTS,
};

/* A line's decision.dmarc. */
struct logrec_dmarc {
	enum ag_dmarc result;
	const char *domain; /* the From domain, or NULL */
	const char *record; /* the name the record came from, or NULL */
	const char *policy; /* p= or sp= as applied, or NULL */
	bool has_pct;	    /* pct and sampled_out logged (DMARC not pass) */
	unsigned pct;
	bool sampled_out;
	bool spf_aligned;
	bool dkim_aligned;
	const char *arc_sealer; /* ARC vouched for a pass; or NULL */
	const char *why;	/* permerror / temperror detail, or NULL */
	/* RFC 9989's keys. A line without "method" was written under
	 * RFC 7489 (public suffix list, pct): rfc9989 false, the rest
	 * NULL or false. */
	bool rfc9989;		   /* "method": "rfc9989" */
	const char *policy_domain; /* where the record is, or NULL */
	const char *org_domain;	   /* the author domain's, or NULL */
	const char *source;	   /* "author", "org", "psd", or NULL */
	const char *tag;	   /* "p", "sp", "np", or NULL */
	const char *published;	   /* the policy before t=, or NULL */
	bool testing;		   /* t= (or pct=0 read as t=y) lowered it */
	bool pct0_testing;	   /* pct=0 was read as t=y */
	char psd;		   /* 'y', 'n', 'u', or 0 when not logged */
};

/* One of a line's decision.findings. */
struct logrec_finding {
	enum ag_class cls;
	enum ag_action action;
	const char *rule;   /* or NULL */
	const char *line;   /* "FILE:LINE" of the action, or NULL */
	const char *waived; /* why it does not count, or NULL */
	bool held;
	int signature; /* index into facts.dkim, or -1 */
};

/* One log line. Strings are NUL-terminated, in the caller's arena; a
 * field the line lacks is NULL, false or 0. */
struct logrec {
	unsigned version; /* the line's "v" (1: before RFC 9989) */
	const char *ts;	  /* as logged: 2026-11-23T14:50:30.123Z */
	const char *host;
	const char *id;
	bool truncated;	   /* the short form: no facts, no findings */
	const char *error; /* why the message got no decision, or NULL */
	/* The message as support finds it (lines before these fields were
	 * logged, and those of authgate decide, have has_message false). */
	bool has_message;
	const char *message_id; /* NULL: the message had none */
	long size;		/* bytes, or -1: not known */
	unsigned rcpt_count;
	enum ag_action action;
	const char *cls;
	const char *rule;
	const char *line;
	const char *reason;
	bool monitor; /* the action not taken: */
	enum ag_action would;
	const char *would_class;
	const char *would_rule;
	bool has_dmarc;
	struct logrec_dmarc dmarc;
	bool has_facts;
	size_t n_findings;
	struct logrec_finding findings[LOGREC_MAX_FINDINGS];
	struct facts facts; /* facts_init()'s when has_facts is false */
};

/* Reads one log line of len bytes (no line end) into rec, strings into
 * arena: 0, or -1 with the problem in err: "not JSON: line L column C:
 * ...", "no decision.action: not an authgate log line", "PATH: ..." for
 * a field, or facts_from_json's. */
int logrec_read(struct logrec *rec, const char *line, size_t len,
    enum logrec_need need, struct arena *arena, char *err, size_t errsz);

/* Reads a facts object from len bytes of strict JSON, strings into arena:
 * 0, or -1 with "path: problem" (or "line L column C: ...") in err. */
int facts_from_json(struct facts *f, struct arena *arena, const char *json,
    size_t len, char *err, size_t errsz);

#endif
