/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loader.h: the insides of loading policy.ini, shared by the files of the
 * config module and by nothing else (config.h is the module's API):
 * params.c (the parameter table and its value parsers), ini.c (the INI
 * reader and the key dispatch), load.c (the load's steps, the only file
 * I/O), config.c (storage, name sets, lookups) and lint.c.
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

/* The rows of params.c's table. */
enum param_id {
	P_AUTHSERV_ID,
	P_MODE,
	P_ON_ERROR,
	P_SUBJECT_TAG,
	P_MIN_KEY_BITS,
	P_DNS_TIMEOUT,
	P_DKIM,
	P_SPF,
	P_ARC,
	P_DMARC_METHOD,
	P_DMARC_PASS_WAIVES,
	P_ALIGNED_DKIM_WAIVES,
	P_SKIP_HOSTS,
	P_LOG_FILE,
	P_LOG_SYSLOG,
	P_SYSLOG_SOCKET,
	P_PSL_FILE,
	P_REJECT_MESSAGE,
	P_TEMPFAIL_MESSAGE,
	P_FAILURE_REPORTS,
	P_FAILURE_REPORT_FROM,
	P_FAILURE_REPORT_ORG,
	P_FAILURE_REPORT_INTERVAL,
	P_FAILURE_REPORT_LIMIT,
	P_FAILURE_REPORT_STATE,
	P_TRUSTED_DOMAINS,
	P_TRUSTED_RELAYS,
	P_TRUSTED_ARC_SEALERS,
	P_DOMAIN_IGNORE,
	P_DOMAIN_MODE,
	P_COUNT,
};

/* A growable array of fixed-size elements, moved into the arena at the
 * end of a load. */
struct vec {
	unsigned char *items;
	size_t n;
	size_t cap;
	size_t elem;
};

/* The state of one load. */
struct loader {
	struct policy *p;
	struct policy_diag *diag;
	const char *text;
	size_t len;
	size_t pos;
	unsigned lineno;
	bool continuation; /* this line continues the previous key */
	bool have_prev_name;
	enum section_kind sec;
	size_t dom_index; /* the open [domain:] section in domains */
	unsigned sec_line[SEC_INVALID];
	/* Each section's rows of the parameter table, from first to
	 * before end. */
	struct {
		size_t first, end;
	} rows[SEC_INVALID];
	/* Where each key was first set; [domain:] keys in the open
	 * section, so struct policy_domain holds only what the engine
	 * needs. */
	unsigned param_line[P_COUNT];
	unsigned actions_line[AG_CLASS_COUNT];
	unsigned dom_class_line[AG_CLASS_COUNT];
	struct vec domains;
	struct vec trusted;
	struct vec sealers;
	struct vec relays;
	struct vec skip;
	bool oom;
};

/* The C type of a parameter's field. */
enum param_store {
	PS_NONE, /* a list kept in the loader's vectors */
	PS_STRING,
	PS_UNSIGNED,
	PS_INT,
	PS_BOOL,
	PS_MODE,
	PS_ACTION,
};

/* One accepted word of a parameter and the value it stands for. */
struct param_word {
	const char *word;
	int value;
};

struct param;

/* Checks value and stores it into obj: the policy, or for [domain:] keys
 * the open section's struct policy_domain. */
typedef void (*param_parser)(struct loader *ld, const struct param *pa,
    void *obj, const char *value);
/* Adds one item of a list value. */
typedef void (*param_item)(struct loader *ld, void *obj, const char *s,
    size_t len);

/*
 * A row of the parameter table: a key of [general], [trusted] or
 * [domain:], its parser, its default and its bounds. Columns a parser
 * does not read stay zero.
 */
struct param {
	enum section_kind section;
	const char *name;
	param_parser parse;
	enum param_store store; /* the field's type */
	size_t field;		/* offsetof the field in obj */
	size_t line;		/* offsetof its line field; 0: none */
	const char *def;	/* default of PS_STRING */
	long def_value;		/* default of the other types */
	unsigned long min, max; /* numbers: range; text: length */
	const char *takes;	/* the accepted values, as errors say it */
	const struct param_word *words; /* word parameters, NULL-ended */
	bool list;			/* indented lines continue it */
	param_item item;		/* list parameters: adds one item */
};

extern const struct param policy_params[P_COUNT];

/* params.c */

/* Sets every [general] and [actions] default into p. */
void params_defaults(struct policy *p);
/* Reports what only the parameters read together can show. */
void params_check(struct loader *ld);

/* ini.c */

/* Reads ld->text through inih into ld->p; returns -1 only when inih
 * itself failed (out of memory), errors going to ld->diag. */
int loader_read_ini(struct loader *ld);

/* suggest.c */

/* The nearest of the names offered to a word, collected one by one. */
struct suggest {
	const char *word;
	const char *best;
	unsigned dist;
};

/* Starts looking for the name nearest to word. */
void suggest_init(struct suggest *s, const char *word);
/* Offers one known name; it is kept if it is the nearest so far and
 * close enough for its length. */
void suggest_offer(struct suggest *s, const char *name);
/* Returns the nearest name offered, or NULL when none was close. */
const char *suggest_result(const struct suggest *s);

/* load.c */

/* Lets go of the map of a policy read from its compiled form (nothing
 * for a parsed one), unmapped unless the preload or another policy
 * still holds it. */
void loader_release(struct policy *p);

/* config.c */

/* Adds an error at the line being read. */
void loader_error(struct loader *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Copies len bytes of s into the policy's arena; NULL (and ld->oom) on
 * failure. */
const char *loader_save(struct loader *ld, const char *s, size_t len);
/* Appends a zeroed element to v; NULL (and ld->oom) on failure. */
void *loader_push(struct loader *ld, struct vec *v);
/* Moves the loader's lists into the policy and frees the vectors. */
void loader_settle(struct loader *ld);
/* Builds the policy's name sets from its lists; reports repeated
 * [domain:] sections. */
void loader_build_sets(struct loader *ld);

#endif
