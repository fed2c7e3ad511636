/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sbuf.c: string builder. The buffer is always NUL-terminated after a
 * successful append so sbuf_cstr() needs no copy.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/sbuf.h"

void
sbuf_init(struct sbuf *sb, size_t cap)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->size = 0;
	sb->cap = cap;
	sb->failed = false;
}

void
sbuf_free(struct sbuf *sb)
{
	free(sb->buf);
	sbuf_init(sb, sb->cap);
}

void
sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	sb->failed = false;
	if (sb->buf != NULL)
		sb->buf[0] = '\0';
}

static bool
reserve(struct sbuf *sb, size_t extra)
{
	size_t want, size;
	char *p;

	if (sb->failed)
		return false;
	if (extra > sb->cap || sb->len + extra > sb->cap) {
		sb->failed = true;
		return false;
	}
	want = sb->len + extra + 1;
	if (want <= sb->size)
		return true;
	size = sb->size == 0 ? 256 : sb->size;
	while (size < want)
		size *= 2;
	p = ag_realloc(sb->buf, size);
	if (p == NULL) {
		sb->failed = true;
		return false;
	}
	sb->buf = p;
	sb->size = size;
	return true;
}

void
sbuf_putn(struct sbuf *sb, const char *s, size_t len)
{
	if (!reserve(sb, len))
		return;
	memcpy(sb->buf + sb->len, s, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
sbuf_puts(struct sbuf *sb, const char *s)
{
	sbuf_putn(sb, s, strlen(s));
}

void
sbuf_putc(struct sbuf *sb, char c)
{
	sbuf_putn(sb, &c, 1);
}

void
sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(sb, (size_t)n)) {
		sb->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

size_t
utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	size_t need, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000)
	    || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

void
sbuf_json_strn(struct sbuf *sb, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run, n;

	sbuf_putc(sb, '"');
	while (i < len) {
		/* Copy the longest run that needs no escaping in one go. */
		run = i;
		while (run < len) {
			if (p[run] < 0x20 || p[run] == '"' || p[run] == '\\'
			    || p[run] == 0x7f)
				break;
			if (p[run] < 0x80) {
				run++;
				continue;
			}
			n = utf8_seq_len(p + run, len - run);
			if (n == 0)
				break;
			run += n;
		}
		sbuf_putn(sb, s + i, run - i);
		i = run;
		if (i >= len)
			break;
		if (p[i] == '"' || p[i] == '\\') {
			sbuf_putc(sb, '\\');
			sbuf_putc(sb, (char)p[i]);
		} else {
			sbuf_printf(sb, "\\u%04x", (unsigned)p[i]);
		}
		i++;
	}
	sbuf_putc(sb, '"');
}

void
sbuf_json_str(struct sbuf *sb, const char *s)
{
	if (s == NULL) {
		sbuf_puts(sb, "null");
		return;
	}
	sbuf_json_strn(sb, s, strlen(s));
}

const char *
sbuf_cstr(const struct sbuf *sb)
{
	if (sb->failed || sb->buf == NULL)
		return "";
	return sb->buf;
}

bool
sbuf_failed(const struct sbuf *sb)
{
	return sb->failed;
}

void
text_printable(char *dst, size_t size, const char *src, size_t max)
{
	size_t i;

	if (size == 0)
		return;
	if (src == NULL || src[0] == '\0')
		src = "(unknown)";
	for (i = 0; i + 1 < size && i < max && src[i] != '\0'; i++)
		dst[i] = (src[i] > 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

char *
utf8_strndup(struct arena *arena, const char *s, size_t len, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, n, o = 0, need = 0;
	char *out;

	for (i = 0; i < len; i += n) {
		n = utf8_seq_len(p + i, len - i);
		need += n == 0 ? 3 : n;
		if (n == 0)
			n = 1;
	}
	if (need > cap)
		need = cap;
	if ((out = arena_alloc(arena, need + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i += n) {
		n = utf8_seq_len(p + i, len - i);
		if (n == 0) {
			if (o + 3 > need)
				break;
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			n = 1;
			continue;
		}
		if (o + n > need)
			break;
		memcpy(out + o, p + i, n);
		o += n;
	}
	out[o] = '\0';
	return out;
}
