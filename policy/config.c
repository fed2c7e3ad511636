/*
 * config.c: policy.ini through Debian's inih. inih is fed by our own line
 * reader, which counts lines (inih's handler gets none), refuses lines
 * longer than inih's fixed buffer (inih would split them silently) and
 * parses section headers itself (inih cuts section names at 49 bytes
 * silently), handing inih a placeholder "[s]" instead.
 */
#include <errno.h>
#include <ini.h>
#include <libpsl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/config.h"
#include "policy/loader.h"

typedef void (*general_parser)(struct loader *ld, const char *value);

static void parse_authserv_id(struct loader *, const char *);
static void parse_mode(struct loader *, const char *);
static void parse_on_error(struct loader *, const char *);
static void parse_subject_tag(struct loader *, const char *);
static void parse_min_key_bits(struct loader *, const char *);
static void parse_dns_timeout(struct loader *, const char *);
static void parse_dkim(struct loader *, const char *);
static void parse_spf(struct loader *, const char *);
static void parse_arc(struct loader *, const char *);
static void parse_dmarc_pass_waives(struct loader *, const char *);
static void parse_skip_hosts(struct loader *, const char *);
static void parse_log_file(struct loader *, const char *);
static void parse_log_syslog(struct loader *, const char *);
static void parse_syslog_socket(struct loader *, const char *);
static void parse_psl_file(struct loader *, const char *);
static void parse_reject_message(struct loader *, const char *);
static void parse_tempfail_message(struct loader *, const char *);
static void parse_failure_reports(struct loader *, const char *);
static void parse_failure_report_from(struct loader *, const char *);
static void parse_failure_report_org(struct loader *, const char *);
static void parse_failure_report_interval(struct loader *, const char *);
static void parse_failure_report_limit(struct loader *, const char *);
static void parse_failure_report_state(struct loader *, const char *);

/* The [general] parameters: name, whether it is a list (indented lines
 * continue it), and its parser. Defaults are set in policy_defaults(). */
static const struct general_param {
	const char *name;
	bool list;
	general_parser parse;
} general_params[GK_COUNT] = {
	[GK_AUTHSERV_ID] = { "authserv_id", false, parse_authserv_id },
	[GK_MODE] = { "mode", false, parse_mode },
	[GK_ON_ERROR] = { "on_error", false, parse_on_error },
	[GK_SUBJECT_TAG] = { "subject_tag", false, parse_subject_tag },
	[GK_MIN_KEY_BITS] = { "min_key_bits", false, parse_min_key_bits },
	[GK_DNS_TIMEOUT] = { "dns_timeout", false, parse_dns_timeout },
	[GK_DKIM] = { "dkim", false, parse_dkim },
	[GK_SPF] = { "spf", false, parse_spf },
	[GK_ARC] = { "arc", false, parse_arc },
	[GK_DMARC_PASS_WAIVES]
	= { "dmarc_pass_waives", true, parse_dmarc_pass_waives },
	[GK_SKIP_HOSTS] = { "skip_hosts", true, parse_skip_hosts },
	[GK_LOG_FILE] = { "log_file", false, parse_log_file },
	[GK_LOG_SYSLOG] = { "log_syslog", false, parse_log_syslog },
	[GK_SYSLOG_SOCKET] = { "syslog_socket", false, parse_syslog_socket },
	[GK_PSL_FILE] = { "psl_file", false, parse_psl_file },
	[GK_REJECT_MESSAGE] = { "reject_message", false, parse_reject_message },
	[GK_TEMPFAIL_MESSAGE]
	= { "tempfail_message", false, parse_tempfail_message },
	[GK_FAILURE_REPORTS]
	= { "failure_reports", false, parse_failure_reports },
	[GK_FAILURE_REPORT_FROM]
	= { "failure_report_from", false, parse_failure_report_from },
	[GK_FAILURE_REPORT_ORG]
	= { "failure_report_org", false, parse_failure_report_org },
	[GK_FAILURE_REPORT_INTERVAL]
	= { "failure_report_interval", false, parse_failure_report_interval },
	[GK_FAILURE_REPORT_LIMIT]
	= { "failure_report_limit", false, parse_failure_report_limit },
	[GK_FAILURE_REPORT_STATE]
	= { "failure_report_state", false, parse_failure_report_state },
};

static const char *const trusted_params[TK_COUNT] = {
	[TK_DOMAINS] = "domains",
	[TK_RELAYS] = "relays",
	[TK_ARC_SEALERS] = "arc_sealers",
};

