/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_quarantine.c: `authgate quarantine list|show|release|delete`: the
 * messages authgate froze (the quarantine action) in Exim's queue,
 * through Exim's own commands: -bpr lists the queue, -Mvh prints a
 * message's spool header file, -Mt thaws, -Mrm removes. A message is
 * authgate's only when Exim froze it on local_scan's word and kept the
 * text authgate returned ("-local_scan authgate: quarantined: ...", an
 * envelope line of the spool no sender can write) and its X-AuthGate
 * header (the last one not deleted: the module marks any other deleted)
 * says action=quarantine; other frozen mail is never shown or touched.
 * Filters select by class, From (author) domain and age.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/eximcmd.h"
#include "mail/domcanon.h"
#include "mail/fromcut.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "util/arena.h"
#include "util/duration.h"
#include "util/sbuf.h"

#define Q_EXIM	     "/usr/sbin/exim4"
#define Q_MAX_QUEUE  ((size_t)256 * 1024 * 1024) /* bytes of -bpr */
#define Q_MAX_SPOOL  ((size_t)16 * 1024 * 1024)	 /* bytes of one -Mvh */
#define Q_ID_MAX     23				 /* Exim's ids: 16 or 23 */
#define Q_LOCAL_SCAN "authgate: quarantined: "

static const char usage_quarantine[]
    = "usage: authgate quarantine [OPTIONS] list\n"
      "       authgate quarantine [OPTIONS] show ID...\n"
      "       authgate quarantine [OPTIONS] release ID... | --all\n"
      "       authgate quarantine [OPTIONS] delete ID... | --all\n"
      "\n"
      "The messages authgate quarantined (froze) in Exim's queue. Other\n"
      "frozen mail is never shown or touched. release thaws a message and\n"
      "has Exim deliver it (exim -Mt, exim -M). delete removes it; no bounce\n"
      "is sent. release and delete act on the IDs given, or with --all on\n"
      "every quarantined message the filters select.\n"
      "\n"
      "  -c, --class CLASS    only this class (dmarc.quarantine) or family\n"
      "                       (dmarc), as X-AuthGate names it\n"
      "  -d, --domain DOMAIN  only mail whose From domain is DOMAIN or below\n"
      "  -o, --older-than AGE only mail received longer ago (30m, 12h, 2d,\n"
      "                       1w, 1d12h)\n"
      "  -a, --all            release or delete every message selected\n"
      "  -j, --json           list: one JSON object per message\n"
      "  -e, --exim PATH      the Exim binary (default " Q_EXIM ")\n"
      "  -C, --config FILE    run Exim with -C FILE (a private configuration)\n"
      "\n"
      "Exit status: 0 done, 1 a message named is not quarantined by\n"
      "authgate, Exim refused or a spool header could not be read, 2 usage\n"
      "error or Exim could not list its queue.\n";

struct qopts {
	const char *exim, *config, *cls, *domain_arg;
	char domain[DOMAIN_MAX_LEN + 1];
	long older_than; /* seconds, or -1 */
	bool all, json;
};

/* One message of the queue, and what its spool header says. */
struct qmsg {
	char id[Q_ID_MAX + 1];
	const char *age, *size, *sender; /* as -bpr prints them */
	const char *rcpts;		 /* -bpr's recipient lines */
	bool frozen;
	/* From -Mvh, for a frozen message: */
	bool read, ours;
	time_t received;
	const char *reason; /* after Q_LOCAL_SCAN */
	const char *xag;    /* X-AuthGate's value */
	const char *cls;    /* its class= */
	const char *host;   /* -host_address, or NULL */
	const char *helo;   /* -helo_name, or NULL */
	const char *from[FACTS_MAX_FROM];
	size_t n_from;
	const char *subject, *message_id;
	char from_domain[DOMAIN_MAX_LEN + 1];
};

struct queue {
	struct qmsg *m;
	size_t n, frozen;
	struct arena arena;
};

