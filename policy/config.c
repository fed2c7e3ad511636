/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.c: what a loaded policy is made of. The loader's storage (lists
 * that grow while the file is read, then move into the policy's arena),
 * its diagnostics, the name sets built from the lists, and the lookups
 * the engine makes in a loaded policy. Reading the file is ini.c's job,
 * the keys' values params.c's, the steps of a load load.c's.
 */
#include <libpsl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/compiled.h"
#include "policy/config.h"
#include "policy/loader.h"
#include "util/arena.h"
#include "util/cidr.h"
#include "util/domain.h"

void
policy_diag_add(struct policy_diag *diag, enum policy_severity sev,
    unsigned line, const char *fmt, ...)
{
	struct policy_diag_item *item;
	va_list ap;

	if (diag == NULL)
		return;
	if (sev == POLICY_ERROR)
		diag->n_errors++;
	else
		diag->n_warnings++;
	if (diag->n >= POLICY_MAX_DIAGS) {
		diag->dropped++;
		return;
	}
	item = &diag->items[diag->n++];
	item->severity = sev;
	item->line = line;
	va_start(ap, fmt);
	vsnprintf(item->msg, sizeof(item->msg), fmt, ap);
	va_end(ap);
}

void
loader_error(struct loader *ld, const char *fmt, ...)
{
	char msg[sizeof(((struct policy_diag_item *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_diag_add(ld->diag, POLICY_ERROR, ld->lineno, "%s", msg);
}

void
policy_diag_format(const char *file, const struct policy_diag_item *item,
    char *buf, size_t size)
{
	const char *sev = item->severity == POLICY_ERROR ? "error" : "warning";

	if (item->line > 0)
		snprintf(buf, size, "%s:%u: %s: %s", file, item->line, sev,
		    item->msg);
	else
		snprintf(buf, size, "%s: %s: %s", file, sev, item->msg);
}

void *
loader_push(struct loader *ld, struct vec *v)
{
	size_t cap;
	unsigned char *p;

	if (v->n == v->cap) {
		cap = v->cap == 0 ? 16 : v->cap * 2;
		p = ag_realloc(v->items, cap * v->elem);
		if (p == NULL) {
			ld->oom = true;
			return NULL;
		}
		v->items = p;
		v->cap = cap;
	}
	memset(v->items + v->n * v->elem, 0, v->elem);
	return v->items + v->n++ * v->elem;
}

const char *
loader_save(struct loader *ld, const char *s, size_t len)
{
	const char *p = arena_strndup(&ld->p->arena, s, len);

	if (p == NULL)
		ld->oom = true;
	return p;
}

/* Copies a vector's contents into the policy's arena and frees it. */
static void *
vec_settle(struct loader *ld, struct vec *v, size_t *n)
{
	void *p = NULL;

	*n = v->n;
	if (v->n > 0) {
		p = arena_alloc(&ld->p->arena, v->n * v->elem);
		if (p == NULL)
			ld->oom = true;
		else
			memcpy(p, v->items, v->n * v->elem);
	}
	free(v->items);
	v->items = NULL;
	return p;
}

void
loader_settle(struct loader *ld)
{
	struct policy *p = ld->p;

	p->domain_list = vec_settle(ld, &ld->domains, &p->n_domains);
	p->trusted_list = vec_settle(ld, &ld->trusted, &p->n_trusted);
	p->sealer_list = vec_settle(ld, &ld->sealers, &p->n_sealers);
	p->relays = vec_settle(ld, &ld->relays, &p->n_relays);
	p->skip_hosts = vec_settle(ld, &ld->skip, &p->n_skip_hosts);
}

/* Builds a name set whose values point at the entries; reports repeated
 * [domain:] sections (repeated list items are harmless). */
static int
build_set(struct loader *ld, struct dset *set, const char **names,
    void **values, size_t n)
{
	if (n == 0) {
		memset(set, 0, sizeof(*set));
		return 0;
	}
	if (dset_build(set, &ld->p->arena, names, values, n) != 0) {
		ld->oom = true;
		return -1;
	}
	return 0;
}

static void
build_entry_set(struct loader *ld, struct dset *set, struct policy_entry *list,
    size_t n)
{
	const char **names;
	void **values;
	size_t i;

	if (n == 0)
		return;
	names = ag_malloc(n * sizeof(*names));
	values = ag_malloc(n * sizeof(*values));
	if (names == NULL || values == NULL) {
		ld->oom = true;
	} else {
		for (i = 0; i < n; i++) {
			names[i] = list[i].name;
			values[i] = &list[i];
		}
		build_set(ld, set, names, values, n);
	}
	free(names);
	free(values);
}

static void
build_domain_set(struct loader *ld)
{
	struct policy *p = ld->p;
	const char **names;
	void **values;
	const struct dset_entry *e;
	const struct policy_domain *first;
	size_t i, n = p->n_domains;

	if (n == 0)
		return;
	names = ag_malloc(n * sizeof(*names));
	values = ag_malloc(n * sizeof(*values));
	if (names == NULL || values == NULL) {
		ld->oom = true;
		goto out;
	}
	for (i = 0; i < n; i++) {
		names[i] = p->domain_list[i].name;
		values[i] = &p->domain_list[i];
	}
	if (build_set(ld, &p->domains, names, values, n) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		e = dset_get(&p->domains, names[i], strlen(names[i]));
		first = e->value;
		if (first != &p->domain_list[i])
			policy_diag_add(ld->diag, POLICY_ERROR,
			    p->domain_list[i].line,
			    "section [domain:%s] already opened at line %u",
			    names[i], first->line);
	}
out:
	free(names);
	free(values);
}

void
loader_build_sets(struct loader *ld)
{
	struct policy *p = ld->p;

	build_entry_set(ld, &p->trusted_domains, p->trusted_list, p->n_trusted);
	build_entry_set(ld, &p->arc_sealers, p->sealer_list, p->n_sealers);
	build_domain_set(ld);
}

void
policy_free(struct policy *policy)
{
	if (policy == NULL)
		return;
	if (policy->psl != NULL)
		psl_free(policy->psl);
	loader_release(policy);
	agc_view_free(policy->compiled);
	arena_free(&policy->arena);
	free(policy);
}

const char *
policy_org_domain(const struct policy *policy, const char *domain)
{
	if (policy->psl == NULL || domain == NULL || domain[0] == '\0')
		return NULL;
	return psl_registrable_domain(policy->psl, domain);
}

const struct policy_domain *
policy_domain_for(const struct policy *policy, const char *from_domain)
{
	const struct dset_entry *e;

	if (policy->compiled != NULL)
		return agc_domain_for(policy->compiled, from_domain);
	e = dset_find_within(&policy->domains, from_domain);
	return e != NULL ? e->value : NULL;
}

const struct policy_entry *
policy_trusted_domain(const struct policy *policy, const char *domain)
{
	const struct dset_entry *e;

	if (policy->compiled != NULL)
		return agc_trusted(policy->compiled, domain);
	e = dset_find_within(&policy->trusted_domains, domain);
	return e != NULL ? e->value : NULL;
}

const struct policy_entry *
policy_trusted_sealer(const struct policy *policy, const char *domain)
{
	const struct dset_entry *e;

	if (policy->compiled != NULL)
		return agc_sealer(policy->compiled, domain);
	e = dset_find_within(&policy->arc_sealers, domain);
	return e != NULL ? e->value : NULL;
}

static const struct cidr *
find_network(const struct cidr *list, size_t n, const char *ip)
{
	unsigned char addr[16];
	size_t i;

	if (ip == NULL || n == 0 || cidr_parse_ip(ip, addr) != 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (cidr_contains(&list[i], addr))
			return &list[i];
	return NULL;
}

const struct cidr *
policy_trusted_relay(const struct policy *policy, const char *ip)
{
	return find_network(policy->relays, policy->n_relays, ip);
}

const struct cidr *
policy_skip_host(const struct policy *policy, const char *ip)
{
	return find_network(policy->skip_hosts, policy->n_skip_hosts, ip);
}

bool
policy_spelled_otherwise(const char *written, size_t len, const char *canonical)
{
	size_t i;

	if (len > 0 && written[len - 1] == '.')
		len--;
	if (len != strlen(canonical))
		return true;
	for (i = 0; i < len; i++) {
		char c = written[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != canonical[i])
			return true;
	}
	return false;
}