void
policy_diag_add(struct policy_diag *diag, enum policy_severity sev,
    unsigned line, const char *fmt, ...)
{
	struct policy_diag_item *item;
	va_list ap;

	if (diag == NULL)
		return;
	if (sev == POLICY_ERROR)
		diag->n_errors++;
	else
		diag->n_warnings++;
	if (diag->n >= POLICY_MAX_DIAGS) {
		diag->dropped++;
		return;
	}
	item = &diag->items[diag->n++];
	item->severity = sev;
	item->line = line;
	va_start(ap, fmt);
	vsnprintf(item->msg, sizeof(item->msg), fmt, ap);
	va_end(ap);
}

static void error_at(struct loader *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
error_at(struct loader *ld, const char *fmt, ...)
{
	char msg[sizeof(((struct policy_diag_item *)0)->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_diag_add(ld->diag, POLICY_ERROR, ld->lineno, "%s", msg);
}

void
policy_diag_format(const char *file, const struct policy_diag_item *item,
    char *buf, size_t size)
{
	const char *sev = item->severity == POLICY_ERROR ? "error" : "warning";

	if (item->line > 0)
		snprintf(buf, size, "%s:%u: %s: %s", file, item->line, sev,
		    item->msg);
	else
		snprintf(buf, size, "%s: %s: %s", file, sev, item->msg);
}

static void *
vec_push(struct loader *ld, struct vec *v)
{
	size_t cap;
	unsigned char *p;

	if (v->n == v->cap) {
		cap = v->cap == 0 ? 16 : v->cap * 2;
		p = ag_realloc(v->items, cap * v->elem);
		if (p == NULL) {
			ld->oom = true;
			return NULL;
		}
		v->items = p;
		v->cap = cap;
	}
	memset(v->items + v->n * v->elem, 0, v->elem);
	return v->items + v->n++ * v->elem;
}

static void *
vec_at(const struct vec *v, size_t i)
{
	return v->items + i * v->elem;
}

/* Copies a vector's contents into the policy's arena and frees it. */
static void *
vec_settle(struct loader *ld, struct vec *v, size_t *n)
{
	void *p = NULL;

	*n = v->n;
	if (v->n > 0) {
		p = arena_alloc(&ld->p->arena, v->n * v->elem);
		if (p == NULL)
			ld->oom = true;
		else
			memcpy(p, v->items, v->n * v->elem);
	}
	free(v->items);
	v->items = NULL;
	return p;
}

void
loader_settle(struct loader *ld)
{
	struct policy *p = ld->p;

	p->domain_list = vec_settle(ld, &ld->domains, &p->n_domains);
	p->trusted_list = vec_settle(ld, &ld->trusted, &p->n_trusted);
	p->sealer_list = vec_settle(ld, &ld->sealers, &p->n_sealers);
	p->relays = vec_settle(ld, &ld->relays, &p->n_relays);
	p->skip_hosts = vec_settle(ld, &ld->skip, &p->n_skip_hosts);
}

const char *
loader_save(struct loader *ld, const char *s, size_t len)
{
	const char *p = arena_strndup(&ld->p->arena, s, len);

	if (p == NULL)
		ld->oom = true;
	return p;
}

/*
 * List values: items separated by commas and/or white space. Calls fn for
 * each item; an empty item between two commas is an error.
 */
static void
for_each_item(struct loader *ld, const char *value, const char *key,
    void (*fn)(struct loader *, const char *, size_t))
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
				error_at(ld, "empty item in the list of '%s'",
				    key);
			}
			need_item = true;
			p++;
			continue;
		}
		start = p;
		while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		need_item = false;
		fn(ld, start, (size_t)(p - start));
	}
}

static bool
printable_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

static void
parse_authserv_id(struct loader *ld, const char *value)
{
	const char *s;
	size_t len = strlen(value);

	if (len == 0 || len > POLICY_MAX_AUTHSERV) {
		error_at(ld, "authserv_id must be 1 to %d characters",
		    POLICY_MAX_AUTHSERV);
		return;
	}
	for (s = value; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
			|| (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'
			|| *s == '_')) {
			error_at(ld,
			    "authserv_id '%s' may hold only letters, digits, "
			    "'.', '-' and '_'",
			    value);
			return;
		}
	}
	ld->p->authserv_id = loader_save(ld, value, len);
}

static int
parse_mode_word(const char *value, enum ag_mode *out)
{
	if (strcmp(value, "enforce") == 0)
		*out = AG_MODE_ENFORCE;
	else if (strcmp(value, "monitor") == 0)
		*out = AG_MODE_MONITOR;
	else
		return -1;
	return 0;
}

