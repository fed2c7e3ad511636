/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reader.c: a log line into a struct logrec, pulled token by token
 * (jsonpull.h) with no tree in between. The line is read in one pass
 * that checks all of it and locates the facts; facts_from_json then
 * reads them. A line as logline_render writes it can also be read by
 * layout when the caller needs only the action, class and facts.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "log/jsonread.h"
#include "log/logline.h"
#include "log/reader.h"

struct rd {
	struct jsonread jr; /* its JSON problems go to jerr */
	struct logrec *rec;
	char jerr[256]; /* the JSON problem, when there is one */
	bool have_action;
	const char *facts; /* the facts value's text, or NULL */
	size_t facts_len;
};

static int
get_action(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, enum ag_action *out)
{
	char word[JSONREAD_MAX_WORD];

	if (jsonread_word(r, t, w, word) != 0)
		return -1;
	if (ag_action_parse(word, out) != 0)
		return jsonread_fail(r, w, "unknown action \"%.32s\"", word);
	return 0;
}

enum { A_SPF, A_DKIM };
static const char *const aligned_keys[] = { "spf", "dkim", NULL };

static int
read_aligned(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *at, struct logrec_dmarc *m)
{
	struct jsonread_object o;
	int k;

	if (jsonread_object(r, t, &o, at, "decision.dmarc.aligned",
		aligned_keys)
	    != 0)
		return -1;
	while ((k = jsonread_member(r, &o, &t)) >= 0)
		if (jsonread_bool(r, t, &o.w,
			k == A_SPF ? &m->spf_aligned : &m->dkim_aligned)
		    != 0)
			return -1;
	return k == JSONREAD_END ? 0 : -1;
}

enum {
	M_RESULT,
	M_DOMAIN,
	M_RECORD,
	M_POLICY,
	M_PCT,
	M_SAMPLED_OUT,
	M_ALIGNED,
	M_ARC_SEALER,
	M_WHY,
	M_METHOD,
	M_POLICY_DOMAIN,
	M_ORG_DOMAIN,
	M_SOURCE,
	M_TAG,
	M_PUBLISHED,
	M_TESTING,
	M_PCT0_TESTING,
	M_PSD
};
static const char *const dmarc_keys[] = { "result", "domain", "record",
	"policy", "pct", "sampled_out", "aligned", "arc_sealer", "why",
	"method", "policy_domain", "org_domain", "source", "tag", "published",
	"testing", "pct0_testing", "psd", NULL };

/* Reads the word of t into *out (in the arena) when it is one of words
 * (NULL-terminated); null reads as NULL. */
static int
read_choice(struct jsonread *r, enum jsonpull_token t,
    const struct jsonread_path *w, const char *const *words, const char **out)
{
	size_t i;

	*out = NULL;
	if (jsonread_string(r, t, w, true, out) != 0) {
		*out = NULL; /* never a pointer the caller could follow */
		return -1;
	}
	if (*out == NULL)
		return 0;
	for (i = 0; words[i] != NULL; i++)
		if (strcmp(*out, words[i]) == 0)
			return 0;
	return jsonread_fail(r, w, "unknown value \"%.32s\"", *out);
}

static const char *const method_words[] = { "rfc9989", "rfc7489", NULL };
static const char *const source_words[] = { "author", "org", "psd", NULL };
static const char *const tag_words[] = { "p", "sp", "np", NULL };
static const char *const policy_words[]
    = { "none", "quarantine", "reject", NULL };
static const char *const psd_words[] = { "y", "n", "u", NULL };

