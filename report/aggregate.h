/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aggregate.h: DMARC aggregate reports (RFC 7489 section 7.2 and Appendix
 * C, rua=), the pure half: logged messages of one period gathered per
 * domain whose DMARC record, as the message's DNS snapshot holds it, asks
 * for reports with rua=; rows grouped by source address, disposition,
 * evaluated and raw results; each report rendered as XML. Messages that
 * were tempfailed are left out: the sender tries them again and they are
 * counted then. Reading logs, writing and compressing files, the
 * receivers' consent and sending are the command's (cli/cmd_report.c).
 */
#ifndef AG_AGGREGATE_H
#define AG_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "policy/classes.h"
#include "policy/facts.h"
#include "util/domain.h"
#include "util/sbuf.h"
#include "util/tally.h"

#define RUA_MAX_REPORTS 10000 /* domains in one period */
#define RUA_MAX_RECORD	1023  /* bytes of a DMARC record kept */

/* A finding of a logged decision, as far as a report needs it. */
struct rua_finding {
	enum ag_class cls;
	const char *waived; /* why it does not count, or NULL */
};

/* One logged message: its time, its decision's action and DMARC verdict
 * (log/reader.h's), and its facts. */
struct rua_message {
	time_t when; /* -1 when unknown */
	enum ag_action action;
	bool has_dmarc;
	enum ag_dmarc result;
	const char *from_domain; /* or NULL */
	const char *record;	 /* the name the record came from, or NULL */
	const char *policy;	 /* p= or sp= as applied, or NULL */
	bool sampled_out;
	bool spf_aligned;
	bool dkim_aligned;
	size_t n_findings;
	const struct rua_finding *findings;
	const struct facts *facts;
};

/* The report about one domain. */
struct rua_report {
	char domain[DOMAIN_MAX_LEN + 1];
	char record[RUA_MAX_RECORD + 1]; /* its DMARC record as logged */
	unsigned long messages;
	struct tally rows; /* row key: the row's fields joined by NUL */
};

/* The reports of one period. */
struct rua {
	time_t begin, end; /* the period, both included */
	size_t n;
	struct rua_report *report[RUA_MAX_REPORTS];
};

/* Prepares an empty set of reports for the period begin..end. */
void rua_init(struct rua *a, time_t begin, time_t end);
/* Counts a message in its domain's report when it belongs in one: 1, or
 * 0 when it does not (another period, tempfailed, DMARC neither pass nor
 * fail, no record asking for reports), or -1 when there is no room for
 * its domain (out of memory, or RUA_MAX_REPORTS domains). */
int rua_add(struct rua *a, const struct rua_message *m);
/* Appends report r of a as RFC 7489 Appendix C's XML document. */
void rua_render_xml(const struct rua *a, const struct rua_report *r,
    const char *org_name, const char *org_email, const char *report_id,
    struct sbuf *sb);
/* Releases every report; a is empty again. */
void rua_free(struct rua *a);

#endif
