/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_authres.c: any bytes are an Authentication-Results value: the
 * parse succeeds or fails cleanly, its authserv-id is the one the module
 * matches forged headers by, and what it read renders back (everything
 * quoted) into a value that parses to the same results. Input that is
 * facts JSON is decided, rendered as authgate's own header, and must
 * parse back to the results it states, whatever the sender wrote. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/reader.h"
#include "mail/arparse.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "policy/verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEN 64

struct seen {
	size_t n;
	struct ar_resinfo r[MAX_SEEN];
};

static struct policy *policy;

static bool
keyword_ok(const char *k)
{
	if (k[0] == '\0')
		return false;
	for (; *k != '\0'; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9')
			|| *k == '-' || *k == '_'))
			return false;
	return true;
}

static bool
record(void *ctx, const struct ar_resinfo *r)
{
	struct seen *s = ctx;
	size_t i;

	if (!keyword_ok(r->method) || !keyword_ok(r->result)
	    || r->n_props > AR_MAX_PROPS)
		abort();
	for (i = 0; i < r->n_props; i++)
		if (!keyword_ok(r->props[i].ptype)
		    || !keyword_ok(r->props[i].property))
			abort();
	if (s->n < MAX_SEEN)
		s->r[s->n++] = *r;
	return true;
}

static void
quote(struct sbuf *sb, const char *s)
{
	sbuf_putc(sb, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			sbuf_putc(sb, '\\');
		sbuf_putc(sb, *s);
	}
	sbuf_putc(sb, '"');
}

static void
render(struct sbuf *sb, const char *id, const struct seen *s)
{
	size_t i, j;

	quote(sb, id);
	for (i = 0; i < s->n; i++) {
		const struct ar_resinfo *r = &s->r[i];

		sbuf_printf(sb, ";\r\n\t%s", r->method);
		if (r->version > 0)
			sbuf_printf(sb, " / %u", r->version);
		sbuf_printf(sb, " (x) = %s", r->result);
		if (r->reason[0] != '\0') {
			sbuf_puts(sb, " reason=");
			quote(sb, r->reason);
		}
		for (j = 0; j < r->n_props; j++) {
			sbuf_printf(sb, " %s.%s=", r->props[j].ptype,
			    r->props[j].property);
			quote(sb, r->props[j].value);
		}
	}
}

static bool
same(const struct ar_resinfo *a, const struct ar_resinfo *b)
{
	size_t j;

	if (strcmp(a->method, b->method) != 0 || a->version != b->version
	    || strcmp(a->result, b->result) != 0
	    || strcmp(a->reason, b->reason) != 0 || a->n_props != b->n_props)
		return false;
	for (j = 0; j < a->n_props; j++)
		if (strcmp(a->props[j].ptype, b->props[j].ptype) != 0
		    || strcmp(a->props[j].property, b->props[j].property) != 0
		    || strcmp(a->props[j].value, b->props[j].value) != 0)
			return false;
	return true;
}

/* The module's own header for facts in text, parsed back. */
static void
own_header(const char *text, size_t size)
{
	static struct seen s;
	struct arena arena;
	struct facts f;
	struct decision d;
	struct sbuf sb;
	char err[256], id[AR_MAX_ID];
	const char *v;
	size_t want, i;

	arena_init(&arena);
	if (facts_from_json(&f, &arena, text, size, err, sizeof(err)) != 0) {
		arena_free(&arena);
		return;
	}
	decide(policy, &f, &d);
	sbuf_init(&sb, 1 << 20);
	verdict_authres(&sb, &f, &d, "gw.example");
	v = strchr(sbuf_cstr(&sb), ':') + 1;
	memset(&s, 0, sizeof(s));
	if (ar_parse(v, strlen(v), id, sizeof(id), record, &s, NULL) != 0
	    || strcmp(id, "gw.example") != 0)
		abort();
	want = 3
	    + (f.n_dkim == 0 ? 1 :
		    f.n_dkim < VERDICT_AUTHRES_MAX_DKIM ?
			       f.n_dkim :
			       VERDICT_AUTHRES_MAX_DKIM);
	if (s.n != want || strcmp(s.r[0].method, "spf") != 0
	    || strcmp(s.r[0].result, ag_spf_name(f.spf)) != 0
	    || strcmp(s.r[s.n - 2].method, "dmarc") != 0
	    || strcmp(s.r[s.n - 1].method, "arc") != 0)
		abort();
	for (i = 0; i < f.n_dkim && i < VERDICT_AUTHRES_MAX_DKIM; i++) {
		const char *dom = ar_prop_value(&s.r[1 + i], "header", "d");

		if (strcmp(s.r[1 + i].result,
			ag_dkim_rfc_word(f.dkim[i].result))
			!= 0
		    || (dom != NULL && strcmp(dom, f.dkim[i].d) != 0))
			abort();
	}
	sbuf_free(&sb);
	arena_free(&arena);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen first, again;
	const char *v = (const char *)data;
	char id[AR_MAX_ID], id2[AR_MAX_ID], lone[AR_MAX_ID];
	struct sbuf sb;
	size_t n;

	if (policy == NULL) {
		policy = policy_load_buffer("fuzz.ini", "", 0, NULL);
		if (policy == NULL)
			abort();
	}
	if (size > 0 && data[0] == '{')
		own_header(v, size);

	n = ar_authserv_id(v, size, lone, sizeof(lone));
	if (n != strlen(lone))
		abort();
	memset(&first, 0, sizeof(first));
	if (ar_parse(v, size, id, sizeof(id), record, &first, NULL) != 0)
		return 0;
	if (n == 0 || strcmp(id, lone) != 0)
		abort();
	sbuf_init(&sb, 1 << 20);
	render(&sb, id, &first);
	memset(&again, 0, sizeof(again));
	if (ar_parse(sbuf_cstr(&sb), strlen(sbuf_cstr(&sb)), id2, sizeof(id2),
		record, &again, NULL)
	    != 0)
		abort();
	if (strcmp(id, id2) != 0 || again.n != first.n)
		abort();
	for (n = 0; n < first.n; n++)
		if (!same(&first.r[n], &again.r[n]))
			abort();
	sbuf_free(&sb);
	return 0;
}
