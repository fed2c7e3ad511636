/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * params.c: the keys of [general], [trusted] and [domain:] in one table,
 * Postfix's way: each row names the key, its parser, its default and its
 * bounds, so a default or a limit is written once and the errors quote
 * the table. The [actions] defaults come from the classes table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/domcanon.h"
#include "policy/classes.h"
#include "policy/config.h"
#include "policy/loader.h"
#include "util/cidr.h"
#include "util/domain.h"
#include "util/duration.h"

#define FIELD(f)	offsetof(struct policy, f)
#define DOMAIN_FIELD(f) offsetof(struct policy_domain, f)

/* A line column of 0 means none: no line field sits first in its
 * struct. */
#define NO_LINE 0
_Static_assert(offsetof(struct policy, arena) == 0, "line 0 is free");
_Static_assert(offsetof(struct policy_domain, name) == 0, "line 0 is free");

static void param_number(struct loader *, const struct param *, void *,
    const char *);
static void param_time(struct loader *, const struct param *, void *,
    const char *);
static void param_word(struct loader *, const struct param *, void *,
    const char *);
static void param_text(struct loader *, const struct param *, void *,
    const char *);
static void param_path(struct loader *, const struct param *, void *,
    const char *);
static void param_message(struct loader *, const struct param *, void *,
    const char *);
static void param_list(struct loader *, const struct param *, void *,
    const char *);
static void param_authserv_id(struct loader *, const struct param *, void *,
    const char *);
static void param_subject_tag(struct loader *, const struct param *, void *,
    const char *);
static void param_waives(struct loader *, const struct param *, void *,
    const char *);
static void param_report_from(struct loader *, const struct param *, void *,
    const char *);
static void param_domain_mode(struct loader *, const struct param *, void *,
    const char *);
static void add_waive(struct loader *, void *, const char *, size_t);
static void add_skip_host(struct loader *, void *, const char *, size_t);
static void add_trusted_domain(struct loader *, void *, const char *, size_t);
static void add_relay(struct loader *, void *, const char *, size_t);
static void add_sealer(struct loader *, void *, const char *, size_t);
static void add_ignore(struct loader *, void *, const char *, size_t);

static const struct param_word mode_words[] = {
	{ "enforce", AG_MODE_ENFORCE },
	{ "monitor", AG_MODE_MONITOR },
	{ NULL, 0 },
};

static const struct param_word on_error_words[] = {
	{ "tempfail", AG_TEMPFAIL },
	{ "accept", AG_ACCEPT },
	{ NULL, 0 },
};

static const struct param_word source_words[] = {
	{ "exim", false },
	{ "self", true },
	{ NULL, 0 },
};

static const struct param_word arc_words[] = {
	{ "off", false },
	{ "self", true },
	{ NULL, 0 },
};

static const struct param_word dmarc_method_words[] = {
	{ "rfc9989", false },
	{ "rfc7489", true },
	{ NULL, 0 },
};

static const struct param_word aligned_dkim_words[] = {
	{ "spf", 1u << AG_FAM_SPF },
	{ "none", 0 },
	{ NULL, 0 },
};

static const struct param_word off_on_words[] = {
	{ "off", false },
	{ "on", true },
	{ NULL, 0 },
};

/* Syslog facilities by their RFC 5424 codes (policy/ does not include
 * <syslog.h>); "off" sends nothing. */
static const struct param_word facility_words[] = {
	{ "off", -1 },
	{ "user", 1 },
	{ "mail", 2 },
	{ "daemon", 3 },
	{ "local0", 16 },
	{ "local1", 17 },
	{ "local2", 18 },
	{ "local3", 19 },
	{ "local4", 20 },
	{ "local5", 21 },
	{ "local6", 22 },
	{ "local7", 23 },
	{ NULL, 0 },
};

/*
 * The table. Each row: section, key, parser; the field it sets (its C
 * type, offset, and the offset of the field keeping its line, if any);
 * its default; its bounds (a number's range, a text's length), words or
 * list items. Rows of one section are tried in order.
 */