/*
 * The queue as `exim -bpr` lists it: per message a line "AGE SIZE ID
 * <SENDER>" (AGE right-aligned: " 5m"), ending " *** frozen ***" for a
 * frozen one, then its recipients after eight blanks (a delivered one
 * marked "D"), then a blank line.
 */
static int
read_queue(const struct qopts *o, struct queue *q)
{
	static const char *const args[] = { "-bpr", NULL };
	static const char frozen[] = " *** frozen ***";
	struct sbuf out;
	struct sbuf rcpts;
	char *p, *line, *t, *age, *size, *id;
	struct qmsg *m = NULL, *grown;
	size_t cap = 0, len;
	int rc;

	sbuf_init(&out, Q_MAX_QUEUE);
	rc = exim_run(o->exim, o->config, args, &out);
	if (rc != 0) {
		if (rc > 0)
			fprintf(stderr, "authgate: %s -bpr exited with %d\n",
			    o->exim, rc);
		sbuf_free(&out);
		return -1;
	}
	sbuf_init(&rcpts, Q_MAX_QUEUE);
	p = out.buf != NULL ? out.buf : (char *)"";
	while ((line = exim_next_line(&p)) != NULL) {
		if (strncmp(line, "   ", 3) == 0) {
			/* Not a message line: a message's AGE is right-
			 * aligned in three columns at most. A recipient of
			 * m comes after eight blanks ("D addr" once
			 * delivered, "  addr" before); a generated address
			 * delivered ("       +D addr") after seven. */
			t = line + 8;
			if (m == NULL || strncmp(line, "        ", 8) != 0
			    || t[0] == 'D')
				continue;
			if (rcpts.len > 0)
				sbuf_puts(&rcpts, ", ");
			sbuf_puts(&rcpts, t + strspn(t, " "));
			continue;
		}
		if (m != NULL && m->rcpts == NULL) {
			m->rcpts = arena_strdup(&q->arena, sbuf_cstr(&rcpts));
			sbuf_reset(&rcpts);
		}
		m = NULL;
		t = line;
		if ((age = exim_token(&t)) == NULL || !exim_valid_age(age)
		    || (size = exim_token(&t)) == NULL
		    || (id = exim_token(&t)) == NULL || !exim_valid_id(id))
			continue;
		if (q->n == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			if ((grown = realloc(q->m, cap * sizeof(*grown)))
			    == NULL) {
				fprintf(stderr, "authgate: out of memory\n");
				break;
			}
			q->m = grown;
		}
		m = &q->m[q->n++];
		memset(m, 0, sizeof(*m));
		snprintf(m->id, sizeof(m->id), "%s", id);
		m->age = arena_strdup(&q->arena, age);
		m->size = arena_strdup(&q->arena, size);
		len = strlen(t);
		m->frozen = len >= sizeof(frozen) - 1
		    && strcmp(t + len - (sizeof(frozen) - 1), frozen) == 0;
		if (m->frozen) {
			t[len - (sizeof(frozen) - 1)] = '\0';
			q->frozen++;
		}
		m->sender = arena_strdup(&q->arena, t + strspn(t, " "));
	}
	if (m != NULL && m->rcpts == NULL)
		m->rcpts = arena_strdup(&q->arena, sbuf_cstr(&rcpts));
	sbuf_free(&rcpts);
	sbuf_free(&out);
	return arena_failed(&q->arena) ? -1 : 0;
}

/* Whether a header field's text starts with name and a colon (blanks
 * allowed before it, as Exim allows them); its value then in *value. */
static bool
field_is(const char *text, size_t len, const char *name, const char **value)
{
	size_t n = strlen(name), i;

	if (len <= n || strncasecmp(text, name, n) != 0)
		return false;
	for (i = n; i < len && (text[i] == ' ' || text[i] == '\t'); i++)
		;
	if (i == len || text[i] != ':')
		return false;
	*value = text + i + 1;
	return true;
}

