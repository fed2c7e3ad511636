/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ini.c: policy.ini's text through Debian's inih. inih is fed by our own
 * line reader, which counts lines (inih's handler gets none), refuses
 * lines longer than inih's fixed buffer (inih would split them silently)
 * and parses section headers itself (inih cuts section names at 49 bytes
 * silently), handing inih a placeholder "[s]" instead. inih's callback
 * then sends each key to its row of the parameter table (params.c), or to
 * the classes table for [actions] and the class keys of [domain:].
 */
#include <ini.h>
#include <stdio.h>
#include <string.h>

#include "mail/domcanon.h"
#include "policy/classes.h"
#include "policy/config.h"
#include "policy/loader.h"
#include "util/domain.h"

static struct policy_domain *
current_domain(struct loader *ld)
{
	return (struct policy_domain *)(void *)ld->domains.items
	    + ld->dom_index;
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
			loader_error(ld,
			    "this indented line continues '%s', which takes a "
			    "single value (start every key in column 1)",
			    key);
			return false;
		}
		return true;
	}
	if (*first_line != 0) {
		loader_error(ld, "'%s' is already set at line %u%s", key,
		    *first_line,
		    list ? " (continue a list on indented lines)" : "");
		return false;
	}
	*first_line = ld->lineno;
	return true;
}

static const char *const section_names[] = {
	[SEC_NONE] = "",
	[SEC_GENERAL] = "[general]",
	[SEC_ACTIONS] = "[actions]",
	[SEC_TRUSTED] = "[trusted]",
	[SEC_DOMAIN] = "[domain:NAME]",
};

/* The section whose parameter is named name (the first, for mode), or
 * SEC_NONE. */
static enum section_kind
param_section(const char *name)
{
	size_t i;

	for (i = 0; i < P_COUNT; i++)
		if (strcmp(policy_params[i].name, name) == 0)
			return policy_params[i].section;
	return SEC_NONE;
}

/* The class name nearest to name, or NULL. */
static const char *
nearest_class(const char *name)
{
	struct suggest sg;
	size_t i;

	suggest_init(&sg, name);
	for (i = 0; i < AG_CLASS_COUNT; i++)
		suggest_offer(&sg, ag_class_name((enum ag_class)i));
	return suggest_result(&sg);
}

/* The parameter of section sec nearest to name, or NULL. */
static const char *
nearest_param(const struct loader *ld, enum section_kind sec, const char *name)
{
	struct suggest sg;
	size_t i;

	suggest_init(&sg, name);
	for (i = ld->rows[sec].first; i < ld->rows[sec].end; i++)
		if (policy_params[i].section == sec)
			suggest_offer(&sg, policy_params[i].name);
	return suggest_result(&sg);
}

static void
unknown_class(struct loader *ld, const char *name)
{
	enum section_kind home = param_section(name);
	const char *near;

	if (home != SEC_NONE && home != ld->sec)
		loader_error(ld, "unknown class '%s' (%s is a key of %s)", name,
		    name, section_names[home]);
	else if ((near = nearest_class(name)) != NULL)
		loader_error(ld, "unknown class '%s' (did you mean %s?)", name,
		    near);
	else
		loader_error(ld,
		    "unknown class '%s' (see the class table in "
		    "policy.ini(5))",
		    name);
}

/* Action words are taken in any case: REJECT, Tag. */
static int
parse_action(const char *value, enum ag_action *action)
{
	char word[16];
	size_t i;

	for (i = 0; value[i] != '\0'; i++) {
		if (i + 1 >= sizeof(word))
			return -1;
		word[i] = value[i] >= 'A' && value[i] <= 'Z' ?
		    (char)(value[i] - 'A' + 'a') :
		    value[i];
	}
	word[i] = '\0';
	return ag_action_parse(word, action);
}

static void
handle_class_key(struct loader *ld, const char *name, const char *value,
    struct policy_action *actions, bool *set, unsigned *lines)
{
	enum ag_class cls;
	enum ag_action action;
	struct suggest sg;
	size_t i;

