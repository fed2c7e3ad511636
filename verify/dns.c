/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns.c: TXT lookups over libresolv's res_nquery with a private resolver
 * state per call (thread- and re-entry safe, and nothing of Exim's own
 * resolver settings is touched). h_errno alone cannot tell a SERVFAIL from
 * a timeout, so the answer buffer is cleared first and its header, when a
 * reply arrived, gives the rcode.
 */
#include <arpa/nameser.h>
#include <idn2.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/dns.h"

static const char *const status_names[] = {
	[DNSQ_OK] = "ok",
	[DNSQ_NXDOMAIN] = "nxdomain",
	[DNSQ_NODATA] = "nodata",
	[DNSQ_TEMPERROR] = "temperror",
	[DNSQ_BADNAME] = "badname",
};

const char *
dnsq_status_name(enum dnsq_status status)
{
	return status_names[status];
}

bool
dnsq_name_ok(const char *name, size_t len, unsigned flags)
{
	size_t i, label = 0;

	if ((flags & DNSQ_NAME_FINAL_DOT) != 0 && len > 1
	    && name[len - 1] == '.')
		len--;
	if (len == 0 || len > DNSQ_MAX_NAME)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.') {
			/* An empty label: a leading dot, "..", a final dot. */
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (++label > DNSQ_MAX_LABEL || c == '\0')
			return false;
		if ((flags & DNSQ_NAME_ANY_BYTE) == 0
		    && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			|| (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return label > 0;
}

/* Names authgate asks for are host names with '_' labels (_dmarc,
 * _domainkey) in A-label form, with no final dot; anything else is not
 * sent at all: the resolver would refuse it only after the caller had
 * counted it as DNS trouble. */
static bool
queryable(const char *name)
{
	return dnsq_name_ok(name, strlen(name), 0);
}

/* One MX record as "PREFERENCE HOST" into buf; false to skip it. */
static bool
mx_text(const ns_msg *handle, const ns_rr *rr, char *buf, size_t size)
{
	char host[NS_MAXDNAME];

	if (ns_rr_rdlen(*rr) < 3
	    || ns_name_uncompress(ns_msg_base(*handle), ns_msg_end(*handle),
		   ns_rr_rdata(*rr) + 2, host, sizeof(host))
		< 0)
		return false;
	snprintf(buf, size, "%u %s", ns_get16(ns_rr_rdata(*rr)),
	    host[0] != '\0' ? host : ".");
	return true;
}

/* One TXT record's character-strings joined into buf (size must exceed
 * DNSQ_MAX_TXT_LEN). A record with a NUL byte cannot be a valid DKIM or
 * DMARC record; it stays cut at the NUL, which then fails to parse. */
static bool
txt_text(const ns_rr *rr, char *buf)
{
	const unsigned char *rd = ns_rr_rdata(*rr),
			    *end = rd + ns_rr_rdlen(*rr);
	size_t o = 0, l;

	while (rd < end) {
		l = *rd++;
		if (l > (size_t)(end - rd))
			l = (size_t)(end - rd);
		if (o + l > DNSQ_MAX_TXT_LEN)
			l = DNSQ_MAX_TXT_LEN - o;
		memcpy(buf + o, rd, l);
		o += l;
		rd += l;
	}
	buf[o] = '\0';
	return true;
}

/* The records of the asked type in the answer, as text. */
static void
collect(const unsigned char *msg, int len, int type, struct arena *arena,
    struct dnsq_answer *out)
{
	char buf[DNSQ_MAX_TXT_LEN + NS_MAXDNAME + 16];
	ns_msg handle;
	ns_rr rr;
	int i, count;

	if (ns_initparse(msg, len, &handle) != 0) {
		out->status = DNSQ_TEMPERROR;
		return;
	}
	count = ns_msg_count(handle, ns_s_an);
	for (i = 0; i < count && out->n_txt < DNSQ_MAX_TXT; i++) {
		if (ns_parserr(&handle, ns_s_an, i, &rr) != 0)
			break;
		if ((int)ns_rr_type(rr) != type
		    || !(type == ns_t_mx ?
			    mx_text(&handle, &rr, buf, sizeof(buf)) :
			    txt_text(&rr, buf)))
			continue;
		out->txt[out->n_txt] = arena_strdup(arena, buf);
		if (out->txt[out->n_txt] != NULL)
			out->n_txt++;
	}
	out->status = out->n_txt > 0 ? DNSQ_OK : DNSQ_NODATA;
}

static void
query(const char *name, int type, unsigned timeout, struct arena *arena,
    struct dnsq_answer *out)
{
	unsigned char answer[8192];
	struct __res_state rs;
	HEADER *hp = (HEADER *)answer;
	int len;

	char *ascii = NULL;
	const unsigned char *u;

	memset(out, 0, sizeof(*out));
	out->rcode = -1;
	/* A domain in U-labels is asked for in its A-label (xn--) form. */
	for (u = (const unsigned char *)name; *u != '\0' && *u < 0x80; u++)
		;
	if (*u != '\0') {
		if (idn2_to_ascii_8z(name, &ascii, IDN2_NONTRANSITIONAL)
		    != IDN2_OK) {
			out->status = DNSQ_BADNAME;
			return;
		}
		name = ascii;
	}
	if (!queryable(name)) {
		out->status = DNSQ_BADNAME;
		free(ascii);
		return;
	}
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) != 0) {
		out->status = DNSQ_TEMPERROR;
		free(ascii);
		return;
	}
	if (timeout == 0)
		timeout = 1;
	if (timeout > DNSQ_MAX_TIMEOUT)
		timeout = DNSQ_MAX_TIMEOUT;
	rs.retrans = (int)timeout;
	rs.retry = 1;
	rs.options &= ~(unsigned long)(RES_DEFNAMES | RES_DNSRCH);
	memset(answer, 0, sizeof(hp[0]));
	len = res_nquery(&rs, name, ns_c_in, type, answer, (int)sizeof(answer));
	if (hp->qr)
		out->rcode = hp->rcode;
	if (len >= 0) {
		if (len > (int)sizeof(answer))
			len = (int)sizeof(answer);
		collect(answer, len, type, arena, out);
	} else if (out->rcode == ns_r_nxdomain) {
		out->status = DNSQ_NXDOMAIN;
	} else if (out->rcode == ns_r_noerror && rs.res_h_errno == NO_DATA) {
		out->status = DNSQ_NODATA;
	} else {
		out->status = DNSQ_TEMPERROR;
	}
	res_nclose(&rs);
	free(ascii);
}

void
dnsq_txt(const char *name, unsigned timeout, struct arena *arena,
    struct dnsq_answer *out)
{
	query(name, ns_t_txt, timeout, arena, out);
}

void
dnsq_mx(const char *name, unsigned timeout, struct arena *arena,
    struct dnsq_answer *out)
{
	query(name, ns_t_mx, timeout, arena, out);
}
