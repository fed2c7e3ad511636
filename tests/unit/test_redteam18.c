/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_redteam18.c: red-team findings (round 18) against the DKIM and
 * ARC verifier on nettle. Each test states the attack and the outcome
 * asked for; a failing test is an open hole.
 */
#include <time.h>

#include "helpers.h"
#include "mail/msg.h"
#include "mail/taglist.h"
#include "policy/facts.h"
#include "util/arena.h"
#include "util/sbuf.h"
#include "verify/dkim.h"
#include "verify/dns.h"
#include "verify/sigverify.h"

static const char rsa_record[]
    = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDZQ0al4iYEW8pT8"
      "R3mDXFTkP80p5iIe8PZheVI57Sat5m4BV8re6AdDALt6Y4T1+S3fsAdIsn90aLV86I78s"
      "1stEf7sW0qUQ8h2cUkK6Ow5eK1xuafbbO3P5WLIXEiicH2viMprNsarV+uvtvimaHGffS"
      "y3gi+uSyksmwH03P6YwIDAQAB";

/* The sender's own key, for any name. */
static void
own_key(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	(void)name;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_OK;
	a->n_txt = 1;
	a->txt[0] = rsa_record;
}

/* The canonical signed fields of text under the h= list hlist. */
static char *
signed_fields(const char *text, const char *hlist, bool relaxed)
{
	static struct msg m;
	struct taglist tl;
	struct sbuf out;
	char *copy;

	msg_parse(text, strlen(text), &m);
	assert_int_equal(taglist_parse(hlist, strlen(hlist), &tl), 0);
	sbuf_init(&out, 1 << 20);
	sigv_signed_fields(&m, relaxed, taglist_get(&tl, "h"), &out);
	assert_false(sbuf_failed(&out));
	copy = strdup(sbuf_cstr(&out));
	sbuf_free(&out);
	assert_non_null(copy);
	return copy;
}

/* RFC 6376 5.4.2: each h= name takes the last field of its name not yet
 * taken, bottom up; a name with none left adds nothing; names compare
 * case aside; a field name of any length can be signed (one of 80 bytes
 * or more was left out, so a genuine signature over it failed). */
static void
test_signed_fields_order(void **state)
{
	static const char msg[]
	    = "X-A: 1\r\n"
	      "From: top@example.com\r\n"
	      "x-a : 2\r\n"
	      "FROM: bottom@example.com\r\n"
	      "X-Very-Long-Header-Name-That-Runs-Past-Eighty-Bytes-Of-Name-"
	      "For-A-Test-Of-It-Really: long\r\n"
	      "Subject: s\r\n"
	      "\r\n"
	      "body\r\n";
	char *got;

	(void)state;
	got = signed_fields(msg,
	    "h=from:X-A:from:from:subject:x-a:x-a:nosuch:"
	    "x-very-long-header-name-that-runs-past-eighty-bytes-of-name-"
	    "for-a-test-of-it-really",
	    true);
	assert_string_equal(got,
	    "from:bottom@example.com\r\n"
	    "x-a:2\r\n"
	    "from:top@example.com\r\n"
	    "subject:s\r\n"
	    "x-a:1\r\n"
	    "x-very-long-header-name-that-runs-past-eighty-bytes-of-name-"
	    "for-a-test-of-it-really:long\r\n");
	free(got);
	got = signed_fields(msg, "h= From : x-A", false);
	assert_string_equal(got,
	    "FROM: bottom@example.com\r\n"
	    "x-a : 2\r\n");
	free(got);
}

/* A signature on the sender's own domain with an h= of 240,000 names
 * over 990 fields (480 KB of header, under Exim's 1 MB): each name was
 * looked for in every field, 1.9 s of CPU for one signature and 2.9 s
 * for four in 800 KB; now a binary search each. */
static void
test_signed_fields_cost(void **state)
{
	const int names = 240000, fields = 990;
	char *m = malloc(4 << 20), *o = m;
	struct arena arena;
	struct facts f;
	struct timespec t0, t1;
	char err[256];
	double ms;
	int i;

	(void)state;
	assert_non_null(m);
	o += sprintf(o,
	    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; "
	    "d=example.com; s=fz; "
	    "bh=GVz/CG5ZsAtKynLk6yzbqFfB4F5h3X5ZmXt9rc6jZRI=; b=AAAA; h=from");
	for (i = 0; i < names; i++)
		o += sprintf(o, ":a");
	o += sprintf(o, "\r\n");
	for (i = 0; i < fields; i++)
		o += sprintf(o, "b:\r\n");
	o += sprintf(o, "From: a@example.com\r\n\r\nbody line\r\n");
	arena_init(&arena);
	facts_init(&f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(dkimv_message(m, (size_t)(o - m), NULL, own_key, NULL,
			     &f, &arena, err, sizeof(err)),
	    0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_int_equal(f.n_dkim, 1);
	assert_int_equal(f.dkim[0].result, AG_DKIMR_BAD_SIGNATURE);
	arena_free(&arena);
	free(m);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3
	    + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (ms > 500)
		fail_msg("one signature took %.0f ms", ms);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_fields_order),
		cmocka_unit_test(test_signed_fields_cost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
