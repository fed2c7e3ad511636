/*
 * cmd_explain.c: `authgate explain MESSAGE`: every check run on a saved
 * message (own DKIM verification; SPF with libspf2 when the client is
 * given, else from the message's own Authentication-Results of a trusted
 * authserv-id; DMARC records looked up), the decision under a policy, and
 * what the sender's postmaster can change. The decision is decide()'s and
 * its words (rule, reason, advice) policy/verdict.c's; this file gathers
 * facts and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "log/logline.h"
#include "mail/arparse.h"
#include "mail/fromcut.h"
#include "mail/msg.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "policy/verdict.h"
#include "verify/arc.h"
#include "verify/dkim.h"
#include "verify/dmarcq.h"
#include "verify/dns.h"
#include "verify/spf.h"

static const char usage_explain[]
    = "usage: authgate explain [--ip ADDR --mail-from ADDR [--helo NAME]]\n"
      "                        [--policy FILE] [--authserv-id ID] [--json] "
      "MESSAGE\n"
      "\n"
      "Runs every check on a saved message and explains the verdicts, the\n"
      "decision under the policy, and what the sender can change.\n"
      "\n"
      "  -i, --ip ADDR         the client that sent it: SPF is checked now\n"
      "  -m, --mail-from ADDR  its MAIL FROM ('' for the null sender)\n"
      "  -H, --helo NAME       its HELO name\n"
      "  -p, --policy FILE     policy.ini (default: the built-in defaults)\n"
      "  -a, --authserv-id ID  without --ip, trust the SPF result that this\n"
      "                        gateway recorded in Authentication-Results\n"
      "                        (default: the policy's authserv_id, else the\n"
      "                        topmost Authentication-Results)\n"
      "  -j, --json            print {\"facts\", \"decision\", \"advice\"}\n"
      "\n"
      "DKIM keys and DMARC records are looked up in DNS now.\n"
      "Exit status: 0 explained (whatever the action), 2 usage error or\n"
      "unreadable input.\n";

struct opts {
	const char *ip, *helo, *mail_from, *policy, *authserv, *file;
	bool json;
};

/* The first spf= result of an Authentication-Results value and the
 * domain it concerns (smtp.mailfrom's, else smtp.helo). */
struct ar_spf {
	bool found;
	enum ag_spf result;
	char domain[AR_MAX_VALUE];
};

static bool
spf_of_resinfo(void *ctx, const struct ar_resinfo *r)
{
	struct ar_spf *out = ctx;
	const char *dom, *at;

	if (strcmp(r->method, "spf") != 0
	    || ag_spf_parse(r->result, &out->result) != 0)
		return true;
	out->found = true;
	dom = ar_prop_value(r, "smtp", "mailfrom");
	if (dom == NULL)
		dom = ar_prop_value(r, "smtp", "helo");
	if (dom == NULL)
		dom = "";
	if ((at = strrchr(dom, '@')) != NULL)
		dom = at + 1;
	snprintf(out->domain, sizeof(out->domain), "%s", dom);
	return false;
}

struct lookup_ctx {
	const struct policy *policy;
	struct arena *arena;
};

static void
dns_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	struct lookup_ctx *lc = ctx;

	dnsq_txt(name, lc->policy->dns_timeout, lc->arena, a);
}

