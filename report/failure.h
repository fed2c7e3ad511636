/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * failure.h: DMARC failure reports (RFC 9991, ruf=) in RFC 6591's format
 * as RFC 9991 section 4 augments it, the pure half: whether a decided
 * message calls for one (the From domain's fo=, never the ruf= of a
 * psd=y record, and this host's rules), the report message itself with
 * the original headers redacted (redact.h) and no body, and the outcome
 * that the log line records. Addresses, consent, the rate limit, the SPF
 * record's lookup and handing the report to Exim are the module's
 * (local_scan/failreport.c).
 */
#ifndef AG_RUF_H
#define AG_RUF_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/dmarcrec.h"
#include "mail/reporturi.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "util/sbuf.h"

#define RUF_MAX_ADDRESSES 2   /* ruf= addresses served per report */
#define RUF_MAX_REFUSED	  4   /* refused entries named in the log */
#define RUF_LOG_URI_MAX	  200 /* bytes of a refused entry in the log */
#define RUF_MAX_REPORT	  ((size_t)48 * 1024) /* bytes of a report */
#define RUF_MAX_HEADERS	  ((size_t)32 * 1024) /* of its header part */
#define RUF_MAX_FIELD	  4096 /* bytes of one redacted header field */
#define RUF_WHY_MAX	  300  /* bytes of an outcome's detail */
#define RUF_SPF_DNS_MAX	  2048 /* bytes of an SPF record quoted (SPF-DNS) */

/* What became of a message's failure report. */
enum ruf_status {
	RUF_NONE,	   /* not a DMARC failure (or reports off): no log */
	RUF_WANTED,	   /* ruf_consider: go on to the addresses */
	RUF_SENT,	   /* handed to the MTA for n_sent addresses */
	RUF_NO_RUF,	   /* the DMARC record names no ruf= */
	RUF_NOT_REQUESTED, /* fo= asks for other kinds of failure */
	RUF_NOT_REPORTED,  /* this host's rules: monitor mode, a waiver,
			      a tempfail, an automatic message */
	RUF_NO_ADDRESS,	   /* no ruf= entry could be used (see refused) */
	RUF_RATE_LIMITED,  /* failure_report_interval / _limit */
	RUF_ERROR,	   /* the report could not be made or handed over */
};

/* fo= options (RFC 7489 6.3) as bits. */
#define RUF_FO_ALL  1u /* 0: every mechanism failed to align a pass */
#define RUF_FO_ANY  2u /* 1: any mechanism failed to align a pass */
#define RUF_FO_DKIM 4u /* d: a DKIM signature failed evaluation */
#define RUF_FO_SPF  8u /* s: SPF failed evaluation */

struct ruf_refused {
	char uri[RUF_LOG_URI_MAX + 1];
	char why[120];
};

struct ruf_outcome {
	enum ruf_status status;
	char why[RUF_WHY_MAX]; /* detail for the log, "" when none */
	size_t n_sent;
	char sent[RUF_MAX_ADDRESSES][REPORTURI_MAX_ADDR + 1];
	size_t n_refused; /* may exceed RUF_MAX_REFUSED: the rest counted */
	struct ruf_refused refused[RUF_MAX_REFUSED];
	size_t bytes; /* size of the report sent */
};

/* The parts of a report that come from outside the facts. */
struct ruf_report {
	const char *from;	  /* the report's From: failure_report_from */
	const char *org;	  /* the reporting organization */
	const char *host;	  /* this MTA's name (Reporting-MTA) */
	const char *authserv_id;  /* for Authentication-Results */
	const char *date;	  /* RFC 5322 date: now */
	const char *arrival_date; /* RFC 5322 date the message arrived */
	const char *to[RUF_MAX_ADDRESSES]; /* usable addresses (reporturi) */
	size_t n_to;
	const char *headers; /* the header section as received */
	size_t headers_len;
	/* For relaxed DKIM alignment (the organizational domain, when the
	 * decision has none) and min_key_bits; may be NULL. */
	const struct policy *policy;
	/* SPF-DNS (RFC 6591 3.1): the SPF record found at the SPF domain
	 * when SPF failed for an aligned identifier, or NULL, and then in
	 * spf_dns_why what can be said instead ("no SPF record", ...). */
	const char *spf_dns;
	const char *spf_dns_why;
};

/* Returns the log word of a status ("sent", "rate_limited", ...). */
const char *ruf_status_name(enum ruf_status status);
/* Parses an fo= value (colon-separated 0, 1, d, s; unknown words are
 * ignored) into RUF_FO_ bits; RUF_FO_ALL when nothing is recognized. */
unsigned ruf_fo_parse(const char *fo, size_t len);
/* Tells whether the fo= bits ask for a report on this DMARC failure. */
bool ruf_fo_wants(unsigned fo, const struct facts *f, const struct decision *d);
/* Tells whether a header section is of a message no report should be
 * made about: Auto-Submitted other than "no" (RFC 3834), or a report
 * itself (multipart/report). */
bool ruf_is_automatic(const char *headers, size_t len);
/* Decides whether a decided message calls for a failure report: RUF_NONE
 * when reports are off or DMARC did not fail, RUF_WANTED (rec filled in)
 * when it does, and otherwise why not, with details in why. */
enum ruf_status ruf_consider(const struct policy *p, const struct facts *f,
    const struct decision *d, bool automatic, struct dmarcrec *rec, char *why,
    size_t whysz);
/* Tells which mechanisms failed to authenticate an aligned identifier
 * (RFC 9991's Identity-Alignment): the decision's spf_failed_aligned and
 * dkim_failed_aligned, which decide() fills with its RFC 9989 evaluation
 * (a decision with a policy domain); for a decision without one, derived
 * from the facts the same way: SPF of an aligned domain that did not
 * pass, an aligned signature that did not pass. p may be NULL. */
void ruf_failed_aligned(const struct policy *p, const struct facts *f,
    const struct decision *d, bool *spf, bool *dkim);
/* Returns the index into f->dkim of the signature the DKIM-Domain,
 * DKIM-Identity and DKIM-Selector fields describe when DKIM failed for
 * an aligned identifier (ruf_failed_aligned): one whose d= aligns with
 * the From domain (d= equal to it first; under relaxed alignment, d=
 * within the From domain's organizational domain) and that did not pass
 * (a result other than pass, or a key shorter than p's min_key_bits).
 * -1 when none. */
int ruf_failed_aligned_sig(const struct policy *p, const struct facts *f,
    const struct decision *d);
/* Writes RFC 6591's DKIM-Identity for a signature: its i= with the local
 * part redacted (RFC 6590), as read from the DKIM-Signature field of the
 * header section whose d= and s= are the signature's, or "@" d= when it
 * has none or it is not found. size >= DOMAIN_MAX_LEN + 16. */
void ruf_dkim_identity(char *out, size_t size, const char *headers, size_t len,
    const struct facts_dkim *sig);
/* Appends the whole report message (RFC 5322 headers and a
 * multipart/report body) to out. Returns 0, or -1 when it does not fit
 * out's cap. */
int ruf_build(struct sbuf *out, const struct ruf_report *r,
    const struct facts *f, const struct decision *d);
/* Empties an outcome (RUF_NONE). */
void ruf_outcome_init(struct ruf_outcome *o);
/* Records a refused ruf= entry (its text, len bytes) and the reason. */
void ruf_outcome_refuse(struct ruf_outcome *o, const char *uri, size_t len,
    const char *why);
/* Appends the outcome as the log line's "failure_report" object. */
void ruf_outcome_to_json(const struct ruf_outcome *o, struct sbuf *sb);

#endif
