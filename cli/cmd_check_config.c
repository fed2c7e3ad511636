/*
 * cmd_check_config.c: `authgate check-config [--quiet] FILE`: a policy.ini
 * loaded as the module loads it, its problems printed as FILE:LINE:
 * severity: text, then the risky choices policy_lint finds.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/config.h"

static const char usage_check[]
    = "usage: authgate check-config [--quiet] FILE\n"
      "\n"
      "Validates FILE, printing each problem as FILE:LINE: error|warning: text.\n"
      "\n"
      "  -q, --quiet  print errors only, no warnings or summary\n"
      "\n"
      "Exit status: 0 valid (warnings allowed), 1 invalid or unreadable,\n"
      "2 usage error.\n";

int
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
