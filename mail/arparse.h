/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arparse.h: reading an Authentication-Results value (RFC 8601 section
 * 2.2): the authserv-id, then each method's result with its reason and
 * properties, comments and quoted strings understood. Used where a
 * header that a sender may have written is read: the module's removal
 * of forged results and `authgate explain`.
 */
#ifndef AG_ARPARSE_H
#define AG_ARPARSE_H

#include <stdbool.h>
#include <stddef.h>

#define AR_MAX_ID    256 /* authserv-id bytes, with the NUL */
#define AR_MAX_WORD  64	 /* a method, result, ptype or property */
#define AR_MAX_VALUE 512 /* a reason or property value */
#define AR_MAX_PROPS 8	 /* properties kept per result; more are counted */

/* One property, "ptype.property=value", names in lower case. */
struct ar_prop {
	char ptype[AR_MAX_WORD];
	char property[AR_MAX_WORD];
	char value[AR_MAX_VALUE];
};

/* One result, "method=result reason=... ptype.property=value ...". */
struct ar_resinfo {
	char method[AR_MAX_WORD]; /* lower case */
	unsigned version;	  /* "method/N"; 0 when not given */
	char result[AR_MAX_WORD]; /* lower case */
	char reason[AR_MAX_VALUE];
	size_t n_props;	      /* kept in props */
	size_t props_dropped; /* beyond AR_MAX_PROPS */
	struct ar_prop props[AR_MAX_PROPS];
};

/* Called for each result in order; returning false stops the parse. */
typedef bool (*ar_each_fn)(void *ctx, const struct ar_resinfo *r);

/* Copies the authserv-id that value (len bytes) starts with, after any
 * comments, unquoted, into id; its length, or 0 when value does not
 * start with one that fits. Reads no further, so it finds the id of a
 * header whose results are malformed. */
size_t ar_authserv_id(const char *value, size_t len, char *id, size_t size);

/* Parses the whole value: 0 after calling each (may be NULL) for every
 * result ("none" has none), -1 when the value breaks the grammar or a
 * part does not fit, with *errpos (may be NULL) at the offending byte.
 * Results before the error have been passed to each. */
int ar_parse(const char *value, size_t len, char *id, size_t idsize,
    ar_each_fn each, void *ctx, size_t *errpos);

/* The value of property "ptype.property" in r, or NULL. */
const char *ar_prop_value(const struct ar_resinfo *r, const char *ptype,
    const char *property);

#endif
