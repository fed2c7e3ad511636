/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns.h: the resolver layer of the verifiers. TXT lookups through the
 * system resolver (res_nquery, the resolv.conf of the network namespace
 * the process runs in) with a per-query timeout, and an answer that tells
 * "no such record" from "DNS trouble", which callers turn into
 * key_missing / none versus temperror.
 */
#ifndef AG_DNS_H
#define AG_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

#define DNSQ_MAX_TXT	 8    /* TXT records kept per answer */
#define DNSQ_MAX_TXT_LEN 4096 /* bytes per record, strings joined */
#define DNSQ_MAX_TIMEOUT 30   /* seconds per query */

enum dnsq_status {
	DNSQ_OK,	/* one or more TXT records */
	DNSQ_NXDOMAIN,	/* the name does not exist */
	DNSQ_NODATA,	/* the name exists, no TXT record */
	DNSQ_TEMPERROR, /* SERVFAIL, REFUSED, timeout, no server */
	DNSQ_BADNAME,	/* the name cannot be asked (dnsq_name_ok): no query */
};

/* dnsq_name_ok flags. */
#define DNSQ_NAME_FINAL_DOT 1u /* one final dot allowed (and not counted) */
#define DNSQ_NAME_ANY_BYTE  2u /* a label may hold any byte but NUL and '.' */

#define DNSQ_MAX_NAME  253 /* octets of a name, without a final dot */
#define DNSQ_MAX_LABEL 63  /* octets of a label */

struct dnsq_answer {
	enum dnsq_status status;
	size_t n_txt;
	const char *txt[DNSQ_MAX_TXT]; /* each record's strings joined */
	int rcode;		       /* DNS rcode, or -1 without a reply */
};

/* A lookup a caller can wrap (the module adds its per-message budget). */
typedef void (*dnsq_lookup_fn)(void *ctx, const char *name,
    struct dnsq_answer *answer);

/* Tells whether the len bytes at name make a name DNS can be asked for:
 * labels of 1 to DNSQ_MAX_LABEL octets, DNSQ_MAX_NAME octets in all, of
 * letters, digits, '-' and '_' (or any byte but NUL with
 * DNSQ_NAME_ANY_BYTE), and no final dot unless DNSQ_NAME_FINAL_DOT. */
bool dnsq_name_ok(const char *name, size_t len, unsigned flags);
/* Looks up the TXT records of name, waiting at most timeout seconds
 * (one try). Strings go into arena. Never fails: trouble is an answer; a
 * name that cannot be asked (dnsq_name_ok, after U-labels become
 * A-labels) is DNSQ_BADNAME, and nothing is sent. */
void dnsq_txt(const char *name, unsigned timeout, struct arena *arena,
    struct dnsq_answer *out);
/* Looks up the MX records of name like dnsq_txt; each answer string is
 * "PREFERENCE HOST" ("0 ." for RFC 7505's null MX). */
void dnsq_mx(const char *name, unsigned timeout, struct arena *arena,
    struct dnsq_answer *out);
/* Returns "ok", "nxdomain", "nodata", "temperror" or "badname". */
const char *dnsq_status_name(enum dnsq_status status);

#endif
