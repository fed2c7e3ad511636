/*
 * rua.c: report address lists. An address is usable only when it is
 * made of characters no header or mailer command line could misread.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../policy/arena.h"
#include "../verify/dns.h"
#include "rua.h"

#define ADDRESS_CHARS                                          \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
	"0123456789.-_+@="

bool
rua_next(const char **p, const char *end, struct rua_uri *u)
{
	const char *s = *p, *comma, *bang, *at;
	size_t n;

	while (s < end && (*s == ' ' || *s == ','))
		s++;
	if (s >= end)
		return false;
	comma = memchr(s, ',', (size_t)(end - s));
	if (comma == NULL)
		comma = end;
	u->text = s;
	u->len = (size_t)(comma - s);
	while (u->len > 0 && s[u->len - 1] == ' ')
		u->len--;
	*p = comma;
	u->usable = false;
	u->addr[0] = '\0';
	u->domain = NULL;
	if (u->len < 8 || strncasecmp(s, "mailto:", 7) != 0)
		return true;
	s += 7;
	bang = memchr(s, '!', u->len - 7);
	n = (size_t)((bang != NULL ? bang : u->text + u->len) - s);
	if (n == 0 || n >= sizeof(u->addr))
		return true;
	memcpy(u->addr, s, n);
	u->addr[n] = '\0';
	at = strchr(u->addr, '@');
	if (at == NULL || at == u->addr || at[1] == '\0'
	    || strchr(at + 1, '@') != NULL
	    || strspn(u->addr, ADDRESS_CHARS) != n)
		return true;
	u->domain = at + 1;
	u->usable = true;
	return true;
}

enum rua_consent
rua_consent(const char *domain, const char *there, unsigned timeout, char *name,
    size_t size)
{
	struct dnsq_answer a;
	struct arena arena;
	enum rua_consent c;

	snprintf(name, size, "%s._report._dmarc.%s", domain, there);
	arena_init(&arena);
	dnsq_txt(name, timeout, &arena, &a);
	if (a.status == DNSQ_TEMPERROR)
		c = RUA_CONSENT_TEMPERROR;
	else if (a.status == DNSQ_OK
	    && strncasecmp(a.txt[0], "v=DMARC1", 8) == 0)
		c = RUA_CONSENT_YES;
	else
		c = RUA_CONSENT_NO;
	arena_free(&arena);
	return c;
}
