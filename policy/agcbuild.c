/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agcbuild.c: the compiled policy written (compiled.h): a parsed policy's
 * [general] values (one record per row of the parameter table, so a new
 * parameter is compiled with no change here), actions, networks,
 * [domain:] sections and trusted names with their hash tables, and the
 * string pool, into one buffer the CLI writes to disk.
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
#include "util/version.h"

/*
 * A tripwire: the compiled form carries the [general] values through the
 * parameter table, and what lies outside it (actions, lists, sections,
 * names, networks) by hand, here and in compiled.c. A field added to one
 * of these structs must be carried too (or the compiled form would drop
 * it silently): then update the sizes below, and AGC_VERSION when the
 * file's layout changes.
 */
#if defined(__x86_64__) && defined(__LP64__)
_Static_assert(sizeof(struct policy) == 680,
    "struct policy changed: carry the new field in the compiled form");
_Static_assert(sizeof(struct policy_domain) == 288,
    "struct policy_domain changed: carry it in the compiled form");
_Static_assert(sizeof(struct policy_entry) == 24,
    "struct policy_entry changed: carry it in the compiled form");
_Static_assert(sizeof(struct cidr) == 92,
    "struct cidr changed: carry it in the compiled form");
#endif

/* ---- writing ---- */

struct out {
	unsigned char *buf;
	size_t len, cap;
	bool failed;
};

static uint64_t
out_reserve(struct out *o, size_t n)
{
	size_t at = (o->len + 7) & ~(size_t)7, cap = o->cap;
	unsigned char *b;

	if (o->failed || n > AGC_MAX_SIZE || at + n > AGC_MAX_SIZE) {
		o->failed = true;
		return 0;
	}
	while (at + n > cap)
		cap = cap == 0 ? 4096 : cap * 2;
	if (cap != o->cap) {
		if ((b = ag_realloc(o->buf, cap)) == NULL) {
			o->failed = true;
			return 0;
		}
		memset(b + o->cap, 0, cap - o->cap);
		o->buf = b;
		o->cap = cap;
	}
	o->len = at + n;
	return at;
}

/* The string pool, built beside the image and appended last. */
struct pool {
	struct out o;
};

static uint32_t
pool_add(struct pool *pl, const char *s)
{
	size_t n;
	uint64_t at;

	if (s == NULL)
		return AGC_NONE;
	n = strlen(s) + 1;
	at = pl->o.len;
	if (pl->o.failed || at + n >= AGC_NONE) {
		pl->o.failed = true;
		return AGC_NONE;
	}
	pl->o.len = at; /* strings are not aligned */
	if (at + n > pl->o.cap) {
		size_t cap = pl->o.cap == 0 ? 4096 : pl->o.cap;
		unsigned char *b;

		while (at + n > cap)
			cap *= 2;
		if ((b = ag_realloc(pl->o.buf, cap)) == NULL) {
			pl->o.failed = true;
			return AGC_NONE;
		}
		pl->o.buf = b;
		pl->o.cap = cap;
	}
	memcpy(pl->o.buf + at, s, n);
	pl->o.len = at + n;
	return (uint32_t)at;
}

static uint32_t
table_slots(size_t n)
{
	uint32_t size = 8;

	while (size < 2 * n && size < (1u << 30))
		size <<= 1;
	return size;
}

/* Fills a hash table of slots (record index + 1; 0 empty) for names;
 * the first of equal names wins, as in a parsed policy. */
static void
fill_table(uint32_t *tab, uint32_t slots, const char *const *names, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		uint64_t h = name_hash(names[i], len);
		bool dup = false;

		for (k = h & (slots - 1); tab[k] != 0;
		     k = (k + 1) & (slots - 1))
			if (strcmp(names[tab[k] - 1], names[i]) == 0) {
				dup = true;
				break;
			}
		if (!dup)
			tab[k] = (uint32_t)(i + 1);
	}
}

static void
put_nets(struct out *o, struct pool *pl, uint64_t at, const struct cidr *nets,
    size_t n)
{
	size_t i;

	for (i = 0; i < n && !o->failed; i++) {
		struct agc_net *r = (struct agc_net *)(void *)(o->buf + at) + i;

		memcpy(r->addr, nets[i].addr, 16);
		r->prefix = nets[i].prefix;
		r->v4 = nets[i].v4;
		r->line = nets[i].line;
		r->text = pool_add(pl, nets[i].text);
	}
}

