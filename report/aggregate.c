/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * aggregate.c: the aggregate reports of a period, one per domain asking
 * for them, built from logged messages and rendered as RFC 7489's XML.
 * A row's key is its fields joined by NUL bytes, so a tally counts the
 * messages of each row; rendering splits it again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/dmarcrec.h"
#include "report/aggregate.h"

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

/* The report about domain, made (with the record) on first use; NULL
 * when there is no room. */
static struct rua_report *
report_for(struct rua *a, const char *domain, const char *record)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (strcmp(a->report[i]->domain, domain) == 0)
			return a->report[i];
	if (a->n == RUA_MAX_REPORTS)
		return NULL;
	a->report[a->n] = calloc(1, sizeof(*a->report[a->n]));
	if (a->report[a->n] == NULL)
		return NULL;
	snprintf(a->report[a->n]->domain, sizeof(a->report[0]->domain), "%s",
	    domain);
	snprintf(a->report[a->n]->record, sizeof(a->report[0]->record), "%s",
	    record);
	return a->report[a->n++];
}

/* Why the disposition differs from the published policy (RFC 7489
 * Appendix C's PolicyOverrideType), from the waivers the decision
 * logged; "" when it does not. */
static const char *
override_reason(const struct rua_message *m, const char *disposition)
{
	const struct rua_finding *f;
	size_t i;

	if (m->policy == NULL || strcmp(disposition, m->policy) == 0)
		return "";
	if (m->sampled_out)
		return "sampled_out";
	for (i = 0; i < m->n_findings; i++) {
		f = &m->findings[i];
		if (f->waived == NULL
		    || ag_class_family(f->cls) != AG_FAM_DMARC)
			continue;
		if (strncmp(f->waived, "arc.sealer", 10) == 0)
			return "mailing_list";
		if (strncmp(f->waived, "trusted.relay", 13) == 0)
			return "trusted_forwarder";
	}
	return "local_policy";
}

int
rua_add(struct rua *a, const struct rua_message *m)
{
	const struct facts *f = m->facts;
	const struct facts_dns *dns;
	const char *disposition, *at;
	char key[4096], dkims[2048];
	struct rua_report *r;
	struct dmarcrec rec;
	size_t i, o = 0;
	int n;

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
	if ((r = report_for(a, m->record + 7, dns->txt[0])) == NULL)
		return -1;
	if (m->result == AG_DMARCR_PASS || m->action == AG_ACCEPT)
		disposition = "none";
	else if (m->action == AG_REJECT)
		disposition = "reject";
	else
		disposition = "quarantine";
	dkims[0] = '\0';
	for (i = 0; i < f->n_dkim; i++) {
		n = snprintf(dkims + o, sizeof(dkims) - o, "%s%s\t%s\t%s",
		    o > 0 ? "\n" : "", f->dkim[i].d,
		    f->dkim[i].s != NULL ? f->dkim[i].s : "",
		    ag_dkim_rfc_word(f->dkim[i].result));
		if (n < 0 || (size_t)n >= sizeof(dkims) - o)
			break;
		o += (size_t)n;
	}
	at = strchr(f->mail_from, '@');
	n = snprintf(key, sizeof(key), "%s%c%s%c%s%c%s%c%s%c%s%c%s%c%s%c%s%c%s",
	    f->client_ip != NULL ? f->client_ip : "", 0, disposition, 0,
	    m->dkim_aligned ? "pass" : "fail", 0,
	    m->spf_aligned ? "pass" : "fail", 0,
	    override_reason(m, disposition), 0, m->from_domain, 0,
	    at != NULL ? at + 1 : "", 0,
	    f->spf_domain != NULL ? f->spf_domain : "", 0, ag_spf_name(f->spf),
	    0, dkims);
	if (n < 0 || (size_t)n >= sizeof(key))
		return 0; /* (its domain's report is there all the same) */
	tally_add(&r->rows, key, (size_t)n, NULL);
	r->messages++;
	return 1;
}

