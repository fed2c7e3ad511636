/*
 * facts_json.c: facts from JSON. Reading is strict: unknown keys, wrong
 * types, unknown result words and over-long strings are errors naming the
 * JSON path, because a silently dropped field would change a decision.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "facts.h"

struct reader {
	struct arena *arena;
	char *err;
	size_t errsz;
};

static int fail(struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, r->errsz, fmt, ap);
	va_end(ap);
	return -1;
}

/* Copies a JSON string (NULL for JSON null when nullable). */
static int
get_string(struct reader *r, json_t *v, const char *path, bool nullable,
    const char **out)
{
	size_t len;

	if (nullable && json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return fail(r, "%s: expected a string", path);
	len = json_string_length(v);
	if (len > FACTS_MAX_STRING)
		return fail(r, "%s: longer than %d bytes", path,
		    FACTS_MAX_STRING);
	*out = arena_strndup(r->arena, json_string_value(v), len);
	if (*out == NULL)
		return fail(r, "%s: out of memory", path);
	return 0;
}

static int
get_uint(struct reader *r, json_t *v, const char *path, unsigned max,
    unsigned *out)
{
	json_int_t n;

	if (!json_is_integer(v))
		return fail(r, "%s: expected a whole number", path);
	n = json_integer_value(v);
	if (n < 0 || (unsigned long long)n > max)
		return fail(r, "%s: %lld is outside 0-%u", path, (long long)n,
		    max);
	*out = (unsigned)n;
	return 0;
}

static int
check_keys(struct reader *r, json_t *obj, const char *path,
    const char *const *keys)
{
	const char *key;
	json_t *v;
	size_t i;

	if (!json_is_object(obj))
		return fail(r, "%s: expected an object", path);
	json_object_foreach(obj, key, v)
	{
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(keys[i], key) == 0)
				break;
		if (keys[i] == NULL)
			return fail(r, "%s: unknown field \"%.64s\"", path,
			    key);
	}
	return 0;
}

static int
read_client(struct reader *r, struct facts *f, json_t *c)
{
	static const char *const keys[]
	    = { "ip", "helo", "authenticated", NULL };
	json_t *v;

	if (check_keys(r, c, "client", keys) != 0)
		return -1;
	if ((v = json_object_get(c, "ip")) != NULL
	    && get_string(r, v, "client.ip", true, &f->client_ip) != 0)
		return -1;
	if ((v = json_object_get(c, "helo")) != NULL
	    && get_string(r, v, "client.helo", true, &f->client_helo) != 0)
		return -1;
	if ((v = json_object_get(c, "authenticated")) != NULL) {
		if (!json_is_boolean(v))
			return fail(r,
			    "client.authenticated: expected true or "
			    "false");
		f->authenticated = json_is_true(v);
	}
	return 0;
}

static int
read_from(struct reader *r, struct facts *f, json_t *a)
{
	char path[32];
	size_t i;

	if (!json_is_array(a))
		return fail(r, "from: expected an array of header values");
	f->n_from = json_array_size(a);
	for (i = 0; i < f->n_from && i < FACTS_MAX_FROM; i++) {
		snprintf(path, sizeof(path), "from[%zu]", i);
		if (get_string(r, json_array_get(a, i), path, false,
			&f->from[i])
		    != 0)
			return -1;
	}
	return 0;
}

static int
read_spf(struct reader *r, struct facts *f, json_t *o)
{
	static const char *const keys[] = { "result", "domain", NULL };
	const char *word = NULL;
	json_t *v;

	if (check_keys(r, o, "spf", keys) != 0)
		return -1;
	if ((v = json_object_get(o, "result")) != NULL) {
		if (get_string(r, v, "spf.result", false, &word) != 0)
			return -1;
		if (ag_spf_parse(word, &f->spf) != 0)
			return fail(r,
			    "spf.result: unknown SPF result \"%.32s\"", word);
	}
	if ((v = json_object_get(o, "domain")) != NULL
	    && get_string(r, v, "spf.domain", true, &f->spf_domain) != 0)
		return -1;
	return 0;
}

