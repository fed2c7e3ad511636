/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_fromhdr.c: any From header value parses to one of three states
 * whose fields agree with it, and misses no author domain. An oracle
 * written apart from the parser, as plainly as the rule reads, lists the
 * domains it must find: after every '@' outside quoted strings, comments
 * and domain literals (an opener that never closes is an ordinary
 * character, and its kind is off from there on), a run of letters,
 * digits, dots and hyphens that plainly ends (a delimiter, or white space
 * and then a delimiter or a new word), except a name with no dot before
 * the '<' of its list element (a nickname in a display name: "Support @
 * Acme <support@acme.example>"); inside a quoted string or comment that
 * holds a backslash, or a comment that nests, every such address whose
 * domain has a dot; and in a list element that is one RFC 2047 encoded
 * word in UTF-8 (Q or B, its text in RFC 2047's plain characters), the
 * address its decoded text ends with ('@' or a full-width or small '@')
 * when the domain has a dot. Each must be the domain found, or the
 * header from.multiple; two different ones make it from.multiple.
 * Domains are compared in their canonical form (domcanon.h), which every
 * domain found must already be in.
 * fromcut_write() must fit its buffer (and so the facts cap) and read
 * back with the same status (OK as INVALID) and domain, also when
 * compacted twice. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/domcanon.h"
#include "mail/fromcut.h"
#include "mail/fromhdr.h"
#include "util/arena.h"
#include "util/sbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct oracle {
	size_t n;
	char dom[2][DOMAIN_MAX_LEN + 1];
};

static bool
run_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static bool
space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The canonical domain of a run, or false. */
static bool
oracle_domain(const char *run, size_t len, char *dom)
{
	char err[8];

	return len > 0 && run[len - 1] != '.'
	    && domcanon(run, len, dom, err, sizeof(err)) != DOMCANON_INVALID;
}

static void
oracle_put(struct oracle *o, const char *dom)
{
	if (o->n > 0 && strcmp(o->dom[0], dom) == 0)
		return;
	if (o->n < 2)
		memcpy(o->dom[o->n++], dom, strlen(dom) + 1);
}

static void
oracle_add(struct oracle *o, const char *run, size_t len, bool need_dot)
{
	char dom[DOMAIN_MAX_LEN + 1];

	if (!oracle_domain(run, len, dom))
		return;
	if (need_dot && strchr(dom, '.') == NULL)
		return;
	oracle_put(o, dom);
}

/* The list element being read: names with no dot after an '@' that may
 * be nicknames, until it is known whether a '<' follows them. */
struct element {
	bool angle; /* a '<' or '>' in it so far */
	bool lt_after;
	size_t n;
	char dom[2][DOMAIN_MAX_LEN + 1];
	const char *start; /* where it starts, for the encoded-word rule */
};

static void
element_end(struct oracle *o, struct element *el, const char *next)
{
	size_t i;

	if (!el->lt_after)
		for (i = 0; i < el->n; i++)
			oracle_put(o, el->dom[i]);
	memset(el, 0, sizeof(*el));
	el->start = next;
}

/* An address in address position: "@" RUN, then a delimiter, or white
 * space and then a delimiter or a new word. */
static void
oracle_at(struct oracle *o, struct element *el, const char *s, size_t n,
    size_t at)
{
	char dom[DOMAIN_MAX_LEN + 1];
	size_t i = at + 1, k;

	while (i < n && run_byte((unsigned char)s[i]))
		i++;
	k = i;
	while (k < n && space((unsigned char)s[k]))
		k++;
	if (k < n && (s[k] == '\0' || strchr("<>,;:@)]", s[k]) == NULL)) {
		if (k == i
		    || !((s[k] >= 'a' && s[k] <= 'z')
			|| (s[k] >= 'A' && s[k] <= 'Z')
			|| (s[k] >= '0' && s[k] <= '9')))
			return;
	}
	if (!oracle_domain(s + at + 1, i - at - 1, dom))
		return;
	if (strchr(dom, '.') != NULL || el->angle) {
		oracle_put(o, dom);
		return;
	}
	for (k = 0; k < el->n; k++)
		if (strcmp(el->dom[k], dom) == 0)
			return;
	if (el->n < 2)
		memcpy(el->dom[el->n++], dom, strlen(dom) + 1);
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
b64_digit(char c)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			"0123456789+/";
	const char *p = c != '\0' ? strchr(a, c) : NULL;

	return p != NULL ? (int)(p - a) : -1;
}

/* A list element that is one encoded word "=?utf-8?Q?...?=" or B, with
 * white space around it: the address its decoded text ends with. */
static void
oracle_encoded(struct oracle *o, const char *s, size_t n)
{
	char text[1100], dec[1100];
	size_t i = 0, j, m = 0, at = 0, d = 0;
	unsigned acc = 0, bits = 0;
	char enc;

	while (n > 0 && space((unsigned char)s[n - 1]))
		n--;
	while (i < n && space((unsigned char)s[i]))
		i++;
	if (n - i < 12 || strncasecmp(s + i, "=?utf-8?", 8) != 0
	    || s[i + 9] != '?' || s[n - 2] != '?' || s[n - 1] != '=')
		return;
	enc = (char)(s[i + 8] | 0x20);
	if ((enc != 'q' && enc != 'b') || n - 2 - (i + 10) >= sizeof(text))
		return;
	for (j = i + 10; j < n - 2; j++) {
		if (s[j] == '\0'
		    || !((s[j] >= 'a' && s[j] <= 'z')
			|| (s[j] >= 'A' && s[j] <= 'Z')
			|| (s[j] >= '0' && s[j] <= '9')
			|| strchr("!*+-/=_.", s[j]) != NULL))
			return;
		text[m++] = s[j];
	}
	for (j = 0; j < m; j++) {
		if (enc == 'b') {
			if (b64_digit(text[j]) < 0)
				continue;
			acc = (acc << 6 | (unsigned)b64_digit(text[j]))
			    & 0xffff;
			if ((bits += 6) >= 8) {
				bits -= 8;
				dec[d++] = (char)(acc >> bits);
			}
		} else if (text[j] == '=') {
			if (j + 2 >= m || hex_digit(text[j + 1]) < 0
			    || hex_digit(text[j + 2]) < 0)
				return;
			dec[d++] = (char)(hex_digit(text[j + 1]) * 16
			    + hex_digit(text[j + 2]));
			j += 2;
		} else {
			dec[d++] = text[j] == '_' ? ' ' : text[j];
		}
	}
	for (j = d; j > 0 && run_byte((unsigned char)dec[j - 1]); j--)
		;
	if (j >= 1 && dec[j - 1] == '@')
		at = 1;
	else if (j >= 3 && memcmp(dec + j - 3, "\xef\xbc\xa0", 3) == 0)
		at = 3;
	else if (j >= 3 && memcmp(dec + j - 3, "\xef\xb9\xab", 3) == 0)
		at = 3;
	if (at > 0)
		oracle_add(o, dec + j, d - j, true);
}

/* Addresses inside a quoted string or comment readers may end elsewhere:
 * only where no encoded word could change the text shown. */
static void
oracle_inside(struct oracle *o, const char *s, size_t n)
{
	size_t i, j;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == '=' && s[i + 1] == '?')
			return;
	for (i = 0; i < n; i++) {
		if (s[i] != '@')
			continue;
		for (j = i + 1; j < n && run_byte((unsigned char)s[j]); j++)
			;
		if (j < n && (s[j] == '\\' || (unsigned char)s[j] >= 0x80))
			continue;
		oracle_add(o, s + i + 1, j - i - 1, true);
	}
}

