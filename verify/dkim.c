/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkim.c: libopendkim driven from a message in memory. The message is
 * split into header fields (folded lines kept, each line end made CRLF,
 * the final one removed) and a body with CRLF line ends, as libopendkim
 * expects: it hashes a field's folds as given under simple header
 * canonicalization, so a bare LF there (Exim hands the module LF line
 * ends) would break every such signature. Line ends are read by
 * mail/canon.c, as the ARC verifier reads them. The library's own DNS
 * code reports NXDOMAIN and a timeout alike, so keys are fetched by our
 * callback through verify/dns.c, for the signatures that can matter
 * first (verify/dkimid.h).
 */
#include <ctype.h>
#include <opendkim/dkim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mail/canon.h"
#include "mail/msg.h"
#include "mail/taglist.h"
#include "util/sbuf.h"
#include "verify/dkim.h"
#include "verify/dkimid.h"
#include "verify/dns.h"

/* A key looked up before libopendkim asks for it (prescreen). */
struct prefetched {
	DKIM_SIGINFO *sig;
	struct dnsq_answer a;
};

struct lookup_ctx {
	dnsq_lookup_fn lookup;
	void *ctx;
	struct dkimid_from from;
	size_t n_keys;
	struct prefetched keys[DKIMV_MAX_VERIFY];
};

/* The key name of a signature, or -1 when it names none (dkimid.h). */
static int
sig_key_name(DKIM_SIGINFO *sig, char *name, size_t size)
{
	const char *d = (const char *)dkim_sig_getdomain(sig);
	const char *s = (const char *)dkim_sig_getselector(sig);

	if (d == NULL || s == NULL)
		return -1;
	return dkimid_key_name(s, strlen(s), d, strlen(d), name, size);
}

static DKIM_CBSTAT
key_lookup(DKIM *dkim, DKIM_SIGINFO *sig, unsigned char *buf, size_t buflen)
{
	struct lookup_ctx *ctx
	    = (struct lookup_ctx *)dkim_get_user_context(dkim);
	char name[DNSQ_MAX_NAME + 1];
	struct dnsq_answer a;
	size_t i;

	if (ctx == NULL || sig_key_name(sig, name, sizeof(name)) != 0)
		return DKIM_CBSTAT_NOTFOUND;
	for (i = 0; i < ctx->n_keys && ctx->keys[i].sig != sig; i++)
		;
	if (i < ctx->n_keys)
		a = ctx->keys[i].a;
	else
		ctx->lookup(ctx->ctx, name, &a);
	switch (a.status) {
	case DNSQ_OK:
		break;
	case DNSQ_NXDOMAIN:
	case DNSQ_NODATA:
	case DNSQ_BADNAME:
		return DKIM_CBSTAT_NOTFOUND;
	case DNSQ_TEMPERROR:
		return DKIM_CBSTAT_TRYAGAIN;
	}
	if (strlen(a.txt[0]) + 1 > buflen)
		return DKIM_CBSTAT_ERROR;
	memcpy(buf, a.txt[0], strlen(a.txt[0]) + 1);
	return DKIM_CBSTAT_CONTINUE;
}

