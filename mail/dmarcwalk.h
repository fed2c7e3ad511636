/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarcwalk.h: the DMARC DNS tree walk of RFC 9989 section 4.10, pure.
 * The caller answers each _dmarc name through a callback: the module
 * from DNS (recording what it asked into the facts), decide() and replay
 * from those facts, so both walk the same names in the same order and a
 * logged message is decided again exactly as it was.
 */
#ifndef AG_DMARCWALK_H
#define AG_DMARCWALK_H

#include <stdbool.h>
#include <stddef.h>

#include "mail/dmarcrec.h"
#include "util/domain.h"

#define DMARCWALK_MAX  8		    /* names one walk asks (W1) */
#define DMARCWALK_NAME (DOMAIN_MAX_LEN + 8) /* "_dmarc." + domain */

/* What one _dmarc name holds, after the RRs that are not DMARC records
 * are dropped (N2-N4). */
enum dmarcwalk_answer {
	DW_NONE,      /* NXDOMAIN, NODATA, or no v=DMARC1 record */
	DW_RECORD,    /* exactly one DMARC record */
	DW_SEVERAL,   /* more than one: all are discarded (N3) */
	DW_TEMPERROR, /* the lookup did not complete */
};

/* Answers the TXT lookup of name ("_dmarc." + domain). For DW_RECORD it
 * sets *txt to the record's text, which must stay valid for the walk. */
typedef enum dmarcwalk_answer (*dmarcwalk_lookup_fn)(void *ctx,
    const char *name, const char **txt);

/* One name a walk asked, and what it found. */
struct dmarcwalk_step {
	char domain[DOMAIN_MAX_LEN + 1];
	enum dmarcwalk_answer answer;
	const char *txt;	     /* the record, for DW_RECORD */
	enum dmarcrec_status status; /* of txt: OK or INVALID */
	struct dmarcrec rec;	     /* parsed txt (valid for DW_RECORD) */
};

/* A walk from one domain, longest name first. */
struct dmarcwalk {
	size_t n;
	struct dmarcwalk_step step[DMARCWALK_MAX];
	bool temperror; /* a needed name did not answer (E2) */
	bool stopped;	/* ended at a psd=y or psd=n record (W2) */
};

/* Fills out with the domains a walk from domain asks, longest first
 * (W1: the domain, then its 7-label suffix when it has 8 or more labels,
 * then one label fewer each step down to the top-level domain); returns
 * how many (1..DMARCWALK_MAX). Each out[i] has DOMAIN_MAX_LEN + 1
 * bytes. domain is a normalized A-label domain. */
size_t dmarcwalk_targets(const char *domain,
    char out[DMARCWALK_MAX][DOMAIN_MAX_LEN + 1]);

/* Walks from domain through lookup (W2-W4): every name is asked until a
 * record with psd=y or psd=n or the top-level domain; a temperror stops
 * the walk and is marked. first_only asks only the domain itself. */
void dmarcwalk_run(const char *domain, dmarcwalk_lookup_fn lookup, void *ctx,
    bool first_only, struct dmarcwalk *out);

/* Writes the Organizational Domain of domain that a completed walk from
 * it gives (O1-O4) into org (DOMAIN_MAX_LEN + 1 bytes). */
void dmarcwalk_org(const char *domain, const struct dmarcwalk *w, char *org);

/* Returns the number of labels of a domain ("" has none). */
size_t dmarcwalk_labels(const char *domain);

/* Returns the suffix of domain made of its last n labels (domain itself
 * when it has n or fewer). */
const char *dmarcwalk_suffix(const char *domain, size_t n);

#endif
