/*
 * authgate.c: the local_scan() entry point. Per message: make sure the
 * policy is current (one stat), collect facts, decide, apply, log. The
 * only state kept between messages is the loaded policy, its file stamp,
 * and the open log descriptor (logfile.c). Any failure before a decision
 * gives on_error and a panic-log line naming the cause.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "local_scan/ls.h"
#include "log/logline.h"
#include "policy/verdict.h"
#include "util/version.h"

#define LOCAL_SCAN
#include <exim4/local_scan.h>

#define EXPORT __attribute__((visibility("default")))

/* The loaded policy and the stamp of the file it came from. */
static struct {
	struct policy *policy;
	char path[POLICY_MAX_PATH + 1];
	struct stat st;
} cur;

EXPORT int local_scan_version_major(void);
EXPORT int local_scan_version_minor(void);
EXPORT int local_scan(int fd, uschar **return_text);

int
local_scan_version_major(void)
{
	return LOCAL_SCAN_ABI_VERSION_MAJOR;
}

int
local_scan_version_minor(void)
{
	return LOCAL_SCAN_ABI_VERSION_MINOR;
}

static bool
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino
	    && a->st_size == b->st_size
	    && a->st_mtim.tv_sec == b->st_mtim.tv_sec
	    && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec
	    && a->st_ctim.tv_sec == b->st_ctim.tv_sec
	    && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void
drop_policy(void)
{
	policy_free(cur.policy);
	cur.policy = NULL;
	cur.path[0] = '\0';
}

/* Returns the policy at path, reloading it when the file changed. A file
 * that cannot be read or parsed gives NULL (and on_error), never a stale
 * or half-read policy, so that every Exim process agrees. */
static const struct policy *
current_policy(const char *path, char *err, size_t errsz)
{
	struct policy_diag diag;
	struct policy *p;
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(err, errsz, "%s: cannot stat: %s", path,
		    strerror(errno));
		drop_policy();
		return NULL;
	}
	if (cur.policy != NULL && strcmp(cur.path, path) == 0
	    && same_file(&st, &cur.st))
		return cur.policy;
	drop_policy();
	p = policy_load(path, &diag);
	if (p == NULL) {
		if (diag.n > 0)
			policy_diag_format(path, &diag.items[0], err, errsz);
		else
			snprintf(err, errsz, "%s: cannot load", path);
		if (diag.n_errors > 1) {
			size_t used = strlen(err);

			snprintf(err + used, errsz - used, " (and %zu more)",
			    diag.n_errors - 1);
		}
		return NULL;
	}
	cur.policy = p;
	cur.st = st;
	snprintf(cur.path, sizeof(cur.path), "%s", path);
	/* Once per process (Exim's connection processes load it afresh)
	 * and again whenever the file changes. */
	log_write(0, LOG_MAIN, "authgate %s: policy %s loaded, sha256 %s",
	    AUTHGATE_VERSION, path, p->sha256);
	return p;
}

static void
utc_now(char *buf, size_t size)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", (long)(tv.tv_usec / 1000));
}

/* authserv_id, or the host name when the policy leaves it unset. */
static const char *
our_authserv_id(const struct policy *p)
{
	const char *id = p->authserv_id;

	if (id[0] == '\0')
		id = (const char *)expand_string(US "$primary_hostname");
	return id != NULL && id[0] != '\0' ? id : "authgate";
}

/* The summary line in Exim's main log. */
static void
main_log(const struct decision *d, const struct ruf_outcome *ruf)
{
	char rule[DOMAIN_MAX_LEN + 80];

	verdict_rule(d, rule, sizeof(rule));
	log_write(0, LOG_MAIN,
	    "authgate: action=%s%s%s class=%s rule=%s dmarc=%s from=%s%s%s",
	    ag_action_name(d->action), d->monitor ? " would=" : "",
	    d->monitor ? ag_action_name(d->would) : "", verdict_class_name(d),
	    rule, ag_dmarc_name(d->dmarc.result),
	    d->from_domain[0] != '\0' ? d->from_domain : "-",
	    ruf->status != RUF_NONE ? " failure_report=" : "",
	    ruf->status != RUF_NONE ? ruf_status_name(ruf->status) : "");
}