enum ag_dkim
dkimv_map_error(int sigerror)
{
	switch (sigerror) {
	case DKIM_SIGERROR_OK:
		return AG_DKIMR_PASS; /* the caller checks the hashes */
	case DKIM_SIGERROR_NOKEY:
		return AG_DKIMR_KEY_MISSING;
	case DKIM_SIGERROR_KEYREVOKED:
		return AG_DKIMR_KEY_REVOKED;
	case DKIM_SIGERROR_DNSSYNTAX:
	case DKIM_SIGERROR_MULTIREPLY:
	case DKIM_SIGERROR_KEYVERSION:
	case DKIM_SIGERROR_KEYUNKNOWNHASH:
	case DKIM_SIGERROR_KEYHASHMISMATCH:
	case DKIM_SIGERROR_NOTEMAILKEY:
	case DKIM_SIGERROR_KEYTYPEMISSING:
	case DKIM_SIGERROR_KEYTYPEUNKNOWN:
	case DKIM_SIGERROR_KEYDECODE:
		return AG_DKIMR_KEY_SYNTAX;
	case DKIM_SIGERROR_KEYTOOSMALL:
		return AG_DKIMR_KEY_TOO_SHORT;
	case DKIM_SIGERROR_BADSIG:
		return AG_DKIMR_BAD_SIGNATURE;
	case DKIM_SIGERROR_EXPIRED:
		return AG_DKIMR_EXPIRED;
	case DKIM_SIGERROR_INVALID_A:
		return AG_DKIMR_UNSUPPORTED;
	case DKIM_SIGERROR_KEYFAIL:
		return AG_DKIMR_TEMPERROR;
	case DKIM_SIGERROR_VERSION:
	case DKIM_SIGERROR_DOMAIN:
	case DKIM_SIGERROR_FUTURE:
	case DKIM_SIGERROR_TIMESTAMPS:
	case DKIM_SIGERROR_INVALID_HC:
	case DKIM_SIGERROR_INVALID_BC:
	case DKIM_SIGERROR_MISSING_A:
	case DKIM_SIGERROR_MISSING_H:
	case DKIM_SIGERROR_INVALID_L:
	case DKIM_SIGERROR_INVALID_Q:
	case DKIM_SIGERROR_INVALID_QO:
	case DKIM_SIGERROR_MISSING_D:
	case DKIM_SIGERROR_EMPTY_D:
	case DKIM_SIGERROR_MISSING_S:
	case DKIM_SIGERROR_EMPTY_S:
	case DKIM_SIGERROR_MISSING_B:
	case DKIM_SIGERROR_EMPTY_B:
	case DKIM_SIGERROR_CORRUPT_B:
	case DKIM_SIGERROR_MISSING_BH:
	case DKIM_SIGERROR_EMPTY_BH:
	case DKIM_SIGERROR_CORRUPT_BH:
	case DKIM_SIGERROR_SUBDOMAIN:
	case DKIM_SIGERROR_EMPTY_H:
	case DKIM_SIGERROR_INVALID_H:
	case DKIM_SIGERROR_TOOLARGE_L:
	case DKIM_SIGERROR_MBSFAILED:
	case DKIM_SIGERROR_MISSING_V:
	case DKIM_SIGERROR_EMPTY_V:
	case DKIM_SIGERROR_CONDITIONAL:
	case DKIM_SIGERROR_CONDLOOP:
		return AG_DKIMR_SIG_SYNTAX;
	}
	return AG_DKIMR_TEMPERROR; /* unknown: never a pass */
}

/* The a= of a signature as written: libopendkim fills its parsed
 * algorithm only for signatures it went on to check, so an expired one
 * would read as rsa-sha1 (the enum's zero). */
static const char *
alg_name(DKIM_SIGINFO *sig)
{
	const char *a
	    = (const char *)dkim_sig_gettagvalue(sig, 0, (u_char *)"a");

	if (a == NULL)
		return "unknown";
	if (strcasecmp(a, "rsa-sha1") == 0)
		return "rsa-sha1";
	if (strcasecmp(a, "rsa-sha256") == 0)
		return "rsa-sha256";
	if (strcasecmp(a, "ed25519-sha256") == 0)
		return "ed25519-sha256";
	return "unknown";
}

/* A copy of a sender's string as UTF-8 of at most FACTS_MAX_STRING
 * bytes, so that the facts read back from a log line as they are. */
static const char *
capped(struct arena *arena, const char *s)
{
	if (s == NULL)
		return NULL;
	return utf8_strndup(arena, s, strlen(s), FACTS_MAX_STRING);
}

/* Feeds the message: its header fields with CRLF line ends inside
 * (canon_crlf), then the body with every line end made CRLF. */
