/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spfrec.c: SPF record syntax, term by term: version, mechanisms with
 * their qualifier and arguments, modifiers. Macro strings are accepted
 * as any printable text; the point is to recognize a record that no
 * evaluation could succeed with.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/spfrec.h"

#define TERM_MAX 512

bool
spfrec_is_spf(const char *txt)
{
	return strncasecmp(txt, "v=spf1", 6) == 0
	    && (txt[6] == '\0' || txt[6] == ' ');
}

static bool
printable_arg(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s <= 0x20 || *s >= 0x7f)
			return false;
	return true;
}

/* "ADDR[/LEN]" for ip4: or ip6:. */
static bool
ip_network(const char *arg, int family)
{
	char addr[64], *slash, *end;
	unsigned char buf[16];
	unsigned long len;

	if (strlen(arg) >= sizeof(addr))
		return false;
	strcpy(addr, arg);
	slash = strchr(addr, '/');
	if (slash != NULL) {
		*slash = '\0';
		len = strtoul(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0'
		    || len > (family == AF_INET ? 32u : 128u))
			return false;
	}
	return inet_pton(family, addr, buf) == 1;
}

/* "[:domain-spec][/cidr4][//cidr6]" after a or mx. */
static bool
domain_and_cidr(const char *rest)
{
	char buf[TERM_MAX];
	char *slash;

	if (*rest == '\0')
		return true;
	if (strlen(rest) >= sizeof(buf))
		return false;
	strcpy(buf, rest);
	slash = strchr(buf, '/');
	if (slash != NULL) {
		const char *p = slash + 1;

		if (*p == '/')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p) || *p == '/')
			p++;
		if (*p != '\0')
			return false;
		*slash = '\0';
	}
	if (buf[0] == '\0')
		return slash != NULL;
	return buf[0] == ':' && printable_arg(buf + 1);
}

static bool
term_ok(const char *t, unsigned *lookups)
{
	const char *eq = strchr(t, '='), *colon;
	size_t nlen;

	if (*t == '+' || *t == '-' || *t == '~' || *t == '?')
		t++;
	else if (eq != NULL) {
		/* modifier: name "=" macro-string */
		if (!isalpha((unsigned char)t[0]))
			return false;
		for (const char *p = t; p < eq; p++)
			if (!isalnum((unsigned char)*p) && *p != '-'
			    && *p != '_' && *p != '.')
				return false;
		if (strncasecmp(t, "redirect=", 9) == 0) {
			(*lookups)++;
			return printable_arg(eq + 1);
		}
		return true;
	}
	colon = strchr(t, ':');
	nlen = strcspn(t, ":/");
	if (nlen == 3 && strncasecmp(t, "all", 3) == 0)
		return t[3] == '\0';
	if (nlen == 7 && strncasecmp(t, "include", 7) == 0) {
		(*lookups)++;
		return colon == t + 7 && printable_arg(colon + 1);
	}
	if (nlen == 6 && strncasecmp(t, "exists", 6) == 0) {
		(*lookups)++;
		return colon == t + 6 && printable_arg(colon + 1);
	}
	if (nlen == 1 && (t[0] == 'a' || t[0] == 'A')) {
		(*lookups)++;
		return domain_and_cidr(t + 1);
	}
	if (nlen == 2 && strncasecmp(t, "mx", 2) == 0) {
		(*lookups)++;
		return domain_and_cidr(t + 2);
	}
	if (nlen == 3 && strncasecmp(t, "ptr", 3) == 0) {
		(*lookups)++;
		return t[3] == '\0' || (t[3] == ':' && printable_arg(t + 4));
	}
	if (nlen == 3 && strncasecmp(t, "ip4", 3) == 0)
		return t[3] == ':' && ip_network(t + 4, AF_INET);
	if (nlen == 3 && strncasecmp(t, "ip6", 3) == 0)
		return t[3] == ':' && ip_network(t + 4, AF_INET6);
	return false;
}

/* Goes through the terms of a record: counts the DNS-querying ones,
 * calls fn (when given) for include and redirect targets, and tells
 * whether every term was well-formed. Malformed terms are skipped. */
static unsigned
scan(const char *txt, spfrec_target_fn fn, void *ctx, bool *all_ok)
{
	char term[TERM_MAX];
	unsigned lookups = 0;
	const char *p, *t;
	size_t n;

	*all_ok = spfrec_is_spf(txt);
	if (!*all_ok)
		return 0;
	for (p = txt + 6;; p += n) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, " ");
		if (n >= sizeof(term)) {
			*all_ok = false;
			continue;
		}
		memcpy(term, p, n);
		term[n] = '\0';
		if (!term_ok(term, &lookups)) {
			*all_ok = false;
			continue;
		}
		if (fn == NULL)
			continue;
		t = term;
		if (*t == '+' || *t == '-' || *t == '~' || *t == '?')
			t++;
		if (strncasecmp(t, "include:", 8) == 0)
			fn(ctx, t + 8, false);
		else if (strncasecmp(t, "redirect=", 9) == 0)
			fn(ctx, t + 9, true);
	}
	return lookups;
}

bool
spfrec_syntax_ok(const char *txt)
{
	bool all_ok;
	unsigned lookups = scan(txt, NULL, NULL, &all_ok);

	return all_ok && lookups <= SPFREC_MAX_LOOKUPS;
}

unsigned
spfrec_walk(const char *txt, spfrec_target_fn fn, void *ctx)
{
	bool all_ok;

	return scan(txt, fn, ctx, &all_ok);
}
