/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_show.c: `authgate show [--policy FILE] ID LOG...`: one logged
 * decision in words, for a support case: the message as the line has it
 * (queue id, Message-ID, size, recipient count, client, envelope sender,
 * From), each verdict, the decision with its reason and findings, and
 * what the sender's postmaster can change. No DNS: all of it comes from
 * the line. The words are policy/verdict.c's: the line carries the
 * reason, rules and waivers it wrote when the message was decided, and
 * the advice comes from deciding the logged facts again under the policy
 * (the installed one by default), which also tells whether that policy
 * still decides the same.
 */
#define _GNU_SOURCE /* memmem */
#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/eximcmd.h"
#include "log/logline.h"
#include "log/reader.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/verdict.h"
#include "util/sbuf.h"

#define SHOW_SKIPPED 5 /* unreadable lines with the id named on stderr */

static const char usage_show[]
    = "usage: authgate show [--policy FILE] ID LOG...\n"
      "\n"
      "Prints, in words, each decision logged for ID: Exim's queue id (the\n"
      "one a bounce quotes: \"(id=1tEabc-000123-Qx)\") or the message's\n"
      "Message-ID (with or without <>). The message, each verdict, the\n"
      "decision, its reason and findings come from the log line; no DNS\n"
      "is asked. What the sender's postmaster can change comes from\n"
      "deciding the logged facts again under the policy, which also says\n"
      "whether it still decides the same. LOG may be gzip-compressed, or\n"
      "'-' for standard input.\n"
      "\n"
      "  -p, --policy FILE  the policy (default " POLICY_DEFAULT_PATH ",\n"
      "                     else the built-in defaults)\n"
      "\n"
      "Exit status: 0 shown, 1 no decision logged for ID, 2 usage error,\n"
      "unreadable log or invalid policy.\n";

struct show {
	const struct policy *policy;
	const char *policy_name;
	char *id;	       /* what to find, without blanks or <> */
	const char *prefilter; /* id as it appears in a line, or NULL */
	const char *path;
	struct logrec *rec;
	struct arena arena;
	unsigned long found, skipped;
};

/* "label" and untrusted text, on one line. */
static void
put_field(const char *label, const char *s)
{
	fputs(label, stdout);
	cli_put_text(s);
	putchar('\n');
}

static const char *
yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void
print_message(const struct logrec *r)
{
	const struct facts *f = &r->facts;
	size_t i;

	printf("Message ");
	cli_put_text(r->id);
	printf(", decided ");
	cli_put_text(r->ts);
	if (r->host != NULL) {
		printf(" on ");
		cli_put_text(r->host);
	}
	printf("\n");
	if (r->has_message) {
		put_field("  Message-ID: ", r->message_id);
		if (r->size >= 0)
			printf("  Size:       %ld bytes, %u recipient%s\n",
			    r->size, r->rcpt_count,
			    r->rcpt_count == 1 ? "" : "s");
		else
			printf("  Recipients: %u\n", r->rcpt_count);
	}
	if (!r->has_facts)
		return;
	if (f->client_ip != NULL) {
		printf("  Client:     ");
		cli_put_text(f->client_ip);
		if (f->client_helo != NULL) {
			printf(" (HELO ");
			cli_put_text(f->client_helo);
			printf(")");
		}
		printf("%s\n", f->authenticated ? ", authenticated" : "");
	} else {
		printf("  Client:     none (submitted locally)\n");
	}
	printf("  MAIL FROM:  <");
	cli_put_text(f->mail_from);
	printf(">\n");
	for (i = 0; i < f->n_from && i < FACTS_MAX_FROM; i++)
		put_field("  From:       ", f->from[i]);
	if (f->n_from == 0)
		printf("  From:       (none)\n");
	else if (f->n_from > FACTS_MAX_FROM)
		printf("  From:       ... %zu From headers in all\n",
		    f->n_from);
}

