/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compiled.h: the compiled policy (policy.ini.agc, written by `authgate
 * compile`), a read-only image of a parsed policy that the loader maps
 * instead of parsing policy.ini: the [general] and [actions] values, the
 * networks, and the [domain:] sections and trusted names in hash tables
 * laid out in the file (offsets, never pointers), so that loading costs
 * the same whatever the policy's size and the pages are shared between
 * Exim's processes. The file is untrusted input: every offset is checked
 * against the map before it is read. Nothing here does I/O: load.c maps
 * the file, the CLI writes it.
 *
 * Layout (native byte order and widths, checked): the header (struct
 * agc_header: magic, format version, byte-order word, widths, total
 * size, the writer's version, the source's stamp and SHA-256, section
 * offsets, a checksum of the payload and one of the header), then the
 * payload: general values (one record per parameter of the table), the
 * actions, the networks, the domain and name records, their hash tables
 * and a pool of NUL-ended strings.
 */
#ifndef AG_COMPILED_H
#define AG_COMPILED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/config.h"

#define AGC_MAGIC   "AGPOLICY"
#define AGC_VERSION 1
#define AGC_SUFFIX  ".agc"
/* Largest compiled file read or written. */
#define AGC_MAX_SIZE ((size_t)256 * 1024 * 1024)

/* The stamp of the policy.ini a compiled file was made from. */
struct agc_stamp {
	uint64_t dev, ino, size;
	int64_t mtime_sec, ctime_sec;
	uint32_t mtime_nsec, ctime_nsec;
};

struct agc_view;

/* Serializes a valid parsed policy with the stamp of its source into a
 * malloc'd image (*out, *len); 0, or -1 with err set. */
int agc_build(const struct policy *p, const struct agc_stamp *src,
    unsigned char **out, size_t *len, char *err, size_t errsz);
/* Checks the header of an image of size bytes (magic, version, byte
 * order, widths, sizes, writer, header checksum, section bounds): O(1).
 * 0, or -1 with the reason in err. */
int agc_check_header(const void *base, size_t size, char *err, size_t errsz);
/* Checks the payload checksum and every record (call after
 * agc_check_header): O(size). 0, or -1 with the reason in err. */
int agc_check_payload(const void *base, size_t size, char *err, size_t errsz);
/* The source stamp recorded in a checked image. */
void agc_source_stamp(const void *base, struct agc_stamp *out);
/* Tells whether two stamps are the same file at the same change. */
bool agc_stamp_equal(const struct agc_stamp *a, const struct agc_stamp *b);
/* Builds a policy (no public suffix list yet) reading a checked image
 * that must stay mapped until policy_free; file names the source for
 * messages. NULL with err set when out of memory or a record is bad. */
struct policy *agc_policy(const void *base, size_t size, const char *file,
    char *err, size_t errsz);
/* Frees the view's own memory (not the map). */
void agc_view_free(struct agc_view *v);
/* The [domain:] section governing a From domain, or NULL. */
const struct policy_domain *agc_domain_for(struct agc_view *v,
    const char *domain);
/* The trusted domain covering domain, or NULL. */
const struct policy_entry *agc_trusted(struct agc_view *v, const char *domain);
/* The trusted ARC sealer covering domain, or NULL. */
const struct policy_entry *agc_sealer(struct agc_view *v, const char *domain);

#endif
