/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syslog.c: the JSON line as one syslog datagram ([general] log_syslog),
 * written to the local socket ourselves rather than with openlog(3),
 * which would change the identity and facility Exim's own syslog lines
 * use in the same process. A line too long for one datagram goes as the
 * short form (logline_render_summary), so every datagram is whole JSON.
 * Trouble with the socket never holds up mail: one panic-log line per
 * process, then silence until the socket works again.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "local_scan/ls.h"

#define LOCAL_SCAN
#include <exim4/local_scan.h>

#define SEVERITY_INFO 6

static struct {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool complained;
} slog = { -1, "", false };

static int
connect_socket(const char *path)
{
	struct sockaddr_un sa;

	if (slog.fd >= 0)
		close(slog.fd);
	slog.fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	slog.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (slog.fd < 0)
		return -1;
	if (connect(slog.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int saved = errno;

		close(slog.fd);
		slog.fd = -1;
		errno = saved;
		return -1;
	}
	memcpy(slog.path, path, strlen(path) + 1);
	return 0;
}

/* The RFC 3164 header glibc's syslog(3) writes to the local socket. */
static size_t
header(char *buf, size_t size, int facility)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int n;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(buf, size,
	    "<%d>%s authgate[%ld]: ", facility * 8 + SEVERITY_INFO, stamp,
	    (long)getpid());
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

void
ls_syslog_line(const struct policy *p, const struct sbuf *line,
    const struct facts *facts, const struct decision *d,
    const struct logline_meta *meta)
{
	char buf[LS_SYSLOG_MAX];
	struct sbuf summary;
	size_t h, len;
	int attempt;

	if (p->syslog_facility < 0)
		return;
	h = header(buf, sizeof(buf), p->syslog_facility);
	if (h == 0)
		return;
	len = line->len;
	if (!sbuf_failed(line) && h + len <= sizeof(buf)) {
		memcpy(buf + h, line->buf, len);
	} else {
		/* Rendered only for the rare line that does not fit. */
		sbuf_init(&summary, sizeof(buf) - h);
		logline_render_summary(&summary, facts, d, meta);
		len = summary.len;
		if (sbuf_failed(&summary)) {
			sbuf_free(&summary);
			return;
		}
		memcpy(buf + h, summary.buf, len);
		sbuf_free(&summary);
	}
	for (attempt = 0; attempt < 2; attempt++) {
		if ((slog.fd < 0 || strcmp(slog.path, p->syslog_socket) != 0)
		    && connect_socket(p->syslog_socket) != 0)
			break;
		if (send(slog.fd, buf, h + len, MSG_NOSIGNAL)
		    == (ssize_t)(h + len)) {
			slog.complained = false;
			return;
		}
		close(slog.fd); /* syslogd restarted: connect again */
		slog.fd = -1;
	}
	if (!slog.complained)
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: cannot send to syslog socket %s: %s",
		    p->syslog_socket, strerror(errno));
	slog.complained = true;
}