static void
print_verdicts(const struct logrec *r)
{
	const struct facts *f = &r->facts;
	const struct logrec_dmarc *m = &r->dmarc;
	size_t i;

	printf("\nSPF:   %s for ", ag_spf_name(f->spf));
	cli_put_text(f->spf_domain);
	printf("\n");
	if (f->n_dkim == 0)
		printf("DKIM:  none (no DKIM-Signature)\n");
	for (i = 0; i < f->n_dkim; i++) {
		printf("DKIM:  %s for d=", ag_dkim_name(f->dkim[i].result));
		cli_put_text(f->dkim[i].d);
		printf(" s=");
		cli_put_text(f->dkim[i].s);
		printf(" (");
		cli_put_text(f->dkim[i].a);
		printf(", %u bits)\n", f->dkim[i].bits);
	}
	if (r->has_dmarc) {
		printf("DMARC: %s", ag_dmarc_name(m->result));
		if (m->domain != NULL) {
			printf(" for ");
			cli_put_text(m->domain);
		}
		if (m->record != NULL) {
			printf(" (record ");
			cli_put_text(m->record);
			printf(", policy ");
			cli_put_text(m->policy);
			if (m->has_pct && m->pct < 100)
				printf(", pct=%u%s", m->pct,
				    m->sampled_out ? ", sampled out" : "");
			printf(", aligned: spf %s, dkim %s)",
			    yes_no(m->spf_aligned), yes_no(m->dkim_aligned));
		}
		if (m->arc_sealer != NULL) {
			printf(", a pass vouched for by ARC sealer ");
			cli_put_text(m->arc_sealer);
		}
		if (m->why != NULL) {
			printf(" (");
			cli_put_text(m->why);
			printf(")");
		}
		printf("\n");
	}
	printf("ARC:   %s\n", ag_arc_name(f->arc));
	for (i = 0; i < f->n_arc; i++) {
		printf("       i=%u sealed by ", f->arc_inst[i].i);
		cli_put_text(f->arc_inst[i].sealer[0] != '\0' ?
			f->arc_inst[i].sealer :
			"(no domain)");
		printf(", which recorded dmarc=%s\n",
		    ag_dmarc_name(f->arc_inst[i].dmarc));
	}
}

static void
print_decision(const struct logrec *r)
{
	size_t i;

	printf("\n");
	if (r->error != NULL)
		put_field("Error:    ", r->error);
	printf("Decision: %s (class ", ag_action_name(r->action));
	cli_put_text(r->cls);
	printf(", rule ");
	cli_put_text(r->rule);
	if (r->line != NULL) {
		printf(", ");
		cli_put_text(r->line);
	}
	printf(")\n");
	if (r->reason != NULL)
		put_field("Reason:   ", r->reason);
	if (r->monitor) {
		printf("Monitor mode: would %s (class ",
		    ag_action_name(r->would));
		cli_put_text(r->would_class);
		printf(", rule ");
		cli_put_text(r->would_rule);
		printf(")\n");
	}
	if (r->n_findings > 0)
		printf("\nFindings:\n");
	for (i = 0; i < r->n_findings; i++) {
		const struct logrec_finding *f = &r->findings[i];

		printf("  %-20s %-10s ", ag_class_name(f->cls),
		    ag_action_name(f->action));
		cli_put_text(f->rule);
		if (f->waived != NULL) {
			printf(", waived by ");
			cli_put_text(f->waived);
		}
		if (f->held)
			printf(", held at tempfail: DNS trouble hid a DMARC "
			       "pass");
		printf("\n");
	}
}

/* The advice, and whether the policy decides the same today. */
static void
print_now(const struct show *s, const struct logrec *r)
{
	char rule[DOMAIN_MAX_LEN + 80];
	struct advice adv;
	struct decision d;
	size_t i;

	decide(s->policy, &r->facts, &d);
	verdict_advice(s->policy, &r->facts, &d, &adv);
	if (adv.n > 0)
		printf("\nWhat the sender's postmaster can change:\n");
	for (i = 0; i < adv.n; i++)
		printf("  - %s\n", adv.text[i]);
	verdict_rule(&d, rule, sizeof(rule));
	printf("\n");
	if (d.action == r->action && r->cls != NULL
	    && strcmp(verdict_class_name(&d), r->cls) == 0 && r->rule != NULL
	    && strcmp(rule, r->rule) == 0) {
		printf("Under %s these facts get the same decision today.\n",
		    s->policy_name);
		return;
	}
	printf("Under %s these facts would now get: %s (class %s, rule ",
	    s->policy_name, ag_action_name(d.action), verdict_class_name(&d));
	cli_put_text(rule);
	printf(").\n");
}

