/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_explain.c: `authgate explain MESSAGE`: the module's decision on a
 * saved message, made offline from the same policy (the installed one
 * unless told otherwise) and DNS, with every check in words and what the
 * sender's postmaster can change. It runs what the module runs: DKIM
 * (its own verification; the module's may be Exim's, and the output says
 * so), SPF with libspf2 for a client given or read from the top Received
 * line (else from a trusted Authentication-Results), ARC only when the
 * policy says arc = self, and the DMARC lookups; what it could not check
 * is said, never guessed. The decision is decide()'s and its words
 * (rule, reason, advice) policy/verdict.c's; this file gathers facts and
 * prints.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "log/logline.h"
#include "mail/arparse.h"
#include "mail/fromcut.h"
#include "mail/msg.h"
#include "mail/received.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "policy/verdict.h"
#include "verify/arc.h"
#include "verify/dkim.h"
#include "verify/dmarcq.h"
#include "verify/dns.h"
#include "verify/spf.h"

#define RCVD_MAX 4096 /* bytes of the top Received field read */

static const char usage_explain[]
    = "usage: authgate explain [--ip ADDR --mail-from ADDR [--helo NAME]]\n"
      "                        [--from-received] [--policy FILE | "
      "--defaults]\n"
      "                        [--authserv-id ID] [--json] MESSAGE\n"
      "\n"
      "Runs on a saved message the checks the module runs under the same\n"
      "policy, and explains the verdicts, the decision, and what the "
      "sender\n"
      "can change. A check the policy turns off (arc = off) is not run, "
      "and\n"
      "one that cannot be run (SPF without a client) is said not checked.\n"
      "\n"
      "  -i, --ip ADDR         the client that sent it: SPF is checked now\n"
      "  -m, --mail-from ADDR  its MAIL FROM ('' for the null sender)\n"
      "  -H, --helo NAME       its HELO name\n"
      "  -r, --from-received   take the client (address, HELO, MAIL FROM,\n"
      "                        SMTP AUTH) from the top Received line, as "
      "the\n"
      "                        gateway wrote it on the copy it delivered;\n"
      "                        --ip, --helo, --mail-from override its "
      "parts\n"
      "  -p, --policy FILE     policy.ini (default: " POLICY_DEFAULT_PATH "\n"
      "                        when it exists, else the built-in "
      "defaults)\n"
      "  -d, --defaults        the built-in defaults, even where a policy "
      "is\n"
      "                        installed\n"
      "  -a, --authserv-id ID  without a client, trust the SPF result that "
      "this\n"
      "                        gateway recorded in Authentication-Results\n"
      "                        (default: the policy's authserv_id, else the\n"
      "                        topmost Authentication-Results)\n"
      "  -j, --json            print {\"facts\", \"decision\", \"advice\", "
      "...}\n"
      "\n"
      "DKIM keys and DMARC records are looked up in DNS now.\n"
      "Exit status: 0 explained (whatever the action), 2 usage error or\n"
      "unreadable input.\n";

struct opts {
	const char *ip, *helo, *mail_from, *policy, *authserv, *file;
	bool json, defaults, from_received;
};

/* What explain could check and where each verdict came from, in words. */
struct sources {
	const char *policy_label; /* the file, or "the built-in defaults" */
	char policy_note[POLICY_MAX_PATH + 80]; /* why that one */
	bool client_known; /* a client address (or local) */
	char client[700];  /* where it came from */
	bool spf_checked;
	char spf[300];
	char dkim[200];
	bool arc_checked;
	char arc[300];
};

/* Copies the value of a field into buf (size bytes), line ends and tabs
 * made blanks, cut at size - 1 bytes. */
static void
unfold(const struct msg_field *fld, char *buf, size_t size)
{
	size_t vlen, i, n = 0;
	const char *v = msg_field_value(fld, &vlen);

	for (i = 0; i < vlen && n + 1 < size; i++)
		buf[n++]
		    = v[i] == '\r' || v[i] == '\n' || v[i] == '\t' ? ' ' : v[i];
	buf[n] = '\0';
}

