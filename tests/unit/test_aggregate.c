/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_aggregate.c: DMARC aggregate reports (report/aggregate.h) from
 * messages given directly and from log lines (log/reader.h) in the form
 * before RFC 9989 and after: which messages count, rows and their
 * dispositions and override reasons, the order of signatures, one report
 * per Policy Domain stating its last record, the names of a report, the
 * RFC 9990 XML, the limit on reports.
 */
#include "helpers.h"
#include "log/reader.h"
#include "report/aggregate.h"
#include "util/version.h"
#include "verify/consent.h"

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
	m.pct = 50;
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
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback "
	    "xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\"><version>1.0</version>"
	    "<report_metadata>"));
	assert_non_null(strstr(x,
	    "</date_range><generator>authgate " AUTHGATE_VERSION
	    "</generator></report_metadata>"));
	assert_non_null(strstr(x,
	    "<policy_published><domain>a.example</domain><p>reject</p>"
	    "<sp>reject</sp><np>reject</np><adkim>r</adkim><aspf>r</aspf>"
	    "<discovery_method>psl</discovery_method><fo>1</fo>"
	    "<testing>n</testing></policy_published>"));
	assert_null(strstr(x, "<pct>"));
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
	assert_non_null(strstr(x,
	    "<disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>"
	    "<reason><type>mailing_list</type><comment>ARC sealer "
	    "lists.example</comment></reason>"));
	assert_non_null(strstr(x,
	    "<reason><type>trusted_forwarder</type><comment>trusted relay "
	    "192.0.2.0/24</comment></reason>"));
	/* RFC 9990 has no sampled_out: an RFC 7489 line's says other. */
	assert_null(strstr(x, "sampled_out"));
	assert_non_null(strstr(x,
	    "<reason><type>other</type><comment>sampled out by pct=50 (RFC "
	    "7489)</comment></reason>"));
	assert_non_null(strstr(x, "</feedback>\n"));
	sbuf_free(&sb);
	rua_free(a);
	arena_free(&arena);
	free(a);
}

/* A log line into a message, as cmd_report.c reads it. */
struct logged {
	struct arena arena;
	struct logrec rec;
	struct rua_finding findings[LOGREC_MAX_FINDINGS];
	struct rua_message m;
};

static void
logged(struct logged *l, const char *line)
{
	const struct logrec_dmarc *d = &l->rec.dmarc;
	char err[256];
	size_t i;

	arena_init(&l->arena);
	line = J(line);
	if (logrec_read(&l->rec, line, strlen(line), LOGREC_ALL, &l->arena, err,
		sizeof(err))
	    != 0)
		fail_msg("%s", err);
	memset(&l->m, 0, sizeof(l->m));
	l->m.when = DAY + 3600;
	l->m.action = l->rec.action;
	l->m.has_dmarc = l->rec.has_dmarc;
	l->m.result = d->result;
	l->m.from_domain = d->domain;
	l->m.record = d->record;
	l->m.policy = d->policy;
	l->m.rfc9989 = d->rfc9989;
	l->m.policy_domain = d->policy_domain;
	l->m.org_domain = d->org_domain;
	l->m.published = d->published;
	l->m.testing = d->testing;
	l->m.pct0_testing = d->pct0_testing;
	l->m.arc_sealer = d->arc_sealer;
	l->m.pct = d->pct;
	l->m.sampled_out = d->sampled_out;
	l->m.spf_aligned = d->spf_aligned;
	l->m.dkim_aligned = d->dkim_aligned;
	for (i = 0; i < l->rec.n_findings; i++) {
		l->findings[i].cls = l->rec.findings[i].cls;
		l->findings[i].waived = l->rec.findings[i].waived;
	}
	l->m.n_findings = l->rec.n_findings;
	l->m.findings = l->findings;
	l->m.facts = &l->rec.facts;
}

/* The log line of a message from FROM under record REC at _dmarc.a.example,
 * with decision.dmarc DMARC (the members after "result"). */
static void
line_of(char *buf, size_t size, const char *action, const char *from,
    const char *dmarc, const char *rec, const char *dkim)
{
	snprintf(buf, size,
	    "{'v':1,'ts':'2026-11-22T01:00:00Z','host':'mx','id':'x',"
	    "'decision':{'action':'%s','class':'c','rule':'r','line':null,"
	    "'reason':'r','dmarc':{%s,'domain':'%s','record':"
	    "'_dmarc.a.example'},'findings':[]},'facts':{'client':{'ip':"
	    "'192.0.2.1'},'mail_from':'b@%s','from':['u@%s'],'spf':{'result':"
	    "'pass','domain':'%s'},'dkim':[%s],'dns':{'_dmarc.a.example':"
	    "'%s'}}}",
	    action, dmarc, from, from, from, from, dkim, rec);
}

