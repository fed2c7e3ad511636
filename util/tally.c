/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tally.c: the counting table. FNV-1a hashing, linear probing, doubled
 * at half full.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/tally.h"

static uint64_t
hash_key(const char *key, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211ULL;
	return h;
}

static int
grow(struct tally *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256, i, j;
	struct tally_row *rows = calloc(cap, sizeof(*rows));

	if (rows == NULL)
		return -1;
	for (i = 0; i < t->cap; i++) {
		if (t->rows[i].key == NULL)
			continue;
		for (j = hash_key(t->rows[i].key, t->rows[i].klen) & (cap - 1);
		     rows[j].key != NULL; j = (j + 1) & (cap - 1))
			;
		rows[j] = t->rows[i];
	}
	free(t->rows);
	t->rows = rows;
	t->cap = cap;
	return 0;
}

void
tally_add(struct tally *t, const char *key, size_t klen, const char *id)
{
	struct tally_row *r;
	size_t j;

	if ((t->n + 1) * 2 > t->cap && grow(t) != 0) {
		t->failed = 1;
		return;
	}
	for (j = hash_key(key, klen) & (t->cap - 1); t->rows[j].key != NULL;
	     j = (j + 1) & (t->cap - 1))
		if (t->rows[j].klen == klen
		    && memcmp(t->rows[j].key, key, klen) == 0)
			break;
	r = &t->rows[j];
	if (r->key == NULL) {
		if ((r->key = malloc(klen + 1)) == NULL) {
			t->failed = 1;
			return;
		}
		memcpy(r->key, key, klen);
		r->key[klen] = '\0';
		r->klen = klen;
		t->n++;
	}
	r->count++;
	if (id != NULL && id[0] != '\0' && r->n_examples < TALLY_EXAMPLES)
		snprintf(r->example[r->n_examples++], sizeof(r->example[0]),
		    "%s", id);
}

static int
by_count(const void *a, const void *b)
{
	const struct tally_row *x = *(const struct tally_row *const *)a;
	const struct tally_row *y = *(const struct tally_row *const *)b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if ((c = memcmp(x->key, y->key, n)) != 0)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

struct tally_row **
tally_sorted(const struct tally *t)
{
	/* An array of row pointers: the element size is a pointer's. */
	const size_t elem = sizeof(struct tally_row *);
	struct tally_row **v = calloc(t->n + 1, elem);
	size_t i, n = 0;

	if (v == NULL)
		return NULL;
	for (i = 0; i < t->cap; i++)
		if (t->rows[i].key != NULL)
			v[n++] = &t->rows[i];
	qsort(v, n, elem, by_count);
	return v;
}

void
tally_free(struct tally *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->rows[i].key);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