/* The address of the first Return-Path field ("" for <>), or NULL. */
static const char *
return_path(const struct msg *m, char *buf, size_t size)
{
	char *lt, *gt;
	size_t i;

	for (i = 0; i < m->n_fields; i++) {
		if (!msg_field_is(&m->fields[i], "Return-Path"))
			continue;
		unfold(&m->fields[i], buf, size);
		if ((lt = strchr(buf, '<')) == NULL
		    || (gt = strchr(lt, '>')) == NULL)
			return NULL;
		*gt = '\0';
		return lt + 1;
	}
	return NULL;
}

/* Fills the client facts from the top Received field, where the options
 * did not give them; 0, or -1 with the problem in err. */
static int
client_from_received(const struct opts *o, const struct msg *m,
    struct arena *arena, struct facts *f, struct sources *src, char *err,
    size_t errsz)
{
	char *buf, rp[512];
	const char *mf = NULL;
	struct received r;
	size_t i;

	for (i = 0; i < m->n_fields; i++)
		if (msg_field_is(&m->fields[i], "Received"))
			break;
	if (i == m->n_fields) {
		snprintf(err, errsz,
		    "no Received line to take the client from");
		return -1;
	}
	if ((buf = malloc(RCVD_MAX)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	unfold(&m->fields[i], buf, RCVD_MAX);
	received_parse(buf, &r);
	free(buf);
	if (r.ip[0] == '\0' && !r.local && o->ip == NULL) {
		snprintf(err, errsz,
		    "the top Received line (by %.200s) names no client "
		    "address; use --ip",
		    r.by[0] != '\0' ? r.by : "?");
		return -1;
	}
	if (o->mail_from != NULL)
		mf = o->mail_from;
	else if (r.has_mail_from)
		mf = r.mail_from;
	else
		mf = return_path(m, rp, sizeof(rp));
	f->client_ip = o->ip != NULL ? o->ip :
	    r.ip[0] != '\0'	     ? arena_strdup(arena, r.ip) :
				       NULL;
	f->client_helo = o->helo != NULL ? o->helo :
	    r.helo[0] != '\0'		 ? arena_strdup(arena, r.helo) :
					   NULL;
	f->mail_from = mf != NULL ? arena_strdup(arena, mf) : NULL;
	/* The id seeds DMARC pct sampling, as the module's does. */
	if (r.id[0] != '\0')
		f->id = arena_strdup(arena, r.id);
	/* Local submission (no client) counts as authenticated, as the
	 * module counts it. */
	f->authenticated = r.auth || f->client_ip == NULL;
	src->client_known = true;
	snprintf(src->client, sizeof(src->client),
	    "from the top Received line, by %.200s%s%s",
	    r.by[0] != '\0' ? r.by : "?",
	    r.local && f->client_ip == NULL ? ": a local submission" : "",
	    r.auth ? " (SMTP AUTH)" : "");
	return 0;
}
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

/* SPF from the topmost Authentication-Results, or the one of the trusted
 * authserv-id, when no client is known; src->spf says which, or why
 * none could be used. */
static void
spf_from_authres(const struct opts *o, const struct policy *p,
    const struct msg *m, struct arena *arena, struct facts *f,
    struct sources *src)
{
	const char *want = o->authserv != NULL ?
	    o->authserv :
	    (p->authserv_id[0] != '\0' ? p->authserv_id : NULL);
	char id[AR_MAX_ID], parsed_id[AR_MAX_ID];
	size_t i;

	snprintf(src->spf, sizeof(src->spf),
	    "no Authentication-Results%s%s%s to trust; use --ip",
	    want != NULL ? " of \"" : "", want != NULL ? want : "",
	    want != NULL ? "\"" : "");
	for (i = 0; i < m->n_fields; i++) {
		struct ar_spf spf = { 0 };
		size_t vlen, errpos;
		const char *v;

		if (!msg_field_is(&m->fields[i], "Authentication-Results"))
			continue;
		v = msg_field_value(&m->fields[i], &vlen);
		ar_authserv_id(v, vlen, id, sizeof(id));
		if (want != NULL && strcasecmp(id, want) != 0)
			continue;
		if (ar_parse(v, vlen, parsed_id, sizeof(parsed_id),
			spf_of_resinfo, &spf, &errpos)
		    != 0) {
			snprintf(src->spf, sizeof(src->spf),
			    "the Authentication-Results of \"%.60s\" do not "
			    "parse (at byte %zu); use --ip",
			    id, errpos);
		} else if (spf.found) {
			f->spf = spf.result;
			f->spf_domain = arena_strdup(arena, spf.domain);
			src->spf_checked = true;
			snprintf(src->spf, sizeof(src->spf),
			    "from the Authentication-Results of \"%.60s\"", id);
		}
		break; /* only the topmost, or the trusted one */
	}
}

/* SPF as the module gets it: libspf2 for the client (spf = self), or
 * Exim's result, which is libspf2's too (spf = exim). */
static void
spf_check(const struct policy *p, struct arena *arena, struct facts *f,
    struct sources *src)
{
	char dom[DOMAIN_MAX_LEN + 64];

	if (f->client_ip == NULL) {
		snprintf(src->spf, sizeof(src->spf),
		    "a local submission, which the module accepts "
		    "unchecked");
		return;
	}
	if (f->mail_from == NULL) {
		snprintf(src->spf, sizeof(src->spf),
		    "no MAIL FROM known for client %.60s; use --mail-from",
		    f->client_ip);
		return;
	}
	f->spf = spfv_check(f->client_ip, f->client_helo, f->mail_from, dom,
	    sizeof(dom), NULL, NULL);
	f->spf_domain = arena_strdup(arena, dom);
	src->spf_checked = true;
	snprintf(src->spf, sizeof(src->spf), "checked now for client %.60s%s",
	    f->client_ip,
	    p->spf_self ? ", as the gateway checks it (spf = self)" :
			  " with libspf2; the gateway takes Exim's result, "
			  "also libspf2's (spf = exim)");
}

/* How many ARC sets (ARC-Seal fields) the message carries. */
static size_t
arc_sets(const struct msg *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->n_fields; i++)
		n += msg_field_is(&m->fields[i], "ARC-Seal");
	return n;
}

/* Whether an advice is about something explain did not check: SPF
 * advice needs SPF checked for a domain, and "add the sending server"
 * needs that server's address. */
static bool
advice_unchecked(const struct sources *src, const struct facts *f,
    enum ag_class cls)
{
	if (ag_class_family(cls) != AG_FAM_SPF)
		return false;
	if (!src->spf_checked || f->spf_domain == NULL
	    || f->spf_domain[0] == '\0')
		return true;
	return (cls == AG_SPF_FAIL || cls == AG_SPF_SOFTFAIL)
	    && f->client_ip == NULL;
}

/* The DMARC tree walk and how the policy was found, under the DMARC
 * line. */
static void
print_walk(const struct decision *d)
{
	char line[512];
	size_t i;

	if (!d->dmarc.evaluated)
		return;
	verdict_dmarc_policy(d, line, sizeof(line));
	cli_printf("\n       %s", line);
	for (i = 0; i < d->dmarc.walk.n; i++) {
		verdict_walk_step(d, i, line, sizeof(line));
		cli_printf("\n       %s %s", i == 0 ? "walk:" : "     ", line);
	}
}

static void
print_human(const struct opts *o, const struct sources *src,
    const struct facts *f, const struct decision *d, const struct advice *adv)
{
	char rule[400], why[400];
	struct arena ar;
	size_t i;

	/* What a sender wrote is printed inside one line each. */
	arena_init(&ar);

	cli_printf("Message: %s\n", o->file);
	cli_printf("Policy: %s%s\n", src->policy_label, src->policy_note);
	if (!src->client_known)
		cli_printf(
		    "Client: not given, so trusted relays and skip_hosts are "
		    "not applied (use --ip and --mail-from, or "
		    "--from-received)\n");
	else if (f->client_ip == NULL)
		cli_printf("Client: none (%s)\n", src->client);
	else
		cli_printf("Client: %s, HELO %s, MAIL FROM %s%s%s (%s)\n",
		    f->client_ip,
		    f->client_helo != NULL ? cli_flat(&ar, f->client_helo) :
					     "(none)",
		    f->mail_from != NULL ? "<" : "(unknown)",
		    f->mail_from != NULL ? cli_flat(&ar, f->mail_from) : "",
		    f->mail_from != NULL ? ">" : "", src->client);
	for (i = 0; i < f->n_from && i < FACTS_MAX_FROM; i++)
		cli_printf("From: %s\n", cli_flat(&ar, f->from[i]));
	if (f->n_from == 0)
		cli_printf("From: (none)\n");
	cli_printf("Author domain: %s\n\n",
	    d->from_domain[0] != '\0' ? d->from_domain : "(none)");
	if (src->spf_checked)
		cli_printf("SPF:   %s for %s (%s)\n", ag_spf_name(f->spf),
		    f->spf_domain != NULL && f->spf_domain[0] != '\0' ?
			cli_flat(&ar, f->spf_domain) :
			"(unknown)",
		    src->spf);
	else
		cli_printf("SPF:   not checked (%s)\n", src->spf);
	if (f->n_dkim == 0)
		cli_printf("DKIM:  none (no DKIM-Signature)\n");
	for (i = 0; i < f->n_dkim; i++)
		cli_printf("DKIM:  %s for d=%s s=%s (%s, %u bits)\n",
		    ag_dkim_name(f->dkim[i].result),
		    cli_flat(&ar, f->dkim[i].d),
		    f->dkim[i].s != NULL ? cli_flat(&ar, f->dkim[i].s) : "?",
		    cli_flat(&ar, f->dkim[i].a), f->dkim[i].bits);
	if (f->n_dkim > 0)
		cli_printf("       (%s)\n", src->dkim);
	cli_printf("DMARC: %s", ag_dmarc_name(d->dmarc.result));
	if (d->dmarc.has_record)
		cli_printf(" (record %s, policy %s, aligned: spf %s, dkim %s)",
		    d->dmarc.record, dmarcrec_policy_name(d->dmarc.applied),
		    d->dmarc.spf_aligned ? "yes" : "no",
		    d->dmarc.dkim_aligned ? "yes" : "no");
	else if (d->dmarc.why[0] != '\0')
		cli_printf(" (%s)", d->dmarc.why);
	print_walk(d);
	if (src->arc_checked) {
		cli_printf("\nARC:   %s", ag_arc_name(f->arc));
		if (src->arc[0] != '\0')
			cli_printf(" (%s)", src->arc);
	} else {
		cli_printf("\nARC:   not checked (%s)", src->arc);
	}
	cli_printf("\n");
	for (i = 0; i < f->n_arc; i++)
		cli_printf(
		    "       i=%u sealed by %s, which recorded dmarc=%s\n",
		    f->arc_inst[i].i, cli_flat(&ar, f->arc_inst[i].sealer),
		    ag_dmarc_name(f->arc_inst[i].dmarc));
	cli_printf("\n");
	verdict_rule(d, rule, sizeof(rule));
	cli_printf("Decision under %s: %s (class %s, rule %s)\n",
	    src->policy_label, ag_action_name(d->action), verdict_class_name(d),
	    rule);
	if (d->reason[0] != '\0')
		cli_printf("Reason: %s\n", d->reason);
	if (d->monitor)
		cli_printf("Monitor mode: would %s\n",
		    ag_action_name(d->would));
	if (!src->spf_checked && d->basis != BASIS_SKIP_AUTH
	    && d->basis != BASIS_SKIP_HOST)
		cli_printf(
		    "Note: SPF was not checked and counts as none here; the "
		    "gateway's decision may differ.\n");
	if (d->n_findings > 0)
		cli_printf("\nFindings:\n");
	for (i = 0; i < d->n_findings; i++) {
		verdict_finding_rule(d, &d->findings[i], rule, sizeof(rule));
		verdict_waiver(d, &d->findings[i], why, sizeof(why));
		cli_printf("  %-20s %-10s %s%s%s%s\n",
		    ag_class_name(d->findings[i].cls),
		    ag_action_name(d->findings[i].action), rule,
		    why[0] != '\0' ? ", waived by " : "", why,
		    !src->spf_checked
			    && ag_class_family(d->findings[i].cls)
				== AG_FAM_SPF ?
			" (SPF not checked)" :
			"");
	}
	for (i = 0; i < adv->n; i++)
		if (!advice_unchecked(src, f, adv->cls[i]))
			break;
	if (i < adv->n)
		cli_printf("\nWhat the sender's postmaster can change:\n");
	for (i = 0; i < adv->n; i++)
		if (!advice_unchecked(src, f, adv->cls[i]))
			cli_printf("  - %s\n", adv->text[i]);
	arena_free(&ar);
}

/* The walk as JSON: each name asked and what it held, in order. */
static void
walk_json(const struct decision *d, struct sbuf *sb)
{
	static const char *const answers[] = {
		[DW_NONE] = "none",
		[DW_RECORD] = "record",
		[DW_SEVERAL] = "several",
		[DW_TEMPERROR] = "temperror",
	};
	char line[512];
	size_t i;

	verdict_dmarc_policy(d, line, sizeof(line));
	sbuf_puts(sb, ",\"dmarc_policy\":");
	sbuf_json_str(sb, d->dmarc.evaluated ? line : NULL);
	sbuf_puts(sb, ",\"dmarc_walk\":[");
	for (i = 0; i < d->dmarc.walk.n; i++) {
		const struct dmarcwalk_step *s = &d->dmarc.walk.step[i];

		char name[DMARCWALK_NAME];

		snprintf(name, sizeof(name), "_dmarc.%s", s->domain);
		sbuf_puts(sb, i > 0 ? ",{\"name\":" : "{\"name\":");
		sbuf_json_str(sb, name);
		sbuf_puts(sb, ",\"answer\":");
		sbuf_json_str(sb, answers[s->answer]);
		sbuf_puts(sb, ",\"record\":");
		sbuf_json_str(sb, s->answer == DW_RECORD ? s->txt : NULL);
		sbuf_putc(sb, '}');
	}
	sbuf_putc(sb, ']');
}

static void
print_json(const struct policy *p, const struct sources *src,
    const char *policy_file, const struct facts *f, const struct decision *d,
    const struct advice *adv)
{
	struct sbuf sb;
	size_t i, n = 0;

	sbuf_init(&sb, (size_t)4 << 20);
	sbuf_puts(&sb, "{\"facts\":");
	facts_to_json(f, &sb);
	sbuf_puts(&sb, ",\"decision\":");
	decision_to_json(p, d, &sb);
	walk_json(d, &sb);
	sbuf_puts(&sb, ",\"spf_source\":");
	sbuf_json_str(&sb, src->spf);
	sbuf_puts(&sb, ",\"arc_reason\":");
	sbuf_json_str(&sb, src->arc);
	sbuf_puts(&sb, ",\"dkim_source\":");
	sbuf_json_str(&sb, f->n_dkim > 0 ? src->dkim : NULL);
	sbuf_puts(&sb, ",\"policy\":");
	sbuf_json_str(&sb, policy_file);
	sbuf_puts(&sb, ",\"client_source\":");
	sbuf_json_str(&sb, src->client_known ? src->client : NULL);
	sbuf_puts(&sb, ",\"not_checked\":[");
	if (!src->client_known)
		sbuf_printf(&sb, "%s\"client\"", n++ > 0 ? "," : "");
	if (!src->spf_checked)
		sbuf_printf(&sb, "%s\"spf\"", n++ > 0 ? "," : "");
	if (!src->arc_checked)
		sbuf_printf(&sb, "%s\"arc\"", n++ > 0 ? "," : "");
	sbuf_puts(&sb, "],\"advice\":[");
	for (i = 0, n = 0; i < adv->n; i++) {
		if (advice_unchecked(src, f, adv->cls[i]))
			continue;
		if (n++ > 0)
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

/* The policy explain decides under: --policy, else the installed one when
 * it exists, else the built-in defaults; NULL after naming the problem. */
static struct policy *
load_policy(struct opts *o, struct sources *src)
{
	struct policy_diag diag;
	struct policy *p;

	if (o->policy == NULL && !o->defaults
	    && access(POLICY_DEFAULT_PATH, F_OK) == 0) {
		o->policy = POLICY_DEFAULT_PATH;
		snprintf(src->policy_note, sizeof(src->policy_note),
		    " (the installed policy; --policy FILE or --defaults for "
		    "another)");
	} else if (o->policy == NULL) {
		snprintf(src->policy_note, sizeof(src->policy_note), " (%s)",
		    o->defaults ? "--defaults" :
				  "no " POLICY_DEFAULT_PATH " installed");
	}
	src->policy_label
	    = o->policy != NULL ? o->policy : "the built-in defaults";
	p = o->policy != NULL ? cli_load_policy(o->policy, &diag) :
				policy_load_buffer("(defaults)", "", 0, &diag);
	if (p == NULL)
		cli_print_diag(o->policy != NULL ? o->policy : "(defaults)",
		    &diag, true);
	return p;
}

int
cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ip", required_argument, NULL, 'i' },
		{ "helo", required_argument, NULL, 'H' },
		{ "mail-from", required_argument, NULL, 'm' },
		{ "from-received", no_argument, NULL, 'r' },
		{ "policy", required_argument, NULL, 'p' },
		{ "defaults", no_argument, NULL, 'd' },
		{ "authserv-id", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { 0 };
	struct sources src;
	struct policy *p;
	struct arena arena;
	struct facts f;
	struct decision d;
	struct advice adv;
	struct msg *m = NULL;
	struct lookup_ctx lc = { NULL, NULL };
	char err[512];
	char *text = NULL;
	size_t len, i, sets;
	int c, rc = CLI_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "i:H:m:rp:da:jh", longopts, NULL))
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
		case 'r':
			o.from_received = true;
			break;
		case 'p':
			o.policy = optarg;
			break;
		case 'd':
			o.defaults = true;
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
	if (optind != argc - 1
	    || (o.ip != NULL && o.mail_from == NULL && !o.from_received)
	    || (o.policy != NULL && o.defaults)) {
		fputs(usage_explain, stderr);
		return CLI_EXIT_USAGE;
	}
	o.file = argv[optind];
	memset(&src, 0, sizeof(src));
	if ((p = load_policy(&o, &src)) == NULL)
		return CLI_EXIT_USAGE;
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
	/* The client: given, read from the top Received line, or unknown. */
	f.mail_from = NULL;
	if (o.from_received) {
		if (client_from_received(&o, m, &arena, &f, &src, err,
			sizeof(err))
		    != 0) {
			fprintf(stderr, "authgate: %s: %s\n", o.file, err);
			goto out;
		}
	} else if (o.ip != NULL) {
		f.client_ip = o.ip;
		f.client_helo = o.helo;
		f.mail_from = o.mail_from;
		src.client_known = true;
		snprintf(src.client, sizeof(src.client), "given");
	}
	if (dkimv_message(text, len, p, dns_lookup, &lc, &f, &arena, err,
		sizeof(err))
	    != 0) {
		fprintf(stderr, "authgate: %s: %s\n", o.file, err);
		goto out;
	}
	snprintf(src.dkim, sizeof(src.dkim), "%s",
	    p->dkim_self ?
		"verified now, as the gateway verifies them (dkim = self)" :
		"verified now by authgate; the gateway takes Exim's verdicts "
		"(dkim = exim)");
	/* ARC only where the module validates it: with arc = off no chain
	 * passes there, so none may here. */
	if (p->arc_self) {
		src.arc_checked = true;
		arcv_message(text, len, dns_lookup, &lc, &f, &arena, src.arc,
		    sizeof(src.arc));
	} else {
		sets = arc_sets(m);
		snprintf(src.arc, sizeof(src.arc),
		    "arc = off: the gateway validates no ARC chain, so no "
		    "sealer vouches for a message");
		if (sets > 0)
			snprintf(src.arc + strlen(src.arc),
			    sizeof(src.arc) - strlen(src.arc),
			    "; this one carries %zu ARC set%s", sets,
			    sets == 1 ? "" : "s");
	}
	if (src.client_known)
		spf_check(p, &arena, &f, &src);
	else
		spf_from_authres(&o, p, m, &arena, &f, &src);
	if (!decide_skips(p, &f))
		dmarcq_collect(p, &f, &arena, dns_lookup, &lc);
	decide(p, &f, &d);
	verdict_advice(p, &f, &d, &adv);
	if (o.json)
		print_json(p, &src, o.policy, &f, &d, &adv);
	else
		print_human(&o, &src, &f, &d, &adv);
	rc = 0;
out:
	free(m);
	free(text);
	arena_free(&arena);
	policy_free(p);
	return rc;
}
