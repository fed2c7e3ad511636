/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * agcformat.h: the records of the compiled policy's file (compiled.h
 * describes the layout), shared by its writer (agcbuild.c) and its
 * reader (compiled.c) and by nothing else.
 */
#ifndef AG_AGCFORMAT_H
#define AG_AGCFORMAT_H

#include <stdint.h>
#include <string.h>

#include "policy/classes.h"
#include "policy/compiled.h"

#define AGC_BYTE_ORDER 0x01020304u
#define AGC_NONE       UINT32_MAX /* a string reference to nothing */
#define AGC_WRITER_MAX 16

struct agc_header {
	char magic[8];
	uint32_t version;
	uint32_t byte_order;
	uint32_t header_size;
	uint8_t w_int, w_long, w_ptr, w_pad;
	uint64_t total_size;
	uint32_t class_count, param_count;
	uint32_t gen_rec, dom_rec, ent_rec, net_rec;
	char writer[AGC_WRITER_MAX];
	struct agc_stamp src;
	char sha256[72];
	uint32_t n_domains, n_trusted, n_sealers, n_relays, n_skip;
	uint32_t dtab_n, ttab_n, stab_n; /* hash slots, powers of two */
	uint64_t gen_off, act_off, relay_off, skip_off, dom_off, trust_off,
	    seal_off, dtab_off, ttab_off, stab_off, str_off, str_size;
	uint64_t payload_sum; /* of bytes header_size .. total_size */
	uint64_t header_sum;  /* of the bytes before it */
};

/* One [general] parameter, by its row of the table. */
struct agc_gen {
	int64_t value; /* strings: a reference into the pool */
	uint32_t line;
	uint32_t pad;
};

struct agc_action {
	uint32_t action, line;
};

struct agc_domain {
	uint32_t name, written, line, ignore, ignore_line, mode_set, mode,
	    mode_line;
	uint8_t set[(AG_CLASS_COUNT + 7) & ~7];
	struct agc_action actions[AG_CLASS_COUNT];
};

struct agc_entry {
	uint32_t name, written, line, pad;
};

struct agc_net {
	uint8_t addr[16];
	uint32_t prefix, v4, line, text;
};

/* ---- checksums and hashing ---- */

static inline uint64_t
agc_sum(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static inline uint64_t
name_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

#endif
