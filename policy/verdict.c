/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verdict.c: a decision in words. The names (class, rule, waiver) come
 * from the classes table and the policy; the sentences name what the
 * facts name, and every name from the facts is untrusted: it is cut and
 * reduced to printable ASCII before it lands in a reply, a header or a
 * piece of advice. An Authentication-Results property that is not a plain
 * token (a domain or selector a sender made up) would need quoting; it is
 * left out rather than quoted, so nothing a sender wrote can change how
 * the header parses.
 */
#include <stdio.h>
#include <string.h>

#include "policy/verdict.h"

const char *
verdict_class_name(const struct decision *d)
{
	if (d->action == AG_ACCEPT || d->deciding < 0)
		return "none";
	return ag_class_name(d->findings[d->deciding].cls);
}

void
verdict_finding_rule(const struct decision *d, const struct finding *f,
    char *buf, size_t size)
{
	switch (f->source) {
	case RULE_DEFAULT:
		snprintf(buf, size, "default:%s", ag_class_name(f->cls));
		break;
	case RULE_ACTIONS:
		snprintf(buf, size, "actions:%s", ag_class_name(f->cls));
		break;
	case RULE_DOMAIN:
		snprintf(buf, size, "domain:%s:%s", d->domain->name,
		    ag_class_name(f->cls));
		break;
	}
}

void
verdict_rule(const struct decision *d, char *buf, size_t size)
{
	switch (d->basis) {
	case BASIS_FINDING:
		verdict_finding_rule(d, &d->findings[d->deciding], buf, size);
		break;
	case BASIS_NONE:
		snprintf(buf, size, "accept");
		break;
	case BASIS_SKIP_AUTH:
		snprintf(buf, size, "skip.authenticated");
		break;
	case BASIS_SKIP_HOST:
		snprintf(buf, size, "skip.host:%s", d->skip_host->text);
		break;
	case BASIS_MONITOR:
		snprintf(buf, size, "monitor");
		break;
	case BASIS_MONITOR_DOMAIN:
		snprintf(buf, size, "domain:%s:monitor", d->domain->name);
		break;
	}
}

void
verdict_waiver(const struct decision *d, const struct finding *f, char *buf,
    size_t size)
{
	(void)d;
	switch (f->waived) {
	case WAIVE_NONE:
		snprintf(buf, size, "%s", "");
		break;
	case WAIVE_SKIP_AUTH:
		snprintf(buf, size, "skip.authenticated");
		break;
	case WAIVE_SKIP_HOST:
		snprintf(buf, size, "skip.host:%s", f->waived_by);
		break;
	case WAIVE_IGNORE:
		snprintf(buf, size, "domain:%s:ignore", f->waived_by);
		break;
	case WAIVE_TRUSTED_RELAY:
		snprintf(buf, size, "trusted.relay:%s", f->waived_by);
		break;
	case WAIVE_DMARC_PASS:
		snprintf(buf, size, "dmarc.pass");
		break;
	case WAIVE_ARC_SEALER:
		snprintf(buf, size, "arc.sealer:%s", f->waived_by);
		break;
	case WAIVE_TRUSTED_DOMAIN:
		snprintf(buf, size, "trusted.domain:%s", f->waived_by);
		break;
	case WAIVE_DKIM_ALIGNED:
		snprintf(buf, size, "dkim.aligned");
		break;
	}
}

/* The sentence for one finding: what failed, naming the domain, key or
 * client it concerns. */