/* clang-format off */
const struct param policy_params[P_COUNT] = {
	/* [general] */
	[P_AUTHSERV_ID] = { SEC_GENERAL, "authserv_id", param_authserv_id,
	    PS_STRING, FIELD(authserv_id), NO_LINE,
	    .def = "", /* the host name is used */
	    .min = 1, .max = POLICY_MAX_AUTHSERV },
	[P_MODE] = { SEC_GENERAL, "mode", param_word,
	    PS_MODE, FIELD(mode), FIELD(mode_line),
	    .def_value = AG_MODE_ENFORCE,
	    .words = mode_words },
	[P_ON_ERROR] = { SEC_GENERAL, "on_error", param_word,
	    PS_ACTION, FIELD(on_error), FIELD(on_error_line),
	    .def_value = AG_TEMPFAIL,
	    .words = on_error_words },
	[P_SUBJECT_TAG] = { SEC_GENERAL, "subject_tag", param_subject_tag,
	    PS_STRING, FIELD(subject_tag), NO_LINE,
	    .def = POLICY_DEFAULT_TAG,
	    .min = 1, .max = POLICY_MAX_TAG },
	[P_MIN_KEY_BITS] = { SEC_GENERAL, "min_key_bits", param_number,
	    PS_UNSIGNED, FIELD(min_key_bits), FIELD(min_key_bits_line),
	    .def_value = POLICY_DEFAULT_BITS,
	    .min = 0, .max = POLICY_MAX_KEY_BITS },
	[P_DNS_TIMEOUT] = { SEC_GENERAL, "dns_timeout", param_time,
	    PS_UNSIGNED, FIELD(dns_timeout), NO_LINE,
	    .def_value = POLICY_DEFAULT_DNS_TIMEOUT,
	    .min = 1, .max = POLICY_MAX_DNS_TIMEOUT },
	[P_DKIM] = { SEC_GENERAL, "dkim", param_word,
	    PS_BOOL, FIELD(dkim_self), FIELD(dkim_line),
	    .def_value = false,
	    .words = source_words },
	[P_SPF] = { SEC_GENERAL, "spf", param_word,
	    PS_BOOL, FIELD(spf_self), FIELD(spf_line),
	    .def_value = false,
	    .words = source_words },
	[P_ARC] = { SEC_GENERAL, "arc", param_word,
	    PS_BOOL, FIELD(arc_self), FIELD(arc_line),
	    .def_value = false,
	    .words = arc_words },
	[P_DMARC_METHOD] = { SEC_GENERAL, "dmarc_method", param_word,
	    PS_BOOL, FIELD(dmarc_rfc7489), FIELD(dmarc_method_line),
	    .def_value = false,
	    .words = dmarc_method_words },
	[P_DMARC_PASS_WAIVES] = { SEC_GENERAL, "dmarc_pass_waives",
	    param_waives,
	    PS_UNSIGNED, FIELD(dmarc_pass_waives), NO_LINE,
	    .def_value = (1u << AG_FAM_SPF) | (1u << AG_FAM_DKIM),
	    .list = true, .item = add_waive },
	[P_ALIGNED_DKIM_WAIVES] = { SEC_GENERAL, "aligned_dkim_waives",
	    param_word,
	    PS_UNSIGNED, FIELD(aligned_dkim_waives),
	    FIELD(aligned_dkim_waives_line),
	    .def_value = 1u << AG_FAM_SPF,
	    .words = aligned_dkim_words },
	[P_SKIP_HOSTS] = { SEC_GENERAL, "skip_hosts", param_list,
	    PS_NONE, 0, NO_LINE, /* none: an empty list */
	    .list = true, .item = add_skip_host },
	[P_LOG_FILE] = { SEC_GENERAL, "log_file", param_path,
	    PS_STRING, FIELD(log_file), FIELD(log_file_line),
	    .def = "", /* no log file */
	    .max = POLICY_MAX_PATH },
	[P_LOG_SYSLOG] = { SEC_GENERAL, "log_syslog", param_word,
	    PS_INT, FIELD(syslog_facility), NO_LINE,
	    .def_value = -1, /* off */
	    .words = facility_words,
	    .takes = "off, user, mail, daemon or local0 to local7" },
	[P_SYSLOG_SOCKET] = { SEC_GENERAL, "syslog_socket", param_path,
	    PS_STRING, FIELD(syslog_socket), NO_LINE,
	    .def = POLICY_DEFAULT_SYSLOG_SOCKET,
	    .max = POLICY_MAX_PATH },
	[P_PSL_FILE] = { SEC_GENERAL, "psl_file", param_path,
	    PS_STRING, FIELD(psl_file), NO_LINE,
	    .def = POLICY_DEFAULT_PSL,
	    .max = POLICY_MAX_PATH },
	[P_REJECT_MESSAGE] = { SEC_GENERAL, "reject_message", param_message,
	    PS_STRING, FIELD(reject_message), NO_LINE,
	    .def = POLICY_DEFAULT_REJECT,
	    .min = 1, .max = POLICY_MAX_MESSAGE },
	[P_TEMPFAIL_MESSAGE] = { SEC_GENERAL, "tempfail_message", param_message,
	    PS_STRING, FIELD(tempfail_message), NO_LINE,
	    .def = POLICY_DEFAULT_TEMPFAIL,
	    .min = 1, .max = POLICY_MAX_MESSAGE },
	[P_FAILURE_REPORTS] = { SEC_GENERAL, "failure_reports", param_word,
	    PS_BOOL, FIELD(failure_reports), FIELD(failure_reports_line),
	    .def_value = false,
	    .words = off_on_words },
	[P_FAILURE_REPORT_FROM] = { SEC_GENERAL, "failure_report_from",
	    param_report_from,
	    PS_STRING, FIELD(failure_report_from), NO_LINE,
	    .def = "", /* no reports can be sent */
	    .min = 1, .max = POLICY_MAX_RUF_FROM },
	[P_FAILURE_REPORT_ORG] = { SEC_GENERAL, "failure_report_org",
	    param_text,
	    PS_STRING, FIELD(failure_report_org), NO_LINE,
	    .def = "", /* the authserv-id is used */
	    .min = 1, .max = POLICY_MAX_RUF_ORG },
	[P_FAILURE_REPORT_INTERVAL] = { SEC_GENERAL, "failure_report_interval",
	    param_time,
	    PS_UNSIGNED, FIELD(failure_report_interval), NO_LINE,
	    .def_value = POLICY_DEFAULT_RUF_INTERVAL,
	    .min = POLICY_MIN_RUF_INTERVAL, .max = POLICY_MAX_RUF_INTERVAL },
	[P_FAILURE_REPORT_LIMIT] = { SEC_GENERAL, "failure_report_limit",
	    param_number,
	    PS_UNSIGNED, FIELD(failure_report_limit), NO_LINE,
	    .def_value = POLICY_DEFAULT_RUF_LIMIT,
	    .min = 1, .max = POLICY_MAX_RUF_LIMIT },
	[P_FAILURE_REPORT_STATE] = { SEC_GENERAL, "failure_report_state",
	    param_path,
	    PS_STRING, FIELD(failure_report_state),
	    FIELD(failure_report_state_line),
	    .def = POLICY_DEFAULT_RUF_STATE,
	    .max = POLICY_MAX_PATH },

	/* [trusted]: lists, empty by default */
	[P_TRUSTED_DOMAINS] = { SEC_TRUSTED, "domains", param_list,
	    PS_NONE, 0, NO_LINE,
	    .list = true, .item = add_trusted_domain },
	[P_TRUSTED_RELAYS] = { SEC_TRUSTED, "relays", param_list,
	    PS_NONE, 0, NO_LINE,
	    .list = true, .item = add_relay },
	[P_TRUSTED_ARC_SEALERS] = { SEC_TRUSTED, "arc_sealers", param_list,
	    PS_NONE, 0, NO_LINE,
	    .list = true, .item = add_sealer },

	/* [domain:NAME], besides the class keys; fields of struct
	 * policy_domain, unset by default */
	[P_DOMAIN_IGNORE] = { SEC_DOMAIN, "ignore", param_list,
	    PS_NONE, 0, NO_LINE, /* add_ignore sets the bits and line */
	    .list = true, .item = add_ignore },
	[P_DOMAIN_MODE] = { SEC_DOMAIN, "mode", param_domain_mode,
	    PS_MODE, DOMAIN_FIELD(mode), DOMAIN_FIELD(mode_line),
	    .words = mode_words },
};
/* clang-format on */

