/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aggregate.c: the aggregate reports of a period, one per DMARC Policy
 * Domain asking for them, built from logged messages and rendered as RFC
 * 9990's XML. A row's key is its fields joined by NUL bytes, so a tally
 * counts the messages of each row; rendering splits it again. Inside a
 * field, reasons are "type TAB comment" joined by LF, signatures "d TAB s
 * TAB result" joined by LF (neither TAB nor LF occurs in the values).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/dmarcrec.h"
#include "report/aggregate.h"
#include "util/version.h"

#define KEY_MAX (RUA_MAX_DKIM * (2 * DOMAIN_MAX_LEN + 16) + 8192)
static void
xml_text(struct sbuf *sb, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '<':
			sbuf_puts(sb, "&lt;");
			break;
		case '>':
			sbuf_puts(sb, "&gt;");
			break;
		case '&':
			sbuf_puts(sb, "&amp;");
			break;
		case '"':
			sbuf_puts(sb, "&quot;");
			break;
		default:
			/* XML 1.0 has no control characters but tab, LF, CR. */
			sbuf_putc(sb, c < 0x20 || c == 0x7f ? '?' : (char)c);
		}
	}
}

static void
xml_elem(struct sbuf *sb, const char *name, const char *value)
{
	sbuf_printf(sb, "<%s>", name);
	xml_text(sb, value, strlen(value));
	sbuf_printf(sb, "</%s>", name);
}

void
rua_init(struct rua *a, time_t begin, time_t end)
{
	a->begin = begin;
	a->end = end;
	a->n = 0;
}

/* The report about domain, made on first use; NULL when there is no
 * room. The record it states is the one of the latest message (RFC 9990:
 * the final configuration of the period). */
static struct rua_report *
report_for(struct rua *a, const char *domain, const char *record, time_t when,
    bool treewalk)
{
	struct rua_report *r = NULL;
	size_t i;

	for (i = 0; i < a->n && r == NULL; i++)
		if (strcmp(a->report[i]->domain, domain) == 0)
			r = a->report[i];
	if (r == NULL) {
		if (a->n == RUA_MAX_REPORTS)
			return NULL;
		if ((r = calloc(1, sizeof(*r))) == NULL)
			return NULL;
		snprintf(r->domain, sizeof(r->domain), "%s", domain);
		a->report[a->n++] = r;
	} else if (when < r->record_when) {
		return r;
	}
	snprintf(r->record, sizeof(r->record), "%s", record);
	r->record_when = when;
	r->treewalk = treewalk;
	return r;
}

/* Appends a value a sender wrote to a row key, its TABs and line ends
 * (the key's separators) and other control bytes as spaces: a d= or s=
 * can add no field or signature of its own to the report. */
