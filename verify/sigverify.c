/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sigverify.c: body hash, header hash and signature of a DKIM-Signature
 * or ARC-Message-Signature, for verify/dkim.c and verify/arc.c alike.
 * The header data is built in memory (bounded) and hashed once; the body
 * is streamed through canon_body into SHA-256.
 */
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/canon.h"
#include "verify/sigverify.h"

static bool
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Calls each(name, len, ctx) for every name of an h= list, folding white
 * space trimmed, until each returns false. */
static void
h_each(const struct tag *h, bool (*each)(const char *, size_t, void *),
    void *ctx)
{
	const char *p = h->value, *end = h->value + h->value_len, *q;
	size_t n;

	for (; p <= end; p = q + 1) {
		for (q = p; q < end && *q != ':'; q++)
			;
		while (p < q && is_fws(*p))
			p++;
		for (n = (size_t)(q - p); n > 0 && is_fws(p[n - 1]); n--)
			;
		if (!each(p, n, ctx) || q >= end)
			break;
	}
}

struct h_find {
	const char *name;
	bool found;
};

static bool
h_find_one(const char *p, size_t n, void *ctx)
{
	struct h_find *f = ctx;

	if (n == strlen(f->name) && strncasecmp(p, f->name, n) == 0)
		f->found = true;
	return !f->found;
}

bool
sigv_h_has(const struct tag *h, const char *name)
{
	struct h_find f = { name, false };

	if (h != NULL)
		h_each(h, h_find_one, &f);
	return f.found;
}

void
sigv_canon_unsigned(bool relaxed, const struct msg_field *fld,
    const struct taglist *tl, struct sbuf *out)
{
	const struct tag *b = taglist_get(tl, "b");
	const char *eq, *stop, *end = fld->text + fld->len;
	struct sbuf tmp;

	if (b == NULL) {
		canon_header(relaxed, fld->text, fld->len, out);
		return;
	}
	eq = memchr(b->name, '=', (size_t)(end - b->name));
	if (eq == NULL) {
		canon_header(relaxed, fld->text, fld->len, out);
		return;
	}
	stop = memchr(eq, ';', (size_t)(end - eq));
	if (stop == NULL)
		stop = end;
	sbuf_init(&tmp, fld->len + 1);
	sbuf_putn(&tmp, fld->text, (size_t)(eq + 1 - fld->text));
	sbuf_putn(&tmp, stop, (size_t)(end - stop));
	canon_header(relaxed, sbuf_cstr(&tmp), tmp.len, out);
	sbuf_free(&tmp);
}

/* A header field's name (its bytes up to the colon, blanks before the
 * colon left out, as msg_field_is reads it) and its place. */
struct field_name {
	const char *name;
	unsigned len;
	unsigned idx;
};

struct fields_ctx {
	const struct msg *m;
	bool relaxed;
	struct sbuf *out;
	/* The message's fields sorted by name (case aside), the bottom
	 * one of a name first, so each h= name costs a binary search, not
	 * a pass over every field: an h= of 250,000 names over 1,000
	 * fields cost seconds. */
	struct field_name sorted[MSG_MAX_FIELDS];
	size_t n_sorted;
	unsigned short taken[MSG_MAX_FIELDS]; /* at a name's first entry */
};

static int
name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < alen && i < blen; i++) {
		unsigned char ca = (unsigned char)a[i],
			      cb = (unsigned char)b[i];

		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca + 32);
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb + 32);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return alen == blen ? 0 : alen < blen ? -1 : 1;
}

static int
field_name_cmp(const void *a, const void *b)
{
	const struct field_name *x = a, *y = b;
	int c = name_cmp(x->name, x->len, y->name, y->len);

	if (c != 0)
		return c;
	return x->idx > y->idx ? -1 : x->idx < y->idx ? 1 : 0;
}

