/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * failure.c: when a failure report is made, and what it says. Reports are
 * made only for DMARC failures this host acts on as such: not in monitor
 * mode, not when an exception waived the failure, not for tempfailed
 * messages (the retry is decided again), not about automatic mail, and
 * never to the ruf= of a psd=y record (RFC 9991 section 2); fo= then
 * narrows them further. pct= (RFC 7489) and t=y do not: a message sampled
 * out of, or tested against, the domain's policy still failed DMARC.
 * Identity-Alignment names the mechanisms that failed for an aligned
 * identifier (RFC 9991 section 4, the opposite of RFC 7489's reading).
 * Every value a sender or a DNS answer supplied is redacted or made
 * printable before it is written.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/domcanon.h"
#include "mail/taglist.h"
#include "policy/verdict.h"
#include "report/failure.h"
#include "report/redact.h"
#include "util/version.h"

static const char *const status_names[] = {
	[RUF_NONE] = "none",
	[RUF_WANTED] = "wanted",
	[RUF_SENT] = "sent",
	[RUF_NO_RUF] = "no_ruf",
	[RUF_NOT_REQUESTED] = "not_requested",
	[RUF_NOT_REPORTED] = "not_reported",
	[RUF_NO_ADDRESS] = "no_address",
	[RUF_RATE_LIMITED] = "rate_limited",
	[RUF_ERROR] = "error",
};

const char *
ruf_status_name(enum ruf_status status)
{
	return status_names[status];
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

unsigned
ruf_fo_parse(const char *fo, size_t len)
{
	unsigned bits = 0;
	size_t i = 0, start, end;

	while (fo != NULL && i < len) {
		start = i;
		while (i < len && fo[i] != ':')
			i++;
		end = i++;
		while (start < end && is_wsp(fo[start]))
			start++;
		while (end > start && is_wsp(fo[end - 1]))
			end--;
		if (end - start != 1)
			continue;
		switch (fo[start]) {
		case '0':
			bits |= RUF_FO_ALL;
			break;
		case '1':
			bits |= RUF_FO_ANY;
			break;
		case 'd':
		case 'D':
			bits |= RUF_FO_DKIM;
			break;
		case 's':
		case 'S':
			bits |= RUF_FO_SPF;
			break;
		default:
			break;
		}
	}
	return bits != 0 ? bits : RUF_FO_ALL;
}

bool
ruf_fo_wants(unsigned fo, const struct facts *f, const struct decision *d)
{
	size_t i;

	/* On a DMARC failure no mechanism produced an aligned pass, which
	 * is what both 0 and 1 ask about. */
	if (fo & (RUF_FO_ALL | RUF_FO_ANY))
		return true;
	/* A signature that failed evaluation has a finding of its own;
	 * a DNS error is not a failed evaluation. */
	if (fo & RUF_FO_DKIM)
		for (i = 0; i < d->n_findings; i++)
			if (d->findings[i].sig >= 0
			    && d->findings[i].cls != AG_DKIM_TEMPERROR)
				return true;
	if ((fo & RUF_FO_SPF)
	    && (f->spf == AG_SPFR_FAIL || f->spf == AG_SPFR_SOFTFAIL
		|| f->spf == AG_SPFR_PERMERROR))
		return true;
	return false;
}

/* The next header field of a section at *pos: a line and the lines
 * after it that start with a blank. Returns false at the end (or at the
 * empty line that ends a section). */
static bool
next_field(const char *h, size_t len, size_t *pos, const char **field,
    size_t *flen)
{
	size_t i = *pos;
	const char *nl;

	if (i >= len || h[i] == '\n'
	    || (h[i] == '\r' && i + 1 < len && h[i + 1] == '\n'))
		return false;
	*field = h + i;
	for (;;) {
		nl = memchr(h + i, '\n', len - i);
		i = nl != NULL ? (size_t)(nl - h) + 1 : len;
		if (i >= len || !is_wsp(h[i]))
			break;
	}
	*flen = (size_t)(h + i - *field);
	*pos = i;
	return true;
}

/* The value of a field named name, blanks around it trimmed; NULL when
 * the field has another name. */
static const char *
field_value(const char *field, size_t flen, const char *name, size_t *vlen)
{
	size_t n = strlen(name), i = n;

	if (flen <= n || strncasecmp(field, name, n) != 0)
		return NULL;
	while (i < flen && is_wsp(field[i]))
		i++;
	if (i >= flen || field[i] != ':')
		return NULL;
	for (i++; i < flen
	     && (is_wsp(field[i]) || field[i] == '\r' || field[i] == '\n');
	     i++)
		;
	*vlen = flen - i;
	return field + i;
}

static bool
contains_nocase(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word), i;

	for (i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, word, n) == 0)
			return true;
	return false;
}

