/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inject.c: a message of our own making handed to Exim, as Exim's
 * child_open_exim2() does: a new Exim process reading it on its standard
 * input with -t -oi -oem and the null sender, so it enters the queue like
 * any locally submitted message (which authgate itself skips as
 * authenticated: a report is never judged or reported again).
 *
 * Debian's Exim does not export child_open_exim2() to modules; it is a
 * weak reference here, used where it exists (Exim built with authgate
 * linked in). Otherwise the module runs exim_path itself with the -C and
 * -D options of its own command line (/proc/self/cmdline), which is the
 * argument list Exim would have built. Either way the module waits for
 * Exim by polling, never with alarm(), which would cancel Exim's own
 * local_scan_timeout, and gives up after LS_RUF_INJECT_TIMEOUT seconds.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "local_scan/ls.h"

#define LOCAL_SCAN
#include <exim4/local_scan.h>

#pragma weak child_open_exim2_function

#define MAX_ARGS    64	  /* exim_path, -C, -D options, -t ... */
#define CMDLINE_MAX 65536 /* bytes of /proc/self/cmdline read */

static double
seconds_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(deadline->tv_sec - now.tv_sec)
	    + (double)(deadline->tv_nsec - now.tv_nsec) / 1e9;
}

/* exim_path, this process's -C and -D options, then the submission
 * options; argv points into buf. */
static int
exim_argv(char **argv, char *buf, size_t bufsz, char *err, size_t errsz)
{
	const char *path = (const char *)expand_string(US "$exim_path");
	size_t n = 0, len = 0;
	char *p, *end;
	ssize_t got;
	int fd;

	if (path == NULL || path[0] != '/') {
		snprintf(err, errsz, "no absolute $exim_path");
		return -1;
	}
	fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		while (len < bufsz - 1
		    && (got = read(fd, buf + len, bufsz - 1 - len)) > 0)
			len += (size_t)got;
		close(fd);
	}
	buf[len] = '\0';
	argv[n++] = (char *)path;
	end = buf + len;
	/* argv[0] first, then the options; a -C value is the next one. */
	for (p = buf + strlen(buf) + 1; p < end; p += strlen(p) + 1) {
		if (n >= MAX_ARGS - 8) {
			snprintf(err, errsz, "too many -D options");
			return -1;
		}
		if (strncmp(p, "-D", 2) == 0) {
			argv[n++] = p;
		} else if (strcmp(p, "-C") == 0 && p + strlen(p) + 1 < end) {
			argv[n++] = p;
			p += strlen(p) + 1;
			argv[n++] = p;
		} else if (strncmp(p, "-C", 2) == 0) {
			argv[n++] = p;
		}
	}
#if defined(__SANITIZE_ADDRESS__)
	/* make check only: the Exim started here runs set-uid as the Exim
	 * user, so the loader ignores the LD_PRELOAD that a module built
	 * with sanitizers needs; the example configuration's macro leaves
	 * the module out of that Exim. */
	argv[n++] = (char *)"-DAUTHGATE_NO_MODULE=1";
#endif
	argv[n++] = (char *)"-t";
	argv[n++] = (char *)"-oi";
	argv[n++] = (char *)"-oem";
	argv[n++] = (char *)"-f";
	argv[n++] = (char *)"<>";
	argv[n] = NULL;
	return 0;
}

/* Starts exim with its standard input on a pipe; returns the pid and
 * the pipe's writing end in *fd, or -1. */
static pid_t
spawn_exim(int *fd, char *err, size_t errsz)
{
	static char buf[CMDLINE_MAX];
	char *argv[MAX_ARGS];
	sigset_t none;
	int pfd[2], nul;
	pid_t pid;

	if (exim_argv(argv, buf, sizeof(buf), err, errsz) != 0)
		return -1;
	if (pipe(pfd) != 0) {
		snprintf(err, errsz, "pipe: %s", strerror(errno));
		return -1;
	}
	(void)fcntl(pfd[0], F_SETFD, FD_CLOEXEC);
	(void)fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		dup2(pfd[0], 0);
		nul = open("/dev/null", O_RDWR);
		if (nul >= 0) {
			dup2(nul, 1);
			dup2(nul, 2);
		}
		closefrom(3);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[0]);
	if (pid < 0) {
		snprintf(err, errsz, "fork: %s", strerror(errno));
		close(pfd[1]);
		return -1;
	}
	*fd = pfd[1];
	return pid;
}

/* Writes the whole message, waiting for the pipe until the deadline. */
static int
write_all(int fd, const char *msg, size_t len, const struct timespec *deadline,
    char *err, size_t errsz)
{
	struct pollfd pf = { fd, POLLOUT, 0 };
	size_t off = 0;
	ssize_t w;
	double left;

	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	while (off < len) {
		w = write(fd, msg + off, len - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN) {
			snprintf(err, errsz, "writing to exim: %s",
			    strerror(errno));
			return -1;
		}
		left = seconds_left(deadline);
		if (left <= 0 || poll(&pf, 1, (int)(left * 1000) + 1) == 0) {
			snprintf(err, errsz, "exim did not read the report");
			return -1;
		}
	}
	return 0;
}

/* Waits until the child has exited (without reaping it) or the deadline
 * passed; returns 0, or -1 after killing it. */
static int
await_exit(pid_t pid, const struct timespec *deadline)
{
	struct timespec pause = { 0, 2 * 1000 * 1000 };
	siginfo_t info;

	for (;;) {
		memset(&info, 0, sizeof(info));
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT)
			== 0
		    && info.si_pid == pid)
			return 0;
		if (seconds_left(deadline) <= 0) {
			kill(pid, SIGKILL);
			return -1;
		}
		nanosleep(&pause, NULL);
		if (pause.tv_nsec < 50 * 1000 * 1000)
			pause.tv_nsec *= 2;
	}
}

int
ls_inject(const char *msg, size_t len, char *err, size_t errsz)
{
	struct sigaction ign, old_pipe, old_chld, dfl;
	struct timespec deadline;
	bool exim_child = child_open_exim2_function != NULL;
	int fd = -1, status = 0, rc = -1, code;
	bool exited;
	pid_t pid;

	err[0] = '\0';
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &ign, &old_pipe);
	sigaction(SIGCHLD, &dfl, &old_chld);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += LS_RUF_INJECT_TIMEOUT;
	if (exim_child) {
		pid = child_open_exim2_function(&fd, US "<>", NULL,
		    US "authgate failure report");
		if (pid < 0)
			snprintf(err, errsz, "child_open_exim2: %s",
			    strerror(errno));
	} else {
		pid = spawn_exim(&fd, err, errsz);
	}
	if (pid < 0)
		goto out;
	if (write_all(fd, msg, len, &deadline, err, errsz) == 0)
		rc = 0;
	close(fd);
	exited = await_exit(pid, &deadline) == 0;
	if (exim_child) {
		/* Exim's own reaper (no timeout: it has exited). */
		code = child_close(pid, 0);
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		code = WIFEXITED(status) ? WEXITSTATUS(status) :
		    WIFSIGNALED(status)	 ? -WTERMSIG(status) :
					   -257;
	}
	if (!exited) {
		snprintf(err, errsz, "exim did not take the report within %d s",
		    LS_RUF_INJECT_TIMEOUT);
		rc = -1;
	} else if (rc == 0 && code != 0) {
		if (code > 0)
			snprintf(err, errsz, "exim exited with status %d",
			    code);
		else
			snprintf(err, errsz, "exim ended by signal %d", -code);
		rc = -1;
	}
out:
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigaction(SIGCHLD, &old_chld, NULL);
	return rc;
}
