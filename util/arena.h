/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arena.h: a bump allocator for data that lives and dies together (the
 * facts and decision of one message, or one loaded policy). Allocation
 * failure is sticky: the arena remembers it, returns NULL, and callers
 * check arena_failed() once at the end.
 */
#ifndef AG_ARENA_H
#define AG_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* Largest single allocation an arena serves. */
#define ARENA_MAX_ALLOC ((size_t)64 * 1024 * 1024)

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total;
	bool failed;
};

/* Prepares an empty arena; allocates nothing yet. */
void arena_init(struct arena *a);
/* Frees every chunk; the arena is empty and usable again. */
void arena_free(struct arena *a);
/* Returns size bytes aligned for any type, or NULL (and marks failure). */
void *arena_alloc(struct arena *a, size_t size);
/* Returns zeroed memory, or NULL (and marks failure). */
void *arena_zalloc(struct arena *a, size_t size);
/* Copies len bytes plus a NUL terminator; NULL on failure. */
char *arena_strndup(struct arena *a, const char *s, size_t len);
/* Copies a NUL-terminated string; NULL on failure or NULL input. */
char *arena_strdup(struct arena *a, const char *s);
/* Tells whether any allocation from this arena has failed. */
bool arena_failed(const struct arena *a);

/* malloc wrapper that tests can make fail on the Nth call. */
void *ag_malloc(size_t size);
/* realloc wrapper sharing ag_malloc's fault counter. */
void *ag_realloc(void *p, size_t size);

#ifdef AG_FAULT_INJECTION
/* Test hook: the nth ag_malloc/ag_realloc from now fails (0: never). */
void ag_fault_fail_nth(unsigned long nth);
/* Test hook: how many allocations were attempted since the last reset. */
unsigned long ag_fault_count(void);
#endif

#endif
