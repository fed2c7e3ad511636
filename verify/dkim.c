/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkim.c: DKIM verification of a message in memory, on the verifier ARC
 * uses too (verify/sigverify.c for hashes and signatures, verify/dkimkey.c
 * for keys, mail/canon.c for line ends and canonicalization). Each
 * DKIM-Signature is first checked for what needs no key, in the order
 * libopendkim checked (d=, s=, v=, i=, x=, t=, c=, a=, h=, l=, bh=, b=),
 * so every result keeps its class; the signatures still standing that can
 * matter get the key lookups first (verify/dkimid.h), through
 * verify/dns.c, so a key missing from DNS (key_missing) is never confused
 * with DNS trouble (temperror).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mail/canon.h"
#include "mail/msg.h"
#include "mail/taglist.h"
#include "util/sbuf.h"
#include "verify/dkim.h"
#include "verify/dkimid.h"
#include "verify/dkimkey.h"
#include "verify/dns.h"
#include "verify/sigverify.h"

/* Seconds of clock difference forgiven on t= and x= (libopendkim's). */
#define CLOCK_DRIFT 300

/* One DKIM-Signature field on its way to a result. */
struct sigrec {
	const struct msg_field *fld;
	struct facts_dkim *out;
	bool pending; /* passed every check that needs no key */
	bool chosen;  /* among the DKIMV_MAX_VERIFY to verify */
};

/* A tag's value, at most FACTS_MAX_STRING bytes; "" for no tag. */
static const char *
tag_copy(struct arena *arena, const struct tag *t)
{
	char *flat;
	const char *out;
	size_t i, n = 0;

	if (t == NULL)
		return "";
	/* A d= or s= holds no white space: folding white space inside a
	 * value (RFC 6376 3.2) and other control bytes are dropped, so a
	 * value can carry no line or field of its own into the log, the
	 * reports or a terminal. */
	if ((flat = malloc(t->value_len + 1)) == NULL)
		return "";
	for (i = 0; i < t->value_len; i++)
		if ((unsigned char)t->value[i] > 0x20 && t->value[i] != 0x7f)
			flat[n++] = t->value[i];
	out = utf8_strndup(arena, flat, n, FACTS_MAX_STRING);
	free(flat);
	return out != NULL ? out : "";
}

/* The a= of a signature as written. */
static const char *
alg_name(const struct tag *a)
{
	if (a == NULL)
		return "unknown";
	if (tag_value_is(a, "rsa-sha1"))
		return "rsa-sha1";
	if (tag_value_is(a, "rsa-sha256"))
		return "rsa-sha256";
	if (tag_value_is(a, "ed25519-sha256"))
		return "ed25519-sha256";
	return "unknown";
}

static bool
empty(const struct tag *t)
{
	return t == NULL || t->value_len == 0;
}

/* i= names d= or a subdomain of it, after its '@'. */
static bool
identity_ok(const struct tag *i, const struct tag *d)
{
	const char *at = memchr(i->value, '@', i->value_len);
	size_t len;

	if (at == NULL)
		return false;
	at++;
	len = (size_t)(i->value + i->value_len - at);
	if (len == d->value_len && strncasecmp(at, d->value, len) == 0)
		return true;
	return len > d->value_len && at[len - d->value_len - 1] == '.'
	    && strncasecmp(at + len - d->value_len, d->value, d->value_len)
	    == 0;
}

/* i= names d= itself after its '@' (case aside). */
static bool
identity_is_d(const struct tag *i, const struct tag *d)
{
	const char *at = memchr(i->value, '@', i->value_len);
	size_t len;

	if (at == NULL)
		return false;
	at++;
	len = (size_t)(i->value + i->value_len - at);
	return len == d->value_len && strncasecmp(at, d->value, len) == 0;
}

/* Checks what needs no key, in libopendkim's order: AG_DKIMR_PASS when
 * the signature is to be verified against its key. */