static void
oracle_scan(const char *s, size_t n, struct oracle *o)
{
	bool quotes = true, comments = true, literals = true, odd;
	size_t i = 0, j, depth;
	struct element el;

	o->n = 0;
	memset(&el, 0, sizeof(el));
	el.start = s;
	while (i < n) {
		if (s[i] == '"' && quotes) {
			odd = false;
			for (j = i + 1; j < n && s[j] != '"'; j++)
				if (s[j] == '\\') {
					odd = true;
					j++;
				}
			if (j >= n) {
				quotes = false;
				i++;
				continue;
			}
			if (odd)
				oracle_inside(o, s + i + 1, j - i - 1);
			i = j + 1;
			continue;
		}
		if (s[i] == '(' && comments) {
			odd = false;
			depth = 0;
			for (j = i; j < n; j++) {
				if (s[j] == '\\') {
					odd = true;
					j++;
				} else if (s[j] == '(') {
					if (++depth > 1)
						odd = true;
				} else if (s[j] == ')' && --depth == 0) {
					break;
				}
			}
			if (j >= n) {
				comments = false;
				i++;
				continue;
			}
			if (odd)
				oracle_inside(o, s + i + 1, j - i - 1);
			i = j + 1;
			continue;
		}
		if (s[i] == '[' && literals) {
			for (j = i + 1; j < n && s[j] != ']'; j++)
				;
			if (j >= n) {
				literals = false;
				i++;
				continue;
			}
			i = j + 1;
			continue;
		}
		if (s[i] == '@')
			oracle_at(o, &el, s, n, i);
		if (s[i] == '<' || s[i] == '>') {
			el.lt_after |= s[i] == '<' && el.n > 0;
			el.angle = true;
		}
		if (s[i] == ',' || s[i] == ';') {
			oracle_encoded(o, el.start, (size_t)(s + i - el.start));
			element_end(o, &el, s + i + 1);
		}
		i++;
	}
	oracle_encoded(o, el.start, (size_t)(s + n - el.start));
	element_end(o, &el, s + n);
}

