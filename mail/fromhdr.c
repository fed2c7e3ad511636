/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fromhdr.c: a tokenizer over RFC 5322 lexical tokens that reads on past
 * every error, a capture of the domain after each '@' in address
 * position, and a small state machine over mailboxes that only tells a
 * well-formed header from a malformed one. Which domains a header names
 * never depends on that structure, so no error can hide one. A quoted
 * string, comment or literal is looked through to its end once, and one
 * that never closes turns its kind off for the rest of the value, so the
 * work stays linear in the value's length whatever it holds.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mail/domcanon.h"
#include "mail/fromhdr.h"
#include "mail/fromtext.h"

enum tok {
	T_END,
	T_ATOM,	   /* atext, dots included, and whole encoded words (a run
		      of them across white space is one) */
	T_QUOTED,  /* a closed quoted string, quotes included */
	T_LITERAL, /* a closed domain literal, brackets included */
	T_SPECIAL, /* '<', '>', '@', ',', ';' or ':' */
	T_GLUE,	   /* a backslash or control byte outside quotes: a reader
		      shows nothing for it, so a domain reads on across it */
	T_STRAY,   /* ')' or ']' without an opener, or an opener that never
		      closes */
};

/* The domain after one '@', as its tokens are read. */
struct capture {
	bool active;
	bool in_angle; /* the address's own inside '<...>', not a route's */
	bool display;  /* before the mailbox's '<', where a nickname may be */
	bool bad;      /* not a plain dot-atom: quoted, literal, escaped */
	bool noname;   /* an address literal ([192.0.2.1]) */
	bool glue;     /* the last thing read was a T_GLUE */
	bool overflow;
	size_t tokens;
	size_t len;
	char text[DOMAIN_MAX_LEN + 2]; /* as a reader shows it */
};

/* Domains kept until it is known whether they were the mailbox's display
 * name; two different ones already make the header from.multiple. */
struct pending {
	size_t n;
	char dom[2][DOMAIN_MAX_LEN + 1];
};

struct scan {
	const char *p, *end;
	const char *ts; /* the token */
	size_t tl;
	bool gap;	  /* white space or a comment before it */
	bool odd;	  /* a quoted string with a backslash in it */
	bool no_quotes;	  /* after a '"' that never closed */
	bool no_comments; /* after a '(' that never closed */
	bool no_literals; /* after a '[' that never closed */
	bool enc_odd;	  /* after an encoded word that holds a special */
	bool enc_quoting; /* ... a '"', '(', ')' or '\\' */

	struct fromhdr *out;
	fromhdr_note_fn note;
	void *ctx;
	char first[DOMAIN_MAX_LEN + 1];
	bool conflict; /* a second, different domain */
	bool unnamed;  /* an address whose domain is no name */

	struct capture cap;

	/* the current mailbox (a list element) */
	bool any; /* it has tokens */
	bool in_angle;
	bool had_angle;
	bool route;	  /* in an obsolete "@a,@b:" route */
	bool angle_named; /* its '<...>' holds a domain name */
	bool stray_gt;	  /* a '>' with no '<' */
	size_t angle_tokens;
	size_t outside_ats, inside_ats;
	struct pending pend; /* addresses in its display text */
	struct pending nick; /* dotless domains after a bare '@' before '<' */
	size_t nick_ats;
	const char *nick_why; /* what was wrong with them as domains */

	/* the current group */
	bool in_group;
	bool group_named;	   /* a domain name among its mailboxes */
	struct pending group_pend; /* addresses in its display name */
};

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
set_invalid(struct fromhdr *out, const char *why)
{
	if (out->status == FROMHDR_INVALID && out->why[0] != '\0')
		return;
	out->status = FROMHDR_INVALID;
	snprintf(out->why, sizeof(out->why), "%s", why);
}

static void
note_named(struct scan *sc, const char *dom)
{
	if (sc->in_group)
		sc->group_named = true;
	if (sc->first[0] == '\0')
		memcpy(sc->first, dom, strlen(dom) + 1);
	else if (strcmp(sc->first, dom) != 0)
		sc->conflict = true;
	if (sc->note != NULL)
		sc->note(sc->ctx, dom);
}

static void
note_unnamed(struct scan *sc)
{
	sc->unnamed = true;
	if (sc->note != NULL)
		sc->note(sc->ctx, NULL);
}

/* ---- addresses in display text ---- */