static void
parse_mode(struct loader *ld, const char *value)
{
	if (parse_mode_word(value, &ld->p->mode) != 0) {
		error_at(ld, "mode must be 'enforce' or 'monitor', not '%s'",
		    value);
		return;
	}
	ld->p->mode_line = ld->lineno;
}

static void
parse_on_error(struct loader *ld, const char *value)
{
	if (strcmp(value, "tempfail") == 0)
		ld->p->on_error = AG_TEMPFAIL;
	else if (strcmp(value, "accept") == 0)
		ld->p->on_error = AG_ACCEPT;
	else {
		error_at(ld,
		    "on_error must be 'tempfail' or 'accept', not '%s'", value);
		return;
	}
	ld->p->on_error_line = ld->lineno;
}

static void
parse_subject_tag(struct loader *ld, const char *value)
{
	size_t len = strlen(value);

	if (len == 0 || len > POLICY_MAX_TAG || !printable_ascii(value)) {
		error_at(ld,
		    "subject_tag must be 1 to %d printable ASCII characters",
		    POLICY_MAX_TAG);
		return;
	}
	if (strstr(value, "=?") != NULL) {
		/* Mail readers would decode it as an RFC 2047 word. */
		error_at(ld, "subject_tag must not contain \"=?\"");
		return;
	}
	ld->p->subject_tag = loader_save(ld, value, len);
}

/* A whole number from min to max; false (after an error naming what it
 * must be) otherwise. */
static bool
parse_number(struct loader *ld, const char *value, unsigned long min,
    unsigned long max, const char *must, unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(value, &end, 10);
	if (value[0] < '0' || value[0] > '9' || *end != '\0' || errno != 0
	    || n < min || n > max) {
		error_at(ld, "%s, not '%s'", must, value);
		return false;
	}
	*out = (unsigned)n;
	return true;
}

static void
parse_min_key_bits(struct loader *ld, const char *value)
{
	if (parse_number(ld, value, 0, POLICY_MAX_KEY_BITS,
		"min_key_bits must be a number from 0 to 16384",
		&ld->p->min_key_bits))
		ld->p->min_key_bits_line = ld->lineno;
}

static void
parse_dns_timeout(struct loader *ld, const char *value)
{
	(void)parse_number(ld, value, 1, POLICY_MAX_DNS_TIMEOUT,
	    "dns_timeout must be a number of seconds from 1 to 30",
	    &ld->p->dns_timeout);
}

static void
parse_source(struct loader *ld, const char *key, const char *value, bool *self)
{
	if (strcmp(value, "exim") == 0)
		*self = false;
	else if (strcmp(value, "self") == 0)
		*self = true;
	else
		error_at(ld, "%s must be 'exim' or 'self', not '%s'", key,
		    value);
}

static void
parse_dkim(struct loader *ld, const char *value)
{
	parse_source(ld, "dkim", value, &ld->p->dkim_self);
}

static void
parse_spf(struct loader *ld, const char *value)
{
	parse_source(ld, "spf", value, &ld->p->spf_self);
}

static void
parse_arc(struct loader *ld, const char *value)
{
	if (strcmp(value, "off") == 0)
		ld->p->arc_self = false;
	else if (strcmp(value, "self") == 0)
		ld->p->arc_self = true;
	else
		error_at(ld, "arc must be 'off' or 'self', not '%s'", value);
}

static void
add_waive(struct loader *ld, const char *s, size_t len)
{
	enum ag_family fam;
	char word[16];

	if (len == 4 && memcmp(s, "none", 4) == 0)
		return;
	if (len >= sizeof(word)
	    || (memcpy(word, s, len), word[len] = '\0',
		ag_family_parse(word, &fam) != 0)
	    || (fam != AG_FAM_SPF && fam != AG_FAM_DKIM && fam != AG_FAM_ARC)) {
		error_at(ld,
		    "dmarc_pass_waives takes spf, dkim, arc or none, not '%.*s'",
		    (int)(len > 40 ? 40 : len), s);
		return;
	}
	ld->p->dmarc_pass_waives |= 1u << fam;
}

static void
parse_dmarc_pass_waives(struct loader *ld, const char *value)
{
	if (!ld->continuation)
		ld->p->dmarc_pass_waives = 0;
	for_each_item(ld, value, "dmarc_pass_waives", add_waive);
}

static void
add_cidr(struct loader *ld, struct vec *v, const char *s, size_t len)
{
	char err[160];
	struct cidr *c, tmp;

	if (cidr_parse(s, len, &tmp, err, sizeof(err)) != 0) {
		error_at(ld, "%s", err);
		return;
	}
	tmp.line = ld->lineno;
	c = vec_push(ld, v);
	if (c != NULL)
		*c = tmp;
}