static const char *const rec9989
    = "v=DMARC1; p=reject; np=quarantine; t=y; rua=mailto:agg@a.example";

/* RFC 9989 lines: disposition pass, t= and pct=0 as policy_test_mode, an
 * ARC override as mailing_list, a passing row never local_policy. */
static void
test_rfc9989_lines(void **state)
{
	static const char sig[] = "{'d':'a.example','s':'s1','result':'pass'}";
	static const char *const lines[][3] = {
		/* action, decision.dmarc, the row's reasons expected */
		{ "accept",
		    "'result':'pass','method':'rfc9989','policy_domain':"
		    "'a.example','published':'reject','policy':'quarantine',"
		    "'testing':true,'pct0_testing':false,'aligned':{'spf':"
		    "true,'dkim':true}",
		    "<disposition>pass</disposition><dkim>pass</dkim><spf>"
		    "pass</spf></policy_evaluated>" },
		{ "tag",
		    "'result':'fail','method':'rfc9989','policy_domain':"
		    "'a.example','published':'reject','policy':'quarantine',"
		    "'testing':true,'pct0_testing':false,'aligned':{'spf':"
		    "false,'dkim':false}",
		    "<disposition>quarantine</disposition><dkim>fail</dkim>"
		    "<spf>fail</spf><reason><type>policy_test_mode</type>"
		    "</reason></policy_evaluated>" },
		{ "reject",
		    "'result':'fail','method':'rfc9989','policy_domain':"
		    "'a.example','published':'reject','policy':'quarantine',"
		    "'testing':true,'pct0_testing':true,'aligned':{'spf':"
		    "false,'dkim':true}",
		    "" },
		{ "accept",
		    "'result':'fail','method':'rfc9989','policy_domain':"
		    "'a.example','published':'none','policy':'none',"
		    "'testing':false,'pct0_testing':false,'aligned':{'spf':"
		    "false,'dkim':false},'arc_sealer':'lists.example'",
		    "<disposition>none</disposition><dkim>fail</dkim><spf>fail"
		    "</spf></policy_evaluated>" },
	};
	struct rua *a = malloc(sizeof(*a));
	struct logged *l = malloc(sizeof(*l));
	char line[4096];
	struct sbuf sb;
	const char *x;
	size_t i;

	(void)state;
	assert_non_null(a);
	assert_non_null(l);
	rua_init(a, DAY, DAY + 86399);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		line_of(line, sizeof(line), lines[i][0],
		    i == 1 ? "sub.a.example" : "a.example", lines[i][1],
		    rec9989, sig);
		logged(l, line);
		assert_true(l->m.rfc9989);
		assert_int_equal(rua_add(a, &l->m), 1);
		arena_free(&l->arena);
	}
	/* pct=0 read as t=y, and a failing row overridden by ARC. */
	line_of(line, sizeof(line), "tag", "a.example",
	    "'result':'fail','method':'rfc9989','policy_domain':'a.example',"
	    "'published':'reject','policy':'quarantine','testing':true,"
	    "'pct0_testing':true,'aligned':{'spf':false,'dkim':false}",
	    rec9989, sig);
	logged(l, line);
	assert_int_equal(rua_add(a, &l->m), 1);
	arena_free(&l->arena);
	line_of(line, sizeof(line), "accept", "a.example",
	    "'result':'fail','method':'rfc9989','policy_domain':'a.example',"
	    "'published':'reject','policy':'reject','testing':false,"
	    "'aligned':{'spf':false,'dkim':false},'arc_sealer':"
	    "'lists.example'",
	    rec9989, sig);
	logged(l, line);
	assert_int_equal(rua_add(a, &l->m), 1);
	arena_free(&l->arena);
	/* One report: sub.a.example has no record and shares a.example's. */
	assert_int_equal(a->n, 1);
	assert_int_equal(a->report[0]->messages, 6);
	sbuf_init(&sb, 1 << 20);
	rua_render_xml(a, a->report[0], "O", "p@gw.test", "id.1", &sb);
	x = sbuf_cstr(&sb);
	assert_non_null(strstr(x,
	    "<policy_published><domain>a.example</domain><p>reject</p>"
	    "<sp>reject</sp><np>quarantine</np><adkim>r</adkim><aspf>r</aspf>"
	    "<discovery_method>treewalk</discovery_method><fo>0</fo>"
	    "<testing>y</testing></policy_published>"));
	assert_non_null(strstr(x, lines[0][2]));
	assert_non_null(strstr(x, lines[1][2]));
	assert_non_null(strstr(x, "<header_from>sub.a.example</header_from>"));
	assert_non_null(strstr(x, lines[3][2]));
	assert_non_null(strstr(x,
	    "<disposition>quarantine</disposition><dkim>fail</dkim><spf>fail"
	    "</spf><reason><type>policy_test_mode</type></reason><reason>"
	    "<type>other</type><comment>pct=0 read as t=y</comment></reason>"
	    "</policy_evaluated>"));
	/* A reject although t= lowered p=reject to quarantine: the local
	 * policy's doing, not the test mode's. */
	assert_non_null(strstr(x,
	    "<disposition>reject</disposition><dkim>pass</dkim><spf>fail"
	    "</spf><reason><type>local_policy</type></reason>"
	    "</policy_evaluated>"));
	assert_non_null(strstr(x,
	    "<disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>"
	    "<reason><type>mailing_list</type><comment>ARC sealer "
	    "lists.example</comment></reason></policy_evaluated>"));
	/* No passing row is given a reason. */
	assert_null(strstr(x,
	    "<disposition>pass</disposition><dkim>pass</dkim><spf>pass</spf>"
	    "<reason>"));
	sbuf_free(&sb);
	rua_free(a);
	free(l);
	free(a);
}