static void
check_fields(const struct fromhdr *fh)
{
	char again[DOMAIN_MAX_LEN + 1], err[96];

	switch (fh->status) {
	case FROMHDR_OK:
		if (fh->domain[0] == '\0' || fh->mailboxes == 0
		    || fh->why[0] != '\0')
			abort();
		break;
	case FROMHDR_MULTIPLE:
		if (fh->domain[0] != '\0' || fh->why[0] == '\0')
			abort();
		return;
	case FROMHDR_INVALID:
		if (fh->why[0] == '\0')
			abort();
		if (fh->domain[0] == '\0')
			return;
		break;
	default:
		abort();
	}
	/* Canonical: the form maps to itself. */
	if (domcanon(fh->domain, strlen(fh->domain), again, err, sizeof(err))
		!= DOMCANON_OK
	    || strcmp(again, fh->domain) != 0)
		abort();
}

/* The compact form reads back as value did (OK as INVALID). */
static void
check_compact(const char *value, size_t len, const struct fromhdr *want,
    char *out)
{
	struct fromhdr got;
	size_t n;

	n = fromcut_write(value, len, out);
	if (n >= FROMCUT_SIZE || n > 4096 || strlen(out) != n)
		abort();
	fromhdr_parse(out, n, &got);
	check_fields(&got);
	if (want->status == FROMHDR_MULTIPLE) {
		if (got.status != FROMHDR_MULTIPLE)
			abort();
		return;
	}
	if (got.status != FROMHDR_INVALID
	    || strcmp(got.domain, want->domain) != 0)
		abort();
}

/* What the facts keep of a From value: UTF-8, within the cap. */
static void
check_value(const char *value, size_t len)
{
	struct arena arena;
	const char *v;
	size_t i, n, vlen;

	arena_init(&arena);
	v = fromcut_value(&arena, value, len);
	if (v == NULL)
		abort();
	vlen = strlen(v);
	if (vlen > FROMCUT_MAX)
		abort();
	for (i = 0; i < vlen; i += n)
		if ((n = utf8_seq_len((const unsigned char *)v + i, vlen - i))
		    == 0)
			abort();
	arena_free(&arena);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[FROMCUT_SIZE], out2[FROMCUT_SIZE];
	struct fromhdr fh, fc;
	struct oracle o;
	size_t i;

	fromhdr_parse((const char *)data, size, &fh);
	check_fields(&fh);

	oracle_scan((const char *)data, size, &o);
	if (o.n >= 2 && fh.status != FROMHDR_MULTIPLE)
		abort();
	for (i = 0; i < o.n; i++)
		if (fh.status != FROMHDR_MULTIPLE
		    && strcmp(fh.domain, o.dom[i]) != 0)
			abort();

	check_compact((const char *)data, size, &fh, out);
	fromhdr_parse(out, strlen(out), &fc);
	check_compact(out, strlen(out), &fc, out2);
	check_value((const char *)data, size);
	return 0;
}
