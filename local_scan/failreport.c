/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * failreport.c: failure reports, the module's half. After the
 * decision and before the message's headers are changed: read the header
 * section as received, let report/failure.c say whether a report is due, pick
 * the ruf= addresses (at most RUF_MAX_ADDRESSES, each a plain mailto:
 * address), take one report from the rate limit, check the consent of
 * addresses outside the policy record's organization within the
 * message's DNS budget, look up the SPF record when SPF failed for an
 * aligned identifier (RFC 9991's SPF-DNS), build the report and hand it
 * to Exim. Nothing here changes
 * what happens to the message: every problem is an outcome for the log
 * line, and the ones an operator must fix also a panic-log line.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "local_scan/ls.h"
#include "mail/reporturi.h"
#include "mail/spfrec.h"
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

/* Tells whether an address's domain is within the organization of the
 * domain the DMARC record came from, so needs no consent: by the public
 * suffix list and, where the decision has a tree-walk organizational
 * domain (RFC 9989), by that too. Where the two disagree the address is
 * external: an unwanted consent query costs less than reports to a
 * stranger (a registry's record without psd= makes a whole suffix one
 * organization by the tree walk). */
static bool
same_organization(const struct policy *p, const struct decision *d,
    const char *record_domain, const char *domain)
{
	const char *theirs = policy_org_domain(p, domain),
		   *ours = policy_org_domain(p, record_domain);

	if (theirs == NULL)
		theirs = domain;
	if (ours == NULL)
		ours = record_domain;
	if (strcmp(theirs, ours) != 0)
		return false;
	return d->dmarc.org_domain[0] == '\0'
	    || domain_within(domain, d->dmarc.org_domain);
}

/* Keeps the candidates outside the record's organization only with the
 * consent of their domain for the record's domain (RFC 9991 section 5,
 * RFC 9990 section 4). */
static size_t
check_consent(const struct policy *p, const struct decision *d,
    const char *record_domain, struct reporturi *cand, size_t n,
    struct ls_budget *b, struct ruf_outcome *out)
{
	char name[2 * DOMAIN_MAX_LEN + 32], why[sizeof(name) + 40];
	size_t i, kept = 0;

	for (i = 0; i < n; i++) {
		if (!same_organization(p, d, record_domain, cand[i].domain)) {
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

/* The SPF record at domain for SPF-DNS, looked up within the budget
 * (after the rate limit: a flood asks nothing); NULL, with what can be
 * said instead in *why, when there is none to quote. */
static const char *
spf_record(const char *domain, struct ls_budget *b, const char **why)
{
	struct dnsq_answer a;
	const char *found = NULL;
	size_t i, n = 0;

	*why = "no SPF domain";
	if (domain == NULL || domain[0] == '\0')
		return NULL;
	ls_budget_lookup(b, domain, &a);
	switch (a.status) {
	case DNSQ_OK:
		break;
	case DNSQ_TEMPERROR:
		*why = "its lookup for this report failed";
		return NULL;
	case DNSQ_NXDOMAIN:
	case DNSQ_NODATA:
	case DNSQ_BADNAME:
		*why = "none found";
		return NULL;
	}
	for (i = 0; i < a.n_txt; i++)
		if (spfrec_is_spf(a.txt[i]) && n++ == 0)
			found = a.txt[i];
	*why = n > 1 ? "several SPF records (a permerror)" : "none found";
	return n == 1 ? found : NULL;
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
	bool spf_failed, dkim_failed;

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
	n = check_consent(p, d, d->dmarc.record + 7, cand, n, budget, out);
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
	r.policy = p;
	ruf_failed_aligned(p, f, d, &spf_failed, &dkim_failed);
	if (n > 0 && spf_failed)
		r.spf_dns = spf_record(f->spf_domain, budget, &r.spf_dns_why);
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
