/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h: policy.ini, parsed once into an immutable struct policy.
 * Any unknown section, key, class, action, network or domain is an error
 * that names FILE:LINE; a policy with errors is never returned for use
 * (only check-config sees one, to list its warnings too), so a typo can
 * never silently weaken what is enforced.
 */
#ifndef AG_CONFIG_H
#define AG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/classes.h"
#include "util/arena.h"
#include "util/cidr.h"
#include "util/domain.h"

/* Limits, each enforced and tested, and the keys' defaults; the keys'
 * bounds and defaults are read from the parameter table (params.c),
 * which cites these. */
#define POLICY_MAX_FILE		     ((size_t)16 * 1024 * 1024) /* bytes of policy.ini */
#define POLICY_MAX_LINE		     197 /* Debian's inih: INI_MAX_LINE 200 - 3 */
#define POLICY_MAX_DIAGS	     100 /* diagnostics kept; the rest counted */
#define POLICY_MAX_TAG		     64	 /* subject_tag bytes */
#define POLICY_MAX_MESSAGE	     160 /* reject_message / tempfail_message */
#define POLICY_MAX_AUTHSERV	     64	 /* authserv_id bytes */
#define POLICY_MAX_PATH		     1024
#define POLICY_MAX_KEY_BITS	     16384
#define POLICY_DEFAULT_PSL	     "/usr/share/publicsuffix/public_suffix_list.dat"
#define POLICY_DEFAULT_SYSLOG_SOCKET "/dev/log"
/* Where the Debian package and the conf.d snippets put the policy. */
#define POLICY_DEFAULT_PATH	   "/etc/exim4/authgate/policy.ini"
#define POLICY_DEFAULT_TAG	   "[SPAM]"
#define POLICY_DEFAULT_BITS	   1024
#define POLICY_DEFAULT_DNS_TIMEOUT 3
#define POLICY_MAX_DNS_TIMEOUT	   30
#define POLICY_DEFAULT_REJECT	   "%{reason}"
#define POLICY_DEFAULT_TEMPFAIL	   "%{reason}; please try again later"
/* Failure reports (RFC 7489 ruf=): off unless failure_reports = on. */
#define POLICY_MAX_RUF_ORG	    64	 /* failure_report_org bytes */
#define POLICY_MAX_RUF_FROM	    254	 /* failure_report_from bytes */
#define POLICY_DEFAULT_RUF_INTERVAL 3600 /* seconds per organization */
#define POLICY_MIN_RUF_INTERVAL	    60
#define POLICY_MAX_RUF_INTERVAL	    604800 /* a week */
#define POLICY_DEFAULT_RUF_LIMIT    100	   /* reports per interval, in all */
#define POLICY_MAX_RUF_LIMIT	    10000
#define POLICY_DEFAULT_RUF_STATE    "/var/spool/exim4/authgate-ruf.state"

enum ag_mode {
	AG_MODE_ENFORCE,
	AG_MODE_MONITOR,
};

/* Where an action comes from: line 0 is the built-in default. */
struct policy_action {
	enum ag_action action;
	unsigned line;
};

/* A [domain:NAME] section. set[] tells which classes it overrides. */
struct policy_domain {
	const char *name;    /* canonical (mail/domcanon.h) */
	const char *written; /* as policy.ini spells it, when that differs
				beyond case; NULL otherwise */
	unsigned line;
	bool set[AG_CLASS_COUNT];
	struct policy_action actions[AG_CLASS_COUNT];
	unsigned ignore; /* bit (1u << enum ag_family) per ignored family */
	unsigned ignore_line;
	bool mode_set;
	enum ag_mode mode;
	unsigned mode_line;
};

/* A listed name (trusted domain or ARC sealer) and its line. */
struct policy_entry {
	const char *name;    /* canonical (mail/domcanon.h) */
	const char *written; /* as written, when that differs beyond case */
	unsigned line;
};

struct agc_view;
struct policy_map;

struct policy {
	struct arena arena;
	const char *file;
	const char *authserv_id; /* "" when unset: the host name is used */
	enum ag_mode mode;
	unsigned mode_line;
	enum ag_action on_error; /* AG_TEMPFAIL or AG_ACCEPT */
	unsigned on_error_line;
	const char *subject_tag;
	unsigned min_key_bits;
	unsigned min_key_bits_line;
	unsigned dns_timeout; /* seconds per DNS query */
	bool dkim_self;	      /* dkim = self: own verification */
	bool spf_self;	      /* spf = self */
	bool arc_self;	      /* arc = self: own ARC validation */
	unsigned dkim_line, spf_line, arc_line; /* 0 when unset */
	bool dmarc_rfc7489; /* dmarc_method = rfc7489: PSL org domains, pct */
	unsigned dmarc_method_line;
	char sha256[65];	    /* of the file's bytes, in hex */
	unsigned dmarc_pass_waives; /* family bits */
	unsigned dmarc_pass_waives_line;
	/* Family bits an aligned, passing DKIM signature waives, DMARC
	 * record or not; only those dmarc_pass_waives names count. */
	unsigned aligned_dkim_waives;
	unsigned aligned_dkim_waives_line;
	const char *log_file; /* "" when unset */
	unsigned log_file_line;
	int syslog_facility;	   /* RFC 5424 code, or -1: no syslog */
	const char *syslog_socket; /* the local syslog socket */
	const char *psl_file;
	void *psl; /* psl_ctx_t, owned */
	const char *reject_message;
	const char *tempfail_message;
	bool failure_reports;		  /* failure_reports = on */
	unsigned failure_reports_line;	  /* its line, 0 when unset */
	const char *failure_report_from;  /* the reports' From; "" unset */
	const char *failure_report_org;	  /* "" when unset: authserv-id */
	unsigned failure_report_interval; /* seconds between two reports
					     about one organization */
	unsigned failure_report_limit;	  /* reports per interval, in all */
	const char *failure_report_state; /* the rate limit's state file */
	unsigned failure_report_state_line;
	struct policy_action actions[AG_CLASS_COUNT];
	struct cidr *skip_hosts;
	size_t n_skip_hosts;
	struct cidr *relays;
	size_t n_relays;
	struct dset trusted_domains; /* values: struct policy_entry * */
	struct dset arc_sealers;     /* values: struct policy_entry * */
	struct dset domains;	     /* values: struct policy_domain * */
	struct policy_domain *domain_list;
	size_t n_domains;
	struct policy_entry *trusted_list;
	size_t n_trusted;
	struct policy_entry *sealer_list;
	size_t n_sealers;
	/* Loaded from the compiled form (policy/compiled.h): the lists
	 * above are NULL (their counts are set) and the lookups below read
	 * the map. */
	struct agc_view *compiled;
	struct policy_map *map; /* the mapped file, load.c's */
	/* NULL, or why the compiled form beside the file was not used
	 * (stale, corrupt, another version): said by the module and the
	 * CLI as a warning. */
	const char *load_warning;
};