	if (ag_class_parse(name, &cls) != 0) {
		unknown_class(ld, name);
		return;
	}
	if (!check_repeat(ld, name, &lines[cls], false))
		return;
	if (parse_action(value, &action) != 0) {
		suggest_init(&sg, value);
		for (i = 0; i < AG_ACTION_COUNT; i++)
			suggest_offer(&sg, ag_action_name((enum ag_action)i));
		if (suggest_result(&sg) != NULL)
			loader_error(ld,
			    "unknown action '%s' for %s (did you mean %s?)",
			    value, name, suggest_result(&sg));
		else
			loader_error(ld,
			    "unknown action '%s' for %s (accept, tag, "
			    "quarantine, tempfail or reject)",
			    value, name);
		return;
	}
	actions[cls].action = action;
	actions[cls].line = ld->lineno;
	if (set != NULL)
		set[cls] = true;
}

/* Sends a key of the open section to its row of the parameter table;
 * false when the section has no such key. */
static bool
handle_param(struct loader *ld, const char *name, const char *value, void *obj)
{
	const struct param *pa;
	size_t i;

	for (i = ld->rows[ld->sec].first; i < ld->rows[ld->sec].end; i++) {
		pa = &policy_params[i];
		/* The first letters tell most keys apart without a call. */
		if (pa->section != ld->sec || pa->name[0] != name[0]
		    || strcmp(pa->name, name) != 0)
			continue;
		if (check_repeat(ld, name, &ld->param_line[i], pa->list))
			pa->parse(ld, pa, obj, value);
		return true;
	}
	return false;
}

/* A key the open section does not have: said to belong elsewhere when
 * it does, else the nearest key of the section, else the section's
 * keys. */
static void
unknown_key(struct loader *ld, const char *name, const struct policy_domain *d)
{
	enum section_kind home = param_section(name);
	enum ag_class cls;
	char where[DOMAIN_MAX_LEN + 16];
	const char *near;

	if (ld->sec == SEC_DOMAIN)
		snprintf(where, sizeof(where), "[domain:%s]", d->name);
	else
		snprintf(where, sizeof(where), "%s", section_names[ld->sec]);
	if (home != SEC_NONE && home != ld->sec) {
		loader_error(ld, "unknown key '%s' in %s (%s is a key of %s)",
		    name, where, name, section_names[home]);
		return;
	}
	if (ag_class_parse(name, &cls) == 0) {
		loader_error(ld,
		    "unknown key '%s' in %s (a class: its action goes in "
		    "[actions] or [domain:NAME])",
		    name, where);
		return;
	}
	if ((near = nearest_param(ld, ld->sec, name)) != NULL) {
		loader_error(ld, "unknown key '%s' in %s (did you mean %s?)",
		    name, where, near);
		return;
	}
	if (ld->sec == SEC_GENERAL)
		loader_error(ld, "unknown key '%s' in [general]", name);
	else if (ld->sec == SEC_TRUSTED)
		loader_error(ld,
		    "unknown key '%s' in [trusted] (domains, relays, "
		    "arc_sealers)",
		    name);
	else
		loader_error(ld,
		    "unknown key '%s' in [domain:%s] (a class, ignore or mode)",
		    name, d->name);
}

static int
on_key(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	struct policy_domain *d = NULL;
	void *obj = ld->p;

	(void)section; /* the reader tracks sections; inih sees "[s]" */
	switch (ld->sec) {
	case SEC_NONE:
		loader_error(ld, "'%s' appears before any [section]", name);
		return 1;
	case SEC_ACTIONS:
		handle_class_key(ld, name, value, ld->p->actions, NULL,
		    ld->actions_line);
		return 1;
	case SEC_INVALID:
		return 1; /* the header was reported; its keys are skipped */
	case SEC_DOMAIN:
		d = current_domain(ld);
		if (strchr(name, '.') != NULL) {
			/* A class: no parameter's name has a dot. */
			handle_class_key(ld, name, value, d->actions, d->set,
			    ld->dom_class_line);
			return 1;
		}
		obj = d;
		break;
	case SEC_GENERAL:
	case SEC_TRUSTED:
		break;
	}
	if (handle_param(ld, name, value, obj))
		return 1;
	unknown_key(ld, name, d);
	return 1;
}