static int
read_dmarc(struct rd *r, enum jsonpull_token t, const struct jsonread_path *at)
{
	struct logrec_dmarc *m = &r->rec->dmarc;
	struct jsonread_object o;
	char word[JSONREAD_MAX_WORD];
	const char *s = NULL;
	int k, rc;

	if (jsonread_object(&r->jr, t, &o, at, "decision.dmarc", dmarc_keys)
	    != 0)
		return -1;
	r->rec->has_dmarc = true;
	while ((k = jsonread_member(&r->jr, &o, &t)) >= 0) {
		switch (k) {
		case M_RESULT:
			rc = jsonread_word(&r->jr, t, &o.w, word);
			if (rc == 0 && ag_dmarc_parse(word, &m->result) != 0)
				rc = jsonread_fail(&r->jr, &o.w,
				    "unknown DMARC result \"%.32s\"", word);
			break;
		case M_DOMAIN:
			rc = jsonread_string(&r->jr, t, &o.w, true, &m->domain);
			break;
		case M_RECORD:
			rc = jsonread_string(&r->jr, t, &o.w, true, &m->record);
			break;
		case M_POLICY:
			rc = jsonread_string(&r->jr, t, &o.w, true, &m->policy);
			break;
		case M_PCT:
			rc = jsonread_uint(&r->jr, t, &o.w, 100, &m->pct);
			m->has_pct = true;
			break;
		case M_SAMPLED_OUT:
			rc = jsonread_bool(&r->jr, t, &o.w, &m->sampled_out);
			break;
		case M_ALIGNED:
			rc = read_aligned(&r->jr, t, &o.w, m);
			break;
		case M_ARC_SEALER:
			rc = jsonread_string(&r->jr, t, &o.w, false,
			    &m->arc_sealer);
			break;
		case M_WHY:
			rc = jsonread_string(&r->jr, t, &o.w, false, &m->why);
			break;
		case M_METHOD:
			rc = read_choice(&r->jr, t, &o.w, method_words, &s);
			m->rfc9989
			    = rc == 0 && s != NULL && strcmp(s, "rfc9989") == 0;
			break;
		case M_POLICY_DOMAIN:
			rc = jsonread_string(&r->jr, t, &o.w, true,
			    &m->policy_domain);
			break;
		case M_ORG_DOMAIN:
			rc = jsonread_string(&r->jr, t, &o.w, true,
			    &m->org_domain);
			break;
		case M_SOURCE:
			rc = read_choice(&r->jr, t, &o.w, source_words,
			    &m->source);
			break;
		case M_TAG:
			rc = read_choice(&r->jr, t, &o.w, tag_words, &m->tag);
			break;
		case M_PUBLISHED:
			rc = read_choice(&r->jr, t, &o.w, policy_words,
			    &m->published);
			break;
		case M_TESTING:
			rc = jsonread_bool(&r->jr, t, &o.w, &m->testing);
			break;
		case M_PCT0_TESTING:
			rc = jsonread_bool(&r->jr, t, &o.w, &m->pct0_testing);
			break;
		default: /* M_PSD */
			rc = read_choice(&r->jr, t, &o.w, psd_words, &s);
			m->psd = rc == 0 && s != NULL ? s[0] : 0;
			break;
		}
		if (rc != 0)
			return -1;
	}
	if (k != JSONREAD_END)
		return -1;
	return jsonread_require(&r->jr, &o, M_RESULT);
}

enum { W_WOULD, W_CLASS, W_RULE };
static const char *const monitor_keys[] = { "would", "class", "rule", NULL };

static int
read_monitor(struct rd *r, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	struct logrec *rec = r->rec;
	struct jsonread_object o;
	int k, rc;

	if (jsonread_object(&r->jr, t, &o, at, "decision.monitor", monitor_keys)
	    != 0)
		return -1;
	rec->monitor = true;
	while ((k = jsonread_member(&r->jr, &o, &t)) >= 0) {
		if (k == W_WOULD)
			rc = get_action(&r->jr, t, &o.w, &rec->would);
		else if (k == W_CLASS)
			rc = jsonread_string(&r->jr, t, &o.w, false,
			    &rec->would_class);
		else
			rc = jsonread_string(&r->jr, t, &o.w, false,
			    &rec->would_rule);
		if (rc != 0)
			return -1;
	}
	if (k != JSONREAD_END)
		return -1;
	return jsonread_require(&r->jr, &o, W_WOULD);
}

