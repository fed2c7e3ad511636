/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_policy.c: decisions per second on one core for typical facts,
 * under a small policy and under one with 10,000 [domain:] sections and
 * 10,000 trusted domains (measured in the same run, so the ratio is what
 * counts), the time to load that large policy, and the module's DMARC
 * work per message (gathering the DNS facts from an in-memory zone,
 * deciding, rendering the log line) under dmarc_method = rfc9989 and
 * rfc7489, alternated in the same run; and the load a connection's
 * process pays, parsed and compiled (policy.ini.agc), with and without
 * the daemon's preload, for 10 and 10,000 domains side by side. Prints
 * Markdown.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log/logline.h"
#include "log/reader.h"
#include "policy/compiled.h"
#include "policy/config.h"
#include "policy/decide.h"
#include "policy/facts.h"
#include "verify/dmarcq.h"

#define RUNS 5

static const char *const typical[] = {
	/* clean, aligned, DMARC pass */
	"{\"client\":{\"ip\":\"203.0.113.7\",\"helo\":\"mx.example.com\"},"
	"\"mail_from\":\"bounce@example.com\",\"from\":[\"Alice "
	"<alice@example.com>\"],\"spf\":{\"result\":\"pass\",\"domain\":"
	"\"example.com\"},\"dkim\":[{\"d\":\"example.com\",\"s\":\"s1\",\"a\":"
	"\"rsa-sha256\",\"bits\":2048,\"result\":\"pass\"}],\"dns\":{"
	"\"_dmarc.example.com\":\"v=DMARC1; p=reject\"}}",
	/* forged, DMARC reject */
	"{\"client\":{\"ip\":\"203.0.113.9\",\"helo\":\"x\"},\"mail_from\":"
	"\"x@evil.example\",\"from\":[\"CEO <ceo@bank.example>\"],\"spf\":{"
	"\"result\":\"softfail\",\"domain\":\"evil.example\"},\"dkim\":[],"
	"\"dns\":{\"_dmarc.bank.example\":\"v=DMARC1; p=reject; rua=mailto:"
	"d@bank.example\"}}",
	/* forwarded newsletter, subdomain, org-domain record, broken body */
	"{\"client\":{\"ip\":\"198.51.100.4\",\"helo\":\"fw.example.net\"},"
	"\"mail_from\":\"fw@example.net\",\"from\":[\"news@mail.shop.example\"]"
	",\"spf\":{\"result\":\"fail\",\"domain\":\"example.net\"},\"dkim\":[{"
	"\"d\":\"shop.example\",\"s\":\"k\",\"a\":\"rsa-sha256\",\"bits\":2048,"
	"\"result\":\"body_modified\"},{\"d\":\"example.net\",\"s\":\"f\",\"a\""
	":\"rsa-sha256\",\"bits\":1024,\"result\":\"pass\"}],\"dns\":{"
	"\"_dmarc.shop.example\":\"v=DMARC1; p=none\"}}",
};

/* The zone the typical messages' DMARC lookups meet: their records, and
 * NXDOMAIN for every other name (as most walk names are). */
static const char *const zone[][2] = {
	{ "_dmarc.example.com", "v=DMARC1; p=reject" },
	{ "_dmarc.bank.example",
	    "v=DMARC1; p=reject; rua=mailto:d@bank.example" },
	{ "_dmarc.shop.example", "v=DMARC1; p=none" },
};

static void
zone_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	size_t i;

	(*(unsigned long *)ctx)++;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_NXDOMAIN;
	for (i = 0; i < sizeof(zone) / sizeof(zone[0]); i++)
		if (strcmp(zone[i][0], name) == 0) {
			a->status = DNSQ_OK;
			a->n_txt = 1;
			a->txt[0] = zone[i][1];
		}
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
stats(double *v, int n, double *med, double *lo, double *hi)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	*med = v[n / 2];
	*lo = v[0];
	*hi = v[n - 1];
}

