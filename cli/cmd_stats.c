/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_stats.c: `authgate stats LOG... [--since T] [--until T] [--domain D]
 * [--class C] [--by K] [--follow] [--json]`: the incident and rollout
 * view of authgate's JSON logs: messages per action and class, the From
 * domains, sending addresses and DKIM selectors behind what was not
 * accepted, and messages per minute (or hour). A line written in monitor
 * mode counts twice over: what was done (accept) and what enforcing would
 * have done ("would"), shown side by side. --follow keeps reading the
 * plain files as they grow (reopening them when logrotate moves them) and
 * prints a fresh summary every few seconds: the screen redrawn on a
 * terminal, one JSON object per line with --json, every count a running
 * total since the command started, so that a scraper can take its rate.
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
#include "mail/domcanon.h"
#include "policy/classes.h"
#include "util/domain.h"
#include "util/duration.h"
#include "util/sbuf.h"
#include "util/tally.h"

#define SHOW_ROWS	   10 /* rows per table in the human view */
#define SHOW_MINUTES	   10 /* minutes in the human view */
#define FOLLOW_POLL_MS	   500
#define FOLLOW_REFRESH_SEC 2
#define MAX_FILES	   64
#define MAX_FILTERS	   16  /* --domain or --class options */
#define STATS_CELL	   201 /* bytes of a table key shown, and its NUL */

static const char usage_stats[]
    = "usage: authgate stats [--since TIME] [--until TIME] [--domain D]...\n"
      "                      [--class C]... [--by KEY]... [--follow] "
      "[--json] LOG...\n"
      "\n"
      "Summarizes authgate's JSON logs: messages per action and class, the\n"
      "From domains, client addresses and DKIM selectors (d=/s=) of the\n"
      "messages not accepted, and messages per minute. LOG may be\n"
      "gzip-compressed, or '-' for standard input. Lines written in monitor\n"
      "mode are counted as done (accept) and, beside it, as what enforcing\n"
      "would have done (\"would\").\n"
      "\n"
      "  -s, --since TIME  only lines from TIME on: 2026-11-23T14:00Z, or\n"
      "                    an age such as 90s, 30m, 6h, 2d, 1h30m\n"
      "  -u, --until TIME  only lines before TIME (same forms)\n"
      "  -d, --domain D    only messages whose From domain is D or under "
      "it\n"
      "  -c, --class C     only messages of class C (done or would), or of\n"
      "                    a family: spf, dkim, dmarc, arc, from\n"
      "  -b, --by KEY      these tables only: action, class, domain, ip,\n"
      "                    selector, minute or hour\n"
      "  -f, --follow      keep reading the (plain) files as they grow and\n"
      "                    print a fresh summary every 2 seconds; survives\n"
      "                    rotation; counts are totals since the start\n"
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
	T_HOUR,
	T_COUNT,
};

static const char *const table_names[T_COUNT] = {
	[T_ACTION] = "action",
	[T_CLASS] = "class",
	[T_DOMAIN] = "domain",
	[T_IP] = "ip",
	[T_SELECTOR] = "selector",
	[T_MINUTE] = "minute",
	[T_HOUR] = "hour",
};

static const char *const table_titles[T_COUNT] = {
	[T_ACTION] = "Messages per action",
	[T_CLASS] = "Messages per class (what decided)",
	[T_DOMAIN] = "From domains of messages not accepted",
	[T_IP] = "Client addresses of messages not accepted",
	[T_SELECTOR] = "DKIM signatures that failed (d= / s=: result)",
	[T_MINUTE] = "Messages per minute",
	[T_HOUR] = "Messages per hour",
};

/* The tables shown without --by: all but the hours. */
#define TABLES_DEFAULT (((1u << T_COUNT) - 1) & ~(1u << T_HOUR))
/* A bit beside the tables: chosen with --by, so listed whole. */
#define TABLES_CHOSEN (1u << T_COUNT)
/* The tables that count what monitor mode would have done too. */
#define TABLES_WOULD \
	((1u << T_ACTION) | (1u << T_CLASS) | (1u << T_DOMAIN) | (1u << T_IP))

