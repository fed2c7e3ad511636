/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cidr.h: IPv4 and IPv6 networks for trusted relays and skip_hosts.
 * IPv4 is held as v4-mapped IPv6 (::ffff:a.b.c.d), so a client address
 * written either way matches the same entries.
 */
#ifndef AG_CIDR_H
#define AG_CIDR_H

#include <stdbool.h>
#include <stddef.h>

#define CIDR_TEXT_MAX 64

struct cidr {
	unsigned char addr[16];
	unsigned prefix; /* in IPv6 bits: a v4 /24 is 120 */
	bool v4;
	unsigned line;
	char text[CIDR_TEXT_MAX];
};

/* Parses "ADDR" or "ADDR/LEN" (len bytes of s). A network with host bits
 * set is an error, since it usually means a typo. Returns 0, or -1 with a
 * reason in err. */
int cidr_parse(const char *s, size_t len, struct cidr *out, char *err,
    size_t errsz);
/* Parses an IPv4 or IPv6 address into v4-mapped form; 0 or -1. */
int cidr_parse_ip(const char *s, unsigned char out[16]);
/* Tells whether addr (v4-mapped form) lies inside the network. */
bool cidr_contains(const struct cidr *net, const unsigned char addr[16]);
/* Returns the number of address bits the prefix leaves free (for
 * warnings about very wide networks). */
unsigned cidr_host_bits(const struct cidr *net);

#endif
