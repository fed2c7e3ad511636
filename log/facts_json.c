/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * facts_json.c: facts from JSON, pulled token by token (jsonpull.h)
 * straight into struct facts, with no tree in between. Reading is strict:
 * unknown or repeated keys, wrong types, unknown result words and
 * over-long strings are errors naming the JSON path, because a silently
 * dropped field would change a decision. The getters and the member loop
 * are jsonread.h's, shared with the log-line reader.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "log/jsonread.h"
#include "log/reader.h"

/* The members of each object, and their bits in a "seen" mask. */
enum {
	F_ID,
	F_CLIENT,
	F_MAIL_FROM,
	F_FROM,
	F_SPF,
	F_DKIM,
	F_ARC,
	F_DNS,
	F_DMARC_DNS,
	F_DMARC_INCOMPLETE,
	F_EXISTS
};
static const char *const facts_keys[]
    = { "id", "client", "mail_from", "from", "spf", "dkim", "arc", "dns",
	      "dmarc_dns", "dmarc_incomplete", "exists", NULL };
enum { C_IP, C_HELO, C_AUTHENTICATED };
static const char *const client_keys[]
    = { "ip", "helo", "authenticated", NULL };
enum { S_RESULT, S_DOMAIN };
static const char *const spf_keys[] = { "result", "domain", NULL };
enum { K_D, K_S, K_A, K_BITS, K_RESULT };
static const char *const dkim_keys[]
    = { "d", "s", "a", "bits", "result", NULL };
enum { A_RESULT, A_INSTANCES };
static const char *const arc_keys[] = { "result", "instances", NULL };
enum { I_I, I_SEALER, I_DMARC, I_HEADER_FROM };
static const char *const instance_keys[]
    = { "i", "sealer", "dmarc", "header_from", NULL };

static int
read_client(struct jsonread *r, struct facts *f, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	struct jsonread_object o;
	int k, rc;

	if (jsonread_object(r, t, &o, at, "client", client_keys) != 0)
		return -1;
	while ((k = jsonread_member(r, &o, &t)) >= 0) {
		if (k == C_IP)
			rc = jsonread_string(r, t, &o.w, true, &f->client_ip);
		else if (k == C_HELO)
			rc = jsonread_string(r, t, &o.w, true, &f->client_helo);
		else
			rc = jsonread_bool(r, t, &o.w, &f->authenticated);
		if (rc != 0)
			return -1;
	}
	return k == JSONREAD_END ? 0 : -1;
}

static int
read_from(struct jsonread *r, struct facts *f, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	struct jsonread_path w = { "from", 0, NULL, NULL };
	int rc;

	if (t != JSONPULL_ARRAY)
		return jsonread_expected(r, t, at, "an array of header values");
	while ((rc = jsonread_element(r, at, f->n_from, SIZE_MAX, NULL, &t))
	    > 0) {
		/* Past the ones kept, From headers are checked and counted. */
		w.index = (long)f->n_from;
		if (jsonread_string(r, t, &w, false,
			f->n_from < FACTS_MAX_FROM ? &f->from[f->n_from] : NULL)
		    != 0)
			return -1;
		f->n_from++;
	}
	return rc;
}

static int
read_spf(struct jsonread *r, struct facts *f, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	struct jsonread_object o;
	char word[JSONREAD_MAX_WORD];
	int k;

	if (jsonread_object(r, t, &o, at, "spf", spf_keys) != 0)
		return -1;
	while ((k = jsonread_member(r, &o, &t)) >= 0) {
		if (k == S_RESULT) {
			if (jsonread_word(r, t, &o.w, word) != 0)
				return -1;
			if (ag_spf_parse(word, &f->spf) != 0)
				return jsonread_fail(r, &o.w,
				    "unknown SPF result \"%.32s\"", word);
		} else if (jsonread_string(r, t, &o.w, true, &f->spf_domain)
		    != 0) {
			return -1;
		}
	}
	return k == JSONREAD_END ? 0 : -1;
}

