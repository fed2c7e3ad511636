/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * eximcmd.h: Exim's administrative commands run without a shell, and
 * Exim's message id syntax (cli/eximcmd.c).
 */
#ifndef AG_CLI_EXIMCMD_H
#define AG_CLI_EXIMCMD_H

#include <stdbool.h>

#include "util/eximid.h"
#include "util/sbuf.h"

/* At most this many arguments after the binary and -C FILE. */
#define EXIM_MAX_ARGS 8

/* Runs exim (with -C config when config is not NULL) and args (NULL
 * terminated), its standard output into out, its standard error ours.
 * Returns its exit status, or -1 after naming the problem on standard
 * error (it could not run, died of a signal, or out filled up). */
int exim_run(const char *exim, const char *config, const char *const *args,
    struct sbuf *out);

/* The next line at *p (its newline replaced by NUL), *p moved past it;
 * NULL at the end of the text. */
char *exim_next_line(char **p);

/* The next blank-separated token at *p (NUL-terminated), *p moved past
 * it; NULL when none is left. */
char *exim_token(char **p);

/* Whether age has the form of the age exim -bp lists: "5m", "12h". */
bool exim_valid_age(const char *age);

#endif
