/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ruflimit.c: the failure reports' rate limit, shared by every Exim
 * process through one small state file (failure_report_state): a window
 * counter for failure_report_limit and a fixed table of (organization
 * hash, time of its last report) for failure_report_interval. Each claim
 * reads, updates and writes the whole file under an exclusive flock(), so
 * concurrent receiving processes never both win. A table that is full of
 * live entries, a file that is busy or unreadable: no report. A file
 * that is not ours (wrong size or magic) is started afresh.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "local_scan/ls.h"

#define STATE_MAGIC  "AGRUF01\n"
#define STATE_SLOTS  4096 /* organizations remembered */
#define STATE_PROBES 64	  /* slots looked at per claim */
#define LOCK_TRIES   100  /* of 10 ms each */

struct state_slot {
	uint64_t key; /* FNV-1a of the organization, never 0; 0: free */
	int64_t last; /* time of its last report */
};

struct state {
	char magic[8];
	int64_t window_start;
	uint32_t window_count;
	uint32_t slots;
	struct state_slot slot[STATE_SLOTS];
};

static uint64_t
key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 0x100000001b3ull;
	}
	return h != 0 ? h : 1;
}

/* Tells whether t lies within interval of now, either way (a clock set
 * back does not free every organization at once). */
static bool
recent(int64_t t, int64_t now, unsigned interval)
{
	return t > now ? t - now < interval : now - t < interval;
}

static int
lock_state(int fd)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < LOCK_TRIES; i++) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		nanosleep(&pause, NULL);
	}
	errno = EWOULDBLOCK;
	return -1;
}

static void
read_state(int fd, struct state *st)
{
	ssize_t n = pread(fd, st, sizeof(*st), 0);

	if (n != (ssize_t)sizeof(*st) || memcmp(st->magic, STATE_MAGIC, 8) != 0
	    || st->slots != STATE_SLOTS) {
		memset(st, 0, sizeof(*st));
		memcpy(st->magic, STATE_MAGIC, 8);
		st->slots = STATE_SLOTS;
	}
}

/* The slot for key: its own, else the first free or stale one; -1 when
 * the key reported recently (*limited) or no slot is free. */
static long
find_slot(const struct state *st, uint64_t key, int64_t now, unsigned interval,
    bool *limited)
{
	long pick = -1;
	size_t i, at;

	*limited = false;
	for (i = 0; i < STATE_PROBES; i++) {
		at = (size_t)((key + i) % STATE_SLOTS);
		if (st->slot[at].key == key) {
			if (recent(st->slot[at].last, now, interval)) {
				*limited = true;
				return -1;
			}
			return (long)at;
		}
		if (pick < 0
		    && (st->slot[at].key == 0
			|| !recent(st->slot[at].last, now, interval)))
			pick = (long)at;
	}
	return pick;
}

enum ls_claim
ls_ruf_claim(const struct policy *p, const char *key, char *why, size_t whysz)
{
	const char *path = p->failure_report_state;
	enum ls_claim rc = LS_CLAIM_LIMITED;
	struct state *st;
	struct stat sb;
	int64_t now = (int64_t)time(NULL);
	uint64_t h = key_hash(key);
	bool limited;
	long at;
	int fd;

	why[0] = '\0';
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
	    0600);
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		snprintf(why, whysz,
		    "cannot open failure_report_state %.200s: %s", path,
		    fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return LS_CLAIM_ERROR;
	}
	if (lock_state(fd) != 0) {
		snprintf(why, whysz, "failure_report_state %.200s is busy: %s",
		    path, strerror(errno));
		close(fd);
		return LS_CLAIM_LIMITED;
	}
	st = malloc(sizeof(*st));
	if (st == NULL) {
		snprintf(why, whysz, "out of memory");
		close(fd);
		return LS_CLAIM_ERROR;
	}
	read_state(fd, st);
	if (!recent(st->window_start, now, p->failure_report_interval)) {
		st->window_start = now;
		st->window_count = 0;
	}
	at = find_slot(st, h, now, p->failure_report_interval, &limited);
	if (st->window_count >= p->failure_report_limit)
		snprintf(why, whysz,
		    "failure_report_limit: %u reports in %u s reached",
		    p->failure_report_limit, p->failure_report_interval);
	else if (limited)
		snprintf(why, whysz, "one report per %u s for %.200s",
		    p->failure_report_interval, key);
	else if (at < 0)
		snprintf(why, whysz, "rate limit table full");
	else {
		st->slot[at].key = h;
		st->slot[at].last = now;
		st->window_count++;
		if (pwrite(fd, st, sizeof(*st), 0) == (ssize_t)sizeof(*st)) {
			rc = LS_CLAIM_OK;
		} else {
			snprintf(why, whysz,
			    "cannot write failure_report_state %.200s: %s",
			    path, strerror(errno));
			rc = LS_CLAIM_ERROR;
		}
	}
	free(st);
	close(fd); /* releases the lock */
	return rc;
}
