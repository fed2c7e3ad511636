/*
 * facts_json.c: facts from JSON, pulled token by token (jsonpull.h)
 * straight into struct facts, with no tree in between. Reading is strict:
 * unknown or repeated keys, wrong types, unknown result words and
 * over-long strings are errors naming the JSON path, because a silently
 * dropped field would change a decision.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "log/reader.h"
#include "util/jsonpull.h"

#define MAX_WORD 40 /* result words are shorter: longer is unknown */

/* Where a value is; spelled out only for an error: name, name[index],
 * name[index].field, or name."dns_name". */
struct path {
	const char *name;
	const char *field;
	const char *dns_name;
	size_t index;
	bool indexed;
};

struct reader {
	struct jsonpull json;
	struct arena *arena;
	char *err;
	size_t errsz;
};

/* The members of each object, and their bits in a "seen" mask. */
enum { F_ID, F_CLIENT, F_MAIL_FROM, F_FROM, F_SPF, F_DKIM, F_ARC, F_DNS };
static const char *const facts_keys[] = { "id", "client", "mail_from", "from",
	"spf", "dkim", "arc", "dns", NULL };
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

#define MEMBERS_END (-2) /* next_member: the object is complete */

static struct path
path_of(const char *name)
{
	struct path p = { name, NULL, NULL, 0, false };

	return p;
}

static struct path
path_item(const char *name, size_t index, const char *field)
{
	struct path p = { name, field, NULL, index, true };

	return p;
}