/* Which lines count. */
struct filter {
	time_t since, until; /* -1: no bound */
	size_t n_domains, n_classes;
	char domains[MAX_FILTERS][DOMAIN_MAX_LEN + 1]; /* canonical */
	const char *classes[MAX_FILTERS]; /* a class, "none" or a family */
};

struct stats {
	unsigned long total, skipped;
	unsigned long monitor; /* lines written in monitor mode */
	char first[40], last[40];
	struct tally t[T_COUNT]; /* what was done */
	/* Where enforcing would have differed (monitor lines only,
	 * TABLES_WOULD only): would = t + plus - minus, per key. */
	struct tally plus[T_COUNT], minus[T_COUNT];
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
 * ("30m", "1h30m") as seconds since the epoch; -1 when neither. */
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
	if (duration_parse(s, &n) != 0)
		return -1;
	return time(NULL) - (time_t)n;
}

/* Tells whether a class name matches a --class value: the class itself,
 * or any class of the family named. */
static bool
class_matches(const char *cls, const char *want)
{
	size_t n = strlen(want);

	if (cls == NULL)
		return false;
	if (strcmp(cls, want) == 0)
		return true;
	return strchr(want, '.') == NULL && strncmp(cls, want, n) == 0
	    && cls[n] == '.';
}

/* Tells whether a line passes the --domain and --class filters. */
static bool
line_matches(const struct filter *flt, const struct logrec *rec)
{
	size_t i;

	if (flt->n_domains > 0) {
		for (i = 0; i < flt->n_domains; i++)
			if (rec->dmarc.domain != NULL
			    && domain_within(rec->dmarc.domain,
				flt->domains[i]))
				break;
		if (i == flt->n_domains)
			return false;
	}
	if (flt->n_classes > 0) {
		for (i = 0; i < flt->n_classes; i++)
			if (class_matches(rec->cls, flt->classes[i])
			    || (rec->monitor
				&& class_matches(rec->would_class,
				    flt->classes[i])))
				break;
		if (i == flt->n_classes)
			return false;
	}
	return true;
}

/* Counts key in table k as done (NULL: not counted). */
static void
count_key(struct stats *st, enum table k, const char *key, const char *id)
{
	if (key != NULL)
		tally_add(&st->t[k], key, strlen(key), id);
}

/* Records where a monitor line's would-be key in table k differs from
 * its done one (either NULL: not counted); the same key costs nothing. */
static void
count_would(struct stats *st, enum table k, const char *done, const char *would,
    const char *id)
{
	if (done != NULL && would != NULL && strcmp(done, would) == 0)
		return;
	if (done != NULL)
		tally_add(&st->minus[k], done, strlen(done), id);
	if (would != NULL)
		tally_add(&st->plus[k], would, strlen(would), id);
}

/* Counts one log line; lines outside --since/--until or the filters are
 * left out, lines that are not authgate's (or have no time) counted as
 * skipped. A monitor-mode line also records where its would-be action
 * and class differ from what was done; any other line would have been
 * the same. */