/* A policy with n [domain:] sections and n trusted domains. */
static char *
policy_text(size_t count, size_t *len)
{
	size_t cap = 2u << 20, o = 0, i;
	char *t = malloc(cap);

	o += (size_t)snprintf(t + o, cap - o,
	    "[general]\nauthserv_id = mx.test\n[trusted]\ndomains =");
	for (i = 0; i < count; i++)
		o += (size_t)snprintf(t + o, cap - o, "%s trusted%zu.example\n",
		    i ? "   " : "", i);
	o += (size_t)snprintf(t + o, cap - o, "relays = 192.0.2.0/24\n");
	for (i = 0; i < count; i++)
		o += (size_t)snprintf(t + o, cap - o,
		    "[domain:customer%zu.example]\ndkim.key_missing = accept\n",
		    i);
	*len = o;
	return t;
}

/* Decisions per second over the typical facts, one core. */
static double
rate(const struct policy *p, struct facts *facts, size_t nf)
{
	struct decision d;
	size_t i, n = 0;
	double t0 = now(), t;
	unsigned sink = 0;

	do {
		for (i = 0; i < 20000; i++) {
			decide(p, &facts[i % nf], &d);
			sink += d.action;
		}
		n += 20000;
		t = now() - t0;
	} while (t < 0.4);
	if (sink == 0xffffffff)
		puts("");
	return (double)n / t;
}

/* The module's DMARC work per second: the facts' DNS gathered (from the
 * in-memory zone), decided, the log line rendered; *queries gets the
 * lookups made per message. */
static double
module_rate(const struct policy *p, const struct facts *tmpl, size_t nf,
    double *queries)
{
	struct facts *f = malloc(sizeof(*f));
	struct decision d;
	struct sbuf sb;
	struct logline_meta meta
	    = { "2026-11-23T00:00:00Z", "mx.test", NULL, NULL };
	unsigned long asked = 0;
	size_t i, n = 0;
	double t0 = now(), t;

	sbuf_init(&sb, LOGLINE_MAX);
	do {
		for (i = 0; i < 2000; i++) {
			struct arena arena;

			arena_init(&arena);
			*f = tmpl[i % nf];
			f->n_dns = 0;
			dmarcq_collect(p, f, &arena, zone_lookup, &asked);
			decide(p, f, &d);
			sbuf_reset(&sb);
			logline_render(&sb, p, f, &d, &meta);
			arena_free(&arena);
		}
		n += 2000;
		t = now() - t0;
	} while (t < 0.4);
	sbuf_free(&sb);
	free(f);
	*queries = (double)asked / (double)n;
	return (double)n / t;
}

/* Writes text as DIR/NAME and its compiled form beside it; returns the
 * policy's path (static storage per name). */
static const char *
write_compiled(const char *dir, const char *name, const char *text, size_t len,
    char *path, size_t pathsz)
{
	char agc[512], err[256];
	struct agc_stamp stamp;
	struct policy *p;
	struct stat st;
	unsigned char *img;
	size_t img_len;
	FILE *fp;

	snprintf(path, pathsz, "%s/%s", dir, name);
	snprintf(agc, sizeof(agc), "%s.agc", path);
	if ((fp = fopen(path, "w")) == NULL || fwrite(text, 1, len, fp) != len
	    || fclose(fp) != 0 || stat(path, &st) != 0
	    || (p = policy_load_buffer(path, text, len, NULL)) == NULL)
		return NULL;
	memset(&stamp, 0, sizeof(stamp));
	stamp.dev = (uint64_t)st.st_dev;
	stamp.ino = (uint64_t)st.st_ino;
	stamp.size = (uint64_t)st.st_size;
	stamp.mtime_sec = st.st_mtim.tv_sec;
	stamp.mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	stamp.ctime_sec = st.st_ctim.tv_sec;
	stamp.ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
	if (agc_build(p, &stamp, &img, &img_len, err, sizeof(err)) != 0) {
		policy_free(p);
		return NULL;
	}
	policy_free(p);
	if ((fp = fopen(agc, "w")) == NULL
	    || fwrite(img, 1, img_len, fp) != img_len || fclose(fp) != 0) {
		free(img);
		return NULL;
	}
	free(img);
	return path;
}

