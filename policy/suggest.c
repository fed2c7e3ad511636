/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * suggest.c: the nearest known name to a misspelt one, for the loader's
 * errors ("unknown class 'dkim.key_mising' (did you mean
 * dkim.key_missing?)"). Names are compared by optimal string alignment
 * distance (insertions, deletions, substitutions and swaps of two
 * neighbours, each counting one), ASCII case ignored; a suggestion is
 * made only when it is close for its length, so that a word far from
 * every name gets none rather than a random one.
 */
#include <string.h>

#include "policy/loader.h"

/* Names longer than this are never suggested (none is that long). */
#define SUGGEST_MAX_LEN 40

static char
fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static unsigned
min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;

	return m < c ? m : c;
}

/* The distance between a and b, or SUGGEST_MAX_LEN + 1 when either is
 * longer than SUGGEST_MAX_LEN. Three rows of the dynamic-programming
 * table suffice: a swap looks two rows back. */
static unsigned
distance(const char *a, const char *b)
{
	unsigned rows[3][SUGGEST_MAX_LEN + 1];
	unsigned *prev2 = rows[0], *prev = rows[1], *row = rows[2], *t;
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned cost, d;

	if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN)
		return SUGGEST_MAX_LEN + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		row[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
			d = min3(prev[j] + 1, row[j - 1] + 1,
			    prev[j - 1] + cost);
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2])
			    && fold(a[i - 2]) == fold(b[j - 1])
			    && prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			row[j] = d;
		}
		t = prev2;
		prev2 = prev;
		prev = row;
		row = t;
	}
	return prev[lb];
}

void
suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->dist = SUGGEST_MAX_LEN + 1;
}

void
suggest_offer(struct suggest *s, const char *name)
{
	size_t len = strlen(name);
	/* One mistake in four letters, one to three in all. */
	unsigned limit = len >= 12 ? 3 : len >= 8 ? 2 : 1;
	unsigned d = distance(s->word, name);

	if (d <= limit && d < s->dist) {
		s->best = name;
		s->dist = d;
	}
}

const char *
suggest_result(const struct suggest *s)
{
	return s->best;
}
