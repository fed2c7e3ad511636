/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * eximid.c: Exim's message id syntax, the one check both the module (an
 * id quoted in a reply) and the CLI (an id on Exim's command line) use.
 */
#include <string.h>

#include "util/eximid.h"

/* Whether id has the syntax of an Exim message id: base-62 groups of
 * 6-6-2 characters (Exim up to 4.96) or 6-11-4 (4.97 on). Only such ids
 * reach Exim's command line. */
bool
exim_valid_id(const char *id)
{
	static const size_t groups[2][3] = { { 6, 6, 2 }, { 6, 11, 4 } };
	static const char base62[] = "0123456789"
				     "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz";
	const char *p;
	size_t f, g;

	for (f = 0; f < 2; f++) {
		p = id;
		for (g = 0; g < 3; g++) {
			if (strspn(p, base62) != groups[f][g])
				break;
			p += groups[f][g];
			if (g < 2 && *p++ != '-')
				break;
		}
		if (g == 3 && *p == '\0')
			return true;
	}
	return false;
}
