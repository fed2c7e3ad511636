/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_replay.c: `authgate replay LOG... --policy NEW.ini [--json]`: every
 * logged message decided again under another policy, and what would
 * change: counts per action transition and per From domain and class,
 * with example message ids. Logs may be gzip-rotated (zlib reads plain
 * files too). Lines that are not authgate log lines are counted and the
 * first few named on standard error as FILE:LINE.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "log/logline.h"
#include "log/replay.h"
#include "policy/verdict.h"
#include "util/sbuf.h"
#include "util/tally.h"

#define SHOW_GROUPS  20 /* domain/class rows in the human report */
#define SHOW_SKIPPED 5	/* unreadable lines named on stderr */

static const char usage_replay[]
    = "usage: authgate replay --policy NEW.ini [--json] LOG...\n"
      "\n"
      "Decides every message of authgate's JSON logs again under NEW.ini\n"
      "and reports what would change: counts per action transition\n"
      "(reject->tag, accept->reject, ...), per From domain and class, with\n"
      "example message ids. LOG may be gzip-compressed (authgate.log.2.gz)\n"
      "or '-' for standard input.\n"
      "\n"
      "  -p, --policy FILE  the policy to try\n"
      "  -j, --json         print one JSON object\n"
      "\n"
      "Exit status: 0 report printed, 2 usage error, unreadable log or\n"
      "invalid policy.\n";

struct examples {
	size_t n;
	char id[TALLY_EXAMPLES][64];
};

struct replay_tally {
	unsigned long total, changed, skipped;
	unsigned long rfc7489_facts; /* decided by RFC 7489: v1 facts */
	unsigned long moves[AG_ACTION_COUNT][AG_ACTION_COUNT];
	struct examples move_ex[AG_ACTION_COUNT][AG_ACTION_COUNT];
	struct tally groups; /* domain NUL old NUL new NUL class */
};

static void
add_example(struct examples *ex, const char *id)
{
	if (ex->n < TALLY_EXAMPLES && id[0] != '\0')
		snprintf(ex->id[ex->n++], sizeof(ex->id[0]), "%s", id);
}

static void
count(struct replay_tally *t, const struct replay_entry *e)
{
	enum ag_action now = e->now.action;
	const char *dom
	    = e->now.from_domain[0] != '\0' ? e->now.from_domain : "(none)";
	const char *cls = verdict_class_name(&e->now);
	char key[DOMAIN_MAX_LEN + 64 + 64];
	int n;
	enum ag_action old = e->line.action;
	const char *id = e->line.id != NULL ? e->line.id : "";

	t->total++;
	if (e->now.dmarc.method_forced)
		t->rfc7489_facts++;
	if (now == old)
		return;
	t->changed++;
	t->moves[old][now]++;
	add_example(&t->move_ex[old][now], id);
	n = snprintf(key, sizeof(key), "%s%c%s%c%s%c%s", dom, '\0',
	    ag_action_name(old), '\0', ag_action_name(now), '\0', cls);
	if (n > 0 && (size_t)n < sizeof(key))
		tally_add(&t->groups, key, (size_t)n, id);
}

struct replay_file {
	const struct policy *policy;
	const char *path;
	struct replay_tally *t;
	struct replay_entry *e;
	struct arena arena;
};

static void
replay_one(void *ctx, const char *line, size_t len, unsigned long lineno)
{
	struct replay_file *rf = ctx;
	char err[300];

	if (line == NULL) {
		snprintf(err, sizeof(err), "line longer than %zu bytes",
		    LOGLINE_MAX);
	} else {
		arena_free(&rf->arena);
		arena_init(&rf->arena);
		if (replay_line(rf->policy, line, len, &rf->arena, rf->e, err,
			sizeof(err))
		    == 0) {
			count(rf->t, rf->e);
			return;
		}
	}
	if (++rf->t->skipped <= SHOW_SKIPPED)
		fprintf(stderr, "authgate: %s:%lu: skipped: %s\n", rf->path,
		    lineno, err);
}

static int
replay_file(const struct policy *p, const char *path, struct replay_tally *t)
{
	struct replay_file rf;
	int rc;

	rf.policy = p;
	rf.path = path;
	rf.t = t;
	if ((rf.e = malloc(sizeof(*rf.e))) == NULL) {
		fprintf(stderr, "authgate: out of memory\n");
		return -1;
	}
	arena_init(&rf.arena);
	rc = cli_read_log(path, replay_one, &rf);
	arena_free(&rf.arena);
	free(rf.e);
	return rc;
}

static void
key_parts(const char *key, const char *part[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		part[i] = key;
		key += strlen(key) + 1;
	}
}

static void
json_examples(struct sbuf *sb, char (*id)[64], size_t n)
{
	size_t i;

	sbuf_putc(sb, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			sbuf_putc(sb, ',');
		sbuf_json_str(sb, id[i]);
	}
	sbuf_putc(sb, ']');
}