static void
finding_reason(const struct policy *policy, const struct facts *f,
    const struct decision *d, const struct finding *fi, char *buf, size_t size)
{
	char a[80], b[80], ip[80];
	const struct facts_dkim *sig = fi->sig >= 0 ? &f->dkim[fi->sig] : NULL;
	const char *rec
	    = d->dmarc.record[0] != '\0' ? d->dmarc.record + 7 : d->from_domain;

	text_printable(ip, sizeof(ip), f->client_ip, 64);
	text_printable(a, sizeof(a), sig != NULL ? sig->d : f->spf_domain, 64);
	text_printable(b, sizeof(b), sig != NULL ? sig->s : NULL, 64);
	switch (fi->cls) {
	case AG_SPF_FAIL:
		snprintf(buf, size,
		    "SPF of %.64s does not permit %.64s to send its mail", a,
		    ip);
		break;
	case AG_SPF_SOFTFAIL:
		snprintf(buf, size,
		    "SPF of %.64s does not authorize %.64s (softfail)", a, ip);
		break;
	case AG_SPF_NEUTRAL:
	case AG_SPF_NONE:
		snprintf(buf, size, "SPF gives no verdict for %.64s", a);
		break;
	case AG_SPF_TEMPERROR:
		snprintf(buf, size, "SPF check of %.64s failed on a DNS error",
		    a);
		break;
	case AG_SPF_PERMERROR:
		snprintf(buf, size, "SPF record of %.64s is invalid", a);
		break;
	case AG_DKIM_NONE:
		snprintf(buf, size, "message has no DKIM signature");
		break;
	case AG_DKIM_KEY_MISSING:
		snprintf(buf, size,
		    "DKIM key %.64s._domainkey.%.64s is not published", b, a);
		break;
	case AG_DKIM_KEY_REVOKED:
		snprintf(buf, size,
		    "DKIM key %.64s._domainkey.%.64s is revoked", b, a);
		break;
	case AG_DKIM_KEY_SYNTAX:
		snprintf(buf, size,
		    "DKIM key %.64s._domainkey.%.64s cannot be parsed", b, a);
		break;
	case AG_DKIM_KEY_TOO_SHORT:
		snprintf(buf, size,
		    "DKIM key %.64s._domainkey.%.64s is shorter than %u bits",
		    b, a, policy->min_key_bits);
		break;
	case AG_DKIM_BODY_MODIFIED:
		snprintf(buf, size,
		    "body no longer matches the DKIM signature of %.64s", a);
		break;
	case AG_DKIM_BAD_SIGNATURE:
		snprintf(buf, size, "DKIM signature of %.64s does not verify",
		    a);
		break;
	case AG_DKIM_SIG_SYNTAX:
		snprintf(buf, size, "DKIM signature of %.64s is malformed", a);
		break;
	case AG_DKIM_EXPIRED:
		snprintf(buf, size, "DKIM signature of %.64s has expired", a);
		break;
	case AG_DKIM_UNSUPPORTED:
		snprintf(buf, size,
		    "DKIM signature of %.64s uses an unsupported algorithm", a);
		break;
	case AG_DKIM_TEMPERROR:
		snprintf(buf, size,
		    "DKIM key lookup for %.64s failed on a DNS error", a);
		break;
	case AG_DMARC_REJECT:
		text_printable(a, sizeof(a), rec, 64);
		snprintf(buf, size,
		    "DMARC policy of %.64s rejects this message", a);
		break;
	case AG_DMARC_QUARANTINE:
		text_printable(a, sizeof(a), rec, 64);
		snprintf(buf, size,
		    "DMARC policy of %.64s quarantines this message", a);
		break;
	case AG_DMARC_FAIL:
		text_printable(a, sizeof(a), d->from_domain, 64);
		snprintf(buf, size, "message fails DMARC for %.64s", a);
		break;
	case AG_DMARC_NONE:
		text_printable(a, sizeof(a), d->from_domain, 64);
		snprintf(buf, size, "%.64s publishes no DMARC policy", a);
		break;
	case AG_DMARC_TEMPERROR:
		text_printable(a, sizeof(a), d->from_domain, 64);
		snprintf(buf, size,
		    "DMARC check of %.64s failed on a DNS error", a);
		break;
	case AG_DMARC_PERMERROR:
		text_printable(a, sizeof(a), d->from_domain, 64);
		snprintf(buf, size, "DMARC record of %.64s is invalid", a);
		break;
	case AG_ARC_FAIL:
		snprintf(buf, size, "ARC chain is broken");
		break;
	case AG_FROM_MISSING:
		snprintf(buf, size, "message has no From header");
		break;
	case AG_FROM_MULTIPLE:
		snprintf(buf, size,
		    "message names more than one author domain in From");
		break;
	case AG_FROM_INVALID:
		snprintf(buf, size, "From header holds no valid address");
		break;
	}
}

