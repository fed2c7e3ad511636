/*
 * main.c: the authgate command, the engine offline. Each subcommand
 * parses its arguments, calls policy/ and prints; nothing here decides.
 * Exit codes: 0 success, 1 the checked thing is invalid (check-config)
 * or has problems (dns-check), 2 usage error or unreadable input.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "log/logline.h"
#include "log/reader.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "util/version.h"

static const char usage_main[]
    = "usage: authgate COMMAND [OPTIONS]\n"
      "\n"
      "Commands:\n"
      "  decide        decide on facts (JSON) under a policy\n"
      "  check-config  validate a policy.ini and warn about risky choices\n"
      "  explain       run every check on a saved message and explain it\n"
      "  dns-check     check what a domain publishes: SPF, DKIM, DMARC, MX\n"
      "  replay        decide logged messages again under another policy\n"
      "  stats         summarize the log: actions, classes, domains, rates\n"
      "  report        write (and send) DMARC aggregate reports from the log\n"
      "\n"
      "Options:\n"
      "  -h, --help     show this help (authgate COMMAND --help for one command)\n"
      "  -V, --version [POLICY]  show the version and the policy file's\n"
      "                 SHA-256 (default " POLICY_DEFAULT_PATH ")\n"
      "\n"
      "Exit status: 0 success, 1 invalid configuration (check-config) or\n"
      "problems found (dns-check), 2 usage error or\n"
      "unreadable input. See authgate(8).\n";

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

static const char usage_check[]
    = "usage: authgate check-config [--quiet] FILE\n"
      "\n"
      "Validates FILE, printing each problem as FILE:LINE: error|warning: text.\n"
      "\n"
      "  -q, --quiet  print errors only, no warnings or summary\n"
      "\n"
      "Exit status: 0 valid (warnings allowed), 1 invalid or unreadable,\n"
      "2 usage error.\n";

void
cli_print_diag(const char *file, const struct policy_diag *diag,
    bool errors_only)
{
	char line[POLICY_MAX_PATH + 300];
	size_t i;

	for (i = 0; i < diag->n; i++) {
		if (errors_only && diag->items[i].severity != POLICY_ERROR)
			continue;
		policy_diag_format(file, &diag->items[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (diag->dropped > 0)
		fprintf(stderr, "%s: %zu more problems not shown\n", file,
		    diag->dropped);
}

static int
cmd_check_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct policy_diag diag;
	struct policy *p;
	bool quiet = false;
	int c;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage_check, stdout);
			return 0;
		default:
			fputs(usage_check, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fputs(usage_check, stderr);
		return CLI_EXIT_USAGE;
	}
	p = policy_load(argv[optind], &diag);
	if (p == NULL) {
		cli_print_diag(argv[optind], &diag, false);
		fprintf(stderr, "%s: %zu error%s\n", argv[optind],
		    diag.n_errors, diag.n_errors == 1 ? "" : "s");
		return CLI_EXIT_INVALID;
	}
	memset(&diag, 0, sizeof(diag));
	policy_lint(p, &diag);
	if (!quiet) {
		cli_print_diag(argv[optind], &diag, false);
		printf("%s: valid: %zu domain sections, %zu trusted domains, "
		       "%zu trusted relays, %zu ARC sealers, %zu warning%s\n",
		    argv[optind], p->n_domains, p->n_trusted, p->n_relays,
		    p->n_sealers, diag.n_warnings,
		    diag.n_warnings == 1 ? "" : "s");
	}
	policy_free(p);
	return 0;
}

char *
cli_read_file(const char *path, size_t max, size_t *len)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf;
	size_t n;

	if (fp == NULL)
		return NULL;
	buf = malloc(max + 1);
	if (buf == NULL) {
		if (fp != stdin)
			fclose(fp);
		errno = ENOMEM;
		return NULL;
	}
	n = fread(buf, 1, max + 1, fp);
	if (ferror(fp) || n > max) {
		free(buf);
		if (fp != stdin)
			fclose(fp);
		errno = ferror(fp) ? EIO : EFBIG;
		return NULL;
	}
	if (fp != stdin)
		fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void
utc_now(char *buf, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

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

		utc_now(ts, sizeof(ts));
		meta.ts = ts;
		meta.host = host;
		meta.failure_report = NULL;
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

static int
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
	p = policy_load(policy_path, &diag);
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

/* The version, and the SHA-256 of the policy file (the one named, or
 * the default if it exists): the figure the module logs when it loads. */
static int
print_version(const char *path)
{
	struct policy_diag diag;
	struct policy *p;
	struct stat st;

	printf("authgate %s\n", AUTHGATE_VERSION);
	if (path == NULL) {
		if (stat(POLICY_DEFAULT_PATH, &st) != 0)
			return 0;
		path = POLICY_DEFAULT_PATH;
	}
	p = policy_load(path, &diag);
	if (p == NULL) {
		cli_print_diag(path, &diag, true);
		return CLI_EXIT_INVALID;
	}
	printf("policy %s sha256 %s\n", path, p->sha256);
	policy_free(p);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		fputs(usage_main, stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0
	    || strcmp(cmd, "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0)
		return print_version(argc > 2 ? argv[2] : NULL);
	if (strcmp(cmd, "decide") == 0)
		return cmd_decide(argc - 1, argv + 1);
	if (strcmp(cmd, "check-config") == 0)
		return cmd_check_config(argc - 1, argv + 1);
	if (strcmp(cmd, "explain") == 0)
		return cmd_explain(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "stats") == 0)
		return cmd_stats(argc - 1, argv + 1);
	if (strcmp(cmd, "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (strcmp(cmd, "dns-check") == 0)
		return cmd_dns_check(argc - 1, argv + 1);
	fprintf(stderr, "authgate: unknown command '%s'\n\n%s", cmd,
	    usage_main);
	return CLI_EXIT_USAGE;
}
