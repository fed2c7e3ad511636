/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_check_config.c: `authgate check-config [options] FILE`: a
 * policy.ini loaded as the module loads it, its problems printed as
 * FILE:LINE: severity: text, errors and warnings together: the risky
 * choices policy_lint finds, and what this host says about the policy:
 * which module Exim loads (exim -bP local_scan_path) when the policy asks
 * for authgate's own checks, and whether the Exim user can write the log
 * and state files it names (judged from owner, group and mode bits, since
 * check-config runs as root). What could not be checked is said so.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "policy/config.h"

#define CC_EXIM_USER	"Debian-exim"
#define CC_MODULE_SELF	"authgate-verify.so"
#define CC_EXIM_OUT	4096 /* bytes of exim -bP output read */
#define CC_EXIM_TIMEOUT 10   /* seconds exim -bP may take */
#define CC_MAX_GROUPS	64   /* the Exim user's groups looked at */
#define CC_MAX_NOTES	4
#define CC_MAX_NOTE	400

static const char usage_check[]
    = "usage: authgate check-config [options] FILE\n"
      "\n"
      "Validates FILE, printing each problem as FILE:LINE: error|warning: text,\n"
      "and checks it against this host: the module Exim loads when FILE sets\n"
      "dkim, spf or arc = self, and whether the Exim user can write log_file\n"
      "and failure_report_state.\n"
      "\n"
      "  -q, --quiet          print errors only, no warnings or summary\n"
      "      --compile        when FILE is valid, write its compiled form\n"
      "                       FILE.agc (authgate compile)\n"
      "      --no-compile     never write FILE.agc (by default a FILE.agc\n"
      "                       already there is written anew when FILE is\n"
      "                       valid, so that it never goes stale)\n"
      "      --exim PATH      the exim binary to ask for local_scan_path (a\n"
      "                       path, or a name looked up in PATH)\n"
      "                       (default /usr/sbin/exim4, else /usr/sbin/exim)\n"
      "      --exim-config F  ask it about configuration file F (exim -C F)\n"
      "      --exim-user NAME the user Exim runs as (default " CC_EXIM_USER
      ")\n"
      "\n"
      "Exit status: 0 valid (warnings allowed), 1 invalid or unreadable\n"
      "(nothing compiled) or FILE.agc not written, 2 usage error.\n";

struct check_opts {
	const char *exim;
	const char *exim_config;
	const char *user;
	bool quiet;
	int compile; /* 1 --compile, 0 --no-compile, -1 refresh one there */
};

/* What could not be checked, said after the diagnostics. */
struct notes {
	char text[CC_MAX_NOTES][CC_MAX_NOTE];
	size_t n;
};

/* The Exim user, as the kernel sees it. */
struct exim_user {
	const char *name;
	uid_t uid;
	gid_t gid;
	gid_t groups[CC_MAX_GROUPS];
	int ngroups;
};

