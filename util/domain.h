/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * domain.h: domain names as authgate compares them (lower-case ASCII,
 * no trailing dot, RFC 1035 lengths) and an immutable hashed set of them
 * that answers "is this domain, or a parent of it, listed?" in a few
 * probes whatever the set's size.
 */
#ifndef AG_DOMAIN_H
#define AG_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

#define DOMAIN_MAX_LEN	 253
#define DOMAIN_LABEL_MAX 63

/* Normalizes a domain of len bytes into out (DOMAIN_MAX_LEN + 1 bytes):
 * lower-case, one trailing dot dropped. Labels hold letters, digits,
 * hyphens (not at either end), and UTF-8 for U-labels. Returns 0, or -1
 * with a reason in err. */
int domain_normalize(const char *in, size_t len, char *out, char *err,
    size_t errsz);

/* Tells whether domain equals parent or is a subdomain of it. */
bool domain_within(const char *domain, const char *parent);

struct dset_entry {
	const char *name;
	size_t len;
	unsigned long long hash;
	void *value;
};

/* An open-addressing hash set of normalized domains, each with a value. */
struct dset {
	struct dset_entry *slots;
	size_t mask;
	size_t count;
};

/* Builds a set from n normalized names (values parallel, may be NULL)
 * with memory from arena; returns 0, or -1 when out of memory. Later
 * duplicates are ignored (the caller reports them). */
int dset_build(struct dset *set, struct arena *arena, const char *const *names,
    void *const *values, size_t n);
/* Returns the entry for exactly name, or NULL. */
const struct dset_entry *dset_get(const struct dset *set, const char *name,
    size_t len);
/* Returns the entry for the most specific of domain and its parents,
 * or NULL when none is in the set. */
const struct dset_entry *dset_find_within(const struct dset *set,
    const char *domain);

#endif
