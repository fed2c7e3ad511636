/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_domcanon.c: one canonical form per domain. Every spelling of a
 * domain a reader takes for it (capitals, full-width letters, decomposed
 * accents, A-labels, invisible and bidi code points, look-alike dots,
 * spaces, stray bytes) maps to the same A-label form; what needed a
 * reader's eyes is marked as such.
 */
#include "helpers.h"
#include "mail/domcanon.h"

struct canon_case {
	const char *in;
	enum domcanon_status want;
	const char *out; /* "" for DOMCANON_INVALID */
};

static const struct canon_case cases[] = {
	{ "bank.example", DOMCANON_OK, "bank.example" },
	{ "BANK.Example.", DOMCANON_OK, "bank.example" },
	{ "\xef\xbd\x82\xef\xbd\x81\xef\xbd\x8e\xef\xbd\x8b.example",
	    DOMCANON_OK, "bank.example" }, /* full-width */
	{ "b\xc3\xa4nk.example", DOMCANON_OK, "xn--bnk-qla.example" },
	{ "ba\xcc\x88nk.example", DOMCANON_OK, "xn--bnk-qla.example" },
	{ "B\xc3\x84NK.example", DOMCANON_OK, "xn--bnk-qla.example" },
	{ "XN--BNK-QLA.example", DOMCANON_OK, "xn--bnk-qla.example" },
	{ "bank\xe2\x80\x8b.example", DOMCANON_OK, "bank.example" }, /* ZWSP */
	{ "bank\xc2\xad.example", DOMCANON_OK, "bank.example" },     /* SHY */
	{ "bank\xe3\x80\x82"
	  "example",
	    DOMCANON_OK, "bank.example" },
	{ "bank\xe2\x80\x8d.example", DOMCANON_SEEN, "bank.example" }, /* ZWJ */
	{ "ba\xe2\x80\x8cnk.example", DOMCANON_SEEN,
	    "bank.example" }, /* ZWNJ */
	{ "bank\xe2\x80\xae.example", DOMCANON_SEEN, "bank.example" }, /* RLO */
	{ "\xe2\x80\x8f"
	  "bank.example",
	    DOMCANON_SEEN, "bank.example" },
	{ "bank\xe2\x81\xa6.example", DOMCANON_SEEN, "bank.example" }, /* LRI */
	{ "bank\xd8\x9c.example", DOMCANON_SEEN, "bank.example" },     /* ALM */
	{ "bank\xe2\x80\xa4"
	  "example",
	    DOMCANON_SEEN, "bank.example" },
	{ "bank\xef\xb9\x92"
	  "example",
	    DOMCANON_SEEN, "bank.example" },
	{ "bank.example\xc2\xa0", DOMCANON_OK, "bank.example" },
	{ "bank\xc2\xa0.example", DOMCANON_OK, "bank.example" }, /* UTS #46 */
	{ "bank\xe2\x80\x83.example", DOMCANON_OK, "bank.example" },
	{ "bank\xff.example", DOMCANON_SEEN, "bank.example" },
	{ "bank\xef\xbf\xbd.example", DOMCANON_SEEN,
	    "bank.example" }, /* FFFD */
	{ "bank\xc0\xae"
	  "example",
	    DOMCANON_SEEN, "bankexample" }, /* overlong */
	{ "b\xe2\x80\x8d\xc3\xa4nk.example", DOMCANON_SEEN,
	    "xn--bnk-qla.example" },
	/* IDNA2008 refuses "--" in a label's third and fourth places; DNS
	 * does not, and other spellings of such a name are the same name. */
	{ "ab--cd.example", DOMCANON_OK, "ab--cd.example" },
	{ "\xef\xbd\x81\xef\xbd\x82--cd.example", DOMCANON_OK,
	    "ab--cd.example" },
	{ "x---\xef\xbd\x81\xe2\x80\x8b.example", DOMCANON_OK,
	    "x---a.example" },
	{ "ab--c\xc3\xa4.example", DOMCANON_INVALID, "" },
	{ "a_b.example", DOMCANON_INVALID, "" },
	{ "b\xc3\xa4nk_.example", DOMCANON_INVALID, "" },
	/* Empty labels: a reader sees one dot between labels. */
	{ "bank..example", DOMCANON_SEEN, "bank.example" },
	{ ".bank.example", DOMCANON_SEEN, "bank.example" },
	{ "bank.example..", DOMCANON_SEEN, "bank.example" },
	{ "bank\xdb\x94"
	  "example",
	    DOMCANON_SEEN, "bank.example" }, /* 06D4 */
	{ "bank\xe2\x80\xa7"
	  "example",
	    DOMCANON_SEEN, "bank.example" }, /* U+2027 */
	{ "bank\xe2\xa0\x80.example", DOMCANON_SEEN, "bank.example" },
	{ "bank.example\xe2\xa0\x80", DOMCANON_SEEN, "bank.example" },
	{ "", DOMCANON_INVALID, "" },
	{ "\xe2\x80\x8d", DOMCANON_INVALID, "" },
	{ "\xf0\x9f\x92\xa9.example", DOMCANON_INVALID, "" }, /* emoji */
	{ "xn--.example", DOMCANON_INVALID, "" },
};

