/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * classes.c: string tables for authgate's closed sets. Each table is
 * indexed by its enum with designated initializers, so a reordered enum
 * cannot shift names; a static assertion keeps counts in step.
 */
#include <string.h>

#include "policy/classes.h"

static const char *const action_names[AG_ACTION_COUNT] = {
	[AG_ACCEPT] = "accept",
	[AG_TAG] = "tag",
	[AG_QUARANTINE] = "quarantine",
	[AG_TEMPFAIL] = "tempfail",
	[AG_REJECT] = "reject",
};

static const char *const family_names[AG_FAMILY_COUNT] = {
	[AG_FAM_SPF] = "spf",
	[AG_FAM_DKIM] = "dkim",
	[AG_FAM_DMARC] = "dmarc",
	[AG_FAM_ARC] = "arc",
	[AG_FAM_FROM] = "from",
};

struct class_info {
	const char *name;
	enum ag_family family;
	enum ag_action fallback;
};

static const struct class_info class_table[AG_CLASS_COUNT] = {
	[AG_SPF_FAIL] = { "spf.fail", AG_FAM_SPF, AG_REJECT },
	[AG_SPF_SOFTFAIL] = { "spf.softfail", AG_FAM_SPF, AG_TAG },
	[AG_SPF_NEUTRAL] = { "spf.neutral", AG_FAM_SPF, AG_ACCEPT },
	[AG_SPF_NONE] = { "spf.none", AG_FAM_SPF, AG_ACCEPT },
	[AG_SPF_TEMPERROR] = { "spf.temperror", AG_FAM_SPF, AG_TEMPFAIL },
	[AG_SPF_PERMERROR] = { "spf.permerror", AG_FAM_SPF, AG_TAG },
	[AG_DKIM_NONE] = { "dkim.none", AG_FAM_DKIM, AG_ACCEPT },
	[AG_DKIM_KEY_MISSING] = { "dkim.key_missing", AG_FAM_DKIM, AG_TAG },
	[AG_DKIM_KEY_REVOKED] = { "dkim.key_revoked", AG_FAM_DKIM, AG_TAG },
	[AG_DKIM_KEY_SYNTAX] = { "dkim.key_syntax", AG_FAM_DKIM, AG_TAG },
	[AG_DKIM_KEY_TOO_SHORT] = { "dkim.key_too_short", AG_FAM_DKIM, AG_TAG },
	[AG_DKIM_BODY_MODIFIED] = { "dkim.body_modified", AG_FAM_DKIM, AG_TAG },
	[AG_DKIM_BAD_SIGNATURE] = { "dkim.bad_signature", AG_FAM_DKIM, AG_TAG },
	[AG_DKIM_SIG_SYNTAX] = { "dkim.sig_syntax", AG_FAM_DKIM, AG_TAG },
	[AG_DKIM_EXPIRED] = { "dkim.expired", AG_FAM_DKIM, AG_TAG },
	[AG_DKIM_UNSUPPORTED] = { "dkim.unsupported", AG_FAM_DKIM, AG_ACCEPT },
	[AG_DKIM_TEMPERROR] = { "dkim.temperror", AG_FAM_DKIM, AG_TEMPFAIL },
	[AG_DMARC_REJECT] = { "dmarc.reject", AG_FAM_DMARC, AG_REJECT },
	[AG_DMARC_QUARANTINE] = { "dmarc.quarantine", AG_FAM_DMARC, AG_TAG },
	[AG_DMARC_FAIL] = { "dmarc.fail", AG_FAM_DMARC, AG_ACCEPT },
	[AG_DMARC_NONE] = { "dmarc.none", AG_FAM_DMARC, AG_ACCEPT },
	[AG_DMARC_TEMPERROR] = { "dmarc.temperror", AG_FAM_DMARC, AG_TEMPFAIL },
	[AG_DMARC_PERMERROR] = { "dmarc.permerror", AG_FAM_DMARC, AG_ACCEPT },
	[AG_ARC_FAIL] = { "arc.fail", AG_FAM_ARC, AG_ACCEPT },
	[AG_FROM_MISSING] = { "from.missing", AG_FAM_FROM, AG_TAG },
	[AG_FROM_MULTIPLE] = { "from.multiple", AG_FAM_FROM, AG_REJECT },
	[AG_FROM_INVALID] = { "from.invalid", AG_FAM_FROM, AG_TAG },
};

