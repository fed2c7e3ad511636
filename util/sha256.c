/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sha256.c: SHA-256 in hex, on nettle (the crypto library the DKIM and
 * ARC verifier uses, and one Debian's Exim already maps).
 */
#include <nettle/sha2.h>

#include "util/sha256.h"

void
sha256_hex(const void *data, size_t len, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	struct sha256_ctx ctx;
	uint8_t d[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, sizeof(d), d);
	for (i = 0; i < sizeof(d); i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}
