/*
 * reader.c: a log line into a struct logrec, pulled token by token
 * (jsonpull.h) with no tree in between. The line is read in one pass
 * that checks all of it and locates the facts; facts_from_json then
 * reads them. A line as logline_render writes it can also be read by
 * layout when the caller needs only the action, class and facts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "log/logline.h"
#include "log/reader.h"
#include "util/jsonpull.h"

#define MAX_WORD    40 /* action, class and result words are shorter */
#define MEMBERS_END (-2)
#define MEMBER_NEW  (-3) /* a key the writer does not write */

struct rd {
	struct jsonpull json;
	struct arena *arena;
	struct logrec *rec;
	char jerr[256]; /* the JSON problem, when there is one */
	char *err;
	size_t errsz;
	bool named; /* err names a field's problem (not a JSON one) */
	bool have_action;
	const char *facts; /* the facts value's text, or NULL */
	size_t facts_len;
};

/* Where a value is, for an error: obj[index].field (index -1: none;
 * field NULL: the element itself). */
struct where {
	const char *obj; /* NULL at the top */
	long index;
	const char *field;
};

static int named(struct rd *r, const struct where *w, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Sets "path: message" as the error; returns -1. */
static int
named(struct rd *r, const struct where *w, const char *fmt, ...)
{
	char path[128];
	va_list ap;
	int n;

	if (w->obj == NULL)
		snprintf(path, sizeof(path), "%s", w->field);
	else if (w->field == NULL)
		snprintf(path, sizeof(path), "%s[%ld]", w->obj, w->index);
	else if (w->index >= 0)
		snprintf(path, sizeof(path), "%s[%ld].%s", w->obj, w->index,
		    w->field);
	else
		snprintf(path, sizeof(path), "%s.%s", w->obj, w->field);
	r->named = true;
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
 * JSON reader has said so already. */
static int
expected(struct rd *r, enum jsonpull_token t, const struct where *w,
    const char *what)
{
	if (t == JSONPULL_ERROR)
		return -1;
	return named(r, w, "expected %s", what);
}

/* A string (or null, when nullable: NULL) copied into the arena. */
static int
get_string(struct rd *r, enum jsonpull_token t, const struct where *w,
    bool nullable, const char **out)
{
	if (nullable && t == JSONPULL_NULL) {
		*out = NULL;
		return 0;
	}
	if (t != JSONPULL_STRING)
		return expected(r, t, w,
		    nullable ? "a string or null" : "a string");
	if ((*out = jsonpull_copy(&r->json, r->arena)) == NULL)
		return jsonpull_fail(&r->json, "out of memory");
	return 0;
}

static int
get_bool(struct rd *r, enum jsonpull_token t, const struct where *w, bool *out)
{
	if (t != JSONPULL_TRUE && t != JSONPULL_FALSE)
		return expected(r, t, w, "true or false");
	*out = t == JSONPULL_TRUE;
	return 0;
}

/* A whole number from 0 to max; -0 is 0. */
static int
get_uint(struct rd *r, enum jsonpull_token t, const struct where *w,
    unsigned max, unsigned *out)
{
	const char *s = r->json.raw, *end = s + r->json.raw_len;
	unsigned long long n = 0;
	bool negative;

	if (t != JSONPULL_NUMBER || !r->json.integer)
		return expected(r, t, w, "a whole number");
	negative = *s == '-';
	for (s += negative; s < end && n <= max; s++)
		n = n * 10 + (unsigned)(*s - '0');
	if (n > max || (negative && n != 0))
		return named(r, w, "%.*s is outside 0-%u",
		    (int)(r->json.raw_len < 40 ? r->json.raw_len : 40),
		    r->json.raw, max);
	*out = (unsigned)n;
	return 0;
}

/* A string naming one of a closed set, into word (MAX_WORD bytes; a
 * longer one is cut, and then names nothing). */
static int
get_word(struct rd *r, enum jsonpull_token t, const struct where *w, char *word)
{
	if (t != JSONPULL_STRING)
		return expected(r, t, w, "a string");
	jsonpull_prefix(&r->json, word, MAX_WORD);
	return 0;
}

static int
get_action(struct rd *r, enum jsonpull_token t, const struct where *w,
    enum ag_action *out)
{
	char word[MAX_WORD];

	if (get_word(r, t, w, word) != 0)
		return -1;
	if (ag_action_parse(word, out) != 0)
		return named(r, w, "unknown action \"%.32s\"", word);
	return 0;
}

/* The next member of an object whose known names are keys (at most 32):
 * the name's index, MEMBER_NEW for another name (none seen twice),
 * MEMBERS_END after the '}', or -1 after an error. */
static int
member(struct rd *r, const char *const *keys, unsigned *seen,
    struct jsonpull_keys *others)
{
	enum jsonpull_token t = jsonpull_next(&r->json);
	int i;

	if (t == JSONPULL_OBJECT_END)
		return MEMBERS_END;
	if (t != JSONPULL_KEY)
		return -1; /* the JSON reader allows nothing else: an error */
	for (i = 0; keys[i] != NULL; i++) {
		if (!jsonpull_is(&r->json, keys[i]))
			continue;
		if ((*seen & (1u << i)) != 0)
			return jsonpull_fail(&r->json, "duplicate key \"%s\"",
			    keys[i]);
		*seen |= 1u << i;
		return i;
	}
	if (jsonpull_keys_add(&r->json, others, r->arena) != 0)
		return -1;
	return MEMBER_NEW;
}

/* A required member missing from an object that is otherwise read. */
static int
require(struct rd *r, unsigned seen, int k, const char *obj, long index,
    const char *const *keys)
{
	struct where w = { obj, index, keys[k] };

	if ((seen & (1u << k)) != 0)
		return 0;
	return named(r, &w, "missing");
}

enum { A_SPF, A_DKIM };
static const char *const aligned_keys[] = { "spf", "dkim", NULL };

static int
read_aligned(struct rd *r, enum jsonpull_token t, struct logrec_dmarc *m)
{
	struct where w = { "decision.dmarc", -1, "aligned" };
	struct jsonpull_keys others;
	unsigned seen = 0;
	int k, rc;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &w, "an object");
	jsonpull_keys_init(&others);
	w.obj = "decision.dmarc.aligned";
	while ((k = member(r, aligned_keys, &seen, &others)) != MEMBERS_END) {
		if (k == -1)
			return -1;
		t = jsonpull_next(&r->json);
		if (k == MEMBER_NEW) {
			rc = jsonpull_skip(&r->json, t, r->arena);
		} else {
			w.field = aligned_keys[k];
			rc = get_bool(r, t, &w,
			    k == A_SPF ? &m->spf_aligned : &m->dkim_aligned);
		}
		if (rc != 0)
			return -1;
	}
	return 0;
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
	M_WHY
};
static const char *const dmarc_keys[] = { "result", "domain", "record",
	"policy", "pct", "sampled_out", "aligned", "arc_sealer", "why", NULL };

static int
read_dmarc(struct rd *r, enum jsonpull_token t)
{
	struct logrec_dmarc *m = &r->rec->dmarc;
	struct where w = { "decision", -1, "dmarc" };
	struct jsonpull_keys others;
	char word[MAX_WORD];
	unsigned seen = 0;
	int k, rc;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &w, "an object");
	r->rec->has_dmarc = true;
	jsonpull_keys_init(&others);
	w.obj = "decision.dmarc";
	while ((k = member(r, dmarc_keys, &seen, &others)) != MEMBERS_END) {
		if (k == -1)
			return -1;
		t = jsonpull_next(&r->json);
		w.field = k >= 0 ? dmarc_keys[k] : NULL;
		switch (k) {
		case M_RESULT:
			rc = get_word(r, t, &w, word);
			if (rc == 0 && ag_dmarc_parse(word, &m->result) != 0)
				rc = named(r, &w,
				    "unknown DMARC result \"%.32s\"", word);
			break;
		case M_DOMAIN:
			rc = get_string(r, t, &w, true, &m->domain);
			break;
		case M_RECORD:
			rc = get_string(r, t, &w, true, &m->record);
			break;
		case M_POLICY:
			rc = get_string(r, t, &w, true, &m->policy);
			break;
		case M_PCT:
			rc = get_uint(r, t, &w, 100, &m->pct);
			m->has_pct = true;
			break;
		case M_SAMPLED_OUT:
			rc = get_bool(r, t, &w, &m->sampled_out);
			break;
		case M_ALIGNED:
			rc = read_aligned(r, t, m);
			break;
		case M_ARC_SEALER:
			rc = get_string(r, t, &w, false, &m->arc_sealer);
			break;
		case M_WHY:
			rc = get_string(r, t, &w, false, &m->why);
			break;
		default: /* MEMBER_NEW */
			rc = jsonpull_skip(&r->json, t, r->arena);
			break;
		}
		if (rc != 0)
			return -1;
	}
	return require(r, seen, M_RESULT, "decision.dmarc", -1, dmarc_keys);
}