static void
count_line(struct stats *st, const char *line, size_t len,
    const struct filter *flt)
{
	const struct logrec *rec = &st->rec;
	const struct facts_dkim *sig;
	const char *ts, *id, *dom, *ip;
	enum ag_action would;
	char key[600], err[8];
	size_t i;
	time_t t;
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
	/* the time is parsed only when a bound needs it */
	t = flt->since >= 0 || flt->until >= 0 ? cli_log_time(ts) : 0;
	if ((flt->since >= 0 && t < flt->since)
	    || (flt->until >= 0 && (t < 0 || t >= flt->until))
	    || !line_matches(flt, rec))
		return;
	st->total++;
	if (st->first[0] == '\0' || strcmp(ts, st->first) < 0)
		snprintf(st->first, sizeof(st->first), "%s", ts);
	if (strcmp(ts, st->last) > 0)
		snprintf(st->last, sizeof(st->last), "%s", ts);
	id = rec->id;
	dom = rec->dmarc.domain;
	ip = rec->facts.client_ip;
	count_key(st, T_ACTION, ag_action_name(rec->action), id);
	count_key(st, T_CLASS, rec->cls, id);
	tally_add(&st->t[T_MINUTE], ts, strlen(ts) < 16 ? strlen(ts) : 16,
	    NULL);
	if (rec->action != AG_ACCEPT) {
		count_key(st, T_DOMAIN, dom, id);
		count_key(st, T_IP, ip, id);
	}
	if (rec->monitor) {
		st->monitor++;
		would = rec->would;
		count_would(st, T_ACTION, ag_action_name(rec->action),
		    ag_action_name(would), id);
		count_would(st, T_CLASS, rec->cls,
		    rec->would_class != NULL ? rec->would_class : rec->cls, id);
		count_would(st, T_DOMAIN, rec->action != AG_ACCEPT ? dom : NULL,
		    would != AG_ACCEPT ? dom : NULL, id);
		count_would(st, T_IP, rec->action != AG_ACCEPT ? ip : NULL,
		    would != AG_ACCEPT ? ip : NULL, id);
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
	const struct filter *flt;
};

static void
stats_one(void *ctx, const char *line, size_t len, unsigned long lineno)
{
	struct stats_read *sr = ctx;

	(void)lineno;
	if (line == NULL)
		sr->st->skipped++;
	else
		count_line(sr->st, line, len, sr->flt);
}

/* One row of a table with a would column: a key, what was done and what
 * enforcing would have done, and the row of either that gives examples. */
struct pair {
	const struct tally_row *row; /* done's, else would's */
	unsigned long done, would;
};

static int
by_key(const void *a, const void *b)
{
	const struct tally_row *x = *(const struct tally_row *const *)a;
	const struct tally_row *y = *(const struct tally_row *const *)b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static int
by_would(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->would != y->would)
		return x->would < y->would ? 1 : -1;
	if (x->done != y->done)
		return x->done < y->done ? 1 : -1;
	return by_key(&x->row, &y->row);
}

/* The rows of tally t sorted by key; *n of them. NULL when out of
 * memory. */
static struct tally_row **
rows_by_key(const struct tally *t, size_t *n)
{
	struct tally_row **rows = tally_sorted(t);

	*n = 0;
	if (rows == NULL)
		return NULL;
	while (rows[*n] != NULL)
		(*n)++;
	qsort(rows, *n, sizeof(*rows), by_key);
	return rows;
}

/* The keys of table k with what was done and what would have been (done
 * plus where monitor lines would have differed), most would-be first
 * (then most done, then by key); *n rows. NULL when out of memory. */
static struct pair *
pairs_sorted(const struct stats *st, enum table k, size_t *n)
{
	struct tally_row **d, **p, **m;
	struct pair *out = NULL;
	size_t nd, np, nm, i = 0, j = 0, l = 0;

	*n = 0;
	d = rows_by_key(&st->t[k], &nd);
	p = rows_by_key(&st->plus[k], &np);
	m = rows_by_key(&st->minus[k], &nm);
	if (d == NULL || p == NULL || m == NULL)
		goto done;
	if ((out = calloc(nd + np + 1, sizeof(*out))) == NULL)
		goto done;
	/* every minus key is a done key: merge done and plus, then take
	 * the minus of each key */
	while (i < nd || j < np) {
		int c = i == nd ? 1 : j == np ? -1 : by_key(&d[i], &p[j]);
		struct pair *pr = &out[(*n)++];

		if (c <= 0) {
			pr->row = d[i];
			pr->done = pr->would = d[i++]->count;
		}
		if (c >= 0) {
			if (pr->row == NULL || pr->row->n_examples == 0)
				pr->row = p[j];
			pr->would += p[j++]->count;
		}
		while (l < nm && by_key(&m[l], &pr->row) < 0)
			l++;
		if (l < nm && by_key(&m[l], &pr->row) == 0)
			pr->would -= m[l++]->count;
	}
	qsort(out, *n, sizeof(*out), by_would);
done:
	free(d);
	free(p);
	free(m);
	return out;
}

/* The per-hour rows, summed from the per-minute ones, in time order,
 * NULL-terminated (one block: free() it); *n rows. NULL when out of
 * memory. */
static struct tally_row **
hour_rows(const struct stats *st, size_t *n)
{
	struct tally_row **mins, **out = NULL, *rows;
	size_t nm, i, h = 0;

	*n = 0;
	if ((mins = rows_by_key(&st->t[T_MINUTE], &nm)) == NULL)
		return NULL;
	out = calloc(1, (nm + 1) * (sizeof(*out) + sizeof(**out)));
	if (out == NULL)
		goto done;
	rows = (struct tally_row *)(out + nm + 1);
	for (i = 0; i < nm; i++) {
		size_t klen = mins[i]->klen < 13 ? mins[i]->klen : 13;

		if (h == 0 || rows[h - 1].klen != klen
		    || memcmp(rows[h - 1].key, mins[i]->key, klen) != 0) {
			rows[h].key = mins[i]->key;
			rows[h].klen = klen;
			out[h] = &rows[h];
			h++;
		}
		rows[h - 1].count += mins[i]->count;
	}
	*n = h;
done:
	free(mins);
	return out;
}

static double
percent(const struct stats *st, unsigned long count)
{
	return st->total ? 100.0 * (double)count / (double)st->total : 0.0;
}

/* A table with its would column (monitor lines were counted). */
static void
print_pairs_human(const struct stats *st, enum table k, bool all_rows)
{
	struct pair *rows;
	char cell[STATS_CELL];
	size_t i, n;

	if ((rows = pairs_sorted(st, k, &n)) == NULL)
		return;
	printf("\n%-52s %16s %16s\n", table_titles[k], "done", "would");
	if (n == 0)
		printf("  (none)\n");
	for (i = 0; i < n && (all_rows || i < SHOW_ROWS); i++)
		printf("  %-50s %9lu %5.1f%% %9lu %5.1f%%\n",
		    cli_safe_text(cell, sizeof(cell), rows[i].row->key,
			rows[i].row->klen),
		    rows[i].done, percent(st, rows[i].done), rows[i].would,
		    percent(st, rows[i].would));
	if (!all_rows && n > SHOW_ROWS)
		printf("  ... %zu more (--by %s lists them all)\n",
		    n - SHOW_ROWS, table_names[k]);
	free(rows);
}

static void
print_table_human(const struct stats *st, enum table k, bool all_rows)
{
	struct tally_row **rows;
	char cell[STATS_CELL];
	size_t i, n, start = 0;
	bool by_time = k == T_MINUTE || k == T_HOUR;

	if (st->monitor > 0 && (TABLES_WOULD & (1u << k)) != 0) {
		print_pairs_human(st, k, all_rows);
		return;
	}
	rows = k == T_HOUR ? hour_rows(st, &n) : tally_sorted(&st->t[k]);
	if (rows == NULL)
		return;
	for (n = 0; rows[n] != NULL; n++)
		;
	printf("\n%s\n", table_titles[k]);
	if (n == 0)
		printf("  (none)\n");
	if (by_time) {
		/* the latest minutes (or hours), in time order */
		qsort(rows, n, sizeof(*rows), by_key);
		if (!all_rows && n > SHOW_MINUTES)
			start = n - SHOW_MINUTES;
	}
	for (i = start; i < n && (all_rows || by_time || i < SHOW_ROWS); i++)
		printf("  %-50s %9lu %5.1f%%\n",
		    cli_safe_text(cell, sizeof(cell), rows[i]->key,
			rows[i]->klen),
		    rows[i]->count, percent(st, rows[i]->count));
	if (!all_rows && !by_time && n > SHOW_ROWS)
		printf("  ... %zu more (--by %s lists them all)\n",
		    n - SHOW_ROWS, table_names[k]);
	free(rows);
}

static void
print_human(const struct stats *st, unsigned tables)
{
	char a[sizeof(st->first)], b[sizeof(st->last)];
	int k;

	printf("authgate stats: %lu message%s", st->total,
	    st->total == 1 ? "" : "s");
	if (st->total > 0)
		printf(", %s .. %s",
		    cli_safe_text(a, sizeof(a), st->first, strlen(st->first)),
		    cli_safe_text(b, sizeof(b), st->last, strlen(st->last)));
	if (st->monitor > 0)
		printf(", %lu in monitor mode", st->monitor);
	if (st->skipped > 0)
		printf(" (%lu line%s not authgate's)", st->skipped,
		    st->skipped == 1 ? "" : "s");
	printf("\n");
	if (st->monitor > 0)
		printf("(done: what was done; would: what enforcing would have "
		       "done)\n");
	for (k = 0; k < T_COUNT; k++)
		if ((tables & (1u << k)) != 0)
			print_table_human(st, (enum table)k,
			    (tables & TABLES_CHOSEN) != 0);
}

static void
json_examples(struct sbuf *sb, const struct tally_row *row)
{
	size_t j;

	sbuf_puts(sb, ",\"examples\":[");
	for (j = 0; j < row->n_examples; j++) {
		if (j > 0)
			sbuf_putc(sb, ',');
		sbuf_json_str(sb, row->example[j]);
	}
	sbuf_puts(sb, "]}");
}

static void
json_table(struct sbuf *sb, const struct stats *st, enum table k)
{
	struct tally_row **rows;
	struct pair *pairs;
	size_t i, n;

	sbuf_puts(sb, "[");
	if (st->monitor > 0 && (TABLES_WOULD & (1u << k)) != 0) {
		pairs = pairs_sorted(st, k, &n);
		for (i = 0; pairs != NULL && i < n; i++) {
			sbuf_puts(sb, i > 0 ? ",{\"key\":" : "{\"key\":");
			sbuf_json_strn(sb, pairs[i].row->key,
			    pairs[i].row->klen);
			sbuf_printf(sb, ",\"count\":%lu,\"would\":%lu",
			    pairs[i].done, pairs[i].would);
			json_examples(sb, pairs[i].row);
		}
		free(pairs);
		sbuf_puts(sb, "]");
		return;
	}
	rows = k == T_HOUR ? hour_rows(st, &n) : tally_sorted(&st->t[k]);
	for (i = 0; rows != NULL && rows[i] != NULL; i++) {
		sbuf_puts(sb, i > 0 ? ",{\"key\":" : "{\"key\":");
		sbuf_json_strn(sb, rows[i]->key, rows[i]->klen);
		sbuf_printf(sb, ",\"count\":%lu", rows[i]->count);
		json_examples(sb, rows[i]);
	}
	sbuf_puts(sb, "]");
	free(rows);
}

static void
print_json(const struct stats *st, unsigned tables)
{
	struct sbuf sb;
	int k;

	sbuf_init(&sb, (size_t)256 << 20);
	sbuf_printf(&sb, "{\"total\":%lu,\"skipped\":%lu,\"first\":", st->total,
	    st->skipped);
	sbuf_json_str(&sb, st->first[0] != '\0' ? st->first : NULL);
	sbuf_puts(&sb, ",\"last\":");
	sbuf_json_str(&sb, st->last[0] != '\0' ? st->last : NULL);
	if (st->monitor > 0)
		sbuf_printf(&sb, ",\"monitor\":%lu", st->monitor);
	for (k = 0; k < T_COUNT; k++) {
		if ((tables & (1u << k)) == 0)
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
follow_read(struct stats *st, struct follow_file *f, const struct filter *flt)
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
					    flt);
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
		count_line(st, line, (size_t)n - 1, flt);
	}
	clearerr(f->fp);
	free(line);
}

