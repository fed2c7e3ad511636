/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * redact.c: header redaction for failure reports. A local part is found
 * by walking back from its '@' (or =40, %40) over the characters a local
 * part may hold, quoted strings and the obsolete "a . b" form included;
 * when in doubt the walk takes more text, never less, since the point is
 * that no local part survives. Output goes through one cleaning step that
 * leaves printable ASCII, keeps folding and cuts over-long lines.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/encword.h"
#include "report/redact.h"
#include "util/sha256.h"

#define ITEM_MAX 300 /* bytes of one redacted address or msg-id */

static const char *const address_headers[] = { "from", "sender", "reply-to",
	"to", "cc", "bcc", "resent-from", "resent-sender", "resent-reply-to",
	"resent-to", "resent-cc", "resent-bcc", "return-path", "delivered-to",
	"envelope-to", "x-original-to", "x-original-from", "x-envelope-from",
	"x-envelope-to", "x-sender", "x-receiver", "errors-to",
	"disposition-notification-to", "return-receipt-to", "mail-followup-to",
	"mail-reply-to", "apparently-to", NULL };

static const char *const msgid_headers[]
    = { "message-id", "resent-message-id", "in-reply-to", "references",
	      "content-id", "original-message-id", NULL };

static const char *const text_headers[] = { "received", "date", "resent-date",
	"subject", "mime-version", "content-type", "content-transfer-encoding",
	"content-language", "dkim-signature", "authentication-results",
	"arc-seal", "arc-message-signature", "arc-authentication-results",
	"received-spf", "list-id", "x-mailer", "user-agent", "auto-submitted",
	"precedence", NULL };

/* Tag and property names whose value is an address: the name is kept,
 * only what follows the '=' is redacted. */
static const char *const value_prefixes[]
    = { "smtp.mailfrom=", "smtp.rcptto=", "smtp.helo=", "header.from=",
	      "header.sender=", "header.i=", "envelope-from=", "i=", NULL };

static bool
in_list(const char *const *list, const char *name, size_t len)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == len
		    && strncasecmp(list[i], name, len) == 0)
			return true;
	return false;
}