static void
pend_add(struct pending *pd, const char *dom)
{
	size_t i;

	for (i = 0; i < pd->n; i++)
		if (strcmp(pd->dom[i], dom) == 0)
			return;
	if (pd->n < 2)
		memcpy(pd->dom[pd->n++], dom, strlen(dom) + 1);
}

/* How text is read for addresses. */
struct reading {
	struct scan *sc;
	bool pending;  /* part of a display name if the mailbox has one */
	bool need_dot; /* in a quoted string or comment: "@handle" is a
			  nickname there, wherever it is */
};

static void
text_found(void *ctx, const char *run, size_t len, bool overflow)
{
	struct reading *r = ctx;
	char dom[DOMAIN_MAX_LEN + 1], err[8];

	if (len == 0 || overflow
	    || domcanon(run, len, dom, err, sizeof(err)) == DOMCANON_INVALID)
		return;
	if (r->need_dot && !r->sc->enc_quoting && strchr(dom, '.') == NULL)
		return;
	if (r->pending)
		pend_add(&r->sc->pend, dom);
	else
		note_named(r->sc, dom);
}

/* Looks for addresses in n bytes of text as readers show it
 * (fromtext.h, flags FROMTEXT_*); in a quoted string or comment
 * (FROMTEXT_QUOTED) a domain needs a dot, unless an encoded word before
 * it may have moved where readers that do not decode it see that string
 * or comment end. */
static void
display_text(struct scan *sc, const char *s, size_t n, int flags, bool pending)
{
	struct reading r;

	r.sc = sc;
	r.pending = pending;
	r.need_dot = (flags & FROMTEXT_QUOTED) != 0;
	fromtext_addresses(s, n, flags, text_found, &r);
}

/* Text before the '<' of a mailbox (or a group's ':') may be its display
 * name; anywhere else it is part of an address, or junk a reader may
 * show as one. */
static bool
in_display_position(const struct scan *sc)
{
	return !sc->in_angle && !sc->had_angle;
}

/* What the mailbox's display text counts for at its end: nothing when it
 * is a display name, before a '<...>' that names a domain, and when no
 * encoded word before may have made readers that do not decode it see
 * another structure. */
static bool
display_shown(const struct scan *sc)
{
	return !sc->angle_named || sc->enc_odd;
}

/* ---- the tokenizer ---- */

/* The end of the comment opening at p (just past its ')'), or NULL when it
 * never closes; *depth is its deepest nesting, *odd whether readers may
 * disagree where it ends (it nests or holds a backslash), *nul whether it
 * holds a NUL byte. */
static const char *
comment_end(const char *p, const char *end, size_t *depth, bool *odd, bool *nul)
{
	size_t d = 0;

	*depth = 0;
	*odd = false;
	*nul = false;
	for (; p < end; p++) {
		if (*p == '\\') {
			*odd = true;
			if (p + 1 < end)
				p++;
			if (*p == '\0')
				*nul = true;
		} else if (*p == '(') {
			if (++d > *depth)
				*depth = d;
			if (d > 1)
				*odd = true;
		} else if (*p == ')') {
			if (--d == 0)
				return p + 1;
		} else if (*p == '\0') {
			*nul = true;
		}
	}
	return NULL;
}

/* The end of the quoted string opening at p (just past its closing
 * quote), or NULL when it never closes. */
static const char *
quoted_end(const char *p, const char *end, bool *odd, bool *nul)
{
	*odd = false;
	*nul = false;
	for (p++; p < end; p++) {
		if (*p == '\\') {
			*odd = true;
			if (p + 1 >= end)
				break;
			p++;
		} else if (*p == '"') {
			return p + 1;
		}
		if (*p == '\0')
			*nul = true;
	}
	return NULL;
}

/* Skips white space and comments, looking into comments for addresses. */
static void
skip_cfws(struct scan *sc)
{
	const char *e;
	size_t depth;
	bool odd, nul;

	sc->gap = false;
	while (sc->p < sc->end) {
		if (is_wsp(*sc->p)) {
			sc->p++;
			sc->gap = true;
			continue;
		}
		if (*sc->p != '(' || sc->no_comments)
			return;
		e = comment_end(sc->p, sc->end, &depth, &odd, &nul);
		if (e == NULL) {
			/* The '(' is read as a stray character, and what
			 * follows it as if it were not there. */
			set_invalid(sc->out, "unterminated comment");
			sc->no_comments = true;
			return;
		}
		if (depth > FROMHDR_MAX_NESTING)
			set_invalid(sc->out, "comments nested too deeply");
		if (nul)
			set_invalid(sc->out, "NUL byte in a comment");
		display_text(sc, sc->p + 1, (size_t)(e - sc->p) - 2,
		    FROMTEXT_QUOTED, !odd && in_display_position(sc));
		sc->p = e;
		sc->gap = true;
	}
}

