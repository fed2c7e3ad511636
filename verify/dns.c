/*
 * dns.c: TXT lookups over libresolv's res_nquery with a private resolver
 * state per call (thread- and re-entry safe, and nothing of Exim's own
 * resolver settings is touched). h_errno alone cannot tell a SERVFAIL from
 * a timeout, so the answer buffer is cleared first and its header, when a
 * reply arrived, gives the rcode.
 */
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>

#include "dns.h"

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

static bool
queryable(const char *name)
{
	size_t len = strlen(name), i;

	if (len == 0 || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c <= 0x20 || c >= 0x7f || c == '\\')
			return false;
	}
	return true;
}

/* Joins the character-strings of each TXT record in the answer. */
static void
collect_txt(const unsigned char *msg, int len, struct arena *arena,
    struct dnsq_answer *out)
{
	char buf[DNSQ_MAX_TXT_LEN + 1];
	ns_msg handle;
	ns_rr rr;
	int i, count;

	if (ns_initparse(msg, len, &handle) != 0) {
		out->status = DNSQ_TEMPERROR;
		return;
	}
	count = ns_msg_count(handle, ns_s_an);
	for (i = 0; i < count && out->n_txt < DNSQ_MAX_TXT; i++) {
		const unsigned char *rd, *end;
		size_t o = 0;

		if (ns_parserr(&handle, ns_s_an, i, &rr) != 0)
			break;
		if (ns_rr_type(rr) != ns_t_txt)
			continue;
		rd = ns_rr_rdata(rr);
		end = rd + ns_rr_rdlen(rr);
		while (rd < end) {
			size_t l = *rd++;

			if (l > (size_t)(end - rd))
				l = (size_t)(end - rd);
			if (o + l > DNSQ_MAX_TXT_LEN)
				l = DNSQ_MAX_TXT_LEN - o;
			memcpy(buf + o, rd, l);
			o += l;
			rd += l;
		}
		buf[o] = '\0';
		/* A record with a NUL byte cannot be a valid DKIM or DMARC
		 * record; keep it cut at the NUL, which then fails to parse. */
		out->txt[out->n_txt] = arena_strdup(arena, buf);
		if (out->txt[out->n_txt] != NULL)
			out->n_txt++;
	}
	out->status = out->n_txt > 0 ? DNSQ_OK : DNSQ_NODATA;
}

void
dnsq_txt(const char *name, unsigned timeout, struct arena *arena,
    struct dnsq_answer *out)
{
	unsigned char answer[8192];
	struct __res_state rs;
	HEADER *hp = (HEADER *)answer;
	int len;

	memset(out, 0, sizeof(*out));
	out->rcode = -1;
	if (!queryable(name)) {
		out->status = DNSQ_BADNAME;
		return;
	}
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) != 0) {
		out->status = DNSQ_TEMPERROR;
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
	len = res_nquery(&rs, name, ns_c_in, ns_t_txt, answer,
	    (int)sizeof(answer));
	if (hp->qr)
		out->rcode = hp->rcode;
	if (len >= 0) {
		collect_txt(answer,
		    len < (int)sizeof(answer) ? len : (int)sizeof(answer),
		    arena, out);
	} else if (out->rcode == ns_r_nxdomain) {
		out->status = DNSQ_NXDOMAIN;
	} else if (out->rcode == ns_r_noerror && rs.res_h_errno == NO_DATA) {
		out->status = DNSQ_NODATA;
	} else {
		out->status = DNSQ_TEMPERROR;
	}
	res_nclose(&rs);
}
