/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_aggregate.c: DMARC aggregate reports (report/aggregate.h) from
 * messages given directly: which messages count, rows and their
 * dispositions and override reasons, the XML, the limit on reports.
 */
#include "helpers.h"
#include "report/aggregate.h"

#define DAY 1795305600 /* 2026-11-22T00:00:00Z */

/* A message of the day from a.example, DMARC failed and rejected. */
static void
message(struct rua_message *m, struct facts *f, struct arena *arena,
    const char *facts_j)
{
	facts_ok(f, arena, J(facts_j));
	memset(m, 0, sizeof(*m));
	m->when = DAY + 3600;
	m->action = AG_REJECT;
	m->has_dmarc = true;
	m->result = AG_DMARCR_FAIL;
	m->from_domain = "a.example";
	m->record = "_dmarc.a.example";
	m->policy = "reject";
	m->facts = f;
}

static const char *const facts_a
    = "{'client':{'ip':'192.0.2.1'},'mail_from':'b@bounce.a.example',"
      "'from':['a@a.example'],'spf':{'result':'fail','domain':"
      "'bounce.a.example'},'dkim':[{'d':'a.example','s':'s1','result':"
      "'body_modified'}],'dns':{'_dmarc.a.example':"
      "'v=DMARC1; p=reject; rua=mailto:agg@a.example; fo=1'}}";

static void
test_what_counts(void **state)
{
	struct rua *a = malloc(sizeof(*a));
	struct rua_message m;
	struct arena arena;
	struct facts f;

	(void)state;
	assert_non_null(a);
	arena_init(&arena);
	rua_init(a, DAY, DAY + 86399);
	message(&m, &f, &arena, facts_a);
	assert_int_equal(rua_add(a, &m), 1);
	assert_int_equal(rua_add(a, &m), 1);
	assert_int_equal(a->n, 1);
	assert_string_equal(a->report[0]->domain, "a.example");
	assert_string_equal(a->report[0]->record,
	    "v=DMARC1; p=reject; rua=mailto:agg@a.example; fo=1");
	assert_int_equal(a->report[0]->messages, 2);
	assert_int_equal(a->report[0]->rows.n, 1);
	m.when = DAY + 86400; /* the next day */
	assert_int_equal(rua_add(a, &m), 0);
	m.when = -1;
	assert_int_equal(rua_add(a, &m), 0);
	m.when = DAY;
	m.action = AG_TEMPFAIL; /* counted when it comes again */
	assert_int_equal(rua_add(a, &m), 0);
	m.action = AG_REJECT;
	m.result = AG_DMARCR_TEMPERROR;
	assert_int_equal(rua_add(a, &m), 0);
	m.result = AG_DMARCR_FAIL;
	m.record = "_dmarc.b.example"; /* not in the DNS snapshot */
	assert_int_equal(rua_add(a, &m), 0);
	m.has_dmarc = false;
	m.record = "_dmarc.a.example";
	assert_int_equal(rua_add(a, &m), 0);
	assert_int_equal(a->report[0]->messages, 2);
	/* A record without rua=, or not a record at all, asks for none. */
	message(&m, &f, &arena,
	    "{'dns':{'_dmarc.a.example':'v=DMARC1; p=reject'}}");
	assert_int_equal(rua_add(a, &m), 0);
	message(&m, &f, &arena, "{'dns':{'_dmarc.a.example':'temperror'}}");
	assert_int_equal(rua_add(a, &m), 0);
	message(&m, &f, &arena,
	    "{'dns':{'_dmarc.a.example':['v=DMARC1; rua=mailto:x@a.example',"
	    "'v=DMARC1; p=none']}}");
	assert_int_equal(rua_add(a, &m), 0);
	assert_int_equal(a->n, 1);
	rua_free(a);
	assert_int_equal(a->n, 0);
	arena_free(&arena);
	free(a);
}