/* Stores v into the parameter's field of obj, as the field's type. */
static inline void
store_value(const struct param *pa, void *obj, long v)
{
	void *f = (char *)obj + pa->field;

	switch (pa->store) {
	case PS_NONE:
	case PS_STRING:
		break;
	case PS_UNSIGNED:
		*(unsigned *)f = (unsigned)v;
		break;
	case PS_INT:
		*(int *)f = (int)v;
		break;
	case PS_BOOL:
		*(bool *)f = v != 0;
		break;
	case PS_MODE:
		*(enum ag_mode *)f = (enum ag_mode)v;
		break;
	case PS_ACTION:
		*(enum ag_action *)f = (enum ag_action)v;
		break;
	}
}

/* Records the line that set the parameter, for fields that keep it. */
static inline void
store_line(const struct loader *ld, const struct param *pa, void *obj)
{
	if (pa->line != 0)
		*(unsigned *)(void *)((char *)obj + pa->line) = ld->lineno;
}

static void
store_string(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	*(const char **)(void *)((char *)obj + pa->field)
	    = loader_save(ld, value, strlen(value));
}

void
params_defaults(struct policy *p)
{
	const struct param *pa;
	size_t i;

	for (pa = policy_params; pa < policy_params + P_COUNT; pa++) {
		if (pa->section != SEC_GENERAL)
			continue;
		if (pa->store == PS_STRING)
			*(const char **)(void *)((char *)p + pa->field)
			    = pa->def;
		else
			store_value(pa, p, pa->def_value);
	}
	for (i = 0; i < AG_CLASS_COUNT; i++) {
		p->actions[i].action = ag_class_default_action(i);
		p->actions[i].line = 0;
	}
}

