/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arc.c: ARC validation. The chain is checked in RFC 8617 section 5.2's
 * order: structure (one ARC-Seal, ARC-Message-Signature and
 * ARC-Authentication-Results per instance, 1..N without gaps, N <= 50),
 * cv= of every seal, the newest ARC-Message-Signature (body hash, then
 * signature), then every ARC-Seal from N down to 1. The
 * ARC-Message-Signature is checked by verify/sigverify.c, as DKIM
 * signatures are; keys are verify/dkimkey.c.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/arparse.h"
#include "mail/canon.h"
#include "mail/domcanon.h"
#include "mail/msg.h"
#include "mail/taglist.h"
#include "util/sbuf.h"
#include "verify/arc.h"
#include "verify/dkimid.h"
#include "verify/dkimkey.h"
#include "verify/sigverify.h"

#define ARC_MAX_FIELDS (3 * ARC_MAX_INSTANCES) /* ARC fields looked at */
#define ARC_MAX_SIGNED SIGV_MAX_SIGNED /* bytes of canonical header data */

enum check {
	CHECK_OK,
	CHECK_FAIL,
	CHECK_TEMPERROR,
	CHECK_NOT_RUN,
};

struct arc_set {
	const struct msg_field *aar, *ams, *as;
	struct taglist ams_tags, as_tags;
};

struct key_slot {
	char selector[256];
	char domain[256];
	struct dkimkey key;
};

struct arc_ctx {
	const struct msg *m;
	struct arc_set sets[ARC_MAX_INSTANCES + 1]; /* [1..n] */
	unsigned n;
	dnsq_lookup_fn lookup;
	void *lookup_ctx;
	struct key_slot keys[ARC_MAX_KEYS];
	size_t n_keys;
	char *why;
	size_t whysz;
	enum check ams_rc;			   /* the newest AMS */
	enum check seal_rc[ARC_MAX_INSTANCES + 1]; /* each seal, [1..n] */
};

static enum check failed(struct arc_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum check
failed(struct arc_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, c->whysz, fmt, ap);
	va_end(ap);
	return CHECK_FAIL;
}

/* Reads the instance number at the start of an ARC-Authentication-Results
 * value ("i=2; ..."). */