static void note(struct notes *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(struct notes *n, const char *fmt, ...)
{
	va_list ap;

	if (n->n >= CC_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(n->text[n->n++], CC_MAX_NOTE, fmt, ap);
	va_end(ap);
}

/* ---- which module Exim loads ---- */

/* Runs argv (no shell) with standard output and error into out (at most
 * size - 1 bytes, NUL-ended); gives up after CC_EXIM_TIMEOUT seconds.
 * Returns its exit status, or -1 with the reason in out. */
static int
run_capture(char *const argv[], char *out, size_t size)
{
	struct pollfd pfd;
	time_t deadline = time(NULL) + CC_EXIM_TIMEOUT;
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	int fds[2], status, devnull;

	out[0] = '\0';
	if (pipe(fds) != 0) {
		snprintf(out, size, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(out, size, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	for (;;) {
		time_t left = deadline - time(NULL);

		if (left <= 0 || poll(&pfd, 1, (int)left * 1000) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			close(fds[0]);
			snprintf(out, size, "no answer within %d seconds",
			    CC_EXIM_TIMEOUT);
			return -1;
		}
		n = read(fds[0], out + got, size - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (got == size - 1)
			break;
	}
	out[got] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* The first line of text, for a message. */
static void
first_line(const char *text, char *buf, size_t size)
{
	size_t len = strcspn(text, "\n");

	snprintf(buf, size, "%.*s", (int)(len > 200 ? 200 : len), text);
}

/* The keys set to self, as "dkim", "dkim and spf" or "dkim, spf and
 * arc", and the line of the first of them. */
static unsigned
self_keys(const struct policy *p, char *buf, size_t size)
{
	const char *names[3];
	unsigned lines[3], line = 0;
	size_t n = 0, i, o = 0;

	if (p->dkim_self)
		names[n] = "dkim", lines[n++] = p->dkim_line;
	if (p->spf_self)
		names[n] = "spf", lines[n++] = p->spf_line;
	if (p->arc_self)
		names[n] = "arc", lines[n++] = p->arc_line;
	buf[0] = '\0';
	for (i = 0; i < n && o < size; i++) {
		o += (size_t)snprintf(buf + o, size - o, "%s%s",
		    i == 0	   ? "" :
			i + 1 == n ? " and " :
				     ", ",
		    names[i]);
		if (line == 0 || (lines[i] != 0 && lines[i] < line))
			line = lines[i];
	}
	return line;
}

/*
 * AUTHGATE_SELF_VERIFY in Exim's configuration has Exim check neither
 * DKIM nor SPF (exim-conf/): a policy that reads Exim's verdicts then
 * answers every message with on_error (451). Asks Exim (exim -bP macro);
 * an Exim that cannot answer (no binary, not an administrator, another
 * configuration error) leaves it unchecked, since the module says it in
 * the panic log anyway.
 */
static void
check_self_macro(const struct policy *p, const struct check_opts *o,
    struct policy_diag *diag)
{
	static const char macro[] = "AUTHGATE_SELF_VERIFY";
	static const char *const default_exim[]
	    = { "/usr/sbin/exim4", "/usr/sbin/exim" };
	char out[CC_EXIM_OUT];
	char *argv[7];
	const char *exim = o->exim;
	size_t i, argc = 0;

	if (p->dkim_self && p->spf_self)
		return;
	for (i = 0; exim == NULL && i < 2; i++)
		if (access(default_exim[i], X_OK) == 0)
			exim = default_exim[i];
	if (exim == NULL)
		return;
	argv[argc++] = (char *)exim;
	if (o->exim_config != NULL) {
		argv[argc++] = (char *)"-C";
		argv[argc++] = (char *)o->exim_config;
	}
	argv[argc++] = (char *)"-bP";
	argv[argc++] = (char *)"macro";
	argv[argc++] = (char *)macro;
	argv[argc] = NULL;
	/* "AUTHGATE_SELF_VERIFY=VALUE" when it is defined. */
	if (run_capture(argv, out, sizeof(out)) != 0
	    || strncmp(out, macro, sizeof(macro) - 1) != 0
	    || out[sizeof(macro) - 1] != '=')
		return;
	policy_diag_add(diag, POLICY_ERROR,
	    p->dkim_self ? p->spf_line : p->dkim_line,
	    "%s = exim, but Exim's configuration defines %s, so Exim checks "
	    "neither DKIM nor SPF: every message would get on_error (451); "
	    "set dkim = self and spf = self, or drop the macro",
	    p->dkim_self ? "spf" : "dkim", macro);
}

/* dkim, spf or arc = self needs authgate-verify.so: the other build
 * answers every message with on_error (451). */
static void
check_module(const struct policy *p, const struct check_opts *o,
    struct policy_diag *diag, struct notes *notes)
{
	static const char *const default_exim[]
	    = { "/usr/sbin/exim4", "/usr/sbin/exim" };
	char keys[32], out[CC_EXIM_OUT], why[256];
	char *argv[6];
	const char *exim = o->exim, *v, *base;
	size_t i, argc = 0, len;
	unsigned line;
	int rc;

	if (!p->dkim_self && !p->spf_self && !p->arc_self)
		return;
	line = self_keys(p, keys, sizeof(keys));
	for (i = 0; exim == NULL && i < 2; i++)
		if (access(default_exim[i], X_OK) == 0)
			exim = default_exim[i];
	if (exim == NULL) {
		note(notes,
		    "not checked: that Exim loads %s, which %s = self needs "
		    "(no exim binary at /usr/sbin/exim4 or /usr/sbin/exim; "
		    "--exim names one)",
		    CC_MODULE_SELF, keys);
		return;
	}
	argv[argc++] = (char *)exim;
	if (o->exim_config != NULL) {
		argv[argc++] = (char *)"-C";
		argv[argc++] = (char *)o->exim_config;
	}
	argv[argc++] = (char *)"-bP";
	argv[argc++] = (char *)"local_scan_path";
	argv[argc] = NULL;
	rc = run_capture(argv, out, sizeof(out));
	/* "local_scan_path = VALUE" at the start of a line. */
	for (v = out; v != NULL && strncmp(v, "local_scan_path =", 17) != 0;
	     v = strchr(v, '\n'), v = v != NULL ? v + 1 : NULL)
		;
	if (rc != 0 || v == NULL) {
		first_line(out, why, sizeof(why));
		note(notes,
		    "not checked: that Exim loads %s, which %s = self needs "
		    "(%s -bP local_scan_path: %s)",
		    CC_MODULE_SELF, keys, exim,
		    why[0] != '\0' ? why : "no answer");
		return;
	}
	v += 17;
	v += strspn(v, " \t");
	len = strcspn(v, "\r\n");
	while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t'))
		len--;
	if (len == 0) {
		policy_diag_add(diag, POLICY_WARNING, line,
		    "%s = self, but %s loads no local_scan module "
		    "(local_scan_path is empty): authgate does not run there",
		    keys, exim);
		return;
	}
	for (base = v + len; base > v && base[-1] != '/'; base--)
		;
	if ((size_t)(v + len - base) == strlen(CC_MODULE_SELF)
	    && memcmp(base, CC_MODULE_SELF, strlen(CC_MODULE_SELF)) == 0)
		return;
	policy_diag_add(diag, POLICY_ERROR, line,
	    "%s = self needs the module %s, but Exim loads %.*s: every "
	    "message would get on_error (451)",
	    keys, CC_MODULE_SELF, (int)(len > 120 ? 120 : len), v);
}

/* ---- what the Exim user can write ---- */

static int
user_lookup(const char *name, struct exim_user *u)
{
	struct passwd *pw = getpwnam(name);

	if (pw == NULL)
		return -1;
	u->name = name;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->ngroups = CC_MAX_GROUPS;
	if (getgrouplist(name, pw->pw_gid, u->groups, &u->ngroups) < 0)
		u->ngroups = CC_MAX_GROUPS; /* the first ones are in */
	return 0;
}

/* Tells whether the user may do want (R_OK, W_OK, X_OK, which are the
 * mode's r, w and x bits) to a file: the owner's bits if it owns it,
 * else the group's if it is in the group, else the others'. The Exim
 * user is not root; ACLs are not read. */
static bool
user_may(const struct exim_user *u, const struct stat *st, int want)
{
	unsigned bits;
	int i;
	bool member = st->st_gid == u->gid;

	if (u->uid == 0)
		return true;
	for (i = 0; i < u->ngroups && !member; i++)
		member = u->groups[i] == st->st_gid;
	if (st->st_uid == u->uid)
		bits = (st->st_mode >> 6) & 7;
	else if (member)
		bits = (st->st_mode >> 3) & 7;
	else
		bits = st->st_mode & 7;
	return (bits & (unsigned)want) == (unsigned)want;
}

/* "mode 0750, root:adm" */
static void
describe(const struct stat *st, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(st->st_uid);
	struct group *gr = getgrgid(st->st_gid);
	char uid[16], gid[16];

	snprintf(uid, sizeof(uid), "%lu", (unsigned long)st->st_uid);
	snprintf(gid, sizeof(gid), "%lu", (unsigned long)st->st_gid);
	snprintf(buf, size, "mode %04o, %s:%s", (unsigned)(st->st_mode & 07777),
	    pw != NULL ? pw->pw_name : uid, gr != NULL ? gr->gr_name : gid);
}

/* A file the module opens with O_CREAT | O_NOFOLLOW as the Exim user:
 * every directory above it must exist and let the user in; the file, if
 * there, must be a plain file it can write (and read, for read_too),
 * else its directory must let it create one. u NULL: existence only.
 * Adds one warning naming what stands in the way and what follows. */
static void
check_file(const char *key, unsigned line, const char *path, bool read_too,
    const char *consequence, const struct exim_user *u,
    struct policy_diag *diag)
{
	char dir[POLICY_MAX_PATH + 1], how[128];
	struct stat st, dst;
	size_t i, len = strlen(path);
	int want = W_OK | (read_too ? R_OK : 0);

	if (len == 0 || len > POLICY_MAX_PATH || path[0] != '/')
		return; /* the loader has said so */
	memset(&dst, 0, sizeof(dst));
	for (i = 0; i < len; i++) {
		if (path[i] != '/')
			continue;
		if (i == 0)
			memcpy(dir, "/", 2);
		else
			snprintf(dir, sizeof(dir), "%.*s", (int)i, path);
		if (i > 0 && path[i - 1] == '/')
			continue;
		if (stat(dir, &dst) != 0) {
			policy_diag_add(diag, POLICY_WARNING, line,
			    "%s %s: %s %s: %s", key, path,
			    errno == ENOENT ? "no directory" : "cannot stat",
			    dir, consequence);
			return;
		}
		if (!S_ISDIR(dst.st_mode)) {
			policy_diag_add(diag, POLICY_WARNING, line,
			    "%s %s: %s is not a directory: %s", key, path, dir,
			    consequence);
			return;
		}
		if (u != NULL && !user_may(u, &dst, X_OK)) {
			describe(&dst, how, sizeof(how));
			policy_diag_add(diag, POLICY_WARNING, line,
			    "%s %s: %s cannot enter %s (%s): %s", key, path,
			    u->name, dir, how, consequence);
			return;
		}
	}
	if (path[len - 1] == '/') {
		policy_diag_add(diag, POLICY_WARNING, line,
		    "%s %s names a directory: %s", key, path, consequence);
		return;
	}
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			policy_diag_add(diag, POLICY_WARNING, line,
			    "%s %s is a symbolic link, which the module does "
			    "not follow: %s",
			    key, path, consequence);
		else if (!S_ISREG(st.st_mode))
			policy_diag_add(diag, POLICY_WARNING, line,
			    "%s %s is not a plain file: %s", key, path,
			    consequence);
		else if (u != NULL && !user_may(u, &st, want)) {
			describe(&st, how, sizeof(how));
			policy_diag_add(diag, POLICY_WARNING, line,
			    "%s %s: %s cannot %s it (%s): %s", key, path,
			    u->name, read_too ? "read and write" : "write", how,
			    consequence);
		}
		return;
	}
	if (errno != ENOENT) {
		policy_diag_add(diag, POLICY_WARNING, line,
		    "%s %s: cannot stat: %s", key, path, strerror(errno));
		return;
	}
	if (u != NULL && !user_may(u, &dst, W_OK | X_OK)) {
		describe(&dst, how, sizeof(how));
		policy_diag_add(diag, POLICY_WARNING, line,
		    "%s %s does not exist, and %s cannot create it in %s "
		    "(%s): %s",
		    key, path, u->name, dir, how, consequence);
	}
}

/* The files the module writes as the Exim user: log_file, and
 * failure_report_state when failure reports are on. */
static void
check_files(const struct policy *p, const struct check_opts *o,
    struct policy_diag *diag, struct notes *notes)
{
	const char *name = o->user != NULL ? o->user : CC_EXIM_USER;
	struct exim_user user, *u = &user;
	bool logs = p->log_file[0] != '\0';

	if (!logs && !p->failure_reports)
		return;
	if (user_lookup(name, &user) != 0) {
		u = NULL;
		note(notes,
		    "not checked: whether %s can write %s%s%s (no user %s "
		    "here; --exim-user names the user Exim runs as)",
		    name, logs ? "log_file" : "",
		    logs && p->failure_reports ? " and " : "",
		    p->failure_reports ? "failure_report_state" : "", name);
	}
	if (logs)
		check_file("log_file", p->log_file_line, p->log_file, false,
		    "its lines would go to Exim's main log instead", u, diag);
	if (p->failure_reports)
		check_file("failure_report_state", p->failure_report_state_line,
		    p->failure_report_state, true,
		    "no failure report could be sent", u, diag);
}

int
cmd_check_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "exim", required_argument, NULL, 'e' },
		{ "exim-config", required_argument, NULL, 'C' },
		{ "exim-user", required_argument, NULL, 'u' },
		{ "compile", no_argument, NULL, 'c' },
		{ "no-compile", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_opts o = { NULL, NULL, NULL, false, -1 };
	char agc[POLICY_MAX_PATH + 8];
	struct stat st;
	struct policy_diag diag;
	struct notes notes;
	struct policy *p;
	const char *file;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			o.quiet = true;
			break;
		case 'e':
			o.exim = optarg;
			break;
		case 'C':
			o.exim_config = optarg;
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'c':
			o.compile = 1;
			break;
		case 'n':
			o.compile = 0;
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
	file = argv[optind];
	memset(&notes, 0, sizeof(notes));
	p = policy_load_for_check(file, &diag);
	if (p != NULL) {
		policy_lint(p, &diag);
		check_self_macro(p, &o, &diag);
		check_module(p, &o, &diag, &notes);
		check_files(p, &o, &diag, &notes);
	}
	cli_print_diag(file, &diag, o.quiet);
	for (i = 0; i < notes.n && !o.quiet; i++)
		printf("%s: %s\n", file, notes.text[i]);
	if (p == NULL || diag.n_errors > 0) {
		if (diag.n_warnings > 0 && !o.quiet)
			fprintf(stderr, "%s: %zu error%s, %zu warning%s\n",
			    file, diag.n_errors, diag.n_errors == 1 ? "" : "s",
			    diag.n_warnings, diag.n_warnings == 1 ? "" : "s");
		else
			fprintf(stderr, "%s: %zu error%s\n", file,
			    diag.n_errors, diag.n_errors == 1 ? "" : "s");
		policy_free(p);
		return CLI_EXIT_INVALID;
	}
	if (!o.quiet)
		printf("%s: valid: %zu domain sections, %zu trusted domains, "
		       "%zu trusted relays, %zu ARC sealers, %zu warning%s\n",
		    file, p->n_domains, p->n_trusted, p->n_relays, p->n_sealers,
		    diag.n_warnings, diag.n_warnings == 1 ? "" : "s");
	policy_free(p);
	snprintf(agc, sizeof(agc), "%s.agc", file);
	if (o.compile == 1 || (o.compile == -1 && lstat(agc, &st) == 0))
		return cli_compile(file, NULL, o.quiet);
	return 0;
}