/* An RFC 7489 line (no "method"): a pass of p=reject is disposition pass
 * and carries no local_policy (before, every one did). */
static void
test_rfc7489_pass(void **state)
{
	struct rua *a = malloc(sizeof(*a));
	struct logged *l = malloc(sizeof(*l));
	char line[4096];
	struct sbuf sb;
	const char *x;

	(void)state;
	assert_non_null(a);
	assert_non_null(l);
	rua_init(a, DAY, DAY + 86399);
	line_of(line, sizeof(line), "accept", "a.example",
	    "'result':'pass','policy':'reject','aligned':{'spf':true,'dkim':"
	    "false}",
	    "v=DMARC1; p=reject; pct=50; rua=mailto:agg@a.example", "");
	logged(l, line);
	assert_false(l->m.rfc9989);
	assert_null(l->m.policy_domain);
	assert_null(l->m.published);
	assert_int_equal(l->rec.dmarc.psd, 0);
	assert_int_equal(rua_add(a, &l->m), 1);
	sbuf_init(&sb, 1 << 20);
	rua_render_xml(a, a->report[0], "O", "p@gw.test", "id.1", &sb);
	x = sbuf_cstr(&sb);
	assert_non_null(strstr(x,
	    "<policy_evaluated><disposition>pass</disposition><dkim>fail</dkim>"
	    "<spf>pass</spf></policy_evaluated>"));
	assert_non_null(strstr(x, "<discovery_method>psl</discovery_method>"));
	assert_null(strstr(x, "<reason>"));
	assert_null(strstr(x, "<pct>"));
	sbuf_free(&sb);
	arena_free(&l->arena);
	rua_free(a);
	free(l);
	free(a);
}

/* The RFC 9989 keys are read with their closed sets. */
static void
test_read_keys(void **state)
{
	struct logrec *rec = malloc(sizeof(*rec));
	struct arena arena;
	char line[4096], err[256];
	const char *j;

	(void)state;
	assert_non_null(rec);
	arena_init(&arena);
	line_of(line, sizeof(line), "reject", "a.example",
	    "'result':'fail','method':'rfc9989','policy_domain':'a.example',"
	    "'org_domain':'a.example','source':'author','tag':'np',"
	    "'published':'reject','policy':'quarantine','testing':true,"
	    "'pct0_testing':false,'psd':'n','aligned':{'spf':false,'dkim':"
	    "false}",
	    rec9989, "");
	j = J(line);
	assert_int_equal(logrec_read(rec, j, strlen(j), LOGREC_ALL, &arena, err,
			     sizeof(err)),
	    0);
	assert_true(rec->dmarc.rfc9989);
	assert_string_equal(rec->dmarc.source, "author");
	assert_string_equal(rec->dmarc.tag, "np");
	assert_string_equal(rec->dmarc.published, "reject");
	assert_true(rec->dmarc.testing);
	assert_int_equal(rec->dmarc.psd, 'n');
	line_of(line, sizeof(line), "reject", "a.example",
	    "'result':'fail','method':'rfc9999'", rec9989, "");
	j = J(line);
	assert_int_equal(logrec_read(rec, j, strlen(j), LOGREC_ALL, &arena, err,
			     sizeof(err)),
	    -1);
	assert_string_equal(err,
	    "decision.dmarc.method: unknown value \"rfc9999\"");
	arena_free(&arena);
	free(rec);
}