static int
feed(DKIM *dkim, const struct msg *m, char *err, size_t errsz)
{
	unsigned char crlf[2] = { '\r', '\n' };
	const char *p, *end;
	struct sbuf field;
	size_t i, n, used, longest = 0;

	if (m->truncated) {
		snprintf(err, errsz, "more than %d header fields",
		    MSG_MAX_FIELDS);
		return -1;
	}
	for (i = 0; i < m->n_fields; i++)
		if (m->fields[i].len > longest)
			longest = m->fields[i].len;
	/* A CR alone becomes three bytes, at most. */
	sbuf_init(&field, 3 * longest + 16);
	for (i = 0; i < m->n_fields; i++) {
		sbuf_reset(&field);
		canon_crlf(m->fields[i].text, m->fields[i].len, &field);
		if (sbuf_failed(&field)) {
			sbuf_free(&field);
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		(void)dkim_header(dkim, (unsigned char *)sbuf_cstr(&field),
		    field.len);
	}
	sbuf_free(&field);
	(void)dkim_eoh(dkim);
	for (p = m->body, end = m->body + m->body_len; p < end; p += used) {
		used = canon_next_line(p, (size_t)(end - p), &n);
		if (n > 0)
			(void)dkim_body(dkim, (unsigned char *)p, n);
		/* A last line without a line end gets one, as Exim
		 * spools it. */
		(void)dkim_body(dkim, crlf, 2);
	}
	return 0;
}

/* Tells whether a libopendkim string equals a tag's value with its
 * folding white space removed, as libopendkim reads it. */
static bool
same(const unsigned char *s, const struct tag *t)
{
	size_t i, len = t != NULL ? t->value_len : 0;

	if (s == NULL)
		return false;
	for (i = 0; i < len; i++) {
		char c = t->value[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (*s == '\0'
		    || tolower((unsigned char)*s) != tolower((unsigned char)c))
			return false;
		s++;
	}
	return *s == '\0';
}

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
	return out;
}

/* libopendkim leaves out of its list a DKIM-Signature it cannot parse at
 * all (a d= with a quote in it, say), which Exim reports as invalid: each
 * such field is recorded as sig_syntax, with what its d= and s= read. */
static void
add_unparsed(const struct msg *m, DKIM_SIGINFO **sigs, int nsigs,
    struct facts *f, struct arena *arena)
{
	bool used[MSG_MAX_FIELDS] = { false };
	const struct tag *d, *s;
	struct taglist tl;
	const char *v;
	size_t i, len;
	int j;

	for (i = 0; i < m->n_fields && f->n_dkim < FACTS_MAX_DKIM; i++) {
		struct facts_dkim *out;

		if (!msg_field_is(&m->fields[i], "DKIM-Signature"))
			continue;
		v = msg_field_value(&m->fields[i], &len);
		d = s = NULL;
		if (taglist_parse(v, len, &tl) == 0) {
			d = taglist_get(&tl, "d");
			s = taglist_get(&tl, "s");
		}
		for (j = 0; j < nsigs && j < MSG_MAX_FIELDS; j++)
			if (!used[j] && same(dkim_sig_getdomain(sigs[j]), d)
			    && same(dkim_sig_getselector(sigs[j]), s))
				break;
		if (j < nsigs && j < MSG_MAX_FIELDS) {
			used[j] = true;
			continue;
		}
		out = &f->dkim[f->n_dkim++];
		out->d = tag_copy(arena, d);
		out->s = tag_copy(arena, s);
		out->a = "unknown";
		out->bits = 0;
		out->result = AG_DKIMR_SIG_SYNTAX;
	}
}

/* Whether a signature names a key at all: a d= that is not a plain
 * domain, or a key name DNS cannot be asked for, makes it malformed. */
static bool
names_key(DKIM_SIGINFO *sig)
{
	char name[DNSQ_MAX_NAME + 1];

	return sig_key_name(sig, name, sizeof(name)) == 0;
}

/* Chooses the DKIMV_MAX_VERIFY signatures to verify among those that
 * still need a key (a signature libopendkim already found malformed, or
 * one naming no key, costs nothing and is not counted): aligned with the
 * From domain first, then trusted domains, then the rest, each in header
 * order; the others are marked to be ignored, so libopendkim fetches no
 * key for them and checks nothing. The chosen keys are looked up here,
 * in that order, so that the signatures that can matter have the first
 * of the message's DNS budget. */
static DKIM_CBSTAT
prescreen(DKIM *dkim, DKIM_SIGINFO **sigs, int nsigs)
{
	struct lookup_ctx *ctx
	    = (struct lookup_ctx *)dkim_get_user_context(dkim);
	char name[DNSQ_MAX_NAME + 1];
	bool chosen[MSG_MAX_FIELDS] = { false };
	int i, rank, n = 0;

	if (ctx == NULL || nsigs > MSG_MAX_FIELDS)
		return DKIM_CBSTAT_ERROR;
	for (rank = DKIMID_ALIGNED; rank <= DKIMID_OTHER; rank++)
		for (i = 0; i < nsigs && n < DKIMV_MAX_VERIFY; i++) {
			const char *d
			    = (const char *)dkim_sig_getdomain(sigs[i]);

			if (chosen[i]
			    || dkim_sig_geterror(sigs[i])
				!= DKIM_SIGERROR_UNKNOWN
			    || sig_key_name(sigs[i], name, sizeof(name)) != 0
			    || (int)dkimid_rank(&ctx->from, d, strlen(d))
				!= rank)
				continue;
			chosen[i] = true;
			ctx->keys[n].sig = sigs[i];
			ctx->lookup(ctx->ctx, name, &ctx->keys[n].a);
			ctx->n_keys = (size_t)++n;
		}
	for (i = 0; i < nsigs; i++)
		if (!chosen[i]
		    && dkim_sig_geterror(sigs[i]) == DKIM_SIGERROR_UNKNOWN)
			dkim_sig_ignore(sigs[i]);
	return DKIM_CBSTAT_CONTINUE;
}

int
dkimv_message(const char *msg, size_t len, const struct policy *policy,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct facts *f,
    struct arena *arena, char *err, size_t errsz)
{
	struct msg m; /* 16 KB */

	msg_parse(msg, len, &m);
	return dkimv_parsed(&m, policy, lookup, lookup_ctx, f, arena, err,
	    errsz);
}

int
dkimv_parsed(const struct msg *m, const struct policy *policy,
    dnsq_lookup_fn lookup, void *lookup_ctx, struct facts *f,
    struct arena *arena, char *err, size_t errsz)
{
	struct lookup_ctx *ctx;
	DKIM_LIB *lib;
	DKIM *dkim = NULL;
	DKIM_SIGINFO **sigs = NULL;
	DKIM_STAT st;
	int nsigs = 0, i, rc = -1;
	unsigned int flags = DKIM_LIBFLAGS_NONE;

	if ((ctx = arena_zalloc(arena, sizeof(*ctx))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	ctx->lookup = lookup;
	ctx->ctx = lookup_ctx;
	dkimid_from_init(&ctx->from, policy, f);
	lib = dkim_init(NULL, NULL);
	if (lib == NULL) {
		snprintf(err, errsz, "libopendkim did not initialize");
		return -1;
	}
	(void)dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
	    sizeof(flags));
	(void)dkim_set_key_lookup(lib, key_lookup);
	(void)dkim_set_prescreen(lib, prescreen);
	dkim = dkim_verify(lib, (const unsigned char *)"authgate", NULL, &st);
	if (dkim == NULL) {
		snprintf(err, errsz, "libopendkim: %s", dkim_getresultstr(st));
		goto out;
	}
	(void)dkim_set_user_context(dkim, ctx);
	if (feed(dkim, m, err, errsz) != 0)
		goto out;
	st = dkim_eom(dkim, NULL);
	(void)st; /* per-signature results are read below */
	if (dkim_getsiglist(dkim, &sigs, &nsigs) != DKIM_STAT_OK)
		nsigs = 0;
	for (i = 0; i < nsigs && f->n_dkim < FACTS_MAX_DKIM; i++) {
		struct facts_dkim *out = &f->dkim[f->n_dkim];
		unsigned int bits = 0;
		int error = dkim_sig_geterror(sigs[i]);

		out->d
		    = capped(arena, (const char *)dkim_sig_getdomain(sigs[i]));
		out->s = capped(arena,
		    (const char *)dkim_sig_getselector(sigs[i]));
		if (out->d == NULL)
			out->d = "";
		out->a = alg_name(sigs[i]);
		if (dkim_sig_getkeysize(sigs[i], &bits) == DKIM_STAT_OK)
			out->bits = bits;
		if (!names_key(sigs[i])) {
			/* A d= that is not a plain domain, or no key name DNS
			 * can be asked for: malformed, looked up nowhere. */
			out->result = AG_DKIMR_SIG_SYNTAX;
			out->bits = 0;
			f->n_dkim++;
			continue;
		}
		if ((dkim_sig_getflags(sigs[i]) & DKIM_SIGFLAG_IGNORE) != 0) {
			/* Past DKIMV_MAX_VERIFY: recorded, never verified. */
			out->result = AG_DKIMR_UNSUPPORTED;
			out->bits = 0;
			f->n_dkim++;
			continue;
		}
		out->result = dkimv_map_error(error);
		/* A signature is good only when both the header hash (the
		 * PASSED flag) and the body hash agree; a body hash that
		 * differs says what happened, whatever the header check
		 * reported. */
		if ((out->result == AG_DKIMR_PASS
			|| out->result == AG_DKIMR_BAD_SIGNATURE)
		    && dkim_sig_getbh(sigs[i]) == DKIM_SIGBH_MISMATCH)
			out->result = AG_DKIMR_BODY_MODIFIED;
		else if (out->result == AG_DKIMR_PASS
		    && !DKIM_SIG_CHECK(sigs[i]))
			out->result = AG_DKIMR_BAD_SIGNATURE;
		/* RFC 8301: rsa-sha1 signatures must not be considered valid,
		 * though libopendkim still verifies them (and keys limited to
		 * h=sha256 make it a key error): they are unsupported,
		 * whatever else was found, short of DNS trouble. */
		if (out->result != AG_DKIMR_TEMPERROR
		    && strcmp(out->a, "rsa-sha1") == 0)
			out->result = AG_DKIMR_UNSUPPORTED;
		f->n_dkim++;
	}
	add_unparsed(m, sigs, nsigs, f, arena);
	rc = 0;
out:
	if (dkim != NULL)
		dkim_free(dkim);
	dkim_close(lib);
	return rc;
}
