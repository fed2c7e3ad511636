/*
 * cmd_report.c: `authgate report LOG... --org-name N --org-email E [--period
 * DAY] [--out DIR] [--send]`: DMARC aggregate reports (RFC 7489 section
 * 7.2 and Appendix C) from authgate's JSON logs: one gzip-compressed XML
 * report per domain whose DMARC record (as the log recorded it) asks for
 * them with rua=, rows grouped by source address, disposition, evaluated
 * and raw results. Messages that were tempfailed are left out: the sender
 * tries them again and they are counted then. --send mails each report
 * to its rua= addresses through the local MTA (sendmail -t), after
 * checking that a report address outside the domain agreed to take it
 * (RFC 7489 7.1). Failure reports (ruf=) are not sent.
 */
#define _XOPEN_SOURCE 700 /* strptime */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "cli/cli.h"
#include "cli/loglines.h"
#include "log/logline.h"
#include "log/reader.h"
#include "mail/dmarcrec.h"
#include "mail/reporturi.h"
#include "policy/classes.h"
#include "util/domain.h"
#include "util/sbuf.h"
#include "util/tally.h"
#include "verify/consent.h"
#include "verify/dns.h"

#define MAX_DOMAINS    10000 /* reports in one run */
#define REPORT_MAX     ((size_t)64 << 20)
#define DEFAULT_MAILER "/usr/sbin/sendmail -t -oi"

static const char usage_report[]
    = "usage: authgate report --org-name NAME --org-email ADDR [--period DAY]\n"
      "                       [--out DIR] [--send] [--sendmail CMD] LOG...\n"
      "\n"
      "Writes DMARC aggregate reports (RFC 7489) from authgate's JSON logs:\n"
      "one RECEIVER!DOMAIN!BEGIN!END.xml.gz per domain whose DMARC record\n"
      "has rua=, for the UTC day DAY (default: yesterday).\n"
      "\n"
      "  -n, --org-name NAME   the reporting organization\n"
      "  -e, --org-email ADDR  its contact address (its domain names the\n"
      "                        files)\n"
      "  -p, --period DAY      2026-11-22 (UTC)\n"
      "  -o, --out DIR         where to write the reports (default .)\n"
      "  -s, --send            also mail each report to its rua= addresses\n"
      "  -m, --sendmail CMD    the mailer for --send (default\n"
      "                        \"" DEFAULT_MAILER "\")\n"
      "\n"
      "Exit status: 0 reports written (or none due), 1 a report could not be\n"
      "written or sent, 2 usage error or unreadable log.\n";

struct domain_report {
	char domain[DOMAIN_MAX_LEN + 1];
	char record[1024]; /* the DMARC TXT record as logged */
	unsigned long messages;
	struct tally rows; /* row key: fields joined by NUL */
};

struct run {
	time_t begin, end;
	struct domain_report *d[MAX_DOMAINS];
	size_t n;
	unsigned long lines, used, skipped;
	struct logrec rec;  /* the line being added */
	struct arena arena; /* its strings */
};

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

static struct domain_report *
domain_for(struct run *r, const char *domain, const char *record)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->d[i]->domain, domain) == 0)
			return r->d[i];
	if (r->n == MAX_DOMAINS)
		return NULL;
	r->d[r->n] = calloc(1, sizeof(*r->d[r->n]));
	if (r->d[r->n] == NULL)
		return NULL;
	snprintf(r->d[r->n]->domain, sizeof(r->d[0]->domain), "%s", domain);
	snprintf(r->d[r->n]->record, sizeof(r->d[0]->record), "%s", record);
	return r->d[r->n++];
}

/* Why the disposition differs from the published policy, from the
 * waivers the decision logged. */
