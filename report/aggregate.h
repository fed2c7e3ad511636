/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aggregate.h: DMARC aggregate reports (RFC 9990, rua=), the pure half:
 * logged messages of one period gathered per DMARC Policy Domain (where
 * the record was found) whose record, as the message's DNS snapshot holds
 * it, asks for reports with rua=; several From domains (subdomains
 * without a record of their own) share their Policy Domain's report,
 * which states the last policy seen in the period (RFC 9990: one
 * Policy Domain and one policy configuration per report). Rows
 * are grouped by source address, disposition, evaluated and raw results;
 * each report is rendered as RFC 9990's XML (namespace
 * urn:ietf:params:xml:ns:dmarc-2.0). Messages that were tempfailed are
 * left out: the sender tries them again and they are counted then. Log
 * lines written under RFC 7489 are reported as such (discovery_method
 * psl). Reading logs, writing and compressing files, the receivers'
 * consent and sending are the command's (cli/cmd_report.c).
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
#define RUA_MAX_DKIM	100   /* signatures in one row (RFC 9990 SHOULD) */
#define RUA_ID_MAX	600   /* bytes of a Report-ID or file name */
#define RUA_NAMESPACE	"urn:ietf:params:xml:ns:dmarc-2.0"

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
	const char *policy;	 /* p=, sp= or np= as applied, or NULL */
	/* RFC 9989 (log lines of the tree walk); an RFC 7489 line has
	 * rfc9989 false and the rest NULL or false. */
	bool rfc9989;
	const char *policy_domain; /* where the record is, or NULL */
	const char *org_domain;	   /* the From domain's, or NULL */
	const char *published;	   /* the policy before t=, or NULL */
	bool testing;		   /* t= lowered the policy */
	bool pct0_testing;	   /* ... as pct=0 read as t=y */
	const char *arc_sealer;	   /* ARC vouched for a pass, or NULL */
	unsigned pct;		   /* RFC 7489 lines: the record's pct= */
	bool sampled_out;	   /* RFC 7489 lines: pct left it out */
	bool spf_aligned;
	bool dkim_aligned;
	size_t n_findings;
	const struct rua_finding *findings;
	const struct facts *facts;
};

/* The report about one Policy Domain. */
struct rua_report {
	char domain[DOMAIN_MAX_LEN + 1];
	char record[RUA_MAX_RECORD + 1]; /* its last DMARC record logged */
	time_t record_when;		 /* when that message came */
	bool treewalk;			 /* that message's: RFC 9989 */
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
/* Counts a message in its Policy Domain's report when it belongs in one:
 * 1, or 0 when it does not (another period, tempfailed, DMARC neither
 * pass nor fail, no record asking for reports), or -1 when there is no
 * room for its domain (out of memory, or RUA_MAX_REPORTS domains). */
int rua_add(struct rua *a, const struct rua_message *m);
/* Writes report r's Report-ID (RFC 9990 ridfmt: a dot-atom "@" the
 * receiver), the same on every run over the same period, into id, and
 * its file name (RFC 9990: receiver!policy-domain!begin!end
 * .xml.gz) into file; each RUA_ID_MAX bytes. */
void rua_report_names(const struct rua *a, const struct rua_report *r,
    const char *receiver, char *id, char *file);
/* Appends report r of a as RFC 9990's XML document. */
void rua_render_xml(const struct rua *a, const struct rua_report *r,
    const char *org_name, const char *org_email, const char *report_id,
    struct sbuf *sb);
/* Releases every report; a is empty again. */
void rua_free(struct rua *a);

#endif