static int fail(struct reader *r, const struct path *where, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

/* Sets "path: message" as the error; returns -1. */
static int
fail(struct reader *r, const struct path *where, const char *fmt, ...)
{
	char path[400];
	va_list ap;
	int n;

	if (where->dns_name != NULL)
		snprintf(path, sizeof(path), "%s.\"%.256s\"", where->name,
		    where->dns_name);
	else if (!where->indexed)
		snprintf(path, sizeof(path), "%s", where->name);
	else if (where->field == NULL)
		snprintf(path, sizeof(path), "%s[%zu]", where->name,
		    where->index);
	else
		snprintf(path, sizeof(path), "%s[%zu].%s", where->name,
		    where->index, where->field);
	if (r->errsz == 0)
		return -1;
	n = snprintf(r->err, r->errsz, "%s: ", path);
	if (n >= 0 && (size_t)n < r->errsz) {
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A value of the wrong type; when the text was not JSON there, the
 * reader has said so already. */
static int
expected(struct reader *r, enum jsonpull_token t, const struct path *where,
    const char *what)
{
	if (t == JSONPULL_ERROR)
		return -1;
	return fail(r, where, "expected %s", what);
}

/* A string value copied into the arena (NULL for null when nullable; out
 * NULL: checked, not kept). */
static int
get_string(struct reader *r, enum jsonpull_token t, const struct path *where,
    bool nullable, const char **out)
{
	const char *s;

	if (nullable && t == JSONPULL_NULL) {
		if (out != NULL)
			*out = NULL;
		return 0;
	}
	if (t != JSONPULL_STRING)
		return expected(r, t, where, "a string");
	if (r->json.len > FACTS_MAX_STRING)
		return fail(r, where, "longer than %d bytes", FACTS_MAX_STRING);
	if (out == NULL)
		return 0;
	if ((s = jsonpull_copy(&r->json, r->arena)) == NULL)
		return fail(r, where, "out of memory");
	*out = s;
	return 0;
}

/* A string value that names a result, into word (MAX_WORD bytes): a
 * longer one is cut, and then matches no result word. */
static int
get_word(struct reader *r, enum jsonpull_token t, const struct path *where,
    char *word)
{
	if (get_string(r, t, where, false, NULL) != 0)
		return -1;
	jsonpull_prefix(&r->json, word, MAX_WORD);
	return 0;
}

/* A whole number from 0 to max; -0 is 0. */
static int
get_uint(struct reader *r, enum jsonpull_token t, const struct path *where,
    unsigned max, unsigned *out)
{
	const char *s = r->json.raw, *end = s + r->json.raw_len;
	unsigned long long n = 0;
	bool negative;

	if (t != JSONPULL_NUMBER || !r->json.integer)
		return expected(r, t, where, "a whole number");
	negative = *s == '-';
	for (s += negative; s < end && n <= max; s++)
		n = n * 10 + (unsigned)(*s - '0');
	if (n > max || (negative && n != 0))
		return fail(r, where, "%.*s is outside 0-%u",
		    (int)(r->json.raw_len < 40 ? r->json.raw_len : 40),
		    r->json.raw, max);
	*out = (unsigned)n;
	return 0;
}

/* The next member of an object whose names are keys (at most 32): returns
 * the name's index, MEMBERS_END after the object's '}', or -1 after an
 * error (a name not in keys or seen before, or not JSON). */
static int
next_member(struct reader *r, const struct path *where, const char *const *keys,
    unsigned *seen)
{
	enum jsonpull_token t = jsonpull_next(&r->json);
	char name[65];
	int i;

	if (t == JSONPULL_OBJECT_END)
		return MEMBERS_END;
	if (t != JSONPULL_KEY)
		return -1; /* the reader allows nothing else: an error */
	for (i = 0; keys[i] != NULL; i++)
		if (jsonpull_is(&r->json, keys[i]))
			break;
	if (keys[i] == NULL || (*seen & (1u << i)) != 0) {
		jsonpull_prefix(&r->json, name, sizeof(name));
		return fail(r, where, "%s \"%.64s\"",
		    keys[i] == NULL ? "unknown field" : "duplicate key", name);
	}
	*seen |= 1u << i;
	return i;
}

static int
read_client(struct reader *r, struct facts *f, enum jsonpull_token t)
{
	struct path where = path_of("client");
	unsigned seen = 0;
	int k;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &where, "an object");
	while ((k = next_member(r, &where, client_keys, &seen)) >= 0) {
		t = jsonpull_next(&r->json);
		if (k == C_IP) {
			where = path_of("client.ip");
			if (get_string(r, t, &where, true, &f->client_ip) != 0)
				return -1;
		} else if (k == C_HELO) {
			where = path_of("client.helo");
			if (get_string(r, t, &where, true, &f->client_helo)
			    != 0)
				return -1;
		} else {
			where = path_of("client.authenticated");
			if (t != JSONPULL_TRUE && t != JSONPULL_FALSE)
				return expected(r, t, &where, "true or false");
			f->authenticated = t == JSONPULL_TRUE;
		}
		where = path_of("client");
	}
	return k == MEMBERS_END ? 0 : -1;
}

static int
read_from(struct reader *r, struct facts *f, enum jsonpull_token t)
{
	struct path where = path_of("from");

	if (t != JSONPULL_ARRAY)
		return expected(r, t, &where, "an array of header values");
	while ((t = jsonpull_next(&r->json)) != JSONPULL_ARRAY_END) {
		/* Past the ones kept, From headers are checked and counted. */
		where = path_item("from", f->n_from, NULL);
		if (get_string(r, t, &where, false,
			f->n_from < FACTS_MAX_FROM ? &f->from[f->n_from] : NULL)
		    != 0)
			return -1;
		f->n_from++;
	}
	return 0;
}

static int
read_spf(struct reader *r, struct facts *f, enum jsonpull_token t)
{
	struct path where = path_of("spf");
	char word[MAX_WORD];
	unsigned seen = 0;
	int k;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &where, "an object");
	while ((k = next_member(r, &where, spf_keys, &seen)) >= 0) {
		t = jsonpull_next(&r->json);
		if (k == S_RESULT) {
			where = path_of("spf.result");
			if (get_word(r, t, &where, word) != 0)
				return -1;
			if (ag_spf_parse(word, &f->spf) != 0)
				return fail(r, &where,
				    "unknown SPF result \"%.32s\"", word);
		} else {
			where = path_of("spf.domain");
			if (get_string(r, t, &where, true, &f->spf_domain) != 0)
				return -1;
		}
		where = path_of("spf");
	}
	return k == MEMBERS_END ? 0 : -1;
}

static int
read_signature(struct reader *r, struct facts_dkim *d, size_t i,
    enum jsonpull_token t)
{
	struct path where = path_item("dkim", i, NULL);
	char word[MAX_WORD];
	unsigned seen = 0;
	int k;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &where, "an object");
	while ((k = next_member(r, &where, dkim_keys, &seen)) >= 0) {
		t = jsonpull_next(&r->json);
		where.field = dkim_keys[k];
		if (k == K_D) {
			if (get_string(r, t, &where, false, &d->d) != 0)
				return -1;
		} else if (k == K_S) {
			if (get_string(r, t, &where, true, &d->s) != 0)
				return -1;
		} else if (k == K_A) {
			if (get_string(r, t, &where, true, &d->a) != 0)
				return -1;
		} else if (k == K_BITS) {
			if (t != JSONPULL_NULL
			    && get_uint(r, t, &where, 1u << 20, &d->bits) != 0)
				return -1;
		} else {
			if (get_word(r, t, &where, word) != 0)
				return -1;
			if (ag_dkim_parse(word, &d->result) != 0)
				return fail(r, &where,
				    "unknown DKIM result \"%.32s\"", word);
		}
		where.field = NULL;
	}
	if (k != MEMBERS_END)
		return -1;
	where.field = "d";
	if ((seen & (1u << K_D)) == 0)
		return fail(r, &where, "missing");
	where.field = "result";
	if ((seen & (1u << K_RESULT)) == 0)
		return fail(r, &where, "missing");
	return 0;
}