static int
read_signature(struct jsonread *r, struct facts_dkim *d, size_t i,
    enum jsonpull_token t)
{
	const struct jsonread_path at = { "dkim", (long)i, NULL, NULL };
	struct jsonread_object o;
	char word[JSONREAD_MAX_WORD];
	int k, rc;

	if (jsonread_object(r, t, &o, &at, "dkim", dkim_keys) != 0)
		return -1;
	while ((k = jsonread_member(r, &o, &t)) >= 0) {
		switch (k) {
		case K_D:
			rc = jsonread_string(r, t, &o.w, false, &d->d);
			break;
		case K_S:
			rc = jsonread_string(r, t, &o.w, true, &d->s);
			break;
		case K_A:
			rc = jsonread_string(r, t, &o.w, true, &d->a);
			break;
		case K_BITS:
			rc = t == JSONPULL_NULL ?
			    0 :
			    jsonread_uint(r, t, &o.w, 1u << 20, &d->bits);
			break;
		default: /* K_RESULT */
			rc = jsonread_word(r, t, &o.w, word);
			if (rc == 0 && ag_dkim_parse(word, &d->result) != 0)
				rc = jsonread_fail(r, &o.w,
				    "unknown DKIM result \"%.32s\"", word);
			break;
		}
		if (rc != 0)
			return -1;
	}
	if (k != JSONREAD_END || jsonread_require(r, &o, K_D) != 0)
		return -1;
	return jsonread_require(r, &o, K_RESULT);
}

static int
read_dkim(struct jsonread *r, struct facts *f, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	int rc;

	if (t != JSONPULL_ARRAY)
		return jsonread_expected(r, t, at, "an array of signatures");
	while ((rc = jsonread_element(r, at, f->n_dkim, FACTS_MAX_DKIM,
		    "signatures", &t))
	    > 0) {
		if (read_signature(r, &f->dkim[f->n_dkim], f->n_dkim, t) != 0)
			return -1;
		f->n_dkim++;
	}
	return rc;
}

static int
read_instance(struct jsonread *r, struct facts_arc_instance *a, size_t i,
    enum jsonpull_token t)
{
	const struct jsonread_path at
	    = { "arc.instances", (long)i, NULL, NULL };
	struct jsonread_object o;
	char word[JSONREAD_MAX_WORD];
	int k, rc;

	if (jsonread_object(r, t, &o, &at, "arc.instances", instance_keys) != 0)
		return -1;
	a->dmarc = AG_DMARCR_NONE;
	a->header_from = NULL;
	while ((k = jsonread_member(r, &o, &t)) >= 0) {
		switch (k) {
		case I_I:
			rc = jsonread_uint(r, t, &o.w, FACTS_MAX_ARC, &a->i);
			break;
		case I_SEALER:
			rc = jsonread_string(r, t, &o.w, false, &a->sealer);
			break;
		case I_HEADER_FROM:
			rc = jsonread_string(r, t, &o.w, false,
			    &a->header_from);
			break;
		default: /* I_DMARC */
			rc = jsonread_word(r, t, &o.w, word);
			if (rc == 0 && ag_dmarc_parse(word, &a->dmarc) != 0)
				rc = jsonread_fail(r, &o.w,
				    "unknown DMARC result \"%.32s\"", word);
			break;
		}
		if (rc != 0)
			return -1;
	}
	if (k != JSONREAD_END || jsonread_require(r, &o, I_I) != 0)
		return -1;
	return jsonread_require(r, &o, I_SEALER);
}

static int
read_instances(struct jsonread *r, struct facts *f, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	int rc;

	if (t != JSONPULL_ARRAY)
		return jsonread_expected(r, t, at, "an array");
	while ((rc = jsonread_element(r, at, f->n_arc, FACTS_MAX_ARC,
		    "instances", &t))
	    > 0) {
		if (read_instance(r, &f->arc_inst[f->n_arc], f->n_arc, t) != 0)
			return -1;
		f->n_arc++;
	}
	return rc;
}