static int
read_dkim(struct reader *r, struct facts *f, json_t *a)
{
	static const char *const keys[]
	    = { "d", "s", "a", "bits", "result", NULL };
	char path[48];
	const char *word = NULL;
	json_t *sig, *v;
	size_t i;

	if (!json_is_array(a))
		return fail(r, "dkim: expected an array of signatures");
	if (json_array_size(a) > FACTS_MAX_DKIM)
		return fail(r, "dkim: more than %d signatures", FACTS_MAX_DKIM);
	json_array_foreach(a, i, sig)
	{
		struct facts_dkim *d = &f->dkim[i];

		snprintf(path, sizeof(path), "dkim[%zu]", i);
		if (check_keys(r, sig, path, keys) != 0)
			return -1;
		snprintf(path, sizeof(path), "dkim[%zu].d", i);
		if ((v = json_object_get(sig, "d")) == NULL)
			return fail(r, "%s: missing", path);
		if (get_string(r, v, path, false, &d->d) != 0)
			return -1;
		snprintf(path, sizeof(path), "dkim[%zu].s", i);
		if ((v = json_object_get(sig, "s")) != NULL
		    && get_string(r, v, path, true, &d->s) != 0)
			return -1;
		snprintf(path, sizeof(path), "dkim[%zu].a", i);
		if ((v = json_object_get(sig, "a")) != NULL
		    && get_string(r, v, path, true, &d->a) != 0)
			return -1;
		snprintf(path, sizeof(path), "dkim[%zu].bits", i);
		if ((v = json_object_get(sig, "bits")) != NULL
		    && !json_is_null(v)
		    && get_uint(r, v, path, 1u << 20, &d->bits) != 0)
			return -1;
		snprintf(path, sizeof(path), "dkim[%zu].result", i);
		if ((v = json_object_get(sig, "result")) == NULL)
			return fail(r, "%s: missing", path);
		if (get_string(r, v, path, false, &word) != 0)
			return -1;
		if (ag_dkim_parse(word, &d->result) != 0)
			return fail(r, "%s: unknown DKIM result \"%.32s\"",
			    path, word);
		f->n_dkim++;
	}
	return 0;
}

static int
read_arc(struct reader *r, struct facts *f, json_t *o)
{
	static const char *const keys[] = { "result", "instances", NULL };
	static const char *const ikeys[] = { "i", "sealer", "dmarc", NULL };
	char path[48];
	const char *word = NULL;
	json_t *v, *inst;
	size_t i;

	if (check_keys(r, o, "arc", keys) != 0)
		return -1;
	if ((v = json_object_get(o, "result")) != NULL) {
		if (get_string(r, v, "arc.result", false, &word) != 0)
			return -1;
		if (ag_arc_parse(word, &f->arc) != 0)
			return fail(r,
			    "arc.result: unknown ARC result \"%.32s\"", word);
	}
	if ((v = json_object_get(o, "instances")) == NULL)
		return 0;
	if (!json_is_array(v))
		return fail(r, "arc.instances: expected an array");
	if (json_array_size(v) > FACTS_MAX_ARC)
		return fail(r, "arc.instances: more than %d instances",
		    FACTS_MAX_ARC);
	json_array_foreach(v, i, inst)
	{
		struct facts_arc_instance *a = &f->arc_inst[i];
		json_t *x;

		snprintf(path, sizeof(path), "arc.instances[%zu]", i);
		if (check_keys(r, inst, path, ikeys) != 0)
			return -1;
		snprintf(path, sizeof(path), "arc.instances[%zu].i", i);
		if ((x = json_object_get(inst, "i")) == NULL)
			return fail(r, "%s: missing", path);
		if (get_uint(r, x, path, FACTS_MAX_ARC, &a->i) != 0)
			return -1;
		snprintf(path, sizeof(path), "arc.instances[%zu].sealer", i);
		if ((x = json_object_get(inst, "sealer")) == NULL)
			return fail(r, "%s: missing", path);
		if (get_string(r, x, path, false, &a->sealer) != 0)
			return -1;
		snprintf(path, sizeof(path), "arc.instances[%zu].dmarc", i);
		a->dmarc = AG_DMARCR_NONE;
		if ((x = json_object_get(inst, "dmarc")) != NULL) {
			if (get_string(r, x, path, false, &word) != 0)
				return -1;
			if (ag_dmarc_parse(word, &a->dmarc) != 0)
				return fail(r,
				    "%s: unknown DMARC result \"%.32s\"", path,
				    word);
		}
		f->n_arc++;
	}
	return 0;
}