void
verdict_reason(const struct policy *policy, const struct facts *facts,
    const struct decision *d, char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[0] = '\0';
	switch (d->basis) {
	case BASIS_SKIP_AUTH:
		snprintf(buf, size, "authenticated client");
		return;
	case BASIS_SKIP_HOST:
		snprintf(buf, size, "client in skip_hosts");
		return;
	case BASIS_FINDING:
	case BASIS_NONE:
	case BASIS_MONITOR:
	case BASIS_MONITOR_DOMAIN:
		break;
	}
	/* In monitor mode the finding that would have acted still names
	 * the reason. */
	if (d->deciding >= 0)
		finding_reason(policy, facts, d, &d->findings[d->deciding], buf,
		    size);
}

void
verdict_reply(const struct policy *policy, const struct decision *d, char *buf,
    size_t size)
{
	const char *tpl = d->action == AG_TEMPFAIL ? policy->tempfail_message :
						     policy->reject_message;
	char rule[DOMAIN_MAX_LEN + 64], dom[80];
	const char *val;
	size_t o = 0, vl;

	if (size == 0)
		return;
	verdict_rule(d, rule, sizeof(rule));
	text_printable(dom, sizeof(dom), d->from_domain, 64);
	while (*tpl != '\0' && o + 1 < size) {
		val = NULL;
		vl = 0;
		if (strncmp(tpl, "%{reason}", 9) == 0) {
			val = d->reason[0] != '\0' ? d->reason :
						     "policy decision";
			vl = 9;
		} else if (strncmp(tpl, "%{domain}", 9) == 0) {
			val = dom;
			vl = 9;
		} else if (strncmp(tpl, "%{class}", 8) == 0) {
			val = verdict_class_name(d);
			vl = 8;
		} else if (strncmp(tpl, "%{rule}", 7) == 0) {
			val = rule;
			vl = 7;
		}
		if (val == NULL) {
			buf[o++] = *tpl++;
			continue;
		}
		for (; *val != '\0' && o + 1 < size; val++)
			buf[o++] = (*val >= 0x20 && *val < 0x7f) ? *val : '?';
		tpl += vl;
	}
	buf[o] = '\0';
}

/* Appends " prop=value" when value is a plain token (a domain or an
 * address); anything else would need quoting and is left out. */
static void
ar_prop(struct sbuf *sb, const char *prop, const char *value)
{
	const char *p;

	if (value == NULL || value[0] == '\0' || strlen(value) > 255)
		return;
	for (p = value; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
			|| (*p >= '0' && *p <= '9') || strchr(".-_@+", *p)))
			return;
	sbuf_printf(sb, " %s=%s", prop, value);
}

void
verdict_authres(struct sbuf *sb, const struct facts *f,
    const struct decision *d, const char *authserv_id)
{
	size_t i;

	sbuf_printf(sb, "Authentication-Results: %s;\n\tspf=%s", authserv_id,
	    ag_spf_name(f->spf));
	ar_prop(sb, "smtp.mailfrom", f->spf_domain);
	for (i = 0; i < f->n_dkim && i < VERDICT_AUTHRES_MAX_DKIM; i++) {
		const struct facts_dkim *sig = &f->dkim[i];

		sbuf_printf(sb, ";\n\tdkim=%s", ag_dkim_rfc_word(sig->result));
		if (sig->result != AG_DKIMR_PASS)
			sbuf_printf(sb, " (%s)", ag_dkim_name(sig->result));
		ar_prop(sb, "header.d", sig->d);
		ar_prop(sb, "header.s", sig->s);
	}
	if (f->n_dkim == 0)
		sbuf_puts(sb, ";\n\tdkim=none");
	sbuf_printf(sb, ";\n\tdmarc=%s", ag_dmarc_name(d->dmarc.result));
	if (d->dmarc.has_record && d->dmarc.result != AG_DMARCR_PASS)
		sbuf_printf(sb, " (p=%s)",
		    dmarcrec_policy_name(d->dmarc.applied));
	ar_prop(sb, "header.from", d->from_domain);
	/* RFC 9989 9.2: the policy applied, after t= (and pct). */
	if (d->dmarc.has_record)
		ar_prop(sb, "policy.dmarc",
		    dmarcrec_policy_name(d->dmarc.applied));
	sbuf_printf(sb, ";\n\tarc=%s\n", ag_arc_name(f->arc));
}

