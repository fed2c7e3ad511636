/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * base64.h: the value of one base64 digit (RFC 4648 section 4), shared by
 * the DKIM tag decoder and the redaction of RFC 2047 B-encoded words.
 */
#ifndef AUTHGATE_BASE64_H
#define AUTHGATE_BASE64_H

/* The digit's value 0..63, or -1 for a character outside the alphabet. */
static inline int
base64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

#endif