/* Signatures in RFC 9990's order: strictly aligned passes, relaxed
 * aligned passes, other passes, failures; the selector always there. */
static void
test_dkim_order(void **state)
{
	struct rua *a = malloc(sizeof(*a));
	struct logged *l = malloc(sizeof(*l));
	char line[4096];
	struct sbuf sb;
	const char *x;

	(void)state;
	assert_non_null(a);
	assert_non_null(l);
	rua_init(a, DAY, DAY + 86399);
	line_of(line, sizeof(line), "accept", "a.example",
	    "'result':'pass','method':'rfc9989','policy_domain':'a.example',"
	    "'org_domain':'a.example','published':'reject','policy':"
	    "'reject','aligned':{'spf':true,'dkim':true}",
	    "v=DMARC1; p=reject; rua=mailto:agg@a.example",
	    "{'d':'a.example','s':'f1','result':'body_modified'},"
	    "{'d':'esp.example','s':'e1','result':'pass'},"
	    "{'d':'mail.a.example','s':'r1','result':'pass'},"
	    "{'d':'a.example','s':'s1','result':'pass'}");
	logged(l, line);
	assert_int_equal(rua_add(a, &l->m), 1);
	sbuf_init(&sb, 1 << 20);
	rua_render_xml(a, a->report[0], "O", "p@gw.test", "id.1", &sb);
	x = sbuf_cstr(&sb);
	assert_non_null(strstr(x,
	    "<auth_results><dkim><domain>a.example</domain><selector>s1"
	    "</selector><result>pass</result></dkim><dkim><domain>"
	    "mail.a.example</domain><selector>r1</selector><result>pass"
	    "</result></dkim><dkim><domain>esp.example</domain><selector>e1"
	    "</selector><result>pass</result></dkim><dkim><domain>a.example"
	    "</domain><selector>f1</selector><result>fail</result></dkim>"
	    "<spf>"));
	sbuf_free(&sb);
	arena_free(&l->arena);
	rua_free(a);
	free(l);
	free(a);
}

/* One policy configuration per report: the record of the latest message
 * of the period, whatever order the lines come in. */
static void
test_final_record(void **state)
{
	struct rua *a = malloc(sizeof(*a));
	struct logged *l = malloc(sizeof(*l));
	char line[4096];

	(void)state;
	assert_non_null(a);
	assert_non_null(l);
	rua_init(a, DAY, DAY + 86399);
	line_of(line, sizeof(line), "accept", "a.example",
	    "'result':'pass','policy':'none','aligned':{'spf':true,'dkim':"
	    "false}",
	    "v=DMARC1; p=none; rua=mailto:agg@a.example", "");
	logged(l, line);
	l->m.when = DAY + 7200;
	assert_int_equal(rua_add(a, &l->m), 1);
	arena_free(&l->arena);
	line_of(line, sizeof(line), "accept", "a.example",
	    "'result':'pass','method':'rfc9989','published':'reject',"
	    "'policy':'reject','aligned':{'spf':true,'dkim':false}",
	    "v=DMARC1; p=reject; rua=mailto:agg@a.example", "");
	logged(l, line);
	l->m.when = DAY + 3600; /* earlier: not the final record */
	assert_int_equal(rua_add(a, &l->m), 1);
	assert_string_equal(a->report[0]->record,
	    "v=DMARC1; p=none; rua=mailto:agg@a.example");
	assert_false(a->report[0]->treewalk);
	l->m.when = DAY + 9000;
	assert_int_equal(rua_add(a, &l->m), 1);
	assert_string_equal(a->report[0]->record,
	    "v=DMARC1; p=reject; rua=mailto:agg@a.example");
	assert_true(a->report[0]->treewalk);
	assert_int_equal(a->n, 1);
	arena_free(&l->arena);
	rua_free(a);
	free(l);
	free(a);
}

/* A report's names depend on nothing but the period, its Policy Domain
 * and the receiver. */
static void
test_report_names(void **state)
{
	struct rua *a = malloc(sizeof(*a));
	struct rua_report r;
	char id[RUA_ID_MAX], file[RUA_ID_MAX];

	(void)state;
	assert_non_null(a);
	rua_init(a, DAY, DAY + 86399);
	memset(&r, 0, sizeof(r));
	snprintf(r.domain, sizeof(r.domain), "a.example");
	rua_report_names(a, &r, "gw.test", id, file);
	assert_string_equal(id, "1795305600.1795391999.a.example@gw.test");
	assert_string_equal(file,
	    "gw.test!a.example!1795305600!1795391999.xml.gz");
	free(a);
}