static int
read_dns(struct reader *r, struct facts *f, json_t *o)
{
	char path[300];
	const char *key;
	json_t *v, *s;
	size_t i;

	if (!json_is_object(o))
		return fail(r, "dns: expected an object of name: record");
	if (json_object_size(o) > FACTS_MAX_DNS)
		return fail(r, "dns: more than %d names", FACTS_MAX_DNS);
	json_object_foreach(o, key, v)
	{
		struct facts_dns *d = &f->dns[f->n_dns];

		snprintf(path, sizeof(path), "dns.\"%.256s\"", key);
		if (strlen(key) > 300)
			return fail(r, "%s: name too long", path);
		d->name = arena_strdup(r->arena, key);
		if (d->name == NULL)
			return fail(r, "%s: out of memory", path);
		if (json_is_string(v)
		    && strcmp(json_string_value(v), "temperror") == 0) {
			d->temperror = true;
		} else if (json_is_string(v)) {
			if (get_string(r, v, path, false, &d->txt[0]) != 0)
				return -1;
			d->n_txt = 1;
		} else if (json_is_array(v)) {
			if (json_array_size(v) > FACTS_MAX_TXT)
				return fail(r, "%s: more than %d records", path,
				    FACTS_MAX_TXT);
			json_array_foreach(v, i, s)
			{
				if (get_string(r, s, path, false, &d->txt[i])
				    != 0)
					return -1;
				d->n_txt++;
			}
		} else {
			return fail(r,
			    "%s: expected a TXT string, an array of them, or "
			    "\"temperror\"",
			    path);
		}
		f->n_dns++;
	}
	return 0;
}

int
facts_from_jansson(struct facts *f, struct arena *arena, const void *obj,
    char *err, size_t errsz)
{
	static const char *const keys[] = { "id", "client", "mail_from", "from",
		"spf", "dkim", "arc", "dns", NULL };
	struct reader r = { arena, err, errsz };
	json_t *root = (json_t *)obj, *v;

	facts_init(f);
	if (check_keys(&r, root, "facts", keys) != 0)
		return -1;
	if ((v = json_object_get(root, "id")) != NULL
	    && get_string(&r, v, "id", true, &f->id) != 0)
		return -1;
	if ((v = json_object_get(root, "client")) != NULL
	    && read_client(&r, f, v) != 0)
		return -1;
	if ((v = json_object_get(root, "mail_from")) != NULL) {
		if (get_string(&r, v, "mail_from", true, &f->mail_from) != 0)
			return -1;
		if (f->mail_from == NULL)
			f->mail_from = "";
	}
	if ((v = json_object_get(root, "from")) != NULL
	    && read_from(&r, f, v) != 0)
		return -1;
	if ((v = json_object_get(root, "spf")) != NULL
	    && read_spf(&r, f, v) != 0)
		return -1;
	if ((v = json_object_get(root, "dkim")) != NULL
	    && read_dkim(&r, f, v) != 0)
		return -1;
	if ((v = json_object_get(root, "arc")) != NULL
	    && read_arc(&r, f, v) != 0)
		return -1;
	if ((v = json_object_get(root, "dns")) != NULL
	    && read_dns(&r, f, v) != 0)
		return -1;
	if (arena_failed(arena))
		return fail(&r, "facts: out of memory");
	return 0;
}

int
facts_from_json(struct facts *f, struct arena *arena, const char *json,
    size_t len, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		snprintf(err, errsz, "line %d column %d: %s", jerr.line,
		    jerr.column, jerr.text);
		facts_init(f);
		return -1;
	}
	rc = facts_from_jansson(f, arena, root, err, errsz);
	json_decref(root);
	return rc;
}
