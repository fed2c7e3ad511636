/*
 * rua.h: the report addresses of a DMARC record (rua=, ruf=): the
 * mailto: entries of the list, and RFC 7489 7.1's consent check for an
 * address outside the domain. Shared by dns-check and report.
 */
#ifndef AG_RUA_H
#define AG_RUA_H

#include <stdbool.h>
#include <stddef.h>

struct rua_uri {
	const char *text; /* the entry as written, len bytes */
	size_t len;
	bool usable;	    /* a mailto: address safe for a header */
	char addr[320];	    /* the address, without "mailto:" and "!size" */
	const char *domain; /* into addr, after the '@' */
};

enum rua_consent {
	RUA_CONSENT_YES,
	RUA_CONSENT_NO,
	RUA_CONSENT_TEMPERROR,
};

/* Reads the entry of a comma-separated list at *p (up to end) into u and
 * moves *p past it; returns false when the list is done. */
bool rua_next(const char **p, const char *end, struct rua_uri *u);
/* Whether there agreed to take domain's reports: a v=DMARC1 record at
 * DOMAIN._report._dmarc.THERE (named into name, size bytes). */
enum rua_consent rua_consent(const char *domain, const char *there,
    unsigned timeout, char *name, size_t size);

#endif
