/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarcrec.h: DMARC policy records (RFC 9989 section 4.7; RFC 7489's
 * pct, rf and ri are read for what they say, never enforced here).
 * Parsing is pure and allocation-free; string fields point into the
 * record text.
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

/* psd= (RFC 9989): 'y' a public suffix domain, 'n' an organizational
 * domain (a tree walk stops at either), 'u' no claim (the default, and
 * what a bad value reads as). */
enum dmarc_psd {
	DMARC_PSD_U,
	DMARC_PSD_Y,
	DMARC_PSD_N,
};

struct dmarcrec {
	enum dmarc_policy p;
	enum dmarc_policy sp; /* equals p when the record has no sp= */
	bool has_sp;
	enum dmarc_policy np; /* equals sp when the record has no np= */
	bool has_np;
	bool has_p; /* false: p=none read from an absent/bad p= */
	bool adkim_strict;
	bool aspf_strict;
	bool testing; /* t=y */
	bool has_t;   /* a valid t= tag */
	enum dmarc_psd psd;
	unsigned pct;	     /* 100 when absent or bad */
	bool has_pct;	     /* a valid pct= tag (historic in RFC 9989) */
	bool has_rf;	     /* rf= (historic) */
	bool has_ri;	     /* ri= (historic) */
	bool policy_dropped; /* a bad p=, sp= or np= made it p=none (rua) */
	const char *rua;     /* into the record, rua_len bytes; NULL if none */
	size_t rua_len;
	const char *ruf;
	size_t ruf_len;
	const char *fo; /* failure reporting options, or NULL */
	size_t fo_len;
	char why[80]; /* reason, when INVALID */
};

/* Parses one TXT record's text: NOT_DMARC unless its first tag is
 * v=DMARC1; INVALID when it states no usable policy (RFC 9989 4.10.1 and
 * the project's D4: a missing p= reads as p=none only with a valid rua=
 * or psd=y, a bad p=, sp= or np= only with a valid rua=). Bad values of
 * the other tags read as their defaults; an INVALID record still fills
 * psd, so a tree walk can stop at it. */
enum dmarcrec_status dmarcrec_parse(const char *txt, struct dmarcrec *out);
/* Tells whether a TXT record's text is a DMARC record (its first tag is
 * v=DMARC1), as dmarcrec_parse tells NOT_DMARC apart, without the rest. */
bool dmarcrec_is_dmarc(const char *txt);
/* Returns "none", "quarantine" or "reject". */
const char *dmarcrec_policy_name(enum dmarc_policy p);

#endif
