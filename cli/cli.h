/*
 * cli.h: what the authgate command's subcommands share: exit codes,
 * reading an input file, printing policy diagnostics.
 */
#ifndef AG_CLI_H
#define AG_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/config.h"

#define CLI_EXIT_INVALID 1
#define CLI_EXIT_USAGE	 2
#define CLI_MAX_FACTS	 ((size_t)4 * 1024 * 1024)
#define CLI_MAX_MESSAGE	 ((size_t)64 * 1024 * 1024)

/* Reads a whole file ("-" for standard input) of at most max bytes;
 * NULL with errno set on failure. The caller frees it. */
char *cli_read_file(const char *path, size_t max, size_t *len);
/* Prints diagnostics as FILE:LINE: severity: text on standard error. */
void cli_print_diag(const char *file, const struct policy_diag *diag,
    bool errors_only);

/* `authgate explain`. */
int cmd_explain(int argc, char **argv);
/* `authgate replay`. */
int cmd_replay(int argc, char **argv);
/* `authgate report`. */
int cmd_report(int argc, char **argv);
/* `authgate stats`. */
int cmd_stats(int argc, char **argv);
/* `authgate dns-check`. */
int cmd_dns_check(int argc, char **argv);

#endif