bool
ruf_is_automatic(const char *headers, size_t len)
{
	const char *field, *v;
	size_t pos = 0, flen, vlen;

	while (next_field(headers, len, &pos, &field, &flen)) {
		if ((v = field_value(field, flen, "Auto-Submitted", &vlen))
		    != NULL) {
			if (!(vlen >= 2 && strncasecmp(v, "no", 2) == 0
				&& (vlen == 2 || is_wsp(v[2]) || v[2] == ';'
				    || v[2] == '(' || v[2] == '\r'
				    || v[2] == '\n')))
				return true;
		} else if ((v = field_value(field, flen, "Content-Type", &vlen))
		    != NULL) {
			if (contains_nocase(v, vlen, "multipart/report"))
				return true;
		}
	}
	return false;
}

/* The one DMARC record decide() used, read again from the facts. */
static bool
find_record(const struct facts *f, const struct decision *d,
    struct dmarcrec *rec)
{
	const struct facts_dns *dns = facts_dns_get(f, d->dmarc.record);
	size_t i;

	for (i = 0; dns != NULL && i < dns->n_txt; i++)
		if (dmarcrec_parse(dns->txt[i], rec) == DMARCREC_OK)
			return true;
	return false;
}

enum ruf_status
ruf_consider(const struct policy *p, const struct facts *f,
    const struct decision *d, bool automatic, struct dmarcrec *rec, char *why,
    size_t whysz)
{
	char waiver[DOMAIN_MAX_LEN + 80], fo[48];
	size_t i;

	why[0] = '\0';
	if (!p->failure_reports || d->dmarc.result != AG_DMARCR_FAIL
	    || d->basis == BASIS_SKIP_AUTH || d->basis == BASIS_SKIP_HOST
	    || !find_record(f, d, rec))
		return RUF_NONE;
	if (rec->ruf == NULL || rec->ruf_len == 0)
		return RUF_NO_RUF;
	if (rec->psd == DMARC_PSD_Y || d->dmarc.psd == DMARC_PSD_Y
	    || d->dmarc.source == DMARC_SRC_PSD) {
		snprintf(why, whysz,
		    "the DMARC record has psd=y: its ruf= is never used "
		    "(RFC 9991 section 2)");
		return RUF_NOT_REPORTED;
	}
	if (d->monitor) {
		snprintf(why, whysz, "monitor mode");
		return RUF_NOT_REPORTED;
	}
	for (i = 0; i < d->n_findings; i++) {
		const struct finding *fi = &d->findings[i];

		if ((fi->cls == AG_DMARC_REJECT
			|| fi->cls == AG_DMARC_QUARANTINE
			|| fi->cls == AG_DMARC_FAIL)
		    && fi->waived != WAIVE_NONE) {
			verdict_waiver(d, fi, waiver, sizeof(waiver));
			snprintf(why, whysz, "DMARC failure waived: %.120s",
			    waiver);
			return RUF_NOT_REPORTED;
		}
	}
	if (d->action == AG_TEMPFAIL) {
		snprintf(why, whysz, "tempfailed: the retry is decided again");
		return RUF_NOT_REPORTED;
	}
	if (automatic) {
		snprintf(why, whysz,
		    "automatic message (Auto-Submitted, or a report)");
		return RUF_NOT_REPORTED;
	}
	if (!ruf_fo_wants(ruf_fo_parse(rec->fo, rec->fo_len), f, d)) {
		text_printable(fo, sizeof(fo), rec->fo,
		    rec->fo_len < 40 ? rec->fo_len : 40);
		snprintf(why, whysz, "fo=%s asks for other failures", fo);
		return RUF_NOT_REQUESTED;
	}
	return RUF_WANTED;
}

/* Copies text of our own making (configuration, host name) with any
 * byte outside printable ASCII and space as '?'. */