static const char *const spf_names[AG_SPF_RESULT_COUNT] = {
	[AG_SPFR_PASS] = "pass",
	[AG_SPFR_FAIL] = "fail",
	[AG_SPFR_SOFTFAIL] = "softfail",
	[AG_SPFR_NEUTRAL] = "neutral",
	[AG_SPFR_NONE] = "none",
	[AG_SPFR_TEMPERROR] = "temperror",
	[AG_SPFR_PERMERROR] = "permerror",
};

static const enum ag_class spf_classes[AG_SPF_RESULT_COUNT] = {
	[AG_SPFR_PASS] = AG_SPF_NONE, /* never asked: pass has no class */
	[AG_SPFR_FAIL] = AG_SPF_FAIL,
	[AG_SPFR_SOFTFAIL] = AG_SPF_SOFTFAIL,
	[AG_SPFR_NEUTRAL] = AG_SPF_NEUTRAL,
	[AG_SPFR_NONE] = AG_SPF_NONE,
	[AG_SPFR_TEMPERROR] = AG_SPF_TEMPERROR,
	[AG_SPFR_PERMERROR] = AG_SPF_PERMERROR,
};

static const char *const dkim_names[AG_DKIM_RESULT_COUNT] = {
	[AG_DKIMR_PASS] = "pass",
	[AG_DKIMR_KEY_MISSING] = "key_missing",
	[AG_DKIMR_KEY_REVOKED] = "key_revoked",
	[AG_DKIMR_KEY_SYNTAX] = "key_syntax",
	[AG_DKIMR_KEY_TOO_SHORT] = "key_too_short",
	[AG_DKIMR_BODY_MODIFIED] = "body_modified",
	[AG_DKIMR_BAD_SIGNATURE] = "bad_signature",
	[AG_DKIMR_SIG_SYNTAX] = "sig_syntax",
	[AG_DKIMR_EXPIRED] = "expired",
	[AG_DKIMR_UNSUPPORTED] = "unsupported",
	[AG_DKIMR_TEMPERROR] = "temperror",
};

static const enum ag_class dkim_classes[AG_DKIM_RESULT_COUNT] = {
	[AG_DKIMR_PASS] = AG_DKIM_NONE, /* never asked: pass has no class */
	[AG_DKIMR_KEY_MISSING] = AG_DKIM_KEY_MISSING,
	[AG_DKIMR_KEY_REVOKED] = AG_DKIM_KEY_REVOKED,
	[AG_DKIMR_KEY_SYNTAX] = AG_DKIM_KEY_SYNTAX,
	[AG_DKIMR_KEY_TOO_SHORT] = AG_DKIM_KEY_TOO_SHORT,
	[AG_DKIMR_BODY_MODIFIED] = AG_DKIM_BODY_MODIFIED,
	[AG_DKIMR_BAD_SIGNATURE] = AG_DKIM_BAD_SIGNATURE,
	[AG_DKIMR_SIG_SYNTAX] = AG_DKIM_SIG_SYNTAX,
	[AG_DKIMR_EXPIRED] = AG_DKIM_EXPIRED,
	[AG_DKIMR_UNSUPPORTED] = AG_DKIM_UNSUPPORTED,
	[AG_DKIMR_TEMPERROR] = AG_DKIM_TEMPERROR,
};

static const char *const arc_names[AG_ARC_RESULT_COUNT] = {
	[AG_ARCR_NONE] = "none",
	[AG_ARCR_PASS] = "pass",
	[AG_ARCR_FAIL] = "fail",
	[AG_ARCR_TEMPERROR] = "temperror",
};

