/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_facts.c: any input must read as facts or fail cleanly. jansson, a
 * strict parser independent of ours, is the oracle for the JSON itself:
 * text we accept must be JSON to it, and text we call not JSON ("line L
 * column C: ...") must not be. Facts read must decide, render as a log
 * line that is valid single-line JSON, and read back from that line, as
 * replay reads it (the usual layout and a reordered one), as the same
 * facts with the same decision. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log/logline.h"
#include "log/reader.h"
#include "log/replay.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct policy *policy;
static struct replay_entry entry;

static const char policy_text[]
    = "[general]\nskip_hosts = 198.51.100.25\n"
      "[trusted]\ndomains = trusted.example\nrelays = 192.0.2.15/32\n"
      "arc_sealers = sealer.example\n"
      "[domain:partner.example]\ndkim.key_missing = accept\n"
      "[domain:trial.example]\nmode = monitor\n";

static bool
jansson_reads(const char *text, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);

	json_decref(root);
	return root != NULL;
}

/* Reads line back as replay does and checks it gives facts (as JSON in
 * want) and decision d again. */
static void
replay_same(const char *line, size_t len, const struct sbuf *want,
    const struct decision *d, struct arena *arena)
{
	struct sbuf got, a, b;
	char err[256];

	if (replay_line(policy, line, len, arena, &entry, err, sizeof(err))
	    != 0)
		abort();
	sbuf_init(&got, LOGLINE_MAX);
	sbuf_init(&a, LOGLINE_MAX);
	sbuf_init(&b, LOGLINE_MAX);
	facts_to_json(&entry.line.facts, &got);
	decision_to_json(policy, d, &a);
	decision_to_json(policy, &entry.now, &b);
	if (strcmp(sbuf_cstr(&got), sbuf_cstr(want)) != 0
	    || strcmp(sbuf_cstr(&a), sbuf_cstr(&b)) != 0)
		abort();
	sbuf_free(&got);
	sbuf_free(&a);
	sbuf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logline_meta meta
	    = { "2026-01-01T00:00:00Z", "fuzz", NULL, NULL };
	const char *text = (const char *)data;
	struct arena arena;
	struct facts f;
	struct decision d;
	struct sbuf line, facts, other;
	char err[256];
	const char *p;

	if (policy == NULL) {
		policy = policy_load_buffer("fuzz.ini", policy_text,
		    strlen(policy_text), NULL);
		if (policy == NULL)
			abort();
	}
	arena_init(&arena);
	sbuf_init(&line, LOGLINE_MAX);
	sbuf_init(&facts, LOGLINE_MAX);
	sbuf_init(&other, LOGLINE_MAX);
	if (facts_from_json(&f, &arena, text, size, err, sizeof(err)) != 0) {
		/* (jansson 2.14 skips a NUL byte right after a number or a
		 * literal, so texts with NUL bytes are left out) */
		if (strncmp(err, "line ", 5) == 0
		    && memchr(text, '\0', size) == NULL
		    && jansson_reads(text, size))
			abort();
		goto out;
	}
	if (!jansson_reads(text, size))
		abort();
	decide(policy, &f, &d);
	logline_render(&line, policy, &f, &d, &meta);
	facts_to_json(&f, &facts);
	if (sbuf_failed(&line) || sbuf_failed(&facts))
		goto out; /* over LOGLINE_MAX: the module logs that instead */
	for (p = sbuf_cstr(&line); *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			abort();
	if (!jansson_reads(sbuf_cstr(&line), line.len))
		abort();
	replay_same(sbuf_cstr(&line), line.len, &facts, &d, &arena);
	/* Not the layout authgate writes: replay reads the whole line. */
	sbuf_puts(&other, "{\"facts\":");
	sbuf_puts(&other, sbuf_cstr(&facts));
	sbuf_printf(&other,
	    ",\"decision\":{\"class\":\"x\",\"action\":\"%s\"}}",
	    ag_action_name(d.action));
	if (!sbuf_failed(&other))
		replay_same(sbuf_cstr(&other), other.len, &facts, &d, &arena);
out:
	sbuf_free(&line);
	sbuf_free(&facts);
	sbuf_free(&other);
	arena_free(&arena);
	return 0;
}