static void
plain_copy(char *dst, size_t size, const char *src)
{
	size_t i;

	if (src == NULL)
		src = "";
	for (i = 0; i + 1 < size && src[i] != '\0'; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

/* RFC 6591's Delivery-Result for an action, and the same in words. */
static const char *
delivery_result(enum ag_action a, bool words)
{
	switch (a) {
	case AG_ACCEPT:
		return "delivered";
	case AG_TAG:
		return words ? "delivered, marked as spam" : "spam";
	case AG_QUARANTINE:
		return words ? "held in quarantine" : "policy";
	case AG_TEMPFAIL:
		return words ? "refused for now" : "other";
	case AG_REJECT:
		return words ? "rejected" : "reject";
	}
	return "other";
}

/* A plain token (a domain or selector), or NULL. */
static const char *
token_or_null(const char *s)
{
	const char *p;

	if (s == NULL || s[0] == '\0' || strlen(s) > 253)
		return NULL;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
			|| (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'
			|| *p == '_'))
			return NULL;
	return s;
}

/* Tells whether a signature did not pass: its result, or a key shorter
 * than min_key_bits (ed25519 keys are fixed-size and report 0 bits). */
static bool
sig_failed(const struct facts_dkim *sig, unsigned min_key_bits)
{
	if (sig->result != AG_DKIMR_PASS)
		return true;
	if (sig->bits == 0 || min_key_bits == 0
	    || (sig->a != NULL && strncmp(sig->a, "ed25519", 7) == 0))
		return false;
	return sig->bits < min_key_bits;
}

/* Tells whether an authenticated domain aligns with the From domain:
 * equal to it, or under relaxed alignment within its organizational
 * domain (the decision's tree-walk one, else the public suffix list's). */
static bool
ruf_aligned(const struct policy *p, const struct decision *d, const char *raw,
    bool strict)
{
	char dom[DOMAIN_MAX_LEN + 1], err[8];
	const char *org = NULL;

	if (raw == NULL || d->from_domain[0] == '\0'
	    || domcanon_strict(raw, strlen(raw), dom, err, sizeof(err)) != 0)
		return false;
	if (strcmp(dom, d->from_domain) == 0)
		return true;
	if (strict)
		return false;
	if (d->dmarc.org_domain[0] != '\0')
		org = d->dmarc.org_domain;
	else if (p != NULL)
		org = policy_org_domain(p, d->from_domain);
	return org != NULL && domain_within(dom, org);
}

/* The aligned signature that did not pass, d= the From domain first. */
static int
failed_sig(const struct policy *p, const struct facts *f,
    const struct decision *d, bool strict)
{
	unsigned min_bits = p != NULL ? p->min_key_bits : 0;
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < f->n_dkim; i++) {
			const struct facts_dkim *sig = &f->dkim[i];

			if (sig_failed(sig, min_bits)
			    && ruf_aligned(p, d, sig->d, strict || pass == 0))
				return (int)i;
		}
	return -1;
}

void
ruf_failed_aligned(const struct policy *p, const struct facts *f,
    const struct decision *d, bool *spf, bool *dkim)
{
	struct dmarcrec rec;
	bool have = find_record(f, d, &rec);

	if (d->dmarc.policy_domain[0] != '\0') {
		*spf = d->dmarc.spf_failed_aligned;
		*dkim = d->dmarc.dkim_failed_aligned;
		return;
	}
	*spf = f->spf != AG_SPFR_PASS
	    && ruf_aligned(p, d, f->spf_domain, have && rec.aspf_strict);
	*dkim = failed_sig(p, f, d, have && rec.adkim_strict) >= 0;
}

int
ruf_failed_aligned_sig(const struct policy *p, const struct facts *f,
    const struct decision *d)
{
	struct dmarcrec rec;
	bool spf, dkim, have = find_record(f, d, &rec);

	ruf_failed_aligned(p, f, d, &spf, &dkim);
	if (dkim && d->dmarc.policy_domain[0] != '\0'
	    && d->dmarc.dkim_failed_sig >= 0
	    && (size_t)d->dmarc.dkim_failed_sig < f->n_dkim)
		return d->dmarc.dkim_failed_sig;
	return dkim ? failed_sig(p, f, d, have && rec.adkim_strict) : -1;
}

