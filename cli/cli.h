/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cli.h: what the authgate command's files share: the subcommands' entry
 * points (main.c's table calls them), exit codes, reading an input file
 * or a log line by line, printing policy diagnostics, the time.
 */
#ifndef AG_CLI_H
#define AG_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "policy/config.h"
#include "util/arena.h"

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
/* Writes the current UTC time as 2026-11-23T14:50:30Z into buf. */
void cli_utc_now(char *buf, size_t size);

/* Receives one log line without its line end (line NULL: a line longer
 * than LOGLINE_MAX, skipped), and its number in the file. */
typedef void (*cli_log_fn)(void *ctx, const char *line, size_t len,
    unsigned long lineno);
/* Calls fn for every non-empty line of an authgate log: a plain or
 * gzip-compressed file (zlib reads both), or standard input for "-".
 * Returns 0, or -1 after naming the problem on standard error. */
int cli_read_log(const char *path, cli_log_fn fn, void *ctx);
/* Prints text a sender may have written (NULL: "(none)") to standard
 * output, each byte that could move the cursor or reorder the display
 * shown as '?'. */
void cli_put_text(const char *s);
/* Prints like printf, but as cli_put_text shows text: what a sender may
 * have written into the values (a From header, a DNS record) cannot move
 * the cursor or reorder the display; line ends and tabs stay. */
void cli_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Returns a copy of s (in arena; "" when out of memory, NULL for NULL)
 * whose control bytes, line ends and tabs included, are '?': for a value
 * a sender wrote, printed inside one line by cli_printf. */
const char *cli_flat(struct arena *arena, const char *s);
/* Copies len bytes of s into out (outsz bytes, NUL-terminated, cut at a
 * character's end) as cli_put_text would show them; returns out. */
const char *cli_safe_text(char *out, size_t outsz, const char *s, size_t len);
/* Returns the seconds of a log line's "ts" (2026-11-23T14:50:30.123Z),
 * or -1. */
time_t cli_log_time(const char *ts);

/* Loads a policy for a command: its compiled form when fresh (checked
 * whole), else the file, a stale or refused compiled form said on
 * standard error. */
struct policy *cli_load_policy(const char *path, struct policy_diag *diag);
/* Compiles path into output (NULL: path + ".agc") when valid, printing
 * problems; 0, or CLI_EXIT_INVALID with nothing written. */
int cli_compile(const char *path, const char *output, bool quiet);

/* `authgate check-config`. */
int cmd_check_config(int argc, char **argv);
/* `authgate compile`. */
int cmd_compile(int argc, char **argv);
/* `authgate decide`. */
int cmd_decide(int argc, char **argv);
/* `authgate dns-check`. */
int cmd_dns_check(int argc, char **argv);
/* `authgate explain`. */
int cmd_explain(int argc, char **argv);
/* `authgate replay`. */
int cmd_replay(int argc, char **argv);
/* `authgate report`. */
int cmd_report(int argc, char **argv);
/* `authgate stats`. */
int cmd_stats(int argc, char **argv);
/* `authgate show`. */
int cmd_show(int argc, char **argv);
/* `authgate quarantine`. */
int cmd_quarantine(int argc, char **argv);

#endif
