/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cidr.c: network parsing and matching with inet_pton, no allocation.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cidr.h"

int
cidr_parse_ip(const char *s, unsigned char out[16])
{
	unsigned char v4[4];

	if (inet_pton(AF_INET, s, v4) == 1) {
		memset(out, 0, 10);
		out[10] = 0xff;
		out[11] = 0xff;
		memcpy(out + 12, v4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1)
		return 0;
	return -1;
}

int
cidr_parse(const char *s, size_t len, struct cidr *out, char *err, size_t errsz)
{
	char text[CIDR_TEXT_MAX];
	char *slash, *end;
	unsigned long bits;
	unsigned maxbits, i;

	memset(out, 0, sizeof(*out));
	if (len == 0 || len >= sizeof(text)) {
		snprintf(err, errsz, "'%.*s' is not an address or network",
		    (int)(len < 64 ? len : 64), s);
		return -1;
	}
	memcpy(text, s, len);
	text[len] = '\0';
	memcpy(out->text, text, len + 1);
	slash = strchr(text, '/');
	if (slash != NULL)
		*slash = '\0';
	if (cidr_parse_ip(text, out->addr) != 0) {
		snprintf(err, errsz, "'%s' is not an IPv4 or IPv6 address",
		    text);
		return -1;
	}
	out->v4 = strchr(text, ':') == NULL;
	maxbits = out->v4 ? 32 : 128;
	bits = maxbits;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9') {
			snprintf(err, errsz,
			    "'%s' has no prefix length after /", out->text);
			return -1;
		}
		bits = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || bits > maxbits) {
			snprintf(err, errsz,
			    "'%s' has a prefix length outside 0-%u", out->text,
			    maxbits);
			return -1;
		}
	}
	out->prefix = (unsigned)bits + (out->v4 ? 96 : 0);
	for (i = out->prefix; i < 128; i++) {
		if (out->addr[i / 8] & (0x80 >> (i % 8))) {
			snprintf(err, errsz,
			    "'%s' has host bits set after the /%lu prefix",
			    out->text, bits);
			return -1;
		}
	}
	return 0;
}

bool
cidr_contains(const struct cidr *net, const unsigned char addr[16])
{
	unsigned full = net->prefix / 8, rest = net->prefix % 8;
	unsigned char mask;

	if (memcmp(net->addr, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (unsigned char)(0xff << (8 - rest));
	return (net->addr[full] & mask) == (addr[full] & mask);
}

unsigned
cidr_host_bits(const struct cidr *net)
{
	return 128 - net->prefix;
}
