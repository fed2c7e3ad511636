/*
 * fromhdr.c: a tokenizer over RFC 5322 lexical tokens and a small state
 * machine over mailboxes. Only the domain after the single '@' of each
 * addr-spec is kept; display names are skipped whatever they contain.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mail/fromhdr.h"

enum tok {
	T_END,
	T_ATOM,
	T_QUOTED,
	T_LITERAL,
	T_SPECIAL,
	T_ERROR,
};

struct lexer {
	const char *p;
	const char *end;
	const char *ts;
	size_t tl;
	const char *error;
};

static bool
is_atext(unsigned char c)
{
	if (c >= 0x80)
		return true; /* RFC 6532 UTF-8 */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
	    || (c >= '0' && c <= '9'))
		return true;
	return strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL && c != '\0';
}

/* Skips white space (folding included) and nested comments. */
static bool
skip_cfws(struct lexer *lx)
{
	int depth = 0;

	while (lx->p < lx->end) {
		unsigned char c = (unsigned char)*lx->p;

		if (c == '(') {
			if (++depth > FROMHDR_MAX_NESTING) {
				lx->error = "comments nested too deeply";
				return false;
			}
			lx->p++;
		} else if (depth > 0 && c == ')') {
			depth--;
			lx->p++;
		} else if (depth > 0 && c == '\\') {
			lx->p += lx->p + 1 < lx->end ? 2 : 1;
		} else if (depth > 0 || c == ' ' || c == '\t' || c == '\r'
		    || c == '\n') {
			lx->p++; /* comment text or folding white space */
		} else {
			return true;
		}
	}
	if (depth > 0) {
		lx->error = "unterminated comment";
		return false;
	}
	return true;
}

static enum tok
next_token(struct lexer *lx)
{
	unsigned char c;

	if (!skip_cfws(lx))
		return T_ERROR;
	if (lx->p >= lx->end)
		return T_END;
	lx->ts = lx->p;
	c = (unsigned char)*lx->p;
	if (c == '"') {
		for (lx->p++; lx->p < lx->end && *lx->p != '"'; lx->p++)
			if (*lx->p == '\\' && lx->p + 1 < lx->end)
				lx->p++;
		if (lx->p >= lx->end) {
			lx->error = "unterminated quoted string";
			return T_ERROR;
		}
		lx->p++;
		lx->tl = (size_t)(lx->p - lx->ts);
		return T_QUOTED;
	}
	if (c == '[') {
		while (lx->p < lx->end && *lx->p != ']')
			lx->p++;
		if (lx->p >= lx->end) {
			lx->error = "unterminated domain literal";
			return T_ERROR;
		}
		lx->p++;
		lx->tl = (size_t)(lx->p - lx->ts);
		return T_LITERAL;
	}
	if (is_atext(c)) {
		while (lx->p < lx->end && is_atext((unsigned char)*lx->p))
			lx->p++;
		lx->tl = (size_t)(lx->p - lx->ts);
		return T_ATOM;
	}
	if (c == ')') {
		lx->error = "unbalanced ')'";
		return T_ERROR;
	}
	if (c < 0x20 || c == 0x7f) {
		lx->error = "control character in header";
		return T_ERROR;
	}
	lx->p++;
	lx->tl = 1;
	return T_SPECIAL;
}

/* One address being read: where its domain text starts and ends. */
struct addr {
	int ats;	/* '@' seen in this addr-spec */
	bool bad;	/* literal or quoted text in the domain */
	bool last_atom; /* previous domain token was an atom */
	char joined[DOMAIN_MAX_LEN + 2];
	size_t jlen;
};

static void
addr_reset(struct addr *a)
{
	a->ats = 0;
	a->bad = false;
	a->last_atom = false;
	a->jlen = 0;
}

/* Appends a quoted string's text to the domain, as a reader's mail
 * program may show alice@"bank.example": the address is malformed, but
 * the domain it shows is still judged. */
static void
addr_domain_quoted(struct addr *a, const char *s, size_t len)
{
	size_t i;

	a->bad = true;
	for (i = 1; i + 1 < len && a->jlen <= DOMAIN_MAX_LEN; i++) {
		if (s[i] == '\\' && i + 2 < len)
			i++;
		a->joined[a->jlen++] = s[i];
	}
	a->last_atom = true;
}

/* Appends a domain token; adjacent atoms need a dot between them. */
static void
addr_domain_token(struct addr *a, enum tok t, const char *s, size_t len)
{
	if (a->ats == 0)
		return;
	if (t == T_QUOTED && !a->last_atom) {
		addr_domain_quoted(a, s, len);
		return;
	}
	if (t != T_ATOM) {
		a->bad = true;
		return;
	}
	if (a->last_atom && a->jlen > 0 && a->joined[a->jlen - 1] != '.'
	    && s[0] != '.') {
		a->bad = true; /* "example.com Alice": trailing words */
		return;
	}
	if (a->jlen + len > DOMAIN_MAX_LEN + 1) {
		a->bad = true;
		return;
	}
	memcpy(a->joined + a->jlen, s, len);
	a->jlen += len;
	a->last_atom = true;
}

struct state {
	struct fromhdr *out;
	bool in_angle;
	bool had_angle;
	bool in_group;
	bool any_token;
	bool in_route;	     /* an obsolete "@a,@b:" route in <...> */
	size_t angle_tokens; /* tokens since '<' */
	bool conflict;	     /* two different domains were seen */
	char seen[DOMAIN_MAX_LEN + 1];
	struct addr outside;
	struct addr inside;
};