static void
print_json(struct replay_tally *t, struct tally_row **groups)
{
	struct sbuf sb;
	int a, b;
	bool first = true;
	size_t i;

	sbuf_init(&sb, (size_t)256 << 20);
	sbuf_printf(&sb,
	    "{\"total\":%lu,\"changed\":%lu,\"skipped\":%lu,"
	    "\"rfc7489_facts\":%lu,\"transitions\":{",
	    t->total, t->changed, t->skipped, t->rfc7489_facts);
	for (a = 0; a < AG_ACTION_COUNT; a++)
		for (b = 0; b < AG_ACTION_COUNT; b++) {
			if (t->moves[a][b] == 0)
				continue;
			sbuf_printf(&sb, "%s\"%s->%s\":%lu", first ? "" : ",",
			    ag_action_name((enum ag_action)a),
			    ag_action_name((enum ag_action)b), t->moves[a][b]);
			first = false;
		}
	sbuf_puts(&sb, "},\"examples\":{");
	first = true;
	for (a = 0; a < AG_ACTION_COUNT; a++)
		for (b = 0; b < AG_ACTION_COUNT; b++) {
			if (t->moves[a][b] == 0)
				continue;
			sbuf_printf(&sb, "%s\"%s->%s\":", first ? "" : ",",
			    ag_action_name((enum ag_action)a),
			    ag_action_name((enum ag_action)b));
			json_examples(&sb, t->move_ex[a][b].id,
			    t->move_ex[a][b].n);
			first = false;
		}
	sbuf_puts(&sb, "},\"by_domain\":[");
	for (i = 0; groups != NULL && groups[i] != NULL; i++) {
		const char *part[4];

		key_parts(groups[i]->key, part);
		sbuf_puts(&sb, i > 0 ? ",{\"domain\":" : "{\"domain\":");
		sbuf_json_str(&sb, part[0]);
		sbuf_printf(&sb,
		    ",\"transition\":\"%s->%s\",\"class\":", part[1], part[2]);
		sbuf_json_str(&sb, part[3]);
		sbuf_printf(&sb,
		    ",\"count\":%lu,\"examples\":", groups[i]->count);
		json_examples(&sb, groups[i]->example, groups[i]->n_examples);
		sbuf_putc(&sb, '}');
	}
	sbuf_puts(&sb, "]}");
	if (sbuf_failed(&sb))
		fprintf(stderr, "authgate: report too large\n");
	else
		printf("%s\n", sbuf_cstr(&sb));
	sbuf_free(&sb);
}

static void
print_examples(char (*id)[64], size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%s%s", i == 0 ? "  e.g. " : ", ", id[i]);
	printf("\n");
}

static void
print_human(const char *policy, struct replay_tally *t,
    struct tally_row **groups)
{
	char move[40];
	int a, b;
	size_t i;

	printf("Replayed %lu message%s under %s: %lu would be handled "
	       "differently",
	    t->total, t->total == 1 ? "" : "s", policy, t->changed);
	if (t->skipped > 0)
		printf(" (%lu line%s skipped)", t->skipped,
		    t->skipped == 1 ? "" : "s");
	printf(".\n");
	if (t->rfc7489_facts > 0)
		printf(
		    "%lu line%s logged before RFC 9989 (log version 1) "
		    "hold%s no tree walk: decided by RFC 7489 (public suffix "
		    "list), as when logged.\n",
		    t->rfc7489_facts, t->rfc7489_facts == 1 ? "" : "s",
		    t->rfc7489_facts == 1 ? "s" : "");
	if (t->changed == 0)
		return;
	printf("\n%-22s %9s\n", "transition", "messages");
	for (a = 0; a < AG_ACTION_COUNT; a++)
		for (b = 0; b < AG_ACTION_COUNT; b++) {
			if (t->moves[a][b] == 0)
				continue;
			snprintf(move, sizeof(move), "%s -> %s",
			    ag_action_name((enum ag_action)a),
			    ag_action_name((enum ag_action)b));
			printf("%-22s %9lu", move, t->moves[a][b]);
			print_examples(t->move_ex[a][b].id, t->move_ex[a][b].n);
		}
	printf("\n%-30s %-22s %-22s %9s\n", "From domain", "transition",
	    "class now", "messages");
	for (i = 0; groups != NULL && groups[i] != NULL && i < SHOW_GROUPS;
	     i++) {
		const char *part[4];

		key_parts(groups[i]->key, part);
		snprintf(move, sizeof(move), "%s -> %s", part[1], part[2]);
		printf("%-30.60s %-22s %-22s %9lu\n", part[0], move, part[3],
		    groups[i]->count);
	}
	if (t->groups.n > SHOW_GROUPS)
		printf("... and %zu more rows (--json lists them all)\n",
		    t->groups.n - SHOW_GROUPS);
}

int
cmd_replay(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_path = NULL;
	struct policy_diag diag;
	struct policy *p;
	struct replay_tally *t;
	struct tally_row **groups;
	bool json = false;
	int c, i, rc = 0;

	while ((c = getopt_long(argc, argv, "p:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_replay, stdout);
			return 0;
		default:
			fputs(usage_replay, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (policy_path == NULL || optind >= argc) {
		fputs(usage_replay, stderr);
		return CLI_EXIT_USAGE;
	}
	p = cli_load_policy(policy_path, &diag);
	if (p == NULL) {
		cli_print_diag(policy_path, &diag, true);
		return CLI_EXIT_USAGE;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		policy_free(p);
		return CLI_EXIT_USAGE;
	}
	for (i = optind; i < argc && rc == 0; i++)
		if (replay_file(p, argv[i], t) != 0)
			rc = CLI_EXIT_USAGE;
	if (rc == 0) {
		groups = tally_sorted(&t->groups);
		if (json)
			print_json(t, groups);
		else
			print_human(policy_path, t, groups);
		free(groups);
	}
	if (t->groups.failed)
		fprintf(stderr,
		    "authgate: out of memory: per-domain rows are "
		    "incomplete\n");
	tally_free(&t->groups);
	free(t);
	policy_free(p);
	return rc;
}