static void
print_one(struct show *s, const struct logrec *r)
{
	if (s->found > 0)
		printf("\n----\n\n");
	print_message(r);
	if (r->has_facts)
		print_verdicts(r);
	print_decision(r);
	if (r->has_facts) {
		print_now(s, r);
	} else if (r->truncated) {
		printf("\nThis is the short form of a line too long to log "
		       "whole: it has no facts, so there is nothing more to "
		       "show.\n");
	} else {
		printf("\nThe message got no decision, so no facts were "
		       "logged.\n");
	}
}

/* A Message-ID or queue id as compared: blanks and one pair of <>
 * around it removed, in place. */
static char *
bare_id(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s[n - 1] = '\0';
		s++;
	}
	return s;
}

static bool
matches(const struct show *s, const struct logrec *r, struct arena *arena)
{
	char *mid;

	if (r->id != NULL && strcmp(r->id, s->id) == 0)
		return true;
	/* A queue id is never looked for among Message-IDs: a sender
	 * could give its message the queue id of another. */
	if (exim_valid_id(s->id) || r->message_id == NULL
	    || (mid = arena_strdup(arena, r->message_id)) == NULL)
		return false;
	return strcmp(bare_id(mid), s->id) == 0;
}

static void
show_line(void *ctx, const char *line, size_t len, unsigned long lineno)
{
	struct show *s = ctx;
	char err[300];

	if (line == NULL)
		return; /* too long to be a line of authgate's */
	if (s->prefilter != NULL
	    && memmem(line, len, s->prefilter, strlen(s->prefilter)) == NULL)
		return;
	arena_free(&s->arena);
	arena_init(&s->arena);
	if (logrec_read(s->rec, line, len, LOGREC_ALL, &s->arena, err,
		sizeof(err))
	    != 0) {
		/* Named only when it holds the id: most lines do not. */
		if (s->prefilter != NULL && ++s->skipped <= SHOW_SKIPPED)
			fprintf(stderr, "authgate: %s:%lu: skipped: %s\n",
			    s->path, lineno, err);
		return;
	}
	if (!matches(s, s->rec, &s->arena))
		return;
	print_one(s, s->rec);
	s->found++;
}

/* The id as a line holds it, when no byte of it is escaped in JSON;
 * else NULL (every line is then read). */
static const char *
as_logged(const char *id)
{
	const char *p;

	for (p = id; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f
		    || *p == '"' || *p == '\\')
			return NULL;
	return id;
}

int
cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_path = NULL;
	struct policy_diag diag;
	struct policy *p;
	struct show s;
	struct stat st;
	int c, i, rc = 0;

	while ((c = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy_path = optarg;
			break;
		case 'h':
			fputs(usage_show, stdout);
			return 0;
		default:
			fputs(usage_show, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind < 2) {
		fputs(usage_show, stderr);
		return CLI_EXIT_USAGE;
	}
	memset(&s, 0, sizeof(s));
	s.id = bare_id(argv[optind]);
	if (s.id[0] == '\0') {
		fputs(usage_show, stderr);
		return CLI_EXIT_USAGE;
	}
	if (policy_path == NULL && stat(POLICY_DEFAULT_PATH, &st) == 0)
		policy_path = POLICY_DEFAULT_PATH;
	p = policy_path != NULL ?
	    cli_load_policy(policy_path, &diag) :
	    policy_load_buffer("(defaults)", "", 0, &diag);
	if (p == NULL) {
		cli_print_diag(policy_path != NULL ? policy_path : "(defaults)",
		    &diag, true);
		return CLI_EXIT_USAGE;
	}
	s.policy = p;
	s.policy_name
	    = policy_path != NULL ? policy_path : "the built-in defaults";
	s.prefilter = as_logged(s.id);
	if ((s.rec = malloc(sizeof(*s.rec))) == NULL) {
		fprintf(stderr, "authgate: out of memory\n");
		policy_free(p);
		return CLI_EXIT_USAGE;
	}
	arena_init(&s.arena);
	for (i = optind + 1; i < argc && rc == 0; i++) {
		s.path = argv[i];
		if (cli_read_log(argv[i], show_line, &s) != 0)
			rc = CLI_EXIT_USAGE;
	}
	if (rc == 0 && s.found == 0) {
		fprintf(stderr, "authgate: no decision logged for %s%s\n", s.id,
		    s.skipped > 0 ? " (some lines holding it were skipped)" :
				    "");
		rc = CLI_EXIT_INVALID;
	}
	arena_free(&s.arena);
	free(s.rec);
	policy_free(p);
	return rc;
}