static enum tok
stray(struct scan *sc, const char *why)
{
	set_invalid(sc->out, why);
	sc->p++;
	sc->tl = 1;
	return T_STRAY;
}

/* Takes into an atom that ends in an encoded word the atoms after it that
 * start with one: white space between two encoded words is not shown
 * (RFC 2047 section 6.2), so they are one text (a run of encoded words
 * is one token). Notes the encoded words that hold a special. */
static void
extend_encwords(struct scan *sc, struct fromtext_atom *a)
{
	struct fromtext_atom next;
	const char *p;

	for (;;) {
		sc->enc_odd |= a->odd;
		sc->enc_quoting |= a->quoting;
		if (!a->enc_last)
			return;
		for (p = sc->p; p < sc->end && is_wsp(*p); p++)
			;
		if (p == sc->p)
			return;
		fromtext_atom(p, (size_t)(sc->end - p), &next);
		if (!next.enc_first)
			return;
		sc->p = p + next.len;
		*a = next;
	}
}

static enum tok
next_token(struct scan *sc)
{
	struct fromtext_atom a;
	unsigned char c;
	const char *e;
	bool nul;

	skip_cfws(sc);
	if (sc->p >= sc->end)
		return T_END;
	sc->ts = sc->p;
	c = (unsigned char)*sc->p;
	if (c == '"' && !sc->no_quotes) {
		e = quoted_end(sc->p, sc->end, &sc->odd, &nul);
		if (e == NULL) {
			sc->no_quotes = true;
			return stray(sc, "unterminated quoted string");
		}
		if (nul)
			set_invalid(sc->out, "NUL byte in a quoted string");
		sc->p = e;
		sc->tl = (size_t)(e - sc->ts);
		return T_QUOTED;
	}
	if (c == '[' && !sc->no_literals) {
		e = memchr(sc->p, ']', (size_t)(sc->end - sc->p));
		if (e == NULL) {
			sc->no_literals = true;
			return stray(sc, "unterminated domain literal");
		}
		sc->p = e + 1;
		sc->tl = (size_t)(sc->p - sc->ts);
		return T_LITERAL;
	}
	fromtext_atom(sc->p, (size_t)(sc->end - sc->p), &a);
	if (a.len > 0) {
		sc->p += a.len;
		extend_encwords(sc, &a);
		sc->tl = (size_t)(sc->p - sc->ts);
		return T_ATOM;
	}
	if (c == '<' || c == '>' || c == '@' || c == ',' || c == ';'
	    || c == ':') {
		sc->p++;
		sc->tl = 1;
		return T_SPECIAL;
	}
	if (c == '\\' || c < 0x20 || c == 0x7f) {
		set_invalid(sc->out,
		    c == '\\' ? "backslash outside a quoted string" :
				"control character in header");
		sc->p++;
		sc->tl = 1;
		return T_GLUE;
	}
	if (c == ')')
		return stray(sc, "unbalanced ')'");
	if (c == ']')
		return stray(sc, "unbalanced ']'");
	/* '(', '"' or '[' after one of its kind never closed. */
	return stray(sc, "unbalanced quote, comment or bracket");
}

/* ---- the domain after an '@' ---- */

static void
cap_put(struct capture *c, char b)
{
	if (c->len < sizeof(c->text))
		c->text[c->len++] = b;
	else
		c->overflow = true;
}

static void
cap_sink(void *ctx, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cap_put(ctx, s[i]);
}

/* Appends the token's text, as a reader shows it (encoded words decoded,
 * quoted pairs unquoted), to the domain; false when the token cannot
 * continue the domain (a word after it). Words join across a dot, as
 * obsolete syntax allows with white space around it, and across a
 * backslash or control byte, which a reader does not show. */
