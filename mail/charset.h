/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * charset.h: the characters a mail reader shows for the bytes of an RFC
 * 2047 encoded word in its MIME charset, as UTF-8, so that what is read
 * for addresses is what a reader shows, whatever the charset.
 *
 * Converted exactly: UTF-8 (bytes as they are), US-ASCII, ISO-8859-1 and
 * windows-1252 (every label the WHATWG Encoding Standard gives that
 * decoder), UTF-16 and UTF-32 (a byte-order mark, else the order in
 * which the first bytes decoded show ASCII), UTF-7. The CJK charsets
 * (Shift_JIS, EUC-JP, ISO-2022-JP, GBK/GB2312/GB18030, EUC-KR, Big5) are
 * converted for what can spell an address: ASCII, the full-width ASCII digits,
 * letters, '@', '.' and '-', half-width katakana, the look-alikes of '@' and of
 * a full stop they hold; their other characters become U+FFFD. Any other
 * charset: bytes below 0x80 as ASCII, others U+FFFD. U+FFFD is what domcanon.h
 * reads as invisible, so a name is never made of a character that is not known.
 */
#ifndef AG_CHARSET_H
#define AG_CHARSET_H

#include <stddef.h>
#include <stdint.h>

enum charset_kind {
	CHARSET_UTF8,
	CHARSET_WIN1252,
	CHARSET_UTF16, /* order from a byte-order mark or the bytes */
	CHARSET_UTF16BE,
	CHARSET_UTF16LE,
	CHARSET_UTF32,
	CHARSET_UTF32BE,
	CHARSET_UTF32LE,
	CHARSET_UTF7,
	CHARSET_SJIS,
	CHARSET_EUCJP,
	CHARSET_ISO2022JP,
	CHARSET_GBK,
	CHARSET_EUCKR,
	CHARSET_BIG5,
	CHARSET_OTHER,
};

/* Bytes of UTF-8 charset_decode() writes at most for n bytes in, and
 * charset_end() at most. */
#define CHARSET_OUT_MAX(n) (3 * (n) + 16)

/* A decoder's state between calls: a character may be split between two
 * encoded words of one charset, which readers join. */
struct charset_dec {
	enum charset_kind kind;
	int order;	       /* UTF-16/32: 0 unknown, 1 little, 2 big */
	int mode;	       /* ISO-2022-JP's set; UTF-7: in base64 */
	unsigned char held[4]; /* an incomplete character */
	size_t nheld;
	uint32_t bits; /* UTF-7's base64 bits, nbits of them */
	unsigned nbits;
	uint32_t high; /* a UTF-16 high surrogate waiting for its pair */
};

/* The decoder for a charset name of len bytes (any case; an RFC 2231
 * "*language" suffix ignored); CHARSET_OTHER when it is not known. */
enum charset_kind charset_find(const char *name, size_t len);

/* Starts d for a charset. */
void charset_start(struct charset_dec *d, enum charset_kind kind);

/* Converts n bytes into out (at least CHARSET_OUT_MAX(n) bytes), keeping
 * an incomplete character for the next call; returns the bytes written. */
size_t charset_decode(struct charset_dec *d, const char *in, size_t n,
    char *out);

/* Ends the text: an incomplete character becomes U+FFFD. Writes at most
 * CHARSET_OUT_MAX(0) bytes; returns them. d can then be started again. */
size_t charset_end(struct charset_dec *d, char *out);

#endif
