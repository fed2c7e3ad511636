/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * helpers.h: shared pieces of the unit tests: load a policy from text (or
 * expect it to fail at a line), decide on facts given as JSON (written with
 * single quotes, J), find a finding by class.
 */
#ifndef AG_TEST_HELPERS_H
#define AG_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log/reader.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"

/* Loads policy text, failing the test (with the diagnostics) on error. */
static inline struct policy *
load_ok(const char *text)
{
	struct policy_diag diag;
	struct policy *p
	    = policy_load_buffer("t.ini", text, strlen(text), &diag);
	size_t i;

	if (p == NULL) {
		for (i = 0; i < diag.n; i++)
			print_error("t.ini:%u: %s\n", diag.items[i].line,
			    diag.items[i].msg);
		fail_msg("policy did not load");
	}
	return p;
}

/* Parses facts JSON into f (strings in arena), failing the test on error. */
static inline void
facts_ok(struct facts *f, struct arena *arena, const char *json)
{
	char err[256];

	if (facts_from_json(f, arena, json, strlen(json), err, sizeof(err))
	    != 0)
		fail_msg("facts did not parse: %s\n%s", err, json);
}

/* Returns the first finding of a class, or NULL. */
static inline const struct finding *
finding_of(const struct decision *d, enum ag_class cls)
{
	size_t i;

	for (i = 0; i < d->n_findings; i++)
		if (d->findings[i].cls == cls)
			return &d->findings[i];
	return NULL;
}

/* Test JSON is written with single quotes for readability. */
static inline const char *
J(const char *s)
{
	static char buf[8192];
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < sizeof(buf); i++)
		buf[i] = s[i] == '\'' ? '"' : s[i];
	buf[i] = '\0';
	return buf;
}

/* Expects loading text to fail with an error on line naming needle. */
static inline void
expect_error(const char *text, unsigned line, const char *needle)
{
	struct policy_diag diag;
	struct policy *p;
	size_t i;

	p = policy_load_buffer("t.ini", text, strlen(text), &diag);
	if (p != NULL) {
		policy_free(p);
		fail_msg("expected an error at line %u (%s):\n%s", line, needle,
		    text);
	}
	for (i = 0; i < diag.n; i++)
		if (diag.items[i].severity == POLICY_ERROR
		    && diag.items[i].line == line
		    && strstr(diag.items[i].msg, needle) != NULL)
			return;
	for (i = 0; i < diag.n; i++)
		print_error("  got %u: %s\n", diag.items[i].line,
		    diag.items[i].msg);
	fail_msg("no error at line %u containing '%s'", line, needle);
}

#endif