enum { F_CLASS, F_ACTION, F_RULE, F_LINE, F_WAIVED, F_HELD, F_SIGNATURE };
static const char *const finding_keys[] = { "class", "action", "rule", "line",
	"waived", "held", "signature", NULL };

static int
read_finding(struct jsonread *r, enum jsonpull_token t,
    struct logrec_finding *f, long i)
{
	const struct jsonread_path at = { "decision.findings", i, NULL, NULL };
	struct jsonread_object o;
	char word[JSONREAD_MAX_WORD];
	unsigned sig;
	int k, rc;

	if (jsonread_object(r, t, &o, &at, "decision.findings", finding_keys)
	    != 0)
		return -1;
	memset(f, 0, sizeof(*f));
	f->signature = -1;
	while ((k = jsonread_member(r, &o, &t)) >= 0) {
		switch (k) {
		case F_CLASS:
			rc = jsonread_word(r, t, &o.w, word);
			if (rc == 0 && ag_class_parse(word, &f->cls) != 0)
				rc = jsonread_fail(r, &o.w,
				    "unknown class \"%.32s\"", word);
			break;
		case F_ACTION:
			rc = get_action(r, t, &o.w, &f->action);
			break;
		case F_RULE:
			rc = jsonread_string(r, t, &o.w, false, &f->rule);
			break;
		case F_LINE:
			rc = jsonread_string(r, t, &o.w, true, &f->line);
			break;
		case F_WAIVED:
			rc = jsonread_string(r, t, &o.w, true, &f->waived);
			break;
		case F_HELD:
			rc = jsonread_bool(r, t, &o.w, &f->held);
			break;
		default: /* F_SIGNATURE */
			rc = jsonread_uint(r, t, &o.w, FACTS_MAX_DKIM - 1,
			    &sig);
			if (rc == 0)
				f->signature = (int)sig;
			break;
		}
		if (rc != 0)
			return -1;
	}
	if (k != JSONREAD_END || jsonread_require(r, &o, F_CLASS) != 0)
		return -1;
	return jsonread_require(r, &o, F_ACTION);
}

static int
read_findings(struct rd *r, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	struct logrec *rec = r->rec;
	int rc;

	if (t != JSONPULL_ARRAY)
		return jsonread_expected(&r->jr, t, at, "an array");
	while ((rc = jsonread_element(&r->jr, at, rec->n_findings,
		    LOGREC_MAX_FINDINGS, NULL, &t))
	    > 0) {
		if (read_finding(&r->jr, t, &rec->findings[rec->n_findings],
			(long)rec->n_findings)
		    != 0)
			return -1;
		rec->n_findings++;
	}
	return rc;
}

enum {
	D_ACTION,
	D_CLASS,
	D_RULE,
	D_LINE,
	D_REASON,
	D_MONITOR,
	D_DMARC,
	D_FINDINGS
};
static const char *const decision_keys[] = { "action", "class", "rule", "line",
	"reason", "monitor", "dmarc", "findings", NULL };