/* Opens a [domain:NAME] section, its keys unset so far. */
static void
open_domain(struct loader *ld, const char *name, size_t nlen)
{
	char dom[DOMAIN_MAX_LEN + 1], err[120];
	struct policy_domain *d;
	size_t i;

	if (domcanon_strict(name, nlen, dom, err, sizeof(err)) != 0) {
		loader_error(ld, "[domain:%.*s]: %s",
		    (int)(nlen > 64 ? 64 : nlen), name, err);
		return;
	}
	d = loader_push(ld, &ld->domains);
	if (d == NULL)
		return;
	d->name = loader_save(ld, dom, strlen(dom));
	if (policy_spelled_otherwise(name, nlen, dom))
		d->written = loader_save(ld, name, nlen);
	d->line = ld->lineno;
	ld->dom_index = ld->domains.n - 1;
	for (i = ld->rows[SEC_DOMAIN].first; i < ld->rows[SEC_DOMAIN].end; i++)
		if (policy_params[i].section == SEC_DOMAIN)
			ld->param_line[i] = 0;
	memset(ld->dom_class_line, 0, sizeof(ld->dom_class_line));
	ld->sec = SEC_DOMAIN;
}

/* A section name that is none of ours; [domian:x] is most likely
 * [domain:x]. */
static void
unknown_section(struct loader *ld, const char *name, size_t nlen)
{
	static const char *const known[]
	    = { "general", "actions", "trusted", "domain" };
	const char *colon = memchr(name, ':', nlen);
	size_t wlen = colon != NULL ? (size_t)(colon - name) : nlen, i;
	char word[16];
	struct suggest sg;
	const char *near = NULL;
	int shown = (int)(nlen > 64 ? 64 : nlen);

	if (wlen < sizeof(word)) {
		memcpy(word, name, wlen);
		word[wlen] = '\0';
		suggest_init(&sg, word);
		for (i = 0; i < 4; i++)
			if ((colon != NULL) == (i == 3))
				suggest_offer(&sg, known[i]);
		near = suggest_result(&sg);
	}
	if (near != NULL)
		loader_error(ld,
		    "unknown section [%.*s] (did you mean [%s%.*s]?)", shown,
		    name, near, colon != NULL ? (int)(shown - (int)wlen) : 0,
		    colon != NULL ? colon : "");
	else
		loader_error(ld,
		    "unknown section [%.*s] (general, actions, trusted or "
		    "domain:NAME)",
		    shown, name);
}

/* Handles a "[name]" line: sets ld->sec, reports bad or repeated
 * sections. */
static void
open_section(struct loader *ld, const char *line, size_t len)
{
	const char *close = memchr(line, ']', len), *p, *name;
	size_t nlen;
	enum section_kind kind;

	ld->sec = SEC_INVALID;
	if (close == NULL) {
		loader_error(ld, "section header without a closing ']'");
		return;
	}
	for (p = close + 1; p < line + len; p++) {
		if (*p == ';' || *p == '#')
			break;
		if (*p != ' ' && *p != '\t') {
			loader_error(ld, "text after the section header's ']'");
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
		open_domain(ld, name + 7, nlen - 7);
		return;
	}
	if (nlen == 7 && memcmp(name, "general", 7) == 0)
		kind = SEC_GENERAL;
	else if (nlen == 7 && memcmp(name, "actions", 7) == 0)
		kind = SEC_ACTIONS;
	else if (nlen == 7 && memcmp(name, "trusted", 7) == 0)
		kind = SEC_TRUSTED;
	else {
		unknown_section(ld, name, nlen);
		return;
	}
	if (ld->sec_line[kind] != 0) {
		loader_error(ld, "section [%.*s] already opened at line %u",
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
		loader_error(ld, "NUL byte in line");
		return str;
	}
	if (len > POLICY_MAX_LINE || (int)len + 3 > num) {
		loader_error(ld,
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
			loader_error(ld,
			    "expected 'key = value', a [section] or a "
			    "comment");
			return str;
		}
		if (p[0] == '=' || p[0] == ':') {
			loader_error(ld, "missing key before '%c'", p[0]);
			return str;
		}
		ld->have_prev_name = true;
	}
	memcpy(str, line, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	return str;
}

int
loader_read_ini(struct loader *ld)
{
	enum section_kind sec;
	size_t i;

	/* The table keeps a section's rows together, so a key is looked
	 * for among its section's rows only; the loops still check each
	 * row's section. */
	for (i = 0; i < P_COUNT; i++) {
		sec = policy_params[i].section;
		if (ld->rows[sec].end == 0)
			ld->rows[sec].first = i;
		ld->rows[sec].end = i + 1;
	}
	return ini_parse_stream(line_reader, ld, on_key, ld) < 0 ? -1 : 0;
}
