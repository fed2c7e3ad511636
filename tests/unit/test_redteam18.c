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

/* A message signed by python3-dkim with a 9216-bit key (d=example.com,
 * s=fz), which python3-dkim verifies. */
static const char rsa9216_record[]
    = "v=DKIM1; k=rsa; p=MIIEojANBgkqhkiG9w0BAQEFAAOCBI8AMIIEigKCBIEAwthc"
      "l63JLxAUelApAGDn7OfWe4gNXA7Oa6d5PBeN0qU1mCSNYjgizk3eq/O02E5LsAQwG8"
      "K/G7AmOJDmn3BQK46HvxQPepVt84UX+Hmn5M6SP04kz25YyPJyOcFJGH/mkr2df/Bf"
      "Q4OCjXeIaU+ezAB1YV3VjG7Vm2D1S53oCzncAfusVAA8LzEEWWUElrjWj0p+3w9t+o"
      "VwPejKyRXn9jv9bmudFHOouTf5B6/7gl79umTZ6vTPl0FZb/rejXQEpCD8YtoATXBW"
      "TG30Z0agZ3Ah+XissXJcjAgavtAA0JWHaH77PYnKJ2Rnhwm/L95kUfrdWr0Dw0TMDm"
      "EuYUzKORdpmfuxqX0o9Nj9DtagsxarQaMuumwy8KUqthh3pCexuFI7o8Ca7tEeN9j8"
      "rANo/4UrA029UxDNCVpnBBE4M2fJPZhpOiouGFzPT9L7b2dLI2kSYlk5f1wkU2aIuL"
      "6WMDbUe6SoKmafE4HNIT39zpcNXzW8W5LQx6G5QXydy1DLxMPgmiYDn2Ux/udh/eO0"
      "LzZj1diQKNErhZLMQ5AvjuTcHaSn8RyOmrOhEvlE6gXzmXQxar4U/4MrKGGyu/Z4hc"
      "kDrcdsK8fd1rnGBD1l/cW2CI+2zRdDzQU1tPUtx0IBnr0oTOLSQ5/kY5l0Nw2L6UDw"
      "BJE601ClVtMc9KEFPqUrllP3XQyhOf78nIiAOYs0TrrLjLnwkGgdN5SVDCO0GsA5hf"
      "AY+ixGuGOyfr9xPmnrXuKGEz+UihmeJBpxffb7DanAGJIcF9ellrhyJnZq1EGKhAkk"
      "E5cIfRmSiG3vaWuVRPDMXSTHo3unEARLvnSG5WVnXRZtqKrFb83xgcuIvLPeBWIVny"
      "6pLsNNfyqoQQAGjewGmscqt/fn687/DGSJVtoAV/RE3pr0fiKyJOWiFUTmWnIGGG5C"
      "iSztd/TpONFjA2xFh349jIu2TiUTT4bf88Rc+Etert518kNOK0JI1/ZzdBv+Sf942v"
      "+Uc9Zb3z4xoeK/w3JJwDtmfsAWYi0NpEGN3B+UqZ2GTDudeN6pCnH/9Tjgje233SdB"
      "Q3Myv5kFVijFtRa8Kgr+S8drN4wP5BDtWPIfZyEh+VH7sxNKF+5WU705DJJdGzNL8+"
      "LWPgd65jN61eVIFqhfZ1EH/zOEUNNB4LyDkXwyCv+9XRn2nD3KbxUpBqYxHcL6HkbC"
      "KU3NCGn8jmLp8SS1DdxlMwd+zVy9NgGpLmZ5YZb5z4QLtl+Yplnqxp/W2V4v5Ya7df"
      "HatzUmcXar50gpdTS0bz8Exxq17YBsvOkFOdPqig0bdMEs9hSdJqM5+10unQidw0yH"
      "JOam9tbu/MnHLQC94rgI2jJuZ24eQfvrhQ7KKcvlGxIndrwIHzXaRdmkA8UB0x8vtP"
      "vgNoNEokK8vVmDM7L5KKzjPMcgNpO35QHpN5/2H8IpSaAhrERTxYnmnmD6rXDTAcSP"
      "R36VTJgvHHWFWju2txE6eM5IciZdsJE31qQ44CjHpT91rfzZSFmkPyGCS36Os/f5AB"
      "H/xEpB7EWp3afRAgMBAAE=";