static int
read_dkim(struct reader *r, struct facts *f, enum jsonpull_token t)
{
	struct path where = path_of("dkim");

	if (t != JSONPULL_ARRAY)
		return expected(r, t, &where, "an array of signatures");
	while ((t = jsonpull_next(&r->json)) != JSONPULL_ARRAY_END) {
		if (f->n_dkim == FACTS_MAX_DKIM)
			return t == JSONPULL_ERROR ?
			    -1 :
			    fail(r, &where, "more than %d signatures",
				FACTS_MAX_DKIM);
		if (read_signature(r, &f->dkim[f->n_dkim], f->n_dkim, t) != 0)
			return -1;
		f->n_dkim++;
	}
	return 0;
}

static int
read_instance(struct reader *r, struct facts_arc_instance *a, size_t i,
    enum jsonpull_token t)
{
	struct path where = path_item("arc.instances", i, NULL);
	char word[MAX_WORD];
	unsigned seen = 0;
	int k;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &where, "an object");
	a->dmarc = AG_DMARCR_NONE;
	a->header_from = NULL;
	while ((k = next_member(r, &where, instance_keys, &seen)) >= 0) {
		t = jsonpull_next(&r->json);
		where.field = instance_keys[k];
		if (k == I_I) {
			if (get_uint(r, t, &where, FACTS_MAX_ARC, &a->i) != 0)
				return -1;
		} else if (k == I_SEALER) {
			if (get_string(r, t, &where, false, &a->sealer) != 0)
				return -1;
		} else if (k == I_HEADER_FROM) {
			if (get_string(r, t, &where, false, &a->header_from)
			    != 0)
				return -1;
		} else {
			if (get_word(r, t, &where, word) != 0)
				return -1;
			if (ag_dmarc_parse(word, &a->dmarc) != 0)
				return fail(r, &where,
				    "unknown DMARC result \"%.32s\"", word);
		}
		where.field = NULL;
	}
	if (k != MEMBERS_END)
		return -1;
	where.field = "i";
	if ((seen & (1u << I_I)) == 0)
		return fail(r, &where, "missing");
	where.field = "sealer";
	if ((seen & (1u << I_SEALER)) == 0)
		return fail(r, &where, "missing");
	return 0;
}

static int
read_instances(struct reader *r, struct facts *f, enum jsonpull_token t)
{
	struct path where = path_of("arc.instances");

	if (t != JSONPULL_ARRAY)
		return expected(r, t, &where, "an array");
	while ((t = jsonpull_next(&r->json)) != JSONPULL_ARRAY_END) {
		if (f->n_arc == FACTS_MAX_ARC)
			return t == JSONPULL_ERROR ?
			    -1 :
			    fail(r, &where, "more than %d instances",
				FACTS_MAX_ARC);
		if (read_instance(r, &f->arc_inst[f->n_arc], f->n_arc, t) != 0)
			return -1;
		f->n_arc++;
	}
	return 0;
}

static int
read_arc(struct reader *r, struct facts *f, enum jsonpull_token t)
{
	struct path where = path_of("arc");
	char word[MAX_WORD];
	unsigned seen = 0;
	int k;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &where, "an object");
	while ((k = next_member(r, &where, arc_keys, &seen)) >= 0) {
		t = jsonpull_next(&r->json);
		if (k == A_RESULT) {
			where = path_of("arc.result");
			if (get_word(r, t, &where, word) != 0)
				return -1;
			if (ag_arc_parse(word, &f->arc) != 0)
				return fail(r, &where,
				    "unknown ARC result \"%.32s\"", word);
		} else if (read_instances(r, f, t) != 0) {
			return -1;
		}
		where = path_of("arc");
	}
	return k == MEMBERS_END ? 0 : -1;
}