static void
print_human(const struct opts *o, const struct policy *p, const struct facts *f,
    const struct decision *d, const struct advice *adv, const char *spf_source,
    const char *arc_why)
{
	char rule[400], why[400];
	size_t i;

	printf("Message: %s\n", o->file);
	for (i = 0; i < f->n_from && i < FACTS_MAX_FROM; i++)
		printf("From: %s\n", f->from[i]);
	if (f->n_from == 0)
		printf("From: (none)\n");
	printf("Author domain: %s\n\n",
	    d->from_domain[0] != '\0' ? d->from_domain : "(none)");
	printf("SPF:   %s for %s (%s)\n", ag_spf_name(f->spf),
	    f->spf_domain != NULL ? f->spf_domain : "(unknown)", spf_source);
	if (f->n_dkim == 0)
		printf("DKIM:  none (no DKIM-Signature)\n");
	for (i = 0; i < f->n_dkim; i++)
		printf("DKIM:  %s for d=%s s=%s (%s, %u bits)\n",
		    ag_dkim_name(f->dkim[i].result), f->dkim[i].d,
		    f->dkim[i].s != NULL ? f->dkim[i].s : "?", f->dkim[i].a,
		    f->dkim[i].bits);
	printf("DMARC: %s", ag_dmarc_name(d->dmarc.result));
	if (d->dmarc.has_record)
		printf(" (record %s, policy %s, aligned: spf %s, dkim %s)",
		    d->dmarc.record, dmarcrec_policy_name(d->dmarc.applied),
		    d->dmarc.spf_aligned ? "yes" : "no",
		    d->dmarc.dkim_aligned ? "yes" : "no");
	else if (d->dmarc.why[0] != '\0')
		printf(" (%s)", d->dmarc.why);
	printf("\nARC:   %s", ag_arc_name(f->arc));
	if (arc_why[0] != '\0')
		printf(" (%s)", arc_why);
	printf("\n");
	for (i = 0; i < f->n_arc; i++)
		printf("       i=%u sealed by %s, which recorded dmarc=%s\n",
		    f->arc_inst[i].i, f->arc_inst[i].sealer,
		    ag_dmarc_name(f->arc_inst[i].dmarc));
	printf("\n");
	verdict_rule(d, rule, sizeof(rule));
	printf("Decision under %s: %s (class %s, rule %s)\n",
	    o->policy != NULL ? o->policy : "the built-in defaults",
	    ag_action_name(d->action), verdict_class_name(d), rule);
	if (d->reason[0] != '\0')
		printf("Reason: %s\n", d->reason);
	if (d->monitor)
		printf("Monitor mode: would %s\n", ag_action_name(d->would));
	if (d->n_findings > 0)
		printf("\nFindings:\n");
	for (i = 0; i < d->n_findings; i++) {
		verdict_finding_rule(d, &d->findings[i], rule, sizeof(rule));
		verdict_waiver(d, &d->findings[i], why, sizeof(why));
		printf("  %-20s %-10s %s%s%s\n",
		    ag_class_name(d->findings[i].cls),
		    ag_action_name(d->findings[i].action), rule,
		    why[0] != '\0' ? ", waived by " : "", why);
	}
	if (adv->n > 0)
		printf("\nWhat the sender's postmaster can change:\n");
	for (i = 0; i < adv->n; i++)
		printf("  - %s\n", adv->text[i]);
	(void)p;
}

static void
print_json(const struct policy *p, const struct facts *f,
    const struct decision *d, const struct advice *adv, const char *spf_source,
    const char *arc_why)
{
	struct sbuf sb;
	size_t i;

	sbuf_init(&sb, (size_t)4 << 20);
	sbuf_puts(&sb, "{\"facts\":");
	facts_to_json(f, &sb);
	sbuf_puts(&sb, ",\"decision\":");
	decision_to_json(p, d, &sb);
	sbuf_puts(&sb, ",\"spf_source\":");
	sbuf_json_str(&sb, spf_source);
	sbuf_puts(&sb, ",\"arc_reason\":");
	sbuf_json_str(&sb, arc_why);
	sbuf_puts(&sb, ",\"advice\":[");
	for (i = 0; i < adv->n; i++) {
		if (i > 0)
			sbuf_putc(&sb, ',');
		sbuf_puts(&sb, "{\"class\":");
		sbuf_json_str(&sb, ag_class_name(adv->cls[i]));
		sbuf_puts(&sb, ",\"text\":");
		sbuf_json_str(&sb, adv->text[i]);
		sbuf_putc(&sb, '}');
	}
	sbuf_puts(&sb, "]}");
	printf("%s\n", sbuf_cstr(&sb));
	sbuf_free(&sb);
}