static const char rsa9216_signed[]
    = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.co"
      "m;\r\n"
      " i=@example.com; q=dns/txt; s=fz; t=1796683998; h=from : subject;\r\n"
      " bh=GVz/CG5ZsAtKynLk6yzbqFfB4F5h3X5ZmXt9rc6jZRI=;\r\n"
      " b=CjOEIOfW9MeVXD3VeiyaoW9t9r7q/KAUnHrSu1MQdxioaJ8KrRoopf5LQ4oSplc"
      "InIH0e\r\n"
      " OB0O4I5SYMoDelt7PFagZU+9R8icJYe9QKhQ3kzKrDpAtmEgBkxCFzs+vnSUP3XT7"
      "9FXJ65\r\n"
      " q/sga4x5joDS7bENlE1iK0rE+q/LrL+ebS5A1jxoierIsf+d+PTfzEJnvi8jQFnZu"
      "Q+tsf/\r\n"
      " +eeYhNaz2LkuEzb6PILrMKofqDislsVRymrIneHshDSeHhbaBx/c2+pFTzPzTChDb"
      "CqdisK\r\n"
      " jBYXdhiTuU5urI/GoSZTEdP315xSvAMUQnZwbMsjKcBywBpd2fMAwu1cKlx7qLr5s"
      "ERpOOq\r\n"
      " gAgZypyRfJqCLCRziHVShRUOKWl9tlAk5LC2rjjM0E9QHqc5Ti6eLSwLCpOU/TAj3"
      "gcctgo\r\n"
      " X7DcbtHdfQMq2X36FeWP7qUWl8nsAOArm4vPDhtesJs4z7ZOQcyC5YvrHqL9FWq90"
      "5wJQFX\r\n"
      " sjwiDqG3O6Txsqav+/axDR3qfn9JCM2AfzYgQwAZOlM4inHjEJIR2C5DEW8u5kSJO"
      "dpGtwA\r\n"
      " pJeTu1AqgG0Eav5Gzue1D6hMrbY3a0hKrgYtG6AdeZoHnQSEAWYVG8hMyCgGjeKIi"
      "p9OaUl\r\n"
      " A1Lv80Ts1YnNogpyIqZFj5tfnSiP1nrJaOxhvOn2Udjd0ezKGxDGmQEQrSKCR/2C0"
      "8ixl0F\r\n"
      " d+CF4xqgYl1cvwPANUDUfjkKxVFtS5XVFaO7d8fSyb8rTzGZb3xiX3EiNTKs/Am8w"
      "Sd3OSs\r\n"
      " NWMFR3y0qy3EAMax1jPQ15rfsIu//KNJKxmLzETwtRQsJc9Buxp05c69YKwJSjQR5"
      "zZwgop\r\n"
      " o8hwKht47ZKeramyRGwmIieH+iAcSrZ/fv/4pJZsdglKKDRJyZKrjRqMscCc5BXph"
      "lHC982\r\n"
      " aGdtrieLbtWqPB2OAh2Pgt+CrHZ4EfSAZDkc7jthSD+BIqn0WhdzH+K3cButwNU6I"
      "bWp5sH\r\n"
      " WyyrHe4RWADyeZoJ0vVcDgT+Mgg+UGsxk41oP1r5VrrBPXSleGBJvJ7hfUHFPEbDy"
      "cZVLv3\r\n"
      " Oqh/FHW+QR7XnrTXwM61beoq2ptN7mPr37kEQ4E1nXPaVj5iLGbqXBFbfp5P8GFQx"
      "qiolV8\r\n"
      " bIdvxD+EN7YqdGVG0y2Mbr4si7HnNR8vjAG0q637/DoqyOpaahqeVghUKHU+ktxJq"
      "fCXd9v\r\n"
      " Lb2sP9QXfAllFjnUpAJUvTQwBx7AY0qL8ZzHaulbBMLVIzCL3WPA4r1PHH2rlmmpr"
      "irMtRs\r\n"
      " imtXVJvQURjlvVp9JsZAAU7cXkFEL8l5LqlMPWPO+zXTkUMFqGAsoJid1tfFd+RX3"
      "SBgi7/\r\n"
      " rMy85GF1R1Y4EGqqmtmQEbSlth0bok1xCYZu6JNZjv7rxNZYduvSpOszRK0ofrDag"
      "ODO52L\r\n"
      " hpHcUSGbrjwTJS9Kic8HjxmTE3Pt8cvd2nSUqHAZQAMwd3JJrpKcfFnfxtz0GOKFv"
      "ITEDWU\r\n"
      " S7lUuP36AUihNWNT5RPDx8T4GW4kHldMzovwsq22TnnLMeT\r\n"
      "From: a@example.com\r\n"
      "To: b@example.org\r\n"
      "Subject: hi\r\n"
      "\r\n"
      "body line\r\n";

/* Signed by python3-dkim with i=user@sub.example.com under d=example.com;
 * its key record says t=s. */
static const char strict_record[]
    = "v=DKIM1; k=rsa; t=s; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCZ/Qd"
      "yvdhd+AbJbyaGDM9QOnnHiPNlBggbGf83nxFaO9+FhQtJrSr/XkCl+W6mo1fCYTLLF"
      "4uFehk+z0TH2gXpJzxrQEU1A8jToXTkq8PNOLJ1xtx+/q3mgFVXFvFRhJtgmhKj2C8"
      "3qlrL9qQWd4atsyBDbYmJvrPs73Djgr+mjwIDAQAB";
