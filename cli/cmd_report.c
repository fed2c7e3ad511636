/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_report.c: `authgate report LOG... --org-name N --org-email E [--period
 * DAY] [--out DIR] [--send]`: DMARC aggregate reports (RFC 9990) from
 * authgate's JSON logs: one gzip-compressed XML report per DMARC Policy
 * Domain whose record (as the log recorded it) asks for them with rua=. The
 * reports are gathered and rendered by report/aggregate.c from the lines
 * log/reader.c reads; this file reads the logs, writes the files and, with
 * --send, mails each report to its rua= addresses through the local MTA
 * (sendmail -t), after checking that a report address outside the domain agreed
 * to take it (RFC 9990's external destinations). Failure reports (ruf=) are not
 * sent.
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
#include "log/reader.h"
#include "mail/dmarcrec.h"
#include "mail/reporturi.h"
#include "report/aggregate.h"
#include "util/domain.h"
#include "util/sbuf.h"
#include "verify/consent.h"

#define REPORT_MAX_RUA 8 /* rua= addresses one report goes to */

#define REPORT_MAX     ((size_t)64 << 20)
#define DEFAULT_MAILER "/usr/sbin/sendmail -t -oi"

static const char usage_report[]
    = "usage: authgate report --org-name NAME --org-email ADDR [--period DAY]\n"
      "                       [--out DIR] [--send] [--sendmail CMD] LOG...\n"
      "\n"
      "Writes DMARC aggregate reports (RFC 9990) from authgate's JSON logs:\n"
      "one RECEIVER!DOMAIN!BEGIN!END.xml.gz per DMARC Policy Domain whose\n"
      "record has rua=, for the UTC day DAY (default: yesterday).\n"
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

struct run {
	struct rua reports;
	unsigned long lines;
	struct logrec rec;  /* the line being added */
	struct arena arena; /* its strings */
};

/* One log line into its domain's report, if it belongs in one. */
static void
add_line(struct run *r, const char *line, size_t len)
{
	const struct logrec *lr = &r->rec;
	struct rua_finding findings[LOGREC_MAX_FINDINGS];
	struct rua_message m;
	char err[8];
	size_t i;

	r->lines++;
	arena_free(&r->arena);
	arena_init(&r->arena);
	if (logrec_read(&r->rec, line, len, LOGREC_ALL, &r->arena, err,
		sizeof(err))
		!= 0
	    || lr->ts == NULL)
		return;
	m.when = cli_log_time(lr->ts);
	m.action = lr->action;
	m.has_dmarc = lr->has_dmarc;
	m.result = lr->dmarc.result;
	m.from_domain = lr->dmarc.domain;
	m.record = lr->dmarc.record;
	m.policy = lr->dmarc.policy;
	m.rfc9989 = lr->dmarc.rfc9989;
	m.policy_domain = lr->dmarc.policy_domain;
	m.org_domain = lr->dmarc.org_domain;
	m.published = lr->dmarc.published;
	m.testing = lr->dmarc.testing;
	m.pct0_testing = lr->dmarc.pct0_testing;
	m.arc_sealer = lr->dmarc.arc_sealer;
	m.pct = lr->dmarc.pct;
	m.sampled_out = lr->dmarc.sampled_out;
	m.spf_aligned = lr->dmarc.spf_aligned;
	m.dkim_aligned = lr->dmarc.dkim_aligned;
	for (i = 0; i < lr->n_findings; i++) {
		findings[i].cls = lr->findings[i].cls;
		findings[i].waived = lr->findings[i].waived;
	}
	m.n_findings = lr->n_findings;
	m.findings = findings;
	m.facts = &lr->facts;
	(void)rua_add(&r->reports, &m); /* no room: left out, as before */
}

static void
report_one(void *ctx, const char *line, size_t len, unsigned long lineno)
{
	struct run *r = ctx;

	(void)lineno;
	if (line != NULL)
		add_line(r, line, len);
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

/* Appends addr to the comma-joined list out (size bytes) if it fits. */
static void
add_address(char *out, size_t size, const char *addr)
{
	size_t len = strlen(out);

	if (len + strlen(addr) + 3 < size)
		snprintf(out + len, size - len, "%s%s", len > 0 ? ", " : "",
		    addr);
}

/* The mailto: addresses of rua= that may receive the report, comma-joined
 * (RFC 9990's external destinations): one whose Organizational Domain
 * (by RFC 9989's tree walk) differs from the Policy Domain's only with a
 * consent record at DOMAIN._report._dmarc.HOST, whose own rua= replaces
 * the address when it names the same host, and stops reports to either
 * when it names another. */
static void
report_addresses(const char *domain, const char *rua, size_t rua_len, char *out,
    size_t size)
{
	const char *p = rua, *end = rua + rua_len, *q;
	struct reporturi u, v;
	char name[600], over[1024];
	bool other;
	unsigned tried = 0;

	out[0] = '\0';
	while (reporturi_next(&p, end, &u)) {
		if (u.problem != REPORTURI_OK)
			continue;
		/* Each address costs consent lookups (and walks): a record
		 * cannot make one report run ask without end (RFC 9990
		 * 2.1: "up to the receiver's limit"). */
		if (tried++ == REPORT_MAX_RUA) {
			fprintf(stderr,
			    "authgate: %s: more than %d rua= addresses; the "
			    "rest are not sent to\n",
			    domain, REPORT_MAX_RUA);
			break;
		}
		if (consent_destination_plain(domain, u.domain, 5, name,
			sizeof(name), over, sizeof(over))
		    != CONSENT_YES) {
			fprintf(stderr,
			    "authgate: %s: %s has not agreed to take reports "
			    "(no %s); not sent there\n",
			    domain, u.domain, name);
			continue;
		}
		if (over[0] == '\0') {
			add_address(out, size, u.addr);
			continue;
		}
		other = false;
		for (q = over; reporturi_next(&q, over + strlen(over), &v);)
			if (v.problem == REPORTURI_OK
			    && strcmp(v.domain, u.domain) != 0)
				other = true;
		if (other) {
			fprintf(stderr,
			    "authgate: %s: %s names another host in rua=; "
			    "reports go to neither\n",
			    domain, name);
			continue;
		}
		for (q = over; reporturi_next(&q, over + strlen(over), &v);)
			if (v.problem == REPORTURI_OK)
				add_address(out, size, v.addr);
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

/* RFC 9990's report mail, handed to the MTA. */
static int
send_report(const char *mailer, const char *org_email, const char *receiver,
    const struct rua_report *dr, const char *report_id, const char *file,
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
	time_t begin;
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
		begin = timegm(&tm);
	} else {
		time_t now = time(NULL) - 86400;

		gmtime_r(&now, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		begin = timegm(&tm);
	}
	rua_init(&r->reports, begin, begin + 86399);
	for (i = optind; i < argc && rc == 0; i++)
		if (cli_read_log(argv[i], report_one, r) != 0)
			rc = CLI_EXIT_USAGE;
	for (k = 0; rc != CLI_EXIT_USAGE && k < r->reports.n; k++) {
		struct rua_report *dr = r->reports.report[k];
		char id[RUA_ID_MAX], path[4096], base[RUA_ID_MAX];
		struct sbuf xml;

		rua_report_names(&r->reports, dr, receiver, id, base);
		snprintf(path, sizeof(path), "%s/%s", out, base);
		sbuf_init(&xml, REPORT_MAX);
		rua_render_xml(&r->reports, dr, org_name, org_email, id, &xml);
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
	if (rc == 0 && r->reports.n == 0)
		printf("no reports due: no message of that day from a domain "
		       "asking for them (%lu lines read)\n",
		    r->lines);
	rua_free(&r->reports);
	arena_free(&r->arena);
	free(r);
	return rc;
}
