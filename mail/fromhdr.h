/*
 * fromhdr.h: the author domain of an RFC 5322 From header value, the one
 * input DMARC is keyed on. Handles display names, comments, quoted
 * strings, groups and angle addresses (with obsolete routes); allocates
 * nothing and runs in one pass.
 */
#ifndef AG_FROMHDR_H
#define AG_FROMHDR_H

#include <stddef.h>

#include "util/domain.h"

#define FROMHDR_MAX_NESTING 32 /* comment depth before the value is invalid */

enum fromhdr_status {
	FROMHDR_OK,	  /* one author domain (possibly several mailboxes) */
	FROMHDR_MULTIPLE, /* domains of different authors, even in a
			     malformed header */
	FROMHDR_INVALID,  /* malformed; domain holds the one domain that
			     could still be read, or "" */
};

struct fromhdr {
	enum fromhdr_status status;
	size_t mailboxes;
	char domain[DOMAIN_MAX_LEN + 1]; /* normalized; "" if none */
	char why[96];			 /* reason, when not OK */
};

/* Parses a From header value of len bytes into out. */
void fromhdr_parse(const char *value, size_t len, struct fromhdr *out);

#endif