static bool
capture_add(struct scan *sc, enum tok t)
{
	struct capture *c = &sc->cap;
	const char *s = sc->ts;
	size_t n = sc->tl, i, before = c->len;
	bool overflow = c->overflow, decoded = false;

	if (t == T_LITERAL) {
		for (i = 1; i + 1 < n; i++)
			cap_put(c, s[i]);
	} else {
		decoded = fromtext_show(t == T_ATOM ? s : s + 1,
		    t == T_ATOM ? n : n - 2, t == T_ATOM ? 0 : FROMTEXT_QUOTED,
		    cap_sink, c);
	}
	if (c->tokens > 0 && !(c->glue && !sc->gap)
	    && !(before > 0 && c->text[before - 1] == '.')
	    && !(c->len > before && c->text[before] == '.')) {
		c->len = before; /* a word after the domain */
		c->overflow = overflow;
		return false;
	}
	if (t != T_ATOM || decoded)
		c->bad = true;
	if (t == T_LITERAL) {
		/* [192.0.2.1] names no domain; [bank.example] shows one. */
		for (i = 1; i + 1 < n; i++)
			if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')
				break;
		if (i + 1 >= n)
			c->noname = true;
	}
	c->tokens++;
	c->glue = false;
	return true;
}

static bool
is_trailing_mark(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '.' && c != '-'
	    && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
	    && !(c >= '0' && c <= '9');
}

/* The domain a part of a capture's text shows (the text between two '@'
 * a reader sees): up to a character that ends a name for a reader, and
 * without the punctuation after it ("bank.example?=" of a broken encoded
 * word, "bank.example!"); *cut when there was either. */
static enum domcanon_status
part_domain(const char *s, size_t n, char *dom, char *err, size_t errsz,
    bool *cut)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		if (s[i] != '\0' && strchr("<>,;:()[]\"", s[i]) != NULL)
			break;
	for (k = i; k > 0 && is_trailing_mark((unsigned char)s[k - 1]); k--)
		;
	if (k > 0)
		i = k;
	*cut = i < n;
	return domcanon(s, i, dom, err, errsz);
}

/* The length of the part of a capture's text at s (n bytes) up to the next
 * '@' a reader sees; *sep is that '@''s length, 0 at the end. */
static size_t
part_len(const char *s, size_t n, size_t *sep)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((*sep = fromtext_at(s + i, n - i)) > 0)
			return i;
	*sep = 0;
	return n;
}

/* Whether the capture is a nickname: in display position, every domain
 * its text shows ("Support @ Acme", "Team@Acme") is a name with no dot. */
static bool
capture_nickname(const struct capture *c, const char **why)
{
	char dom[DOMAIN_MAX_LEN + 1], err[96];
	size_t i = 0, k, sep, parts = 0;
	enum domcanon_status st;
	bool cut;

	*why = c->bad ? "malformed domain" : NULL;
	if (!c->display)
		return false;
	for (; i <= c->len; i = k + sep) {
		k = i + part_len(c->text + i, c->len - i, &sep);
		if (k > i) {
			st = part_domain(c->text + i, k - i, dom, err,
			    sizeof(err), &cut);
			if (st == DOMCANON_INVALID || strchr(dom, '.') != NULL)
				return false;
			if (st == DOMCANON_SEEN && *why == NULL)
				*why
				    = "the domain is one only to a reader's eye";
			if (++parts > 1 || cut)
				*why = "malformed domain";
		}
		if (sep == 0)
			break;
	}
	return parts > 0;
}

static void
capture_end(struct scan *sc)
{
	struct capture *c = &sc->cap;
	char dom[DOMAIN_MAX_LEN + 1], err[96];
	enum domcanon_status seen;
	const char *why;
	size_t i, k, sep, parts = 0;
	bool cut;

	if (!c->active)
		return;
	c->active = false;
	if (c->tokens == 0) {
		set_invalid(sc->out, "no domain after '@'");
		return;
	}
	if (c->noname || c->overflow) {
		set_invalid(sc->out,
		    c->noname ? "an address literal, not a domain" :
				"domain too long");
		note_unnamed(sc);
		return;
	}
	if (capture_nickname(c, &why)) {
		/* Counted at the mailbox's end unless its '<...>' names a
		 * domain. */
		for (i = 0; i <= c->len; i = k + sep) {
			k = i + part_len(c->text + i, c->len - i, &sep);
			if (k > i
			    && part_domain(c->text + i, k - i, dom, err,
				   sizeof(err), &cut)
				!= DOMCANON_INVALID)
				pend_add(&sc->nick, dom);
			if (sep == 0)
				break;
		}
		sc->nick_ats++;
		if (sc->nick_why == NULL)
			sc->nick_why = why;
		return;
	}
	/* Each '@' a reader sees in the text starts another address. */
	for (i = 0; i <= c->len; i = k + sep) {
		k = i + part_len(c->text + i, c->len - i, &sep);
		if (k > i || (parts == 0 && sep == 0)) {
			parts++;
			seen = part_domain(c->text + i, k - i, dom, err,
			    sizeof(err), &cut);
			if (seen == DOMCANON_INVALID) {
				set_invalid(sc->out, err);
				note_unnamed(sc);
			} else {
				/* A name only a reader takes for a domain
				 * (invisible or bidi code points, look-alike
				 * dots) is judged as the domain it shows. */
				if (seen == DOMCANON_SEEN)
					set_invalid(sc->out,
					    "the domain is one only to a "
					    "reader's eye");
				if (c->bad || cut)
					set_invalid(sc->out,
					    "malformed domain");
				if (c->in_angle)
					sc->angle_named = true;
				note_named(sc, dom);
			}
		}
		if (sep == 0)
			break;
	}
	if (parts > 1)
		set_invalid(sc->out, "an '@' in a domain");
}