/* The report's XML, one row per source, disposition and results. */
static void
test_rows_and_xml(void **state)
{
	static const struct rua_finding waived_arc[]
	    = { { AG_DKIM_BODY_MODIFIED, "dmarc.pass" },
		      { AG_DMARC_REJECT, "arc.sealer:lists.example" } };
	static const struct rua_finding waived_relay[]
	    = { { AG_DMARC_REJECT, "trusted.relay:192.0.2.0/24" } };
	struct rua *a = malloc(sizeof(*a));
	struct rua_message m;
	struct arena arena;
	struct facts f;
	struct sbuf sb;
	const char *x;

	(void)state;
	assert_non_null(a);
	arena_init(&arena);
	rua_init(a, DAY, DAY + 86399);
	message(&m, &f, &arena, facts_a);
	assert_int_equal(rua_add(a, &m), 1); /* reject, as published */
	m.action = AG_TAG;		     /* quarantine: local policy */
	assert_int_equal(rua_add(a, &m), 1);
	m.action = AG_ACCEPT; /* none: a mailing list */
	m.findings = waived_arc;
	m.n_findings = 2;
	assert_int_equal(rua_add(a, &m), 1);
	m.findings = waived_relay; /* none: a trusted forwarder */
	m.n_findings = 1;
	assert_int_equal(rua_add(a, &m), 1);
	m.n_findings = 0;
	m.sampled_out = true; /* none: pct= left it out */
	assert_int_equal(rua_add(a, &m), 1);
	assert_int_equal(a->report[0]->rows.n, 5);
	sbuf_init(&sb, 1 << 20);
	rua_render_xml(a, a->report[0], "Org <&> \"x\"\x01", "p@gw.test",
	    "id.1", &sb);
	x = sbuf_cstr(&sb);
	assert_non_null(strstr(x,
	    "<org_name>Org &lt;&amp;&gt; &quot;x&quot;?</org_name>"
	    "<email>p@gw.test</email><report_id>id.1</report_id>"
	    "<date_range><begin>1795305600</begin><end>1795391999</end>"));
	assert_non_null(strstr(x,
	    "<policy_published><domain>a.example</domain><adkim>r</adkim>"
	    "<aspf>r</aspf><p>reject</p><sp>reject</sp><pct>100</pct>"
	    "<fo>1</fo></policy_published>"));
	assert_non_null(strstr(x,
	    "<row><source_ip>192.0.2.1</source_ip><count>1</count>"
	    "<policy_evaluated><disposition>reject</disposition><dkim>fail"
	    "</dkim><spf>fail</spf></policy_evaluated></row><identifiers>"
	    "<envelope_from>bounce.a.example</envelope_from><header_from>"
	    "a.example</header_from></identifiers><auth_results><dkim>"
	    "<domain>a.example</domain><selector>s1</selector><result>fail"
	    "</result></dkim><spf><domain>bounce.a.example</domain><scope>"
	    "mfrom</scope><result>fail</result></spf></auth_results>"));
	assert_non_null(strstr(x,
	    "<disposition>quarantine</disposition><dkim>fail</dkim><spf>fail"
	    "</spf><reason><type>local_policy</type></reason>"));
	assert_non_null(strstr(x, "<reason><type>mailing_list</type>"));
	assert_non_null(strstr(x, "<reason><type>trusted_forwarder</type>"));
	assert_non_null(strstr(x, "<reason><type>sampled_out</type>"));
	assert_non_null(strstr(x, "</feedback>\n"));
	sbuf_free(&sb);
	rua_free(a);
	arena_free(&arena);
	free(a);
}

/* At most RUA_MAX_REPORTS domains; messages of others are left out. */
static void
test_report_limit(void **state)
{
	struct rua *a = malloc(sizeof(*a));
	struct rua_message m;
	struct arena arena;
	struct facts f;
	char name[64], *n;
	size_t i;

	(void)state;
	assert_non_null(a);
	arena_init(&arena);
	rua_init(a, DAY, DAY + 86399);
	message(&m, &f, &arena, facts_a);
	for (i = 0; i <= RUA_MAX_REPORTS; i++) {
		snprintf(name, sizeof(name), "_dmarc.d%zu.example", i);
		n = arena_strdup(&arena, name);
		m.record = f.dns[0].name = n;
		assert_int_equal(rua_add(a, &m), i < RUA_MAX_REPORTS ? 1 : -1);
	}
	assert_int_equal(a->n, RUA_MAX_REPORTS);
	assert_string_equal(a->report[RUA_MAX_REPORTS - 1]->domain,
	    "d9999.example");
	rua_free(a);
	arena_free(&arena);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_counts),
		cmocka_unit_test(test_rows_and_xml),
		cmocka_unit_test(test_report_limit),
	};

	return cmocka_run_group_tests_name("aggregate", tests, NULL, NULL);
}
