/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tally.h: counts by key for the report commands (replay, stats): an
 * open-addressing table of byte-string keys, each with a count and up to
 * TALLY_EXAMPLES example message ids, listed most frequent first.
 */
#ifndef AG_TALLY_H
#define AG_TALLY_H

#include <stddef.h>

#define TALLY_EXAMPLES 3

struct tally_row {
	char *key; /* klen bytes; may hold NULs between parts */
	size_t klen;
	unsigned long count;
	size_t n_examples;
	char example[TALLY_EXAMPLES][64];
};

struct tally {
	struct tally_row *rows;
	size_t n, cap;
	int failed; /* out of memory: counts are incomplete */
};

/* Counts one occurrence of key (klen bytes), keeping id (may be NULL or
 * "") as an example. */
void tally_add(struct tally *t, const char *key, size_t klen, const char *id);
/* Returns the rows most frequent first (ties by key), NULL-terminated;
 * free() it. NULL when out of memory. */
struct tally_row **tally_sorted(const struct tally *t);
/* Releases the table; it is empty and usable again. */
void tally_free(struct tally *t);

#endif
