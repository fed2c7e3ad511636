/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * domain.c: domain normalization and the hashed domain set. The set is
 * built once per policy load and only read afterwards, so lookups need
 * no locking and no allocation.
 */
#include <stdio.h>
#include <string.h>

#include "util/domain.h"
#include "util/sbuf.h"

int
domain_normalize(const char *in, size_t len, char *out, char *err, size_t errsz)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, o = 0, label = 0, n;

	if (len > 0 && in[len - 1] == '.')
		len--;
	if (len == 0) {
		snprintf(err, errsz, "empty domain");
		return -1;
	}
	if (len > DOMAIN_MAX_LEN) {
		snprintf(err, errsz, "domain longer than %d characters",
		    DOMAIN_MAX_LEN);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned c = p[i];

		if (c == '.') {
			if (label == 0) {
				snprintf(err, errsz, "empty label in domain");
				return -1;
			}
			if (out[o - 1] == '-') {
				snprintf(err, errsz,
				    "label ends with a hyphen");
				return -1;
			}
			label = 0;
			out[o++] = '.';
			continue;
		}
		if (c >= 0x80) {
			n = utf8_seq_len(p + i, len - i);
			if (n == 0) {
				snprintf(err, errsz, "invalid UTF-8 in domain");
				return -1;
			}
			memcpy(out + o, p + i, n);
			o += n;
			label += n;
			i += n - 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			out[o++] = (char)c;
			label++;
		} else if (c >= 'A' && c <= 'Z') {
			out[o++] = (char)(c - 'A' + 'a');
			label++;
		} else if (c == '-') {
			if (label == 0) {
				snprintf(err, errsz,
				    "label starts with a hyphen");
				return -1;
			}
			out[o++] = '-';
			label++;
		} else {
			if (c >= 0x21 && c < 0x7f)
				snprintf(err, errsz,
				    "character '%c' not allowed in a domain",
				    (char)c);
			else
				snprintf(err, errsz,
				    "byte 0x%02x not allowed in a domain", c);
			return -1;
		}
		if (label > DOMAIN_LABEL_MAX) {
			snprintf(err, errsz, "label longer than %d characters",
			    DOMAIN_LABEL_MAX);
			return -1;
		}
	}
	if (label == 0) {
		snprintf(err, errsz, "empty label in domain");
		return -1;
	}
	if (out[o - 1] == '-') {
		snprintf(err, errsz, "label ends with a hyphen");
		return -1;
	}
	out[o] = '\0';
	return 0;
}

bool
domain_within(const char *domain, const char *parent)
{
	size_t dl = strlen(domain), pl = strlen(parent);

	if (dl < pl || pl == 0)
		return false;
	if (strcmp(domain + dl - pl, parent) != 0)
		return false;
	return dl == pl || domain[dl - pl - 1] == '.';
}

static unsigned long long
hash_name(const char *s, size_t len)
{
	unsigned long long h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int
dset_build(struct dset *set, struct arena *arena, const char *const *names,
    void *const *values, size_t n)
{
	size_t size = 8, i, slot;
	unsigned long long h;

	while (size < n * 2)
		size *= 2;
	set->slots = arena_zalloc(arena, size * sizeof(*set->slots));
	if (set->slots == NULL)
		return -1;
	set->mask = size - 1;
	set->count = 0;
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);

		h = hash_name(names[i], len);
		slot = (size_t)h & set->mask;
		while (set->slots[slot].name != NULL) {
			if (set->slots[slot].hash == h
			    && set->slots[slot].len == len
			    && memcmp(set->slots[slot].name, names[i], len)
				== 0)
				break;
			slot = (slot + 1) & set->mask;
		}
		if (set->slots[slot].name != NULL)
			continue;
		set->slots[slot].name = names[i];
		set->slots[slot].len = len;
		set->slots[slot].hash = h;
		set->slots[slot].value = values != NULL ? values[i] : NULL;
		set->count++;
	}
	return 0;
}

const struct dset_entry *
dset_get(const struct dset *set, const char *name, size_t len)
{
	unsigned long long h;
	size_t slot;

	if (set->slots == NULL || set->count == 0)
		return NULL;
	h = hash_name(name, len);
	slot = (size_t)h & set->mask;
	while (set->slots[slot].name != NULL) {
		if (set->slots[slot].hash == h && set->slots[slot].len == len
		    && memcmp(set->slots[slot].name, name, len) == 0)
			return &set->slots[slot];
		slot = (slot + 1) & set->mask;
	}
	return NULL;
}

const struct dset_entry *
dset_find_within(const struct dset *set, const char *domain)
{
	const struct dset_entry *e;
	const char *p = domain;
	size_t len;

	if (domain == NULL || set->count == 0)
		return NULL;
	len = strlen(domain);
	for (;;) {
		e = dset_get(set, p, len);
		if (e != NULL)
			return e;
		const char *dot = memchr(p, '.', len);
		if (dot == NULL)
			return NULL;
		len -= (size_t)(dot + 1 - p);
		p = dot + 1;
	}
}
