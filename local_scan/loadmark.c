/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loadmark.c: whether a policy load is worth a main-log line. Exim's
 * daemon forks a process per SMTP connection and each loads the policy
 * afresh; logging every load is one line per connection. One small file
 * (LS_LOADMARK in Exim's spool directory, which the Exim user writes)
 * records the path, stamp and SHA-256 of the last load logged; a load is
 * logged only when it differs, that is when the file changed (a touch
 * counts) or another file is named. Its second line names that policy's
 * log_file: where a process that cannot load the policy at all writes
 * the JSON lines of the messages it cannot decide. The file is read and
 * rewritten under an exclusive flock(), so concurrent processes log a
 * change once; a process that does not get the lock at once, or finds
 * the mark unusable, logs the load: a repeated line is better than none.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "local_scan/ls.h"

/* The line before the log_file's path. */
#define MARK_LOG_FILE "log_file "

/* The record: path, device, inode, size, mtime, ctime, SHA-256; then
 * the log_file line (a path with no line end in it, or empty). */
static int
format_mark(char *buf, size_t size, const char *path, const struct stat *st,
    const char *sha256, const char *log_file)
{
	int n;

	if (log_file == NULL || strpbrk(log_file, "\r\n") != NULL)
		log_file = "";
	n = snprintf(buf, size, "%s %ju %ju %jd %jd.%09ld %jd.%09ld %s\n%s%s\n",
	    path, (uintmax_t)st->st_dev, (uintmax_t)st->st_ino,
	    (intmax_t)st->st_size, (intmax_t)st->st_mtim.tv_sec,
	    (long)st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
	    (long)st->st_ctim.tv_nsec, sha256, MARK_LOG_FILE, log_file);

	return n > 0 && (size_t)n < size ? n : -1;
}

bool
ls_load_is_news(const char *mark, const char *path, const struct stat *st,
    const char *sha256, const char *log_file)
{
	char want[2 * POLICY_MAX_PATH + 256], have[sizeof(want)];
	struct stat mst;
	ssize_t got;
	int fd, len;
	bool news = true;

	len = format_mark(want, sizeof(want), path, st, sha256, log_file);
	if (len < 0 || mark == NULL || mark[0] != '/')
		return true;
	/* Kept by the Exim user only. A root process (a local submission
	 * by root that kept its privilege) neither creates the mark (one
	 * the receiving processes could not write) nor rewrites one (the
	 * Exim user could have made it a link to a file of root's). */
	if (geteuid() == 0)
		return true;
	fd = open(mark, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_CREAT, 0640);
	if (fd < 0)
		return true;
	/* Never waits: a lock held by another process (or one that never
	 * lets go) costs one more main-log line, never the message. */
	if (fstat(fd, &mst) != 0 || !S_ISREG(mst.st_mode) || mst.st_nlink != 1
	    || mst.st_uid != geteuid() || flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return true;
	}
	do
		got = pread(fd, have, sizeof(have), 0);
	while (got < 0 && errno == EINTR);
	if (got == len && memcmp(have, want, (size_t)len) == 0)
		news = false;
	else if (ftruncate(fd, 0) != 0
	    || pwrite(fd, want, (size_t)len, 0) != len)
		news = true; /* a half record never matches: logged again */
	close(fd);	     /* and the lock with it */
	return news;
}

bool
ls_mark_log_file(const char *mark, char *out, size_t outsz)
{
	char buf[2 * POLICY_MAX_PATH + 256], *line, *end;
	struct stat st;
	ssize_t got;
	size_t len;
	int fd;

	if (mark == NULL || mark[0] != '/')
		return false;
	fd = open(mark, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	/* Only a mark this very user wrote and no other can: a process of
	 * another user (root, for a local submission) would otherwise
	 * append to a file the Exim user chose. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)
	    || st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return false;
	}
	do
		got = pread(fd, buf, sizeof(buf) - 1, 0);
	while (got < 0 && errno == EINTR);
	close(fd);
	if (got <= 0)
		return false;
	buf[got] = '\0';
	/* The second line, whole (a record cut short names nothing). */
	if ((line = strchr(buf, '\n')) == NULL)
		return false;
	line++;
	if (strncmp(line, MARK_LOG_FILE, strlen(MARK_LOG_FILE)) != 0)
		return false;
	line += strlen(MARK_LOG_FILE);
	if ((end = strchr(line, '\n')) == NULL)
		return false;
	len = (size_t)(end - line);
	if (len == 0 || line[0] != '/' || len >= outsz)
		return false;
	memcpy(out, line, len);
	out[len] = '\0';
	return true;
}