/* One load of path (flags as policy_load_with) and a lookup in it, as a
 * connection's first message makes; its seconds. */
static double
load_once(const char *path, unsigned flags)
{
	double t0 = now();
	struct policy *p = policy_load_with(path, flags, NULL);

	if (p == NULL || (flags == 0 && p->compiled == NULL)) {
		fprintf(stderr, "bench: %s did not load\n", path);
		exit(1);
	}
	(void)policy_domain_for(p, "customer5.example");
	policy_free(p);
	return now() - t0;
}

/* Microseconds per load of a and of b (n each), alternated so that both
 * see the same machine. */
static void
load_us(const char *a, const char *b, unsigned flags, int n, double *ua,
    double *ub)
{
	double ta = 0, tb = 0;
	int i;

	for (i = 0; i < n; i++) {
		ta += load_once(a, flags);
		tb += load_once(b, flags);
	}
	*ua = ta * 1e6 / n;
	*ub = tb * 1e6 / n;
}

/* Microseconds of a first load of a and of b (n each, alternated), each
 * in a child forked for it, as Exim forks a process per connection after
 * the daemon's preload: the child finds the map but not its pages (the
 * kernel copies no page table entries of a shared file mapping). */
static void
forked_us(const char *a, const char *b, int n, double *ua, double *ub)
{
	double t, sum[2] = { 0, 0 };
	int i, k, fds[2];
	pid_t pid;

	for (i = 0; i < n; i++)
		for (k = 0; k < 2; k++) {
			if (pipe(fds) != 0 || (pid = fork()) < 0)
				exit(1);
			if (pid == 0) {
				t = load_once(k == 0 ? a : b, 0);
				if (write(fds[1], &t, sizeof(t)) != sizeof(t))
					_exit(1);
				_exit(0);
			}
			close(fds[1]);
			if (read(fds[0], &t, sizeof(t)) != sizeof(t))
				exit(1);
			close(fds[0]);
			waitpid(pid, NULL, 0);
			sum[k] += t;
		}
	*ua = sum[0] * 1e6 / n;
	*ub = sum[1] * 1e6 / n;
}