enum redact_kind
redact_kind_of(const char *name, size_t len)
{
	if (in_list(address_headers, name, len))
		return REDACT_ADDRESSES;
	if (in_list(msgid_headers, name, len))
		return REDACT_MSGIDS;
	if (in_list(text_headers, name, len))
		return REDACT_TEXT;
	return REDACT_VALUE;
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 5322 atext, '.', and 8-bit bytes (RFC 6532 local parts). */
static bool
is_local_char(char c)
{
	unsigned char u = (unsigned char)c;

	if (u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')
	    || (u >= '0' && u <= '9'))
		return true;
	return u != 0 && strchr("!#$%&'*+-/=?^_`{|}~.", u) != NULL;
}

static bool
is_domain_char(char c)
{
	unsigned char u = (unsigned char)c;

	return u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')
	    || (u >= '0' && u <= '9') || u == '.' || u == '-';
}

/* Bytes of the address marker at s[i]: '@', "=40" or "%40"; 0 if none. */
static size_t
marker_at(const char *s, size_t len, size_t i)
{
	if (s[i] == '@')
		return 1;
	if ((s[i] == '=' || s[i] == '%') && i + 2 < len && s[i + 1] == '4'
	    && s[i + 2] == '0')
		return 3;
	return 0;
}

static size_t
skip_wsp_back(const char *s, size_t i, size_t floor)
{
	while (i > floor && is_wsp(s[i - 1]))
		i--;
	return i;
}

/* Where the local part ending at s[at] begins, not before floor; at when
 * there is none. */
static size_t
local_start(const char *s, size_t at, size_t floor)
{
	size_t i = skip_wsp_back(s, at, floor), j, k;
	bool found = false, dot_first;

	if (i > floor && s[i - 1] == '"') {
		for (j = i - 1; j > floor; j--)
			if (s[j - 1] == '"'
			    && (j - 1 == floor || s[j - 2] != '\\'))
				return j - 1;
		return floor; /* unbalanced: everything before may belong */
	}
	for (;;) {
		for (j = i; j > floor && is_local_char(s[j - 1]); j--)
			;
		if (j == i)
			break;
		found = true;
		dot_first = s[j] == '.';
		i = j;
		k = skip_wsp_back(s, i, floor);
		/* The obsolete form: words joined by dots with blanks. */
		if (k < i && (dot_first || (k > floor && s[k - 1] == '.'))) {
			i = k;
			continue;
		}
		break;
	}
	return found ? i : at;
}

/* The length of a kept tag or property name at the start of the span. */
static size_t
kept_prefix(const char *s, size_t len)
{
	size_t i, n;

	for (i = 0; value_prefixes[i] != NULL; i++) {
		n = strlen(value_prefixes[i]);
		if (n <= len && strncasecmp(s, value_prefixes[i], n) == 0)
			return n;
	}
	return 0;
}

/* The length of the RFC 2047 encoded word at s (avail bytes), or 0;
 * *has_at tells whether its text decodes to bytes with an '@'. */
static size_t
encoded_word(const char *s, size_t avail, bool *has_at)
{
	struct encword w;
	char text[ENCWORD_MAX_TEXT];
	size_t n;

	if (!encword_at(s, avail, &w))
		return 0;
	n = encword_decode(&w, text, sizeof(text));
	*has_at = memchr(text, '@', n) != NULL;
	return w.len;
}

void
redact_text(struct sbuf *sb, const char *s, size_t len)
{
	size_t i = 0, copied = 0, n, m, start, keep, k, run_end;
	bool at, run_at;

	while (i < len) {
		if (s[i] == '=' && i + 1 < len && s[i + 1] == '?'
		    && (n = encoded_word(s + i, len - i, &at)) > 0) {
			/* Adjacent encoded words display as one text. */
			run_end = i + n;
			run_at = at;
			for (;;) {
				for (k = run_end; k < len
				     && (is_wsp(s[k]) || s[k] == '\r'
					 || s[k] == '\n');
				     k++)
					;
				if (k == run_end
				    || (n = encoded_word(s + k, len - k, &at))
					== 0)
					break;
				run_end = k + n;
				run_at = run_at || at;
			}
			if (run_at) {
				sbuf_putn(sb, s + copied, i - copied);
				sbuf_puts(sb, "[redacted]");
				copied = run_end;
			}
			i = run_end;
			continue;
		}
		if ((m = marker_at(s, len, i)) == 0) {
			i++;
			continue;
		}
		start = local_start(s, i, copied);
		keep = kept_prefix(s + start, i - start);
		if (start + keep < i) {
			sbuf_putn(sb, s + copied, start + keep - copied);
			sbuf_puts(sb, REDACT_TOKEN);
			copied = i;
		}
		i += m;
	}
	sbuf_putn(sb, s + copied, len - copied);
}

/* Appends ", " or a folded ",\n\t" before item number n (from 0). */
static void
list_separator(struct sbuf *sb, size_t n, size_t *col, size_t item_len)
{
	if (n == 0) {
		sbuf_putc(sb, ' ');
		*col += 1;
	} else if (*col + item_len + 2 > 76) {
		sbuf_puts(sb, ",\n\t");
		*col = 8;
	} else {
		sbuf_puts(sb, ", ");
		*col += 2;
	}
	*col += item_len;
}

static void
redact_addresses(struct sbuf *sb, const char *v, size_t len, size_t col)
{
	char item[ITEM_MAX];
	size_t i, j, start, n = 0, t;

	for (t = 0; t < len && (is_wsp(v[t]) || v[t] == '\n' || v[t] == '\r');
	     t++)
		;
	if (len - t >= 2 && v[t] == '<' && v[t + 1] == '>') {
		sbuf_puts(sb, " <>");
		return;
	}
	for (i = 0; i < len; i++) {
		if (v[i] != '@')
			continue;
		for (j = i + 1; j < len && is_wsp(v[j]); j++)
			;
		start = j;
		if (j < len && v[j] == '[') {
			while (j < len && v[j] != ']' && v[j] != '>'
			    && !is_wsp(v[j]))
				j++;
			if (j < len && v[j] == ']')
				j++;
		} else {
			while (j < len && is_domain_char(v[j]))
				j++;
		}
		if (n == REDACT_MAX_LIST) {
			sbuf_puts(sb, ", ...");
			break;
		}
		if (j - start > sizeof(item) - 16)
			j = start + sizeof(item) - 16;
		memcpy(item, "<" REDACT_TOKEN "@", sizeof(REDACT_TOKEN) + 1);
		t = sizeof(REDACT_TOKEN) + 1;
		memcpy(item + t, v + start, j - start);
		t += j - start;
		item[t++] = '>';
		list_separator(sb, n++, &col, t);
		sbuf_putn(sb, item, t);
		i = j > i ? j - 1 : i;
	}
	if (n == 0)
		sbuf_puts(sb, " [no address]");
}

static void
redact_msgids(struct sbuf *sb, const char *v, size_t len, size_t col)
{
	char hex[SHA256_HEX_LEN + 1];
	size_t i = 0, n = 0, open, close, at, k, t;
	char item[ITEM_MAX];

	while (i < len) {
		const char *lt = memchr(v + i, '<', len - i), *gt;

		if (lt == NULL)
			break;
		open = (size_t)(lt - v);
		gt = memchr(v + open, '>', len - open);
		if (gt == NULL)
			break;
		close = (size_t)(gt - v);
		if (n == REDACT_MAX_LIST) {
			sbuf_puts(sb, " ...");
			break;
		}
		for (at = close; at > open + 1 && v[at - 1] != '@'; at--)
			;
		if (at == open + 1) /* no '@': the whole id is hashed */
			at = close + 1;
		sha256_hex(v + open + 1,
		    (at > close ? close : at - 1) - open - 1, hex);
		t = 0;
		item[t++] = '<';
		memcpy(item + t, hex, REDACT_HASH_HEX);
		t += REDACT_HASH_HEX;
		if (at <= close) {
			item[t++] = '@';
			for (k = at; k < close && t < sizeof(item) - 2; k++)
				item[t++]
				    = (is_domain_char(v[k]) || v[k] == '_') ?
				    v[k] :
				    '?';
		}
		item[t++] = '>';
		list_separator(sb, n++, &col, t);
		sbuf_putn(sb, item, t);
		i = close + 1;
	}
	if (n == 0)
		sbuf_puts(sb, " [redacted]");
}

/* DKIM-Signature and ARC-Message-Signature: z= (copied header fields,
 * display names and all) is dropped; the other tags are kept as text. */
static void
redact_signature(struct sbuf *sb, const char *v, size_t len)
{
	size_t i = 0, end, t;

	while (i <= len) {
		const char *semi = memchr(v + i, ';', len - i);

		end = semi != NULL ? (size_t)(semi - v) : len;
		for (t = i;
		     t < end && (is_wsp(v[t]) || v[t] == '\r' || v[t] == '\n');
		     t++)
			;
		if (t + 1 < end && v[t] == 'z'
		    && (v[t + 1] == '=' || is_wsp(v[t + 1]))) {
			sbuf_putn(sb, v + i, t - i);
			sbuf_puts(sb, "z=[redacted]");
		} else {
			redact_text(sb, v + i, end - i);
		}
		if (semi == NULL)
			break;
		sbuf_putc(sb, ';');
		i = end + 1;
	}
}

/* Appends raw as printable ASCII: CR dropped, a newline kept only where
 * it folds (a blank follows), other control and 8-bit bytes as '?', and
 * each line cut at REDACT_MAX_LINE. */
static void
put_clean(struct sbuf *sb, const char *raw, size_t len)
{
	size_t i, col = 0;
	bool cut = false;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == '\r')
			continue;
		if (c == '\n') {
			if (i + 1 < len && is_wsp(raw[i + 1])) {
				sbuf_putc(sb, '\n');
				col = 0;
				cut = false;
			} else if (!cut) {
				sbuf_putc(sb, ' ');
				col++;
			}
			continue;
		}
		if (cut)
			continue;
		if (col >= REDACT_MAX_LINE) {
			sbuf_puts(sb, "[...]");
			cut = true;
			continue;
		}
		sbuf_putc(sb,
		    (c == '\t' || (c >= 0x20 && c < 0x7f)) ? (char)c : '?');
		col++;
	}
}

