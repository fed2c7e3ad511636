/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compiled.c: the compiled policy read (compiled.h; agcbuild.c writes
 * it): its header checked in constant time, its payload checked
 * in full where that is paid once (the CLI, the daemon's preload), and
 * read through the same lookups as a parsed policy. A [domain:] section
 * or trusted name found is copied into a struct on first use, so decide()
 * reads the same structs whichever form was loaded.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/agcformat.h"
#include "policy/compiled.h"
#include "policy/config.h"
#include "policy/loader.h"
#include "util/arena.h"
#include "util/cidr.h"
#include "util/domain.h"
#include "util/version.h"

/* What a policy read from an image keeps: the map, and the sections and
 * names copied out of it so far: a small hash table from record to
 * its copy in the policy's arena, grown with the names a process meets
 * (never with the policy's size, so a load costs the same). */
struct agc_slot {
	uint32_t key; /* AGC_KEY_*: kind | record index + 1; 0 empty */
	void *copy;
};

#define AGC_KEY_DOMAIN	 0x80000000u
#define AGC_KEY_ENTRY	 0x40000000u
#define AGC_CACHE_SLOTS0 32

struct agc_view {
	const unsigned char *base;
	const struct agc_header *h;
	struct arena *arena;
	struct agc_slot *slots;
	size_t mask, count;
};

/* ---- checking ---- */

/* Tells whether n records of rec bytes at off lie inside the image,
 * aligned. */
static bool
inside(const struct agc_header *h, uint64_t off, uint64_t n, uint64_t rec)
{
	uint64_t bytes = n * rec; /* n < 2^32, rec small: no overflow */

	return off % 8 == 0 && off >= h->header_size && off <= h->total_size
	    && bytes <= h->total_size - off;
}

static bool
pow2(uint32_t n)
{
	return n >= 8 && (n & (n - 1)) == 0 && n <= (1u << 30);
}

int
agc_check_header(const void *base, size_t size, char *err, size_t errsz)
{
	const struct agc_header *h = base;
	const unsigned char *b = base;

	if (size < sizeof(*h) || memcmp(h->magic, AGC_MAGIC, 8) != 0) {
		snprintf(err, errsz, "not a compiled policy (%s)",
		    size < sizeof(*h) ? "too short" : "no magic");
		return -1;
	}
	if (h->byte_order != AGC_BYTE_ORDER) {
		snprintf(err, errsz,
		    "written on a machine of another byte order");
		return -1;
	}
	if (h->version != AGC_VERSION) {
		snprintf(err, errsz,
		    "format version %u, this authgate reads version %u",
		    h->version, AGC_VERSION);
		return -1;
	}
	if (h->w_int != sizeof(int) || h->w_long != sizeof(long)
	    || h->w_ptr != sizeof(void *)) {
		snprintf(err, errsz, "written on a machine of other widths");
		return -1;
	}
	if (h->header_sum
	    != agc_sum(b, offsetof(struct agc_header, header_sum))) {
		snprintf(err, errsz, "corrupt header (checksum)");
		return -1;
	}
	if (h->total_size != size) {
		snprintf(err, errsz,
		    "truncated or extended: %zu bytes, its header says %llu",
		    size, (unsigned long long)h->total_size);
		return -1;
	}
	if (memchr(h->writer, '\0', sizeof(h->writer)) == NULL
	    || strcmp(h->writer, AUTHGATE_VERSION) != 0) {
		snprintf(err, errsz,
		    "written by another version of authgate (%.*s, this is "
		    "%s)",
		    AGC_WRITER_MAX, h->writer, AUTHGATE_VERSION);
		return -1;
	}
	if (h->header_size != sizeof(*h) || h->class_count != AG_CLASS_COUNT
	    || h->param_count != P_COUNT || h->gen_rec != sizeof(struct agc_gen)
	    || h->dom_rec != sizeof(struct agc_domain)
	    || h->ent_rec != sizeof(struct agc_entry)
	    || h->net_rec != sizeof(struct agc_net)
	    || memchr(h->sha256, '\0', sizeof(h->sha256)) == NULL
	    || !pow2(h->dtab_n) || !pow2(h->ttab_n) || !pow2(h->stab_n)
	    || h->dtab_n < h->n_domains || h->ttab_n < h->n_trusted
	    || h->stab_n < h->n_sealers
	    || !inside(h, h->gen_off, P_COUNT, sizeof(struct agc_gen))
	    || !inside(h, h->act_off, AG_CLASS_COUNT, sizeof(struct agc_action))
	    || !inside(h, h->relay_off, h->n_relays, sizeof(struct agc_net))
	    || !inside(h, h->skip_off, h->n_skip, sizeof(struct agc_net))
	    || !inside(h, h->dom_off, h->n_domains, sizeof(struct agc_domain))
	    || !inside(h, h->trust_off, h->n_trusted, sizeof(struct agc_entry))
	    || !inside(h, h->seal_off, h->n_sealers, sizeof(struct agc_entry))
	    || !inside(h, h->dtab_off, h->dtab_n, 4)
	    || !inside(h, h->ttab_off, h->ttab_n, 4)
	    || !inside(h, h->stab_off, h->stab_n, 4)
	    || h->str_off < h->header_size || h->str_off > h->total_size
	    || h->str_size == 0 || h->str_size > h->total_size - h->str_off
	    || b[h->str_off + h->str_size - 1] != '\0') {
		snprintf(err, errsz, "corrupt header (layout)");
		return -1;
	}
	return 0;
}

/* A string of the pool, or NULL for none; *bad when the reference is
 * outside it. The pool ends with a NUL (agc_check_header), so every
 * string inside it is terminated. */
static const char *
pool_str(const unsigned char *base, const struct agc_header *h, uint32_t ref,
    bool *bad)
{
	if (ref == AGC_NONE)
		return NULL;
	if (ref >= h->str_size) {
		*bad = true;
		return NULL;
	}
	return (const char *)base + h->str_off + ref;
}

static bool
domain_ok(const unsigned char *base, const struct agc_header *h,
    const struct agc_domain *r)
{
	bool bad = false;
	size_t c;

	if (pool_str(base, h, r->name, &bad) == NULL || bad)
		return false;
	pool_str(base, h, r->written, &bad);
	if (bad || r->mode_set > 1 || r->mode > AG_MODE_MONITOR)
		return false;
	for (c = 0; c < AG_CLASS_COUNT; c++)
		if (r->set[c] > 1 || r->actions[c].action >= AG_ACTION_COUNT)
			return false;
	return true;
}

static bool
entry_ok(const unsigned char *base, const struct agc_header *h,
    const struct agc_entry *r)
{
	bool bad = false;

	if (pool_str(base, h, r->name, &bad) == NULL || bad)
		return false;
	pool_str(base, h, r->written, &bad);
	return !bad;
}

static bool
table_ok(const unsigned char *base, uint64_t off, uint32_t slots, uint32_t n)
{
	const uint32_t *t = (const uint32_t *)(const void *)(base + off);
	uint32_t i;

	for (i = 0; i < slots; i++)
		if (t[i] > n)
			return false;
	return true;
}

int
agc_check_payload(const void *base, size_t size, char *err, size_t errsz)
{
	const struct agc_header *h = base;
	const unsigned char *b = base;
	uint32_t i;

	if (agc_sum(b + h->header_size, size - h->header_size)
	    != h->payload_sum) {
		snprintf(err, errsz, "corrupt (payload checksum)");
		return -1;
	}
	for (i = 0; i < h->n_domains; i++)
		if (!domain_ok(b, h,
			(const struct agc_domain *)(const void *)(b
			    + h->dom_off)
			    + i))
			goto bad;
	for (i = 0; i < h->n_trusted; i++)
		if (!entry_ok(b, h,
			(const struct agc_entry *)(const void *)(b
			    + h->trust_off)
			    + i))
			goto bad;
	for (i = 0; i < h->n_sealers; i++)
		if (!entry_ok(b, h,
			(const struct agc_entry *)(const void *)(b
			    + h->seal_off)
			    + i))
			goto bad;
	if (!table_ok(b, h->dtab_off, h->dtab_n, h->n_domains)
	    || !table_ok(b, h->ttab_off, h->ttab_n, h->n_trusted)
	    || !table_ok(b, h->stab_off, h->stab_n, h->n_sealers))
		goto bad;
	return 0;
bad:
	snprintf(err, errsz, "corrupt (a record is out of bounds)");
	return -1;
}

void
agc_source_stamp(const void *base, struct agc_stamp *out)
{
	memcpy(out, &((const struct agc_header *)base)->src, sizeof(*out));
}

bool
agc_stamp_equal(const struct agc_stamp *a, const struct agc_stamp *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size
	    && a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec
	    && a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec;
}

/* ---- reading ---- */

static int
read_general(struct policy *p, const unsigned char *b,
    const struct agc_header *h)
{
	const struct agc_gen *g
	    = (const struct agc_gen *)(const void *)(b + h->gen_off);
	const struct agc_action *a
	    = (const struct agc_action *)(const void *)(b + h->act_off);
	size_t i;

	for (i = 0; i < P_COUNT; i++) {
		const struct param *pa = &policy_params[i];
		char *f = (char *)p + pa->field;
		int64_t v = g[i].value;
		bool bad = false;

		if (pa->section != SEC_GENERAL || pa->store == PS_NONE)
			continue;
		switch (pa->store) {
		case PS_NONE:
			break;
		case PS_STRING:
			if (v < 0 || v >= AGC_NONE)
				return -1;
			*(const char **)(void *)f
			    = pool_str(b, h, (uint32_t)v, &bad);
			/* the bounds the parse enforced, which the
			 * users of these strings rely on */
			if (bad || *(const char **)(void *)f == NULL
			    || (pa->max != 0
				&& strnlen(*(const char **)(void *)f,
				       pa->max + 1)
				    > pa->max))
				return -1;
			break;
		case PS_UNSIGNED:
			if (v < 0 || v > UINT32_MAX
			    || (pa->max != 0
				&& ((uint64_t)v < pa->min
				    || (uint64_t)v > pa->max)))
				return -1;
			*(unsigned *)(void *)f = (unsigned)v;
			break;
		case PS_INT:
			if (v < -1 || v > 1000)
				return -1;
			*(int *)(void *)f = (int)v;
			break;
		case PS_BOOL:
			if (v < 0 || v > 1)
				return -1;
			*(bool *)(void *)f = v != 0;
			break;
		case PS_MODE:
			if (v < 0 || v > AG_MODE_MONITOR)
				return -1;
			*(enum ag_mode *)(void *)f = (enum ag_mode)v;
			break;
		case PS_ACTION:
			if (v < 0 || v >= AG_ACTION_COUNT)
				return -1;
			*(enum ag_action *)(void *)f = (enum ag_action)v;
			break;
		}
		if (pa->line != 0)
			*(unsigned *)(void *)((char *)p + pa->line) = g[i].line;
	}
	p->dmarc_pass_waives_line = g[P_DMARC_PASS_WAIVES].line;
	for (i = 0; i < AG_CLASS_COUNT; i++) {
		if (a[i].action >= AG_ACTION_COUNT)
			return -1;
		p->actions[i].action = (enum ag_action)a[i].action;
		p->actions[i].line = a[i].line;
	}
	return 0;
}

static struct cidr *
read_nets(struct policy *p, const unsigned char *b, const struct agc_header *h,
    uint64_t off, uint32_t n)
{
	const struct agc_net *r
	    = (const struct agc_net *)(const void *)(b + off);
	struct cidr *nets;
	uint32_t i;

	if (n == 0)
		return NULL;
	if ((nets = arena_zalloc(&p->arena, (size_t)n * sizeof(*nets))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		bool bad = false;
		const char *t = pool_str(b, h, r[i].text, &bad);

		if (bad || t == NULL || r[i].prefix > 128 || r[i].v4 > 1
		    || strlen(t) >= CIDR_TEXT_MAX)
			return NULL;
		memcpy(nets[i].addr, r[i].addr, 16);
		nets[i].prefix = r[i].prefix;
		nets[i].v4 = r[i].v4 != 0;
		nets[i].line = r[i].line;
		memcpy(nets[i].text, t, strlen(t) + 1);
	}
	return nets;
}

struct policy *
agc_policy(const void *base, size_t size, const char *file, char *err,
    size_t errsz)
{
	const struct agc_header *h = base;
	const unsigned char *b = base;
	struct agc_view *v;
	struct policy *p;

	(void)size;
	if ((p = ag_malloc(sizeof(*p))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	v = ag_malloc(sizeof(*v));
	if (v != NULL) {
		memset(v, 0, sizeof(*v));
		v->base = b;
		v->h = h;
		v->arena = &p->arena;
		v->slots = ag_malloc(AGC_CACHE_SLOTS0 * sizeof(*v->slots));
		if (v->slots != NULL)
			memset(v->slots, 0,
			    AGC_CACHE_SLOTS0 * sizeof(*v->slots));
		v->mask = AGC_CACHE_SLOTS0 - 1;
	}
	p->compiled = v;
	if (v == NULL || v->slots == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	p->file = arena_strdup(&p->arena, file);
	memcpy(p->sha256, h->sha256, sizeof(p->sha256) - 1);
	p->sha256[sizeof(p->sha256) - 1] = '\0';
	if (read_general(p, b, h) != 0) {
		snprintf(err, errsz, "corrupt ([general] values)");
		goto fail;
	}
	p->n_relays = h->n_relays;
	p->n_skip_hosts = h->n_skip;
	p->relays = read_nets(p, b, h, h->relay_off, h->n_relays);
	p->skip_hosts = read_nets(p, b, h, h->skip_off, h->n_skip);
	if ((h->n_relays > 0 && p->relays == NULL)
	    || (h->n_skip > 0 && p->skip_hosts == NULL)) {
		snprintf(err, errsz, "corrupt (networks)");
		goto fail;
	}
	p->n_domains = h->n_domains;
	p->n_trusted = h->n_trusted;
	p->n_sealers = h->n_sealers;
	if (arena_failed(&p->arena) || p->file == NULL) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	return p;
fail:
	policy_free(p);
	return NULL;
}

void
agc_view_free(struct agc_view *v)
{
	if (v == NULL)
		return;
	free(v->slots);
	free(v);
}

/* The copy of a record already made, or NULL. */
static void *
cache_get(const struct agc_view *v, uint32_t key)
{
	size_t k = (key * 2654435761u) & v->mask;

	for (; v->slots[k].key != 0; k = (k + 1) & v->mask)
		if (v->slots[k].key == key)
			return v->slots[k].copy;
	return NULL;
}

/* Keeps a copy; a table that cannot grow keeps it uncached (found
 * again, copied again: correct, only slower). */
static void
cache_put(struct agc_view *v, uint32_t key, void *copy)
{
	struct agc_slot *old = v->slots, *t;
	size_t size = v->mask + 1, i, k;

	if ((v->count + 1) * 2 > size) {
		if ((t = ag_malloc(2 * size * sizeof(*t))) == NULL)
			return;
		memset(t, 0, 2 * size * sizeof(*t));
		v->slots = t;
		v->mask = 2 * size - 1;
		v->count = 0;
		for (i = 0; i < size; i++)
			if (old[i].key != 0)
				cache_put(v, old[i].key, old[i].copy);
		free(old);
	}
	k = (key * 2654435761u) & v->mask;
	while (v->slots[k].key != 0)
		k = (k + 1) & v->mask;
	v->slots[k].key = key;
	v->slots[k].copy = copy;
	v->count++;
}

/* The record index of exactly name (len bytes) in a table, or -1. */
static long
probe(const struct agc_view *v, uint64_t tab_off, uint32_t slots,
    uint64_t rec_off, size_t rec_size, uint32_t n, const char *name, size_t len)
{
	const uint32_t *tab
	    = (const uint32_t *)(const void *)(v->base + tab_off);
	uint64_t k = name_hash(name, len) & (slots - 1);
	uint32_t steps;

	for (steps = 0; steps < slots; steps++, k = (k + 1) & (slots - 1)) {
		uint32_t idx = tab[k], ref;
		bool bad = false;
		const char *s;

		if (idx == 0)
			return -1;
		if (idx > n)
			continue;
		/* name is each record's first field */
		memcpy(&ref, v->base + rec_off + (idx - 1) * rec_size,
		    sizeof(ref));
		s = pool_str(v->base, v->h, ref, &bad);
		if (s != NULL && strncmp(s, name, len) == 0 && s[len] == '\0')
			return (long)idx - 1;
	}
	return -1;
}

/* Walks domain and its parents, most specific first; the first index
 * found, or -1. */
static long
find_within(const struct agc_view *v, uint64_t tab_off, uint32_t slots,
    uint64_t rec_off, size_t rec_size, uint32_t n, const char *domain)
{
	const char *p = domain, *dot;
	size_t len;
	long idx;

	if (domain == NULL || n == 0)
		return -1;
	len = strlen(domain);
	for (;;) {
		idx = probe(v, tab_off, slots, rec_off, rec_size, n, p, len);
		if (idx >= 0)
			return idx;
		if ((dot = memchr(p, '.', len)) == NULL)
			return -1;
		len -= (size_t)(dot + 1 - p);
		p = dot + 1;
	}
}

const struct policy_domain *
agc_domain_for(struct agc_view *v, const char *domain)
{
	const struct agc_header *h = v->h;
	const struct agc_domain *r;
	struct policy_domain *d;
	bool bad = false;
	long idx;
	size_t c;

	idx = find_within(v, h->dtab_off, h->dtab_n, h->dom_off,
	    sizeof(struct agc_domain), h->n_domains, domain);
	if (idx < 0)
		return NULL;
	if ((d = cache_get(v, AGC_KEY_DOMAIN | (uint32_t)(idx + 1))) != NULL)
		return d;
	r = (const struct agc_domain *)(const void *)(v->base + h->dom_off)
	    + idx;
	/* Out of memory here answers "no section", as a lookup must
	 * answer something; the arena says so to nobody. */
	if (!domain_ok(v->base, h, r)
	    || (d = arena_zalloc(v->arena, sizeof(*d))) == NULL)
		return NULL;
	d->written = pool_str(v->base, h, r->written, &bad);
	d->line = r->line;
	d->ignore = r->ignore;
	d->ignore_line = r->ignore_line;
	d->mode_set = r->mode_set != 0;
	d->mode = (enum ag_mode)r->mode;
	d->mode_line = r->mode_line;
	for (c = 0; c < AG_CLASS_COUNT; c++) {
		d->set[c] = r->set[c] != 0;
		d->actions[c].action = (enum ag_action)r->actions[c].action;
		d->actions[c].line = r->actions[c].line;
	}
	d->name = pool_str(v->base, h, r->name, &bad);
	cache_put(v, AGC_KEY_DOMAIN | (uint32_t)(idx + 1), d);
	return d;
}

static const struct policy_entry *
entry_for(struct agc_view *v, uint64_t tab_off, uint32_t slots,
    uint64_t rec_off, uint32_t n, size_t first, const char *domain)
{
	const struct agc_entry *r;
	struct policy_entry *e;
	bool bad = false;
	uint32_t key;
	long idx;

	idx = find_within(v, tab_off, slots, rec_off, sizeof(*r), n, domain);
	if (idx < 0)
		return NULL;
	key = AGC_KEY_ENTRY | (uint32_t)(first + (size_t)idx + 1);
	if ((e = cache_get(v, key)) != NULL)
		return e;
	r = (const struct agc_entry *)(const void *)(v->base + rec_off) + idx;
	if (!entry_ok(v->base, v->h, r)
	    || (e = arena_zalloc(v->arena, sizeof(*e))) == NULL)
		return NULL;
	e->written = pool_str(v->base, v->h, r->written, &bad);
	e->line = r->line;
	e->name = pool_str(v->base, v->h, r->name, &bad);
	cache_put(v, key, e);
	return e;
}

const struct policy_entry *
agc_trusted(struct agc_view *v, const char *domain)
{
	return entry_for(v, v->h->ttab_off, v->h->ttab_n, v->h->trust_off,
	    v->h->n_trusted, 0, domain);
}

const struct policy_entry *
agc_sealer(struct agc_view *v, const char *domain)
{
	return entry_for(v, v->h->stab_off, v->h->stab_n, v->h->seal_off,
	    v->h->n_sealers, v->h->n_trusted, domain);
}
