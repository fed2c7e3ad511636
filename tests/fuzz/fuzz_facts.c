/* fuzz_facts.c: any facts JSON must parse or fail cleanly; parsed facts
 * must decide, render as a log line that is valid single-line JSON, and
 * decide the same way when read back from that line. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../policy/config.h"
#include "../../policy/decide.h"
#include "../../policy/facts.h"
#include "../../policy/logline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct policy *policy;

static const char policy_text[]
    = "[general]\nskip_hosts = 198.51.100.25\n"
      "[trusted]\ndomains = trusted.example\nrelays = 192.0.2.15/32\n"
      "arc_sealers = sealer.example\n"
      "[domain:partner.example]\ndkim.key_missing = accept\n"
      "[domain:trial.example]\nmode = monitor\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logline_meta meta = { "2026-01-01T00:00:00Z", "fuzz", NULL };
	struct arena arena;
	struct facts f, g;
	struct decision d, e;
	struct sbuf sb;
	json_t *root;
	json_error_t jerr;
	char err[256];
	const char *p;

	if (policy == NULL) {
		policy = policy_load_buffer("fuzz.ini", policy_text,
		    strlen(policy_text), NULL);
		if (policy == NULL)
			abort();
	}
	arena_init(&arena);
	sbuf_init(&sb, LOGLINE_MAX);
	if (facts_from_json(&f, &arena, (const char *)data, size, err,
		sizeof(err))
	    != 0)
		goto out;
	decide(policy, &f, &d);
	logline_render(&sb, policy, &f, &d, &meta);
	if (sbuf_failed(&sb))
		goto out; /* over LOGLINE_MAX: the module logs that instead */
	for (p = sbuf_cstr(&sb); *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			abort();
	root = json_loads(sbuf_cstr(&sb), 0, &jerr);
	if (root == NULL)
		abort();
	if (facts_from_jansson(&g, &arena, json_object_get(root, "facts"), err,
		sizeof(err))
	    != 0)
		abort();
	decide(policy, &g, &e);
	if (e.action != d.action || e.n_findings != d.n_findings)
		abort();
	json_decref(root);
out:
	sbuf_free(&sb);
	arena_free(&arena);
	return 0;
}