static void
put_entries(struct out *o, struct pool *pl, uint64_t at, uint64_t tab,
    uint32_t slots, const struct policy_entry *list, size_t n)
{
	const char **names;
	size_t i;

	if (o->failed || n == 0)
		return;
	for (i = 0; i < n; i++) {
		struct agc_entry *r
		    = (struct agc_entry *)(void *)(o->buf + at) + i;

		r->name = pool_add(pl, list[i].name);
		r->written = pool_add(pl, list[i].written);
		r->line = list[i].line;
	}
	if ((names = ag_malloc(n * sizeof(*names))) == NULL) {
		o->failed = true;
		return;
	}
	for (i = 0; i < n; i++)
		names[i] = list[i].name;
	fill_table((uint32_t *)(void *)(o->buf + tab), slots, names, n);
	free(names);
}

static void
put_domains(struct out *o, struct pool *pl, const struct policy *p,
    struct agc_header *h)
{
	const char **names;
	size_t i, c;

	if (o->failed || p->n_domains == 0)
		return;
	for (i = 0; i < p->n_domains; i++) {
		const struct policy_domain *d = &p->domain_list[i];
		struct agc_domain *r
		    = (struct agc_domain *)(void *)(o->buf + h->dom_off) + i;

		r->name = pool_add(pl, d->name);
		r->written = pool_add(pl, d->written);
		r->line = d->line;
		r->ignore = d->ignore;
		r->ignore_line = d->ignore_line;
		r->mode_set = d->mode_set;
		r->mode = d->mode;
		r->mode_line = d->mode_line;
		for (c = 0; c < AG_CLASS_COUNT; c++) {
			r->set[c] = d->set[c];
			r->actions[c].action = d->actions[c].action;
			r->actions[c].line = d->actions[c].line;
		}
	}
	if ((names = ag_malloc(p->n_domains * sizeof(*names))) == NULL) {
		o->failed = true;
		return;
	}
	for (i = 0; i < p->n_domains; i++)
		names[i] = p->domain_list[i].name;
	fill_table((uint32_t *)(void *)(o->buf + h->dtab_off), h->dtab_n, names,
	    p->n_domains);
	free(names);
}

static void
put_general(struct out *o, struct pool *pl, const struct policy *p,
    const struct agc_header *h)
{
	const struct param *pa;
	size_t i;

	for (i = 0; i < P_COUNT && !o->failed; i++) {
		struct agc_gen *g
		    = (struct agc_gen *)(void *)(o->buf + h->gen_off) + i;
		const char *f;

		pa = &policy_params[i];
		if (pa->section != SEC_GENERAL || pa->store == PS_NONE)
			continue;
		f = (const char *)p + pa->field;
		switch (pa->store) {
		case PS_NONE:
			break;
		case PS_STRING:
			g->value
			    = pool_add(pl, *(const char *const *)(void *)f);
			break;
		case PS_UNSIGNED:
			g->value = *(const unsigned *)(const void *)f;
			break;
		case PS_INT:
			g->value = *(const int *)(const void *)f;
			break;
		case PS_BOOL:
			g->value = *(const bool *)(const void *)f;
			break;
		case PS_MODE:
			g->value = *(const enum ag_mode *)(const void *)f;
			break;
		case PS_ACTION:
			g->value = *(const enum ag_action *)(const void *)f;
			break;
		}
		if (pa->line != 0)
			g->line
			    = *(const unsigned *)(const void *)((const char *)p
				+ pa->line);
	}
	((struct agc_gen *)(void *)(o->buf + h->gen_off))[P_DMARC_PASS_WAIVES]
	    .line
	    = p->dmarc_pass_waives_line;
	for (i = 0; i < AG_CLASS_COUNT; i++) {
		struct agc_action *a
		    = (struct agc_action *)(void *)(o->buf + h->act_off) + i;

		a->action = p->actions[i].action;
		a->line = p->actions[i].line;
	}
}