static int
read_decision(struct rd *r, enum jsonpull_token t,
    const struct jsonread_path *at)
{
	struct logrec *rec = r->rec;
	struct jsonread_object o;
	char word[JSONREAD_MAX_WORD];
	int k, rc;

	if (jsonread_object(&r->jr, t, &o, at, "decision", decision_keys) != 0)
		return -1;
	while ((k = jsonread_member(&r->jr, &o, &t)) >= 0) {
		switch (k) {
		case D_ACTION: /* an unknown one: not an authgate line */
			rc = jsonread_word(&r->jr, t, &o.w, word);
			r->have_action = rc == 0
			    && ag_action_parse(word, &rec->action) == 0;
			break;
		case D_CLASS:
			rc = jsonread_string(&r->jr, t, &o.w, false, &rec->cls);
			break;
		case D_RULE:
			rc = jsonread_string(&r->jr, t, &o.w, false,
			    &rec->rule);
			break;
		case D_LINE:
			rc = jsonread_string(&r->jr, t, &o.w, true, &rec->line);
			break;
		case D_REASON:
			rc = jsonread_string(&r->jr, t, &o.w, true,
			    &rec->reason);
			break;
		case D_MONITOR:
			rc = read_monitor(r, t, &o.w);
			break;
		case D_DMARC:
			rc = read_dmarc(r, t, &o.w);
			break;
		default: /* D_FINDINGS */
			rc = read_findings(r, t, &o.w);
			break;
		}
		if (rc != 0)
			return -1;
	}
	return k == JSONREAD_END ? 0 : -1;
}

enum {
	L_V,
	L_TS,
	L_HOST,
	L_ID,
	L_TRUNCATED,
	L_ERROR,
	L_DECISION,
	L_FAILURE_REPORT,
	L_MESSAGE_ID,
	L_SIZE,
	L_RCPT_COUNT,
	L_FACTS
};
static const char *const line_keys[] = { "v", "ts", "host", "id", "truncated",
	"error", "decision", "failure_report", "message_id", "size",
	"rcpt_count", "facts", NULL };

/* The message's fields, which the writer puts in a line together or not
 * at all: message_id (a string of at most LOGLINE_MAX_MESSAGE_ID bytes,
 * or null), size (a count or null), rcpt_count (a count). */
static int
read_message_field(struct jsonread *jr, int k, enum jsonpull_token t,
    const struct jsonread_path *w, struct logrec *rec)
{
	unsigned n;

	rec->has_message = true;
	if (k == L_MESSAGE_ID) {
		if (jsonread_string(jr, t, w, true, &rec->message_id) != 0)
			return -1;
		if (rec->message_id != NULL
		    && strlen(rec->message_id) > LOGLINE_MAX_MESSAGE_ID)
			return jsonread_fail(jr, w, "longer than %d bytes",
			    LOGLINE_MAX_MESSAGE_ID);
		return 0;
	}
	if (k == L_SIZE && t == JSONPULL_NULL) {
		rec->size = -1;
		return 0;
	}
	if (jsonread_uint(jr, t, w, LOGLINE_MAX_COUNT, &n) != 0)
		return -1;
	if (k == L_SIZE)
		rec->size = (long)n;
	else
		rec->rcpt_count = n;
	return 0;
}

/* The whole line, in one pass: a JSON problem anywhere in it is found
 * before anything is used. The facts are only located here. */