void
redact_field(struct sbuf *sb, const char *field, size_t len)
{
	const char *colon = memchr(field, ':', len), *v;
	size_t nlen, vlen, i;
	struct sbuf tmp;

	if (colon == NULL)
		return;
	nlen = (size_t)(colon - field);
	while (nlen > 0 && is_wsp(field[nlen - 1]))
		nlen--;
	if (nlen == 0 || nlen > REDACT_MAX_NAME)
		return;
	for (i = 0; i < nlen; i++)
		if (!((field[i] >= 'a' && field[i] <= 'z')
			|| (field[i] >= 'A' && field[i] <= 'Z')
			|| (field[i] >= '0' && field[i] <= '9')
			|| field[i] == '-'))
			return;
	v = colon + 1;
	vlen = len - (size_t)(v - field);
	while (vlen > 0 && (v[vlen - 1] == '\n' || v[vlen - 1] == '\r'))
		vlen--;
	sbuf_init(&tmp, vlen * 16 + 1024);
	switch (redact_kind_of(field, nlen)) {
	case REDACT_ADDRESSES:
		redact_addresses(&tmp, v, vlen, nlen + 1);
		break;
	case REDACT_MSGIDS:
		redact_msgids(&tmp, v, vlen, nlen + 1);
		break;
	case REDACT_TEXT:
		if ((nlen == 14
			&& strncasecmp(field, "dkim-signature", 14) == 0)
		    || (nlen == 21
			&& strncasecmp(field, "arc-message-signature", 21)
			    == 0))
			redact_signature(&tmp, v, vlen);
		else
			redact_text(&tmp, v, vlen);
		break;
	case REDACT_VALUE:
		sbuf_puts(&tmp, " [redacted]");
		break;
	}
	sbuf_putn(sb, field, nlen);
	sbuf_putc(sb, ':');
	if (sbuf_failed(&tmp))
		sbuf_puts(sb, " [redacted]");
	else
		put_clean(sb, tmp.buf != NULL ? tmp.buf : "", tmp.len);
	sbuf_putc(sb, '\n');
	sbuf_free(&tmp);
}

void
redact_address(char *out, size_t size, const char *addr)
{
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;
	size_t o, i;

	if (size == 0)
		return;
	if (addr == NULL || addr[0] == '\0') {
		snprintf(out, size, "<>");
		return;
	}
	o = (size_t)snprintf(out, size, "<%s%s", REDACT_TOKEN, at ? "@" : "");
	for (i = 1; at != NULL && at[i] != '\0' && o + 2 < size; i++)
		out[o++]
		    = is_domain_char(at[i]) && (unsigned char)at[i] < 0x80 ?
		    at[i] :
		    '?';
	if (o + 1 < size)
		out[o++] = '>';
	out[o < size ? o : size - 1] = '\0';
}