/* The next NUL-separated part of a row key. */
static const char *
next_part(const char **p)
{
	const char *s = *p;

	*p += strlen(s) + 1;
	return s;
}

void
rua_render_xml(const struct rua *a, const struct rua_report *dr,
    const char *org_name, const char *org_email, const char *report_id,
    struct sbuf *sb)
{
	struct tally_row **rows = tally_sorted(&dr->rows);
	struct dmarcrec rec;
	char num[32], fo[64];
	size_t i;

	(void)dmarcrec_parse(dr->record, &rec);
	snprintf(fo, sizeof(fo), "%.*s", rec.fo != NULL ? (int)rec.fo_len : 1,
	    rec.fo != NULL ? rec.fo : "0");
	sbuf_puts(sb,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>"
	    "<version>1.0</version><report_metadata>");
	xml_elem(sb, "org_name", org_name);
	xml_elem(sb, "email", org_email);
	xml_elem(sb, "report_id", report_id);
	sbuf_printf(sb,
	    "<date_range><begin>%lld</begin><end>%lld</end>"
	    "</date_range></report_metadata><policy_published>",
	    (long long)a->begin, (long long)a->end);
	xml_elem(sb, "domain", dr->domain);
	xml_elem(sb, "adkim", rec.adkim_strict ? "s" : "r");
	xml_elem(sb, "aspf", rec.aspf_strict ? "s" : "r");
	xml_elem(sb, "p", dmarcrec_policy_name(rec.p));
	xml_elem(sb, "sp", dmarcrec_policy_name(rec.sp));
	snprintf(num, sizeof(num), "%u", rec.pct);
	xml_elem(sb, "pct", num);
	xml_elem(sb, "fo", fo);
	sbuf_puts(sb, "</policy_published>\n");
	for (i = 0; rows != NULL && rows[i] != NULL; i++) {
		const char *p = rows[i]->key;
		const char *ip = next_part(&p), *disp = next_part(&p);
		const char *dkim_eval = next_part(&p),
			   *spf_eval = next_part(&p);
		const char *reason = next_part(&p), *hfrom = next_part(&p);
		const char *efrom = next_part(&p), *spf_dom = next_part(&p);
		const char *spf = next_part(&p), *dkims = p;

		sbuf_puts(sb, "<record><row>");
		xml_elem(sb, "source_ip", ip);
		sbuf_printf(sb, "<count>%lu</count><policy_evaluated>",
		    rows[i]->count);
		xml_elem(sb, "disposition", disp);
		xml_elem(sb, "dkim", dkim_eval);
		xml_elem(sb, "spf", spf_eval);
		if (reason[0] != '\0') {
			sbuf_puts(sb, "<reason>");
			xml_elem(sb, "type", reason);
			sbuf_puts(sb, "</reason>");
		}
		sbuf_puts(sb, "</policy_evaluated></row><identifiers>");
		if (efrom[0] != '\0')
			xml_elem(sb, "envelope_from", efrom);
		xml_elem(sb, "header_from", hfrom);
		sbuf_puts(sb, "</identifiers><auth_results>");
		while (dkims[0] != '\0') {
			const char *end = strchr(dkims, '\n'), *t1, *t2;
			size_t len = end != NULL ? (size_t)(end - dkims) :
						   strlen(dkims);

			t1 = memchr(dkims, '\t', len);
			t2 = t1 != NULL ? memchr(t1 + 1, '\t',
				 len - (size_t)(t1 + 1 - dkims)) :
					  NULL;
			if (t1 != NULL && t2 != NULL) {
				sbuf_puts(sb, "<dkim><domain>");
				xml_text(sb, dkims, (size_t)(t1 - dkims));
				sbuf_puts(sb, "</domain><selector>");
				xml_text(sb, t1 + 1, (size_t)(t2 - t1 - 1));
				sbuf_puts(sb, "</selector><result>");
				xml_text(sb, t2 + 1,
				    len - (size_t)(t2 + 1 - dkims));
				sbuf_puts(sb, "</result></dkim>");
			}
			dkims += len + (end != NULL);
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
