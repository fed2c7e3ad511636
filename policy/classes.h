/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * classes.h: the closed sets of authgate (actions, finding classes, check
 * results) and the one table per set that maps each value to its string.
 * Every string that appears in policy.ini, JSON facts and log lines comes
 * from here.
 */
#ifndef AG_CLASSES_H
#define AG_CLASSES_H

#include <stddef.h>

/* Actions, weakest to strongest: comparisons with < and > are meaningful. */
enum ag_action {
	AG_ACCEPT,
	AG_TAG,
	AG_QUARANTINE,
	AG_TEMPFAIL,
	AG_REJECT,
};
#define AG_ACTION_COUNT 5

/* The check a finding class belongs to; also the words of ignore = ... */
enum ag_family {
	AG_FAM_SPF,
	AG_FAM_DKIM,
	AG_FAM_DMARC,
	AG_FAM_ARC,
	AG_FAM_FROM,
};
#define AG_FAMILY_COUNT 5

/* Finding classes, grouped by family in DESIGN's order. */
enum ag_class {
	AG_SPF_FAIL,
	AG_SPF_SOFTFAIL,
	AG_SPF_NEUTRAL,
	AG_SPF_NONE,
	AG_SPF_TEMPERROR,
	AG_SPF_PERMERROR,
	AG_DKIM_NONE,
	AG_DKIM_KEY_MISSING,
	AG_DKIM_KEY_REVOKED,
	AG_DKIM_KEY_SYNTAX,
	AG_DKIM_KEY_TOO_SHORT,
	AG_DKIM_BODY_MODIFIED,
	AG_DKIM_BAD_SIGNATURE,
	AG_DKIM_SIG_SYNTAX,
	AG_DKIM_EXPIRED,
	AG_DKIM_UNSUPPORTED,
	AG_DKIM_TEMPERROR,
	AG_DMARC_REJECT,
	AG_DMARC_QUARANTINE,
	AG_DMARC_FAIL,
	AG_DMARC_NONE,
	AG_DMARC_TEMPERROR,
	AG_DMARC_PERMERROR,
	AG_ARC_FAIL,
	AG_FROM_MISSING,
	AG_FROM_MULTIPLE,
	AG_FROM_INVALID,
};
#define AG_CLASS_COUNT 27

/* SPF results as RFC 7208 names them. */
enum ag_spf {
	AG_SPFR_PASS,
	AG_SPFR_FAIL,
	AG_SPFR_SOFTFAIL,
	AG_SPFR_NEUTRAL,
	AG_SPFR_NONE,
	AG_SPFR_TEMPERROR,
	AG_SPFR_PERMERROR,
};
#define AG_SPF_RESULT_COUNT 7

/* Per-signature DKIM results (DESIGN "Facts"). */
enum ag_dkim {
	AG_DKIMR_PASS,
	AG_DKIMR_KEY_MISSING,
	AG_DKIMR_KEY_REVOKED,
	AG_DKIMR_KEY_SYNTAX,
	AG_DKIMR_KEY_TOO_SHORT,
	AG_DKIMR_BODY_MODIFIED,
	AG_DKIMR_BAD_SIGNATURE,
	AG_DKIMR_SIG_SYNTAX,
	AG_DKIMR_EXPIRED,
	AG_DKIMR_UNSUPPORTED,
	AG_DKIMR_TEMPERROR,
};
#define AG_DKIM_RESULT_COUNT 11

/* ARC chain validation result. */
enum ag_arc {
	AG_ARCR_NONE,
	AG_ARCR_PASS,
	AG_ARCR_FAIL,
	AG_ARCR_TEMPERROR, /* a key lookup hit DNS trouble */
};
#define AG_ARC_RESULT_COUNT 4

/* DMARC results: the engine's own, and what an ARC sealer recorded. */
enum ag_dmarc {
	AG_DMARCR_PASS,
	AG_DMARCR_FAIL,
	AG_DMARCR_NONE,
	AG_DMARCR_TEMPERROR,
	AG_DMARCR_PERMERROR,
};
#define AG_DMARC_RESULT_COUNT 5

/* Returns the lower-case name of an action ("accept" ... "reject"). */
const char *ag_action_name(enum ag_action action);
/* Parses an action name; returns 0 and sets *out, or -1 if unknown. */
int ag_action_parse(const char *name, enum ag_action *out);

/* Returns the family name ("spf", "dkim", "dmarc", "arc", "from"). */
const char *ag_family_name(enum ag_family family);
/* Parses a family name; returns 0 and sets *out, or -1 if unknown. */
int ag_family_parse(const char *name, enum ag_family *out);

/* Returns the dotted class name, e.g. "dkim.key_missing". */
const char *ag_class_name(enum ag_class cls);
/* Parses a dotted class name; returns 0 and sets *out, or -1 if unknown. */
int ag_class_parse(const char *name, enum ag_class *out);
/* Returns the family a class belongs to. */
enum ag_family ag_class_family(enum ag_class cls);
/* Returns the built-in action of a class (issue 2's defaults). */
enum ag_action ag_class_default_action(enum ag_class cls);

/* Returns the name of an SPF result ("pass", "softfail", ...). */
const char *ag_spf_name(enum ag_spf result);
/* Parses an SPF result name; returns 0 and sets *out, or -1 if unknown. */
int ag_spf_parse(const char *name, enum ag_spf *out);
/* Returns the finding class of a non-pass SPF result. */
enum ag_class ag_spf_class(enum ag_spf result);

/* Returns the name of a DKIM result ("pass", "key_missing", ...). */
const char *ag_dkim_name(enum ag_dkim result);
/* Parses a DKIM result name; returns 0 and sets *out, or -1 if unknown. */
int ag_dkim_parse(const char *name, enum ag_dkim *out);
/* Returns the word RFC 8601 (Authentication-Results) and RFC 7489
 * (aggregate reports) use for a DKIM result: "pass", "fail", "policy",
 * "neutral", "permerror" or "temperror". */
const char *ag_dkim_rfc_word(enum ag_dkim result);
/* Returns the finding class of a non-pass DKIM result. */
enum ag_class ag_dkim_class(enum ag_dkim result);

/* Returns the name of an ARC result ("none", "pass", "fail"). */
const char *ag_arc_name(enum ag_arc result);
/* Parses an ARC result name; returns 0 and sets *out, or -1 if unknown. */
int ag_arc_parse(const char *name, enum ag_arc *out);

/* Returns the name of a DMARC result ("pass", "fail", ...). */
const char *ag_dmarc_name(enum ag_dmarc result);
/* Parses a DMARC result name; returns 0 and sets *out, or -1 if unknown. */
int ag_dmarc_parse(const char *name, enum ag_dmarc *out);

#endif
