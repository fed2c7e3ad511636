/*
 * cmd_stats.c: `authgate stats LOG... [--since T] [--by K] [--follow]
 * [--json]`: the incident view of authgate's JSON logs: messages per
 * action and class, the From domains, sending addresses and DKIM
 * selectors behind what was not accepted, and messages per minute.
 * --follow keeps reading the plain files as they grow (reopening them
 * when logrotate moves them) and prints a fresh summary every few
 * seconds: the screen redrawn on a terminal, one JSON object per line
 * with --json.
 */
#define _XOPEN_SOURCE 700 /* strptime */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "log/logline.h"
#include "log/reader.h"
#include "policy/classes.h"
#include "util/sbuf.h"
#include "util/tally.h"

#define SHOW_ROWS	   10 /* rows per table in the human view */
#define SHOW_MINUTES	   10 /* minutes in the human view */
#define FOLLOW_POLL_MS	   500
#define FOLLOW_REFRESH_SEC 2
#define MAX_FILES	   64

static const char usage_stats[]
    = "usage: authgate stats [--since TIME] [--by KEY] [--follow] [--json] "
      "LOG...\n"
      "\n"
      "Summarizes authgate's JSON logs: messages per action and class, the\n"
      "From domains, client addresses and DKIM selectors (d=/s=) of the\n"
      "messages not accepted, and messages per minute. LOG may be\n"
      "gzip-compressed, or '-' for standard input.\n"
      "\n"
      "  -s, --since TIME  only lines from TIME on: 2026-11-23T14:00Z, or\n"
      "                    an age such as 90s, 30m, 6h, 2d\n"
      "  -b, --by KEY      one table only: action, class, domain, ip,\n"
      "                    selector or minute\n"
      "  -f, --follow      keep reading the (plain) files as they grow and\n"
      "                    print a fresh summary every 2 seconds; survives\n"
      "                    rotation\n"
      "  -j, --json        print JSON (with --follow, one object per line)\n"
      "\n"
      "Exit status: 0 summary printed, 2 usage error or unreadable log.\n";

enum table {
	T_ACTION,
	T_CLASS,
	T_DOMAIN,
	T_IP,
	T_SELECTOR,
	T_MINUTE,
	T_COUNT,
};

static const char *const table_names[T_COUNT] = {
	[T_ACTION] = "action",
	[T_CLASS] = "class",
	[T_DOMAIN] = "domain",
	[T_IP] = "ip",
	[T_SELECTOR] = "selector",
	[T_MINUTE] = "minute",
};

static const char *const table_titles[T_COUNT] = {
	[T_ACTION] = "Messages per action",
	[T_CLASS] = "Messages per class (what decided)",
	[T_DOMAIN] = "From domains of messages not accepted",
	[T_IP] = "Client addresses of messages not accepted",
	[T_SELECTOR] = "DKIM signatures that failed (d= / s=: result)",
	[T_MINUTE] = "Messages per minute",
};

struct stats {
	unsigned long total, skipped;
	char first[40], last[40];
	struct tally t[T_COUNT];
	struct logrec rec;  /* the line being counted */
	struct arena arena; /* its strings */
};