/* X-AuthGate's DMARC part: the result and, with a record, the policy
 * applied, where it came from and what changed it. */
static void
xauthgate_dmarc(struct sbuf *sb, const struct dmarc_eval *e)
{
	static const char *const tags[] = {
		[DMARC_TAG_P] = "p",
		[DMARC_TAG_SP] = "sp",
		[DMARC_TAG_NP] = "np",
	};

	if (!e->evaluated)
		return;
	/* On a line of its own: with a long rule the field would pass
	 * RFC 5322's 998 octets. */
	sbuf_printf(sb, ";\n\tdmarc=%s", ag_dmarc_name(e->result));
	if (!e->has_record)
		return;
	sbuf_printf(sb, " policy=%s (%s=%s at %s%s%s)",
	    dmarcrec_policy_name(e->applied), tags[e->tag],
	    dmarcrec_policy_name(e->published), e->policy_domain,
	    e->testing ? (e->pct0_testing ? ", pct=0 as t=y" : ", t=y") : "",
	    e->rfc7489 ? ", RFC 7489" : "");
}

void
verdict_xauthgate(struct sbuf *sb, const struct decision *d)
{
	char rule[DOMAIN_MAX_LEN + 80];
	size_t i, shown = 0;

	verdict_rule(d, rule, sizeof(rule));
	sbuf_printf(sb, "X-AuthGate: action=%s; class=%s; rule=%s",
	    ag_action_name(d->action), verdict_class_name(d), rule);
	if (d->monitor)
		sbuf_printf(sb, "; would=%s", ag_action_name(d->would));
	sbuf_puts(sb, "; findings=");
	for (i = 0; i < d->n_findings; i++) {
		const struct finding *fi = &d->findings[i];
		size_t j;

		if (fi->waived != WAIVE_NONE)
			continue;
		/* Each class once: one finding per signature would make the
		 * line longer than RFC 5322's 998 bytes. */
		for (j = 0; j < i; j++)
			if (d->findings[j].cls == fi->cls
			    && d->findings[j].waived == WAIVE_NONE)
				break;
		if (j < i)
			continue;
		sbuf_printf(sb, "%s%s", shown++ ? "," : "",
		    ag_class_name(fi->cls));
	}
	if (shown == 0)
		sbuf_puts(sb, "none");
	xauthgate_dmarc(sb, &d->dmarc);
	sbuf_putc(sb, '\n');
}

/* One sentence naming the DNS record, the server or the header the
 * sender's side has to change for a finding. */
