/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * domcanon.h: the one form of a domain that authgate compares, keys its
 * policy sections and lists on, and looks up: lower-case A-labels, as
 * UTS #46 (nontransitional, STD3 rules, NFC) maps U-labels and as libidn2
 * checks them against IDNA2008. Every domain that enters the engine (From,
 * DKIM d=, SPF domain, ARC sealer, policy.ini names) goes through it once,
 * so no other spelling of a domain (capitals, full-width letters, a
 * decomposed accent, an A-label) escapes what is configured for it.
 *
 * A name that cannot be converted as written is read as a mail reader
 * shows it: invisible code points (Unicode's default-ignorables, bidi
 * controls), spaces and bytes that are not UTF-8 dropped, look-alike dots
 * made dots. A domain that needed this cannot exist in DNS, so it is
 * never an author's real domain; it is judged as the domain it shows.
 */
#ifndef AG_DOMCANON_H
#define AG_DOMCANON_H

#include <stddef.h>

#include "util/domain.h"

enum domcanon_status {
	DOMCANON_OK,	  /* a domain; out is its canonical form */
	DOMCANON_SEEN,	  /* not a domain as written; out is the one a
			     reader sees, in canonical form */
	DOMCANON_INVALID, /* no domain, not even as a reader sees it */
};

/* Maps len bytes (ASCII, A-labels or UTF-8, any case, one trailing dot)
 * into out (DOMAIN_MAX_LEN + 1 bytes); for DOMCANON_SEEN and
 * DOMCANON_INVALID err says what was wrong with the name as written. */
enum domcanon_status domcanon(const char *in, size_t len, char *out, char *err,
    size_t errsz);

/* domcanon() that accepts DOMCANON_OK only: 0, or -1 with err set. */
int domcanon_strict(const char *in, size_t len, char *out, char *err,
    size_t errsz);

/* For a canonical name whose U-labels hold code points a reader takes
 * for a dot between labels (a middle dot, an Arabic-Indic zero, a
 * katakana middle dot, ...: IDNA accepts them, so such a name is a
 * domain of its own), writes the name a reader sees into view
 * (DOMAIN_MAX_LEN + 1 bytes) and returns 1; 0 for any other name. */
int domcanon_dotted(const char *canonical, char *view);

/* Returns the name of a status ("ok", "seen", "invalid"). */
const char *domcanon_status_name(enum domcanon_status status);

#endif
