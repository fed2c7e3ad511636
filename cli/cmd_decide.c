/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_decide.c: `authgate decide --policy FILE --facts FILE [--log]
 * [--lines]`: facts (JSON) decided under a policy, printed as the
 * decision's JSON or as the log line the module would write.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "log/logline.h"
#include "log/reader.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"

static const char usage_decide[]
    = "usage: authgate decide --policy FILE --facts FILE [--log] [--lines]\n"
      "\n"
      "Prints the decision for the facts (JSON, '-' for standard input) as one\n"
      "JSON object: action, class, rule, line, reason, monitor, dmarc and\n"
      "findings. With --log, prints the log line the module would write.\n"
      "\n"
      "  -p, --policy FILE  policy.ini to decide under\n"
      "  -f, --facts FILE   facts to decide on\n"
      "  -l, --log          print the log line instead of the decision\n"
      "  -L, --lines        FILE holds one facts object per line; print one\n"
      "                     output line for each\n"
      "      --host NAME    host name for --log (default: this host)\n"
      "\n"
      "Exit status: 0 whatever the action, 2 on unreadable or invalid input.\n";

/* Decides one facts object and prints the decision or the log line. */
static int
decide_one(const struct policy *p, const char *where, const char *text,
    size_t len, bool log, const char *host)
{
	char err[512], ts[32];
	struct facts facts;
	struct decision d;
	struct arena arena;
	struct sbuf sb;
	int rc = CLI_EXIT_USAGE;

	arena_init(&arena);
	sbuf_init(&sb, LOGLINE_MAX);
	if (facts_from_json(&facts, &arena, text, len, err, sizeof(err)) != 0) {
		fprintf(stderr, "authgate: %s: %s\n", where, err);
		goto out;
	}
	decide(p, &facts, &d);
	if (log) {
		struct logline_meta meta;

		cli_utc_now(ts, sizeof(ts));
		meta.ts = ts;
		meta.host = host;
		meta.failure_report = NULL;
		meta.message = NULL;
		logline_render(&sb, p, &facts, &d, &meta);
	} else {
		decision_to_json(p, &d, &sb);
	}
	if (sbuf_failed(&sb)) {
		fprintf(stderr, "authgate: %s: output larger than %zu bytes\n",
		    where, LOGLINE_MAX);
		goto out;
	}
	printf("%s\n", sbuf_cstr(&sb));
	rc = 0;
out:
	sbuf_free(&sb);
	arena_free(&arena);
	return rc;
}

/* --lines: one facts object per line; every bad line is reported and
 * makes the exit status 2, the others are still decided. */
static int
decide_lines(const struct policy *p, const char *path, bool log,
    const char *host)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *line = NULL, where[300];
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int rc = 0;

	if (fp == NULL) {
		fprintf(stderr, "authgate: %s: %s\n", path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	while ((n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		snprintf(where, sizeof(where), "%s:%lu", path, lineno);
		if (decide_one(p, where, line, (size_t)n, log, host) != 0)
			rc = CLI_EXIT_USAGE;
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

int
cmd_decide(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "facts", required_argument, NULL, 'f' },
		{ "log", no_argument, NULL, 'l' },
		{ "lines", no_argument, NULL, 'L' },
		{ "host", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_path = NULL, *facts_path = NULL, *host = NULL;
	char hostbuf[256];
	struct policy_diag diag;
	struct policy *p;
	bool log = false, lines = false;
	char *text;
	size_t len;
	int c, rc;

	while ((c = getopt_long(argc, argv, "p:f:lLh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy_path = optarg;
			break;
		case 'f':
			facts_path = optarg;
			break;
		case 'l':
			log = true;
			break;
		case 'L':
			lines = true;
			break;
		case 'H':
			host = optarg;
			break;
		case 'h':
			fputs(usage_decide, stdout);
			return 0;
		default:
			fputs(usage_decide, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (policy_path == NULL || facts_path == NULL || optind != argc) {
		fputs(usage_decide, stderr);
		return CLI_EXIT_USAGE;
	}
	p = cli_load_policy(policy_path, &diag);
	if (p == NULL) {
		cli_print_diag(policy_path, &diag, true);
		return CLI_EXIT_USAGE;
	}
	if (log && host == NULL && gethostname(hostbuf, sizeof(hostbuf)) == 0) {
		hostbuf[sizeof(hostbuf) - 1] = '\0';
		host = hostbuf;
	}
	if (lines) {
		rc = decide_lines(p, facts_path, log, host);
		policy_free(p);
		return rc;
	}
	text = cli_read_file(facts_path, CLI_MAX_FACTS, &len);
	if (text == NULL) {
		fprintf(stderr, "authgate: %s: %s\n", facts_path,
		    strerror(errno));
		policy_free(p);
		return CLI_EXIT_USAGE;
	}
	rc = decide_one(p, facts_path, text, len, log, host);
	free(text);
	policy_free(p);
	return rc;
}
