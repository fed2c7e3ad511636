/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fromcut.h: what the module keeps of a From header too long for a facts
 * string (4096 bytes): the author domains fromhdr finds in the WHOLE
 * header, written as a short From value that decides as the header did,
 * so that padding can neither hide an author nor make the log line (which
 * replay decides on again) differ from the module's decision.
 */
#ifndef AG_FROMCUT_H
#define AG_FROMCUT_H

#include <stddef.h>

#include "util/arena.h"
#include "util/domain.h"

/* Bytes of a From value kept as it is; a longer one is cut. */
#define FROMCUT_MAX 4096

/* Distinct domains written; two already make from.multiple, so more
 * could not change a decision. */
#define FROMCUT_DOMAINS 8
/* Bytes fromcut_write() may write, its NUL included. */
#define FROMCUT_SIZE (FROMCUT_DOMAINS * (DOMAIN_MAX_LEN + 4) + 128)

/*
 * Writes to out (FROMCUT_SIZE bytes) a From value naming the author
 * domains of value (len bytes), in their order, each once, at most
 * FROMCUT_DOMAINS, and marked as cut: fromhdr_parse() reads it with
 * value's status and domain, except that OK reads as INVALID (a cut
 * header is never judged as a well-formed whole). Returns its length,
 * always below FROMCUT_SIZE.
 */
size_t fromcut_write(const char *value, size_t len, char *out);

/*
 * Returns the From value (len bytes, after the colon) as the facts keep
 * it, in arena: leading blanks and the final line end removed, folding
 * left for the parser, every byte that starts no UTF-8 sequence made
 * U+FFFD (a log line carries only UTF-8, and what is decided on must be
 * what is logged, or replay would read another From), and one longer
 * than FROMCUT_MAX or holding a NUL as fromcut_write() writes it. The
 * module and `authgate explain` both read From headers through it.
 * NULL when out of memory.
 */
const char *fromcut_value(struct arena *arena, const char *v, size_t len);

#endif