static const char *
override_reason(const struct logrec *lr, const char *disposition)
{
	const struct logrec_finding *f;
	size_t i;

	if (lr->dmarc.policy == NULL
	    || strcmp(disposition, lr->dmarc.policy) == 0)
		return "";
	if (lr->dmarc.sampled_out)
		return "sampled_out";
	for (i = 0; i < lr->n_findings; i++) {
		f = &lr->findings[i];
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

/* One log line into its domain's rows. */
static void
add_line(struct run *r, const char *line, size_t len)
{
	const struct logrec *lr = &r->rec;
	const struct facts *f = &lr->facts;
	const struct facts_dns *dns;
	const char *domain, *disposition, *at;
	char key[4096], dkims[2048], err[8];
	struct domain_report *dr;
	struct dmarcrec rec;
	time_t when;
	size_t i, o = 0;
	int n;

	r->lines++;
	arena_free(&r->arena);
	arena_init(&r->arena);
	if (logrec_read(&r->rec, line, len, LOGREC_ALL, &r->arena, err,
		sizeof(err))
		!= 0
	    || lr->ts == NULL) {
		r->skipped++;
		return;
	}
	when = loglines_time(lr->ts);
	if (when < 0 || when < r->begin || when > r->end
	    || lr->action == AG_TEMPFAIL)
		return;
	if (!lr->has_dmarc || lr->dmarc.domain == NULL
	    || lr->dmarc.record == NULL
	    || (lr->dmarc.result != AG_DMARCR_PASS
		&& lr->dmarc.result != AG_DMARCR_FAIL))
		return;
	dns = facts_dns_get(f, lr->dmarc.record);
	if (dns == NULL || dns->temperror || dns->n_txt != 1
	    || dmarcrec_parse(dns->txt[0], &rec) != DMARCREC_OK
	    || rec.rua == NULL || strncmp(lr->dmarc.record, "_dmarc.", 7) != 0)
		return; /* no record asking for reports */
	domain = lr->dmarc.record + 7;
	if ((dr = domain_for(r, domain, dns->txt[0])) == NULL)
		return;
	if (lr->dmarc.result == AG_DMARCR_PASS || lr->action == AG_ACCEPT)
		disposition = "none";
	else if (lr->action == AG_REJECT)
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
	    lr->dmarc.dkim_aligned ? "pass" : "fail", 0,
	    lr->dmarc.spf_aligned ? "pass" : "fail", 0,
	    override_reason(lr, disposition), 0, lr->dmarc.domain, 0,
	    at != NULL ? at + 1 : "", 0,
	    f->spf_domain != NULL ? f->spf_domain : "", 0, ag_spf_name(f->spf),
	    0, dkims);
	if (n < 0 || (size_t)n >= sizeof(key))
		return;
	tally_add(&dr->rows, key, (size_t)n, NULL);
	dr->messages++;
	r->used++;
}

static void
report_one(void *ctx, const char *line, size_t len, unsigned long lineno)
{
	struct run *r = ctx;

	(void)lineno;
	if (line == NULL)
		r->skipped++;
	else
		add_line(r, line, len);
}

/* The next NUL-separated part of a row key. */
static const char *
next_part(const char **p)
{
	const char *s = *p;

	*p += strlen(s) + 1;
	return s;
}

static void
render_xml(const struct run *r, const struct domain_report *dr,
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
	    (long long)r->begin, (long long)r->end);
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

static int
write_gz(const char *path, const struct sbuf *sb)
{
	gzFile gz = gzopen(path, "wb9");

	if (gz == NULL)
		return -1;
	if (gzwrite(gz, sb->buf, (unsigned)sb->len) != (int)sb->len) {
		gzclose(gz);
		return -1;
	}
	return gzclose(gz) == Z_OK ? 0 : -1;
}

/* The mailto: addresses of rua= that may receive the report (RFC 7489
 * 7.1: outside the domain only with its consent record), comma-joined. */
static void
report_addresses(const char *domain, const char *rua, size_t rua_len, char *out,
    size_t size)
{
	const char *p = rua, *end = rua + rua_len;
	struct reporturi u;
	char name[600];

	out[0] = '\0';
	while (reporturi_next(&p, end, &u)) {
		if (u.problem != REPORTURI_OK)
			continue;
		if (!domain_within(u.domain, domain)
		    && consent_check_plain(domain, u.domain, 5, name,
			   sizeof(name))
			!= CONSENT_YES) {
			fprintf(stderr,
			    "authgate: %s: %s has not agreed to take reports "
			    "(no %s); not sent there\n",
			    domain, u.domain, name);
			continue;
		}
		if (strlen(out) + strlen(u.addr) + 3 < size)
			snprintf(out + strlen(out), size - strlen(out), "%s%s",
			    out[0] != '\0' ? ", " : "", u.addr);
	}
}

static void
base64_lines(struct sbuf *sb, const unsigned char *p, size_t len)
{
	static const char tab[]
	    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;

	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		sbuf_putc(sb, tab[(v >> 18) & 63]);
		sbuf_putc(sb, tab[(v >> 12) & 63]);
		sbuf_putc(sb, i + 1 < len ? tab[(v >> 6) & 63] : '=');
		sbuf_putc(sb, i + 2 < len ? tab[v & 63] : '=');
		if ((col += 4) == 76) {
			sbuf_puts(sb, "\n");
			col = 0;
		}
	}
	sbuf_puts(sb, "\n");
}