int
agc_build(const struct policy *p, const struct agc_stamp *src,
    unsigned char **out, size_t *len, char *err, size_t errsz)
{
	struct out o = { NULL, 0, 0, false };
	struct pool pl = { { NULL, 0, 0, false } };
	struct agc_header h;
	size_t n_t = p->n_trusted, n_s = p->n_sealers;

	*out = NULL;
	*len = 0;
	if (p->compiled != NULL || (p->n_domains > 0 && !p->domain_list)
	    || p->n_domains > UINT32_MAX / 4 || n_t > UINT32_MAX / 4
	    || n_s > UINT32_MAX / 4 || p->n_relays > UINT32_MAX
	    || p->n_skip_hosts > UINT32_MAX) {
		snprintf(err, errsz, "not a parsed policy");
		return -1;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, AGC_MAGIC, 8);
	h.version = AGC_VERSION;
	h.byte_order = AGC_BYTE_ORDER;
	h.header_size = sizeof(h);
	h.w_int = sizeof(int);
	h.w_long = sizeof(long);
	h.w_ptr = sizeof(void *);
	h.class_count = AG_CLASS_COUNT;
	h.param_count = P_COUNT;
	h.gen_rec = sizeof(struct agc_gen);
	h.dom_rec = sizeof(struct agc_domain);
	h.ent_rec = sizeof(struct agc_entry);
	h.net_rec = sizeof(struct agc_net);
	snprintf(h.writer, sizeof(h.writer), "%s", AUTHGATE_VERSION);
	h.src = *src;
	snprintf(h.sha256, sizeof(h.sha256), "%s", p->sha256);
	h.n_domains = (uint32_t)p->n_domains;
	h.n_trusted = (uint32_t)n_t;
	h.n_sealers = (uint32_t)n_s;
	h.n_relays = (uint32_t)p->n_relays;
	h.n_skip = (uint32_t)p->n_skip_hosts;
	h.dtab_n = table_slots(p->n_domains);
	h.ttab_n = table_slots(n_t);
	h.stab_n = table_slots(n_s);

	out_reserve(&o, sizeof(h));
	h.gen_off = out_reserve(&o, P_COUNT * sizeof(struct agc_gen));
	h.act_off = out_reserve(&o, AG_CLASS_COUNT * sizeof(struct agc_action));
	h.relay_off = out_reserve(&o, p->n_relays * sizeof(struct agc_net));
	h.skip_off = out_reserve(&o, p->n_skip_hosts * sizeof(struct agc_net));
	h.dom_off = out_reserve(&o, p->n_domains * sizeof(struct agc_domain));
	h.trust_off = out_reserve(&o, n_t * sizeof(struct agc_entry));
	h.seal_off = out_reserve(&o, n_s * sizeof(struct agc_entry));
	h.dtab_off = out_reserve(&o, (size_t)h.dtab_n * 4);
	h.ttab_off = out_reserve(&o, (size_t)h.ttab_n * 4);
	h.stab_off = out_reserve(&o, (size_t)h.stab_n * 4);
	pool_add(&pl, ""); /* offset 0: the empty string */
	if (!o.failed) {
		put_general(&o, &pl, p, &h);
		put_nets(&o, &pl, h.relay_off, p->relays, p->n_relays);
		put_nets(&o, &pl, h.skip_off, p->skip_hosts, p->n_skip_hosts);
		put_domains(&o, &pl, p, &h);
		put_entries(&o, &pl, h.trust_off, h.ttab_off, h.ttab_n,
		    p->trusted_list, n_t);
		put_entries(&o, &pl, h.seal_off, h.stab_off, h.stab_n,
		    p->sealer_list, n_s);
	}
	h.str_size = pl.o.len;
	h.str_off = out_reserve(&o, pl.o.len);
	if (o.failed || pl.o.failed) {
		free(o.buf);
		free(pl.o.buf);
		snprintf(err, errsz, "out of memory, or larger than %zu bytes",
		    AGC_MAX_SIZE);
		return -1;
	}
	memcpy(o.buf + h.str_off, pl.o.buf, pl.o.len);
	free(pl.o.buf);
	h.total_size = o.len;
	h.payload_sum = agc_sum(o.buf + sizeof(h), o.len - sizeof(h));
	h.header_sum = agc_sum((const unsigned char *)&h,
	    offsetof(struct agc_header, header_sum));
	memcpy(o.buf, &h, sizeof(h));
	*out = o.buf;
	*len = o.len;
	return 0;
}
