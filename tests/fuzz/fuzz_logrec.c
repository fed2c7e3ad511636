/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_logrec.c: any input must read as a log line or fail cleanly, with
 * a reason. jansson, a parser independent of ours, is the oracle for the
 * JSON: a line we read must be JSON to it, and one we call not JSON must
 * not be. A line read whole must read the same by layout (replay's way)
 * and carry fields within their sets and limits, and its facts must
 * render and read back as the same facts. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log/logline.h"
#include "log/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct logrec whole, fast;

/* 1 JSON to jansson, 0 not, -1 not JSON only by a limit of jansson's
 * own (numbers out of its range) or of ours (nesting depth), which the
 * two do not share. */
static int
jansson_reads(const char *text, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);

	json_decref(root);
	if (root != NULL)
		return 1;
	if (strstr(jerr.text, "too big") != NULL
	    || strstr(jerr.text, "overflow") != NULL
	    || strstr(jerr.text, "maximum parsing depth") != NULL)
		return -1;
	return 0;
}

static bool
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
facts_json(const struct facts *f, struct sbuf *sb)
{
	sbuf_init(sb, LOGLINE_MAX);
	facts_to_json(f, sb);
	if (sbuf_failed(sb))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct arena arena;
	struct sbuf a, b;
	struct facts again;
	char err[256];
	size_t i;
	int rc, j;

	arena_init(&arena);
	err[0] = '\0';
	rc = logrec_read(&whole, text, size, LOGREC_ALL, &arena, err,
	    sizeof(err));
	j = memchr(text, '\0', size) == NULL ? jansson_reads(text, size) : -1;
	if (rc != 0) {
		if (err[0] == '\0')
			abort();
		if (strncmp(err, "not JSON: ", 10) == 0
		    && strstr(err, "nested deeper") == NULL && j == 1)
			abort();
		goto out;
	}
	if (j == 0)
		abort();
	if ((unsigned)whole.action >= AG_ACTION_COUNT
	    || whole.n_findings > LOGREC_MAX_FINDINGS
	    || (whole.dmarc.has_pct && whole.dmarc.pct > 100))
		abort();
	for (i = 0; i < whole.n_findings; i++)
		if (whole.findings[i].signature < -1
		    || whole.findings[i].signature >= FACTS_MAX_DKIM
		    || (unsigned)whole.findings[i].cls >= AG_CLASS_COUNT)
			abort();
	if (logrec_read(&fast, text, size, LOGREC_ACTION_FACTS, &arena, err,
		sizeof(err))
	    != 0)
		abort();
	if (!same_str(whole.ts, fast.ts) || !same_str(whole.host, fast.host)
	    || !same_str(whole.id, fast.id) || whole.action != fast.action
	    || !same_str(whole.cls, fast.cls)
	    || whole.has_facts != fast.has_facts)
		abort();
	if (!whole.has_facts)
		goto out;
	facts_json(&whole.facts, &a);
	facts_json(&fast.facts, &b);
	if (strcmp(sbuf_cstr(&a), sbuf_cstr(&b)) != 0)
		abort();
	sbuf_free(&b);
	if (facts_from_json(&again, &arena, sbuf_cstr(&a), a.len, err,
		sizeof(err))
	    != 0)
		abort();
	facts_json(&again, &b);
	if (strcmp(sbuf_cstr(&a), sbuf_cstr(&b)) != 0)
		abort();
	sbuf_free(&a);
	sbuf_free(&b);
out:
	arena_free(&arena);
	return 0;
}