static const char *const dmarc_names[AG_DMARC_RESULT_COUNT] = {
	[AG_DMARCR_PASS] = "pass",
	[AG_DMARCR_FAIL] = "fail",
	[AG_DMARCR_NONE] = "none",
	[AG_DMARCR_TEMPERROR] = "temperror",
	[AG_DMARCR_PERMERROR] = "permerror",
};

static int
find_name(const char *const *names, size_t count, const char *name)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < count; i++)
		if (names[i] != NULL && strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
ag_action_name(enum ag_action action)
{
	return action_names[action];
}

int
ag_action_parse(const char *name, enum ag_action *out)
{
	int i = find_name(action_names, AG_ACTION_COUNT, name);

	if (i < 0)
		return -1;
	*out = (enum ag_action)i;
	return 0;
}

const char *
ag_family_name(enum ag_family family)
{
	return family_names[family];
}

int
ag_family_parse(const char *name, enum ag_family *out)
{
	int i = find_name(family_names, AG_FAMILY_COUNT, name);

	if (i < 0)
		return -1;
	*out = (enum ag_family)i;
	return 0;
}

const char *
ag_class_name(enum ag_class cls)
{
	return class_table[cls].name;
}

int
ag_class_parse(const char *name, enum ag_class *out)
{
	size_t i;

	if (name == NULL)
		return -1;
	for (i = 0; i < AG_CLASS_COUNT; i++) {
		if (strcmp(class_table[i].name, name) == 0) {
			*out = (enum ag_class)i;
			return 0;
		}
	}
	return -1;
}

enum ag_family
ag_class_family(enum ag_class cls)
{
	return class_table[cls].family;
}

enum ag_action
ag_class_default_action(enum ag_class cls)
{
	return class_table[cls].fallback;
}

const char *
ag_spf_name(enum ag_spf result)
{
	return spf_names[result];
}

int
ag_spf_parse(const char *name, enum ag_spf *out)
{
	int i = find_name(spf_names, AG_SPF_RESULT_COUNT, name);

	if (i < 0)
		return -1;
	*out = (enum ag_spf)i;
	return 0;
}

enum ag_class
ag_spf_class(enum ag_spf result)
{
	return spf_classes[result];
}

const char *
ag_dkim_name(enum ag_dkim result)
{
	return dkim_names[result];
}

int
ag_dkim_parse(const char *name, enum ag_dkim *out)
{
	int i = find_name(dkim_names, AG_DKIM_RESULT_COUNT, name);

	if (i < 0)
		return -1;
	*out = (enum ag_dkim)i;
	return 0;
}

enum ag_class
ag_dkim_class(enum ag_dkim result)
{
	return dkim_classes[result];
}

const char *
ag_arc_name(enum ag_arc result)
{
	return arc_names[result];
}

int
ag_arc_parse(const char *name, enum ag_arc *out)
{
	int i = find_name(arc_names, AG_ARC_RESULT_COUNT, name);

	if (i < 0)
		return -1;
	*out = (enum ag_arc)i;
	return 0;
}

const char *
ag_dmarc_name(enum ag_dmarc result)
{
	return dmarc_names[result];
}

int
ag_dmarc_parse(const char *name, enum ag_dmarc *out)
{
	int i = find_name(dmarc_names, AG_DMARC_RESULT_COUNT, name);

	if (i < 0)
		return -1;
	*out = (enum ag_dmarc)i;
	return 0;
}

const char *
ag_dkim_rfc_word(enum ag_dkim result)
{
	switch (result) {
	case AG_DKIMR_PASS:
		return "pass";
	case AG_DKIMR_BODY_MODIFIED:
	case AG_DKIMR_BAD_SIGNATURE:
	case AG_DKIMR_EXPIRED:
		return "fail";
	case AG_DKIMR_KEY_TOO_SHORT:
		return "policy";
	case AG_DKIMR_KEY_MISSING:
	case AG_DKIMR_KEY_REVOKED:
	case AG_DKIMR_KEY_SYNTAX:
	case AG_DKIMR_SIG_SYNTAX:
		return "permerror";
	case AG_DKIMR_UNSUPPORTED:
		return "neutral";
	case AG_DKIMR_TEMPERROR:
		return "temperror";
	}
	return "temperror";
}