static int
read_line(struct rd *r)
{
	const struct jsonread_path at = { NULL, -1, NULL, NULL };
	struct jsonread *jr = &r->jr;
	struct logrec *rec = r->rec;
	struct jsonread_object o;
	enum jsonpull_token t;
	unsigned v = 0;
	int k, rc;

	t = jsonpull_next(&jr->json);
	if (t != JSONPULL_OBJECT) { /* JSON, perhaps, but not a log line */
		if (jsonpull_skip(&jr->json, t, jr->arena) != 0)
			return -1;
		return jsonpull_next(&jr->json) == JSONPULL_END ? 0 : -1;
	}
	if (jsonread_object(jr, t, &o, &at, NULL, line_keys) != 0)
		return -1;
	while ((k = jsonread_member(jr, &o, &t)) >= 0) {
		switch (k) {
		case L_V:
			rc = jsonread_uint(jr, t, &o.w, 65535, &v);
			if (rc == 0 && (v < 1 || v > LOGLINE_VERSION))
				rc = jsonread_fail(jr, &o.w,
				    "version %u, not 1 to %d", v,
				    LOGLINE_VERSION);
			rec->version = v;
			break;
		case L_TS:
			rc = jsonread_string(jr, t, &o.w, false, &rec->ts);
			break;
		case L_HOST:
			rc = jsonread_string(jr, t, &o.w, true, &rec->host);
			break;
		case L_ID:
			rc = jsonread_string(jr, t, &o.w, true, &rec->id);
			break;
		case L_TRUNCATED:
			rc = jsonread_bool(jr, t, &o.w, &rec->truncated);
			break;
		case L_ERROR:
			rc = jsonread_string(jr, t, &o.w, false, &rec->error);
			break;
		case L_MESSAGE_ID:
		case L_SIZE:
		case L_RCPT_COUNT:
			rc = read_message_field(jr, k, t, &o.w, rec);
			break;
		case L_DECISION:
			rc = read_decision(r, t, &o.w);
			break;
		case L_FAILURE_REPORT:
			if (t != JSONPULL_OBJECT)
				rc = jsonread_expected(jr, t, &o.w,
				    "an object");
			else
				rc = jsonpull_skip(&jr->json, t, jr->arena);
			break;
		default: /* L_FACTS */
			if (t != JSONPULL_OBJECT) {
				rc = jsonread_expected(jr, t, &o.w,
				    "an object");
				break;
			}
			r->facts = jr->json.tok;
			rc = jsonpull_skip(&jr->json, t, jr->arena);
			r->facts_len = (size_t)(jr->json.p - r->facts);
			break;
		}
		if (rc != 0)
			return -1;
	}
	if (k != JSONREAD_END)
		return -1;
	if (rec->has_message
	    && (jsonread_require(jr, &o, L_MESSAGE_ID) != 0
		|| jsonread_require(jr, &o, L_SIZE) != 0
		|| jsonread_require(jr, &o, L_RCPT_COUNT) != 0))
		return -1;
	return jsonpull_next(&jr->json) == JSONPULL_END ? 0 : -1;
}

/* The value of a string key as authgate writes it ("key":"value" with no
 * escapes in value), at p; NULL when not there so. */
static const char *
plain_string(const char *p, const char *end, const char *key, size_t *vlen)
{
	size_t klen = strlen(key);
	const char *v, *q;

	if ((size_t)(end - p) < klen || memcmp(p, key, klen) != 0)
		return NULL;
	v = p + klen;
	for (q = v; q < end && *q != '"'; q++)
		if (*q == '\\')
			return NULL;
	if (q == end)
		return NULL;
	*vlen = (size_t)(q - v);
	return v;
}

/* A plain string key at *p (see plain_string), or one whose value is
 * null (out NULL); moves *p past it. -1 when neither. */
static int
plain_or_null(const char **p, const char *end, const char *key,
    struct arena *arena, const char **out)
{
	size_t klen = strlen(key) - 1, vlen; /* key ends in '"' */
	const char *v;

	if ((size_t)(end - *p) >= klen + 4 && memcmp(*p, key, klen) == 0
	    && memcmp(*p + klen, "null", 4) == 0) {
		*out = NULL;
		*p += klen + 4;
		return 0;
	}
	if ((v = plain_string(*p, end, key, &vlen)) == NULL)
		return -1;
	*out = arena_strndup(arena, v, vlen);
	*p = v + vlen + 1;
	return 0;
}

/* The last occurrence of pat in len bytes, or NULL. */
static const char *
find_last(const char *s, size_t len, const char *pat)
{
	size_t n = strlen(pat), i;

	if (n > len)
		return NULL;
	for (i = len - n + 1; i-- > 0;)
		if (s[i] == pat[0] && memcmp(s + i, pat, n) == 0)
			return s + i;
	return NULL;
}

/* Facts logged by version 1 hold the DMARC names of RFC 7489 only (the
 * From domain's, its PSL organizational domain's): no tree walk. A line
 * without "v" (never the module's) is read as the facts say. */
static void
facts_of_version(struct facts *f, unsigned version)
{
	if (version == 1)
		f->dmarc_treewalk = false;
}

