/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * logfile.c: the JSON log. One write() of line + newline on an O_APPEND
 * descriptor keeps lines from concurrent Exim processes whole. The file
 * is reopened when its path no longer names the open file (rotation). A
 * log that cannot be written never holds up mail: the line goes to Exim's
 * main log instead. A line that finds room for only part of itself (the
 * disk filling up) is cut off again, so the file holds whole lines only.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "local_scan/ls.h"

#define LOCAL_SCAN
#include <exim4/local_scan.h>

/* The open log: part of the module's per-process state, like the policy. */
static struct {
	int fd;
	char path[POLICY_MAX_PATH + 1];
	dev_t dev;
	ino_t ino;
} jlog = { -1, "", 0, 0 };

static void
close_log(void)
{
	if (jlog.fd >= 0)
		close(jlog.fd);
	jlog.fd = -1;
	jlog.path[0] = '\0';
}

static int
open_log(const char *path)
{
	struct stat st;

	close_log();
	jlog.fd = open(path,
	    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW,
	    0640);
	if (jlog.fd < 0)
		return -1;
	if (fstat(jlog.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close_log();
		errno = EINVAL;
		return -1;
	}
	jlog.dev = st.st_dev;
	jlog.ino = st.st_ino;
	strncpy(jlog.path, path, sizeof(jlog.path) - 1);
	jlog.path[sizeof(jlog.path) - 1] = '\0';
	return 0;
}

static bool
still_current(const char *path)
{
	struct stat st;

	if (jlog.fd < 0 || strcmp(jlog.path, path) != 0)
		return false;
	return stat(path, &st) == 0 && st.st_dev == jlog.dev
	    && st.st_ino == jlog.ino;
}

/*
 * Appends all of buf, or nothing: on failure the file is cut back to
 * where the line began. The exclusive lock keeps other Exim processes
 * from appending between that point and the cut.
 */
static int
append_whole(int fd, const char *buf, size_t len)
{
	struct stat st;
	size_t done = 0;
	ssize_t n;
	int locked, saved = 0;

	locked = flock(fd, LOCK_EX) == 0;
	if (fstat(fd, &st) != 0)
		st.st_size = -1;
	while (done < len) {
		n = write(fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n < 0 ? errno : ENOSPC;
			break;
		}
		done += (size_t)n;
	}
	if (done < len && done > 0 && locked && st.st_size >= 0
	    && ftruncate(fd, st.st_size) != 0)
		saved = errno;
	if (locked)
		(void)flock(fd, LOCK_UN);
	errno = saved;
	return done == len ? 0 : -1;
}

void
ls_log_line(const char *path, const char *line, size_t len)
{
	char *buf;
	int rc, saved;

	if (path == NULL || path[0] == '\0')
		return;
	if (!still_current(path) && open_log(path) != 0) {
		saved = errno;
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: cannot open log_file %s: %s", path,
		    strerror(saved));
		log_write(0, LOG_MAIN, "authgate: %s", line);
		return;
	}
	buf = malloc(len + 1);
	if (buf == NULL) {
		log_write(0, LOG_MAIN, "authgate: %s", line);
		return;
	}
	memcpy(buf, line, len);
	buf[len] = '\n';
	rc = append_whole(jlog.fd, buf, len + 1);
	saved = errno;
	free(buf);
	if (rc != 0) {
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: cannot write log_file %s: %s", path,
		    strerror(saved));
		log_write(0, LOG_MAIN, "authgate: %s", line);
		close_log();
	}
}
