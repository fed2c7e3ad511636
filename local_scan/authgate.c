/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * authgate.c: the local_scan() entry point. Per message: make sure the
 * policy is current (one stat), collect facts, decide, apply, log. The
 * only state kept between messages is the loaded policy, its file stamp,
 * and the open log descriptor (logfile.c). Any failure before a decision
 * gives on_error (rule error.local, accepted, for locally submitted mail,
 * which no sender would retry), a panic-log line naming the cause and a
 * JSON line saying what was done.
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

static void
drop_policy(void)
{
	policy_free(cur.policy);
	cur.policy = NULL;
	cur.path[0] = '\0';
}

/* Seconds since the file's last change (its ctime: a write or a rename;
 * a writer cannot set it back), negative when the clock says the future. */
static double
file_age(const struct stat *st)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (double)(now.tv_sec - st->st_ctim.tv_sec)
	    + (double)(now.tv_nsec - st->st_ctim.tv_nsec) / 1e9;
}

/* A file changed within the last LS_POLICY_SETTLE_MS may still be being
 * written; one whose clock stamp lies ahead is taken as it is. */
static bool
settled(const struct stat *st)
{
	double age = file_age(st);

	return age >= LS_POLICY_SETTLE_MS / 1000.0 || age < -1.0;
}

/* Waits (in steps of a tenth of a second, at most LS_POLICY_WAIT_MS in
 * all) for path to settle; 0 with its stamp in st, or -1 with err set. */
static int
wait_settled(const char *path, struct stat *st, char *err, size_t errsz)
{
	const struct timespec step = { 0, 100 * 1000 * 1000 };
	unsigned waited = 0;

	for (;;) {
		if (stat(path, st) != 0) {
			snprintf(err, errsz, "%s: cannot stat: %s", path,
			    strerror(errno));
			return -1;
		}
		if (settled(st))
			return 0;
		if (waited >= LS_POLICY_WAIT_MS) {
			snprintf(err, errsz,
			    "%s: still being written (changed %.1f s ago): "
			    "replace it with rename(2)",
			    path, file_age(st));
			return -1;
		}
		nanosleep(&step, NULL);
		waited += 100;
	}
}

/* The path of the load mark (LS_LOADMARK in Exim's spool directory), or
 * NULL when it cannot be said. */
static const char *
load_mark(void)
{
	static char mark[POLICY_MAX_PATH + 64];
	const char *spool = (const char *)expand_string(US "$spool_directory");
	int n;

	if (spool == NULL || spool[0] != '/')
		return NULL;
	n = snprintf(mark, sizeof(mark), "%s/%s", spool, LS_LOADMARK);
	return n > 0 && (size_t)n < sizeof(mark) ? mark : NULL;
}

/* Returns the policy at path, reloading it when the file changed. A file
 * that cannot be read or parsed gives NULL (and on_error), never a stale
 * or half-read policy, so that every Exim process agrees. A file still
 * being written (changed in the last second, or changed while it was
 * read) is never used: the policy this process has stays in force, and
 * a process with none waits for the file to settle. */
