/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ls.h: the Exim adapter's internal interface. collect.c turns what Exim
 * computed into struct facts, apply.c turns a decision into headers and
 * a local_scan() return code, logfile.c writes the JSON line. Only this
 * folder includes Exim's local_scan.h.
 */
#ifndef AG_LS_H
#define AG_LS_H

#include <sys/stat.h>

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "log/logline.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "report/failure.h"
#include "verify/dns.h"

#define LS_DEFAULT_POLICY  "/etc/exim4/authgate/policy.ini"
#define LS_MAX_KEY_LOOKUPS 4  /* own DKIM key lookups per message */
#define LS_DNS_BUDGET	   20 /* seconds for all lookups of a message */
/* Seconds at the end of LS_DNS_BUDGET that only lookups that can matter
 * may use (the From domain's DMARC names, keys of aligned or trusted
 * domains and ARC sealers, an aligned SPF check): no lookup a sender
 * chooses can starve them. */
#define LS_DNS_RESERVE 8
#define LS_MAX_MESSAGE ((size_t)64 * 1024 * 1024) /* dkim = self */
#define LS_MAX_HEADER  4096 /* bytes of any string kept in facts */
#define LS_REPLY_MAX   400  /* SMTP reply text */
/* A policy.ini changed this recently may still be being written: it is
 * not used yet (a process waits at most LS_POLICY_WAIT_MS for it). */
#define LS_POLICY_SETTLE_MS 1000
#define LS_POLICY_WAIT_MS   3000
/* Bytes one header_add() may carry: Exim 4.96 formats it in a fixed
 * 32 KB buffer (HEADER_ADD_BUFFER_SIZE) and dies on anything longer. */
#define LS_HEADER_ADD_MAX 16384
#define LS_MAX_SUBJECTS	  16 /* Subject fields tagged (more are malformed) */

/* Every string the module puts in facts must read back from its log line. */
_Static_assert(LS_MAX_HEADER <= FACTS_MAX_STRING,
    "a string kept in facts would not replay");

/* The DNS time all lookups of one message share (LS_DNS_BUDGET), the
 * per-query timeout, and the arena answers go into. */
struct ls_budget {
	struct timespec deadline;
	unsigned timeout;
	struct arena *arena;
};

/* Starts a message's budget now. */
void ls_budget_start(struct ls_budget *b, unsigned dns_timeout,
    struct arena *arena);
/* A TXT lookup within the budget (a dnsq_lookup_fn, budget as its ctx):
 * past the deadline a temperror without a query. */
void ls_budget_lookup(void *budget, const char *name, struct dnsq_answer *a);

/* Fills facts from Exim's globals, header_list and the $acl_m_ variables
 * the shipped ACLs set, looking up DMARC records first and then (where
 * Exim cannot tell a missing key from DNS trouble) DKIM keys, those that
 * can matter first, within the budget. Returns 0, or -1 with the reason
 * in err. */
int ls_collect_facts(const struct policy *policy, int fd, struct facts *facts,
    struct ls_budget *budget, char *err, size_t errsz);

/* Fills m with what support finds the message by: the first Message-ID
 * field (logline_message_id(), in arena), Exim's $message_size and
 * recipients_count. */
void ls_collect_message(struct arena *arena, struct logline_message *m);

/* Adds Authentication-Results and X-AuthGate, removes forged ones, tags
 * the Subject for "tag", and returns the local_scan() code with the SMTP
 * text in reply. */
int ls_apply(const struct policy *policy, const struct facts *facts,
    const struct decision *d, const char *authserv_id, char *reply,
    size_t replysz);

/* Applies on_error after a failure that left no decision: returns the
 * local_scan() code and the SMTP text; an accepted message's X-AuthGate
 * names rule (a fixed word, e.g. "on_error"). */
int ls_apply_error(enum ag_action on_error, const char *rule,
    const char *authserv_id, char *reply, size_t replysz);

/* Appends line and a newline to path with one write() on an O_APPEND
 * descriptor, reopened when the file was rotated. On failure the line
 * goes to Exim's main log and the cause to the panic log. */
void ls_log_line(const char *path, const char *line, size_t len);

/* Seconds Exim may take to accept a failure report (ls_inject). */
#define LS_RUF_INJECT_TIMEOUT 10

/* Makes and sends the failure report a decided message calls for
 * (report/failure.h's rules, the ruf= addresses, RFC 7489 7.1's consent
 * within the message's DNS budget, the rate limit), reading the header
 * section as received from header_list; call it before ls_apply changes
 * the headers. Never affects the message: what happened is in out, and
 * trouble an operator must fix also in the panic log. */
void ls_failure_report(const struct policy *p, const struct facts *f,
    const struct decision *d, struct ls_budget *budget, const char *authserv_id,
    struct ruf_outcome *out);

enum ls_claim {
	LS_CLAIM_OK,	  /* a report may be sent, and is counted */
	LS_CLAIM_LIMITED, /* too soon for key, or too many in all */
	LS_CLAIM_ERROR,	  /* the state file cannot be used */
};

/* Takes one report for key (an organizational domain) from the rate
 * limit kept in failure_report_state, shared by all Exim processes: at
 * most one per key per failure_report_interval, and at most
 * failure_report_limit in all per interval. why says why not. */
enum ls_claim ls_ruf_claim(const struct policy *p, const char *key, char *why,
    size_t whysz);

/* Hands a message to Exim as a new local submission from the null sender
 * (exim -t -oi -oem -f <>), through child_open_exim2() where Exim exports
 * it. Returns 0 once Exim has accepted it, or -1 with the reason in err;
 * waits at most LS_RUF_INJECT_TIMEOUT seconds. */
int ls_inject(const char *msg, size_t len, char *err, size_t errsz);

/* Bytes in one syslog datagram: rsyslog's default maximum message size. */
#define LS_SYSLOG_MAX 8192

/* Sends the log line as one datagram to p->syslog_socket when
 * log_syslog is on; a line too long for LS_SYSLOG_MAX (or failed) goes
 * in its short form (logline_render_summary). Never fails the message;
 * socket trouble is one panic-log line per process. */
void ls_syslog_line(const struct policy *p, const struct sbuf *line,
    const struct facts *facts, const struct decision *d,
    const struct logline_meta *meta);

/* The file, in Exim's spool directory, that records the last policy
 * load logged (loadmark.c). */
#define LS_LOADMARK "authgate-policy.loaded"

/* Tells whether a load of the policy at path (stamp st, hash sha256,
 * its log_file or NULL) is news: true, and recorded in the file mark,
 * unless mark already records this very load; true too when mark cannot
 * be used. */
bool ls_load_is_news(const char *mark, const char *path, const struct stat *st,
    const char *sha256, const char *log_file);

/* Copies into out the log_file of the last load mark records: true when
 * it names one (an absolute path that fits) and the mark is a plain file
 * of this process's user that no one else may write; false otherwise. */
bool ls_mark_log_file(const char *mark, char *out, size_t outsz);

#endif