void
params_check(struct loader *ld)
{
	const struct policy *p = ld->p;

	if (p->failure_reports && p->failure_report_from[0] == '\0')
		policy_diag_add(ld->diag, POLICY_ERROR, p->failure_reports_line,
		    "failure_reports = on needs failure_report_from, the "
		    "address the reports come from");
}

static bool
printable_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* A whole number from the row's min to its max. */
static void
param_number(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0
	    || n < pa->min || n > pa->max) {
		loader_error(ld, "%s must be %s from %lu to %lu, not '%s'",
		    pa->name, pa->takes != NULL ? pa->takes : "a number",
		    pa->min, pa->max, value);
		return;
	}
	store_value(pa, obj, (long)n);
	store_line(ld, pa, obj);
}

/* Tells whether value is word, ASCII case ignored. */
static bool
same_word(const char *value, const char *word)
{
	for (; *value != '\0' && *word != '\0'; value++, word++) {
		char c = *value;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != *word)
			return false;
	}
	return *value == *word;
}

/* A time from the row's min to its max seconds, in seconds or in Exim's
 * form. */
static void
param_time(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	char lo[32], hi[32];
	unsigned long n;

	if (duration_parse(value, &n) != 0 || n < pa->min || n > pa->max) {
		duration_format(pa->min, lo, sizeof(lo));
		duration_format(pa->max, hi, sizeof(hi));
		loader_error(ld,
		    "%s must be a number of seconds from %lu to %lu, or a "
		    "time as Exim writes one (5s, 2m, 1h) from %s to %s, "
		    "not '%s'",
		    pa->name, pa->min, pa->max, lo, hi, value);
		return;
	}
	store_value(pa, obj, (long)n);
	store_line(ld, pa, obj);
}

/* One of the row's words; false after an error naming them. */
static bool
set_word(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	const struct param_word *w;
	char takes[120];
	const char *sep;
	size_t o = 0;

	struct suggest sg;

	/* Words are taken in any case (Monitor, TEMPFAIL). */
	for (w = pa->words; w->word != NULL; w++)
		if (same_word(value, w->word)) {
			store_value(pa, obj, w->value);
			store_line(ld, pa, obj);
			return true;
		}
	suggest_init(&sg, value);
	for (w = pa->words; w->word != NULL; w++)
		suggest_offer(&sg, w->word);
	/* Unless the row says it: 'a', 'b' or 'c'. */
	takes[0] = '\0';
	for (w = pa->words; w->word != NULL && o < sizeof(takes); w++) {
		if (w == pa->words)
			sep = "";
		else if (w[1].word == NULL)
			sep = " or ";
		else
			sep = ", ";
		o += (size_t)snprintf(takes + o, sizeof(takes) - o, "%s'%s'",
		    sep, w->word);
	}
	loader_error(ld, "%s must be %s, not '%s'%s%s%s", pa->name,
	    pa->takes != NULL ? pa->takes : takes, value,
	    suggest_result(&sg) != NULL ? " (did you mean " : "",
	    suggest_result(&sg) != NULL ? suggest_result(&sg) : "",
	    suggest_result(&sg) != NULL ? "?)" : "");
	return false;
}