static void
set_invalid(struct fromhdr *out, const char *why)
{
	if (out->status == FROMHDR_INVALID && out->why[0] != '\0')
		return;
	out->status = FROMHDR_INVALID;
	snprintf(out->why, sizeof(out->why), "%s", why);
}

/*
 * Notes every domain that could be read as an author's, even in a header
 * that is invalid: a reader's mail program may show any of them, so a
 * malformed header must never dodge DMARC or hide a second author.
 */
static void
note_domain(struct state *st, const struct addr *a)
{
	char dom[DOMAIN_MAX_LEN + 1], err[96];

	if (a->ats == 0 || a->jlen == 0
	    || domain_normalize(a->joined, a->jlen, dom, err, sizeof(err)) != 0)
		return;
	if (st->seen[0] == '\0')
		memcpy(st->seen, dom, strlen(dom) + 1);
	else if (strcmp(st->seen, dom) != 0)
		st->conflict = true;
}

static void
finish_mailbox(struct state *st)
{
	struct addr *a = st->had_angle ? &st->inside : &st->outside;
	struct fromhdr *out = st->out;
	char dom[DOMAIN_MAX_LEN + 1], err[96];

	if (!st->any_token)
		goto reset;
	note_domain(st, a);
	if (a->ats == 0) {
		set_invalid(out, "no '@' in address");
		goto reset;
	}
	if (a->ats > 1 || a->bad || a->jlen == 0) {
		set_invalid(out, "malformed address");
		goto reset;
	}
	if (domain_normalize(a->joined, a->jlen, dom, err, sizeof(err)) != 0) {
		set_invalid(out, err);
		goto reset;
	}
	out->mailboxes++;
reset:
	addr_reset(&st->outside);
	addr_reset(&st->inside);
	st->had_angle = false;
	st->any_token = false;
}

void
fromhdr_parse(const char *value, size_t len, struct fromhdr *out)
{
	struct lexer lx = { value, value + len, NULL, 0, NULL };
	struct state st;
	enum tok t;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.out = out;
	out->status = FROMHDR_OK;
	addr_reset(&st.outside);
	addr_reset(&st.inside);
	for (;;) {
		t = next_token(&lx);
		if (t == T_ERROR) {
			set_invalid(out, lx.error);
			break;
		}
		if (t == T_END)
			break;
		if (t == T_SPECIAL) {
			char c = *lx.ts;

			if (c == '<' && !st.in_angle) {
				if (st.had_angle) {
					/* "<a@x> <b@y>": two addresses. */
					finish_mailbox(&st);
					set_invalid(out,
					    "two addresses without "
					    "a comma");
				} else if (st.outside.ats > 0) {
					/* "a@x <b@y>": an unquoted address
					 * as the display name. */
					note_domain(&st, &st.outside);
					set_invalid(out,
					    "address before <...>");
				}
				st.in_angle = true;
				st.had_angle = true;
				st.in_route = false;
				st.angle_tokens = 0;
				addr_reset(&st.inside);
				st.any_token = true;
				continue;
			}
			if (c == '>' && st.in_angle) {
				st.in_angle = false;
				continue;
			}
			if (c == '@') {
				struct addr *a
				    = st.in_angle ? &st.inside : &st.outside;

				if (st.in_angle && st.angle_tokens == 0)
					st.in_route = true;
				if (!st.in_route)
					note_domain(&st,
					    a); /* "a@x@y": x too */
				a->ats++;
				a->jlen = 0;
				a->last_atom = false;
				st.any_token = true;
				continue;
			}
			if (c == ':' && st.in_angle && st.in_route) {
				addr_reset(&st.inside); /* end of a route */
				st.in_route = false;
				st.angle_tokens = 0;
				continue;
			}
			if (c == ',' && st.in_angle && st.in_route)
				continue; /* between route domains */
			if (c == '\\'
			    && (st.in_angle ?
				    st.inside.ats > 0 :
				    !st.had_angle && st.outside.ats > 0)) {
				/* "bank\.example": malformed, but a reader
				 * taking '\' as an escape sees bank.example,
				 * so the next atom continues the domain. */
				struct addr *a
				    = st.in_angle ? &st.inside : &st.outside;

				a->bad = true;
				a->last_atom = false;
				continue;
			}
			if (c == ':' && !st.in_group && st.outside.ats == 0
			    && !st.had_angle) {
				st.in_group = true; /* display name ended */
				addr_reset(&st.outside);
				st.any_token = false;
				continue;
			}
			if (c == ',' || (c == ';' && st.in_group)) {
				finish_mailbox(&st);
				if (c == ';')
					st.in_group = false;
				continue;
			}
			/* Anything else: invalid, but keep reading so that
			 * every domain in the header is seen. */
			set_invalid(out, "unexpected special character");
			finish_mailbox(&st);
			continue;
		}
		st.any_token = true;
		if (st.in_angle && !st.in_route)
			st.angle_tokens++;
		if (st.in_angle)
			addr_domain_token(&st.inside, t, lx.ts, lx.tl);
		else if (st.had_angle)
			st.inside.bad = true; /* text after <addr> */
		else
			addr_domain_token(&st.outside, t, lx.ts, lx.tl);
	}
	if (st.in_angle)
		set_invalid(out, "unterminated '<'");
	finish_mailbox(&st);
	if (out->status == FROMHDR_OK && out->mailboxes == 0)
		set_invalid(out, "no address");
	if (st.conflict) {
		out->status = FROMHDR_MULTIPLE;
		snprintf(out->why, sizeof(out->why),
		    "authors in different domains");
		out->domain[0] = '\0';
		return;
	}
	memcpy(out->domain, st.seen, sizeof(out->domain));
}