/* Tells whether a tag's value names the same domain as dom (ASCII case
 * ignored, one final dot allowed). */
static bool
tag_is_domain(const struct tag *t, const char *dom)
{
	size_t n = strlen(dom), len = t->value_len;

	if (len > 0 && t->value[len - 1] == '.')
		len--;
	return len == n && strncasecmp(t->value, dom, n) == 0;
}

void
ruf_dkim_identity(char *out, size_t size, const char *headers, size_t len,
    const struct facts_dkim *sig)
{
	const char *field, *v, *at;
	const struct tag *td, *ts, *ti;
	char dom[DOMAIN_MAX_LEN + 1];
	struct taglist tl;
	size_t pos = 0, flen, vlen;

	snprintf(out, size, "@%s", sig->d);
	while (headers != NULL && sig->s != NULL
	    && next_field(headers, len, &pos, &field, &flen)) {
		if ((v = field_value(field, flen, "DKIM-Signature", &vlen))
			== NULL
		    || taglist_parse(v, vlen, &tl) != 0)
			continue;
		td = taglist_get(&tl, "d");
		ts = taglist_get(&tl, "s");
		if (td == NULL || ts == NULL || !tag_is_domain(td, sig->d)
		    || !tag_is_domain(ts, sig->s))
			continue;
		ti = taglist_get(&tl, "i");
		if (ti == NULL)
			return;
		at = memchr(ti->value, '@', ti->value_len);
		if (at == NULL || (size_t)(at + 1 - ti->value) >= ti->value_len
		    || ti->value + ti->value_len - (at + 1) > DOMAIN_MAX_LEN)
			return;
		memcpy(dom, at + 1,
		    (size_t)(ti->value + ti->value_len - at - 1));
		dom[ti->value + ti->value_len - at - 1] = '\0';
		if (token_or_null(dom) == NULL)
			return;
		/* The local part is redacted as everywhere in the report. */
		snprintf(out, size, "%s@%s", at > ti->value ? REDACT_TOKEN : "",
		    dom);
		return;
	}
}

/* SPF-DNS (RFC 6591 3.1): "txt", the name asked and the record as
 * found, folded before spaces (so it unfolds to itself) to keep lines
 * short; a record of bytes outside printable ASCII, or one too long or
 * without spaces to fold at, is not quoted. */
static bool
spf_dns_quotable(const char *domain, const char *txt)
{
	size_t i, run = 0;

	if (txt == NULL || token_or_null(domain) == NULL || txt[0] == '\0')
		return false;
	for (i = 0; txt[i] != '\0'; i++) {
		if (txt[i] < 0x20 || txt[i] >= 0x7f || i >= RUF_SPF_DNS_MAX)
			return false;
		run = txt[i] == ' ' ? 0 : run + 1;
		if (run > 900)
			return false;
	}
	return true;
}

static void
put_spf_dns(struct sbuf *sb, const char *domain, const char *txt)
{
	size_t i, len = strlen(txt), col;

	sbuf_printf(sb, "SPF-DNS: txt : %s : ", domain);
	col = strlen("SPF-DNS: txt :  : ") + strlen(domain);
	for (i = 0; i < len; i++) {
		if (txt[i] == ' ' && col > 72) {
			sbuf_putc(sb, '\n');
			col = 0;
		}
		sbuf_putc(sb, txt[i]);
		col++;
	}
	sbuf_putc(sb, '\n');
}