static enum ag_dkim
precheck(const struct taglist *tl, time_t now)
{
	const struct tag *d = taglist_get(tl, "d"), *s = taglist_get(tl, "s");
	const struct tag *v = taglist_get(tl, "v"), *i = taglist_get(tl, "i");
	const struct tag *x = taglist_get(tl, "x"), *t = taglist_get(tl, "t");
	const struct tag *c = taglist_get(tl, "c"), *a = taglist_get(tl, "a");
	const struct tag *h = taglist_get(tl, "h"), *l = taglist_get(tl, "l");
	const struct tag *bh = taglist_get(tl, "bh"), *b = taglist_get(tl, "b");
	unsigned long long xv = 0, tv = 0, lv;
	unsigned char buf[DKIMKEY_MAX_SIG];
	bool hrel, brel;

	if (empty(d) || empty(s) || empty(v) || !tag_value_is(v, "1"))
		return AG_DKIMR_SIG_SYNTAX;
	if (i != NULL && !identity_ok(i, d))
		return AG_DKIMR_SIG_SYNTAX;
	if ((x != NULL && tag_number(x, &xv) != 0)
	    || (t != NULL && tag_number(t, &tv) != 0))
		return AG_DKIMR_SIG_SYNTAX;
	if (x != NULL && (long long)xv + CLOCK_DRIFT < (long long)now)
		return AG_DKIMR_EXPIRED;
	if (t != NULL && (long long)tv > (long long)now + CLOCK_DRIFT)
		return AG_DKIMR_SIG_SYNTAX; /* signed in the future */
	if (x != NULL && t != NULL && xv < tv)
		return AG_DKIMR_SIG_SYNTAX;
	if (c != NULL && canon_parse(c->value, c->value_len, &hrel, &brel) != 0)
		return AG_DKIMR_SIG_SYNTAX;
	if (a == NULL)
		return AG_DKIMR_SIG_SYNTAX;
	if (strcmp(alg_name(a), "unknown") == 0)
		return AG_DKIMR_UNSUPPORTED;
	if (empty(h) || !sigv_h_has(h, "from"))
		return AG_DKIMR_SIG_SYNTAX;
	if (l != NULL && tag_number(l, &lv) != 0)
		return AG_DKIMR_SIG_SYNTAX;
	if (empty(bh) || tag_base64(bh, buf, sizeof(buf)) <= 0 || empty(b)
	    || tag_base64(b, buf, sizeof(buf)) <= 0)
		return AG_DKIMR_SIG_SYNTAX;
	return AG_DKIMR_PASS;
}

static enum ag_dkim
key_result(enum dkimkey_status st)
{
	switch (st) {
	case DKIMKEY_OK:
		return AG_DKIMR_PASS;
	case DKIMKEY_MISSING:
		return AG_DKIMR_KEY_MISSING;
	case DKIMKEY_REVOKED:
		return AG_DKIMR_KEY_REVOKED;
	case DKIMKEY_SYNTAX:
		return AG_DKIMR_KEY_SYNTAX;
	case DKIMKEY_TOO_SHORT:
		return AG_DKIMR_KEY_TOO_SHORT;
	case DKIMKEY_TEMPERROR:
		return AG_DKIMR_TEMPERROR;
	}
	return AG_DKIMR_TEMPERROR; /* never a pass */
}

/* Verifies one signature that passed precheck against its key. */
static enum ag_dkim
verify_one(const struct msg *m, const struct msg_field *fld,
    dnsq_lookup_fn lookup, void *lookup_ctx, unsigned *bits)
{
	struct taglist tl;
	const struct tag *d, *s, *c, *l, *a, *i;
	unsigned long long limit = 0;
	char sel[DNSQ_MAX_NAME + 1], dom[DNSQ_MAX_NAME + 1];
	struct dkimkey key;
	struct sigv_sig sig;
	enum ag_dkim rc;
	size_t vlen;
	const char *v = msg_field_value(fld, &vlen);

	if (taglist_parse(v, vlen, &tl) != 0)
		return AG_DKIMR_SIG_SYNTAX;
	d = taglist_get(&tl, "d");
	s = taglist_get(&tl, "s");
	c = taglist_get(&tl, "c");
	l = taglist_get(&tl, "l");
	a = taglist_get(&tl, "a");
	if (d->value_len >= sizeof(dom) || s->value_len >= sizeof(sel))
		return AG_DKIMR_SIG_SYNTAX;
	memcpy(dom, d->value, d->value_len);
	dom[d->value_len] = '\0';
	memcpy(sel, s->value, s->value_len);
	sel[s->value_len] = '\0';
	memset(&sig, 0, sizeof(sig));
	sig.m = m;
	sig.field = fld;
	sig.tags = &tl;
	sig.alg = dkimkey_alg_parse(a->value, a->value_len);
	if (c != NULL)
		(void)canon_parse(c->value, c->value_len, &sig.header_relaxed,
		    &sig.body_relaxed);
	sig.limit
	    = l != NULL && tag_number(l, &limit) == 0 ? (long long)limit : -1;
	dkimkey_fetch_first(sel, dom, lookup, lookup_ctx, &key);
	if (key.status == DKIMKEY_OK || key.status == DKIMKEY_TOO_SHORT)
		*bits = key.bits;
	if ((rc = key_result(key.status)) != AG_DKIMR_PASS) {
		dkimkey_free(&key);
		return rc;
	}
	if (key.strict && (i = taglist_get(&tl, "i")) != NULL
	    && !identity_is_d(i, d)) {
		/* RFC 6376 3.6.1: a key with t=s signs for d= itself, never
		 * for an i= of a subdomain (libopendkim's SUBDOMAIN error). */
		dkimkey_free(&key);
		return AG_DKIMR_SIG_SYNTAX;
	}
	if ((sig.alg == DKIMKEY_ED25519_SHA256) != key.ed25519) {
		/* A key of the other type cannot be decoded for a= (as
		 * libopendkim reports it). */
		dkimkey_free(&key);
		return AG_DKIMR_KEY_SYNTAX;
	}
	switch (sigv_body(&sig)) {
	case SIGV_PASS:
		break;
	case SIGV_BODY_MODIFIED:
		rc = AG_DKIMR_BODY_MODIFIED;
		break;
	case SIGV_L_TOO_LARGE:
	case SIGV_MALFORMED:
	case SIGV_TOO_BIG:
	case SIGV_BAD_SIGNATURE:
		rc = AG_DKIMR_SIG_SYNTAX;
		break;
	}
	if (rc == AG_DKIMR_PASS) {
		switch (sigv_signature(&sig, &key)) {
		case SIGV_PASS:
			rc = AG_DKIMR_PASS;
			break;
		case SIGV_MALFORMED:
			rc = AG_DKIMR_SIG_SYNTAX;
			break;
		case SIGV_BODY_MODIFIED:
		case SIGV_BAD_SIGNATURE:
		case SIGV_L_TOO_LARGE:
		case SIGV_TOO_BIG:
			rc = AG_DKIMR_BAD_SIGNATURE;
			break;
		}
	}
	dkimkey_free(&key);
	return rc;
}

