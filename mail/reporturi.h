/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reporturi.h: the report address lists of a DMARC record (rua=, ruf=;
 * RFC 7489 6.3 and 6.4): comma-separated URIs, each optionally followed
 * by a size limit "!N[kmgt]". Only mailto: addresses made of characters
 * that no header or command line can misread are usable. Pure: the
 * consent check for addresses outside the domain is verify/consent.h.
 */
#ifndef AG_REPORTURI_H
#define AG_REPORTURI_H

#include <stdbool.h>
#include <stddef.h>

#include "util/domain.h"

#define REPORTURI_MAX_ADDR 254 /* bytes of an address (RFC 5321's path) */

/* Why an entry cannot be used; REPORTURI_OK when it can. */
enum reporturi_problem {
	REPORTURI_OK,
	REPORTURI_NOT_MAILTO,  /* another scheme, or no address at all */
	REPORTURI_BAD_ADDRESS, /* characters outside the safe set, no '@' */
	REPORTURI_BAD_DOMAIN,  /* the part after '@' is not a domain */
	REPORTURI_BAD_SIZE,    /* a '!' not followed by a size */
};

struct reporturi {
	const char *text; /* the entry as written, len bytes */
	size_t len;
	enum reporturi_problem problem;
	char addr[REPORTURI_MAX_ADDR + 1]; /* without "mailto:" and "!size" */
	char domain[DOMAIN_MAX_LEN + 1];   /* the address's, normalized */
	unsigned long long max_size;	   /* bytes; 0 when unlimited */
};

/* Reads the entry of a comma-separated list at *p (up to end) into u and
 * moves *p past it; returns false when the list is done. */
bool reporturi_next(const char **p, const char *end, struct reporturi *u);
/* Returns a short phrase for a problem ("not a mailto: URI", ...). */
const char *reporturi_problem_text(enum reporturi_problem problem);

#endif
