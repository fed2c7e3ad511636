/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jsonread.h: the typed getters and the member loop that log/'s two
 * readers share (log-internal): facts_json.c reads the facts with them,
 * reader.c a log line. Built on jsonpull.h. A value's problem is named by
 * its path ("decision.findings[2].rule: expected a string"), a problem of
 * the text by its place ("line L column C: ...").
 *
 * The two formats differ in strictness, and their messages with it;
 * each keeps its own (the tests hold them):
 *   JSONREAD_FACTS: strings of at most FACTS_MAX_STRING bytes; a member
 *     name not known is refused ("unknown field") and a repeated one
 *     ("duplicate key"), both named by the object's path; a string that
 *     may be null "expected a string"; a copy with no memory named by
 *     the value's path.
 *   JSONREAD_LOGLINE: strings of any length; names not known are read
 *     past (checked as JSON, none twice), and a repeated name is a
 *     problem of the text, as jsonpull reports it at any depth; a string
 *     that may be null "expected a string or null"; a copy with no
 *     memory a problem of the text.
 */
#ifndef AG_JSONREAD_H
#define AG_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/jsonpull.h"

#define JSONREAD_MAX_WORD 40   /* result, action and class words are shorter */
#define JSONREAD_END	  (-2) /* jsonread_member: the object is complete */

enum jsonread_format {
	JSONREAD_FACTS,
	JSONREAD_LOGLINE,
};

/* Where a value is, spelled out only for an error: obj, obj[index],
 * obj.field, obj[index].field, field alone (obj NULL), or obj."quoted"
 * (a member whose name is data, as the DNS names of the facts). */
struct jsonread_path {
	const char *obj;
	long index; /* -1: none */
	const char *field;
	const char *quoted;
};

/* A reader: the JSON text (r->json, which the caller initialises, and so
 * chooses where the text's problems go) and where values' problems go. */
struct jsonread {
	struct jsonpull json;
	struct arena *arena; /* copies of strings */
	enum jsonread_format format;
	bool named; /* err holds a value's problem (not the text's) */
	char *err;
	size_t errsz;
};

/* An object being read, member by member (jsonread_object). */
struct jsonread_object {
	const char *const *keys;	/* the names known, at most 32 */
	unsigned seen;			/* bit i: keys[i] was read */
	const struct jsonread_path *at; /* the object itself */
	struct jsonread_path w;		/* its member being read */
	struct jsonpull_keys others;	/* the names not known (log line) */
};

/* Sets a reader's format, arena and error buffer (not its r->json). */
void jsonread_init(struct jsonread *r, enum jsonread_format format,
    struct arena *arena, char *err, size_t errsz);
/* Sets "PATH: message" as the error (w spelled out); returns -1. */
int jsonread_fail(struct jsonread *r, const struct jsonread_path *w,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Sets "PATH: expected what", unless t says the text failed (said): -1. */
int jsonread_expected(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, const char *what);
/* Copies the string begun by t into the arena (null: NULL, if nullable;
 * out NULL: checked, not kept): 0, or -1 with the error set. */
int jsonread_string(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, bool nullable, const char **out);
/* Puts the string begun by t into word (JSONREAD_MAX_WORD bytes; a longer
 * one is cut, and then names no word of a closed set): 0, or -1. */
int jsonread_word(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, char *word);
/* Reads a whole number from 0 to max (-0 is 0): 0, or -1. */
int jsonread_uint(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, unsigned max, unsigned *out);
/* Reads true or false: 0, or -1. */
int jsonread_bool(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, bool *out);
/* Begins the object begun by t, which is at path at (kept, not copied),
 * its members named with keys at obj.NAME (obj[index].NAME when at has an
 * index): 0, or -1 ("expected an object"). */
int jsonread_object(struct jsonread *r, enum jsonpull_token t,
    struct jsonread_object *o, const struct jsonread_path *at, const char *obj,
    const char *const *keys);
/* Reads to o's next member of a known name: its index in keys, with *t
 * its value's first token and o->w its path; JSONREAD_END after the '}';
 * -1 after an error. Log line: members of other names are read past. */
int jsonread_member(struct jsonread *r, struct jsonread_object *o,
    enum jsonpull_token *t);
/* Tells that o's member keys[k] was read: 0, or -1 ("PATH: missing"). */
int jsonread_require(struct jsonread *r, struct jsonread_object *o, int k);
/* Reads to the next element of the array at path at, of which n have
 * been read and max may be: 1 with *t its first token, 0 after the ']',
 * -1 after an error ("more than MAX", and what when not NULL). */
int jsonread_element(struct jsonread *r, const struct jsonread_path *at,
    size_t n, size_t max, const char *what, enum jsonpull_token *t);

#endif