static void
build_text(struct sbuf *sb, const struct ruf_report *r, const struct facts *f,
    const struct decision *d, bool spf_failed, int sig, size_t omitted)
{
	char org[80], dom[80], host[80], ip[80], when[80], rec[80], a[80],
	    b[80], mf[REPORTURI_MAX_ADDR + 16];
	size_t i;

	plain_copy(org, sizeof(org), r->org);
	text_printable(dom, sizeof(dom), d->from_domain, 64);
	text_printable(host, sizeof(host), r->host, 64);
	text_printable(ip, sizeof(ip), f->client_ip, 64);
	plain_copy(when, sizeof(when), r->arrival_date);
	text_printable(rec, sizeof(rec), d->dmarc.record, 72);
	redact_address(mf, sizeof(mf), f->mail_from);
	sbuf_printf(sb,
	    "This is a DMARC failure report from %s for %s (RFC 9991,\n"
	    "in the format of RFC 6591). A message that claimed to come from\n"
	    "%s failed DMARC at %s.\n\n",
	    org, dom, dom, host);
	sbuf_printf(sb, "    Arrival date:  %s\n", when);
	sbuf_printf(sb, "    Source IP:     %s\n", ip);
	sbuf_printf(sb, "    MAIL FROM:     %s\n", mf);
	if (d->dmarc.rfc7489)
		sbuf_printf(sb, "    DMARC record:  %s (p=%s, pct=%u)\n", rec,
		    dmarcrec_policy_name(d->dmarc.published), d->dmarc.pct);
	else
		sbuf_printf(sb, "    DMARC record:  %s (p=%s%s)\n", rec,
		    dmarcrec_policy_name(d->dmarc.published),
		    d->dmarc.testing ? ", testing" : "");
	text_printable(a, sizeof(a), f->spf_domain, 64);
	sbuf_printf(sb, "    SPF:           %s for %s, %s\n",
	    ag_spf_name(f->spf), a,
	    spf_failed ? "aligned" : "not an aligned pass");
	if (spf_failed && !spf_dns_quotable(f->spf_domain, r->spf_dns)) {
		plain_copy(b, sizeof(b),
		    r->spf_dns != NULL	       ? "not quoted (not plain text)" :
			r->spf_dns_why != NULL ? r->spf_dns_why :
						 "not looked up");
		sbuf_printf(sb, "    SPF record:    %s\n", b);
	}
	if (f->n_dkim == 0)
		sbuf_puts(sb, "    DKIM:          no signature\n");
	for (i = 0; i < f->n_dkim && i < 4; i++) {
		text_printable(a, sizeof(a), f->dkim[i].d, 64);
		text_printable(b, sizeof(b), f->dkim[i].s, 64);
		sbuf_printf(sb, "    DKIM:          d=%s s=%s: %s, %s\n", a, b,
		    ag_dkim_name(f->dkim[i].result),
		    (int)i == sig ? "aligned" : "not an aligned pass");
	}
	if (f->n_dkim > 4)
		sbuf_printf(sb, "    DKIM:          %zu more signatures\n",
		    f->n_dkim - 4);
	sbuf_printf(sb, "    Action taken:  %s\n\n",
	    delivery_result(d->action, true));
	sbuf_puts(sb,
	    "In the attached header section the local part of every address\n"
	    "is replaced by \"" REDACT_TOKEN "\" (RFC 6590), each message id "
	    "carries the\nfirst 16 hex digits of the SHA-256 of its part before "
	    "\"@\", header\nfields of unknown meaning keep their name only, and "
	    "the message body\nis not included.\n");
	if (omitted > 0)
		sbuf_printf(sb,
		    "%zu more header fields are left out for size.\n", omitted);
}

static void
build_feedback(struct sbuf *sb, const struct ruf_report *r,
    const struct facts *f, const struct decision *d, bool spf_failed,
    bool dkim_failed, int sig)
{
	char host[80], ip[80], when[80], dom[80], id[80],
	    mf[REPORTURI_MAX_ADDR + 16];
	struct sbuf ar;

	text_printable(host, sizeof(host), r->host, 64);
	text_printable(ip, sizeof(ip), f->client_ip, 64);
	plain_copy(when, sizeof(when), r->arrival_date);
	text_printable(dom, sizeof(dom), d->from_domain, 64);
	text_printable(id, sizeof(id), r->authserv_id, 64);
	redact_address(mf, sizeof(mf), f->mail_from);
	sbuf_printf(sb,
	    "Feedback-Type: auth-failure\n"
	    "User-Agent: authgate/%s\n"
	    "Version: 1\n"
	    "Original-Mail-From: %s\n"
	    "Arrival-Date: %s\n"
	    "Reporting-MTA: dns; %s\n",
	    AUTHGATE_VERSION, mf, when, host);
	if (f->client_ip != NULL)
		sbuf_printf(sb, "Source-IP: %s\n", ip);
	sbuf_printf(sb, "Reported-Domain: %s\nAuth-Failure: dmarc\n", dom);
	/* Our own header, through the redactor all the same. */
	sbuf_init(&ar, 16384);
	verdict_authres(&ar, f, d, id);
	if (!sbuf_failed(&ar))
		redact_text(sb, ar.buf, ar.len);
	sbuf_free(&ar);
	/* RFC 9991 section 4: the mechanisms that failed to authenticate
	 * an aligned identifier (RFC 7489 named those that produced one). */
	sbuf_printf(sb, "Identity-Alignment: %s\n",
	    dkim_failed && spf_failed ? "dkim, spf" :
		dkim_failed	      ? "dkim" :
		spf_failed	      ? "spf" :
					"none");
	sbuf_printf(sb, "Delivery-Result: %s\n",
	    delivery_result(d->action, false));
	if (sig >= 0) {
		const struct facts_dkim *k = &f->dkim[sig];
		char idn[DOMAIN_MAX_LEN + 16];

		ruf_dkim_identity(idn, sizeof(idn), r->headers, r->headers_len,
		    k);
		sbuf_printf(sb,
		    "DKIM-Domain: %s\nDKIM-Identity: %s\nDKIM-Selector: %s\n",
		    k->d, idn, k->s);
	}
	if (spf_failed && spf_dns_quotable(f->spf_domain, r->spf_dns))
		put_spf_dns(sb, f->spf_domain, r->spf_dns);
}