static void
advice_one(const struct policy *p, const struct facts *f,
    const struct decision *d, const struct finding *fi, char *out, size_t size)
{
	bool dkim = fi->sig >= 0;
	char dom[96], sel[96], ip[96], from[96];

	text_printable(dom, sizeof(dom),
	    dkim ? f->dkim[fi->sig].d : f->spf_domain, 80);
	text_printable(sel, sizeof(sel), dkim ? f->dkim[fi->sig].s : NULL, 80);
	text_printable(ip, sizeof(ip), f->client_ip, 80);
	text_printable(from, sizeof(from), d->from_domain, 80);
	switch (fi->cls) {
	case AG_SPF_FAIL:
	case AG_SPF_SOFTFAIL:
		snprintf(out, size,
		    "Add the sending server %s to the SPF record of %s, or "
		    "send through a server that record lists.",
		    ip, dom);
		break;
	case AG_SPF_NEUTRAL:
	case AG_SPF_NONE:
		snprintf(out, size,
		    "Publish an SPF record for %s that lists its sending "
		    "servers and ends in -all or ~all.",
		    dom);
		break;
	case AG_SPF_TEMPERROR:
		snprintf(out, size,
		    "Make sure the DNS servers for %s (and every include: of "
		    "its SPF record) answer.",
		    dom);
		break;
	case AG_SPF_PERMERROR:
		snprintf(out, size,
		    "Fix the SPF record of %s: it is malformed, duplicated, or "
		    "needs more than 10 DNS lookups.",
		    dom);
		break;
	case AG_DKIM_NONE:
		snprintf(out, size,
		    "Sign outgoing mail with DKIM, with d= the From domain %s.",
		    from);
		break;
	case AG_DKIM_KEY_MISSING:
		snprintf(out, size,
		    "Publish the DKIM public key at %s._domainkey.%s: the "
		    "selector the signature names is not in DNS.",
		    sel, dom);
		break;
	case AG_DKIM_KEY_REVOKED:
		snprintf(out, size,
		    "The key at %s._domainkey.%s is revoked (empty p=): sign "
		    "with a current selector.",
		    sel, dom);
		break;
	case AG_DKIM_KEY_SYNTAX:
		snprintf(out, size,
		    "Fix the DKIM key record at %s._domainkey.%s: it does not "
		    "parse (check p= is the whole base64 key).",
		    sel, dom);
		break;
	case AG_DKIM_KEY_TOO_SHORT:
		snprintf(out, size,
		    "Replace the key at %s._domainkey.%s with one of at least "
		    "%u bits (RFC 8301).",
		    sel, dom, p->min_key_bits);
		break;
	case AG_DKIM_BODY_MODIFIED:
		snprintf(out, size,
		    "The body changed after %s signed it: stop footers or "
		    "rewrapping after signing, or have the forwarder seal with "
		    "ARC.",
		    dom);
		break;
	case AG_DKIM_BAD_SIGNATURE:
		snprintf(out, size,
		    "The signature of %s does not match the headers: sign "
		    "after the last header change.",
		    dom);
		break;
	case AG_DKIM_SIG_SYNTAX:
		snprintf(out, size,
		    "Fix the DKIM-Signature header of %s: it is malformed.",
		    dom);
		break;
	case AG_DKIM_EXPIRED:
		snprintf(out, size,
		    "The signature of %s has expired (x=): sign with a longer "
		    "lifetime.",
		    dom);
		break;
	case AG_DKIM_UNSUPPORTED:
		snprintf(out, size,
		    "Sign with rsa-sha256 or ed25519-sha256 (%s used an "
		    "algorithm this receiver does not verify).",
		    dom);
		break;
	case AG_DKIM_TEMPERROR:
		snprintf(out, size,
		    "Make sure DNS for %s._domainkey.%s answers; the key "
		    "lookup failed.",
		    sel, dom);
		break;
	case AG_DMARC_REJECT:
	case AG_DMARC_QUARANTINE:
	case AG_DMARC_FAIL:
		snprintf(out, size,
		    "Align with the From domain %s: sign with DKIM d=%s (or a "
		    "domain sharing its organizational domain) or send with a "
		    "MAIL FROM in it.",
		    from, from);
		break;
	case AG_DMARC_NONE:
		snprintf(out, size,
		    "Publish a DMARC record at _dmarc.%s (start with p=none and "
		    "a rua= address).",
		    from);
		break;
	case AG_DMARC_TEMPERROR:
		snprintf(out, size,
		    "Make sure DNS for _dmarc.%s answers; the lookup failed.",
		    from);
		break;
	case AG_DMARC_PERMERROR:
		snprintf(out, size,
		    "Fix the DMARC record of %s: publish exactly one TXT record "
		    "starting v=DMARC1 with a valid p=.",
		    from);
		break;
	case AG_ARC_FAIL:
		snprintf(out, size,
		    "The ARC chain is broken: every forwarder must seal after "
		    "its own changes.");
		break;
	case AG_FROM_MISSING:
	case AG_FROM_MULTIPLE:
	case AG_FROM_INVALID:
		snprintf(out, size,
		    "Send exactly one From header with one well-formed author "
		    "address.");
		break;
	}
}

