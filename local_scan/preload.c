/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * preload.c: authgate_preload(), a ${dlfunc} for the daemon's expansion
 * of smtp_accept_max_per_host. Exim expands that option in the daemon
 * before each fork, so the first call loads the module (and its
 * libraries) into the daemon once; each connection's process then finds
 * it loaded. It runs in a root daemon's accept loop: it reads no message
 * data, parses nothing, asks no DNS and writes no file; it stats the
 * compiled policy (one stat a call) and hands a new one to the loader.
 * Trouble costs one panic-log line per change of the file, and the yield
 * is always empty (never a per-host limit by accident).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "policy/compiled.h"
#include "policy/config.h"

#define LOCAL_SCAN
#include <exim4/local_scan.h>

#define EXPORT __attribute__((visibility("default")))

/* What the compiled form of policy.ini is called (authgate compile). */
#define PRELOAD_SUFFIX AGC_SUFFIX

EXPORT int authgate_preload(uschar **yield, int argc, uschar *argv[]);

/* The last state seen, so that a call with nothing changed costs one
 * stat and no log line. */
static struct {
	bool seen;
	char path[POLICY_MAX_PATH + sizeof(PRELOAD_SUFFIX)];
	int err; /* stat's errno, 0 when the file was there */
	struct stat st;
} last;

/* Maps the compiled policy beside policy_path read-only into the daemon,
 * so that the connections' processes share its pages (loader_preload:
 * it lets go of an earlier map when there is none); 0, 1 (nothing to
 * map or say) or -1 with err set. */
static int
preload_policy(const char *policy_path, char *err, size_t errsz)
{
	return loader_preload(policy_path, err, errsz);
}

/* Preloads what belongs to the policy at path; 0, or -1 with err set.
 * A path whose state has not changed since the last call is not looked
 * at again (the result then is 1: nothing to say). */
static int
preload(const char *path, char *err, size_t errsz)
{
	char agc[sizeof(last.path)];
	struct stat st;
	int n, e;

	n = snprintf(agc, sizeof(agc), "%s%s", path, PRELOAD_SUFFIX);
	if (n < 0 || (size_t)n >= sizeof(agc)) {
		snprintf(err, errsz, "the policy path is too long");
		return -1;
	}
	memset(&st, 0, sizeof(st));
	e = stat(agc, &st) == 0 ? 0 : errno;
	if (last.seen && strcmp(last.path, agc) == 0 && last.err == e
	    && (e != 0 || policy_same_file(&st, &last.st)))
		return 1;
	last.seen = true;
	memcpy(last.path, agc, (size_t)n + 1);
	last.err = e;
	last.st = st;
	if (e == ENOENT) /* not compiled: each process parses policy.ini */
		return preload_policy(path, err, errsz) < 0 ? -1 : 0;
	if (e != 0) {
		snprintf(err, errsz, "%s: cannot stat: %s", agc, strerror(e));
		return -1;
	}
	/* Never opened when it is not a plain file: a FIFO or a device
	 * could block the daemon. */
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", agc);
		return -1;
	}
	return preload_policy(path, err, errsz);
}

int
authgate_preload(uschar **yield, int argc, uschar *argv[])
{
	static char empty[1];
	static bool said_usage;
	char err[POLICY_MAX_PATH + 200];

	*yield = US empty;
	if (argc != 1 || argv[0][0] != '/'
	    || strlen((const char *)argv[0]) > POLICY_MAX_PATH) {
		if (!said_usage)
			log_write(0, LOG_MAIN | LOG_PANIC,
			    "authgate_preload: want one argument, the policy's "
			    "absolute path (at most %d bytes); no policy "
			    "preloaded",
			    POLICY_MAX_PATH);
		said_usage = true;
		return OK;
	}
	err[0] = '\0';
	if (preload((const char *)argv[0], err, sizeof(err)) < 0)
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate_preload: %s; connections load the policy "
		    "themselves",
		    err);
	return OK;
}