static int
read_arc(struct jsonread *r, struct facts *f, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	struct jsonread_object o;
	char word[JSONREAD_MAX_WORD];
	int k;

	if (jsonread_object(r, t, &o, at, "arc", arc_keys) != 0)
		return -1;
	while ((k = jsonread_member(r, &o, &t)) >= 0) {
		if (k == A_RESULT) {
			if (jsonread_word(r, t, &o.w, word) != 0)
				return -1;
			if (ag_arc_parse(word, &f->arc) != 0)
				return jsonread_fail(r, &o.w,
				    "unknown ARC result \"%.32s\"", word);
		} else if (read_instances(r, f, t, &o.w) != 0) {
			return -1;
		}
	}
	return k == JSONREAD_END ? 0 : -1;
}

/* One name's record: "temperror", a TXT string, or an array of them. */
static int
read_dns_value(struct jsonread *r, struct facts_dns *d, enum jsonpull_token t)
{
	const struct jsonread_path w = { "dns", -1, NULL, d->name };
	int rc;

	if (t == JSONPULL_STRING && jsonpull_is(&r->json, "temperror")) {
		d->temperror = true;
		return 0;
	}
	if (t == JSONPULL_STRING) {
		d->n_txt = 1;
		return jsonread_string(r, t, &w, false, &d->txt[0]);
	}
	if (t != JSONPULL_ARRAY)
		return jsonread_expected(r, t, &w,
		    "a TXT string, an array of them, or \"temperror\"");
	while ((rc = jsonread_element(r, &w, d->n_txt, FACTS_MAX_TXT, "records",
		    &t))
	    > 0) {
		if (jsonread_string(r, t, &w, false, &d->txt[d->n_txt]) != 0)
			return -1;
		d->n_txt++;
	}
	return rc;
}

/* The DMARC names looked up: any names, none twice. */
static int
read_dns(struct jsonread *r, struct facts *f, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	struct jsonread_path named = { "dns", -1, NULL, NULL };
	char name[FACTS_MAX_DNS_NAME + 1];
	struct facts_dns *d;
	size_t i;

	if (t != JSONPULL_OBJECT)
		return jsonread_expected(r, t, at, "an object of name: record");
	while ((t = jsonpull_next(&r->json)) == JSONPULL_KEY) {
		for (i = 0; i < f->n_dns; i++)
			if (jsonpull_is(&r->json, f->dns[i].name))
				return jsonread_fail(r, at,
				    "duplicate key \"%.64s\"", f->dns[i].name);
		if (r->json.len > FACTS_MAX_DNS_NAME) {
			jsonpull_prefix(&r->json, name, sizeof(name));
			named.quoted = name;
			return jsonread_fail(r, &named, "name too long");
		}
		if (f->n_dns == FACTS_MAX_DNS)
			return jsonread_fail(r, at, "more than %d names",
			    FACTS_MAX_DNS);
		d = &f->dns[f->n_dns];
		if ((d->name = jsonpull_copy(&r->json, r->arena)) == NULL) {
			jsonpull_prefix(&r->json, name, sizeof(name));
			named.quoted = name;
			return jsonread_fail(r, &named, "out of memory");
		}
		if (read_dns_value(r, d, jsonpull_next(&r->json)) != 0)
			return -1;
		f->n_dns++;
	}
	return t == JSONPULL_OBJECT_END ? 0 : -1;
}

