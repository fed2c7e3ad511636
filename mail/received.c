/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * received.c: reading a Received header field's clauses and comments.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/received.h"

/* Copies the address of the literal at s ("[192.0.2.1]", "[IPv6:...]")
 * into ip when it is an IPv4 or IPv6 address; tells whether it was. */
static bool
literal_ip(const char *s, char *ip, size_t size)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char tmp[INET6_ADDRSTRLEN + 8];
	const char *end;
	size_t len;

	if (*s++ != '[' || (end = strchr(s, ']')) == NULL)
		return false;
	if (strncasecmp(s, "IPv6:", 5) == 0)
		s += 5;
	if (end < s || (len = (size_t)(end - s)) == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (inet_pton(AF_INET, tmp, bin) != 1
	    && inet_pton(AF_INET6, tmp, bin) != 1)
		return false;
	snprintf(ip, size, "%s", tmp);
	return true;
}

/* Copies the word at s, up to a blank or a parenthesis, into out. */
static void
copy_word(const char *s, char *out, size_t size)
{
	size_t n = strcspn(s, " ()");

	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

enum clause {
	CL_NONE,
	CL_FROM,
	CL_BY,
	CL_OTHER, /* via, for */
	CL_WITH,
	CL_ID,
};

static enum clause
clause_word(const char *w, size_t len)
{
	static const struct {
		const char *word;
		enum clause cl;
	} words[] = {
		{ "from", CL_FROM },
		{ "by", CL_BY },
		{ "via", CL_OTHER },
		{ "with", CL_WITH },
		{ "id", CL_ID },
		{ "for", CL_OTHER },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == len
		    && strncasecmp(w, words[i].word, len) == 0)
			return words[i].cl;
	return CL_NONE;
}

/* What a comment (c, the text inside its parentheses) tells: Exim's
 * "(envelope-from <ADDR>)" anywhere; in the from clause the client's
 * address literal (Exim's "([IP] helo=NAME)", Postfix's "(RDNS [IP])")
 * and Exim's helo=. A literal right after "helo=" is the HELO name. */
static void
received_comment(char *c, enum clause cl, struct received *r, char *ip,
    size_t ipsz)
{
	char *p, *q;

	p = c + strspn(c, " ");
	if (strncasecmp(p, "envelope-from", 13) == 0
	    && (p = strchr(p, '<')) != NULL && (q = strchr(p, '>')) != NULL) {
		*q = '\0';
		snprintf(r->mail_from, sizeof(r->mail_from), "%s", p + 1);
		r->has_mail_from = true;
		return;
	}
	if (cl != CL_FROM)
		return;
	for (p = c; *p != '\0'; p++) {
		bool after_helo = p - c >= 5
		    && strncasecmp(p - 5, "helo=", 5) == 0
		    && (p - c == 5 || p[-6] == ' ');

		if (*p == '[' && !after_helo && ip[0] == '\0')
			(void)literal_ip(p, ip, ipsz);
		if (strncasecmp(p, "helo=", 5) == 0 && (p == c || p[-1] == ' ')
		    && r->helo[0] == '\0')
			copy_word(p + 5, r->helo, sizeof(r->helo));
	}
}

/* Tells whether a Received protocol says the client authenticated (RFC
 * 3848 and RFC 6531: esmtpa, esmtpsa, lmtpa, utf8esmtpsa, ...). */
static bool
protocol_auth(const char *with)
{
	static const char *const auth[] = { "esmtpa", "esmtpsa", "lmtpa",
		"lmtpsa", "utf8smtpa", "utf8smtpsa", "utf8lmtpa", "utf8lmtpsa",
		"utf8esmtpa", "utf8esmtpsa" };
	size_t i;

	for (i = 0; i < sizeof(auth) / sizeof(auth[0]); i++)
		if (strcmp(with, auth[i]) == 0)
			return true;
	return false;
}

void
received_parse(char *v, struct received *r)
{
	char from_word[256] = "", top_ip[sizeof(r->ip)] = "";
	enum clause cl = CL_NONE;
	bool first = false, seen_from = false;
	char *p = v;
	size_t i;

	memset(r, 0, sizeof(*r));
	while (*p != '\0' && *p != ';') {
		char *w;

		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '(') {
			int depth = 0;

			for (w = p; *p != '\0'; p++) {
				if (*p == '\\' && p[1] != '\0')
					p++;
				else if (*p == '(')
					depth++;
				else if (*p == ')' && --depth == 0)
					break;
			}
			if (*p == ')')
				*p++ = '\0';
			received_comment(w + 1, cl, r, r->ip, sizeof(r->ip));
			continue;
		}
		for (w = p; *p != '\0' && *p != ' ' && *p != '(' && *p != ';';
		     p++)
			if (*p == '<' && strchr(p, '>') != NULL)
				p = strchr(p, '>');
		if (clause_word(w, (size_t)(p - w)) != CL_NONE) {
			cl = clause_word(w, (size_t)(p - w));
			seen_from |= cl == CL_FROM;
			first = true;
			continue;
		}
		if (!first)
			continue;
		first = false;
		if (cl == CL_FROM)
			snprintf(from_word, sizeof(from_word), "%.*s",
			    (int)(p - w), w);
		else if (cl == CL_BY)
			snprintf(r->by, sizeof(r->by), "%.*s", (int)(p - w), w);
		else if (cl == CL_WITH)
			snprintf(r->with, sizeof(r->with), "%.*s", (int)(p - w),
			    w);
		else if (cl == CL_ID)
			snprintf(r->id, sizeof(r->id), "%.*s", (int)(p - w), w);
	}
	for (i = 0; r->with[i] != '\0'; i++)
		if (r->with[i] >= 'A' && r->with[i] <= 'Z')
			r->with[i] = (char)(r->with[i] - 'A' + 'a');
	if (r->ip[0] == '\0' && literal_ip(from_word, top_ip, sizeof(top_ip)))
		snprintf(r->ip, sizeof(r->ip), "%s", top_ip);
	if (r->helo[0] == '\0' && from_word[0] != '\0' && from_word[0] != '[')
		snprintf(r->helo, sizeof(r->helo), "%s", from_word);
	r->local = r->ip[0] == '\0'
	    && (!seen_from || strncmp(r->with, "local", 5) == 0);
	if (r->local)
		r->helo[0] = '\0'; /* Exim's "from USER": no HELO */
	r->auth = protocol_auth(r->with);
}