enum { W_WOULD, W_CLASS, W_RULE };
static const char *const monitor_keys[] = { "would", "class", "rule", NULL };

static int
read_monitor(struct rd *r, enum jsonpull_token t)
{
	struct logrec *rec = r->rec;
	struct where w = { "decision", -1, "monitor" };
	struct jsonpull_keys others;
	unsigned seen = 0;
	int k, rc;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &w, "an object");
	rec->monitor = true;
	jsonpull_keys_init(&others);
	w.obj = "decision.monitor";
	while ((k = member(r, monitor_keys, &seen, &others)) != MEMBERS_END) {
		if (k == -1)
			return -1;
		t = jsonpull_next(&r->json);
		w.field = k >= 0 ? monitor_keys[k] : NULL;
		if (k == W_WOULD)
			rc = get_action(r, t, &w, &rec->would);
		else if (k == W_CLASS)
			rc = get_string(r, t, &w, false, &rec->would_class);
		else if (k == W_RULE)
			rc = get_string(r, t, &w, false, &rec->would_rule);
		else
			rc = jsonpull_skip(&r->json, t, r->arena);
		if (rc != 0)
			return -1;
	}
	return require(r, seen, W_WOULD, "decision.monitor", -1, monitor_keys);
}

enum { F_CLASS, F_ACTION, F_RULE, F_LINE, F_WAIVED, F_HELD, F_SIGNATURE };
static const char *const finding_keys[] = { "class", "action", "rule", "line",
	"waived", "held", "signature", NULL };