static void
put_key_text(struct sbuf *sb, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		sbuf_putc(sb,
		    (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

/* Appends a reason (type, and a comment with no TAB or LF, or NULL). */
static void
add_reason(struct sbuf *sb, const char *type, const char *comment)
{
	if (sb->len > 0)
		sbuf_putc(sb, '\n');
	sbuf_puts(sb, type);
	sbuf_putc(sb, '\t');
	put_key_text(sb, comment);
}

/* The sealer ARC vouched with, or NULL: the line's arc_sealer, or an
 * older line's DMARC waiver "arc.sealer:NAME". */
static const char *
arc_sealer(const struct rua_message *m, char *buf, size_t size)
{
	const struct rua_finding *f;
	size_t i;

	if (m->arc_sealer != NULL)
		return m->arc_sealer;
	for (i = 0; i < m->n_findings; i++) {
		f = &m->findings[i];
		if (f->waived != NULL && ag_class_family(f->cls) == AG_FAM_DMARC
		    && strncmp(f->waived, "arc.sealer", 10) == 0) {
			snprintf(buf, size, "%s",
			    f->waived[10] == ':' ? f->waived + 11 : "");
			return buf;
		}
	}
	return NULL;
}

/* The relay a DMARC waiver names ("trusted.relay:CIDR"), or NULL. */
static const char *
trusted_relay(const struct rua_message *m)
{
	const struct rua_finding *f;
	size_t i;

	for (i = 0; i < m->n_findings; i++) {
		f = &m->findings[i];
		if (f->waived != NULL && ag_class_family(f->cls) == AG_FAM_DMARC
		    && strncmp(f->waived, "trusted.relay", 13) == 0)
			return f->waived[13] == ':' ? f->waived + 14 : "";
	}
	return NULL;
}

/* Why the disposition of a message that failed DMARC differs from the
 * policy published (RFC 9990's PolicyOverrideType), into sb. A passing
 * message has none: nothing overrode its policy. */
static void
override_reasons(const struct rua_message *m, const char *disposition,
    struct sbuf *sb)
{
	const char *published = m->published != NULL ? m->published : m->policy;
	const char *sealer, *relay;
	char buf[DOMAIN_MAX_LEN + 1], comment[DOMAIN_MAX_LEN + 64];

	if (m->result == AG_DMARCR_PASS || published == NULL)
		return;
	if (m->testing && strcmp(disposition, published) != 0) {
		add_reason(sb, "policy_test_mode", NULL);
		if (m->pct0_testing)
			add_reason(sb, "other", "pct=0 read as t=y");
	}
	if (m->sampled_out) {
		snprintf(comment, sizeof(comment),
		    "sampled out by pct=%u (RFC 7489)", m->pct);
		add_reason(sb, "other", comment);
	}
	if (m->policy == NULL || strcmp(disposition, m->policy) == 0)
		return;
	if ((sealer = arc_sealer(m, buf, sizeof(buf))) != NULL) {
		snprintf(comment, sizeof(comment), "ARC sealer %s", sealer);
		add_reason(sb, "mailing_list", comment);
	} else if ((relay = trusted_relay(m)) != NULL) {
		snprintf(comment, sizeof(comment), "trusted relay %s", relay);
		add_reason(sb, "trusted_forwarder", comment);
	} else {
		add_reason(sb, "local_policy", NULL);
	}
}

/* RFC 9990's order of signatures: 0 a pass strictly aligned with the
 * From domain, 1 relaxed aligned (within its Organizational Domain: the
 * logged one, else the Policy Domain for an RFC 7489 line), 2 another
 * pass, 3 not a pass. */
static int
dkim_rank(const struct facts_dkim *k, const char *from, const char *org)
{
	if (k->result != AG_DKIMR_PASS)
		return 3;
	if (strcasecmp(k->d, from) == 0)
		return 0;
	if (org != NULL && domain_within(k->d, org) && domain_within(from, org))
		return 1;
	return 2;
}

/* The message's signatures, best first, at most RUA_MAX_DKIM, into sb. */
static void
dkim_results(const struct rua_message *m, const char *policy_domain,
    struct sbuf *sb)
{
	const struct facts *f = m->facts;
	const char *org = m->org_domain != NULL ? m->org_domain : policy_domain;
	size_t i, n = 0;
	int rank;

	for (rank = 0; rank <= 3; rank++)
		for (i = 0; i < f->n_dkim && n < RUA_MAX_DKIM; i++) {
			if (f->dkim[i].d == NULL
			    || dkim_rank(&f->dkim[i], m->from_domain, org)
				!= rank)
				continue;
			if (n > 0)
				sbuf_putc(sb, '\n');
			put_key_text(sb, f->dkim[i].d);
			sbuf_putc(sb, '\t');
			put_key_text(sb, f->dkim[i].s);
			sbuf_printf(sb, "\t%s",
			    ag_dkim_rfc_word(f->dkim[i].result));
			n++;
		}
}

/* RFC 9990's disposition: what was done, or "pass" for a DMARC pass under
 * an enforcing policy. */
static const char *
disposition_of(const struct rua_message *m)
{
	const char *published = m->published != NULL ? m->published : m->policy;

	if (m->result == AG_DMARCR_PASS)
		return published != NULL && strcmp(published, "none") != 0 ?
		    "pass" :
		    "none";
	if (m->action == AG_ACCEPT)
		return "none";
	if (m->action == AG_REJECT)
		return "reject";
	return "quarantine";
}

int
rua_add(struct rua *a, const struct rua_message *m)
{
	const struct facts *f = m->facts;
	const struct facts_dns *dns;
	const char *disposition, *at, *policy_domain;
	struct rua_report *r;
	struct dmarcrec rec;
	struct sbuf key, part;
	bool failed;

	if (m->when < 0 || m->when < a->begin || m->when > a->end
	    || m->action == AG_TEMPFAIL)
		return 0;
	if (!m->has_dmarc || m->from_domain == NULL || m->record == NULL
	    || (m->result != AG_DMARCR_PASS && m->result != AG_DMARCR_FAIL))
		return 0;
	dns = facts_dns_get(f, m->record);
	if (dns == NULL || dns->temperror || dns->n_txt != 1
	    || dmarcrec_parse(dns->txt[0], &rec) != DMARCREC_OK
	    || rec.rua == NULL || strncmp(m->record, "_dmarc.", 7) != 0)
		return 0; /* no record asking for reports */
	policy_domain
	    = m->policy_domain != NULL ? m->policy_domain : m->record + 7;
	if ((r = report_for(a, policy_domain, dns->txt[0], m->when, m->rfc9989))
	    == NULL)
		return -1;
	disposition = disposition_of(m);
	at = strchr(f->mail_from, '@');
	sbuf_init(&key, KEY_MAX);
	sbuf_printf(&key, "%s%c%s%c%s%c%s%c",
	    f->client_ip != NULL ? f->client_ip : "", 0, disposition, 0,
	    m->dkim_aligned ? "pass" : "fail", 0,
	    m->spf_aligned ? "pass" : "fail", 0);
	sbuf_init(&part, KEY_MAX);
	override_reasons(m, disposition, &part);
	failed = sbuf_failed(&part);
	sbuf_putn(&key, part.buf != NULL ? part.buf : "", part.len);
	sbuf_printf(&key, "%c%s%c%s%c%s%c%s%c", 0, m->from_domain, 0,
	    at != NULL ? at + 1 : "", 0,
	    f->spf_domain != NULL ? f->spf_domain : "", 0, ag_spf_name(f->spf),
	    0);
	sbuf_reset(&part);
	dkim_results(m, policy_domain, &part);
	sbuf_putn(&key, part.buf != NULL ? part.buf : "", part.len);
	failed = failed || sbuf_failed(&part) || sbuf_failed(&key);
	sbuf_free(&part);
	if (!failed) {
		tally_add(&r->rows, key.buf, key.len, NULL);
		r->messages++;
	}
	sbuf_free(&key);
	return failed ? 0 : 1; /* (its report is there all the same) */
}

void
rua_report_names(const struct rua *a, const struct rua_report *r,
    const char *receiver, char *id, char *file)
{
	/* Nothing but the period, the domain and the receiver: a re-run over
	 * the same period names the report the same (RFC 9990 asks a
	 * re-sent report to keep its file name). */
	snprintf(id, RUA_ID_MAX, "%lld.%lld.%s@%s", (long long)a->begin,
	    (long long)a->end, r->domain, receiver);
	snprintf(file, RUA_ID_MAX, "%s!%s!%lld!%lld.xml.gz", receiver,
	    r->domain, (long long)a->begin, (long long)a->end);
}

/* The next NUL-separated part of a row key. */
static const char *
next_part(const char **p)
{
	const char *s = *p;

	*p += strlen(s) + 1;
	return s;
}

/* The next LF-separated item of a part, split at its TABs into up to n
 * fields (field[i], len[i]); false after the last. */
static bool
next_item(const char **p, size_t n, const char **field, size_t *len)
{
	const char *s = *p, *end, *tab;
	size_t i;

	if (*s == '\0')
		return false;
	end = strchr(s, '\n');
	if (end == NULL)
		end = s + strlen(s);
	for (i = 0; i < n; i++) {
		tab = memchr(s, '\t', (size_t)(end - s));
		field[i] = s;
		len[i] = (size_t)((tab != NULL && i + 1 < n ? tab : end) - s);
		s = tab != NULL && i + 1 < n ? tab + 1 : end;
	}
	*p = *end == '\n' ? end + 1 : end;
	return true;
}

static void
xml_part(struct sbuf *sb, const char *name, const char *s, size_t len)
{
	sbuf_printf(sb, "<%s>", name);
	xml_text(sb, s, len);
	sbuf_printf(sb, "</%s>", name);
}

void
rua_render_xml(const struct rua *a, const struct rua_report *dr,
    const char *org_name, const char *org_email, const char *report_id,
    struct sbuf *sb)
{
	struct tally_row **rows = tally_sorted(&dr->rows);
	const char *field[3];
	size_t len[3];
	struct dmarcrec rec;
	char fo[64];
	size_t i;

	(void)dmarcrec_parse(dr->record, &rec);
	snprintf(fo, sizeof(fo), "%.*s", rec.fo != NULL ? (int)rec.fo_len : 1,
	    rec.fo != NULL ? rec.fo : "0");
	sbuf_puts(sb,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<feedback xmlns=\"" RUA_NAMESPACE "\">"
	    "<version>1.0</version><report_metadata>");
	xml_elem(sb, "org_name", org_name);
	xml_elem(sb, "email", org_email);
	xml_elem(sb, "report_id", report_id);
	sbuf_printf(sb,
	    "<date_range><begin>%lld</begin><end>%lld</end></date_range>"
	    "<generator>authgate " AUTHGATE_VERSION "</generator>"
	    "</report_metadata><policy_published>",
	    (long long)a->begin, (long long)a->end);
	xml_elem(sb, "domain", dr->domain);
	xml_elem(sb, "p", dmarcrec_policy_name(rec.p));
	xml_elem(sb, "sp", dmarcrec_policy_name(rec.sp));
	xml_elem(sb, "np", dmarcrec_policy_name(rec.np));
	xml_elem(sb, "adkim", rec.adkim_strict ? "s" : "r");
	xml_elem(sb, "aspf", rec.aspf_strict ? "s" : "r");
	xml_elem(sb, "discovery_method", dr->treewalk ? "treewalk" : "psl");
	xml_elem(sb, "fo", fo);
	xml_elem(sb, "testing", rec.testing ? "y" : "n");
	sbuf_puts(sb, "</policy_published>\n");
	for (i = 0; rows != NULL && rows[i] != NULL; i++) {
		const char *p = rows[i]->key;
		const char *ip = next_part(&p), *disp = next_part(&p);
		const char *dkim_eval = next_part(&p),
			   *spf_eval = next_part(&p);
		const char *reasons = next_part(&p), *hfrom = next_part(&p);
		const char *efrom = next_part(&p), *spf_dom = next_part(&p);
		const char *spf = next_part(&p), *dkims = p;

		sbuf_puts(sb, "<record><row>");
		xml_elem(sb, "source_ip", ip);
		sbuf_printf(sb, "<count>%lu</count><policy_evaluated>",
		    rows[i]->count);
		xml_elem(sb, "disposition", disp);
		xml_elem(sb, "dkim", dkim_eval);
		xml_elem(sb, "spf", spf_eval);
		while (next_item(&reasons, 2, field, len)) {
			sbuf_puts(sb, "<reason>");
			xml_part(sb, "type", field[0], len[0]);
			if (len[1] > 0)
				xml_part(sb, "comment", field[1], len[1]);
			sbuf_puts(sb, "</reason>");
		}
		sbuf_puts(sb, "</policy_evaluated></row><identifiers>");
		if (efrom[0] != '\0')
			xml_elem(sb, "envelope_from", efrom);
		xml_elem(sb, "header_from", hfrom);
		sbuf_puts(sb, "</identifiers><auth_results>");
		while (next_item(&dkims, 3, field, len)) {
			sbuf_puts(sb, "<dkim>");
			xml_part(sb, "domain", field[0], len[0]);
			xml_part(sb, "selector", field[1], len[1]);
			xml_part(sb, "result", field[2], len[2]);
			sbuf_puts(sb, "</dkim>");
		}
		sbuf_puts(sb, "<spf>");
		xml_elem(sb, "domain", spf_dom);
		xml_elem(sb, "scope", "mfrom");
		xml_elem(sb, "result", spf);
		sbuf_puts(sb, "</spf></auth_results></record>\n");
	}
	sbuf_puts(sb, "</feedback>\n");
	free(rows);
}

void
rua_free(struct rua *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		tally_free(&a->report[i]->rows);
		free(a->report[i]);
	}
	a->n = 0;
}
