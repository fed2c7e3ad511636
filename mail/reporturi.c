/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reporturi.c: report address lists. The safe character set leaves out
 * everything a header (CR, LF, ',', ';', '<', '>', quotes) or a shell or
 * mailer command line could read as syntax, so an address that passes is
 * copied into To: or onto a command line as it is.
 */
#include <string.h>
#include <strings.h>

#include "mail/reporturi.h"

#define ADDRESS_CHARS                                          \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"0123456789.-_+@="

static const char *const problem_texts[] = {
	[REPORTURI_OK] = "usable",
	[REPORTURI_NOT_MAILTO] = "not a mailto: URI",
	[REPORTURI_BAD_ADDRESS] = "not a plain address",
	[REPORTURI_BAD_DOMAIN] = "not a valid domain",
	[REPORTURI_BAD_SIZE] = "malformed size limit",
};

const char *
reporturi_problem_text(enum reporturi_problem problem)
{
	return problem_texts[problem];
}

/* RFC 7489 6.4: "!" 1*DIGIT [ "k" / "m" / "g" / "t" ], units of 2^10. */
static int
parse_size(const char *s, size_t len, unsigned long long *out)
{
	unsigned long long n = 0, unit = 1;
	size_t i, digits;

	for (digits = 0; digits < len && s[digits] >= '0' && s[digits] <= '9';
	     digits++)
		;
	if (digits == 0 || digits > 15 || len - digits > 1)
		return -1;
	for (i = 0; i < digits; i++)
		n = n * 10 + (unsigned long long)(s[i] - '0');
	if (digits < len) {
		switch (s[digits] | 0x20) {
		case 'k':
			unit = 1ull << 10;
			break;
		case 'm':
			unit = 1ull << 20;
			break;
		case 'g':
			unit = 1ull << 30;
			break;
		case 't':
			unit = 1ull << 40;
			break;
		default:
			return -1;
		}
	}
	if (n == 0)
		return -1;
	*out = n * unit;
	return 0;
}

static enum reporturi_problem
parse_entry(struct reporturi *u)
{
	const char *s = u->text, *end = u->text + u->len, *bang, *at;
	char err[96];
	size_t n;

	if (u->len < 8 || strncasecmp(s, "mailto:", 7) != 0)
		return REPORTURI_NOT_MAILTO;
	s += 7;
	bang = memchr(s, '!', (size_t)(end - s));
	n = (size_t)((bang != NULL ? bang : end) - s);
	if (n == 0)
		return REPORTURI_NOT_MAILTO;
	if (n >= sizeof(u->addr))
		return REPORTURI_BAD_ADDRESS;
	memcpy(u->addr, s, n);
	u->addr[n] = '\0';
	at = strchr(u->addr, '@');
	if (at == NULL || at == u->addr || at[1] == '\0'
	    || strchr(at + 1, '@') != NULL
	    || strspn(u->addr, ADDRESS_CHARS) != n)
		return REPORTURI_BAD_ADDRESS;
	if (domain_normalize(at + 1, strlen(at + 1), u->domain, err,
		sizeof(err))
	    != 0)
		return REPORTURI_BAD_DOMAIN;
	if (bang != NULL
	    && parse_size(bang + 1, (size_t)(end - bang - 1), &u->max_size)
		!= 0)
		return REPORTURI_BAD_SIZE;
	return REPORTURI_OK;
}

bool
reporturi_next(const char **p, const char *end, struct reporturi *u)
{
	const char *s = *p, *comma;

	while (s < end && (*s == ' ' || *s == '\t' || *s == ','))
		s++;
	if (s >= end)
		return false;
	comma = memchr(s, ',', (size_t)(end - s));
	if (comma == NULL)
		comma = end;
	*p = comma;
	u->text = s;
	u->len = (size_t)(comma - s);
	while (u->len > 0 && (s[u->len - 1] == ' ' || s[u->len - 1] == '\t'))
		u->len--;
	u->addr[0] = '\0';
	u->domain[0] = '\0';
	u->max_size = 0;
	u->problem = parse_entry(u);
	if (u->problem != REPORTURI_OK) {
		u->addr[0] = '\0';
		u->domain[0] = '\0';
		u->max_size = 0;
	}
	return true;
}
