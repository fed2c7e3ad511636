/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarcrec.c: DMARC tag-list parsing (RFC 9989 4.7, 4.8). Unknown tags
 * and syntax errors are ignored as the RFC requires, and so are bad
 * values of the optional tags (their defaults apply), so that an owner's
 * typo in pct= or t= does not turn p=reject off; a record without a usable
 * policy is treated as p=none when it names a report address (4.10.1),
 * and as unusable otherwise.
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

bool
dmarcrec_is_dmarc(const char *txt)
{
	const char *p = txt;

	while (is_wsp(*p) || *p == ';')
		p++;
	if (*p != 'v' && *p != 'V')
		return false;
	p++;
	while (is_wsp(*p))
		p++;
	if (*p++ != '=')
		return false;
	while (is_wsp(*p))
		p++;
	if (strncmp(p, "DMARC1", 6) != 0)
		return false;
	p += 6;
	while (is_wsp(*p))
		p++;
	return *p == '\0' || *p == ';';
}

static bool
parse_yn(const char *v, size_t len, bool *yes)
{
	if (word_is(v, len, "y"))
		*yes = true;
	else if (word_is(v, len, "n"))
		*yes = false;
	else
		return false;
	return true;
}

static enum dmarc_psd
parse_psd(const char *v, size_t len)
{
	if (word_is(v, len, "y"))
		return DMARC_PSD_Y;
	if (word_is(v, len, "n"))
		return DMARC_PSD_N;
	return DMARC_PSD_U;
}

/* The outcome of one policy tag (p, sp, np): absent, valid or bad. */
enum ptag {
	PTAG_ABSENT,
	PTAG_OK,
	PTAG_BAD,
};

static enum ptag
policy_tag(const char *v, size_t len, enum dmarc_policy *out)
{
	return parse_policy(v, len, out) == 0 ? PTAG_OK : PTAG_BAD;
}

enum dmarcrec_status
dmarcrec_parse(const char *txt, struct dmarcrec *out)
{
	const char *p = txt, *tag, *val;
	size_t tlen, vlen;
	bool first = true;
	enum ptag pt = PTAG_ABSENT, spt = PTAG_ABSENT, npt = PTAG_ABSENT;

	memset(out, 0, sizeof(*out));
	out->pct = 100;
	out->psd = DMARC_PSD_U;
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
			/* A tag without a value is a syntax error, which
			 * RFC 9989 4.8 has ignored, not fatal. */
			while (*p != '\0' && *p != ';')
				p++;
			continue;
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
			/* v=DMARC1 must come first; the value is
			 * case-sensitive, the tag name is not (4.8). */
			if (tlen != 1 || (tag[0] != 'v' && tag[0] != 'V')
			    || vlen != 6 || memcmp(val, "DMARC1", 6) != 0)
				return DMARCREC_NOT_DMARC;
			first = false;
			continue;
		}
		if (word_is(tag, tlen, "p")) {
			pt = policy_tag(val, vlen, &out->p);
		} else if (word_is(tag, tlen, "sp")) {
			spt = policy_tag(val, vlen, &out->sp);
		} else if (word_is(tag, tlen, "np")) {
			npt = policy_tag(val, vlen, &out->np);
		} else if (word_is(tag, tlen, "adkim")) {
			if (parse_mode(val, vlen, &out->adkim_strict) != 0)
				out->adkim_strict
				    = false; /* default: relaxed */
		} else if (word_is(tag, tlen, "aspf")) {
			if (parse_mode(val, vlen, &out->aspf_strict) != 0)
				out->aspf_strict = false; /* default: relaxed */
		} else if (word_is(tag, tlen, "t")) {
			out->has_t = parse_yn(val, vlen, &out->testing);
			if (!out->has_t)
				out->testing = false; /* default: n */
		} else if (word_is(tag, tlen, "psd")) {
			out->psd = parse_psd(val, vlen);
		} else if (word_is(tag, tlen, "pct")) {
			out->has_pct = parse_pct(val, vlen, &out->pct) == 0;
			if (!out->has_pct)
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
		} else if (word_is(tag, tlen, "rf")) {
			out->has_rf = true;
		} else if (word_is(tag, tlen, "ri")) {
			out->has_ri = true;
		}
		/* Unknown tags: ignored (4.8). */
	}
	if (first)
		return DMARCREC_NOT_DMARC;
	if (pt == PTAG_BAD || spt == PTAG_BAD || npt == PTAG_BAD) {
		/* 4.10.1: a bad policy tag leaves p=none when the record
		 * asks for reports; otherwise no DMARC processing. */
		if (out->rua != NULL && has_uri(out->rua, out->rua_len)) {
			out->p = out->sp = out->np = DMARC_P_NONE;
			out->has_sp = out->has_np = false;
			out->policy_dropped = true;
			return DMARCREC_OK;
		}
		snprintf(out->why, sizeof(out->why), "invalid %s= tag",
		    pt == PTAG_BAD	? "p" :
			spt == PTAG_BAD ? "sp" :
					  "np");
		return DMARCREC_INVALID;
	}
	if (pt == PTAG_ABSENT) {
		/* D4: p=none only for a record that asks for reports or
		 * says it is a public suffix domain. */
		if ((out->rua == NULL || !has_uri(out->rua, out->rua_len))
		    && out->psd != DMARC_PSD_Y) {
			snprintf(out->why, sizeof(out->why),
			    "no p= tag, and no rua= or psd=y");
			return DMARCREC_INVALID;
		}
		out->p = DMARC_P_NONE;
	}
	out->has_p = pt == PTAG_OK;
	out->has_sp = spt == PTAG_OK;
	out->has_np = npt == PTAG_OK;
	if (!out->has_sp)
		out->sp = out->p;
	if (!out->has_np)
		out->np = out->sp;
	return DMARCREC_OK;
}