/* One name's record: "temperror", a TXT string, or an array of them. */
static int
read_dns_value(struct reader *r, struct facts_dns *d, enum jsonpull_token t)
{
	struct path where = path_of("dns");

	where.dns_name = d->name;
	if (t == JSONPULL_STRING && jsonpull_is(&r->json, "temperror")) {
		d->temperror = true;
		return 0;
	}
	if (t == JSONPULL_STRING) {
		d->n_txt = 1;
		return get_string(r, t, &where, false, &d->txt[0]);
	}
	if (t != JSONPULL_ARRAY)
		return expected(r, t, &where,
		    "a TXT string, an array of them, or \"temperror\"");
	while ((t = jsonpull_next(&r->json)) != JSONPULL_ARRAY_END) {
		if (d->n_txt == FACTS_MAX_TXT)
			return t == JSONPULL_ERROR ?
			    -1 :
			    fail(r, &where, "more than %d records",
				FACTS_MAX_TXT);
		if (get_string(r, t, &where, false, &d->txt[d->n_txt]) != 0)
			return -1;
		d->n_txt++;
	}
	return 0;
}

/* The DMARC names looked up: any names, none twice. */
static int
read_dns(struct reader *r, struct facts *f, enum jsonpull_token t)
{
	struct path where = path_of("dns");
	char name[FACTS_MAX_DNS_NAME + 1];
	struct facts_dns *d;
	size_t i;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &where, "an object of name: record");
	while ((t = jsonpull_next(&r->json)) == JSONPULL_KEY) {
		for (i = 0; i < f->n_dns; i++)
			if (jsonpull_is(&r->json, f->dns[i].name))
				return fail(r, &where,
				    "duplicate key \"%.64s\"", f->dns[i].name);
		if (r->json.len > FACTS_MAX_DNS_NAME) {
			jsonpull_prefix(&r->json, name, sizeof(name));
			where.dns_name = name;
			return fail(r, &where, "name too long");
		}
		if (f->n_dns == FACTS_MAX_DNS)
			return fail(r, &where, "more than %d names",
			    FACTS_MAX_DNS);
		d = &f->dns[f->n_dns];
		if ((d->name = jsonpull_copy(&r->json, r->arena)) == NULL) {
			jsonpull_prefix(&r->json, name, sizeof(name));
			where.dns_name = name;
			return fail(r, &where, "out of memory");
		}
		if (read_dns_value(r, d, jsonpull_next(&r->json)) != 0)
			return -1;
		f->n_dns++;
	}
	return t == JSONPULL_OBJECT_END ? 0 : -1;
}

static int
read_member(struct reader *r, struct facts *f, int k, enum jsonpull_token t)
{
	struct path where;

	switch (k) {
	case F_ID:
		where = path_of("id");
		return get_string(r, t, &where, true, &f->id);
	case F_CLIENT:
		return read_client(r, f, t);
	case F_MAIL_FROM:
		where = path_of("mail_from");
		if (get_string(r, t, &where, true, &f->mail_from) != 0)
			return -1;
		if (f->mail_from == NULL)
			f->mail_from = "";
		return 0;
	case F_FROM:
		return read_from(r, f, t);
	case F_SPF:
		return read_spf(r, f, t);
	case F_DKIM:
		return read_dkim(r, f, t);
	case F_ARC:
		return read_arc(r, f, t);
	default: /* F_DNS */
		return read_dns(r, f, t);
	}
}

int
facts_from_json(struct facts *f, struct arena *arena, const char *json,
    size_t len, char *err, size_t errsz)
{
	struct reader r;
	struct path where = path_of("facts");
	enum jsonpull_token t;
	unsigned seen = 0;
	int k;

	facts_init(f);
	jsonpull_init(&r.json, json, len, err, errsz);
	r.arena = arena;
	r.err = err;
	r.errsz = errsz;
	t = jsonpull_next(&r.json);
	if (t != JSONPULL_OBJECT)
		return expected(&r, t, &where, "an object");
	while ((k = next_member(&r, &where, facts_keys, &seen)) >= 0)
		if (read_member(&r, f, k, jsonpull_next(&r.json)) != 0)
			return -1;
	if (k != MEMBERS_END || jsonpull_next(&r.json) != JSONPULL_END)
		return -1;
	if (arena_failed(arena))
		return fail(&r, &where, "out of memory");
	return 0;
}