static void
refresh(const struct stats *st, unsigned tables, bool json, bool tty)
{
	if (json) {
		print_json(st, tables);
		return;
	}
	if (tty)
		printf("\033[H\033[2J");
	else
		printf("\n");
	print_human(st, tables);
	fflush(stdout);
}

static int
follow(struct stats *st, char **paths, int n, const struct filter *flt,
    unsigned tables, bool json)
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
			follow_read(st, &files[i], flt);
		if (time(NULL) - last >= FOLLOW_REFRESH_SEC) {
			refresh(st, tables, json, tty);
			last = time(NULL);
		}
		nanosleep(&nap, NULL);
	}
	for (i = 0; i < n; i++)
		if (files[i].fp != NULL)
			fclose(files[i].fp);
	return 0;
}

/* Adds a --domain value to the filter; -1 after naming the problem. */
static int
add_domain(struct filter *flt, const char *arg)
{
	char err[200];

	if (flt->n_domains >= MAX_FILTERS) {
		fprintf(stderr, "authgate: --domain: at most %d\n",
		    MAX_FILTERS);
		return -1;
	}
	if (domcanon_strict(arg, strlen(arg), flt->domains[flt->n_domains], err,
		sizeof(err))
	    != 0) {
		fprintf(stderr, "authgate: --domain %s: %s\n", arg, err);
		return -1;
	}
	flt->n_domains++;
	return 0;
}

