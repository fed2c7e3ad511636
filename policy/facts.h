/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * facts.h: everything a decision is made from (DESIGN "Facts"), read
 * from JSON and written back in the same shape. The module builds the
 * same struct from Exim; the log line carries it so replay is exact.
 * Strings point into a caller's arena and are NUL-terminated.
 */
#ifndef AG_FACTS_H
#define AG_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/classes.h"
#include "util/arena.h"

#define FACTS_MAX_FROM	   16	/* From headers kept (more still count) */
#define FACTS_MAX_DKIM	   64	/* signatures (the module caps earlier) */
#define FACTS_MAX_ARC	   50	/* RFC 8617's instance limit */
#define FACTS_MAX_DNS	   96	/* DMARC names with an answer kept */
#define FACTS_MAX_TXT	   8	/* TXT strings kept per name */
#define FACTS_MAX_STRING   4096 /* bytes in any one string */
#define FACTS_MAX_DNS_NAME 300	/* bytes in a name of "dns" */

struct facts_dkim {
	const char *d;
	const char *s;
	const char *a;
	unsigned bits;
	enum ag_dkim result;
};

struct facts_arc_instance {
	unsigned i;
	const char *sealer;	 /* the ARC-Seal's d=; "" when not a domain */
	enum ag_dmarc dmarc;	 /* what its ARC-Authentication-Results say */
	const char *header_from; /* the domain that dmarc result names ("" for
				    none); NULL in facts from before it was
				    recorded */
};

/* One DMARC name as looked up: TXT strings, or a DNS failure. A name not
 * listed at all was NXDOMAIN (or had no TXT records). */
struct facts_dns {
	const char *name;
	bool temperror;
	size_t n_txt;
	const char *txt[FACTS_MAX_TXT];
};

/* Whether an author domain exists (RFC 9989 np=, 3.2.13): asked only
 * when a record's np= could change the policy. */
enum facts_exists {
	FACTS_EXISTS_YES,	/* any answer but NXDOMAIN */
	FACTS_EXISTS_NO,	/* NXDOMAIN */
	FACTS_EXISTS_TEMPERROR, /* the query did not complete */
};

struct facts_existence {
	const char *domain;
	enum facts_exists answer;
};

#define FACTS_MAX_EXISTS 2 /* the author domain, and the one a reader sees */

struct facts {
	const char *id; /* the MTA's message id, or NULL */
	const char *client_ip;
	const char *client_helo;
	bool authenticated;
	const char *mail_from; /* "" for the null sender */
	size_t n_from;	       /* From headers seen (may exceed the max) */
	const char *from[FACTS_MAX_FROM];
	enum ag_spf spf;
	const char *spf_domain;
	size_t n_dkim;
	struct facts_dkim dkim[FACTS_MAX_DKIM];
	enum ag_arc arc;
	size_t n_arc;
	struct facts_arc_instance arc_inst[FACTS_MAX_ARC];
	size_t n_dns;
	struct facts_dns dns[FACTS_MAX_DNS];
	/* The DMARC names were asked by RFC 9989 tree walks (every name
	 * a walk needs, for the author domain and each identifier), so
	 * a name not in dns had no record. False in facts logged before:
	 * those hold only the names of RFC 7489 (author, PSL org). */
	bool dmarc_treewalk;
	/* The DNS budget ran out during the walks: a name not in dns may
	 * not have been asked, so it reads as a temporary error. */
	bool dmarc_incomplete;
	size_t n_exists;
	struct facts_existence exists[FACTS_MAX_EXISTS];
};

/* Empties facts: no From, SPF none, no signatures, ARC none, no DNS (a
 * complete tree-walk snapshot: every name not added has no record). */
void facts_init(struct facts *f);
/* Returns the existence answer recorded for domain, or NULL. */
const struct facts_existence *facts_exists_get(const struct facts *f,
    const char *domain);
/* Returns the DNS entry for name, or NULL (NXDOMAIN). */
const struct facts_dns *facts_dns_get(const struct facts *f, const char *name);

#endif
