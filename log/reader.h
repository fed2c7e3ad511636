/*
 * reader.h: a log line read back, the reader half of log/ (log/logline.h
 * writes it): the facts a line carries, and what `authgate decide
 * --facts` reads, from strict JSON.
 */
#ifndef AG_READER_H
#define AG_READER_H

#include <stddef.h>

#include "policy/facts.h"
#include "util/arena.h"

/* Reads a facts object from len bytes of strict JSON, strings into arena:
 * 0, or -1 with "path: problem" (or "line L column C: ...") in err. */
int facts_from_json(struct facts *f, struct arena *arena, const char *json,
    size_t len, char *err, size_t errsz);

#endif