struct follow_file {
	const char *path;
	FILE *fp;
	ino_t ino;
	off_t offset;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* An RFC 3339 UTC time ("2026-11-23T14:00Z", seconds optional) or an age
 * ("30m") as seconds since the epoch; -1 when neither. */
static time_t
parse_since(const char *s)
{
	struct tm tm;
	char *end;
	unsigned long n;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M", &tm);
	if (end != NULL) {
		if (*end == ':') {
			end = strptime(end, ":%S", &tm);
			if (end == NULL)
				return -1;
		}
		if (strcmp(end, "Z") != 0 && *end != '\0')
			return -1;
		return timegm(&tm);
	}
	n = strtoul(s, &end, 10);
	if (end == s || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 's':
		break;
	case 'm':
		n *= 60;
		break;
	case 'h':
		n *= 3600;
		break;
	case 'd':
		n *= 86400;
		break;
	default:
		return -1;
	}
	return time(NULL) - (time_t)n;
}

/* Counts one log line; lines before since are left out, lines that
 * are not authgate's (or have no time) counted as skipped. */
static void
count_line(struct stats *st, const char *line, size_t len, time_t since)
{
	const struct logrec *rec = &st->rec;
	const struct facts_dkim *sig;
	const char *ts, *action, *id;
	char key[600], err[8];
	size_t i;
	int n;

	arena_free(&st->arena);
	arena_init(&st->arena);
	if (logrec_read(&st->rec, line, len, LOGREC_ALL, &st->arena, err,
		sizeof(err))
		!= 0
	    || rec->ts == NULL) {
		st->skipped++;
		return;
	}
	ts = rec->ts;
	if (since >= 0 && cli_log_time(ts) < since)
		return;
	st->total++;
	if (st->first[0] == '\0' || strcmp(ts, st->first) < 0)
		snprintf(st->first, sizeof(st->first), "%s", ts);
	if (strcmp(ts, st->last) > 0)
		snprintf(st->last, sizeof(st->last), "%s", ts);
	id = rec->id;
	action = ag_action_name(rec->action);
	tally_add(&st->t[T_ACTION], action, strlen(action), id);
	if (rec->cls != NULL)
		tally_add(&st->t[T_CLASS], rec->cls, strlen(rec->cls), id);
	tally_add(&st->t[T_MINUTE], ts, strlen(ts) < 16 ? strlen(ts) : 16,
	    NULL);
	if (rec->action != AG_ACCEPT) {
		if (rec->dmarc.domain != NULL)
			tally_add(&st->t[T_DOMAIN], rec->dmarc.domain,
			    strlen(rec->dmarc.domain), id);
		if (rec->facts.client_ip != NULL)
			tally_add(&st->t[T_IP], rec->facts.client_ip,
			    strlen(rec->facts.client_ip), id);
	}
	for (i = 0; i < rec->facts.n_dkim; i++) {
		sig = &rec->facts.dkim[i];
		if (sig->result == AG_DKIMR_PASS)
			continue;
		n = snprintf(key, sizeof(key), "%.250s / %.250s: %s", sig->d,
		    sig->s != NULL ? sig->s : "?", ag_dkim_name(sig->result));
		if (n > 0 && (size_t)n < sizeof(key))
			tally_add(&st->t[T_SELECTOR], key, (size_t)n, id);
	}
}

struct stats_read {
	struct stats *st;
	time_t since;
};

static void
stats_one(void *ctx, const char *line, size_t len, unsigned long lineno)
{
	struct stats_read *sr = ctx;

	(void)lineno;
	if (line == NULL)
		sr->st->skipped++;
	else
		count_line(sr->st, line, len, sr->since);
}

static void
print_table_human(const struct stats *st, enum table k, bool all_rows)
{
	struct tally_row **rows = tally_sorted(&st->t[k]);
	size_t i, n, start = 0;

	if (rows == NULL)
		return;
	for (n = 0; rows[n] != NULL; n++)
		;
	printf("\n%s\n", table_titles[k]);
	if (n == 0)
		printf("  (none)\n");
	if (k == T_MINUTE) {
		size_t a, b;

		/* the latest minutes, in time order */
		for (a = 1; a < n; a++) /* insertion sort by key */
			for (b = a; b > 0
			     && strcmp(rows[b - 1]->key, rows[b]->key) > 0;
			     b--) {
				struct tally_row *tmp = rows[b];

				rows[b] = rows[b - 1];
				rows[b - 1] = tmp;
			}
		if (!all_rows && n > SHOW_MINUTES)
			start = n - SHOW_MINUTES;
	}
	for (i = start; i < n && (all_rows || k == T_MINUTE || i < SHOW_ROWS);
	     i++)
		printf("  %-50.200s %9lu %5.1f%%\n", rows[i]->key,
		    rows[i]->count,
		    st->total ?
			100.0 * (double)rows[i]->count / (double)st->total :
			0.0);
	if (!all_rows && k != T_MINUTE && n > SHOW_ROWS)
		printf("  ... %zu more (--by %s lists them all)\n",
		    n - SHOW_ROWS, table_names[k]);
	free(rows);
}

static void
print_human(const struct stats *st, int only)
{
	int k;

	printf("authgate stats: %lu message%s", st->total,
	    st->total == 1 ? "" : "s");
	if (st->total > 0)
		printf(", %s .. %s", st->first, st->last);
	if (st->skipped > 0)
		printf(" (%lu line%s not authgate's)", st->skipped,
		    st->skipped == 1 ? "" : "s");
	printf("\n");
	for (k = 0; k < T_COUNT; k++)
		if (only < 0 || only == k)
			print_table_human(st, (enum table)k, only == k);
}

static void
json_table(struct sbuf *sb, const struct stats *st, enum table k)
{
	struct tally_row **rows = tally_sorted(&st->t[k]);
	size_t i, j;

	sbuf_puts(sb, "[");
	for (i = 0; rows != NULL && rows[i] != NULL; i++) {
		sbuf_puts(sb, i > 0 ? ",{\"key\":" : "{\"key\":");
		sbuf_json_strn(sb, rows[i]->key, rows[i]->klen);
		sbuf_printf(sb, ",\"count\":%lu,\"examples\":[",
		    rows[i]->count);
		for (j = 0; j < rows[i]->n_examples; j++) {
			if (j > 0)
				sbuf_putc(sb, ',');
			sbuf_json_str(sb, rows[i]->example[j]);
		}
		sbuf_puts(sb, "]}");
	}
	sbuf_puts(sb, "]");
	free(rows);
}

static void
print_json(const struct stats *st, int only)
{
	struct sbuf sb;
	int k;

	sbuf_init(&sb, (size_t)256 << 20);
	sbuf_printf(&sb, "{\"total\":%lu,\"skipped\":%lu,\"first\":", st->total,
	    st->skipped);
	sbuf_json_str(&sb, st->first[0] != '\0' ? st->first : NULL);
	sbuf_puts(&sb, ",\"last\":");
	sbuf_json_str(&sb, st->last[0] != '\0' ? st->last : NULL);
	for (k = 0; k < T_COUNT; k++) {
		if (only >= 0 && only != k)
			continue;
		sbuf_printf(&sb, ",\"by_%s\":", table_names[k]);
		json_table(&sb, st, (enum table)k);
	}
	sbuf_puts(&sb, "}");
	printf("%s\n",
	    sbuf_failed(&sb) ? "{\"error\":\"report too large\"}" :
			       sbuf_cstr(&sb));
	fflush(stdout);
	sbuf_free(&sb);
}

/* Reads what was appended to a followed file since the last call;
 * reopens it when rotation replaced or truncated it. A partial last line
 * waits for its end. */
static void
follow_read(struct stats *st, struct follow_file *f, time_t since)
{
	struct stat sb;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (stat(f->path, &sb) == 0
	    && (f->fp == NULL || sb.st_ino != f->ino
		|| sb.st_size < f->offset)) {
		if (f->fp != NULL) {
			/* Finish the old file first: the writer may have
			 * added to it before the move. */
			while ((n = getline(&line, &cap, f->fp)) > 0)
				if (line[n - 1] == '\n')
					count_line(st, line, (size_t)n - 1,
					    since);
			fclose(f->fp);
		}
		f->fp = fopen(f->path, "r");
		f->ino = sb.st_ino;
		f->offset = 0;
	}
	if (f->fp == NULL) {
		free(line);
		return;
	}
	for (;;) {
		n = getline(&line, &cap, f->fp);
		if (n <= 0)
			break;
		if (line[n - 1] != '\n') { /* partial: read it again later */
			(void)fseeko(f->fp, f->offset, SEEK_SET);
			break;
		}
		f->offset += n;
		count_line(st, line, (size_t)n - 1, since);
	}
	clearerr(f->fp);
	free(line);
}

static void
refresh(const struct stats *st, int only, bool json, bool tty)
{
	if (json) {
		print_json(st, only);
		return;
	}
	if (tty)
		printf("\033[H\033[2J");
	else
		printf("\n");
	print_human(st, only);
	fflush(stdout);
}

static int
follow(struct stats *st, char **paths, int n, time_t since, int only, bool json)
{
	struct follow_file files[MAX_FILES];
	struct timespec nap = { 0, FOLLOW_POLL_MS * 1000000L };
	time_t last = 0;
	bool tty = isatty(1);
	int i;

	if (n > MAX_FILES) {
		fprintf(stderr, "authgate: --follow takes at most %d files\n",
		    MAX_FILES);
		return CLI_EXIT_USAGE;
	}
	memset(files, 0, sizeof(files));
	for (i = 0; i < n; i++) {
		files[i].path = paths[i];
		if (strcmp(paths[i], "-") == 0
		    || (strlen(paths[i]) > 3
			&& strcmp(paths[i] + strlen(paths[i]) - 3, ".gz")
			    == 0)) {
			fprintf(stderr,
			    "authgate: --follow reads plain files only: %s\n",
			    paths[i]);
			return CLI_EXIT_USAGE;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop) {
		for (i = 0; i < n; i++)
			follow_read(st, &files[i], since);
		if (time(NULL) - last >= FOLLOW_REFRESH_SEC) {
			refresh(st, only, json, tty);
			last = time(NULL);
		}
		nanosleep(&nap, NULL);
	}
	for (i = 0; i < n; i++)
		if (files[i].fp != NULL)
			fclose(files[i].fp);
	return 0;
}

int
cmd_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, 'b' },
		{ "follow", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stats *st;
	time_t since = -1;
	bool json = false, follow_mode = false;
	int c, i, k, only = -1, rc = 0;

	while ((c = getopt_long(argc, argv, "s:b:fjh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if ((since = parse_since(optarg)) < 0) {
				fprintf(stderr,
				    "authgate: --since %s: not a time "
				    "(2026-11-23T14:00Z) or an age (30m)\n",
				    optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case 'b':
			for (k = 0; k < T_COUNT; k++)
				if (strcmp(optarg, table_names[k]) == 0)
					only = k;
			if (only < 0) {
				fprintf(stderr,
				    "authgate: --by %s: not one of action, "
				    "class, domain, ip, selector, minute\n",
				    optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case 'f':
			follow_mode = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_stats, stdout);
			return 0;
		default:
			fputs(usage_stats, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage_stats, stderr);
		return CLI_EXIT_USAGE;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return CLI_EXIT_USAGE;
	arena_init(&st->arena);
	if (follow_mode) {
		rc = follow(st, argv + optind, argc - optind, since, only,
		    json);
	} else {
		struct stats_read sr = { st, since };

		for (i = optind; i < argc && rc == 0; i++)
			if (cli_read_log(argv[i], stats_one, &sr) != 0)
				rc = CLI_EXIT_USAGE;
		if (rc == 0) {
			if (json)
				print_json(st, only);
			else
				print_human(st, only);
		}
	}
	for (k = 0; k < T_COUNT; k++)
		tally_free(&st->t[k]);
	arena_free(&st->arena);
	free(st);
	return rc;
}