/* "exists": {DOMAIN: "yes" | "no" | "temperror"}, for np=. */
static int
read_exists(struct jsonread *r, struct facts *f, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	struct jsonread_path named = { "exists", -1, NULL, NULL };
	char word[JSONREAD_MAX_WORD];
	struct facts_existence *x;

	if (t != JSONPULL_OBJECT)
		return jsonread_expected(r, t, at,
		    "an object of domain: answer");
	while ((t = jsonpull_next(&r->json)) == JSONPULL_KEY) {
		if (f->n_exists == FACTS_MAX_EXISTS)
			return jsonread_fail(r, at, "more than %d domains",
			    FACTS_MAX_EXISTS);
		x = &f->exists[f->n_exists];
		if ((x->domain = jsonpull_copy(&r->json, r->arena)) == NULL)
			return jsonread_fail(r, at, "out of memory");
		named.quoted = x->domain;
		if (jsonread_word(r, jsonpull_next(&r->json), &named, word)
		    != 0)
			return -1;
		if (strcmp(word, "yes") == 0)
			x->answer = FACTS_EXISTS_YES;
		else if (strcmp(word, "no") == 0)
			x->answer = FACTS_EXISTS_NO;
		else if (strcmp(word, "temperror") == 0)
			x->answer = FACTS_EXISTS_TEMPERROR;
		else
			return jsonread_fail(r, &named,
			    "not yes, no or temperror");
		f->n_exists++;
	}
	return t == JSONPULL_OBJECT_END ? 0 : -1;
}

/* "dmarc_dns": how the DMARC names were gathered. */
static int
read_dmarc_dns(struct jsonread *r, struct facts *f, enum jsonpull_token t,
    const struct jsonread_path *w)
{
	char word[JSONREAD_MAX_WORD];

	if (jsonread_word(r, t, w, word) != 0)
		return -1;
	if (strcmp(word, "treewalk") == 0)
		f->dmarc_treewalk = true;
	else if (strcmp(word, "psl") == 0)
		f->dmarc_treewalk = false;
	else
		return jsonread_fail(r, w, "not treewalk or psl");
	return 0;
}

/* A member of the facts object, at path w. */
static int
read_member(struct jsonread *r, struct facts *f, int k, enum jsonpull_token t,
    const struct jsonread_path *w)
{
	switch (k) {
	case F_ID:
		return jsonread_string(r, t, w, true, &f->id);
	case F_CLIENT:
		return read_client(r, f, t, w);
	case F_MAIL_FROM:
		if (jsonread_string(r, t, w, true, &f->mail_from) != 0)
			return -1;
		if (f->mail_from == NULL)
			f->mail_from = "";
		return 0;
	case F_FROM:
		return read_from(r, f, t, w);
	case F_SPF:
		return read_spf(r, f, t, w);
	case F_DKIM:
		return read_dkim(r, f, t, w);
	case F_ARC:
		return read_arc(r, f, t, w);
	case F_DNS:
		return read_dns(r, f, t, w);
	case F_DMARC_DNS:
		return read_dmarc_dns(r, f, t, w);
	case F_DMARC_INCOMPLETE:
		return jsonread_bool(r, t, w, &f->dmarc_incomplete);
	default: /* F_EXISTS */
		return read_exists(r, f, t, w);
	}
}

int
facts_from_json(struct facts *f, struct arena *arena, const char *json,
    size_t len, char *err, size_t errsz)
{
	const struct jsonread_path at = { "facts", -1, NULL, NULL };
	struct jsonread r;
	struct jsonread_object o;
	enum jsonpull_token t;
	int k;

	facts_init(f);
	jsonpull_init(&r.json, json, len, err, errsz);
	jsonread_init(&r, JSONREAD_FACTS, arena, err, errsz);
	if (jsonread_object(&r, jsonpull_next(&r.json), &o, &at, NULL,
		facts_keys)
	    != 0)
		return -1;
	while ((k = jsonread_member(&r, &o, &t)) >= 0)
		if (read_member(&r, f, k, t, &o.w) != 0)
			return -1;
	if (k != JSONREAD_END || jsonpull_next(&r.json) != JSONPULL_END)
		return -1;
	if (arena_failed(arena))
		return jsonread_fail(&r, &at, "out of memory");
	return 0;
}
