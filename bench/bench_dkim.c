/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_dkim.c: authgate's own DKIM verification (verify/dkim.c over
 * libopendkim) of a signed 5 KB and 100 KB message, keys served from
 * memory so that DNS is out of the figure. Prints verifications per
 * second; bench/run.sh sets them beside the OpenSSL floor. With
 * --key-decode, decodes of the key record alone (verify/dkimkey.c: base64
 * and OpenSSL's d2i_PUBKEY, the step libopendkim repeats per message).
 * usage: bench_dkim MESSAGE KEYRECORD SECONDS
 *        bench_dkim --key-decode KEYRECORD SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "verify/dkim.h"
#include "verify/dkimkey.h"

static const char *key_record;

static void
memory_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	(void)name;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_OK;
	a->n_txt = 1;
	a->txt[0] = key_record;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
key_decodes(const char *path, double secs)
{
	char rec[8192];
	struct dkimkey key;
	double t0;
	long n = 0;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL || fgets(rec, sizeof(rec), fp) == NULL)
		return 2;
	fclose(fp);
	rec[strcspn(rec, "\n")] = '\0';
	t0 = now();
	do {
		dkimkey_parse(rec, &key);
		if (key.status != DKIMKEY_OK) {
			fprintf(stderr, "bench_dkim: key: %s\n", key.why);
			return 1;
		}
		dkimkey_free(&key);
		n++;
	} while (now() - t0 < secs);
	printf("%.0f\n", (double)n / (now() - t0));
	return 0;
}

int
main(int argc, char **argv)
{
	static char msg[1 << 21], rec[8192];
	struct arena arena;
	struct facts f;
	char err[256];
	double t0, secs;
	size_t len;
	long n = 0;
	FILE *fp;

	if (argc != 4)
		return 2;
	if (strcmp(argv[1], "--key-decode") == 0)
		return key_decodes(argv[2], atof(argv[3]));
	fp = fopen(argv[1], "rb");
	if (fp == NULL)
		return 2;
	len = fread(msg, 1, sizeof(msg) - 1, fp);
	fclose(fp);
	fp = fopen(argv[2], "rb");
	if (fp == NULL || fgets(rec, sizeof(rec), fp) == NULL)
		return 2;
	fclose(fp);
	rec[strcspn(rec, "\n")] = '\0';
	key_record = rec;
	secs = atof(argv[3]);
	t0 = now();
	do {
		arena_init(&arena);
		facts_init(&f);
		if (dkimv_message(msg, len, NULL, memory_lookup, NULL, &f,
			&arena, err, sizeof(err))
			!= 0
		    || f.n_dkim != 1 || f.dkim[0].result != AG_DKIMR_PASS) {
			fprintf(stderr, "bench_dkim: did not verify: %s\n",
			    f.n_dkim ? ag_dkim_name(f.dkim[0].result) : err);
			return 1;
		}
		arena_free(&arena);
		n++;
	} while (now() - t0 < secs);
	printf("%.0f\n", (double)n / (now() - t0));
	return 0;
}