/* The redacted header section, within RUF_MAX_HEADERS; returns how many
 * fields were left out. */
static size_t
build_headers(struct sbuf *sb, const char *h, size_t len)
{
	const char *field;
	size_t pos = 0, flen, omitted = 0;
	struct sbuf one;

	sbuf_init(&one, (size_t)8 * 1024 * 1024);
	while (h != NULL && next_field(h, len, &pos, &field, &flen)) {
		sbuf_reset(&one);
		redact_field(&one, field, flen);
		if (sbuf_failed(&one) || one.len == 0)
			continue;
		if (one.len > RUF_MAX_FIELD) {
			one.len = RUF_MAX_FIELD;
			one.buf[one.len] = '\0';
			sbuf_puts(&one, "[...]\n");
		}
		if (sb->len + one.len > RUF_MAX_HEADERS) {
			omitted++;
			continue;
		}
		sbuf_putn(sb, one.buf, one.len);
	}
	sbuf_free(&one);
	return omitted;
}

/* A boundary that occurs in none of the parts. */
static void
pick_boundary(char *b, size_t size, const char *id, const struct sbuf *parts,
    size_t n)
{
	char clean[40];
	unsigned k;
	size_t i, o = 0;
	bool clash;

	for (i = 0; id != NULL && id[i] != '\0' && o < sizeof(clean) - 1; i++)
		if ((id[i] >= 'a' && id[i] <= 'z')
		    || (id[i] >= 'A' && id[i] <= 'Z')
		    || (id[i] >= '0' && id[i] <= '9') || id[i] == '-')
			clean[o++] = id[i];
	clean[o] = '\0';
	for (k = 0;; k++) {
		snprintf(b, size, "=_authgate_ruf_%s_%u", clean, k);
		clash = false;
		for (i = 0; i < n && !clash; i++)
			clash = parts[i].buf != NULL && strstr(parts[i].buf, b);
		if (!clash)
			return;
	}
}

