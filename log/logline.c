/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * logline.c: the log line is the decision JSON and the facts JSON under
 * fixed keys; both renderers escape every string, so no input byte can
 * break the line or forge another one. What support finds a message
 * by (its Message-ID, size and recipient count) sits beside the decision,
 * outside the facts.
 */
#include <stdio.h>
#include <string.h>

#include "log/logline.h"
#include "policy/verdict.h"

/* The fields both forms start with: version, time, host, message id. */
static void
render_head(struct sbuf *sb, const struct facts *facts,
    const struct logline_meta *meta)
{
	sbuf_printf(sb, "{\"v\":%d,\"ts\":", LOGLINE_VERSION);
	sbuf_json_str(sb, meta->ts);
	sbuf_puts(sb, ",\"host\":");
	sbuf_json_str(sb, meta->host);
	sbuf_puts(sb, ",\"id\":");
	sbuf_json_str(sb, facts->id);
}

/* The message's Message-ID, size and recipient count, when known. */
static void
render_message(struct sbuf *sb, const struct logline_meta *meta)
{
	const struct logline_message *m = meta->message;

	if (m == NULL)
		return;
	sbuf_puts(sb, ",\"message_id\":");
	sbuf_json_str(sb, m->message_id);
	if (m->size >= 0 && (unsigned long)m->size <= LOGLINE_MAX_COUNT)
		sbuf_printf(sb, ",\"size\":%ld", m->size);
	else
		sbuf_puts(sb, ",\"size\":null");
	sbuf_printf(sb, ",\"rcpt_count\":%u",
	    m->rcpt_count <= LOGLINE_MAX_COUNT ? m->rcpt_count :
						 LOGLINE_MAX_COUNT);
}

