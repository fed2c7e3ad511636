/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c: the authgate command, the engine offline: a table of
 * subcommands, one cmd_*.c each, which main() dispatches to and the usage
 * lists. Each subcommand parses its arguments, calls the engine and
 * prints; nothing here decides.
 * Exit codes: 0 success, 1 the checked thing is invalid (check-config)
 * or has problems (dns-check), 2 usage error or unreadable input.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/config.h"
#include "util/version.h"

/* The subcommands, in the order the usage lists them. */
static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help; /* one line for the usage */
} commands[] = {
	{ "decide", cmd_decide, "decide on facts (JSON) under a policy" },
	{ "check-config", cmd_check_config,
	    "validate a policy.ini and warn about risky choices" },
	{ "compile", cmd_compile,
	    "write a policy.ini's compiled form (policy.ini.agc)" },
	{ "explain", cmd_explain,
	    "run every check on a saved message and explain it" },
	{ "dns-check", cmd_dns_check,
	    "check what a domain publishes: SPF, DKIM, DMARC, MX" },
	{ "replay", cmd_replay,
	    "decide logged messages again under another policy" },
	{ "stats", cmd_stats,
	    "summarize the log: actions, classes, domains, rates" },
	{ "report", cmd_report,
	    "write (and send) DMARC aggregate reports from the log" },
	{ "show", cmd_show, "one logged decision in words, by queue id" },
	{ "quarantine", cmd_quarantine,
	    "list, show, release or delete quarantined messages" },
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage_options[]
    = "\n"
      "Options:\n"
      "  -h, --help     show this help (authgate COMMAND --help for one command)\n"
      "  -V, --version [POLICY]  show the version and the policy file's\n"
      "                 SHA-256 (default " POLICY_DEFAULT_PATH ")\n"
      "\n"
      "Exit status: 0 success, 1 invalid configuration (check-config) or\n"
      "problems found (dns-check), 2 usage error or\n"
      "unreadable input. See authgate(8).\n";

static void
usage(FILE *fp)
{
	size_t i;

	fputs("usage: authgate COMMAND [OPTIONS]\n\nCommands:\n", fp);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(fp, "  %-12s  %s\n", commands[i].name,
		    commands[i].help);
	fputs(usage_options, fp);
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
	p = cli_load_policy(path, &diag);
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
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0
	    || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0)
		return print_version(argc > 2 ? argv[2] : NULL);
	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "authgate: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return CLI_EXIT_USAGE;
}