static void
capture_start(struct scan *sc)
{
	struct capture *c = &sc->cap;

	capture_end(sc);
	c->active = true;
	c->in_angle = sc->in_angle && !sc->route; /* the address's own */
	c->display = in_display_position(sc) && !sc->stray_gt && !sc->enc_odd;
	c->bad = false;
	c->noname = false;
	c->glue = false;
	c->overflow = false;
	c->tokens = 0;
	c->len = 0;
}

/* Feeds the token to the open capture, ending it where the domain ends;
 * true when the token was part of the domain. */
static bool
capture_token(struct scan *sc, enum tok t)
{
	struct capture *c = &sc->cap;

	if (!c->active)
		return false;
	if (t == T_GLUE) {
		/* "bank\x01.example" reads on; "bank \x01x" does not. */
		c->glue = !sc->gap || c->tokens == 0;
		c->bad = true;
		return true;
	}
	if ((t == T_ATOM || t == T_QUOTED || t == T_LITERAL)
	    && capture_add(sc, t))
		return true;
	if (t == T_ATOM || t == T_QUOTED || t == T_LITERAL)
		c->bad = true; /* "example.com Alice": a word after it */
	capture_end(sc);
	return false;
}

/* ---- mailboxes ---- */

static void
mailbox_reset(struct scan *sc)
{
	sc->any = false;
	sc->in_angle = false;
	sc->had_angle = false;
	sc->route = false;
	sc->angle_named = false;
	sc->stray_gt = false;
	sc->angle_tokens = 0;
	sc->outside_ats = 0;
	sc->inside_ats = 0;
	sc->pend.n = 0;
	sc->nick.n = 0;
	sc->nick_ats = 0;
	sc->nick_why = NULL;
}

static void
note_pending(struct scan *sc, const struct pending *pd)
{
	size_t i;

	for (i = 0; i < pd->n; i++)
		note_named(sc, pd->dom[i]);
}

static void
mailbox_end(struct scan *sc)
{
	size_t ats = sc->had_angle ? sc->inside_ats : sc->outside_ats;

	/* Text before '<' is a display name only when the '<...>' after it
	 * names a domain: "ceo@bank.example" <> shows its reader no other
	 * author. Without '<' nothing in the mailbox was a display name, and
	 * its nicknames ("Team@Acme") are addresses. */
	if (display_shown(sc)) {
		note_pending(sc, &sc->pend);
		if (sc->nick_ats > 0) {
			note_pending(sc, &sc->nick);
			if (sc->nick_why != NULL)
				set_invalid(sc->out, sc->nick_why);
			if (sc->had_angle)
				set_invalid(sc->out, "address before <...>");
		}
	}
	if (sc->any) {
		if (ats == 0)
			set_invalid(sc->out, "no '@' in address");
		else if (ats > 1)
			set_invalid(sc->out, "several '@' in one address");
		else
			sc->out->mailboxes++;
	}
	mailbox_reset(sc);
}

/* A word, quoted string or literal: the structure, and addresses in it
 * where it is not (yet) a domain. */
static void
mailbox_text(struct scan *sc, enum tok t, bool in_domain)
{
	bool pending = in_display_position(sc);

	sc->any = true;
	if (sc->in_angle) {
		if (!sc->route)
			sc->angle_tokens++;
	} else if (sc->had_angle) {
		set_invalid(sc->out, "text after <...>");
	}
	if (t == T_QUOTED && sc->odd)
		pending = false; /* readers may end it elsewhere */
	if (t != T_ATOM)
		display_text(sc, sc->ts + 1, sc->tl - 2, FROMTEXT_QUOTED,
		    pending);
	else if (!in_domain)
		display_text(sc, sc->ts, sc->tl, 0, pending);
	else /* decoded as the domain; as written, for other readers */
		display_text(sc, sc->ts, sc->tl, FROMTEXT_RAW, false);
}