int
cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ip", required_argument, NULL, 'i' },
		{ "helo", required_argument, NULL, 'H' },
		{ "mail-from", required_argument, NULL, 'm' },
		{ "policy", required_argument, NULL, 'p' },
		{ "authserv-id", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { 0 };
	struct policy_diag diag;
	struct policy *p;
	struct arena arena;
	struct facts f;
	struct decision d;
	struct advice adv;
	struct msg *m = NULL;
	struct lookup_ctx lc = { NULL, NULL };
	char err[512], spf_source[200], dom[300], arc_why[300];
	char *text = NULL;
	size_t len, i;
	int c, rc = CLI_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "i:H:m:p:a:jh", longopts, NULL))
	    != -1) {
		switch (c) {
		case 'i':
			o.ip = optarg;
			break;
		case 'H':
			o.helo = optarg;
			break;
		case 'm':
			o.mail_from = optarg;
			break;
		case 'p':
			o.policy = optarg;
			break;
		case 'a':
			o.authserv = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'h':
			fputs(usage_explain, stdout);
			return 0;
		default:
			fputs(usage_explain, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || (o.ip != NULL && o.mail_from == NULL)) {
		fputs(usage_explain, stderr);
		return CLI_EXIT_USAGE;
	}
	o.file = argv[optind];
	p = o.policy != NULL ? policy_load(o.policy, &diag) :
			       policy_load_buffer("(defaults)", "", 0, &diag);
	if (p == NULL) {
		cli_print_diag(o.policy != NULL ? o.policy : "(defaults)",
		    &diag, true);
		return CLI_EXIT_USAGE;
	}
	text = cli_read_file(o.file, CLI_MAX_MESSAGE, &len);
	if (text == NULL) {
		fprintf(stderr, "authgate: %s: %s\n", o.file, strerror(errno));
		policy_free(p);
		return CLI_EXIT_USAGE;
	}
	arena_init(&arena);
	lc.policy = p;
	lc.arena = &arena;
	facts_init(&f);
	m = malloc(sizeof(*m));
	if (m == NULL) {
		fprintf(stderr, "authgate: out of memory\n");
		goto out;
	}
	msg_parse(text, len, m);
	for (i = 0; i < m->n_fields; i++) {
		size_t vlen;
		const char *v;

		if (!msg_field_is(&m->fields[i], "From"))
			continue;
		v = msg_field_value(&m->fields[i], &vlen);
		if (f.n_from < FACTS_MAX_FROM)
			f.from[f.n_from] = fromcut_value(&arena, v, vlen);
		f.n_from++;
	}
	if (dkimv_message(text, len, p, dns_lookup, &lc, &f, &arena, err,
		sizeof(err))
	    != 0) {
		fprintf(stderr, "authgate: %s: %s\n", o.file, err);
		goto out;
	}
	arcv_message(text, len, dns_lookup, &lc, &f, &arena, arc_why,
	    sizeof(arc_why));
	if (o.ip != NULL) {
		f.client_ip = o.ip;
		f.client_helo = o.helo;
		f.mail_from = o.mail_from;
		f.spf = spfv_check(o.ip, o.helo, o.mail_from, dom, sizeof(dom),
		    NULL, NULL);
		f.spf_domain = arena_strdup(&arena, dom);
		snprintf(spf_source, sizeof(spf_source),
		    "checked now for client %.60s", o.ip);
	} else {
		const char *want = o.authserv != NULL ?
		    o.authserv :
		    (p->authserv_id[0] != '\0' ? p->authserv_id : NULL);
		char id[AR_MAX_ID], parsed_id[AR_MAX_ID];

		snprintf(spf_source, sizeof(spf_source),
		    "no Authentication-Results%s%s%s to trust; use --ip",
		    want != NULL ? " of \"" : "", want != NULL ? want : "",
		    want != NULL ? "\"" : "");
		for (i = 0; i < m->n_fields; i++) {
			struct ar_spf spf = { 0 };
			size_t vlen, errpos;
			const char *v;

			if (!msg_field_is(&m->fields[i],
				"Authentication-Results"))
				continue;
			v = msg_field_value(&m->fields[i], &vlen);
			ar_authserv_id(v, vlen, id, sizeof(id));
			if (want != NULL && strcasecmp(id, want) != 0)
				continue;
			if (ar_parse(v, vlen, parsed_id, sizeof(parsed_id),
				spf_of_resinfo, &spf, &errpos)
			    != 0) {
				snprintf(spf_source, sizeof(spf_source),
				    "the Authentication-Results of \"%.60s\" "
				    "do not parse (at byte %zu); use --ip",
				    id, errpos);
			} else if (spf.found) {
				f.spf = spf.result;
				f.spf_domain = arena_strdup(&arena, spf.domain);
				snprintf(spf_source, sizeof(spf_source),
				    "from the Authentication-Results of "
				    "\"%.60s\"",
				    id);
			}
			break; /* only the topmost, or the trusted one */
		}
	}
	if (!decide_skips(p, &f))
		dmarcq_collect(p, &f, &arena, dns_lookup, &lc);
	decide(p, &f, &d);
	verdict_advice(p, &f, &d, &adv);
	if (o.json)
		print_json(p, &f, &d, &adv, spf_source, arc_why);
	else
		print_human(&o, p, &f, &d, &adv, spf_source, arc_why);
	rc = 0;
out:
	free(m);
	free(text);
	arena_free(&arena);
	policy_free(p);
	return rc;
}