static const struct policy *
current_policy(const char *path, char *err, size_t errsz)
{
	char key[sizeof(((struct policy *)0)->sha256) + 8];
	struct policy_diag diag;
	struct policy *p;
	struct stat st, after;
	unsigned tries;

	if (stat(path, &st) != 0) {
		snprintf(err, errsz, "%s: cannot stat: %s", path,
		    strerror(errno));
		drop_policy();
		return NULL;
	}
	if (cur.policy != NULL && strcmp(cur.path, path) == 0
	    && (policy_same_file(&st, &cur.st) || !settled(&st)))
		return cur.policy;
	drop_policy();
	for (tries = 0;; tries++) {
		if (wait_settled(path, &st, err, errsz) != 0)
			return NULL;
		p = policy_load(path, &diag);
		if (stat(path, &after) == 0 && policy_same_file(&st, &after))
			break;
		policy_free(p);
		if (tries >= 2) {
			snprintf(err, errsz,
			    "%s: changed while it was read: replace it with "
			    "rename(2)",
			    path);
			return NULL;
		}
	}
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
	/* Exim's connection processes each load it afresh: only a load
	 * of a file changed since the last load logged is said, and why
	 * its compiled form was not used (the mark tells the forms
	 * apart, so a compiled form refused later is said too). */
	snprintf(key, sizeof(key), "%s%s", p->sha256,
	    p->compiled != NULL		? "" :
		p->load_warning != NULL ? "+source" :
					  "+parsed");
	if (ls_load_is_news(load_mark(), path, &st, key, p->log_file)) {
		log_write(0, LOG_MAIN,
		    "authgate %s: policy %s loaded, sha256 %s%s",
		    AUTHGATE_VERSION, path, p->sha256,
		    p->compiled != NULL ? " (compiled form)" : "");
		if (p->load_warning != NULL)
			log_write(0, LOG_MAIN | LOG_PANIC, "authgate: %s",
			    p->load_warning);
	}
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

/* authserv_id, or the host name when the policy leaves it unset or
 * there is no policy (p NULL). */
static const char *
our_authserv_id(const struct policy *p)
{
	const char *id = p != NULL ? p->authserv_id : "";

	if (id[0] == '\0')
		id = (const char *)expand_string(US "$primary_hostname");
	return id != NULL && id[0] != '\0' ? id : "authgate";
}

/* Bytes of an error's text in its JSON line. */
#define LS_ERROR_TEXT_MAX 1000
/* Room for the header syslog.c puts before a line in its datagram. */
#define LS_SYSLOG_HEADER_ROOM 64

/* The JSON line of a message that got no decision: the short form's
 * fields, "error" (the cause), the rule's policy.ini line (line_ref, or
 * NULL) and no facts. It goes to log_file and syslog; with no policy
 * loaded, to the log_file of the last load logged (the load mark), or
 * to Exim's main log when there is none, so that stats see an outage. */
static void
error_line(const struct policy *p, const char *cause, enum ag_action action,
    const char *rule, const char *line_ref, const char *reason)
{
	char ts[40], cut[LS_ERROR_TEXT_MAX + 1], last_log[POLICY_MAX_PATH + 1];
	struct logline_meta meta;
	struct decision d;
	struct facts facts;
	struct sbuf sb;

	utc_now(ts, sizeof(ts));
	snprintf(cut, sizeof(cut), "%s", cause);
	sbuf_init(&sb, LOGLINE_MAX);
	sbuf_printf(&sb, "{\"v\":%d,\"ts\":", LOGLINE_VERSION);
	sbuf_json_str(&sb, ts);
	sbuf_puts(&sb, ",\"host\":");
	sbuf_json_str(&sb, (const char *)expand_string(US "$primary_hostname"));
	sbuf_puts(&sb, ",\"id\":");
	sbuf_json_str(&sb, (const char *)message_id);
	sbuf_puts(&sb, ",\"error\":");
	sbuf_json_str(&sb, cut);
	sbuf_puts(&sb, ",\"decision\":{\"action\":");
	sbuf_json_str(&sb, ag_action_name(action));
	sbuf_puts(&sb, ",\"class\":\"none\",\"rule\":");
	sbuf_json_str(&sb, rule);
	sbuf_puts(&sb, ",\"line\":");
	sbuf_json_str(&sb, line_ref);
	sbuf_puts(&sb, ",\"reason\":");
	sbuf_json_str(&sb, reason);
	sbuf_puts(&sb, "}}");
	if (sbuf_failed(&sb)) {
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: message %s: out of memory for its log line",
		    message_id);
	} else if (p == NULL) {
		if (ls_mark_log_file(load_mark(), last_log, sizeof(last_log)))
			ls_log_line(last_log, sbuf_cstr(&sb), sb.len);
		else
			log_write(0, LOG_MAIN, "authgate: %s", sbuf_cstr(&sb));
	} else {
		ls_log_line(p->log_file, sbuf_cstr(&sb), sb.len);
		/* Only a line that fits one datagram: the short form syslog
		 * would send instead is made from a decision, and there is
		 * none. */
		if (sb.len + LS_SYSLOG_HEADER_ROOM <= LS_SYSLOG_MAX) {
			facts_init(&facts);
			facts.id = (const char *)message_id;
			memset(&d, 0, sizeof(d));
			d.action = action;
			d.basis = BASIS_NONE;
			d.deciding = -1;
			memset(&meta, 0, sizeof(meta));
			meta.ts = ts;
			ls_syslog_line(p, &sb, &facts, &d, &meta);
		}
	}
	sbuf_free(&sb);
}

/*
 * A message that got no decision (the cause in err; p NULL when no
 * policy loaded). Mail that came with no client address (sendmail -t,
 * -bm, -bS, a local process speaking SMTP on -bs) is submitted locally:
 * no queue would retry it, and a working policy accepts it unchecked
 * (skip.authenticated, the same test collect.c makes), so it is accepted
 * unchecked now too, rule error.local. Any other message gets on_error:
 * the policy's, or tempfail when none loaded; its sender retries.
 */
static int
no_decision(const struct policy *p, const char *err, char *reply,
    size_t replysz)
{
	char line_ref[POLICY_MAX_PATH + 16];
	bool local = sender_host_address == NULL;
	enum ag_action action = AG_ACCEPT;
	const char *rule = "error.local";
	int rc;

	line_ref[0] = '\0';
	if (local) {
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: %s; message %s was submitted locally: "
		    "accepted unchecked (rule error.local)",
		    err, message_id);
	} else {
		action = p != NULL ? p->on_error : AG_TEMPFAIL;
		rule = "on_error";
		if (p != NULL && p->on_error_line > 0)
			snprintf(line_ref, sizeof(line_ref), "%s:%u", p->file,
			    p->on_error_line);
		log_write(0, LOG_MAIN | LOG_PANIC,
		    "authgate: %s; message %s gets on_error (%s)", err,
		    message_id, ag_action_name(action));
	}
	rc = ls_apply_error(action, rule, our_authserv_id(p), reply, replysz);
	error_line(p, err, action, rule, line_ref[0] != '\0' ? line_ref : NULL,
	    local ? "submitted locally: accepted unchecked, the policy "
		    "could not be applied" :
		    "message could not be checked");
	return rc;
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
	struct logline_message msg;
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
			rc = no_decision(NULL,
			    "$acl_m_authgate is not set: the authgate ACLs "
			    "(exim-conf/) did not run",
			    reply, sizeof(reply));
			*return_text = US reply;
			return rc;
		}
		path = LS_DEFAULT_POLICY;
	}
	p = current_policy(path, err, sizeof(err));
	if (p == NULL) {
		rc = no_decision(NULL, err, reply, sizeof(reply));
		*return_text = reply[0] != '\0' ? US reply : NULL;
		return rc;
	}
	arena_init(&arena);
	ls_budget_start(&budget, p->dns_timeout, &arena);
	if (ls_collect_facts(p, fd, &facts, &budget, err, sizeof(err)) != 0) {
		rc = no_decision(p, err, reply, sizeof(reply));
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
	ls_collect_message(&arena, &msg);
	meta.message = &msg;
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