enum policy_severity {
	POLICY_ERROR,
	POLICY_WARNING,
};

struct policy_diag_item {
	enum policy_severity severity;
	unsigned line; /* 0: the file as a whole */
	char msg[240];
};

/* Diagnostics of one load or lint, in file order. */
struct policy_diag {
	struct policy_diag_item items[POLICY_MAX_DIAGS];
	size_t n;
	size_t n_errors;
	size_t n_warnings;
	size_t dropped;
};

/* Loads and validates path: its compiled form (path + ".agc") when that
 * exists and records path's current stamp, else path itself (with
 * load_warning set when a compiled form was there but not used). Returns
 * the policy, or NULL with every error in diag (diag may be NULL when
 * the caller only needs success). */
struct policy *policy_load(const char *path, struct policy_diag *diag);
/* How policy_load_with loads. */
#define POLICY_LOAD_SOURCE 1u /* parse the file, never its compiled form */
#define POLICY_LOAD_VERIFY 2u /* check the compiled form's payload too */
/* As policy_load, with POLICY_LOAD_* flags. */
struct policy *policy_load_with(const char *path, unsigned flags,
    struct policy_diag *diag);
/* Maps path's compiled form (path + ".agc") read-only and checks it
 * whole, for the processes forked afterwards (Exim's daemon, before
 * each fork): never parses, never blocks, allocates only its record.
 * Returns 0 when a valid compiled form is mapped (or already was), 1
 * when there is nothing to map (no such file: what an earlier call
 * mapped is let go) or nothing new to say about a file refused before,
 * -1 with the reason in err (naming the file) the first time a file is
 * refused. One policy path is held at a time. */
int loader_preload(const char *policy_path, char *err, size_t errlen);
struct stat;
/* Whether two stats are of the same file unchanged: device, inode, size,
 * and modification and change times to the nanosecond. */
bool policy_same_file(const struct stat *a, const struct stat *b);
/* Same as policy_load for text already in memory; name labels messages. */
struct policy *policy_load_buffer(const char *name, const char *text,
    size_t len, struct policy_diag *diag);
/* Loads path for check-config: as policy_load, but a policy with errors
 * (in diag) is returned too, each key in error left at its default, so
 * that its warnings can be shown with its errors. Such a policy must
 * never decide. NULL only when the file cannot be read or memory runs
 * out. */
struct policy *policy_load_for_check(const char *path,
    struct policy_diag *diag);
/* Frees a policy and everything it owns; NULL is allowed. */
void policy_free(struct policy *policy);
/* Tells whether a name as written differs from its canonical form
 * beyond ASCII case and one trailing dot. */
bool policy_spelled_otherwise(const char *written, size_t len,
    const char *canonical);
/* Adds warnings about risky but valid choices to diag, and notes each
 * domain written in another form than the one it is compared in. */
void policy_lint(const struct policy *policy, struct policy_diag *diag);
/* Adds one diagnostic (check-config adds what the host says); diag may
 * be NULL. */
void policy_diag_add(struct policy_diag *diag, enum policy_severity sev,
    unsigned line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Formats item as "FILE:LINE: error: msg" (or warning) into buf. */
void policy_diag_format(const char *file, const struct policy_diag_item *item,
    char *buf, size_t size);

/* Returns the organizational domain of a normalized domain under the
 * policy's public suffix list, or NULL (a public suffix, or no list). */
const char *policy_org_domain(const struct policy *policy, const char *domain);
/* Returns the [domain:] section governing a From domain, or NULL. */
const struct policy_domain *policy_domain_for(const struct policy *policy,
    const char *from_domain);
/* Returns the trusted-domain entry covering domain, or NULL. */
const struct policy_entry *policy_trusted_domain(const struct policy *policy,
    const char *domain);
/* Returns the trusted ARC sealer entry covering domain, or NULL. */
const struct policy_entry *policy_trusted_sealer(const struct policy *policy,
    const char *domain);
/* Returns the trusted relay network containing ip, or NULL. */
const struct cidr *policy_trusted_relay(const struct policy *policy,
    const char *ip);
/* Returns the skip_hosts network containing ip, or NULL. */
const struct cidr *policy_skip_host(const struct policy *policy,
    const char *ip);

#endif