/* The per-connection load, parsed and compiled, small and large. */
static void
bench_compiled_load(const char *small_text, size_t small_len, const char *text,
    size_t len)
{
	char dir[] = "/tmp/bench-agc-XXXXXX", sp[300], bp[300], err[512];
	double ps[RUNS], pb[RUNS], cs[RUNS], cb[RUNS], ks[RUNS], kb[RUNS];
	double fs[RUNS], fb[RUNS], fx;
	double med, lo, hi, cmed_s, cmed_b, kmed_s, kmed_b;
	int r;

	if (mkdtemp(dir) == NULL
	    || write_compiled(dir, "small.ini", small_text, small_len, sp,
		   sizeof(sp))
		== NULL
	    || write_compiled(dir, "big.ini", text, len, bp, sizeof(bp))
		== NULL) {
		fprintf(stderr, "bench: cannot write the compiled policies\n");
		exit(1);
	}
	for (r = 0; r < RUNS; r++) {
		load_us(sp, bp, POLICY_LOAD_SOURCE, 3, &ps[r], &pb[r]);
		loader_preload("/nonexistent/policy.ini", err, sizeof(err));
		load_us(sp, bp, 0, 2000, &cs[r], &cb[r]);
		/* what a connection forked after the daemon's preload pays
		 * (one path is preloaded at a time: the two in turn) */
		if (loader_preload(sp, err, sizeof(err)) != 0)
			fprintf(stderr, "bench: preload: %s\n", err);
		load_us(sp, sp, 0, 1000, &ks[r], &kb[r]); /* in this process */
		ks[r] = (ks[r] + kb[r]) / 2;
		if (loader_preload(bp, err, sizeof(err)) != 0)
			fprintf(stderr, "bench: preload: %s\n", err);
		load_us(bp, bp, 0, 1000, &kb[r], &cmed_b);
		kb[r] = (kb[r] + cmed_b) / 2;
		/* forked children, each path preloaded in turn */
		loader_preload(sp, err, sizeof(err));
		forked_us(sp, sp, 100, &fs[r], &fx);
		fs[r] = (fs[r] + fx) / 2;
		loader_preload(bp, err, sizeof(err));
		forked_us(bp, bp, 100, &fb[r], &fx);
		fb[r] = (fb[r] + fx) / 2;
	}
	printf("\n## Policy load per connection (%d runs, median [min-max], "
	       "microseconds, with the public suffix list)\n\n",
	    RUNS);
	printf("| load | 10 domains | 10,000 domains | ratio |\n"
	       "|---|---|---|---|\n");
	stats(ps, RUNS, &med, &lo, &hi);
	printf("| parse policy.ini | %.1f [%.1f-%.1f] |", med, lo, hi);
	cmed_s = med;
	stats(pb, RUNS, &med, &lo, &hi);
	printf(" %.1f [%.1f-%.1f] | %.2f |\n", med, lo, hi, med / cmed_s);
	stats(cs, RUNS, &med, &lo, &hi);
	cmed_s = med;
	printf("| map policy.ini.agc | %.1f [%.1f-%.1f] |", med, lo, hi);
	stats(cb, RUNS, &med, &lo, &hi);
	cmed_b = med;
	printf(" %.1f [%.1f-%.1f] | %.2f |\n", med, lo, hi, cmed_b / cmed_s);
	stats(ks, RUNS, &med, &lo, &hi);
	kmed_s = med;
	printf("| preloaded policy.ini.agc | %.1f [%.1f-%.1f] |", med, lo, hi);
	stats(kb, RUNS, &med, &lo, &hi);
	kmed_b = med;
	printf(" %.1f [%.1f-%.1f] | %.2f |\n", med, lo, hi, kmed_b / kmed_s);
	stats(fs, RUNS, &med, &lo, &hi);
	kmed_s = med;
	printf("| preloaded, first load in a forked child | %.1f [%.1f-%.1f] |",
	    med, lo, hi);
	stats(fb, RUNS, &med, &lo, &hi);
	kmed_b = med;
	printf(" %.1f [%.1f-%.1f] | %.2f |\n", med, lo, hi, kmed_b / kmed_s);
	printf("\nTarget (issue 18): a 10,000-domain policy's load within 5%% "
	       "of a 10-domain one's (ratio <= 1.05).\n");
	snprintf(err, sizeof(err), "%s.agc", sp);
	unlink(err);
	snprintf(err, sizeof(err), "%s.agc", bp);
	unlink(err);
	unlink(sp);
	unlink(bp);
	rmdir(dir);
}