/* The X-AuthGate value's key=value for key ("" when absent), into out. */
static void
xag_get(const char *xag, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key), n;
	const char *p = xag;

	out[0] = '\0';
	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t\r\n;");
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, "; \t\r\n");
			snprintf(out, size, "%.*s", (int)n, p);
			return;
		}
		p = strchr(p, ';');
	}
}

/* One header field of the spool kept by value (unfolded for display). */
static const char *
keep_value(struct arena *arena, const char *v, size_t len)
{
	char *s = arena_alloc(arena, len + 1);
	size_t i, n = 0;

	if (s == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		if (v[i] != '\r' && v[i] != '\n')
			s[n++] = v[i] == '\t' ? ' ' : v[i];
	while (n > 0 && s[n - 1] == ' ')
		n--;
	s[n] = '\0';
	return s + strspn(s, " ");
}

/* The header fields of a spool header file, from text on: each "LENc "
 * (LEN bytes of field follow, c its type, '*' for deleted). */
static void
read_fields(struct qmsg *m, const char *p, const char *end, struct arena *arena)
{
	const char *text, *v;
	unsigned long len;
	char *e, cls[64];
	size_t vlen;

	while (p < end && *p >= '0' && *p <= '9') {
		len = strtoul(p, &e, 10);
		if (e + 2 > end || e[1] != ' ' || len > (size_t)(end - e - 2))
			return;
		text = e + 2;
		p = text + len;
		if (e[0] == '*')
			continue;
		if (field_is(text, len, "X-AuthGate", &v)) {
			vlen = len - (size_t)(v - text);
			m->xag = keep_value(arena, v, vlen);
		} else if (field_is(text, len, "From", &v)) {
			vlen = len - (size_t)(v - text);
			if (m->n_from < FACTS_MAX_FROM)
				m->from[m->n_from]
				    = fromcut_value(arena, v, vlen);
			m->n_from++;
		} else if (m->subject == NULL
		    && field_is(text, len, "Subject", &v)) {
			m->subject
			    = keep_value(arena, v, len - (size_t)(v - text));
		} else if (m->message_id == NULL
		    && field_is(text, len, "Message-ID", &v)) {
			m->message_id
			    = keep_value(arena, v, len - (size_t)(v - text));
		}
	}
	if (m->xag != NULL) {
		xag_get(m->xag, "class", cls, sizeof(cls));
		m->cls = arena_strdup(arena, cls);
	}
}

/* The author domain, as the module finds it in the From headers. */
static void
author_domain(struct qmsg *m)
{
	struct facts *f = malloc(sizeof(*f));
	size_t i;

	m->from_domain[0] = '\0';
	if (f == NULL)
		return;
	facts_init(f);
	for (i = 0; i < m->n_from && i < FACTS_MAX_FROM; i++)
		f->from[i] = m->from[i] != NULL ? m->from[i] : "";
	f->n_from = m->n_from;
	(void)decide_author_domain(f, m->from_domain);
	free(f);
}

/*
 * The spool header file (exim -Mvh): its name, the owner, <sender>, "TIME
 * WARNINGS", the "-name value" lines (those of taint-marked values begin
 * "--"; ACL variables are "-aclm NAME LEN" and LEN bytes on the lines
 * after), the tree of recipients done, the recipient count and list, a
 * blank line, then the header fields.
 */
static int
read_spool(const struct qopts *o, struct qmsg *m, struct arena *arena)
{
	const char *args[] = { "-Mvh", m->id, NULL };
	struct sbuf out;
	char *p, *line, *v, *end;
	unsigned long n = 0, len;
	int rc, i;
	bool local_scan = false, thawed = false;

	m->read = true;
	sbuf_init(&out, Q_MAX_SPOOL);
	if ((rc = exim_run(o->exim, o->config, args, &out)) != 0
	    || out.buf == NULL) {
		sbuf_free(&out);
		return rc != 0 ? rc : -1;
	}
	p = out.buf;
	end = out.buf + out.len;
	for (i = 0; i < 4 && (line = exim_next_line(&p)) != NULL; i++)
		if (i == 3)
			m->received = (time_t)strtol(line, NULL, 10);
	while (*p == '-' && (line = exim_next_line(&p)) != NULL) {
		v = line + (line[1] == '-' ? 2 : 1);
		/* A taint mark may name its quoter: "--(pgsql)aclm ...". */
		if (*v == '(' && strchr(v, ')') != NULL)
			v = strchr(v, ')') + 1;
		if (strncmp(v, "acl", 3) == 0 && (v[3] == 'c' || v[3] == 'm')
		    && v[4] == ' ') {
			/* "-aclm NAME LEN", then LEN bytes of value (any
			 * bytes, newlines too) and a newline: skipped
			 * whole, so no value can pass for a line. */
			len = strtoul(strrchr(v, ' ') + 1, NULL, 10);
			if (len >= (size_t)(end - p))
				break;
			p += len + 1;
			continue;
		}
		if (strncmp(v, "local_scan ", 11) == 0
		    && strncmp(v + 11, Q_LOCAL_SCAN, strlen(Q_LOCAL_SCAN))
			== 0) {
			local_scan = true;
			m->reason = arena_strdup(arena,
			    v + 11 + strlen(Q_LOCAL_SCAN));
		} else if (strncmp(v, "host_address [", 14) == 0) {
			/* "[ADDRESS]:PORT" */
			m->host = arena_strndup(arena, v + 14,
			    strcspn(v + 14, "]"));
		} else if (strncmp(v, "helo_name ", 10) == 0) {
			m->helo = arena_strdup(arena, v + 10);
		} else if (strcmp(v, "manual_thaw") == 0) {
			thawed = true; /* released once: frozen since by
					* someone else, not by authgate */
		}
	}
	/* The tree of recipients done: "XX" when empty, else lines of two
	 * flags, a blank and an address; then the count, a line of digits. */
	while ((line = exim_next_line(&p)) != NULL
	    && !(line[0] >= '0' && line[0] <= '9'
		&& line[strspn(line, "0123456789")] == '\0'))
		;
	if (line != NULL)
		n = strtoul(line, NULL, 10);
	while (n-- > 0 && exim_next_line(&p) != NULL)
		;
	if ((line = exim_next_line(&p)) != NULL && line[0] == '\0')
		read_fields(m, p, end, arena);
	author_domain(m);
	m->ours = m->frozen && local_scan && !thawed && m->xag != NULL;
	if (m->ours) {
		char action[32];

		xag_get(m->xag, "action", action, sizeof(action));
		m->ours = strcmp(action, "quarantine") == 0;
	}
	sbuf_free(&out);
	return 0;
}

/* Whether class (as X-AuthGate has it) is the filter's class or in its
 * family. */
static bool
class_selected(const char *want, const char *cls)
{
	size_t n = strlen(want);

	if (cls == NULL)
		return false;
	if (strchr(want, '.') != NULL)
		return strcmp(cls, want) == 0;
	return strncmp(cls, want, n) == 0 && cls[n] == '.';
}

static bool
selected(const struct qopts *o, const struct qmsg *m, time_t now)
{
	if (o->cls != NULL && !class_selected(o->cls, m->cls))
		return false;
	if (o->domain[0] != '\0'
	    && (m->from_domain[0] == '\0'
		|| !domain_within(m->from_domain, o->domain)))
		return false;
	return o->older_than < 0 || now - m->received >= o->older_than;
}

static const char *
or_dash(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "-";
}

static void
print_row(const struct qmsg *m)
{
	/* The class is X-AuthGate's (a word of ours, the module removes
	 * any other), the domain canonical: both printable ASCII. */
	printf("%-23s %5s %6s  %-20s %-24s ", m->id, m->age, m->size,
	    or_dash(m->cls), or_dash(m->from_domain));
	cli_put_text(m->sender);
	printf("\n");
}

static void
print_json(const struct qmsg *m, time_t now)
{
	struct sbuf sb;

	sbuf_init(&sb, Q_MAX_SPOOL);
	sbuf_puts(&sb, "{\"id\":");
	sbuf_json_str(&sb, m->id);
	sbuf_printf(&sb,
	    ",\"received\":%lld,\"age\":%lld,\"size\":", (long long)m->received,
	    (long long)(now - m->received));
	sbuf_json_str(&sb, m->size);
	sbuf_puts(&sb, ",\"class\":");
	sbuf_json_str(&sb, m->cls);
	sbuf_puts(&sb, ",\"from_domain\":");
	sbuf_json_str(&sb, m->from_domain[0] != '\0' ? m->from_domain : NULL);
	sbuf_puts(&sb, ",\"sender\":");
	sbuf_json_str(&sb, m->sender);
	sbuf_puts(&sb, ",\"recipients\":");
	sbuf_json_str(&sb, m->rcpts);
	sbuf_puts(&sb, ",\"x_authgate\":");
	sbuf_json_str(&sb, m->xag);
	sbuf_puts(&sb, ",\"reason\":");
	sbuf_json_str(&sb, m->reason);
	sbuf_putc(&sb, '}');
	printf("%s\n", sbuf_cstr(&sb));
	sbuf_free(&sb);
}

static void
print_message(const struct qmsg *m)
{
	char when[32];
	struct tm tm;
	size_t i;

	gmtime_r(&m->received, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("Message %s: quarantined by authgate\n", m->id);
	printf("  Received:   %s (%s ago) from ", when, m->age);
	cli_put_text(m->host != NULL ? m->host : "local submission");
	if (m->helo != NULL) {
		printf(", HELO ");
		cli_put_text(m->helo);
	}
	printf("\n  Sender:     ");
	cli_put_text(m->sender);
	printf("\n  Recipients: ");
	cli_put_text(or_dash(m->rcpts));
	printf("\n  Size:       %s\n", m->size);
	for (i = 0; i < m->n_from && i < FACTS_MAX_FROM; i++) {
		printf("  From:       ");
		cli_put_text(m->from[i]);
		printf("\n");
	}
	printf("  Author:     ");
	cli_put_text(or_dash(m->from_domain));
	printf("\n  Subject:    ");
	cli_put_text(m->subject);
	printf("\n  Message-ID: ");
	cli_put_text(m->message_id);
	printf("\n  X-AuthGate: ");
	cli_put_text(m->xag);
	printf("\n  Reason:     ");
	cli_put_text(m->reason);
	printf("\n\nauthgate quarantine release %s: thaw it and deliver it\n",
	    m->id);
	printf("authgate quarantine delete %s: remove it; no bounce is sent\n",
	    m->id);
	printf("authgate show %s LOG: the decision in words\n", m->id);
}

/* Releases (thaws, then has Exim deliver it now) or removes one message
 * of ours: 0, or 1 when Exim refused to thaw or remove it. A delivery
 * that does not complete at once is Exim's to retry, as for any message. */
static int
act(const struct qopts *o, const struct qmsg *m, bool release)
{
	const char *args[] = { release ? "-Mt" : "-Mrm", m->id, NULL };
	const char *deliver[] = { "-M", m->id, NULL };
	struct sbuf out;
	int rc;

	sbuf_init(&out, 65536);
	rc = exim_run(o->exim, o->config, args, &out);
	if (rc != 0) {
		fprintf(stderr, "authgate: %s: %s %s refused%s%s", m->id,
		    o->exim, args[0], rc < 0 ? "\n" : ": ",
		    rc < 0	    ? "" :
			out.len > 0 ? sbuf_cstr(&out) :
				      "no reason given\n");
		sbuf_free(&out);
		return 1;
	}
	if (!release) {
		printf("%s: deleted; no bounce is sent\n", m->id);
		sbuf_free(&out);
		return 0;
	}
	sbuf_reset(&out);
	rc = exim_run(o->exim, o->config, deliver, &out);
	if (rc == 0)
		printf("%s: released (thawed) and delivered\n", m->id);
	else
		printf("%s: released (thawed); Exim's delivery attempt did not "
		       "complete (exim -M exit %d): Exim retries it on its "
		       "queue runs\n",
		    m->id, rc);
	sbuf_free(&out);
	return 0;
}

static struct qmsg *
find(struct queue *q, const char *id)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (strcmp(q->m[i].id, id) == 0)
			return &q->m[i];
	return NULL;
}

/* Why id is not one of ours, on standard error; returns 1. */
static int
not_ours(const char *id, const struct qmsg *m)
{
	fprintf(stderr, "authgate: %s: %s\n", id,
	    m == NULL	   ? "not in the queue" :
		!m->frozen ? "not frozen: not in quarantine" :
			     "frozen, but not by authgate's quarantine: left "
			     "alone");
	return 1;
}

/* list: every frozen message read, ours that the filters select
 * printed. */
static int
do_list(const struct qopts *o, struct queue *q, time_t now)
{
	size_t i, shown = 0, ours = 0;
	int rc = 0;

	if (!o->json)
		printf("%-23s %5s %6s  %-20s %-24s %s\n", "ID", "AGE", "SIZE",
		    "CLASS", "FROM DOMAIN", "SENDER");
	for (i = 0; i < q->n; i++) {
		struct qmsg *m = &q->m[i];

		if (!m->frozen)
			continue;
		if (read_spool(o, m, &q->arena) != 0) {
			fprintf(stderr,
			    "authgate: %s: cannot read its spool header "
			    "(exim -Mvh): skipped\n",
			    m->id);
			rc = 1;
			continue;
		}
		if (!m->ours)
			continue;
		ours++;
		if (!selected(o, m, now))
			continue;
		shown++;
		if (o->json)
			print_json(m, now);
		else
			print_row(m);
	}
	if (!o->json)
		printf("%zu of %zu quarantined message%s shown; %zu other "
		       "frozen message%s left alone.\n",
		    shown, ours, ours == 1 ? "" : "s", q->frozen - ours,
		    q->frozen - ours == 1 ? "" : "s");
	return rc;
}

/* show, release, delete: the IDs named (each must be ours and pass the
 * filters), or with --all every message of ours the filters select. */
static int
do_each(const struct qopts *o, struct queue *q, const char *cmd, char **ids,
    int n_ids, time_t now)
{
	bool show = strcmp(cmd, "show") == 0;
	bool release = strcmp(cmd, "release") == 0;
	size_t i, done = 0;
	int k, rc = 0;
	struct qmsg *m;

	if (o->all) {
		for (i = 0; i < q->n; i++) {
			m = &q->m[i];
			if (!m->frozen)
				continue;
			if (read_spool(o, m, &q->arena) != 0) {
				fprintf(stderr,
				    "authgate: %s: cannot read its spool "
				    "header (exim -Mvh): left alone\n",
				    m->id);
				rc = 1;
				continue;
			}
			if (!m->ours || !selected(o, m, now))
				continue;
			rc |= act(o, m, release);
			done++;
		}
		if (done == 0)
			printf("No quarantined message selected.\n");
		return rc;
	}
	for (k = 0; k < n_ids; k++) {
		m = find(q, ids[k]);
		if (m == NULL || !m->frozen) {
			rc |= not_ours(ids[k], m);
			continue;
		}
		if (!m->read && read_spool(o, m, &q->arena) != 0) {
			fprintf(stderr, "authgate: %s: exim -Mvh failed\n",
			    m->id);
			rc = 1;
			continue;
		}
		if (!m->ours) {
			rc |= not_ours(ids[k], m);
			continue;
		}
		if (!selected(o, m, now)) {
			fprintf(stderr,
			    "authgate: %s: not selected by the filters: left "
			    "alone\n",
			    m->id);
			rc = 1;
			continue;
		}
		if (show) {
			if (done++ > 0)
				printf("\n");
			print_message(m);
		} else {
			rc |= act(o, m, release);
		}
	}
	return rc;
}

/* Parses the options into o; returns the index of the first operand,
 * or -1 after printing the usage. */
static int
parse_opts(int argc, char **argv, struct qopts *o)
{
	static const struct option longopts[] = {
		{ "class", required_argument, NULL, 'c' },
		{ "domain", required_argument, NULL, 'd' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "exim", required_argument, NULL, 'e' },
		{ "config", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum ag_family fam;
	enum ag_class cls;
	unsigned long age;
	char err[200];
	int c;

	memset(o, 0, sizeof(*o));
	o->exim = Q_EXIM;
	o->older_than = -1;
	while ((c = getopt_long(argc, argv, "c:d:o:aje:C:h", longopts, NULL))
	    != -1) {
		switch (c) {
		case 'c':
			o->cls = optarg;
			if (ag_class_parse(optarg, &cls) != 0
			    && ag_family_parse(optarg, &fam) != 0) {
				fprintf(stderr,
				    "authgate: --class %s: not a class or "
				    "family\n",
				    optarg);
				return -1;
			}
			break;
		case 'd':
			if (domcanon_strict(optarg, strlen(optarg), o->domain,
				err, sizeof(err))
			    != 0) {
				fprintf(stderr, "authgate: --domain %s: %s\n",
				    optarg, err);
				return -1;
			}
			break;
		case 'o':
			if (duration_parse(optarg, &age) != 0) {
				fprintf(stderr,
				    "authgate: --older-than %s: not an age "
				    "(30m, 12h, 2d, 1w)\n",
				    optarg);
				return -1;
			}
			o->older_than = (long)age;
			break;
		case 'a':
			o->all = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'e':
			o->exim = optarg;
			break;
		case 'C':
			o->config = optarg;
			break;
		case 'h':
			fputs(usage_quarantine, stdout);
			return -2;
		default:
			fputs(usage_quarantine, stderr);
			return -1;
		}
	}
	return optind;
}

int
cmd_quarantine(int argc, char **argv)
{
	struct qopts o;
	struct queue q;
	const char *cmd;
	time_t now = time(NULL);
	int first, n_ids, rc, k;

	if ((first = parse_opts(argc, argv, &o)) < 0)
		return first == -2 ? 0 : CLI_EXIT_USAGE;
	if (first >= argc) {
		fputs(usage_quarantine, stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = argv[first];
	n_ids = argc - first - 1;
	if (strcmp(cmd, "list") == 0) {
		if (n_ids > 0 || o.all) {
			fputs(usage_quarantine, stderr);
			return CLI_EXIT_USAGE;
		}
	} else if (strcmp(cmd, "show") == 0 || strcmp(cmd, "release") == 0
	    || strcmp(cmd, "delete") == 0) {
		/* --all or IDs, not both, and show takes IDs. */
		if ((n_ids > 0) == o.all
		    || (o.all && strcmp(cmd, "show") == 0)) {
			fputs(usage_quarantine, stderr);
			return CLI_EXIT_USAGE;
		}
	} else {
		fprintf(stderr, "authgate: quarantine: unknown command '%s'\n",
		    cmd);
		fputs(usage_quarantine, stderr);
		return CLI_EXIT_USAGE;
	}
	for (k = first + 1; k < argc; k++)
		if (!exim_valid_id(argv[k])) {
			fprintf(stderr,
			    "authgate: quarantine: '%s' is not an Exim message "
			    "id (like 1tEabc-000123-Qx)\n",
			    argv[k]);
			return CLI_EXIT_USAGE;
		}
	memset(&q, 0, sizeof(q));
	arena_init(&q.arena);
	if (read_queue(&o, &q) != 0) {
		rc = CLI_EXIT_USAGE;
	} else if (strcmp(cmd, "list") == 0) {
		rc = do_list(&o, &q, now);
	} else {
		rc = do_each(&o, &q, cmd, argv + first + 1, n_ids, now);
	}
	arena_free(&q.arena);
	free(q.m);
	return rc;
}
