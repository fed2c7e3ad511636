/*
 * test_verify.c: verify/ pieces that need no network: the SPF record
 * syntax check behind the module's reading of Exim's "(invalid)", and
 * the resolver's refusal of names it cannot ask for.
 */
#include "../../verify/dns.h"
#include "../../verify/spfrec.h"
#include "helpers.h"

static void
test_spf_syntax(void **state)
{
	static const char *const good[] = {
		"v=spf1 -all",
		"v=spf1",
		"v=SPF1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all",
		"v=spf1 a mx a:mail.example.com/24 mx:example.com//64 -all",
		"v=spf1 include:_spf.google.com ?all",
		"v=spf1 exists:%{i}.spf.example.com -all",
		"v=spf1 ptr ptr:example.com +all",
		"v=spf1 redirect=_spf.example.com",
		"v=spf1 ip4:192.0.2.1 exp=explain.example.com unknown-mod=x -all",
		"v=spf1  a   -all ",
	};
	static const char *const bad[] = {
		"v=spf2 -all",
		"spf1 -all",
		"v=spf1 ip4:bogus -all",
		"v=spf1 ip4:192.0.2.0/33",
		"v=spf1 ip6:2001:db8::/129",
		"v=spf1 include -all",
		"v=spf1 include: -all",
		"v=spf1 frobnicate -all",
		"v=spf1 all:x",
		"v=spf1 a/",
		"v=spf1 a/x",
		"v=spf1 1bad=x",
		/* eleven lookups */
		"v=spf1 a a a a a a a a a a a -all",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!spfrec_syntax_ok(good[i]))
			fail_msg("rejected: %s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (spfrec_syntax_ok(bad[i]))
			fail_msg("accepted: %s", bad[i]);
	assert_true(spfrec_is_spf("v=spf1 -all"));
	assert_false(spfrec_is_spf("v=spf10 -all"));
}

static void
test_dns_bad_names(void **state)
{
	struct dnsq_answer a;
	struct arena arena;

	(void)state;
	arena_init(&arena);
	dnsq_txt("bad name.example", 1, &arena, &a);
	assert_int_equal(a.status, DNSQ_BADNAME);
	dnsq_txt("x}}${run{/bin/sh}}.example", 1, &arena, &a);
	assert_int_equal(a.status, DNSQ_BADNAME);
	dnsq_txt("", 1, &arena, &a);
	assert_int_equal(a.status, DNSQ_BADNAME);
	dnsq_txt("\xff\xfe.example", 1, &arena, &a);
	assert_int_equal(a.status, DNSQ_BADNAME);
	assert_string_equal(dnsq_status_name(DNSQ_TEMPERROR), "temperror");
	arena_free(&arena);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spf_syntax),
		cmocka_unit_test(test_dns_bad_names),
	};

	return cmocka_run_group_tests_name("verify", tests, NULL, NULL);
}