int
ruf_build(struct sbuf *out, const struct ruf_report *r, const struct facts *f,
    const struct decision *d)
{
	struct sbuf parts[3];
	char boundary[96], dom[80], ip[80], date[80];
	size_t i, omitted;
	int rc = 0, sig;
	bool spf_failed, dkim_failed;

	for (i = 0; i < 3; i++)
		sbuf_init(&parts[i], RUF_MAX_REPORT);
	ruf_failed_aligned(r->policy, f, d, &spf_failed, &dkim_failed);
	sig = ruf_failed_aligned_sig(r->policy, f, d);
	if (sig >= 0
	    && (token_or_null(f->dkim[sig].d) == NULL
		|| token_or_null(f->dkim[sig].s) == NULL))
		sig = -1; /* nothing a sender chose goes in unchecked */
	omitted = build_headers(&parts[2], r->headers, r->headers_len);
	build_text(&parts[0], r, f, d, spf_failed, sig, omitted);
	build_feedback(&parts[1], r, f, d, spf_failed, dkim_failed, sig);
	pick_boundary(boundary, sizeof(boundary), f->id, parts, 3);
	text_printable(dom, sizeof(dom), d->from_domain, 64);
	text_printable(ip, sizeof(ip), f->client_ip, 64);
	plain_copy(date, sizeof(date), r->date);
	sbuf_printf(out, "From: %s\nTo: ", r->from);
	for (i = 0; i < r->n_to; i++)
		sbuf_printf(out, "%s%s", i > 0 ? ",\n\t" : "", r->to[i]);
	sbuf_printf(out,
	    "\nDate: %s\n"
	    "Subject: DMARC failure report for %s from %s\n"
	    "MIME-Version: 1.0\n"
	    "Auto-Submitted: auto-generated\n"
	    "Content-Type: multipart/report; report-type=feedback-report;\n"
	    "\tboundary=\"%s\"\n\n"
	    "This is a DMARC failure report (RFC 6591) in MIME format.\n\n",
	    date, dom, ip, boundary);
	sbuf_printf(out,
	    "--%s\nContent-Type: text/plain; charset=us-ascii\n"
	    "Content-Transfer-Encoding: 7bit\n\n",
	    boundary);
	sbuf_putn(out, sbuf_cstr(&parts[0]), parts[0].len);
	sbuf_printf(out, "\n--%s\nContent-Type: message/feedback-report\n\n",
	    boundary);
	sbuf_putn(out, sbuf_cstr(&parts[1]), parts[1].len);
	sbuf_printf(out,
	    "\n--%s\nContent-Type: text/rfc822-headers\n"
	    "Content-Transfer-Encoding: 7bit\n\n",
	    boundary);
	sbuf_putn(out, sbuf_cstr(&parts[2]), parts[2].len);
	sbuf_printf(out, "\n--%s--\n", boundary);
	for (i = 0; i < 3; i++) {
		if (sbuf_failed(&parts[i]))
			rc = -1;
		sbuf_free(&parts[i]);
	}
	return rc == 0 && !sbuf_failed(out) ? 0 : -1;
}

void
ruf_outcome_init(struct ruf_outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->status = RUF_NONE;
}

void
ruf_outcome_refuse(struct ruf_outcome *o, const char *uri, size_t len,
    const char *why)
{
	struct ruf_refused *r;

	if (o->n_refused++ >= RUF_MAX_REFUSED)
		return;
	r = &o->refused[o->n_refused - 1];
	if (len > RUF_LOG_URI_MAX)
		len = RUF_LOG_URI_MAX;
	memcpy(r->uri, uri, len);
	r->uri[len] = '\0';
	snprintf(r->why, sizeof(r->why), "%s", why);
}

void
ruf_outcome_to_json(const struct ruf_outcome *o, struct sbuf *sb)
{
	size_t i;

	sbuf_puts(sb, "{\"status\":");
	sbuf_json_str(sb, ruf_status_name(o->status));
	if (o->why[0] != '\0') {
		sbuf_puts(sb, ",\"why\":");
		sbuf_json_str(sb, o->why);
	}
	if (o->n_sent > 0) {
		sbuf_puts(sb, ",\"to\":[");
		for (i = 0; i < o->n_sent; i++) {
			if (i > 0)
				sbuf_putc(sb, ',');
			sbuf_json_str(sb, o->sent[i]);
		}
		sbuf_putc(sb, ']');
	}
	if (o->n_refused > 0) {
		sbuf_puts(sb, ",\"refused\":[");
		for (i = 0; i < o->n_refused && i < RUF_MAX_REFUSED; i++) {
			sbuf_puts(sb, i > 0 ? ",{\"uri\":" : "{\"uri\":");
			sbuf_json_str(sb, o->refused[i].uri);
			sbuf_puts(sb, ",\"why\":");
			sbuf_json_str(sb, o->refused[i].why);
			sbuf_putc(sb, '}');
		}
		sbuf_putc(sb, ']');
		if (o->n_refused > RUF_MAX_REFUSED)
			sbuf_printf(sb, ",\"refused_more\":%zu",
			    o->n_refused - RUF_MAX_REFUSED);
	}
	if (o->status == RUF_SENT)
		sbuf_printf(sb, ",\"bytes\":%zu", o->bytes);
	sbuf_putc(sb, '}');
}
