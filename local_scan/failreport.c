/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * failreport.c: failure reports, the module's half. After the
 * decision and before the message's headers are changed: read the header
 * section as received, let report/failure.c say whether a report is due, pick
 * the ruf= addresses (at most RUF_MAX_ADDRESSES, each a plain mailto:
 * address), take one report from the rate limit, check the consent of
 * addresses outside the From domain's organization within the message's
 * DNS budget, build the report and hand it to Exim. Nothing here changes
 * what happens to the message: every problem is an outcome for the log
 * line, and the ones an operator must fix also a panic-log line.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "local_scan/ls.h"
#include "mail/reporturi.h"
#include "verify/consent.h"

#define LOCAL_SCAN
#include <exim4/local_scan.h>

#define HEADERS_READ_MAX ((size_t)256 * 1024) /* bytes read from Exim */

/* The header section as Exim holds it now (as received, plus Exim's own
 * Received header), without the headers marked deleted. */
static void
read_headers(struct sbuf *sb)
{
	const header_line *h;

	for (h = header_list; h != NULL; h = h->next) {
		if (h->type == '*')
			continue;
		if (sb->len + (size_t)h->slen > HEADERS_READ_MAX)
			break;
		sbuf_putn(sb, (const char *)h->text, (size_t)h->slen);
	}
}

static void
rfc5322_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, size, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

/* The usable ruf= addresses, at most RUF_MAX_ADDRESSES; the rest are
 * refused in the outcome. */
static size_t
pick_addresses(const struct dmarcrec *rec, struct reporturi *cand,
    struct ruf_outcome *out)
{
	const char *p = rec->ruf, *end = rec->ruf + rec->ruf_len;
	struct reporturi u;
	size_t n = 0;

	while (reporturi_next(&p, end, &u)) {
		if (u.problem != REPORTURI_OK)
			ruf_outcome_refuse(out, u.text, u.len,
			    reporturi_problem_text(u.problem));
		else if (n >= RUF_MAX_ADDRESSES)
			ruf_outcome_refuse(out, u.text, u.len,
			    "more addresses than authgate serves");
		else
			cand[n++] = u;
	}
	return n;
}

/* Keeps the candidates outside org only with RFC 7489 7.1's consent of
 * their domain for the record's domain. */
static size_t
check_consent(const struct policy *p, const char *record_domain,
    const char *org, struct reporturi *cand, size_t n, struct ls_budget *b,
    struct ruf_outcome *out)
{
	char name[2 * DOMAIN_MAX_LEN + 32], why[sizeof(name) + 40];
	const char *their;
	size_t i, kept = 0;

	for (i = 0; i < n; i++) {
		their = policy_org_domain(p, cand[i].domain);
		if (their == NULL)
			their = cand[i].domain;
		if (strcmp(their, org) != 0) {
			switch (consent_check(record_domain, cand[i].domain,
			    ls_budget_lookup, b, name, sizeof(name))) {
			case CONSENT_YES:
				break;
			case CONSENT_NO:
				snprintf(why, sizeof(why), "no consent at %s",
				    name);
				ruf_outcome_refuse(out, cand[i].text,
				    cand[i].len, why);
				continue;
			case CONSENT_TEMPERROR:
				snprintf(why, sizeof(why),
				    "consent lookup of %s failed", name);
				ruf_outcome_refuse(out, cand[i].text,
				    cand[i].len, why);
				continue;
			}
		}
		cand[kept++] = cand[i];
	}
	return kept;
}

/* Builds the report for the candidates whose size limit it fits,
 * dropping the others (the report only shrinks when they go). */
static size_t
build_fitting(struct sbuf *msg, struct ruf_report *r, struct reporturi *cand,
    size_t n, const struct facts *f, const struct decision *d,
    struct ruf_outcome *out)
{
	char why[80];
	size_t i, kept;