static const char subdomain_i_signed[]
    = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.co"
      "m;\r\n"
      " i=user@sub.example.com; q=dns/txt; s=fz; t=1796684512; h=from :\r\n"
      " subject; bh=GVz/CG5ZsAtKynLk6yzbqFfB4F5h3X5ZmXt9rc6jZRI=;\r\n"
      " b=HetAvPTfZlOUNyTT2u01d3+Q8bEhh8AGxlQice6RftHmS+QRNS1IoRxvL4m20XP"
      "XvZBPp\r\n"
      " 9Qxb8KCmDBdjZrVhR1iHT1Fx9pclQOVsTFmyTIZHAfnShEjUKyeCCWVDKjk7sTRfm"
      "h2WThp\r\n"
      " wNr4ftAllTEeYV1kiIaNmPOrxAP8kUc=\r\n"
      "From: a@example.com\r\n"
      "Subject: hi\r\n"
      "\r\n"
      "body line\r\n";

/* The same key, i=user@example.com. */
static const char own_i_signed[]
    = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.co"
      "m;\r\n"
      " i=user@example.com; q=dns/txt; s=fz; t=1796684534; h=from : subje"
      "ct;\r\n"
      " bh=GVz/CG5ZsAtKynLk6yzbqFfB4F5h3X5ZmXt9rc6jZRI=;\r\n"
      " b=XIdzjZJbXpMu8AoOjh1VO7iuSxQpqkorj7HLEC5zjPth3XGzr6Vxngezs/5N+/p"
      "cJP2UL\r\n"
      " g4dWM3GAW1UKJoYE77HoTTd8Q1oYQ+CDVcHWk2FE0MbjnPNUJIWFE2GQ+pkQU24OO"
      "boXsZ9\r\n"
      " ZzdSRYDv18Z8DBFmRwL4WWufruxt2QA=\r\n"
      "From: a@example.com\r\n"
      "Subject: hi\r\n"
      "\r\n"
      "body line\r\n";

static const char *own_record = rsa_record;

/* The sender's own key, for any name. */
static void
own_key(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	(void)name;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_OK;
	a->n_txt = 1;
	a->txt[0] = own_record;
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

/* RSA keys are read up to 16384 bits, but a signature of more than
 * 1024 bytes (8192 bits) was refused unread as malformed: a genuine
 * signature under a larger key (which python3-dkim and OpenSSL verify)
 * was a permerror. */
static void
test_large_rsa_signature(void **state)
{
	struct arena arena;
	struct facts f;
	char err[256];

	(void)state;
	own_record = rsa9216_record;
	arena_init(&arena);
	facts_init(&f);
	assert_int_equal(dkimv_message(rsa9216_signed, strlen(rsa9216_signed),
			     NULL, own_key, NULL, &f, &arena, err, sizeof(err)),
	    0);
	assert_int_equal(f.n_dkim, 1);
	if (f.dkim[0].result != AG_DKIMR_PASS)
		fail_msg("got %s", ag_dkim_name(f.dkim[0].result));
	assert_int_equal(f.dkim[0].bits, 9216);
	arena_free(&arena);
	own_record = rsa_record;
}

/* The result of the first signature of msg under the key record rec. */
static enum ag_dkim
first_result(const char *msg, const char *rec)
{
	struct arena arena;
	struct facts f;
	char err[256];
	enum ag_dkim r;

	own_record = rec;
	arena_init(&arena);
	facts_init(&f);
	assert_int_equal(dkimv_message(msg, strlen(msg), NULL, own_key, NULL,
			     &f, &arena, err, sizeof(err)),
	    0);
	assert_true(f.n_dkim >= 1);
	r = f.dkim[0].result;
	arena_free(&arena);
	own_record = rsa_record;
	return r;
}

/* RFC 6376 3.6.1: a key record with t=s is for d= itself: a signature
 * whose i= is of a subdomain must not pass under it (libopendkim's
 * SUBDOMAIN error, a sig_syntax before; python3-dkim ignores t=s). The
 * same signature passes under the record without s (t=y, t=*); a
 * signature with i= of d= itself passes under t=s. */
static void
test_key_strict_flag(void **state)
{
	char rec[512], *t;

	(void)state;
	assert_int_equal(first_result(subdomain_i_signed, strict_record),
	    AG_DKIMR_SIG_SYNTAX);
	snprintf(rec, sizeof(rec), "%s", strict_record);
	assert_non_null(t = strstr(rec, "t=s;"));
	memcpy(t, "t=y;", 4);
	assert_int_equal(first_result(subdomain_i_signed, rec), AG_DKIMR_PASS);
	memcpy(t, "t=*;", 4);
	assert_int_equal(first_result(subdomain_i_signed, rec), AG_DKIMR_PASS);
	memcpy(t, "t=s;", 4);
	assert_int_equal(first_result(own_i_signed, rec), AG_DKIMR_PASS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_fields_order),
		cmocka_unit_test(test_signed_fields_cost),
		cmocka_unit_test(test_large_rsa_signature),
		cmocka_unit_test(test_key_strict_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