static int
read_finding(struct rd *r, enum jsonpull_token t, struct logrec_finding *f,
    long i)
{
	struct where w = { "decision.findings", i, NULL };
	struct jsonpull_keys others;
	char word[MAX_WORD];
	unsigned seen = 0, sig;
	int k, rc;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &w, "an object");
	memset(f, 0, sizeof(*f));
	f->signature = -1;
	jsonpull_keys_init(&others);
	while ((k = member(r, finding_keys, &seen, &others)) != MEMBERS_END) {
		if (k == -1)
			return -1;
		t = jsonpull_next(&r->json);
		w.field = k >= 0 ? finding_keys[k] : NULL;
		switch (k) {
		case F_CLASS:
			rc = get_word(r, t, &w, word);
			if (rc == 0 && ag_class_parse(word, &f->cls) != 0)
				rc = named(r, &w, "unknown class \"%.32s\"",
				    word);
			break;
		case F_ACTION:
			rc = get_action(r, t, &w, &f->action);
			break;
		case F_RULE:
			rc = get_string(r, t, &w, false, &f->rule);
			break;
		case F_LINE:
			rc = get_string(r, t, &w, true, &f->line);
			break;
		case F_WAIVED:
			rc = get_string(r, t, &w, true, &f->waived);
			break;
		case F_HELD:
			rc = get_bool(r, t, &w, &f->held);
			break;
		case F_SIGNATURE:
			rc = get_uint(r, t, &w, FACTS_MAX_DKIM - 1, &sig);
			if (rc == 0)
				f->signature = (int)sig;
			break;
		default: /* MEMBER_NEW */
			rc = jsonpull_skip(&r->json, t, r->arena);
			break;
		}
		if (rc != 0)
			return -1;
	}
	if (require(r, seen, F_CLASS, "decision.findings", i, finding_keys)
	    != 0)
		return -1;
	return require(r, seen, F_ACTION, "decision.findings", i, finding_keys);
}