	for (;;) {
		sbuf_reset(msg);
		r->n_to = n;
		for (i = 0; i < n; i++)
			r->to[i] = cand[i].addr;
		if (n == 0 || ruf_build(msg, r, f, d) != 0)
			return 0;
		for (i = kept = 0; i < n; i++) {
			if (cand[i].max_size != 0
			    && msg->len > cand[i].max_size) {
				snprintf(why, sizeof(why),
				    "a report of %zu bytes exceeds its limit",
				    msg->len);
				ruf_outcome_refuse(out, cand[i].text,
				    cand[i].len, why);
				continue;
			}
			cand[kept++] = cand[i];
		}
		if (kept == n)
			return n;
		n = kept;
	}
}

void
ls_failure_report(const struct policy *p, const struct facts *f,
    const struct decision *d, struct ls_budget *budget, const char *authserv_id,
    struct ruf_outcome *out)
{
	struct reporturi cand[RUF_MAX_ADDRESSES];
	struct ruf_report r;
	struct dmarcrec rec;
	struct sbuf headers, msg;
	char date[64];
	const char *org;
	size_t n, i;

	ruf_outcome_init(out);
	if (!p->failure_reports || d->dmarc.result != AG_DMARCR_FAIL)
		return;
	sbuf_init(&headers, HEADERS_READ_MAX);
	sbuf_init(&msg, RUF_MAX_REPORT);
	read_headers(&headers);
	out->status = ruf_consider(p, f, d,
	    ruf_is_automatic(sbuf_cstr(&headers), headers.len), &rec, out->why,
	    sizeof(out->why));
	if (out->status != RUF_WANTED)
		goto done;
	if ((n = pick_addresses(&rec, cand, out)) == 0) {
		out->status = RUF_NO_ADDRESS;
		snprintf(out->why, sizeof(out->why), "no usable ruf= address");
		goto done;
	}
	/* One report per organization and interval, claimed before any
	 * lookup, so that a flood costs no DNS queries either. */
	org = policy_org_domain(p, d->from_domain);
	if (org == NULL)
		org = d->from_domain;
	switch (ls_ruf_claim(p, org, out->why, sizeof(out->why))) {
	case LS_CLAIM_OK:
		break;
	case LS_CLAIM_LIMITED:
		out->status = RUF_RATE_LIMITED;
		goto done;
	case LS_CLAIM_ERROR:
		out->status = RUF_ERROR;
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: no failure report for message %s: %s",
		    message_id, out->why);
		goto done;
	}
	n = check_consent(p, d->dmarc.record + 7, org, cand, n, budget, out);
	memset(&r, 0, sizeof(r));
	rfc5322_now(date, sizeof(date));
	r.from = p->failure_report_from;
	r.org = p->failure_report_org[0] != '\0' ? p->failure_report_org :
						   authserv_id;
	r.host = (const char *)expand_string(US "$primary_hostname");
	r.authserv_id = authserv_id;
	r.date = date;
	r.arrival_date = date;
	r.headers = sbuf_cstr(&headers);
	r.headers_len = headers.len;
	if (n > 0 && (n = build_fitting(&msg, &r, cand, n, f, d, out)) == 0
	    && sbuf_failed(&msg)) {
		out->status = RUF_ERROR;
		snprintf(out->why, sizeof(out->why),
		    "the report exceeds %zu bytes", RUF_MAX_REPORT);
		goto done;
	}
	if (n == 0) {
		out->status = RUF_NO_ADDRESS;
		snprintf(out->why, sizeof(out->why),
		    "no ruf= address may receive it");
		goto done;
	}
	if (ls_inject(msg.buf, msg.len, out->why, sizeof(out->why)) != 0) {
		out->status = RUF_ERROR;
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: failure report about message %s not sent: %s",
		    message_id, out->why);
		goto done;
	}
	out->status = RUF_SENT;
	out->n_sent = n;
	for (i = 0; i < n; i++)
		memcpy(out->sent[i], cand[i].addr, sizeof(out->sent[i]));
	out->bytes = msg.len;
done:
	sbuf_free(&headers);
	sbuf_free(&msg);
}
