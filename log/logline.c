/*
 * logline.c: the log line is the decision JSON and the facts JSON under
 * fixed keys; both renderers escape every string, so no input byte can
 * break the line or forge another one.
 */
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

void
logline_render(struct sbuf *sb, const struct policy *policy,
    const struct facts *facts, const struct decision *d,
    const struct logline_meta *meta)
{
	render_head(sb, facts, meta);
	sbuf_puts(sb, ",\"decision\":");
	decide_to_json(policy, d, sb);
	if (meta->failure_report != NULL
	    && meta->failure_report->status != RUF_NONE) {
		sbuf_puts(sb, ",\"failure_report\":");
		ruf_outcome_to_json(meta->failure_report, sb);
	}
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
	sbuf_puts(sb, "}}");
}