static void
add_skip_host(struct loader *ld, const char *s, size_t len)
{
	add_cidr(ld, &ld->skip, s, len);
}

static void
parse_skip_hosts(struct loader *ld, const char *value)
{
	for_each_item(ld, value, "skip_hosts", add_skip_host);
}

static void
parse_path(struct loader *ld, const char *key, const char *value,
    const char **out)
{
	size_t len = strlen(value);

	if (len == 0 || value[0] != '/' || len > POLICY_MAX_PATH
	    || !printable_ascii(value)) {
		error_at(ld, "%s must be an absolute path, not '%s'", key,
		    value);
		return;
	}
	*out = loader_save(ld, value, len);
}

static void
parse_log_file(struct loader *ld, const char *value)
{
	parse_path(ld, "log_file", value, &ld->p->log_file);
}

/* Syslog facilities by their RFC 5424 codes (policy/ does not include
 * <syslog.h>); "off" sends nothing. */
static void
parse_log_syslog(struct loader *ld, const char *value)
{
	static const struct {
		const char *name;
		int code;
	} facilities[] = {
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
	};
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(value, facilities[i].name) == 0) {
			ld->p->syslog_facility = facilities[i].code;
			return;
		}
	error_at(ld,
	    "log_syslog must be off, user, mail, daemon or local0 to local7, "
	    "not '%s'",
	    value);
}

static void
parse_syslog_socket(struct loader *ld, const char *value)
{
	parse_path(ld, "syslog_socket", value, &ld->p->syslog_socket);
}

static void
parse_psl_file(struct loader *ld, const char *value)
{
	parse_path(ld, "psl_file", value, &ld->p->psl_file);
}

/* Reply templates: printable ASCII with %{reason}, %{domain}, %{class}
 * and %{rule}; anything else after "%{" is an error. */
static void
parse_message(struct loader *ld, const char *key, const char *value,
    const char **out)
{
	static const char *const vars[]
	    = { "reason}", "domain}", "class}", "rule}" };
	const char *p;
	size_t len = strlen(value), i;

	if (len == 0 || len > POLICY_MAX_MESSAGE || !printable_ascii(value)) {
		error_at(ld, "%s must be 1 to %d printable ASCII characters",
		    key, POLICY_MAX_MESSAGE);
		return;
	}
	for (p = strstr(value, "%{"); p != NULL; p = strstr(p + 2, "%{")) {
		for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
			if (strncmp(p + 2, vars[i], strlen(vars[i])) == 0)
				break;
		if (i == sizeof(vars) / sizeof(vars[0])) {
			error_at(ld,
			    "%s: unknown variable at '%.20s' (known: "
			    "%%{reason}, %%{domain}, %%{class}, %%{rule})",
			    key, p);
			return;
		}
	}
	*out = loader_save(ld, value, len);
}

static void
parse_reject_message(struct loader *ld, const char *value)
{
	parse_message(ld, "reject_message", value, &ld->p->reject_message);
}

static void
parse_tempfail_message(struct loader *ld, const char *value)
{
	parse_message(ld, "tempfail_message", value, &ld->p->tempfail_message);
}

static void
parse_failure_reports(struct loader *ld, const char *value)
{
	if (strcmp(value, "on") == 0)
		ld->p->failure_reports = true;
	else if (strcmp(value, "off") == 0)
		ld->p->failure_reports = false;
	else {
		error_at(ld, "failure_reports must be 'off' or 'on', not '%s'",
		    value);
		return;
	}
	ld->p->failure_reports_line = ld->lineno;
}

/* The reports' From address goes into a header and onto no command line;
 * it is held to the characters report addresses may use. */
static void
parse_failure_report_from(struct loader *ld, const char *value)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+=@";
	char dom[DOMAIN_MAX_LEN + 1], err[120];
	const char *at = strchr(value, '@');
	size_t len = strlen(value);

	if (len == 0 || len > POLICY_MAX_RUF_FROM || strspn(value, ok) != len
	    || at == NULL || at == value || strchr(at + 1, '@') != NULL
	    || domain_normalize(at + 1, strlen(at + 1), dom, err, sizeof(err))
		!= 0) {
		error_at(ld,
		    "failure_report_from must be a plain address "
		    "(local@domain, letters, digits and .-_+=), not '%.80s'",
		    value);
		return;
	}
	ld->p->failure_report_from = loader_save(ld, value, len);
}