static int
aar_instance(const char *v, size_t len, unsigned *out, size_t *used)
{
	size_t i = 0;
	unsigned n = 0;

	while (i < len
	    && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' || v[i] == '\n'))
		i++;
	if (i >= len || v[i] != 'i')
		return -1;
	for (i++; i < len && (v[i] == ' ' || v[i] == '\t'); i++)
		;
	if (i >= len || v[i++] != '=')
		return -1;
	for (; i < len && (v[i] == ' ' || v[i] == '\t'); i++)
		;
	if (i >= len || v[i] < '0' || v[i] > '9')
		return -1;
	for (; i < len && v[i] >= '0' && v[i] <= '9' && n <= ARC_MAX_INSTANCES;
	     i++)
		n = n * 10 + (unsigned)(v[i] - '0');
	for (; i < len && (v[i] == ' ' || v[i] == '\t'); i++)
		;
	if (i >= len || v[i] != ';')
		return -1;
	*out = n;
	*used = i + 1;
	return 0;
}

/* What the sealer's ARC-Authentication-Results say about DMARC: the
 * first dmarc= result and the header.from it names. Read with the RFC
 * 8601 reader, so a "dmarc=pass" inside a comment or a quoted string is
 * text, not a result. Another dmarc= result disagrees when its result or
 * its author domain (compared in canonical form) differs. */
struct aar_dmarc {
	bool seen;
	bool conflict; /* another dmarc= result says otherwise */
	enum ag_dmarc result;
	char from[AR_MAX_VALUE];
};

/* Two header.from values name the same domain, in whatever spelling. */
static bool
same_domain(const char *a, const char *b)
{
	char ca[DOMAIN_MAX_LEN + 1], cb[DOMAIN_MAX_LEN + 1], err[8];

	if (strcmp(a, b) == 0)
		return true;
	return domcanon_strict(a, strlen(a), ca, err, sizeof(err)) == 0
	    && domcanon_strict(b, strlen(b), cb, err, sizeof(err)) == 0
	    && strcmp(ca, cb) == 0;
}

static bool
aar_each(void *ctx, const struct ar_resinfo *r)
{
	struct aar_dmarc *a = ctx;
	const char *from = ar_prop_value(r, "header", "from");
	enum ag_dmarc res;

	if (strcmp(r->method, "dmarc") != 0)
		return true;
	if (ag_dmarc_parse(r->result, &res) != 0)
		res = AG_DMARCR_NONE;
	if (!a->seen) {
		a->seen = true;
		a->result = res;
		snprintf(a->from, sizeof(a->from), "%s",
		    from != NULL ? from : "");
	} else if (res != a->result
	    || !same_domain(a->from, from != NULL ? from : "")) {
		a->conflict = true;
	}
	return true;
}

/* Reads the dmarc= result of an ARC-Authentication-Results value (after
 * "i=N;") into a: none when absent, unknown, contradicted by another
 * dmarc= result, or when the value does not parse as RFC 8601 says. */
static void
aar_dmarc(const char *v, size_t len, struct aar_dmarc *a)
{
	char id[AR_MAX_ID];

	memset(a, 0, sizeof(*a));
	a->result = AG_DMARCR_NONE;
	if (ar_parse(v, len, id, sizeof(id), aar_each, a, NULL) != 0
	    || a->conflict)
		a->result = AG_DMARCR_NONE;
}

/* The ARC header field name of fld, or NULL for any other field. */
static const char *
arc_kind(const struct msg_field *fld)
{
	static const char *const names[] = { "ARC-Seal",
		"ARC-Message-Signature", "ARC-Authentication-Results" };
	size_t i;

	if (fld->len < 4 || strncasecmp(fld->text, "ARC-", 4) != 0)
		return NULL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (msg_field_is(fld, names[i]))
			return names[i];
	return NULL;
}

/* Sorts the ARC fields into instances. */
static enum check
collect(struct arc_ctx *c, unsigned *count)
{
	const struct msg *m = c->m;
	size_t i, vlen, used;
	unsigned inst, seen = 0;
	unsigned long long num;
	const char *v;

	for (i = 0; i < m->n_fields; i++) {
		const struct msg_field *fld = &m->fields[i];
		struct arc_set *set;
		struct taglist tl;
		const struct msg_field **slot;
		const char *kind;

		if ((kind = arc_kind(fld)) == NULL)
			continue;
		if (++seen > ARC_MAX_FIELDS)
			return failed(c, "more than %d ARC header fields",
			    ARC_MAX_FIELDS);
		v = msg_field_value(fld, &vlen);
		if (kind[4] == 'A') {
			if (aar_instance(v, vlen, &inst, &used) != 0)
				return failed(c, "an %s has no valid i= tag",
				    kind);
		} else {
			if (taglist_parse(v, vlen, &tl) != 0)
				return failed(c,
				    "an %s is not a valid tag list", kind);
			if (tag_number(taglist_get(&tl, "i"), &num) != 0)
				return failed(c, "an %s has no valid i= tag",
				    kind);
			inst = num > ARC_MAX_INSTANCES ? ARC_MAX_INSTANCES + 1 :
							 (unsigned)num;
		}
		if (inst < 1 || inst > ARC_MAX_INSTANCES)
			return failed(c, "an %s has i= outside 1..%d", kind,
			    ARC_MAX_INSTANCES);
		set = &c->sets[inst];
		slot = kind[4] == 'A' ? &set->aar :
		    kind[4] == 'M'    ? &set->ams :
					&set->as;
		if (*slot != NULL)
			return failed(c, "two %s fields have i=%u", kind, inst);
		*slot = fld;
		if (kind[4] == 'M')
			set->ams_tags = tl;
		else if (kind[4] == 'S')
			set->as_tags = tl;
		if (inst > c->n)
			c->n = inst;
	}
	*count = seen;
	return CHECK_OK;
}

/* Fetches (once per message) the key of selector s at domain d. */
static const struct dkimkey *
get_key(struct arc_ctx *c, const struct tag *s, const struct tag *d)
{
	struct key_slot *k;
	size_t i;

	if (s->value_len == 0 || s->value_len >= sizeof(k->selector)
	    || d->value_len == 0 || d->value_len >= sizeof(k->domain)
	    || memchr(s->value, '\0', s->value_len) != NULL
	    || memchr(d->value, '\0', d->value_len) != NULL)
		return NULL;
	for (i = 0; i < c->n_keys; i++) {
		k = &c->keys[i];
		if (strlen(k->selector) == s->value_len
		    && strncasecmp(k->selector, s->value, s->value_len) == 0
		    && strlen(k->domain) == d->value_len
		    && strncasecmp(k->domain, d->value, d->value_len) == 0)
			return &k->key;
	}
	if (c->n_keys == ARC_MAX_KEYS)
		return NULL;
	k = &c->keys[c->n_keys++];
	memcpy(k->selector, s->value, s->value_len);
	k->selector[s->value_len] = '\0';
	memcpy(k->domain, d->value, d->value_len);
	k->domain[d->value_len] = '\0';
	dkimkey_fetch(k->selector, k->domain, c->lookup, c->lookup_ctx,
	    &k->key);
	return &k->key;
}

/* Finds the key of a signature: NULL, with the check's outcome in rc,
 * when there is none to verify with. */
static const struct dkimkey *
usable_key(struct arc_ctx *c, const char *what, unsigned inst,
    const struct taglist *tl, enum check *rc)
{
	const struct tag *s = taglist_get(tl, "s"), *d = taglist_get(tl, "d");
	const struct dkimkey *key;
	char name[DNSQ_MAX_NAME + 1];

	/* A d= that is not a plain domain, or a key name DNS cannot be
	 * asked for, makes the signature malformed: the chain fails, and
	 * nothing is looked up (never a temperror). */
	if (dkimid_key_name(s->value, s->value_len, d->value, d->value_len,
		name, sizeof(name))
	    != 0) {
		*rc = failed(c,
		    "%s i=%u: d= or s= names no key DNS can be "
		    "asked for",
		    what, inst);
		return NULL;
	}
	if ((key = get_key(c, s, d)) == NULL) {
		*rc = failed(c, "%s i=%u: more than %d keys", what, inst,
		    ARC_MAX_KEYS);
		return NULL;
	}
	if (key->status == DKIMKEY_TEMPERROR) {
		snprintf(c->why, c->whysz, "%s i=%u: %s", what, inst, key->why);
		*rc = CHECK_TEMPERROR;
		return NULL;
	}
	if (key->status != DKIMKEY_OK) {
		*rc = failed(c, "%s i=%u: key %.*s._domainkey.%.*s: %s", what,
		    inst, (int)s->value_len, s->value, (int)d->value_len,
		    d->value, key->why);
		return NULL;
	}
	return key;
}

/* Checks a signature's key and signature over data. */
static enum check
check_signature(struct arc_ctx *c, const char *what, unsigned inst,
    const struct taglist *tl, const struct sbuf *data)
{
	const struct tag *a = taglist_get(tl, "a"), *b = taglist_get(tl, "b");
	const struct dkimkey *key;
	unsigned char sig[DKIMKEY_MAX_SIG];
	enum dkimkey_alg alg;
	enum check rc = CHECK_OK;
	long siglen;

	if (sbuf_failed(data))
		return failed(c, "%s i=%u signs too many bytes", what, inst);
	alg = dkimkey_alg_parse(a->value, a->value_len);
	if (alg == DKIMKEY_ALG_UNSUPPORTED)
		return failed(c, "%s i=%u uses an unsupported algorithm", what,
		    inst);
	if ((siglen = tag_base64(b, sig, sizeof(sig))) <= 0)
		return failed(c, "%s i=%u has a malformed b=", what, inst);
	if ((key = usable_key(c, what, inst, tl, &rc)) == NULL)
		return rc;
	if (!dkimkey_verify(key, alg, sbuf_cstr(data), data->len, sig,
		(size_t)siglen))
		return failed(c, "%s i=%u does not verify", what, inst);
	return CHECK_OK;
}

static bool
has_tags(const struct taglist *tl, const char *const *names)
{
	for (; *names != NULL; names++)
		if (taglist_get(tl, *names) == NULL)
			return false;
	return true;
}

/* The newest ARC-Message-Signature: a DKIM signature in all but name,
 * checked by the DKIM verifier's code (verify/sigverify.c). */
static enum check
check_ams(struct arc_ctx *c)
{
	static const char *const required[]
	    = { "a", "b", "bh", "d", "h", "s", NULL };
	const struct arc_set *set = &c->sets[c->n];
	const struct taglist *tl = &set->ams_tags;
	const struct tag *ct, *lt, *a;
	const struct dkimkey *key;
	unsigned char sigbytes[DKIMKEY_MAX_SIG];
	unsigned long long limit = 0;
	struct sigv_sig sig;
	enum check rc = CHECK_OK;

	if (!has_tags(tl, required))
		return failed(c,
		    "ARC-Message-Signature i=%u lacks a required "
		    "tag",
		    c->n);
	memset(&sig, 0, sizeof(sig));
	ct = taglist_get(tl, "c");
	if (ct != NULL
	    && canon_parse(ct->value, ct->value_len, &sig.header_relaxed,
		   &sig.body_relaxed)
		!= 0)
		return failed(c,
		    "ARC-Message-Signature i=%u has a bad c=", c->n);
	lt = taglist_get(tl, "l");
	if (lt != NULL && tag_number(lt, &limit) != 0)
		return failed(c,
		    "ARC-Message-Signature i=%u has a bad l=", c->n);
	sig.m = c->m;
	sig.field = set->ams;
	sig.tags = tl;
	sig.limit = lt != NULL ? (long long)limit : -1;
	if (sigv_body(&sig) != SIGV_PASS)
		return failed(c,
		    "the body was changed after ARC instance %u "
		    "signed it (body hash differs)",
		    c->n);
	if (sigv_h_has(taglist_get(tl, "h"), "arc-seal"))
		return failed(c,
		    "ARC-Message-Signature i=%u signs "
		    "ARC-Seal, which RFC 8617 forbids",
		    c->n);
	a = taglist_get(tl, "a");
	sig.alg = dkimkey_alg_parse(a->value, a->value_len);
	if (sig.alg == DKIMKEY_ALG_UNSUPPORTED)
		return failed(c,
		    "ARC-Message-Signature i=%u uses an unsupported "
		    "algorithm",
		    c->n);
	if (tag_base64(taglist_get(tl, "b"), sigbytes, sizeof(sigbytes)) <= 0)
		return failed(c,
		    "ARC-Message-Signature i=%u has a malformed b=", c->n);
	if ((key = usable_key(c, "ARC-Message-Signature", c->n, tl, &rc))
	    == NULL)
		return rc;
	switch (sigv_signature(&sig, key)) {
	case SIGV_PASS:
		return CHECK_OK;
	case SIGV_MALFORMED:
		return failed(c,
		    "ARC-Message-Signature i=%u has a malformed b=", c->n);
	case SIGV_TOO_BIG:
		return failed(c,
		    "ARC-Message-Signature i=%u signs too many bytes", c->n);
	case SIGV_BODY_MODIFIED:
	case SIGV_BAD_SIGNATURE:
	case SIGV_L_TOO_LARGE:
		break;
	}
	return failed(c, "ARC-Message-Signature i=%u does not verify", c->n);
}

/* ARC-Seal i=inst signs the ARC sets 1..inst, relaxed, in that order,
 * its own b= emptied. */
static enum check
check_seal(struct arc_ctx *c, unsigned inst)
{
	struct sbuf data;
	unsigned j;
	enum check rc;

	sbuf_init(&data, ARC_MAX_SIGNED);
	for (j = 1; j <= inst; j++) {
		const struct arc_set *s = &c->sets[j];

		canon_header(true, s->aar->text, s->aar->len, &data);
		sbuf_putn(&data, "\r\n", 2);
		canon_header(true, s->ams->text, s->ams->len, &data);
		sbuf_putn(&data, "\r\n", 2);
		if (j < inst) {
			canon_header(true, s->as->text, s->as->len, &data);
			sbuf_putn(&data, "\r\n", 2);
		} else {
			sigv_canon_unsigned(true, s->as, &s->as_tags, &data);
		}
	}
	rc = check_signature(c, "ARC-Seal", inst, &c->sets[inst].as_tags,
	    &data);
	sbuf_free(&data);
	return rc;
}

static enum check
check_structure(struct arc_ctx *c)
{
	static const char *const required[]
	    = { "a", "b", "cv", "d", "s", NULL };
	const struct tag *cv;
	unsigned i;

	for (i = 1; i <= c->n; i++) {
		const struct arc_set *s = &c->sets[i];

		if (s->aar == NULL || s->ams == NULL || s->as == NULL)
			return failed(c,
			    "ARC instance %u lacks one of its "
			    "three header fields",
			    i);
		if (!has_tags(&s->as_tags, required))
			return failed(c, "ARC-Seal i=%u lacks a required tag",
			    i);
		if (taglist_get(&s->as_tags, "h") != NULL)
			return failed(c,
			    "ARC-Seal i=%u has an h= tag, which "
			    "RFC 8617 forbids",
			    i);
	}
	cv = taglist_get(&c->sets[c->n].as_tags, "cv");
	if (tag_value_is(cv, "fail"))
		return failed(c,
		    "ARC-Seal i=%u records cv=fail: an earlier "
		    "hop found the chain broken",
		    c->n);
	for (i = 1; i <= c->n; i++) {
		cv = taglist_get(&c->sets[i].as_tags, "cv");
		if (!tag_value_is(cv, i == 1 ? "none" : "pass"))
			return failed(c, "ARC-Seal i=%u has cv=%.*s, not %s", i,
			    (int)(cv->value_len > 16 ? 16 : cv->value_len),
			    cv->value, i == 1 ? "none" : "pass");
	}
	return CHECK_OK;
}

/* Records each complete instance's sealer and recorded DMARC result. */
static void
record_instances(struct arc_ctx *c, struct facts *f, struct arena *arena)
{
	unsigned i;
	size_t vlen, used;
	unsigned inst;
	const char *v;
	struct aar_dmarc dm;

	for (i = 1; i <= c->n && f->n_arc < FACTS_MAX_ARC; i++) {
		const struct arc_set *s = &c->sets[i];
		const struct tag *d;
		struct facts_arc_instance *out;

		if (s->as == NULL || s->aar == NULL
		    || (d = taglist_get(&s->as_tags, "d")) == NULL)
			continue;
		out = &f->arc_inst[f->n_arc++];
		memset(out, 0, sizeof(*out));
		out->i = i;
		/* A d= that is not a plain domain ("lists.example.") is
		 * recorded as no sealer, so no spelling of it is trusted. */
		out->sealer = dkimid_domain_ok(d->value, d->value_len) ?
		    arena_strndup(arena, d->value, d->value_len) :
		    "";
		out->dmarc = AG_DMARCR_NONE;
		v = msg_field_value(s->aar, &vlen);
		if (aar_instance(v, vlen, &inst, &used) == 0) {
			aar_dmarc(v + used, vlen - used, &dm);
			out->dmarc = dm.result;
			/* "" when the result names no header.from: then
			 * it vouches for no author. */
			if (dm.seen)
				out->header_from = utf8_strndup(arena, dm.from,
				    strlen(dm.from), FACTS_MAX_STRING);
		}
	}
}

void
arcv_message(const char *text, size_t len, dnsq_lookup_fn lookup,
    void *lookup_ctx, struct facts *f, struct arena *arena, char *why,
    size_t whysz)
{
	struct msg *m;

	if ((m = arena_alloc(arena, sizeof(*m))) == NULL) {
		snprintf(why, whysz, "out of memory");
		f->arc = AG_ARCR_TEMPERROR;
		f->n_arc = 0;
		return;
	}
	msg_parse(text, len, m);
	arcv_parsed(m, lookup, lookup_ctx, f, arena, why, whysz);
}

/* Two d= values name the same domain (case aside). */
static bool
same_d(const struct tag *a, const struct tag *b)
{
	return a != NULL && b != NULL && a->value_len == b->value_len
	    && strncasecmp(a->value, b->value, a->value_len) == 0;
}

/*
 * A key lookup failed on DNS trouble, so the chain is a temperror unless
 * a signature fails outright: every seal not yet checked is checked now
 * (a seal that does not verify makes the chain fail, whatever DNS did
 * elsewhere). A temperror lets a trusted sealer's recorded pass hold a
 * reject back (decide.c), so only an instance that could have passed
 * keeps its sealer: every newer seal verified, its own seal verified or
 * failed only on its own key, and the newest ARC-Message-Signature
 * verified or failed only on a key of that sealer's own domain. Any
 * other instance is recorded as no sealer: a seal never verified names
 * nobody (an attacker's own slow key cannot lend a forged "trusted" set
 * the benefit of the doubt).
 */
static enum check
settle_temperror(struct arc_ctx *c, struct facts *f)
{
	char why[256];
	unsigned i;
	size_t k;
	bool newer_ok = true;

	snprintf(why, sizeof(why), "%s", c->why);
	for (i = c->n; i >= 1; i--) {
		if (c->seal_rc[i] == CHECK_NOT_RUN)
			c->seal_rc[i] = check_seal(c, i);
		if (c->seal_rc[i] == CHECK_FAIL)
			return CHECK_FAIL; /* c->why says which */
	}
	snprintf(c->why, c->whysz, "%s", why);
	for (i = c->n; i >= 1; i--) {
		const struct tag *sd = taglist_get(&c->sets[i].as_tags, "d");
		const struct tag *md
		    = taglist_get(&c->sets[c->n].ams_tags, "d");
		bool ams_ok = c->ams_rc == CHECK_OK
		    || (c->ams_rc == CHECK_TEMPERROR && same_d(sd, md));

		if (!newer_ok || !ams_ok)
			for (k = 0; k < f->n_arc; k++)
				if (f->arc_inst[k].i == i)
					f->arc_inst[k].sealer = "";
		newer_ok = newer_ok && c->seal_rc[i] == CHECK_OK;
	}
	return CHECK_TEMPERROR;
}

void
arcv_parsed(const struct msg *m, dnsq_lookup_fn lookup, void *lookup_ctx,
    struct facts *f, struct arena *arena, char *why, size_t whysz)
{
	struct arc_ctx *c;
	unsigned count = 0, i;
	enum check rc;

	why[0] = '\0';
	f->arc = AG_ARCR_NONE;
	f->n_arc = 0;
	/* Most mail has no ARC set: spare it the 100 KB context. */
	for (i = 0; i < m->n_fields && arc_kind(&m->fields[i]) == NULL; i++)
		;
	if (i == m->n_fields)
		return;
	if ((c = arena_zalloc(arena, sizeof(*c))) == NULL)
		goto oom;
	c->m = m;
	c->lookup = lookup;
	c->lookup_ctx = lookup_ctx;
	c->why = why;
	c->whysz = whysz;
	rc = collect(c, &count);
	if (rc == CHECK_OK && count == 0)
		return;
	record_instances(c, f, arena);
	if (rc == CHECK_OK && m->truncated)
		rc = failed(c, "more than %d header fields", MSG_MAX_FIELDS);
	if (rc == CHECK_OK)
		rc = check_structure(c);
	c->ams_rc = CHECK_NOT_RUN;
	for (i = 0; i <= ARC_MAX_INSTANCES; i++)
		c->seal_rc[i] = CHECK_NOT_RUN;
	if (rc == CHECK_OK)
		rc = c->ams_rc = check_ams(c);
	for (i = c->n; rc == CHECK_OK && i >= 1; i--)
		rc = c->seal_rc[i] = check_seal(c, i);
	if (rc == CHECK_TEMPERROR)
		rc = settle_temperror(c, f);
	for (i = 0; i < c->n_keys; i++)
		dkimkey_free(&c->keys[i].key);
	f->arc = rc == CHECK_OK	  ? AG_ARCR_PASS :
	    rc == CHECK_TEMPERROR ? AG_ARCR_TEMPERROR :
				    AG_ARCR_FAIL;
	return;
oom:
	snprintf(why, whysz, "out of memory");
	f->arc = AG_ARCR_TEMPERROR;
}