const char *
logline_message_id(struct arena *arena, const char *v, size_t len)
{
	char *flat;
	size_t i, n = 0;

	/* Unfolded and trimmed first, so that the cap counts what stays. */
	if ((flat = arena_alloc(arena, len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		if (v[i] != '\r' && v[i] != '\n' && v[i] != '\0')
			flat[n++] = v[i];
	while (n > 0 && (flat[n - 1] == ' ' || flat[n - 1] == '\t'))
		n--;
	for (i = 0; i < n && (flat[i] == ' ' || flat[i] == '\t'); i++)
		;
	return utf8_strndup(arena, flat + i, n - i, LOGLINE_MAX_MESSAGE_ID);
}

void
logline_render(struct sbuf *sb, const struct policy *policy,
    const struct facts *facts, const struct decision *d,
    const struct logline_meta *meta)
{
	render_head(sb, facts, meta);
	sbuf_puts(sb, ",\"decision\":");
	decision_to_json(policy, d, sb);
	if (meta->failure_report != NULL
	    && meta->failure_report->status != RUF_NONE) {
		sbuf_puts(sb, ",\"failure_report\":");
		ruf_outcome_to_json(meta->failure_report, sb);
	}
	render_message(sb, meta);
	sbuf_puts(sb, ",\"facts\":");
	facts_to_json(facts, sb);
	sbuf_putc(sb, '}');
}

void
logline_render_summary(struct sbuf *sb, const struct facts *facts,
    const struct decision *d, const struct logline_meta *meta)
{
	char rule[400];

	verdict_rule(d, rule, sizeof(rule));
	render_head(sb, facts, meta);
	sbuf_puts(sb, ",\"truncated\":true,\"decision\":{\"action\":");
	sbuf_json_str(sb, ag_action_name(d->action));
	sbuf_puts(sb, ",\"class\":");
	sbuf_json_str(sb, verdict_class_name(d));
	sbuf_puts(sb, ",\"rule\":");
	sbuf_json_str(sb, rule);
	sbuf_puts(sb, ",\"reason\":");
	sbuf_json_str(sb, d->reason);
	sbuf_putc(sb, '}');
	render_message(sb, meta);
	sbuf_putc(sb, '}');
}

/* A policy.ini line as "FILE:LINE", or null for a built-in default. */
static void
line_json(const struct policy *p, unsigned line, struct sbuf *sb)
{
	char where[POLICY_MAX_PATH + 16];

	if (line == 0) {
		sbuf_puts(sb, "null");
		return;
	}
	snprintf(where, sizeof(where), "%s:%u", p->file, line);
	sbuf_json_str(sb, where);
}

void
decision_to_json(const struct policy *policy, const struct decision *d,
    struct sbuf *sb)
{
	char rule[DOMAIN_MAX_LEN + 80], why[DOMAIN_MAX_LEN + 80];
	const struct dmarc_eval *e = &d->dmarc;
	size_t i;
	unsigned line = 0;

	verdict_rule(d, rule, sizeof(rule));
	if (d->basis == BASIS_FINDING)
		line = d->findings[d->deciding].line;
	else if (d->basis == BASIS_SKIP_HOST)
		line = d->skip_host->line;
	else if (d->basis == BASIS_MONITOR)
		line = policy->mode_line;
	else if (d->basis == BASIS_MONITOR_DOMAIN)
		line = d->domain->mode_line;
	sbuf_puts(sb, "{\"action\":");
	sbuf_json_str(sb, ag_action_name(d->action));
	sbuf_puts(sb, ",\"class\":");
	sbuf_json_str(sb, verdict_class_name(d));
	sbuf_puts(sb, ",\"rule\":");
	sbuf_json_str(sb, rule);
	sbuf_puts(sb, ",\"line\":");
	line_json(policy, line, sb);
	sbuf_puts(sb, ",\"reason\":");
	sbuf_json_str(sb, d->reason[0] != '\0' ? d->reason : NULL);
	if (d->monitor) {
		sbuf_puts(sb, ",\"monitor\":{\"would\":");
		sbuf_json_str(sb, ag_action_name(d->would));
		sbuf_puts(sb, ",\"class\":");
		sbuf_json_str(sb,
		    d->deciding >= 0 ?
			ag_class_name(d->findings[d->deciding].cls) :
			"none");
		sbuf_puts(sb, ",\"rule\":");
		if (d->deciding >= 0) {
			verdict_finding_rule(d, &d->findings[d->deciding], why,
			    sizeof(why));
			sbuf_json_str(sb, why);
		} else {
			sbuf_json_str(sb, "accept");
		}
		sbuf_putc(sb, '}');
	}
	sbuf_puts(sb, ",\"dmarc\":{\"result\":");
	sbuf_json_str(sb, ag_dmarc_name(e->result));
	sbuf_puts(sb, ",\"domain\":");
	sbuf_json_str(sb, d->from_domain[0] != '\0' ? d->from_domain : NULL);
	sbuf_puts(sb, ",\"record\":");
	sbuf_json_str(sb, e->record[0] != '\0' ? e->record : NULL);
	sbuf_puts(sb, ",\"policy\":");
	sbuf_json_str(sb,
	    e->has_record ? dmarcrec_policy_name(e->applied) : NULL);
	sbuf_puts(sb, ",\"method\":");
	sbuf_json_str(sb, e->rfc7489 ? "rfc7489" : "rfc9989");
	if (e->method_forced)
		sbuf_puts(sb, ",\"method_forced\":true");
	sbuf_puts(sb, ",\"policy_domain\":");
	sbuf_json_str(sb,
	    e->policy_domain[0] != '\0' ? e->policy_domain : NULL);
	sbuf_puts(sb, ",\"org_domain\":");
	sbuf_json_str(sb, e->org_domain[0] != '\0' ? e->org_domain : NULL);
	if (e->has_record) {
		static const char *const sources[] = {
			[DMARC_SRC_NONE] = "none",
			[DMARC_SRC_AUTHOR] = "author",
			[DMARC_SRC_ORG] = "org",
			[DMARC_SRC_PSD] = "psd",
		};
		static const char *const tags[] = {
			[DMARC_TAG_P] = "p",
			[DMARC_TAG_SP] = "sp",
			[DMARC_TAG_NP] = "np",
		};
		static const char *const psd[] = {
			[DMARC_PSD_U] = "u",
			[DMARC_PSD_Y] = "y",
			[DMARC_PSD_N] = "n",
		};

		sbuf_puts(sb, ",\"source\":");
		sbuf_json_str(sb, sources[e->source]);
		sbuf_puts(sb, ",\"tag\":");
		sbuf_json_str(sb, tags[e->tag]);
		sbuf_puts(sb, ",\"published\":");
		sbuf_json_str(sb, dmarcrec_policy_name(e->published));
		sbuf_puts(sb, ",\"psd\":");
		sbuf_json_str(sb, psd[e->psd]);
		sbuf_printf(sb, ",\"testing\":%s,\"pct0_testing\":%s",
		    e->testing ? "true" : "false",
		    e->pct0_testing ? "true" : "false");
	}
	if (e->has_record && e->result != AG_DMARCR_PASS && e->rfc7489)
		sbuf_printf(sb, ",\"pct\":%u,\"sampled_out\":%s", e->pct,
		    e->sampled_out ? "true" : "false");
	sbuf_printf(sb, ",\"aligned\":{\"spf\":%s,\"dkim\":%s}",
	    e->spf_aligned ? "true" : "false",
	    e->dkim_aligned ? "true" : "false");
	if (e->arc_sealer != NULL) {
		sbuf_puts(sb, ",\"arc_sealer\":");
		sbuf_json_str(sb, e->arc_sealer);
	}
	if (e->why[0] != '\0') {
		sbuf_puts(sb, ",\"why\":");
		sbuf_json_str(sb, e->why);
	}
	sbuf_puts(sb, "},\"findings\":[");
	for (i = 0; i < d->n_findings; i++) {
		const struct finding *f = &d->findings[i];

		verdict_finding_rule(d, f, rule, sizeof(rule));
		verdict_waiver(d, f, why, sizeof(why));
		sbuf_puts(sb, i > 0 ? ",{\"class\":" : "{\"class\":");
		sbuf_json_str(sb, ag_class_name(f->cls));
		sbuf_puts(sb, ",\"action\":");
		sbuf_json_str(sb, ag_action_name(f->action));
		sbuf_puts(sb, ",\"rule\":");
		sbuf_json_str(sb, rule);
		sbuf_puts(sb, ",\"line\":");
		line_json(policy, f->line, sb);
		sbuf_puts(sb, ",\"waived\":");
		sbuf_json_str(sb, f->waived != WAIVE_NONE ? why : NULL);
		if (f->held)
			sbuf_puts(sb, ",\"held\":true");
		if (f->sig >= 0)
			sbuf_printf(sb, ",\"signature\":%d", f->sig);
		sbuf_putc(sb, '}');
	}
	sbuf_puts(sb, "]}");
}

void
facts_to_json(const struct facts *f, struct sbuf *sb)
{
	size_t i, j;

	sbuf_puts(sb, "{");
	if (f->id != NULL) {
		sbuf_puts(sb, "\"id\":");
		sbuf_json_str(sb, f->id);
		sbuf_putc(sb, ',');
	}
	sbuf_puts(sb, "\"client\":{\"ip\":");
	sbuf_json_str(sb, f->client_ip);
	sbuf_puts(sb, ",\"helo\":");
	sbuf_json_str(sb, f->client_helo);
	sbuf_puts(sb,
	    f->authenticated ? ",\"authenticated\":true}" :
			       ",\"authenticated\":false}");
	sbuf_puts(sb, ",\"mail_from\":");
	sbuf_json_str(sb, f->mail_from);
	sbuf_puts(sb, ",\"from\":[");
	for (i = 0; i < f->n_from && i < FACTS_MAX_FROM; i++) {
		if (i > 0)
			sbuf_putc(sb, ',');
		sbuf_json_str(sb, f->from[i]);
	}
	sbuf_puts(sb, "],\"spf\":{\"result\":");
	sbuf_json_str(sb, ag_spf_name(f->spf));
	sbuf_puts(sb, ",\"domain\":");
	sbuf_json_str(sb, f->spf_domain);
	sbuf_puts(sb, "},\"dkim\":[");
	for (i = 0; i < f->n_dkim; i++) {
		const struct facts_dkim *d = &f->dkim[i];

		sbuf_puts(sb, i > 0 ? ",{\"d\":" : "{\"d\":");
		sbuf_json_str(sb, d->d);
		sbuf_puts(sb, ",\"s\":");
		sbuf_json_str(sb, d->s);
		sbuf_puts(sb, ",\"a\":");
		sbuf_json_str(sb, d->a);
		sbuf_printf(sb, ",\"bits\":%u,\"result\":", d->bits);
		sbuf_json_str(sb, ag_dkim_name(d->result));
		sbuf_putc(sb, '}');
	}
	sbuf_puts(sb, "],\"arc\":{\"result\":");
	sbuf_json_str(sb, ag_arc_name(f->arc));
	sbuf_puts(sb, ",\"instances\":[");
	for (i = 0; i < f->n_arc; i++) {
		const struct facts_arc_instance *a = &f->arc_inst[i];

		sbuf_printf(sb, "%s{\"i\":%u,\"sealer\":", i > 0 ? "," : "",
		    a->i);
		sbuf_json_str(sb, a->sealer);
		sbuf_puts(sb, ",\"dmarc\":");
		sbuf_json_str(sb, ag_dmarc_name(a->dmarc));
		if (a->header_from != NULL) {
			sbuf_puts(sb, ",\"header_from\":");
			sbuf_json_str(sb, a->header_from);
		}
		sbuf_putc(sb, '}');
	}
	sbuf_puts(sb, "]},\"dns\":{");
	for (i = 0; i < f->n_dns; i++) {
		const struct facts_dns *d = &f->dns[i];

		if (i > 0)
			sbuf_putc(sb, ',');
		sbuf_json_str(sb, d->name);
		sbuf_putc(sb, ':');
		if (d->temperror) {
			sbuf_puts(sb, "\"temperror\"");
		} else if (d->n_txt == 1
		    && strcmp(d->txt[0], "temperror") != 0) {
			/* (a TXT record "temperror" alone stays an array, or
			 * it would read back as a DNS failure) */
			sbuf_json_str(sb, d->txt[0]);
		} else {
			sbuf_putc(sb, '[');
			for (j = 0; j < d->n_txt; j++) {
				if (j > 0)
					sbuf_putc(sb, ',');
				sbuf_json_str(sb, d->txt[j]);
			}
			sbuf_putc(sb, ']');
		}
	}
	sbuf_putc(sb, '}');
	if (!f->dmarc_treewalk)
		sbuf_puts(sb, ",\"dmarc_dns\":\"psl\"");
	if (f->dmarc_incomplete)
		sbuf_puts(sb, ",\"dmarc_incomplete\":true");
	if (f->n_exists > 0) {
		static const char *const words[] = {
			[FACTS_EXISTS_YES] = "yes",
			[FACTS_EXISTS_NO] = "no",
			[FACTS_EXISTS_TEMPERROR] = "temperror",
		};

		sbuf_puts(sb, ",\"exists\":{");
		for (i = 0; i < f->n_exists; i++) {
			if (i > 0)
				sbuf_putc(sb, ',');
			sbuf_json_str(sb, f->exists[i].domain);
			sbuf_putc(sb, ':');
			sbuf_json_str(sb, words[f->exists[i].answer]);
		}
		sbuf_putc(sb, '}');
	}
	sbuf_putc(sb, '}');
}