static void
parse_failure_report_org(struct loader *ld, const char *value)
{
	size_t len = strlen(value);

	if (len == 0 || len > POLICY_MAX_RUF_ORG || !printable_ascii(value)) {
		error_at(ld,
		    "failure_report_org must be 1 to %d printable ASCII "
		    "characters",
		    POLICY_MAX_RUF_ORG);
		return;
	}
	ld->p->failure_report_org = loader_save(ld, value, len);
}

static void
parse_failure_report_interval(struct loader *ld, const char *value)
{
	(void)parse_number(ld, value, POLICY_MIN_RUF_INTERVAL,
	    POLICY_MAX_RUF_INTERVAL,
	    "failure_report_interval must be a number of seconds from 60 to "
	    "604800",
	    &ld->p->failure_report_interval);
}

static void
parse_failure_report_limit(struct loader *ld, const char *value)
{
	(void)parse_number(ld, value, 1, POLICY_MAX_RUF_LIMIT,
	    "failure_report_limit must be a number from 1 to 10000",
	    &ld->p->failure_report_limit);
}

static void
parse_failure_report_state(struct loader *ld, const char *value)
{
	parse_path(ld, "failure_report_state", value,
	    &ld->p->failure_report_state);
}

static void
add_name(struct loader *ld, struct vec *v, const char *what, const char *s,
    size_t len)
{
	char name[DOMAIN_MAX_LEN + 1], err[120];
	struct policy_entry *e;
	const char *saved;

	if (domain_normalize(s, len, name, err, sizeof(err)) != 0) {
		error_at(ld, "%s '%.*s': %s", what, (int)(len > 64 ? 64 : len),
		    s, err);
		return;
	}
	saved = loader_save(ld, name, strlen(name));
	e = vec_push(ld, v);
	if (e == NULL || saved == NULL)
		return;
	e->name = saved;
	e->line = ld->lineno;
}

static void
add_trusted_domain(struct loader *ld, const char *s, size_t len)
{
	add_name(ld, &ld->trusted, "trusted domain", s, len);
}

static void
add_sealer(struct loader *ld, const char *s, size_t len)
{
	add_name(ld, &ld->sealers, "ARC sealer", s, len);
}

static void
add_relay(struct loader *ld, const char *s, size_t len)
{
	add_cidr(ld, &ld->relays, s, len);
}

static struct policy_domain *
current_domain(struct loader *ld)
{
	return vec_at(&ld->domains, ld->dom_index);
}

static void
add_ignore(struct loader *ld, const char *s, size_t len)
{
	enum ag_family fam;
	char word[16];
	struct policy_domain *d = current_domain(ld);

	if (len >= sizeof(word)) {
		error_at(ld, "ignore takes spf, dkim, dmarc or arc");
		return;
	}
	memcpy(word, s, len);
	word[len] = '\0';
	if (ag_family_parse(word, &fam) != 0 || fam == AG_FAM_FROM) {
		error_at(ld, "ignore takes spf, dkim, dmarc or arc, not '%s'%s",
		    word,
		    strcmp(word, "from") == 0 ?
			" (From findings cannot be ignored)" :
			"");
		return;
	}
	d->ignore |= 1u << fam;
	d->ignore_line = ld->lineno;
}

/* Checks a key against its section's earlier use: returns false (after an
 * error) when a single-valued key is set again or a key that takes one
 * value is continued by an indented line. */
static bool
check_repeat(struct loader *ld, const char *key, unsigned *first_line,
    bool list)
{
	if (ld->continuation) {
		if (!list) {
			error_at(ld,
			    "this indented line continues '%s', which takes a "
			    "single value (start every key in column 1)",
			    key);
			return false;
		}
		return true;
	}
	if (*first_line != 0) {
		error_at(ld, "'%s' is already set at line %u%s", key,
		    *first_line,
		    list ? " (continue a list on indented lines)" : "");
		return false;
	}
	*first_line = ld->lineno;
	return true;
}

static void
handle_class_key(struct loader *ld, const char *name, const char *value,
    struct policy_action *actions, bool *set, unsigned *lines)
{
	enum ag_class cls;
	enum ag_action action;

	if (ag_class_parse(name, &cls) != 0) {
		error_at(ld,
		    "unknown class '%s' (see the class table in "
		    "policy.ini(5))",
		    name);
		return;
	}
	if (!check_repeat(ld, name, &lines[cls], false))
		return;
	if (ag_action_parse(value, &action) != 0) {
		error_at(ld,
		    "unknown action '%s' for %s (accept, tag, quarantine, "
		    "tempfail or reject)",
		    value, name);
		return;
	}
	actions[cls].action = action;
	actions[cls].line = ld->lineno;
	if (set != NULL)
		set[cls] = true;
}