/* A group's display name is one only when a mailbox in it names a
 * domain: "ceo@bank.example":; shows its reader no other author. */
static void
group_end(struct scan *sc)
{
	bool shown = sc->in_group && (!sc->group_named || sc->enc_odd);

	sc->in_group = false;
	if (shown)
		note_pending(sc, &sc->group_pend);
}

static void
mailbox_special(struct scan *sc, char c)
{
	switch (c) {
	case '<':
		if (sc->in_angle) {
			set_invalid(sc->out, "'<' inside <...>");
			return;
		}
		if (sc->had_angle)
			set_invalid(sc->out, "two addresses without a comma");
		else if (sc->outside_ats > sc->nick_ats)
			set_invalid(sc->out, "address before <...>");
		sc->in_angle = true;
		sc->had_angle = true;
		sc->any = true;
		sc->route = false;
		sc->angle_tokens = 0;
		sc->inside_ats = 0;
		return;
	case '>':
		if (sc->in_angle) {
			sc->in_angle = false;
			return;
		}
		set_invalid(sc->out, "unbalanced '>'");
		sc->stray_gt = true;
		return;
	case '@':
		sc->any = true;
		if (sc->in_angle && sc->angle_tokens == 0)
			sc->route = true; /* "<@a,@b:addr>" */
		else if (sc->in_angle)
			sc->inside_ats++;
		else if (sc->had_angle)
			set_invalid(sc->out, "text after <...>");
		else
			sc->outside_ats++;
		capture_start(sc);
		return;
	case ':':
		if (sc->in_angle && sc->route) {
			sc->route = false; /* the route ends */
			sc->angle_tokens = 0;
			return;
		}
		if (in_display_position(sc) && !sc->in_group
		    && sc->outside_ats == 0) {
			/* A group's display name, kept like a mailbox's. */
			sc->in_group = true;
			sc->group_named = false;
			sc->group_pend = sc->pend;
			mailbox_reset(sc);
			return;
		}
		set_invalid(sc->out, "unexpected ':'");
		return;
	case ',':
		if (sc->in_angle && sc->route)
			return;
		if (sc->in_angle)
			set_invalid(sc->out, "',' inside <...>");
		mailbox_end(sc);
		return;
	case ';':
		if (!sc->in_group || sc->in_angle)
			set_invalid(sc->out, "unexpected ';'");
		mailbox_end(sc);
		group_end(sc);
		return;
	default:
		return;
	}
}

void
fromhdr_scan(const char *value, size_t len, struct fromhdr *out,
    fromhdr_note_fn note, void *ctx)
{
	struct scan sc;
	enum tok t;
	bool in_domain;

	memset(out, 0, sizeof(*out));
	out->status = FROMHDR_OK;
	memset(&sc, 0, sizeof(sc));
	sc.p = value;
	sc.end = value + len;
	sc.out = out;
	sc.note = note;
	sc.ctx = ctx;
	mailbox_reset(&sc);
	for (;;) {
		t = next_token(&sc);
		/* The domain first: every '@' outside quotes, comments and
		 * literals opens one, whatever the structure around it. */
		in_domain = capture_token(&sc, t);
		if (t == T_END)
			break;
		if (t == T_SPECIAL)
			mailbox_special(&sc, *sc.ts);
		else if (t != T_GLUE && t != T_STRAY) /* those: errors */
			mailbox_text(&sc, t, in_domain);
	}
	if (sc.in_angle)
		set_invalid(out, "unterminated '<'");
	mailbox_end(&sc);
	if (sc.in_group)
		set_invalid(out, "group without its ';'");
	group_end(&sc);
	if (out->status == FROMHDR_OK && out->mailboxes == 0)
		set_invalid(out, "no address");
	if ((sc.first[0] != '\0') + sc.conflict + sc.unnamed >= 2) {
		out->status = FROMHDR_MULTIPLE;
		snprintf(out->why, sizeof(out->why), "%s",
		    sc.conflict ? "authors in different domains" :
				  "an author whose domain is not a name");
		return;
	}
	memcpy(out->domain, sc.first, sizeof(out->domain));
}

void
fromhdr_parse(const char *value, size_t len, struct fromhdr *out)
{
	fromhdr_scan(value, len, out, NULL, NULL);
}
