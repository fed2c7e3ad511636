/*
 * spf.h: SPF (RFC 7208) with libspf2 for the MAIL FROM identity, or for
 * HELO when MAIL FROM is the null sender, as DESIGN's facts need it.
 */
#ifndef AG_SPF_H
#define AG_SPF_H

#include <stddef.h>

#include "../policy/classes.h"

/* Checks whether ip may send for mail_from ("" for the null sender, when
 * postmaster@helo is checked). Writes the checked domain into domain
 * (size bytes) and returns the result; DNS trouble is temperror, a
 * broken record permerror. */
enum ag_spf spfv_check(const char *ip, const char *helo, const char *mail_from,
    char *domain, size_t size);

#endif