static void
handle_general(struct loader *ld, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < GK_COUNT; i++) {
		if (strcmp(general_params[i].name, name) != 0)
			continue;
		if (!check_repeat(ld, name, &ld->general_line[i],
			general_params[i].list))
			return;
		general_params[i].parse(ld, value);
		return;
	}
	error_at(ld, "unknown key '%s' in [general]", name);
}

static void
handle_trusted(struct loader *ld, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < TK_COUNT; i++)
		if (strcmp(trusted_params[i], name) == 0)
			break;
	if (i == TK_COUNT) {
		error_at(ld,
		    "unknown key '%s' in [trusted] (domains, relays, "
		    "arc_sealers)",
		    name);
		return;
	}
	if (!check_repeat(ld, name, &ld->trusted_line[i], true))
		return;
	if (i == TK_DOMAINS)
		for_each_item(ld, value, name, add_trusted_domain);
	else if (i == TK_RELAYS)
		for_each_item(ld, value, name, add_relay);
	else
		for_each_item(ld, value, name, add_sealer);
}

static void
handle_domain(struct loader *ld, const char *name, const char *value)
{
	struct policy_domain *d = current_domain(ld);

	if (strcmp(name, "ignore") == 0) {
		if (check_repeat(ld, name, &ld->dom_lines.ignore, true))
			for_each_item(ld, value, name, add_ignore);
		return;
	}
	if (strcmp(name, "mode") == 0) {
		if (!check_repeat(ld, name, &ld->dom_lines.mode, false))
			return;
		if (parse_mode_word(value, &d->mode) != 0) {
			error_at(ld,
			    "mode must be 'enforce' or 'monitor', not '%s'",
			    value);
			return;
		}
		d->mode_set = true;
		d->mode_line = ld->lineno;
		return;
	}
	if (strchr(name, '.') == NULL) {
		error_at(ld,
		    "unknown key '%s' in [domain:%s] (a class, ignore or mode)",
		    name, d->name);
		return;
	}
	handle_class_key(ld, name, value, d->actions, d->set,
	    ld->dom_lines.cls);
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;

	(void)section; /* the reader tracks sections; inih sees "[s]" */
	switch (ld->sec) {
	case SEC_NONE:
		error_at(ld, "'%s' appears before any [section]", name);
		break;
	case SEC_GENERAL:
		handle_general(ld, name, value);
		break;
	case SEC_ACTIONS:
		handle_class_key(ld, name, value, ld->p->actions, NULL,
		    ld->actions_line);
		break;
	case SEC_TRUSTED:
		handle_trusted(ld, name, value);
		break;
	case SEC_DOMAIN:
		handle_domain(ld, name, value);
		break;
	case SEC_INVALID:
		break; /* the header was reported; its keys are skipped */
	}
	return 1;
}

/* Handles a "[name]" line: sets ld->sec, reports bad or repeated
 * sections. */