/* RFC 7489 7.2.1.1: the report mail, handed to the MTA. */
static int
send_report(const char *mailer, const char *org_email, const char *receiver,
    const struct domain_report *dr, const char *report_id, const char *file,
    const char *base)
{
	struct dmarcrec rec;
	struct sbuf mail;
	char to[2048], date[64];
	unsigned char *gz;
	size_t gzlen;
	time_t now = time(NULL);
	struct tm tm;
	FILE *fp;
	int rc;

	if (dmarcrec_parse(dr->record, &rec) != DMARCREC_OK || rec.rua == NULL)
		return 0;
	report_addresses(dr->domain, rec.rua, rec.rua_len, to, sizeof(to));
	if (to[0] == '\0') {
		fprintf(stderr, "authgate: %s: no rua= address to send to\n",
		    dr->domain);
		return -1;
	}
	if ((gz = (unsigned char *)cli_read_file(file, REPORT_MAX, &gzlen))
	    == NULL)
		return -1;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	sbuf_init(&mail, REPORT_MAX * 2);
	sbuf_printf(&mail,
	    "From: %s\nTo: %s\nDate: %s\n"
	    "Subject: Report Domain: %s Submitter: %s Report-ID: <%s>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"authgate-%s\"\n\n"
	    "--authgate-%s\nContent-Type: text/plain; charset=us-ascii\n\n"
	    "DMARC aggregate report for %s from %s.\n\n"
	    "--authgate-%s\nContent-Type: application/gzip\n"
	    "Content-Transfer-Encoding: base64\n"
	    "Content-Disposition: attachment; filename=\"%s\"\n\n",
	    org_email, to, date, dr->domain, receiver, report_id, report_id,
	    report_id, dr->domain, receiver, report_id, base);
	base64_lines(&mail, gz, gzlen);
	sbuf_printf(&mail, "--authgate-%s--\n", report_id);
	free(gz);
	fp = popen(mailer, "w");
	if (fp == NULL) {
		sbuf_free(&mail);
		return -1;
	}
	fwrite(mail.buf, 1, mail.len, fp);
	rc = pclose(fp);
	sbuf_free(&mail);
	if (rc != 0) {
		fprintf(stderr, "authgate: %s: the mailer (%s) failed\n",
		    dr->domain, mailer);
		return -1;
	}
	printf("sent %s to %s\n", base, to);
	return 0;
}

int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "org-name", required_argument, NULL, 'n' },
		{ "org-email", required_argument, NULL, 'e' },
		{ "period", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "send", no_argument, NULL, 's' },
		{ "sendmail", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *org_name = NULL, *org_email = NULL, *period = NULL;
	const char *out = ".", *mailer = DEFAULT_MAILER, *receiver;
	struct run *r;
	struct tm tm;
	bool send = false;
	int c, i, rc = 0;
	size_t k;

	while ((c = getopt_long(argc, argv, "n:e:p:o:sm:h", longopts, NULL))
	    != -1) {
		switch (c) {
		case 'n':
			org_name = optarg;
			break;
		case 'e':
			org_email = optarg;
			break;
		case 'p':
			period = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 's':
			send = true;
			break;
		case 'm':
			mailer = optarg;
			break;
		case 'h':
			fputs(usage_report, stdout);
			return 0;
		default:
			fputs(usage_report, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (org_name == NULL || org_email == NULL || optind >= argc
	    || (receiver = strchr(org_email, '@')) == NULL
	    || strchr(receiver + 1, '!') != NULL
	    || strchr(receiver + 1, '/') != NULL || receiver[1] == '\0') {
		fputs(usage_report, stderr);
		return CLI_EXIT_USAGE;
	}
	receiver++;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return CLI_EXIT_USAGE;
	arena_init(&r->arena);
	memset(&tm, 0, sizeof(tm));
	if (period != NULL) {
		const char *end = strptime(period, "%Y-%m-%d", &tm);

		if (end == NULL || *end != '\0') {
			fprintf(stderr,
			    "authgate: --period %s: not a day "
			    "(2026-11-22)\n",
			    period);
			free(r);
			return CLI_EXIT_USAGE;
		}
		r->begin = timegm(&tm);
	} else {
		time_t now = time(NULL) - 86400;

		gmtime_r(&now, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		r->begin = timegm(&tm);
	}
	r->end = r->begin + 86399;
	for (i = optind; i < argc && rc == 0; i++)
		if (loglines_read(argv[i], report_one, r) != 0)
			rc = CLI_EXIT_USAGE;
	for (k = 0; rc != CLI_EXIT_USAGE && k < r->n; k++) {
		struct domain_report *dr = r->d[k];
		char id[128], path[4096], base[512];
		struct sbuf xml;

		snprintf(id, sizeof(id), "%lld.%zu.%s", (long long)r->begin, k,
		    receiver);
		snprintf(base, sizeof(base), "%s!%s!%lld!%lld.xml.gz", receiver,
		    dr->domain, (long long)r->begin, (long long)r->end);
		snprintf(path, sizeof(path), "%s/%s", out, base);
		sbuf_init(&xml, REPORT_MAX);
		render_xml(r, dr, org_name, org_email, id, &xml);
		if (sbuf_failed(&xml) || write_gz(path, &xml) != 0) {
			fprintf(stderr,
			    "authgate: %s: cannot write the report%s\n", path,
			    sbuf_failed(&xml) ? " (too large)" : "");
			rc = CLI_EXIT_INVALID;
		} else {
			printf("wrote %s: %lu messages in %zu rows\n", path,
			    dr->messages, dr->rows.n);
			if (send
			    && send_report(mailer, org_email, receiver, dr, id,
				   path, base)
				!= 0)
				rc = CLI_EXIT_INVALID;
		}
		sbuf_free(&xml);
	}
	if (rc == 0 && r->n == 0)
		printf("no reports due: no message of that day from a domain "
		       "asking for them (%lu lines read)\n",
		    r->lines);
	for (k = 0; k < r->n; k++) {
		tally_free(&r->d[k]->rows);
		free(r->d[k]);
	}
	arena_free(&r->arena);
	free(r);
	return rc;
}