static void
param_word(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	(void)set_word(ld, pa, obj, value);
}

static void
param_domain_mode(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	struct policy_domain *d = obj;

	if (set_word(ld, pa, obj, value))
		d->mode_set = true;
}

/* Printable ASCII of the row's min to max bytes; false after an error. */
static bool
text_ok(struct loader *ld, const struct param *pa, const char *value)
{
	size_t len = strlen(value);

	if (len < pa->min || len > pa->max || !printable_ascii(value)) {
		loader_error(ld,
		    "%s must be %lu to %lu printable ASCII characters",
		    pa->name, pa->min, pa->max);
		return false;
	}
	return true;
}

static void
param_text(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	if (text_ok(ld, pa, value))
		store_string(ld, pa, obj, value);
}

static void
param_subject_tag(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	if (!text_ok(ld, pa, value))
		return;
	if (strstr(value, "=?") != NULL) {
		/* Mail readers would decode it as an RFC 2047 word. */
		loader_error(ld, "%s must not contain \"=?\"", pa->name);
		return;
	}
	store_string(ld, pa, obj, value);
}

/* Reply templates: printable ASCII with %{reason}, %{domain}, %{class}
 * and %{rule}; anything else after "%{" is an error. */
static void
param_message(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	static const char *const vars[]
	    = { "reason}", "domain}", "class}", "rule}" };
	const char *p;
	size_t i;

	if (!text_ok(ld, pa, value))
		return;
	for (p = strstr(value, "%{"); p != NULL; p = strstr(p + 2, "%{")) {
		for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			if (strncmp(p + 2, vars[i], strlen(vars[i])) == 0)
				break;
		if (i == sizeof(vars) / sizeof(vars[0])) {
			loader_error(ld,
			    "%s: unknown variable at '%.20s' (known: "
			    "%%{reason}, %%{domain}, %%{class}, %%{rule})",
			    pa->name, p);
			return;
		}
	}
	store_string(ld, pa, obj, value);
}

/* An absolute path of printable ASCII, up to the row's max bytes. */
static void
param_path(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	size_t len = strlen(value);

	if (len == 0 || value[0] != '/' || len > pa->max
	    || !printable_ascii(value)) {
		loader_error(ld, "%s must be an absolute path, not '%s'",
		    pa->name, value);
		return;
	}
	store_string(ld, pa, obj, value);
	store_line(ld, pa, obj);
}

static void
param_authserv_id(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	const char *s;
	size_t len = strlen(value);

	if (len < pa->min || len > pa->max) {
		loader_error(ld, "%s must be %lu to %lu characters", pa->name,
		    pa->min, pa->max);
		return;
	}
	for (s = value; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
			|| (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'
			|| *s == '_')) {
			loader_error(ld,
			    "%s '%s' may hold only letters, digits, "
			    "'.', '-' and '_'",
			    pa->name, value);
			return;
		}
	}
	store_string(ld, pa, obj, value);
}

/* The reports' From address goes into a header and onto no command line;
 * it is held to the characters report addresses may use. */
static void
param_report_from(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+=@";
	char dom[DOMAIN_MAX_LEN + 1], err[120];
	const char *at = strchr(value, '@');
	size_t len = strlen(value);

	if (len < pa->min || len > pa->max || strspn(value, ok) != len
	    || at == NULL || at == value || strchr(at + 1, '@') != NULL
	    || domain_normalize(at + 1, strlen(at + 1), dom, err, sizeof(err))
		!= 0) {
		loader_error(ld,
		    "%s must be a plain address "
		    "(local@domain, letters, digits and .-_+=), not '%.80s'",
		    pa->name, value);
		return;
	}
	store_string(ld, pa, obj, value);
}

/*
 * List values: items separated by commas and/or white space, each handed
 * to the row's item function; an empty item between two commas is an
 * error.
 */