/* Adds a --class value (a class, "none" or a family); -1 after naming
 * the problem. */
static int
add_class(struct filter *flt, const char *arg)
{
	enum ag_class cls;
	enum ag_family fam;

	if (flt->n_classes >= MAX_FILTERS) {
		fprintf(stderr, "authgate: --class: at most %d\n", MAX_FILTERS);
		return -1;
	}
	if (ag_class_parse(arg, &cls) != 0 && ag_family_parse(arg, &fam) != 0
	    && strcmp(arg, "none") != 0) {
		fprintf(stderr,
		    "authgate: --class %s: not a class (dmarc.reject, ...), "
		    "none, or a family (spf, dkim, dmarc, arc, from)\n",
		    arg);
		return -1;
	}
	flt->classes[flt->n_classes++] = arg;
	return 0;
}

/* The seconds of a --since or --until value; -1 after naming the
 * problem. */
static time_t
time_arg(const char *opt, const char *arg)
{
	time_t t = parse_since(arg);

	if (t < 0)
		fprintf(stderr,
		    "authgate: --%s %s: not a time (2026-11-23T14:00Z) or an "
		    "age (30m)\n",
		    opt, arg);
	return t;
}

int
cmd_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "domain", required_argument, NULL, 'd' },
		{ "class", required_argument, NULL, 'c' },
		{ "by", required_argument, NULL, 'b' },
		{ "follow", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct stats *st;
	struct filter *flt;
	bool json = false, follow_mode = false;
	unsigned tables = 0;
	int c, i, k, rc = 0;

	if ((flt = calloc(1, sizeof(*flt))) == NULL)
		return CLI_EXIT_USAGE;
	flt->since = flt->until = -1;
	while ((c = getopt_long(argc, argv, "s:u:d:c:b:fjh", longopts, NULL))
	    != -1) {
		switch (c) {
		case 's':
			if ((flt->since = time_arg("since", optarg)) < 0)
				goto usage;
			break;
		case 'u':
			if ((flt->until = time_arg("until", optarg)) < 0)
				goto usage;
			break;
		case 'd':
			if (add_domain(flt, optarg) != 0)
				goto usage;
			break;
		case 'c':
			if (add_class(flt, optarg) != 0)
				goto usage;
			break;
		case 'b':
			for (k = 0; k < T_COUNT; k++)
				if (strcmp(optarg, table_names[k]) == 0)
					break;
			if (k == T_COUNT) {
				fprintf(stderr,
				    "authgate: --by %s: not one of action, "
				    "class, domain, ip, selector, minute, "
				    "hour\n",
				    optarg);
				goto usage;
			}
			tables |= TABLES_CHOSEN | 1u << k;
			break;
		case 'f':
			follow_mode = true;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(usage_stats, stdout);
			free(flt);
			return 0;
		default:
			fputs(usage_stats, stderr);
			goto usage;
		}
	}
	if (optind >= argc) {
		fputs(usage_stats, stderr);
		goto usage;
	}
	if (tables == 0)
		tables = TABLES_DEFAULT;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		goto usage;
	arena_init(&st->arena);
	if (follow_mode) {
		rc = follow(st, argv + optind, argc - optind, flt, tables,
		    json);
	} else {
		struct stats_read sr = { st, flt };

		for (i = optind; i < argc && rc == 0; i++)
			if (cli_read_log(argv[i], stats_one, &sr) != 0)
				rc = CLI_EXIT_USAGE;
		if (rc == 0) {
			if (json)
				print_json(st, tables);
			else
				print_human(st, tables);
		}
	}
	for (k = 0; k < T_COUNT; k++) {
		tally_free(&st->t[k]);
		tally_free(&st->plus[k]);
		tally_free(&st->minus[k]);
	}
	arena_free(&st->arena);
	free(st);
	free(flt);
	return rc;
usage:
	free(flt);
	return CLI_EXIT_USAGE;
}