int
main(void)
{
	const size_t nf = sizeof(typical) / sizeof(typical[0]);
	struct facts facts[sizeof(typical) / sizeof(typical[0])];
	double small_r[RUNS], big_r[RUNS], load_ms[RUNS], log_r[RUNS];
	double m9989[RUNS], m7489[RUNS], q9989 = 0, q7489 = 0;
	struct policy *p7489;
	double med, lo, hi, smed, bmed;
	struct policy *small, *big = NULL;
	struct arena arena;
	char err[256], *text, *small_text;
	size_t len, small_len, i;
	int r;

	arena_init(&arena);
	for (i = 0; i < nf; i++)
		if (facts_from_json(&facts[i], &arena, typical[i],
			strlen(typical[i]), err, sizeof(err))
		    != 0) {
			fprintf(stderr, "bench: facts %zu: %s\n", i, err);
			return 1;
		}
	small_text = policy_text(10, &small_len);
	small = policy_load_buffer("small.ini", small_text, small_len, NULL);
	text = policy_text(10000, &len);
	/* The same policy but for the method: equal work but for DMARC. */
	{
		size_t l7489 = small_len + 64;
		char *t7489 = malloc(l7489);

		l7489 = (size_t)snprintf(t7489, l7489,
		    "[general]\ndmarc_method = rfc7489\n%s",
		    small_text + strlen("[general]\n"));
		p7489 = policy_load_buffer("rfc7489.ini", t7489, l7489, NULL);
		free(t7489);
	}
	if (small == NULL || p7489 == NULL) {
		fprintf(stderr, "bench: policy did not load\n");
		return 1;
	}
	for (r = 0; r < RUNS; r++) {
		double t0 = now();

		policy_free(big);
		big = policy_load_buffer("big.ini", text, len, NULL);
		load_ms[r] = (now() - t0) * 1e3;
		if (big == NULL) {
			fprintf(stderr, "bench: big policy did not load\n");
			return 1;
		}
		/* Alternated, so both see the same machine. */
		m9989[r] = module_rate(small, facts, nf, &q9989);
		m7489[r] = module_rate(p7489, facts, nf, &q7489);
		small_r[r] = rate(small, facts, nf);
		big_r[r] = rate(big, facts, nf);
		{
			struct sbuf sb;
			struct decision d;
			struct logline_meta meta
			    = { "2026-11-23T00:00:00Z", "mx.test", NULL, NULL };
			size_t n = 0;
			double t1 = now(), t;

			sbuf_init(&sb, LOGLINE_MAX);
			do {
				for (i = 0; i < 5000; i++) {
					decide(small, &facts[i % nf], &d);
					sbuf_reset(&sb);
					logline_render(&sb, small,
					    &facts[i % nf], &d, &meta);
				}
				n += 5000;
				t = now() - t1;
			} while (t < 0.4);
			log_r[r] = (double)n / t;
			sbuf_free(&sb);
		}
	}
	printf("## Policy engine (%d runs, median [min-max])\n\n", RUNS);
	printf("| measure | figure |\n|---|---|\n");
	stats(small_r, RUNS, &med, &lo, &hi);
	smed = med;
	printf(
	    "| decisions/s, 10 domains + 10 trusted, 1 core | %.0f [%.0f-%.0f] |\n",
	    med, lo, hi);
	stats(big_r, RUNS, &med, &lo, &hi);
	bmed = med;
	printf("| decisions/s, 10,000 domains + 10,000 trusted | %.0f "
	       "[%.0f-%.0f] |\n",
	    med, lo, hi);
	printf("| ratio large/small policy | %.2f |\n", bmed / smed);
	stats(log_r, RUNS, &med, &lo, &hi);
	printf("| decide + render log line /s | %.0f [%.0f-%.0f] |\n", med, lo,
	    hi);
	stats(load_ms, RUNS, &med, &lo, &hi);
	printf("| load time, 10,000-domain policy (%zu KiB) | %.1f ms "
	       "[%.1f-%.1f] |\n",
	    len / 1024, med, lo, hi);
	stats(m9989, RUNS, &med, &lo, &hi);
	smed = med;
	printf("| module DMARC work/s (gather + decide + log), RFC 9989 | "
	       "%.0f [%.0f-%.0f], %.1f lookups/message |\n",
	    med, lo, hi, q9989);
	stats(m7489, RUNS, &med, &lo, &hi);
	printf("| the same, dmarc_method = rfc7489 | %.0f [%.0f-%.0f], %.1f "
	       "lookups/message |\n",
	    med, lo, hi, q7489);
	printf("| ratio RFC 9989 / RFC 7489 (CPU, DNS answered from memory) | "
	       "%.2f |\n",
	    smed / med);
	printf("\nTargets (issue 2): >= 1,000,000 decisions/s; large policy "
	       "as fast as a small one; load well under 100 ms. Issue 16: the "
	       "module's cost per message within 10%% of RFC 7489's.\n");
	bench_compiled_load(small_text, small_len, text, len);
	policy_free(p7489);
	policy_free(small);
	policy_free(big);
	free(text);
	free(small_text);
	arena_free(&arena);
	return 0;
}