static void
test_cases(void **state)
{
	char out[DOMAIN_MAX_LEN + 1], err[128], again[DOMAIN_MAX_LEN + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct canon_case *c = &cases[i];
		enum domcanon_status st
		    = domcanon(c->in, strlen(c->in), out, err, sizeof(err));

		if (st != c->want || strcmp(out, c->out) != 0)
			fail_msg("case %zu: got %s \"%s\" (%s), want %s \"%s\"",
			    i, domcanon_status_name(st), out, err,
			    domcanon_status_name(c->want), c->out);
		if (st == DOMCANON_INVALID)
			continue;
		if (st == DOMCANON_SEEN)
			assert_true(err[0] != '\0');
		/* The canonical form is canonical. */
		assert_int_equal(domcanon(out, strlen(out), again, err,
				     sizeof(err)),
		    DOMCANON_OK);
		assert_string_equal(again, out);
		assert_int_equal(domcanon_strict(c->in, strlen(c->in), again,
				     err, sizeof(err)),
		    st == DOMCANON_OK ? 0 : -1);
	}
}

/* Padding with invisible code points is no way past the length limit:
 * the name is still read as the domain it shows. */
static void
test_padding(void **state)
{
	char in[8192], out[DOMAIN_MAX_LEN + 1], err[128];
	size_t o = 0, i;

	(void)state;
	memcpy(in, "bank", 4);
	o = 4;
	for (i = 0; i < 2000; i++) {
		memcpy(in + o, "\xe2\x80\x8d", 3);
		o += 3;
	}
	memcpy(in + o, ".example", 8);
	o += 8;
	assert_int_equal(domcanon(in, o, out, err, sizeof(err)), DOMCANON_SEEN);
	assert_string_equal(out, "bank.example");
}

/* A code point hidden inside punycode is read as the decoded name
 * shows it; punycode that does not decode is no domain. */
static void
test_alabels(void **state)
{
	static const char *const hidden[] = {
		"xn--bank-876a.example", /* bank + ZWJ */
		"XN--BANK-YD7A.EXAMPLE", /* bank + RLO */
		"xn--bank-176a.example", /* ba + ZWNJ + nk */
		"xn--bank-yea.example",	 /* bank + no-break space */
	};
	char out[DOMAIN_MAX_LEN + 1], err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		assert_int_equal(domcanon(hidden[i], strlen(hidden[i]), out,
				     err, sizeof(err)),
		    DOMCANON_SEEN);
		assert_string_equal(out, "bank.example");
	}
	assert_int_equal(domcanon("xn--.example", 12, out, err, sizeof(err)),
	    DOMCANON_INVALID);
	assert_string_equal(out, "");
}

/* Names IDNA accepts that a reader takes for a dotted name. */
static void
test_dotted(void **state)
{
	static const char *const dotted[] = {
		"mail\xc2\xb7"
		"bank.example", /* U+00B7 */
		"mail\xdb\xb0"
		"bank.example", /* U+06F0 */
		"mail\xe3\x83\xbb"
		"bank.example", /* U+30FB */
		"mail\xef\xbd\xa5"
		"bank.example", /* U+FF65 */
		"mail\xe2\x80\xa7"
		"bank.example", /* U+2027 */
	};
	char out[DOMAIN_MAX_LEN + 1], view[DOMAIN_MAX_LEN + 1], err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dotted) / sizeof(dotted[0]); i++) {
		enum domcanon_status st = domcanon(dotted[i], strlen(dotted[i]),
		    out, err, sizeof(err));

		if (st == DOMCANON_SEEN) { /* refused by IDNA: seen already */
			assert_string_equal(out, "mail.bank.example");
			continue;
		}
		assert_int_equal(st, DOMCANON_OK);
		if (domcanon_dotted(out, view) != 1)
			fail_msg("%zu: %s is not seen as dotted", i, out);
		assert_string_equal(view, "mail.bank.example");
	}
	assert_int_equal(domcanon_dotted("bank.example", view), 0);
	assert_int_equal(domcanon_dotted("xn--bnk-qla.example", view), 0);
	/* Catalan l·l is dotted to a reader too (col.legi.cat). */
	assert_int_equal(domcanon("col\xc2\xb7legi.cat", 13, out, err,
			     sizeof(err)),
	    DOMCANON_OK);
	assert_int_equal(domcanon_dotted(out, view), 1);
	assert_string_equal(view, "col.legi.cat");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_alabels),
		cmocka_unit_test(test_dotted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