int
local_scan(int fd, uschar **return_text)
{
	static char reply[LS_REPLY_MAX + 16];
	char err[POLICY_MAX_PATH + 300], ts[40];
	const char *path, *authserv_id;
	const struct policy *p;
	struct logline_meta meta;
	struct ruf_outcome ruf;
	struct ls_budget budget;
	struct decision d;
	struct facts facts;
	struct arena arena;
	struct sbuf sb;
	int rc;

	err[0] = '\0';
#ifdef AG_CRASH_TEST
	/* make $(BUILD)/authgate-crash.so only: a module that dies. */
	raise(SIGSEGV);
#endif
	/* The shipped MAIL ACL sets $acl_m_authgate to the policy path; for
	 * SMTP input an empty value means the ACLs are not installed. */
	path = (const char *)expand_string(US "$acl_m_authgate");
	if (path == NULL || path[0] == '\0') {
		if (smtp_input && sender_host_address != NULL) {
			log_write(0, LOG_MAIN | LOG_PANIC,
			    "authgate: $acl_m_authgate is not set: the "
			    "authgate ACLs (exim-conf/) did not run; "
			    "message %s temporarily rejected",
			    message_id);
			rc = ls_apply_error(AG_TEMPFAIL, NULL, reply,
			    sizeof(reply));
			*return_text = US reply;
			return rc;
		}
		path = LS_DEFAULT_POLICY;
	}
	p = current_policy(path, err, sizeof(err));
	if (p == NULL) {
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: %s; message %s gets on_error (tempfail)", err,
		    message_id);
		rc = ls_apply_error(AG_TEMPFAIL, NULL, reply, sizeof(reply));
		*return_text = US reply;
		return rc;
	}
	arena_init(&arena);
	ls_budget_start(&budget, p->dns_timeout, &arena);
	if (ls_collect_facts(p, fd, &facts, &budget, err, sizeof(err)) != 0) {
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: %s; message %s gets on_error (%s)", err,
		    message_id, ag_action_name(p->on_error));
		rc = ls_apply_error(p->on_error, our_authserv_id(p), reply,
		    sizeof(reply));
		arena_free(&arena);
		*return_text = reply[0] != '\0' ? US reply : NULL;
		return rc;
	}
	decide(p, &facts, &d);
	authserv_id = our_authserv_id(p);
	/* Before ls_apply: the report shows the headers as received. */
	ls_failure_report(p, &facts, &d, &budget, authserv_id, &ruf);
	rc = ls_apply(p, &facts, &d, authserv_id, reply, sizeof(reply));

	utc_now(ts, sizeof(ts));
	meta.ts = ts;
	meta.host = (const char *)expand_string(US "$primary_hostname");
	meta.failure_report = &ruf;
	sbuf_init(&sb, LOGLINE_MAX);
	logline_render(&sb, p, &facts, &d, &meta);
	if (sbuf_failed(&sb)) {
		/* A sender can make the facts longer than a line may be
		 * (sixteen 4 KB From headers of bytes that escape to six
		 * each): the message still gets its one line, the short
		 * form, which has no facts and so does not replay. */
		log_write(0, LOG_MAIN,
		    "authgate: log line for %s exceeds %zu bytes; its short "
		    "form is logged",
		    message_id, LOGLINE_MAX);
		sbuf_free(&sb);
		logline_render_summary(&sb, &facts, &d, &meta);
	}
	if (!sbuf_failed(&sb))
		ls_log_line(p->log_file, sbuf_cstr(&sb), sb.len);
	ls_syslog_line(p, &sb, &facts, &d, &meta);
	sbuf_free(&sb);
	main_log(&d, &ruf);
	arena_free(&arena);
	*return_text = reply[0] != '\0' ? US reply : NULL;
	return rc;
}
