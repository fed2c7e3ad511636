/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarcrec.h: DMARC policy records (RFC 7489 section 6.3). Parsing is
 * pure and allocation-free; string fields point into the record text.
 */
#ifndef AG_DMARCREC_H
#define AG_DMARCREC_H

#include <stdbool.h>
#include <stddef.h>

enum dmarc_policy {
	DMARC_P_NONE,
	DMARC_P_QUARANTINE,
	DMARC_P_REJECT,
};

enum dmarcrec_status {
	DMARCREC_OK,
	DMARCREC_NOT_DMARC, /* does not start with v=DMARC1: ignore it */
	DMARCREC_INVALID,   /* a DMARC record no DMARC processing can use */
};

struct dmarcrec {
	enum dmarc_policy p;
	enum dmarc_policy sp; /* equals p when the record has no sp= */
	bool has_sp;
	bool adkim_strict;
	bool aspf_strict;
	unsigned pct;
	const char *rua; /* into the record, rua_len bytes; NULL if none */
	size_t rua_len;
	const char *ruf;
	size_t ruf_len;
	const char *fo; /* failure reporting options, or NULL */
	size_t fo_len;
	char why[80]; /* reason, when INVALID */
};

/* Parses one TXT record's text. */
enum dmarcrec_status dmarcrec_parse(const char *txt, struct dmarcrec *out);
/* Returns "none", "quarantine" or "reject". */
const char *dmarcrec_policy_name(enum dmarc_policy p);

#endif
