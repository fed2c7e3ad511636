/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * eximcmd.c: running Exim's administrative commands for `authgate
 * quarantine`: one Exim process per command, started with an argument
 * vector (no shell), its standard output collected; and the line and
 * token readers its outputs are parsed with.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/eximcmd.h"

/* Runs Exim with args (after -C when one is given), its standard output
 * into out; its standard error is ours. Returns its exit status, or -1
 * after naming the problem. */
int
exim_run(const char *exim, const char *config, const char *const *args,
    struct sbuf *out)
{
	const char *argv[EXIM_MAX_ARGS + 4], *what = args[0];
	char buf[65536];
	int fds[2], status;
	size_t n = 0;
	ssize_t got;
	pid_t pid;

	argv[n++] = exim;
	if (config != NULL) {
		argv[n++] = "-C";
		argv[n++] = config;
	}
	for (; *args != NULL && n < EXIM_MAX_ARGS + 3; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	fflush(stdout);
	if (pipe(fds) != 0) {
		fprintf(stderr, "authgate: cannot run %s: %s\n", exim,
		    strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		fprintf(stderr, "authgate: cannot run %s: %s\n", exim,
		    strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "authgate: cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	while ((got = read(fds[0], buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		sbuf_putn(out, buf, (size_t)got);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (sbuf_failed(out)) {
		fprintf(stderr, "authgate: %s %s: output too long\n", exim,
		    what);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -1; /* the child said why */
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The next line of text at *p (NUL-terminated, without its newline), or
 * NULL at the end. */
char *
exim_next_line(char **p)
{
	char *line = *p, *nl;

	if (*line == '\0')
		return NULL;
	if ((nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return line;
}

/* The blank-separated token at *p, moved past; NULL when none. */
char *
exim_token(char **p)
{
	char *t = *p + strspn(*p, " "), *e;

	if (*t == '\0')
		return NULL;
	e = t + strcspn(t, " ");
	if (*e != '\0')
		*e++ = '\0';
	*p = e;
	return t;
}

/* Whether age is an age as exim -bp shows one: digits and one unit
 * (m, h, d; s and w taken too). */
bool
exim_valid_age(const char *age)
{
	size_t n = strspn(age, "0123456789");

	return n > 0 && age[n] != '\0' && strchr("smhdw", age[n]) != NULL
	    && age[n + 1] == '\0';
}