static bool
add_field(const char *p, size_t n, void *ctx)
{
	struct fields_ctx *c = ctx;
	size_t lo = 0, hi = c->n_sorted, mid, k;

	if (n == 0)
		return true;
	/* The first entry of the name, if any. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (name_cmp(c->sorted[mid].name, c->sorted[mid].len, p, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == c->n_sorted
	    || name_cmp(c->sorted[lo].name, c->sorted[lo].len, p, n) != 0)
		return true;
	/* The last unused instance of the name, bottom up. */
	k = lo + c->taken[lo];
	if (k >= c->n_sorted
	    || name_cmp(c->sorted[k].name, c->sorted[k].len, p, n) != 0)
		return true;
	c->taken[lo]++;
	canon_header(c->relaxed, c->m->fields[c->sorted[k].idx].text,
	    c->m->fields[c->sorted[k].idx].len, c->out);
	sbuf_putn(c->out, "\r\n", 2);
	return true;
}

void
sigv_signed_fields(const struct msg *m, bool relaxed, const struct tag *h,
    struct sbuf *out)
{
	struct fields_ctx ctx, *c = &ctx; /* 18 KB */
	size_t i;

	c->n_sorted = 0;
	memset(c->taken, 0, sizeof(c->taken));
	c->m = m;
	c->relaxed = relaxed;
	c->out = out;
	for (i = 0; i < m->n_fields && i < MSG_MAX_FIELDS; i++) {
		const struct msg_field *f = &m->fields[i];
		const char *colon = memchr(f->text, ':', f->len);
		size_t len;

		if (colon == NULL)
			continue;
		len = (size_t)(colon - f->text);
		while (len > 0
		    && (f->text[len - 1] == ' ' || f->text[len - 1] == '\t'))
			len--;
		c->sorted[c->n_sorted].name = f->text;
		c->sorted[c->n_sorted].len = (unsigned)len;
		c->sorted[c->n_sorted].idx = (unsigned)i;
		c->n_sorted++;
	}
	qsort(c->sorted, c->n_sorted, sizeof(c->sorted[0]), field_name_cmp);
	h_each(h, add_field, c);
}

static void
sha256_sink(void *ctx, const void *data, size_t len)
{
	sha256_update((struct sha256_ctx *)ctx, len, data);
}

enum sigv_result
sigv_body(const struct sigv_sig *sig)
{
	const struct tag *bh = taglist_get(sig->tags, "bh");
	unsigned char want[64], got[SHA256_DIGEST_SIZE];
	struct sha256_ctx sha;
	long wantlen;
	size_t fed;

	if (bh == NULL || (wantlen = tag_base64(bh, want, sizeof(want))) <= 0)
		return SIGV_MALFORMED;
	sha256_init(&sha);
	fed = canon_body(sig->body_relaxed, sig->m->body, sig->m->body_len,
	    sig->limit, sha256_sink, &sha);
	if (sig->limit >= 0 && (long long)fed < sig->limit)
		return SIGV_L_TOO_LARGE;
	sha256_digest(&sha, sizeof(got), got);
	if (wantlen != (long)sizeof(got) || memcmp(want, got, sizeof(got)) != 0)
		return SIGV_BODY_MODIFIED;
	return SIGV_PASS;
}

enum sigv_result
sigv_signature(const struct sigv_sig *sig, const struct dkimkey *key)
{
	const struct tag *b = taglist_get(sig->tags, "b");
	const struct tag *h = taglist_get(sig->tags, "h");
	unsigned char sigbytes[DKIMKEY_MAX_SIG];
	struct sbuf data;
	long siglen;
	bool ok;

	if (b == NULL || h == NULL
	    || (siglen = tag_base64(b, sigbytes, sizeof(sigbytes))) <= 0)
		return SIGV_MALFORMED;
	sbuf_init(&data, SIGV_MAX_SIGNED);
	sigv_signed_fields(sig->m, sig->header_relaxed, h, &data);
	sigv_canon_unsigned(sig->header_relaxed, sig->field, sig->tags, &data);
	if (sbuf_failed(&data)) {
		sbuf_free(&data);
		return SIGV_TOO_BIG;
	}
	ok = dkimkey_verify(key, sig->alg, sbuf_cstr(&data), data.len, sigbytes,
	    (size_t)siglen);
	sbuf_free(&data);
	return ok ? SIGV_PASS : SIGV_BAD_SIGNATURE;
}
