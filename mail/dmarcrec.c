/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarcrec.c: DMARC tag-list parsing. Unknown tags are ignored as the RFC
 * requires, and so are bad values of the optional adkim, aspf and pct
 * (their defaults apply), so that an owner's typo in pct= does not turn
 * p=reject off; a record without a usable p= is treated as p=none when it
 * names a report address (section 6.6.3 step 6), and as unusable
 * otherwise.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mail/dmarcrec.h"

static const char *const policy_names[] = {
	[DMARC_P_NONE] = "none",
	[DMARC_P_QUARANTINE] = "quarantine",
	[DMARC_P_REJECT] = "reject",
};

const char *
dmarcrec_policy_name(enum dmarc_policy p)
{
	return policy_names[p];
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

static int
parse_policy(const char *v, size_t len, enum dmarc_policy *out)
{
	if (word_is(v, len, "none"))
		*out = DMARC_P_NONE;
	else if (word_is(v, len, "quarantine"))
		*out = DMARC_P_QUARANTINE;
	else if (word_is(v, len, "reject"))
		*out = DMARC_P_REJECT;
	else
		return -1;
	return 0;
}

static int
parse_mode(const char *v, size_t len, bool *strict)
{
	if (word_is(v, len, "r"))
		*strict = false;
	else if (word_is(v, len, "s"))
		*strict = true;
	else
		return -1;
	return 0;
}

static int
parse_pct(const char *v, size_t len, unsigned *out)
{
	unsigned n = 0;
	size_t i;

	if (len == 0 || len > 3)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (unsigned)(v[i] - '0');
	}
	if (n > 100)
		return -1;
	*out = n;
	return 0;
}

/* Tells whether a rua/ruf value holds at least one plausible URI. */
static bool
has_uri(const char *v, size_t len)
{
	const char *colon = memchr(v, ':', len);

	return colon != NULL && colon > v;
}

enum dmarcrec_status
dmarcrec_parse(const char *txt, struct dmarcrec *out)
{
	const char *p = txt, *tag, *val;
	size_t tlen, vlen;
	bool first = true, p_ok = false, sp_bad = false;

	memset(out, 0, sizeof(*out));
	out->pct = 100;
	for (;;) {
		while (is_wsp(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p == ';') {
			p++;
			continue;
		}
		tag = p;
		while (*p != '\0' && *p != '=' && *p != ';' && !is_wsp(*p))
			p++;
		tlen = (size_t)(p - tag);
		while (is_wsp(*p))
			p++;
		if (*p != '=') {
			if (first)
				return DMARCREC_NOT_DMARC;
			snprintf(out->why, sizeof(out->why),
			    "tag '%.16s' has no value", tag);
			return DMARCREC_INVALID;
		}
		p++;
		while (is_wsp(*p))
			p++;
		val = p;
		while (*p != '\0' && *p != ';')
			p++;
		vlen = (size_t)(p - val);
		while (vlen > 0 && is_wsp(val[vlen - 1]))
			vlen--;
		if (first) {
			/* v=DMARC1 must come first and match exactly. */
			if (tlen != 1 || tag[0] != 'v' || vlen != 6
			    || memcmp(val, "DMARC1", 6) != 0)
				return DMARCREC_NOT_DMARC;
			first = false;
			continue;
		}
		if (word_is(tag, tlen, "p")) {
			p_ok = parse_policy(val, vlen, &out->p) == 0;
		} else if (word_is(tag, tlen, "sp")) {
			out->has_sp = parse_policy(val, vlen, &out->sp) == 0;
			sp_bad = !out->has_sp;
		} else if (word_is(tag, tlen, "adkim")) {
			if (parse_mode(val, vlen, &out->adkim_strict) != 0)
				out->adkim_strict
				    = false; /* default: relaxed */
		} else if (word_is(tag, tlen, "aspf")) {
			if (parse_mode(val, vlen, &out->aspf_strict) != 0)
				out->aspf_strict = false; /* default: relaxed */
		} else if (word_is(tag, tlen, "pct")) {
			if (parse_pct(val, vlen, &out->pct) != 0)
				out->pct = 100; /* default: every message */
		} else if (word_is(tag, tlen, "rua")) {
			out->rua = val;
			out->rua_len = vlen;
		} else if (word_is(tag, tlen, "ruf")) {
			out->ruf = val;
			out->ruf_len = vlen;
		} else if (word_is(tag, tlen, "fo")) {
			out->fo = val; /* for aggregate reports */
			out->fo_len = vlen;
		}
		/* rf, ri and unknown tags: nothing to enforce. */
	}
	if (first)
		return DMARCREC_NOT_DMARC;
	if (!p_ok || sp_bad) {
		if (out->rua != NULL && has_uri(out->rua, out->rua_len)) {
			out->p = DMARC_P_NONE;
			out->sp = DMARC_P_NONE;
			out->has_sp = false;
			return DMARCREC_OK;
		}
		snprintf(out->why, sizeof(out->why), "%s",
		    !p_ok ? "no valid p= tag" : "invalid sp= tag");
		return DMARCREC_INVALID;
	}
	if (!out->has_sp)
		out->sp = out->p;
	return DMARCREC_OK;
}
