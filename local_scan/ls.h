/*
 * ls.h: the Exim adapter's internal interface. facts.c turns what Exim
 * computed into struct facts, apply.c turns a decision into headers and
 * a local_scan() return code, logfile.c writes the JSON line. Only this
 * folder includes Exim's local_scan.h.
 */
#ifndef AG_LS_H
#define AG_LS_H

#include <stdbool.h>
#include <stddef.h>

#include "../policy/config.h"
#include "../policy/decide.h"
#include "../policy/facts.h"
#include "../policy/logline.h"

#define LS_DEFAULT_POLICY  "/etc/exim4/authgate/policy.ini"
#define LS_MAX_KEY_LOOKUPS 4  /* own DKIM key lookups per message */
#define LS_DNS_BUDGET	   20 /* seconds for all lookups of a message */
#define LS_MAX_MESSAGE	   ((size_t)64 * 1024 * 1024) /* dkim = self */
#define LS_MAX_HEADER	   4096 /* bytes of any string kept in facts */
#define LS_REPLY_MAX	   400	/* SMTP reply text */
/* Bytes one header_add() may carry: Exim 4.96 formats it in a fixed
 * 32 KB buffer (HEADER_ADD_BUFFER_SIZE) and dies on anything longer. */
#define LS_HEADER_ADD_MAX 16384
#define LS_MAX_SUBJECTS	  16 /* Subject fields tagged (more are malformed) */
#define LS_AR_MAX_DKIM	  16 /* signatures listed in Authentication-Results */

/* Every string the module puts in facts must read back from its log line. */
_Static_assert(LS_MAX_HEADER <= FACTS_MAX_STRING,
    "a string kept in facts would not replay");

/* Fills facts from Exim's globals, header_list and the $acl_m_ variables
 * the shipped ACLs set, looking up DMARC records and (where Exim cannot
 * tell a missing key from DNS trouble) DKIM keys with a timeout of
 * dns_timeout seconds. Returns 0, or -1 with the reason in err. */
int ls_collect_facts(const struct policy *policy, int fd, struct facts *facts,
    struct arena *arena, char *err, size_t errsz);

/* Adds Authentication-Results and X-AuthGate, removes forged ones, tags
 * the Subject for "tag", and returns the local_scan() code with the SMTP
 * text in reply. */
int ls_apply(const struct policy *policy, const struct facts *facts,
    const struct decision *d, const char *authserv_id, char *reply,
    size_t replysz);

/* Applies on_error after a failure that left no decision: returns the
 * local_scan() code and the SMTP text. */
int ls_apply_error(enum ag_action on_error, const char *authserv_id,
    char *reply, size_t replysz);

/* Appends line and a newline to path with one write() on an O_APPEND
 * descriptor, reopened when the file was rotated. On failure the line
 * goes to Exim's main log and the cause to the panic log. */
void ls_log_line(const char *path, const char *line, size_t len);

/* Bytes in one syslog datagram: rsyslog's default maximum message size. */
#define LS_SYSLOG_MAX 8192

/* Sends the log line as one datagram to p->syslog_socket when
 * log_syslog is on; a line too long for LS_SYSLOG_MAX (or failed) goes
 * in its short form (logline_render_summary). Never fails the message;
 * socket trouble is one panic-log line per process. */
void ls_syslog_line(const struct policy *p, const struct sbuf *line,
    const struct facts *facts, const struct decision *d,
    const struct logline_meta *meta);

#endif
