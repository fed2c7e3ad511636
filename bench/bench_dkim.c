/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench_dkim.c: authgate's own DKIM verification (verify/dkim.c on
 * nettle) of a signed message, keys served from memory so that DNS is
 * out of the figure. Prints verifications per second. With --floor, the
 * floor with the same library: SHA-256 of every byte of the message and
 * one signature check (RSA or Ed25519, as the key is) of the message's
 * b= under the decoded key, nothing else. With --key-decode, decodes of
 * the key record alone, the process's key cache emptied each time (what
 * a changed record costs).
 * usage: bench_dkim MESSAGE KEYRECORD SECONDS
 *        bench_dkim --floor MESSAGE KEYRECORD SECONDS
 *        bench_dkim --key-decode KEYRECORD SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nettle/sha2.h>

#include "mail/msg.h"
#include "mail/taglist.h"
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
		dkimkey_cache_clear();
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

/* The floor: SHA-256 of the message's bytes and one signature check of
 * its b= (a check that fails costs what one that passes does). */
static int
floor_rate(const char *msg, size_t len, const char *rec, double secs)
{
	static struct msg m;
	unsigned char sig[DKIMKEY_MAX_SIG], digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	struct dkimkey key;
	struct taglist tl;
	const char *v;
	size_t vlen, i;
	long siglen = -1, n = 0;
	double t0;

	msg_parse(msg, len, &m);
	for (i = 0; i < m.n_fields && siglen < 0; i++)
		if (msg_field_is(&m.fields[i], "DKIM-Signature")) {
			v = msg_field_value(&m.fields[i], &vlen);
			if (taglist_parse(v, vlen, &tl) == 0)
				siglen = tag_base64(taglist_get(&tl, "b"), sig,
				    sizeof(sig));
		}
	dkimkey_parse(rec, &key);
	if (siglen <= 0 || key.status != DKIMKEY_OK)
		return 1;
	t0 = now();
	do {
		sha256_init(&ctx);
		sha256_update(&ctx, len, (const uint8_t *)msg);
		sha256_digest(&ctx, sizeof(digest), digest);
		(void)dkimkey_verify_digest(&key,
		    key.ed25519 ? DKIMKEY_ED25519_SHA256 : DKIMKEY_RSA_SHA256,
		    digest, sig, (size_t)siglen);
		n++;
	} while (now() - t0 < secs);
	dkimkey_free(&key);
	printf("%.0f\n", (double)n / (now() - t0));
	return 0;
}

int
main(int argc, char **argv)
{
	bool floor_only = argc == 5 && strcmp(argv[1], "--floor") == 0;
	static char msg[1 << 21], rec[8192];
	struct arena arena;
	struct facts f;
	char err[256];
	double t0, secs;
	size_t len;
	long n = 0;
	FILE *fp;

	if (floor_only) {
		argv++;
		argc--;
	}
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
	if (floor_only)
		return floor_rate(msg, len, rec, secs);
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