static int
read_findings(struct rd *r, enum jsonpull_token t)
{
	struct logrec *rec = r->rec;
	struct where w = { "decision", -1, "findings" };

	if (t != JSONPULL_ARRAY)
		return expected(r, t, &w, "an array");
	while ((t = jsonpull_next(&r->json)) != JSONPULL_ARRAY_END) {
		if (t == JSONPULL_ERROR)
			return -1;
		if (rec->n_findings == LOGREC_MAX_FINDINGS)
			return named(r, &w, "more than %d",
			    LOGREC_MAX_FINDINGS);
		if (read_finding(r, t, &rec->findings[rec->n_findings],
			(long)rec->n_findings)
		    != 0)
			return -1;
		rec->n_findings++;
	}
	return 0;
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
read_decision(struct rd *r, enum jsonpull_token t)
{
	struct logrec *rec = r->rec;
	struct where w = { NULL, -1, "decision" };
	struct jsonpull_keys others;
	char word[MAX_WORD];
	unsigned seen = 0;
	int k, rc;

	if (t != JSONPULL_OBJECT)
		return expected(r, t, &w, "an object");
	jsonpull_keys_init(&others);
	w.obj = "decision";
	while ((k = member(r, decision_keys, &seen, &others)) != MEMBERS_END) {
		if (k == -1)
			return -1;
		t = jsonpull_next(&r->json);
		w.field = k >= 0 ? decision_keys[k] : NULL;
		switch (k) {
		case D_ACTION: /* an unknown one: not an authgate line */
			rc = get_word(r, t, &w, word);
			r->have_action = rc == 0
			    && ag_action_parse(word, &rec->action) == 0;
			break;
		case D_CLASS:
			rc = get_string(r, t, &w, false, &rec->cls);
			break;
		case D_RULE:
			rc = get_string(r, t, &w, false, &rec->rule);
			break;
		case D_LINE:
			rc = get_string(r, t, &w, true, &rec->line);
			break;
		case D_REASON:
			rc = get_string(r, t, &w, true, &rec->reason);
			break;
		case D_MONITOR:
			rc = read_monitor(r, t);
			break;
		case D_DMARC:
			rc = read_dmarc(r, t);
			break;
		case D_FINDINGS:
			rc = read_findings(r, t);
			break;
		default: /* MEMBER_NEW */
			rc = jsonpull_skip(&r->json, t, r->arena);
			break;
		}
		if (rc != 0)
			return -1;
	}
	return 0;
}

enum {
	L_V,
	L_TS,
	L_HOST,
	L_ID,
	L_TRUNCATED,
	L_DECISION,
	L_FAILURE_REPORT,
	L_FACTS
};
static const char *const line_keys[] = { "v", "ts", "host", "id", "truncated",
	"decision", "failure_report", "facts", NULL };

/* The whole line, in one pass: a JSON problem anywhere in it is found
 * before anything is used. The facts are only located here. */
static int
read_line(struct rd *r)
{
	struct logrec *rec = r->rec;
	struct where w = { NULL, -1, NULL };
	struct jsonpull_keys others;
	enum jsonpull_token t;
	unsigned seen = 0, v = 0;
	int k, rc;

	t = jsonpull_next(&r->json);
	if (t != JSONPULL_OBJECT) { /* JSON, perhaps, but not a log line */
		if (jsonpull_skip(&r->json, t, r->arena) != 0)
			return -1;
		return jsonpull_next(&r->json) == JSONPULL_END ? 0 : -1;
	}
	jsonpull_keys_init(&others);
	while ((k = member(r, line_keys, &seen, &others)) != MEMBERS_END) {
		if (k == -1)
			return -1;
		t = jsonpull_next(&r->json);
		w.field = k >= 0 ? line_keys[k] : NULL;
		switch (k) {
		case L_V:
			rc = get_uint(r, t, &w, 65535, &v);
			if (rc == 0 && v != LOGLINE_VERSION)
				rc = named(r, &w, "version %u, not %d", v,
				    LOGLINE_VERSION);
			break;
		case L_TS:
			rc = get_string(r, t, &w, false, &rec->ts);
			break;
		case L_HOST:
			rc = get_string(r, t, &w, true, &rec->host);
			break;
		case L_ID:
			rc = get_string(r, t, &w, true, &rec->id);
			break;
		case L_TRUNCATED:
			rc = get_bool(r, t, &w, &rec->truncated);
			break;
		case L_DECISION:
			rc = read_decision(r, t);
			break;
		case L_FAILURE_REPORT:
			if (t != JSONPULL_OBJECT)
				rc = expected(r, t, &w, "an object");
			else
				rc = jsonpull_skip(&r->json, t, r->arena);
			break;
		case L_FACTS:
			if (t != JSONPULL_OBJECT) {
				rc = expected(r, t, &w, "an object");
				break;
			}
			r->facts = r->json.tok;
			rc = jsonpull_skip(&r->json, t, r->arena);
			r->facts_len = (size_t)(r->json.p - r->facts);
			break;
		default: /* MEMBER_NEW */
			rc = jsonpull_skip(&r->json, t, r->arena);
			break;
		}
		if (rc != 0)
			return -1;
	}
	return jsonpull_next(&r->json) == JSONPULL_END ? 0 : -1;
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
	char word[MAX_WORD], err[8];
	size_t alen, clen;

	if (len < 16 || memcmp(line, "{\"v\":1,", 7) != 0 || end[-1] != '}')
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
	r.arena = arena;
	r.rec = rec;
	r.err = err;
	r.errsz = errsz;
	jsonpull_init(&r.json, line, len, r.jerr, sizeof(r.jerr));
	if (read_line(&r) != 0) {
		facts_init(&rec->facts);
		if (arena_failed(arena))
			snprintf(err, errsz, "out of memory");
		else if (!r.named)
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
	}
	if (arena_failed(arena)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}