static void
param_list(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	const char *p = value, *start;
	bool need_item = false;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			break; /* a trailing comma may precede a continuation */
		if (*p == ',') {
			if (need_item) {
				loader_error(ld,
				    "empty item in the list of '%s'", pa->name);
			}
			need_item = true;
			p++;
			continue;
		}
		start = p;
		while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		need_item = false;
		pa->item(ld, obj, start, (size_t)(p - start));
	}
}

/* A bit set of families: the first line replaces the default. */
static void
param_waives(struct loader *ld, const struct param *pa, void *obj,
    const char *value)
{
	struct policy *p = obj;

	if (!ld->continuation) {
		p->dmarc_pass_waives = 0;
		p->dmarc_pass_waives_line = ld->lineno;
	}
	param_list(ld, pa, obj, value);
}

static void
add_waive(struct loader *ld, void *obj, const char *s, size_t len)
{
	struct policy *p = obj;
	enum ag_family fam;
	char word[16];

	if (len == 4 && memcmp(s, "none", 4) == 0)
		return;
	if (len >= sizeof(word)
	    || (memcpy(word, s, len), word[len] = '\0',
		ag_family_parse(word, &fam) != 0)
	    || (fam != AG_FAM_SPF && fam != AG_FAM_DKIM && fam != AG_FAM_ARC)) {
		loader_error(ld,
		    "dmarc_pass_waives takes spf, dkim, arc or none, not '%.*s'",
		    (int)(len > 40 ? 40 : len), s);
		return;
	}
	p->dmarc_pass_waives |= 1u << fam;
}

static void
add_cidr(struct loader *ld, struct vec *v, const char *s, size_t len)
{
	char err[160];
	struct cidr *c, tmp;

	if (cidr_parse(s, len, &tmp, err, sizeof(err)) != 0) {
		loader_error(ld, "%s", err);
		return;
	}
	tmp.line = ld->lineno;
	c = loader_push(ld, v);
	if (c != NULL)
		*c = tmp;
}

static void
add_skip_host(struct loader *ld, void *obj, const char *s, size_t len)
{
	(void)obj;
	add_cidr(ld, &ld->skip, s, len);
}

static void
add_relay(struct loader *ld, void *obj, const char *s, size_t len)
{
	(void)obj;
	add_cidr(ld, &ld->relays, s, len);
}

static void
add_name(struct loader *ld, struct vec *v, const char *what, const char *s,
    size_t len)
{
	char name[DOMAIN_MAX_LEN + 1], err[120];
	struct policy_entry *e;
	const char *saved;

	if (domcanon_strict(s, len, name, err, sizeof(err)) != 0) {
		loader_error(ld, "%s '%.*s': %s", what,
		    (int)(len > 64 ? 64 : len), s, err);
		return;
	}
	saved = loader_save(ld, name, strlen(name));
	e = loader_push(ld, v);
	if (e == NULL || saved == NULL)
		return;
	e->name = saved;
	if (policy_spelled_otherwise(s, len, name))
		e->written = loader_save(ld, s, len);
	e->line = ld->lineno;
}

static void
add_trusted_domain(struct loader *ld, void *obj, const char *s, size_t len)
{
	(void)obj;
	add_name(ld, &ld->trusted, "trusted domain", s, len);
}

static void
add_sealer(struct loader *ld, void *obj, const char *s, size_t len)
{
	(void)obj;
	add_name(ld, &ld->sealers, "ARC sealer", s, len);
}

static void
add_ignore(struct loader *ld, void *obj, const char *s, size_t len)
{
	struct policy_domain *d = obj;
	enum ag_family fam;
	char word[16];

	if (len >= sizeof(word)) {
		loader_error(ld, "ignore takes spf, dkim, dmarc or arc");
		return;
	}
	memcpy(word, s, len);
	word[len] = '\0';
	if (ag_family_parse(word, &fam) != 0 || fam == AG_FAM_FROM) {
		loader_error(ld,
		    "ignore takes spf, dkim, dmarc or arc, not '%s'%s", word,
		    strcmp(word, "from") == 0 ?
			" (From findings cannot be ignored)" :
			"");
		return;
	}
	d->ignore |= 1u << fam;
	d->ignore_line = ld->lineno;
}
