/* fuzz_fromhdr.c: any From header value parses to one of three states
 * whose fields agree with it, and misses no author domain. An oracle
 * written apart from the parser, as plainly as the rule reads, lists the
 * domains it must find: after every '@' outside quoted strings, comments
 * and domain literals (an opener that never closes is an ordinary
 * character, and its kind is off from there on), a run of letters,
 * digits, dots and hyphens that plainly ends (a delimiter, or white space
 * and then a delimiter or a new word); and inside a quoted string or
 * comment that holds a backslash, or a comment that nests, every such
 * address whose domain has a dot. Each must be the domain found, or the
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

static void
oracle_add(struct oracle *o, const char *run, size_t len, bool need_dot)
{
	char dom[DOMAIN_MAX_LEN + 1], err[8];

	if (len == 0 || run[len - 1] == '.'
	    || domcanon(run, len, dom, err, sizeof(err)) == DOMCANON_INVALID)
		return;
	if (need_dot && strchr(dom, '.') == NULL)
		return;
	if (o->n > 0 && strcmp(o->dom[0], dom) == 0)
		return;
	if (o->n < 2)
		memcpy(o->dom[o->n++], dom, strlen(dom) + 1);
}

/* An address in address position: "@" RUN, then a delimiter, or white
 * space and then a delimiter or a new word. */
static void
oracle_at(struct oracle *o, const char *s, size_t n, size_t at)
{
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
	oracle_add(o, s + at + 1, i - at - 1, false);
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

	o->n = 0;
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
			oracle_at(o, s, n, i);
		i++;
	}
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
