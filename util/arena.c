/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arena.c: chunked bump allocation. Chunks grow geometrically so a policy
 * with ten thousand domains needs only a handful of malloc calls.
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

#define ARENA_FIRST_CHUNK ((size_t)4096)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

#ifdef AG_FAULT_INJECTION
static unsigned long fault_nth;
static unsigned long fault_calls;

void
ag_fault_fail_nth(unsigned long nth)
{
	fault_nth = nth;
	fault_calls = 0;
}

unsigned long
ag_fault_count(void)
{
	return fault_calls;
}

static int
fault_now(void)
{
	fault_calls++;
	return fault_nth != 0 && fault_calls == fault_nth;
}
#else
static int
fault_now(void)
{
	return 0;
}
#endif

void *
ag_malloc(size_t size)
{
	if (fault_now())
		return NULL;
	return malloc(size);
}

void *
ag_realloc(void *p, size_t size)
{
	if (fault_now())
		return NULL;
	return realloc(p, size);
}

void
arena_init(struct arena *a)
{
	a->head = NULL;
	a->total = 0;
	a->failed = false;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	arena_init(a);
}

void *
arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t align = alignof(max_align_t);
	size_t need, chunk;

	if (a->failed || size > ARENA_MAX_ALLOC) {
		a->failed = true;
		return NULL;
	}
	need = (size + align - 1) & ~(align - 1);
	if (need == 0)
		need = align;
	if (c == NULL || c->size - c->used < need) {
		chunk = c == NULL ? ARENA_FIRST_CHUNK : c->size * 2;
		if (chunk > ARENA_MAX_ALLOC)
			chunk = ARENA_MAX_ALLOC;
		if (chunk < need)
			chunk = need;
		c = ag_malloc(sizeof(*c) + chunk);
		if (c == NULL) {
			a->failed = true;
			return NULL;
		}
		c->next = a->head;
		c->size = chunk;
		c->used = 0;
		a->head = c;
		a->total += chunk;
	}
	c->used += need;
	return c->data + c->used - need;
}

void *
arena_zalloc(struct arena *a, size_t size)
{
	void *p = arena_alloc(a, size);

	if (p != NULL)
		memset(p, 0, size);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p;

	if (len >= ARENA_MAX_ALLOC) {
		a->failed = true;
		return NULL;
	}
	p = arena_alloc(a, len + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	return arena_strndup(a, s, strlen(s));
}

bool
arena_failed(const struct arena *a)
{
	return a->failed;
}