/* A line as logline_render writes it, read by its layout: the head, then
 * the decision's action and class (its first two keys), and the facts,
 * the line's last key. An unescaped ,"facts":{ cannot occur inside a
 * JSON string, so its last occurrence is the key. The rest is not
 * read. Returns 0, or -1 to have the caller read the whole line (which
 * also names any problem). */
static int
read_by_layout(struct logrec *rec, const char *line, size_t len,
    struct arena *arena)
{
	static const char facts_key[] = ",\"facts\":{";
	const char *end = line + len, *p = line + 7, *facts, *action, *cls;
	char word[JSONREAD_MAX_WORD], err[8];
	size_t alen, clen;

	if (len < 16 || memcmp(line, "{\"v\":", 5) != 0 || line[5] < '1'
	    || line[5] > '0' + LOGLINE_VERSION || line[6] != ','
	    || end[-1] != '}')
		return -1;
	if ((rec->ts = plain_string(p, end, "\"ts\":\"", &alen)) == NULL)
		return -1;
	p = rec->ts + alen + 1;
	rec->ts = arena_strndup(arena, rec->ts, alen);
	if (plain_or_null(&p, end, ",\"host\":\"", arena, &rec->host) != 0
	    || plain_or_null(&p, end, ",\"id\":\"", arena, &rec->id) != 0)
		return -1;
	if ((action
		= plain_string(p, end, ",\"decision\":{\"action\":\"", &alen))
		== NULL
	    || alen >= sizeof(word))
		return -1;
	p = action + alen + 1;
	if ((cls = plain_string(p, end, ",\"class\":\"", &clen)) == NULL)
		return -1;
	if ((facts = find_last(line, len, facts_key)) == NULL)
		return -1;
	memcpy(word, action, alen);
	word[alen] = '\0';
	if (ag_action_parse(word, &rec->action) != 0)
		return -1;
	rec->cls = arena_strndup(arena, cls, clen);
	facts += sizeof(facts_key) - 2; /* at the '{' */
	if (facts_from_json(&rec->facts, arena, facts,
		(size_t)(end - 1 - facts), err, sizeof(err))
	    != 0)
		return -1; /* not laid out as expected: read it whole */
	rec->has_facts = true;
	rec->version = line[5] - '0';
	facts_of_version(&rec->facts, rec->version);
	return 0;
}

int
logrec_read(struct logrec *rec, const char *line, size_t len,
    enum logrec_need need, struct arena *arena, char *err, size_t errsz)
{
	struct rd r;

	memset(rec, 0, offsetof(struct logrec, findings));
	if (need == LOGREC_ACTION_FACTS
	    && read_by_layout(rec, line, len, arena) == 0) {
		if (!arena_failed(arena))
			return 0;
		rec->has_facts = false;
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	memset(rec, 0, offsetof(struct logrec, findings));
	memset(&r, 0, sizeof(r));
	r.rec = rec;
	jsonpull_init(&r.jr.json, line, len, r.jerr, sizeof(r.jerr));
	jsonread_init(&r.jr, JSONREAD_LOGLINE, arena, err, errsz);
	if (read_line(&r) != 0) {
		facts_init(&rec->facts);
		if (arena_failed(arena))
			snprintf(err, errsz, "out of memory");
		else if (!r.jr.named)
			snprintf(err, errsz, "not JSON: %s", r.jerr);
		return -1;
	}
	if (!r.have_action) {
		facts_init(&rec->facts);
		snprintf(err, errsz,
		    "no decision.action: not an authgate log line");
		return -1;
	}
	if (r.facts == NULL) {
		facts_init(&rec->facts);
	} else {
		if (facts_from_json(&rec->facts, arena, r.facts, r.facts_len,
			err, errsz)
		    != 0)
			return -1;
		rec->has_facts = true;
		facts_of_version(&rec->facts, rec->version);
	}
	if (arena_failed(arena)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}