int
dkimv_message(const char *msg, size_t len, const struct policy *policy,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct facts *f,
    struct arena *arena, char *err, size_t errsz)
{
	struct msg *m;

	if ((m = arena_alloc(arena, sizeof(*m))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	msg_parse(msg, len, m);
	return dkimv_parsed(m, policy, lookup, lookup_ctx, f, arena, err,
	    errsz);
}

int
dkimv_parsed(const struct msg *m, const struct policy *policy,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct facts *f,
    struct arena *arena, char *err, size_t errsz)
{
	struct sigrec recs[FACTS_MAX_DKIM];
	struct dkimid_from *from;
	size_t i, n = 0, chosen = 0;
	time_t now = time(NULL);
	int rank;

	if (m->truncated) {
		snprintf(err, errsz, "more than %d header fields",
		    MSG_MAX_FIELDS);
		return -1;
	}
	for (i = 0; i < m->n_fields && f->n_dkim < FACTS_MAX_DKIM; i++) {
		struct sigrec *r;
		struct taglist tl;
		const struct tag *d = NULL, *s = NULL, *a = NULL;
		char name[DNSQ_MAX_NAME + 1];
		const char *v;
		size_t vlen;
		bool parsed;

		if (!msg_field_is(&m->fields[i], "DKIM-Signature"))
			continue;
		r = &recs[n++];
		memset(r, 0, sizeof(*r));
		r->fld = &m->fields[i];
		r->out = &f->dkim[f->n_dkim++];
		v = msg_field_value(r->fld, &vlen);
		parsed = taglist_parse(v, vlen, &tl) == 0;
		if (parsed) {
			d = taglist_get(&tl, "d");
			s = taglist_get(&tl, "s");
			a = taglist_get(&tl, "a");
		}
		r->out->d = tag_copy(arena, d);
		r->out->s = tag_copy(arena, s);
		r->out->a = alg_name(a);
		r->out->bits = 0;
		r->out->result
		    = parsed ? precheck(&tl, now) : AG_DKIMR_SIG_SYNTAX;
		if (!parsed || d == NULL || s == NULL
		    || dkimid_key_name(s->value, s->value_len, d->value,
			   d->value_len, name, sizeof(name))
			!= 0) {
			/* A d= that is not a plain domain, or no key name
			 * DNS can be asked for: malformed, looked up
			 * nowhere. */
			r->out->result = AG_DKIMR_SIG_SYNTAX;
			continue;
		}
		/* RFC 8301: rsa-sha1 signatures must not be considered
		 * valid: unsupported, and no key is fetched for them. */
		if (strcmp(r->out->a, "rsa-sha1") == 0) {
			r->out->result = AG_DKIMR_UNSUPPORTED;
			continue;
		}
		r->pending = r->out->result == AG_DKIMR_PASS;
	}
	if (n == 0)
		return 0;
	if ((from = arena_zalloc(arena, sizeof(*from))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	dkimid_from_init(from, policy, f);
	/* The signatures that can matter first: aligned with the From
	 * domain, then trusted domains, then the rest, each in header
	 * order; the others are recorded as unsupported, unverified. */
	for (rank = DKIMID_ALIGNED; rank <= DKIMID_OTHER; rank++)
		for (i = 0; i < n && chosen < DKIMV_MAX_VERIFY; i++) {
			struct sigrec *r = &recs[i];
			const char *d = r->out->d;

			if (!r->pending || r->chosen
			    || (int)dkimid_rank(from, d, strlen(d)) != rank)
				continue;
			r->chosen = true;
			chosen++;
			r->out->result = verify_one(m, r->fld, lookup,
			    lookup_ctx, &r->out->bits);
		}
	for (i = 0; i < n; i++)
		if (recs[i].pending && !recs[i].chosen)
			recs[i].out->result = AG_DKIMR_UNSUPPORTED;
	return 0;
}