/* A DNS for the consent checks: TXT answers by name; other names
 * NXDOMAIN. Counts the queries. */
static const char *const fake_zone[][2] = {
	{ "_dmarc.example.com",
	    "v=DMARC1; p=reject; rua=mailto:r@example.com" },
	{ "_dmarc.co", "v=DMARC1; p=none; psd=y" },
	{ "a.example.co._report._dmarc.ok.test", "v=DMARC1" },
	{ "a.example.co._report._dmarc.over.test",
	    "v=DMARC1; rua=mailto:x@over.test" },
	{ "a.example.co._report._dmarc.notfirst.test", "p=none; v=DMARC1" },
	{ "a.example.co._report._dmarc.slow.test", "temperror" },
};
static unsigned fake_queries;

static void
fake_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	size_t i;

	(void)ctx;
	fake_queries++;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_NXDOMAIN;
	for (i = 0; i < sizeof(fake_zone) / sizeof(fake_zone[0]); i++)
		if (strcmp(name, fake_zone[i][0]) == 0) {
			if (strcmp(fake_zone[i][1], "temperror") == 0) {
				a->status = DNSQ_TEMPERROR;
				return;
			}
			a->status = DNSQ_OK;
			a->n_txt = 1;
			a->txt[0] = fake_zone[i][1];
		}
}

/* External destinations (RFC 9990): Organizational Domains by the tree
 * walk, not the public suffix list, nor the domain's name alone. */
static void
test_external_destinations(void **state)
{
	char name[600], rua[256], org[DOMAIN_MAX_LEN + 1], big[400];

	(void)state;
	/* A rua= host above the Policy Domain, same organization: before,
	 * anything outside the domain's name needed a consent record. */
	assert_int_equal(consent_destination("sub.example.com", "example.com",
			     fake_lookup, NULL, name, sizeof(name), rua,
			     sizeof(rua)),
	    CONSENT_YES);
	assert_string_equal(name, "");
	/* psd=y at co: example.co is an organization of its own. */
	assert_int_equal(consent_org_domain("a.example.co", fake_lookup, NULL,
			     org),
	    0);
	assert_string_equal(org, "example.co");
	assert_int_equal(consent_destination("a.example.co", "mx.example.co",
			     fake_lookup, NULL, name, sizeof(name), rua,
			     sizeof(rua)),
	    CONSENT_YES);
	assert_int_equal(consent_destination("a.example.co", "other.co",
			     fake_lookup, NULL, name, sizeof(name), rua,
			     sizeof(rua)),
	    CONSENT_NO);
	assert_string_equal(name, "a.example.co._report._dmarc.other.co");
	assert_int_equal(consent_destination("a.example.co", "ok.test",
			     fake_lookup, NULL, name, sizeof(name), rua,
			     sizeof(rua)),
	    CONSENT_YES);
	assert_string_equal(rua, "");
	/* The consent record's rua= comes back to replace the URI. */
	assert_int_equal(consent_destination("a.example.co", "over.test",
			     fake_lookup, NULL, name, sizeof(name), rua,
			     sizeof(rua)),
	    CONSENT_YES);
	assert_string_equal(rua, "mailto:x@over.test");
	/* v=DMARC1 must be the first tag. */
	assert_int_equal(consent_destination("a.example.co", "notfirst.test",
			     fake_lookup, NULL, name, sizeof(name), rua,
			     sizeof(rua)),
	    CONSENT_NO);
	assert_int_equal(consent_destination("a.example.co", "slow.test",
			     fake_lookup, NULL, name, sizeof(name), rua,
			     sizeof(rua)),
	    CONSENT_TEMPERROR);
	/* A name longer than DNS allows is not asked. */
	memset(big, 'a', 240);
	big[240] = '\0';
	fake_queries = 0;
	assert_int_equal(consent_check(big, "ok.test", fake_lookup, NULL, name,
			     sizeof(name)),
	    CONSENT_NO);
	assert_int_equal(fake_queries, 0);
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
		cmocka_unit_test(test_rfc9989_lines),
		cmocka_unit_test(test_rfc7489_pass),
		cmocka_unit_test(test_read_keys),
		cmocka_unit_test(test_dkim_order),
		cmocka_unit_test(test_final_record),
		cmocka_unit_test(test_report_names),
		cmocka_unit_test(test_external_destinations),
		cmocka_unit_test(test_report_limit),
	};

	return cmocka_run_group_tests_name("aggregate", tests, NULL, NULL);
}