static void
open_section(struct loader *ld, const char *line, size_t len)
{
	const char *close = memchr(line, ']', len), *p, *name;
	size_t nlen;
	char dom[DOMAIN_MAX_LEN + 1], err[120];
	struct policy_domain *d;
	enum section_kind kind;

	ld->sec = SEC_INVALID;
	if (close == NULL) {
		error_at(ld, "section header without a closing ']'");
		return;
	}
	for (p = close + 1; p < line + len; p++) {
		if (*p == ';' || *p == '#')
			break;
		if (*p != ' ' && *p != '\t') {
			error_at(ld, "text after the section header's ']'");
			return;
		}
	}
	name = line + 1;
	nlen = (size_t)(close - name);
	while (nlen > 0 && (*name == ' ' || *name == '\t'))
		name++, nlen--;
	while (nlen > 0 && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
		nlen--;
	if (nlen > 7 && memcmp(name, "domain:", 7) == 0) {
		if (domain_normalize(name + 7, nlen - 7, dom, err, sizeof(err))
		    != 0) {
			error_at(ld, "[domain:%.*s]: %s",
			    (int)(nlen - 7 > 64 ? 64 : nlen - 7), name + 7,
			    err);
			return;
		}
		d = vec_push(ld, &ld->domains);
		if (d == NULL)
			return;
		d->name = loader_save(ld, dom, strlen(dom));
		d->line = ld->lineno;
		ld->dom_index = ld->domains.n - 1;
		memset(&ld->dom_lines, 0, sizeof(ld->dom_lines));
		ld->sec = SEC_DOMAIN;
		return;
	}
	if (nlen == 7 && memcmp(name, "general", 7) == 0)
		kind = SEC_GENERAL;
	else if (nlen == 7 && memcmp(name, "actions", 7) == 0)
		kind = SEC_ACTIONS;
	else if (nlen == 7 && memcmp(name, "trusted", 7) == 0)
		kind = SEC_TRUSTED;
	else {
		error_at(ld,
		    "unknown section [%.*s] (general, actions, trusted or "
		    "domain:NAME)",
		    (int)(nlen > 64 ? 64 : nlen), name);
		return;
	}
	if (ld->sec_line[kind] != 0) {
		error_at(ld, "section [%.*s] already opened at line %u",
		    (int)nlen, name, ld->sec_line[kind]);
		return;
	}
	ld->sec_line[kind] = ld->lineno;
	ld->sec = kind;
}

/*
 * The reader inih calls for each line. It hands inih either the line as
 * it is, or "\n" for a line it has already dealt with (header, error), so
 * inih's own error and truncation paths are never taken.
 */
static char *
line_reader(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	const char *line, *nl, *p;
	size_t len, avail, i;
	bool indented, sep;

	if (ld->pos >= ld->len)
		return NULL;
	line = ld->text + ld->pos;
	avail = ld->len - ld->pos;
	nl = memchr(line, '\n', avail);
	len = nl != NULL ? (size_t)(nl - line) : avail;
	ld->pos += nl != NULL ? len + 1 : len;
	ld->lineno++;
	ld->continuation = false;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (ld->lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3, len -= 3;
	memcpy(str, "\n", 2);
	if (memchr(line, '\0', len) != NULL) {
		error_at(ld, "NUL byte in line");
		return str;
	}
	if (len > POLICY_MAX_LINE || (int)len + 3 > num) {
		error_at(ld,
		    "line longer than %d characters (continue a list on "
		    "indented lines)",
		    POLICY_MAX_LINE);
		return str;
	}
	indented = len > 0 && (line[0] == ' ' || line[0] == '\t');
	for (p = line; p < line + len && (*p == ' ' || *p == '\t'); p++)
		;
	if (p == line + len || *p == ';' || *p == '#')
		return str; /* blank or comment */
	if (indented && ld->have_prev_name) {
		/* Debian's inih keeps inline comments on continuation
		 * lines; cut them here as it does on key lines. */
		for (i = (size_t)(p - line); i < len; i++)
			if (line[i] == ';'
			    && (line[i - 1] == ' ' || line[i - 1] == '\t'))
				len = i;
		ld->continuation = true;
	} else if (*p == '[') {
		open_section(ld, p, len - (size_t)(p - line));
		ld->have_prev_name = false;
		memcpy(str, "[s]\n", 5);
		return str;
	} else {
		/* inih's rule: the first '=' or ':' before an inline
		 * comment (';' after white space) separates key and value. */
		sep = false;
		for (i = (size_t)(p - line); i < len; i++) {
			if (line[i] == '=' || line[i] == ':') {
				sep = true;
				break;
			}
			if (line[i] == ';' && i > 0
			    && (line[i - 1] == ' ' || line[i - 1] == '\t'))
				break;
		}
		if (!sep) {
			error_at(ld,
			    "expected 'key = value', a [section] or a "
			    "comment");
			return str;
		}
		if (p[0] == '=' || p[0] == ':') {
			error_at(ld, "missing key before '%c'", p[0]);
			return str;
		}
		ld->have_prev_name = true;
	}
	memcpy(str, line, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

void
params_defaults(struct policy *p)
{
	size_t i;

	p->authserv_id = "";
	p->mode = AG_MODE_ENFORCE;
	p->on_error = AG_TEMPFAIL;
	p->subject_tag = POLICY_DEFAULT_TAG;
	p->min_key_bits = POLICY_DEFAULT_BITS;
	p->dns_timeout = POLICY_DEFAULT_DNS_TIMEOUT;
	p->dmarc_pass_waives = (1u << AG_FAM_SPF) | (1u << AG_FAM_DKIM);
	p->log_file = "";
	p->syslog_facility = -1;
	p->syslog_socket = POLICY_DEFAULT_SYSLOG_SOCKET;
	p->psl_file = POLICY_DEFAULT_PSL;
	p->reject_message = POLICY_DEFAULT_REJECT;
	p->tempfail_message = POLICY_DEFAULT_TEMPFAIL;
	p->failure_report_from = "";
	p->failure_report_org = "";
	p->failure_report_interval = POLICY_DEFAULT_RUF_INTERVAL;
	p->failure_report_limit = POLICY_DEFAULT_RUF_LIMIT;
	p->failure_report_state = POLICY_DEFAULT_RUF_STATE;
	for (i = 0; i < AG_CLASS_COUNT; i++) {
		p->actions[i].action = ag_class_default_action(i);
		p->actions[i].line = 0;
	}
}

/* Builds a name set whose values point at the entries; reports repeated
 * [domain:] sections (repeated list items are harmless). */
static int
build_set(struct loader *ld, struct dset *set, const char **names,
    void **values, size_t n)
{
	if (n == 0) {
		memset(set, 0, sizeof(*set));
		return 0;
	}
	if (dset_build(set, &ld->p->arena, names, values, n) != 0) {
		ld->oom = true;
		return -1;
	}
	return 0;
}

static void
build_entry_set(struct loader *ld, struct dset *set, struct policy_entry *list,
    size_t n)
{
	const char **names;
	void **values;
	size_t i;

	if (n == 0)
		return;
	names = ag_malloc(n * sizeof(*names));
	values = ag_malloc(n * sizeof(*values));
	if (names == NULL || values == NULL) {
		ld->oom = true;
	} else {
		for (i = 0; i < n; i++) {
			names[i] = list[i].name;
			values[i] = &list[i];
		}
		build_set(ld, set, names, values, n);
	}
	free(names);
	free(values);
}

static void
build_domain_set(struct loader *ld)
{
	struct policy *p = ld->p;
	const char **names;
	void **values;
	const struct dset_entry *e;
	const struct policy_domain *first;
	size_t i, n = p->n_domains;

	if (n == 0)
		return;
	names = ag_malloc(n * sizeof(*names));
	values = ag_malloc(n * sizeof(*values));
	if (names == NULL || values == NULL) {
		ld->oom = true;
		goto out;
	}
	for (i = 0; i < n; i++) {
		names[i] = p->domain_list[i].name;
		values[i] = &p->domain_list[i];
	}
	if (build_set(ld, &p->domains, names, values, n) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		e = dset_get(&p->domains, names[i], strlen(names[i]));
		first = e->value;
		if (first != &p->domain_list[i])
			policy_diag_add(ld->diag, POLICY_ERROR,
			    p->domain_list[i].line,
			    "section [domain:%s] already opened at line %u",
			    names[i], first->line);
	}
out:
	free(names);
	free(values);
}

void
loader_build_sets(struct loader *ld)
{
	struct policy *p = ld->p;

	build_entry_set(ld, &p->trusted_domains, p->trusted_list, p->n_trusted);
	build_entry_set(ld, &p->arc_sealers, p->sealer_list, p->n_sealers);
	build_domain_set(ld);
}

int
loader_read_ini(struct loader *ld)
{
	return ini_parse_stream(line_reader, ld, on_key, ld) < 0 ? -1 : 0;
}

void
policy_free(struct policy *policy)
{
	if (policy == NULL)
		return;
	if (policy->psl != NULL)
		psl_free(policy->psl);
	arena_free(&policy->arena);
	free(policy);
}

const char *
policy_org_domain(const struct policy *policy, const char *domain)
{
	if (policy->psl == NULL || domain == NULL || domain[0] == '\0')
		return NULL;
	return psl_registrable_domain(policy->psl, domain);
}

const struct policy_domain *
policy_domain_for(const struct policy *policy, const char *from_domain)
{
	const struct dset_entry *e
	    = dset_find_within(&policy->domains, from_domain);

	return e != NULL ? e->value : NULL;
}

const struct policy_entry *
policy_trusted_domain(const struct policy *policy, const char *domain)
{
	const struct dset_entry *e
	    = dset_find_within(&policy->trusted_domains, domain);

	return e != NULL ? e->value : NULL;
}

const struct policy_entry *
policy_trusted_sealer(const struct policy *policy, const char *domain)
{
	const struct dset_entry *e
	    = dset_find_within(&policy->arc_sealers, domain);

	return e != NULL ? e->value : NULL;
}

static const struct cidr *
find_network(const struct cidr *list, size_t n, const char *ip)
{
	unsigned char addr[16];
	size_t i;

	if (ip == NULL || n == 0 || cidr_parse_ip(ip, addr) != 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (cidr_contains(&list[i], addr))
			return &list[i];
	return NULL;
}

const struct cidr *
policy_trusted_relay(const struct policy *policy, const char *ip)
{
	return find_network(policy->relays, policy->n_relays, ip);
}

const struct cidr *
policy_skip_host(const struct policy *policy, const char *ip)
{
	return find_network(policy->skip_hosts, policy->n_skip_hosts, ip);
}
