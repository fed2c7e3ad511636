/*
 * loader.h: the insides of loading policy.ini, shared by the files of the
 * config module and by nothing else (config.h is the module's API):
 * config.c (the INI reader, the keys, storage, lookups), load.c (the
 * load's steps, the only file I/O) and lint.c.
 */
#ifndef AG_LOADER_H
#define AG_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/classes.h"
#include "policy/config.h"

enum section_kind {
	SEC_NONE,
	SEC_GENERAL,
	SEC_ACTIONS,
	SEC_TRUSTED,
	SEC_DOMAIN,
	SEC_INVALID,
};

/* A growable array of fixed-size elements, moved into the arena at the
 * end of a load. */
struct vec {
	unsigned char *items;
	size_t n;
	size_t cap;
	size_t elem;
};

enum general_key {
	GK_AUTHSERV_ID,
	GK_MODE,
	GK_ON_ERROR,
	GK_SUBJECT_TAG,
	GK_MIN_KEY_BITS,
	GK_DNS_TIMEOUT,
	GK_DKIM,
	GK_SPF,
	GK_ARC,
	GK_DMARC_PASS_WAIVES,
	GK_SKIP_HOSTS,
	GK_LOG_FILE,
	GK_LOG_SYSLOG,
	GK_SYSLOG_SOCKET,
	GK_PSL_FILE,
	GK_REJECT_MESSAGE,
	GK_TEMPFAIL_MESSAGE,
	GK_FAILURE_REPORTS,
	GK_FAILURE_REPORT_FROM,
	GK_FAILURE_REPORT_ORG,
	GK_FAILURE_REPORT_INTERVAL,
	GK_FAILURE_REPORT_LIMIT,
	GK_FAILURE_REPORT_STATE,
	GK_COUNT,
};

enum trusted_key {
	TK_DOMAINS,
	TK_RELAYS,
	TK_ARC_SEALERS,
	TK_COUNT,
};

/* "Already set" lines of the open [domain:] section, kept in the loader so
 * struct policy_domain holds only what the engine needs. */
struct domain_lines {
	unsigned cls[AG_CLASS_COUNT];
	unsigned ignore;
	unsigned mode;
};

struct loader {
	struct policy *p;
	struct policy_diag *diag;
	const char *text;
	size_t len;
	size_t pos;
	unsigned lineno;
	bool continuation;
	bool have_prev_name;
	enum section_kind sec;
	size_t dom_index;
	unsigned sec_line[SEC_INVALID];
	unsigned general_line[GK_COUNT];
	unsigned trusted_line[TK_COUNT];
	unsigned actions_line[AG_CLASS_COUNT];
	struct domain_lines dom_lines;
	struct vec domains;
	struct vec trusted;
	struct vec sealers;
	struct vec relays;
	struct vec skip;
	bool oom;
};

/* Adds one diagnostic; diag may be NULL. */
void policy_diag_add(struct policy_diag *diag, enum policy_severity sev,
    unsigned line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Sets every [general] and [actions] default into p. */
void params_defaults(struct policy *p);
/* Reads ld->text through inih into ld->p; returns -1 only when inih
 * itself failed (out of memory), errors going to ld->diag. */
int loader_read_ini(struct loader *ld);
/* Copies len bytes of s into the policy's arena; NULL (and ld->oom) on
 * failure. */
const char *loader_save(struct loader *ld, const char *s, size_t len);
/* Moves the loader's lists into the policy and frees the vectors. */
void loader_settle(struct loader *ld);
/* Builds the policy's name sets from its lists; reports repeated
 * [domain:] sections. */
void loader_build_sets(struct loader *ld);

#endif
