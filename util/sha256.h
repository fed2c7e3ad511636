/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sha256.h: SHA-256 (FIPS 180-4, nettle's) of a buffer, for the policy file's
 * fingerprint that the module logs and `authgate --version` prints, so a
 * postmaster can tell which policy.ini a process runs with (compare with
 * sha256sum). Not used for anything that needs to resist an attacker.
 */
#ifndef AG_SHA256_H
#define AG_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

/* Writes the SHA-256 of len bytes as 64 lowercase hex digits and a NUL
 * into hex (SHA256_HEX_LEN + 1 bytes). */
void sha256_hex(const void *data, size_t len, char *hex);

#endif
