/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonpull.h: a strict streaming (pull) reader of one JSON text (RFC
 * 8259). The caller asks for one token at a time and decides what each
 * means, so values go straight into the caller's structures: no tree is
 * built and nothing is allocated except the key sets of
 * jsonpull_keys_add and the copies the caller asks for.
 *
 * The reader enforces the grammar itself: whatever the caller does, a
 * text it walks to JSONPULL_END is JSON. Strings are checked as they are
 * scanned: valid UTF-8 only, no unescaped control bytes, \uXXXX escapes
 * decoded (surrogate pairs joined, lone surrogates and \u0000 refused).
 * Nesting is tracked on a fixed stack (no recursion). Duplicate member
 * names are the caller's to refuse (it knows which names it expects);
 * jsonpull_skip and jsonpull_keys_add do it for objects of any names.
 * Errors read "line L column C: problem".
 */
#ifndef AG_JSONPULL_H
#define AG_JSONPULL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

#define JSONPULL_MAX_DEPTH 32 /* arrays and objects open at once */

enum jsonpull_token {
	JSONPULL_ERROR,	     /* not JSON: the error buffer says why */
	JSONPULL_END,	     /* one whole value and nothing after it */
	JSONPULL_OBJECT,     /* '{' */
	JSONPULL_OBJECT_END, /* '}' */
	JSONPULL_ARRAY,	     /* '[' */
	JSONPULL_ARRAY_END,  /* ']' */
	JSONPULL_KEY,	     /* a member name, its ':' consumed */
	JSONPULL_STRING,
	JSONPULL_NUMBER,
	JSONPULL_TRUE,
	JSONPULL_FALSE,
	JSONPULL_NULL,
};

struct jsonpull {
	const char *start; /* the text, for line and column in errors */
	const char *p;	   /* the next byte to read */
	const char *end;
	const char *tok; /* where the last token starts */
	/* The last KEY or STRING: its bytes between the quotes (escapes
	 * undecoded when escaped); the last NUMBER: its text. */
	const char *raw;
	size_t raw_len;
	size_t len;   /* decoded length of the last KEY or STRING */
	bool escaped; /* raw holds escapes: use jsonpull_copy/_prefix */
	bool integer; /* the last NUMBER has no fraction and no exponent */
	unsigned char expect;			 /* what may come next */
	unsigned depth;				 /* containers open */
	unsigned char stack[JSONPULL_MAX_DEPTH]; /* '{' or '[' per level */
	char *err;
	size_t errsz;
};

/* The member names seen in one object, to refuse duplicates. */
struct jsonpull_keys {
	size_t n, cap;
	struct jsonpull_key *slot; /* open addressing, cap a power of 2 */
};

/* Prepares to read len bytes of text; errors go to err (errsz bytes). */
void jsonpull_init(struct jsonpull *r, const char *text, size_t len, char *err,
    size_t errsz);
/* Returns the next token; JSONPULL_END and JSONPULL_ERROR repeat. */
enum jsonpull_token jsonpull_next(struct jsonpull *r);
/* Tells whether the last KEY or STRING decodes to exactly s. */
bool jsonpull_is(const struct jsonpull *r, const char *s);
/* Returns the last KEY or STRING decoded into arena, or NULL (no memory). */
char *jsonpull_copy(const struct jsonpull *r, struct arena *arena);
/* Decodes the last KEY or STRING into buf, cut to fit; returns its length. */
size_t jsonpull_prefix(const struct jsonpull *r, char *buf, size_t size);
/* Reads past the value begun by first, refusing duplicate names: 0, -1. */
int jsonpull_skip(struct jsonpull *r, enum jsonpull_token first,
    struct arena *arena);
/* Empties a key set; its table comes from the arena on first use. */
void jsonpull_keys_init(struct jsonpull_keys *keys);
/* Adds the last KEY to keys; -1 with the error set if already there. */
int jsonpull_keys_add(struct jsonpull *r, struct jsonpull_keys *keys,
    struct arena *arena);
/* Sets the error to "line L column C: " and fmt for the last token; -1. */
int jsonpull_fail(struct jsonpull *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
