/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * eximid.h: the syntax of Exim's message ids, checked before an id is
 * quoted in an SMTP reply or put on Exim's command line.
 */
#ifndef AUTHGATE_EXIMID_H
#define AUTHGATE_EXIMID_H

#include <stdbool.h>

/* Whether id has Exim's message id syntax (6-6-2 or 6-11-4 base-62). */
bool exim_valid_id(const char *id);

#endif