void
verdict_advice(const struct policy *policy, const struct facts *facts,
    const struct decision *d, struct advice *out)
{
	char text[VERDICT_ADVICE_TEXT_MAX];
	size_t i, j;

	out->n = 0;
	for (i = 0; i < d->n_findings && out->n < VERDICT_ADVICE_MAX; i++) {
		advice_one(policy, facts, d, &d->findings[i], text,
		    sizeof(text));
		for (j = 0; j < out->n; j++)
			if (strcmp(out->text[j], text) == 0)
				break;
		if (j < out->n)
			continue;
		out->cls[out->n] = d->findings[i].cls;
		memcpy(out->text[out->n++], text, sizeof(text));
	}
}

/* Copies s into out (size bytes), each control byte as '?'. */
static void
printable(char *out, size_t size, const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0' && n + 1 < size; s++)
		out[n++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	out[n] = '\0';
}

void
verdict_walk_step(const struct decision *d, size_t i, char *buf, size_t size)
{
	const struct dmarcwalk_step *s = &d->dmarc.walk.step[i];
	char txt[320];

	switch (s->answer) {
	case DW_NONE:
		snprintf(buf, size, "_dmarc.%s: no DMARC record", s->domain);
		break;
	case DW_SEVERAL:
		snprintf(buf, size,
		    "_dmarc.%s: several DMARC records, all discarded",
		    s->domain);
		break;
	case DW_TEMPERROR:
		snprintf(buf, size, "_dmarc.%s: DNS error, the walk stops",
		    s->domain);
		break;
	case DW_RECORD:
		/* The record is the domain owner's text: its control bytes
		 * (a line end would print a line of its own) show as '?'. */
		printable(txt, sizeof(txt), s->txt);
		snprintf(buf, size, "_dmarc.%s: \"%.300s\"%s", s->domain, txt,
		    s->rec.psd == DMARC_PSD_Y	  ? " (psd=y: the walk stops)" :
			s->rec.psd == DMARC_PSD_N ? " (psd=n: the walk stops)" :
						    "");
		break;
	}
}

void
verdict_dmarc_policy(const struct decision *d, char *buf, size_t size)
{
	static const char *const tags[] = {
		[DMARC_TAG_P] = "p=",
		[DMARC_TAG_SP] = "sp=",
		[DMARC_TAG_NP] = "np=",
	};
	const struct dmarc_eval *e = &d->dmarc;
	const char *org = e->org_domain[0] != '\0' ? e->org_domain : NULL;
	size_t o;

	if (e->rfc7489) {
		o = (size_t)snprintf(buf, size,
		    "RFC 7489%s: organizational domain %s (public suffix "
		    "list)",
		    e->method_forced ? " (the facts hold no tree walk: a "
				       "log line from before RFC 9989)" :
				       "",
		    org != NULL ? org : "(none)");
	} else {
		o = (size_t)snprintf(buf, size,
		    "RFC 9989: organizational domain %s",
		    org != NULL ? org :
			e->result == AG_DMARCR_TEMPERROR ?
				  "not known (a DNS error)" :
				  "not needed (every identifier is "
				  "the author domain)");
	}
	if (o >= size || !e->has_record)
		return;
	snprintf(buf + o, size - o,
	    "; policy record at %s (%s), %s%s applies%s, %s%s",
	    e->policy_domain,
	    e->source == DMARC_SRC_AUTHOR  ? "the author domain's own" :
		e->source == DMARC_SRC_ORG ? "the organizational domain's" :
					     "a public suffix domain's (psd=y)",
	    tags[e->tag], dmarcrec_policy_name(e->published),
	    e->tag == DMARC_TAG_NP ? " (the author domain does not exist)" :
		e->source != DMARC_SRC_AUTHOR ?
				     " (the author domain is a subdomain)" :
				     "",
	    e->testing ? "lowered one step by " : "applied as published",
	    e->testing ? (e->pct0_testing ? "pct=0 (read as t=y)" : "t=y") :
			 "");
}
