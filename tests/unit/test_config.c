/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_config.c: policy.ini loading: defaults, every key, every error
 * path with its line number, inih's traps (long lines, long section
 * names, indented continuations), and out-of-memory at every allocation.
 */
#include "helpers.h"

static void
test_defaults(void **state)
{
	struct policy *p = load_ok("");

	(void)state;
	assert_int_equal(p->mode, AG_MODE_ENFORCE);
	assert_int_equal(p->on_error, AG_TEMPFAIL);
	assert_string_equal(p->subject_tag, "[SPAM]");
	assert_int_equal(p->min_key_bits, 1024);
	assert_int_equal(p->dns_timeout, 3);
	assert_false(p->dkim_self);
	assert_false(p->spf_self);
	assert_int_equal(p->dmarc_pass_waives,
	    (1u << AG_FAM_SPF) | (1u << AG_FAM_DKIM));
	assert_int_equal(p->aligned_dkim_waives, 1u << AG_FAM_SPF);
	assert_string_equal(p->psl_file,
	    "/usr/share/publicsuffix/public_suffix_list.dat");
	assert_string_equal(p->authserv_id, "");
	assert_string_equal(p->log_file, "");
	/* The built-in defaults of issue 2, class by class. */
	assert_int_equal(p->actions[AG_SPF_FAIL].action, AG_REJECT);
	assert_int_equal(p->actions[AG_SPF_SOFTFAIL].action, AG_TAG);
	assert_int_equal(p->actions[AG_SPF_PERMERROR].action, AG_TAG);
	assert_int_equal(p->actions[AG_SPF_TEMPERROR].action, AG_TEMPFAIL);
	assert_int_equal(p->actions[AG_SPF_NEUTRAL].action, AG_ACCEPT);
	assert_int_equal(p->actions[AG_SPF_NONE].action, AG_ACCEPT);
	assert_int_equal(p->actions[AG_DKIM_NONE].action, AG_ACCEPT);
	assert_int_equal(p->actions[AG_DKIM_UNSUPPORTED].action, AG_ACCEPT);
	assert_int_equal(p->actions[AG_DKIM_TEMPERROR].action, AG_TEMPFAIL);
	for (int c = AG_DKIM_KEY_MISSING; c <= AG_DKIM_EXPIRED; c++)
		assert_int_equal(p->actions[c].action, AG_TAG);
	assert_int_equal(p->actions[AG_DMARC_REJECT].action, AG_REJECT);
	assert_int_equal(p->actions[AG_DMARC_QUARANTINE].action, AG_TAG);
	assert_int_equal(p->actions[AG_DMARC_TEMPERROR].action, AG_TEMPFAIL);
	assert_int_equal(p->actions[AG_DMARC_FAIL].action, AG_ACCEPT);
	assert_int_equal(p->actions[AG_DMARC_NONE].action, AG_ACCEPT);
	assert_int_equal(p->actions[AG_DMARC_PERMERROR].action, AG_ACCEPT);
	assert_int_equal(p->actions[AG_ARC_FAIL].action, AG_ACCEPT);
	assert_int_equal(p->actions[AG_FROM_MULTIPLE].action, AG_REJECT);
	assert_int_equal(p->actions[AG_FROM_MISSING].action, AG_TAG);
	assert_int_equal(p->actions[AG_FROM_INVALID].action, AG_TAG);
	for (int c = 0; c < AG_CLASS_COUNT; c++)
		assert_int_equal(p->actions[c].line, 0);
	policy_free(p);
}

static void
test_every_key(void **state)
{
	struct policy *p = load_ok(
	    "; comment\n"
	    "# comment\n"
	    "[general]\n"
	    "authserv_id = mx.example.net\n"
	    "mode = monitor\n"
	    "on_error = accept\n"
	    "subject_tag = ***SPAM***\n"
	    "min_key_bits = 2048\n"
	    "dns_timeout = 5\n"
	    "dkim = self\n"
	    "spf = self\n"
	    "dmarc_pass_waives = spf\n"
	    "skip_hosts = 198.51.100.0/24, 2001:db8::/32\n"
	    "log_file = /var/log/authgate/authgate.log\n"
	    "psl_file = /usr/share/publicsuffix/public_suffix_list.dat\n"
	    "reject_message = Rejected: %{reason} [%{class}]\n"
	    "tempfail_message = Later: %{reason} (%{rule}, %{domain})\n"
	    "\n"
	    "[actions]\n"
	    "dkim.key_missing = reject\n"
	    "spf.fail = tag ; inline comment\n"
	    "\n"
	    "[trusted]\n"
	    "domains = Trusted.Example., other.example\n"
	    "relays = 192.0.2.15/32 2001:db8:1::/48\n"
	    "arc_sealers = sealer.example\n"
	    "\n"
	    "[domain:partner.example]\n"
	    "dkim.key_missing = accept\n"
	    "ignore = dkim, dmarc\n"
	    "mode = enforce\n");

	(void)state;
	assert_string_equal(p->authserv_id, "mx.example.net");
	assert_int_equal(p->mode, AG_MODE_MONITOR);
	assert_int_equal(p->mode_line, 5);
	assert_int_equal(p->on_error, AG_ACCEPT);
	assert_string_equal(p->subject_tag, "***SPAM***");
	assert_int_equal(p->min_key_bits, 2048);
	assert_int_equal(p->dmarc_pass_waives, 1u << AG_FAM_SPF);
	assert_int_equal(p->n_skip_hosts, 2);
	assert_string_equal(p->log_file, "/var/log/authgate/authgate.log");
	assert_string_equal(p->reject_message,
	    "Rejected: %{reason} [%{class}]");
	assert_int_equal(p->actions[AG_DKIM_KEY_MISSING].action, AG_REJECT);
	assert_int_equal(p->actions[AG_DKIM_KEY_MISSING].line, 20);
	assert_true(p->dkim_self);
	assert_true(p->spf_self);
	assert_int_equal(p->dns_timeout, 5);
	assert_int_equal(p->actions[AG_SPF_FAIL].action, AG_TAG);
	assert_int_equal(p->n_trusted, 2);
	assert_string_equal(p->trusted_list[0].name, "trusted.example");
	assert_int_equal(p->n_relays, 2);
	assert_int_equal(p->n_sealers, 1);
	assert_int_equal(p->n_domains, 1);
	assert_string_equal(p->domain_list[0].name, "partner.example");
	assert_true(p->domain_list[0].set[AG_DKIM_KEY_MISSING]);
	assert_false(p->domain_list[0].set[AG_SPF_FAIL]);
	assert_int_equal(p->domain_list[0].ignore,
	    (1u << AG_FAM_DKIM) | (1u << AG_FAM_DMARC));
	assert_true(p->domain_list[0].mode_set);
	assert_int_equal(p->domain_list[0].mode, AG_MODE_ENFORCE);
	policy_free(p);
}

static void
test_syslog_and_arc_keys(void **state)
{
	struct policy *p = load_ok("[general]\n"
				   "arc = self\n"
				   "log_syslog = local3\n"
				   "syslog_socket = /run/authgate/log.sock\n");

	(void)state;
	assert_true(p->arc_self);
	assert_int_equal(p->syslog_facility, 19); /* RFC 5424 local3 */
	assert_string_equal(p->syslog_socket, "/run/authgate/log.sock");
	policy_free(p);
	p = load_ok("[general]\nlog_syslog = mail\n");
	assert_int_equal(p->syslog_facility, 2);
	assert_string_equal(p->syslog_socket, "/dev/log");
	assert_false(p->arc_self);
	policy_free(p);
	p = load_ok("");
	assert_int_equal(p->syslog_facility, -1);
	policy_free(p);
	expect_error("[general]\nlog_syslog = local8\n", 2,
	    "log_syslog must be");
	expect_error("[general]\nsyslog_socket = dev/log\n", 2,
	    "syslog_socket must be an absolute path");
	expect_error("[general]\narc = exim\n", 2,
	    "arc must be 'off' or 'self'");
}

static void
test_dmarc_pass_waives_none(void **state)
{
	struct policy *p = load_ok("[general]\ndmarc_pass_waives = none\n");

	(void)state;
	assert_int_equal(p->dmarc_pass_waives, 0);
	policy_free(p);
	p = load_ok("[general]\ndmarc_pass_waives = spf, dkim, arc\n");
	assert_int_equal(p->dmarc_pass_waives,
	    (1u << AG_FAM_SPF) | (1u << AG_FAM_DKIM) | (1u << AG_FAM_ARC));
	policy_free(p);
}

static void
test_aligned_dkim_waives(void **state)
{
	struct policy *p = load_ok("[general]\naligned_dkim_waives = none\n");

	(void)state;
	assert_int_equal(p->aligned_dkim_waives, 0);
	assert_int_equal(p->aligned_dkim_waives_line, 2);
	policy_free(p);
	p = load_ok("[general]\naligned_dkim_waives = spf\n");
	assert_int_equal(p->aligned_dkim_waives, 1u << AG_FAM_SPF);
	policy_free(p);
	expect_error("[general]\naligned_dkim_waives = dkim\n", 2,
	    "aligned_dkim_waives must be 'spf' or 'none'");
	expect_error("[general]\naligned_dkim_waives = spf, dkim\n", 2,
	    "aligned_dkim_waives must be");
	expect_error("[general]\naligned_dkim_waives = spf\n"
		     "aligned_dkim_waives = none\n",
	    3, "already set at line 2");
}

/* Times as Exim writes them (issue 17): 5s, 2m, 1h, 1h30m, or seconds;
 * the bounds are said in that form. */
static void
test_times(void **state)
{
	static const struct {
		const char *text;
		unsigned secs;
	} ok[] = {
		{ "5", 5 },
		{ "5s", 5 },
		{ "5S", 5 },
		{ "30s", 30 },
		{ "2m", 120 },
		{ "1h", 3600 },
		{ "1h30m", 5400 },
		{ "1m30", 90 },
		{ "1d", 86400 },
		{ "1w", 604800 },
		{ "0w2m", 120 },
	};
	static const char *const bad[] = { "", "s", "m5", "5x", "5 s", "-5s",
		"1h-1m", "5ss", "99999999999", "999999999w", "1.5m" };
	struct policy *p;
	char text[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text),
		    "[general]\nfailure_report_interval = %s\n", ok[i].text);
		if (ok[i].secs < 60)
			snprintf(text, sizeof(text),
			    "[general]\ndns_timeout = %s\n", ok[i].text);
		p = load_ok(text);
		if (ok[i].secs < 60)
			assert_int_equal(p->dns_timeout, ok[i].secs);
		else
			assert_int_equal(p->failure_report_interval,
			    ok[i].secs);
		policy_free(p);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
		    "[general]\nfailure_report_interval = %s\n", bad[i]);
		expect_error(text, 2,
		    "failure_report_interval must be a number of seconds");
	}
	/* Bounds, said as times. */
	expect_error("[general]\ndns_timeout = 31s\n", 2,
	    "dns_timeout must be a number of seconds from 1 to 30, or a time "
	    "as Exim writes one (5s, 2m, 1h) from 1s to 30s, not '31s'");
	expect_error("[general]\ndns_timeout = 1m\n", 2, "not '1m'");
	expect_error("[general]\ndns_timeout = 0s\n", 2, "dns_timeout");
	expect_error("[general]\nfailure_report_interval = 59s\n", 2,
	    "from 1m to 1w");
	expect_error("[general]\nfailure_report_interval = 1w1s\n", 2,
	    "from 1m to 1w");
	/* Other numbers are not times. */
	expect_error("[general]\nmin_key_bits = 1024s\n", 2, "min_key_bits");
	expect_error("[general]\nfailure_report_limit = 5m\n", 2,
	    "failure_report_limit");
}

/* Words are taken in any case: actions, on_error, modes, on/off. */
static void
test_any_case(void **state)
{
	struct policy *p = load_ok("[general]\n"
				   "on_error = Accept\n"
				   "mode = MONITOR\n"
				   "dkim = Self\n"
				   "log_syslog = Local3\n"
				   "aligned_dkim_waives = None\n"
				   "[actions]\n"
				   "spf.fail = REJECT\n"
				   "spf.softfail = Tag\n"
				   "dkim.key_missing = QuaRantine\n"
				   "[domain:x.example]\n"
				   "dmarc.reject = TempFail\n"
				   "mode = Enforce\n");

	(void)state;
	assert_int_equal(p->on_error, AG_ACCEPT);
	assert_int_equal(p->mode, AG_MODE_MONITOR);
	assert_true(p->dkim_self);
	assert_int_equal(p->syslog_facility, 19);
	assert_int_equal(p->aligned_dkim_waives, 0);
	assert_int_equal(p->actions[AG_SPF_FAIL].action, AG_REJECT);
	assert_int_equal(p->actions[AG_SPF_SOFTFAIL].action, AG_TAG);
	assert_int_equal(p->actions[AG_DKIM_KEY_MISSING].action, AG_QUARANTINE);
	assert_int_equal(p->domain_list[0].actions[AG_DMARC_REJECT].action,
	    AG_TEMPFAIL);
	assert_int_equal(p->domain_list[0].mode, AG_MODE_ENFORCE);
	policy_free(p);
	/* Still only the words: no prefix, no other word. */
	expect_error("[actions]\nspf.fail = REJECTED\n", 2, "unknown action");
	expect_error("[actions]\nspf.fail = rej\n", 2, "unknown action");
	expect_error("[general]\non_error = REJECT\n", 2, "on_error must be");
	/* Keys and classes keep their one spelling (and are suggested). */
	expect_error("[actions]\nSPF.fail = reject\n", 2,
	    "(did you mean spf.fail?)");
	expect_error("[general]\nMode = monitor\n", 2, "(did you mean mode?)");
}

/* A misspelt name gets the nearest valid one, and only a near one. */
static void
test_suggestions(void **state)
{
	(void)state;
	expect_error("[actions]\ndkim.key_mising = accept\n", 2,
	    "unknown class 'dkim.key_mising' (did you mean dkim.key_missing?)");
	expect_error("[actions]\nspf.fial = reject\n", 2,
	    "(did you mean spf.fail?)");
	expect_error("[actions]\ndmarc.rejcet = reject\n", 2,
	    "(did you mean dmarc.reject?)");
	expect_error("[domain:x.example]\ndkim.bodymodified = accept\n", 2,
	    "(did you mean dkim.body_modified?)");
	expect_error("[actions]\nspf.fail = rejekt\n", 2,
	    "unknown action 'rejekt' for spf.fail (did you mean reject?)");
	expect_error("[actions]\nspf.fail = qurantine\n", 2,
	    "(did you mean quarantine?)");
	expect_error("[general]\ndns_timout = 5\n", 2,
	    "unknown key 'dns_timout' in [general] (did you mean "
	    "dns_timeout?)");
	expect_error("[general]\nlogfile = /var/log/x\n", 2,
	    "(did you mean log_file?)");
	expect_error("[general]\nmin_keybits = 2048\n", 2,
	    "(did you mean min_key_bits?)");
	expect_error("[trusted]\ndomain = a.example\n", 2,
	    "unknown key 'domain' in [trusted] (did you mean domains?)");
	expect_error("[trusted]\narc_sealer = a.example\n", 2,
	    "(did you mean arc_sealers?)");
	expect_error("[domain:x.example]\nignroe = dkim\n", 2,
	    "unknown key 'ignroe' in [domain:x.example] (did you mean "
	    "ignore?)");
	expect_error("[general]\nmode = enforced\n", 2,
	    "not 'enforced' (did you mean enforce?)");
	expect_error("[general]\nmode = monitr\n", 2,
	    "(did you mean monitor?)");
	expect_error("[general]\ndkim = slef\n", 2, "(did you mean self?)");
	expect_error("[general]\nlog_syslog = locl3\n", 2,
	    "(did you mean local3?)");
	expect_error("[domian:partner.example]\n", 1,
	    "unknown section [domian:partner.example] (did you mean "
	    "[domain:partner.example]?)");
	expect_error("[genral]\n", 1, "(did you mean [general]?)");
	expect_error("[Trusted]\n", 1, "(did you mean [trusted]?)");
	expect_error("[action]\n", 1, "(did you mean [actions]?)");
	/* A key in the wrong section is said to be one of another. */
	expect_error("[general]\ndomains = a.example\n", 2,
	    "unknown key 'domains' in [general] (domains is a key of "
	    "[trusted])");
	expect_error("[trusted]\nmode = monitor\n", 2,
	    "(mode is a key of [general])");
	expect_error("[general]\nignore = dkim\n", 2,
	    "(ignore is a key of [domain:NAME])");
	expect_error("[actions]\nmin_key_bits = 512\n", 2,
	    "unknown class 'min_key_bits' (min_key_bits is a key of "
	    "[general])");
	expect_error("[general]\nspf.fail = reject\n", 2,
	    "(a class: its action goes in [actions] or [domain:NAME])");
	/* Nothing near: no guess, the list of what there is. */
	expect_error("[actions]\nspf.fail = bounce\n", 2,
	    "(accept, tag, quarantine, tempfail or reject)");
	expect_error("[actions]\nbogus.class = reject\n", 2,
	    "(see the class table in policy.ini(5))");
	expect_error("[general]\nfrobnicate = 1\n", 2,
	    "unknown key 'frobnicate' in [general]");
	expect_error("[trusted]\nservers = x\n", 2,
	    "(domains, relays, arc_sealers)");
	expect_error("[globals]\n", 1,
	    "(general, actions, trusted or domain:NAME)");
	expect_error("[general]\nmode = off\n", 2,
	    "mode must be 'enforce' or 'monitor', not 'off'");
	expect_error("[general]\ndkim = x\n", 2, "not 'x'");
}

/* check-config's load: warnings with errors. The policy with errors
 * keeps its defaults where a value was wrong. */
static void
test_load_for_check(void **state)
{
	static const char text[] = "[general]\n"
				   "on_error = accept\n"
				   "mode = enforced\n"
				   "[trusted]\n"
				   "arc_sealers = lists.example\n";
	char path[] = "/tmp/authgate-test-XXXXXX";
	struct policy_diag diag;
	struct policy *p;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1),
	    (ssize_t)(sizeof(text) - 1));
	close(fd);
	assert_null(policy_load(path, &diag));
	p = policy_load_for_check(path, &diag);
	assert_non_null(p);
	assert_int_equal(diag.n_errors, 1);
	assert_int_equal(diag.items[0].line, 3);
	assert_int_equal(p->mode, AG_MODE_ENFORCE); /* the default */
	assert_int_equal(p->on_error, AG_ACCEPT);
	policy_lint(p, &diag);
	assert_int_equal(diag.n_errors, 1);
	assert_int_equal(diag.n_warnings, 2); /* on_error, arc_sealers */
	policy_free(p);
	unlink(path);
	assert_null(policy_load_for_check("/nonexistent/p.ini", &diag));
	assert_int_equal(diag.n_errors, 1);
}

/* Section names and listed domains are kept in the one canonical form
 * the engine compares (mail/domcanon.h); other spellings are noted, and
 * a name that is only a domain to a reader's eye is an error. */
static void
test_canonical_names(void **state)
{
	static const char text[]
	    = "[general]\nmode = monitor\n"
	      "[trusted]\ndomains = \xef\xbc\xb0"
	      "artner.example, "
	      "Other.Example.\narc_sealers = b\xc3\xa4nk.example\n"
	      "[domain:\xef\xbd\x82\xef\xbd\x81\xef\xbd\x8e\xef\xbd\x8b."
	      "example]\nmode = enforce\n"
	      "[domain:BANK2.example.]\nmode = enforce\n";
	struct policy_diag diag;
	struct policy *p = load_ok(text);
	const struct policy_domain *d;
	size_t i, noted = 0;

	(void)state;
	d = policy_domain_for(p, "bank.example");
	assert_non_null(d);
	assert_string_equal(d->name, "bank.example");
	assert_non_null(d->written);
	d = policy_domain_for(p, "bank2.example");
	assert_non_null(d);
	assert_null(d->written);
	assert_non_null(policy_trusted_domain(p, "partner.example"));
	assert_null(p->trusted_list[1].written);
	assert_non_null(policy_trusted_sealer(p, "xn--bnk-qla.example"));
	memset(&diag, 0, sizeof(diag));
	policy_lint(p, &diag);
	for (i = 0; i < diag.n; i++)
		if (strstr(diag.items[i].msg, "in the form authgate compares"))
			noted++;
	assert_int_equal(noted, 3);
	policy_free(p);
	expect_error("[domain:bank\xe2\x80\x8d.example]\nmode = enforce\n", 1,
	    "not a domain");
	expect_error("[trusted]\ndomains = bank\xe2\x80\xae.example\n", 2,
	    "not a domain");
	expect_error("[trusted]\narc_sealers = lists\xe2\x80\xa4"
		     "example\n",
	    2, "not a domain");
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("[general]\nmode = enforced\n", 2, "mode must be");
	expect_error("[general]\non_error = reject\n", 2, "on_error must be");
	expect_error("[general]\nmin_key_bits = 1k\n", 2, "min_key_bits");
	expect_error("[general]\nmin_key_bits = -1\n", 2, "min_key_bits");
	expect_error("[general]\nmin_key_bits = 99999\n", 2, "min_key_bits");
	expect_error("[general]\ndns_timeout = 0\n", 2, "dns_timeout");
	expect_error("[general]\ndkim = opendkim\n", 2, "'exim' or 'self'");
	expect_error("[general]\nspf = libspf2\n", 2, "'exim' or 'self'");
	expect_error("[general]\ndns_timeout = 31\n", 2, "dns_timeout");
	expect_error("[general]\ndns_timeout = 2q\n", 2, "dns_timeout");
	expect_error("[general]\nsubject_tag = \n", 2, "subject_tag");
	expect_error("[general]\nsubject_tag = \xc3\xa9t\xc3\xa9\n", 2,
	    "subject_tag");
	expect_error("[general]\nsubject_tag = =?utf-8?q?x?=\n", 2, "=?");
	expect_error("[general]\nauthserv_id = mx example\n", 2, "authserv_id");
	expect_error("[general]\nauthserv_id = a;b\n", 2, "authserv_id");
	expect_error("[general]\ndmarc_pass_waives = spf, from\n", 2,
	    "dmarc_pass_waives");
	expect_error("[general]\ndmarc_pass_waives = dmarc\n", 2,
	    "dmarc_pass_waives");
	expect_error("[general]\nskip_hosts = 10.0.0.0/33\n", 2,
	    "prefix length");
	expect_error("[general]\nskip_hosts = 10.0.0.1/8\n", 2, "host bits");
	expect_error("[general]\nskip_hosts = 10.0.0/8\n", 2,
	    "not an IPv4 or IPv6");
	expect_error("[general]\nskip_hosts = 10.0.0.0/\n", 2,
	    "no prefix length");
	expect_error("[general]\nskip_hosts = a, , b\n", 2, "empty item");
	expect_error("[general]\nlog_file = relative/path\n", 2,
	    "absolute path");
	expect_error("[general]\npsl_file = /nonexistent/psl.dat\n", 2,
	    "public suffix list");
	expect_error("[general]\nreject_message = %{nope}\n", 2,
	    "unknown variable");
	expect_error("[general]\nreject_message = bad\x01text\n", 2,
	    "printable ASCII");
	expect_error("[general]\nfrobnicate = 1\n", 2, "unknown key");
	expect_error("[actions]\nspf.fial = reject\n", 2, "unknown class");
	expect_error("[actions]\nspf.fail = rejekt\n", 2, "unknown action");
	expect_error("[actions]\nspf.fail = reject\nspf.fail = tag\n", 3,
	    "already set at line 2");
	expect_error("[trusted]\ndomains = exa_mple.com\n", 2,
	    "not allowed in a domain");
	expect_error("[trusted]\ndomains = -bad.example\n", 2,
	    "starts with a hyphen");
	expect_error("[trusted]\ndomains = a..example\n", 2, "empty label");
	expect_error("[trusted]\ndomains = a.example..\n", 2, "empty label");
	expect_error("[trusted]\nrelays = 192.0.2.300\n", 2,
	    "not an IPv4 or IPv6");
	expect_error("[trusted]\narc_sealers = bad/sealer\n", 2, "not allowed");
	expect_error("[trusted]\nservers = x\n", 2, "unknown key");
	expect_error("[trusted]\ndomains = a.example\ndomains = b.example\n", 3,
	    "already set");
	expect_error("[domain:partner.example]\nignore = from\n", 2,
	    "cannot be ignored");
	expect_error("[domain:partner.example]\nignore = everything\n", 2,
	    "ignore takes");
	expect_error("[domain:partner.example]\nmode = off\n", 2,
	    "mode must be");
	expect_error("[domain:partner.example]\nfoo = bar\n", 2, "unknown key");
	expect_error("[domain:partner.example]\ndkim.nokey = accept\n", 2,
	    "unknown class");
	expect_error("[domain:bad domain]\n", 1, "not allowed");
	expect_error("[domain:]\n", 1, "unknown section");
	expect_error("[globals]\n", 1, "unknown section");
	expect_error("[general\n", 1, "closing ']'");
	expect_error("[general] x\n", 1, "text after");
	expect_error("[general]\n[general]\n", 2, "already opened at line 1");
	expect_error("[domain:a.example]\n[domain:A.example.]\n", 2,
	    "already opened at line 1");
	expect_error("mode = monitor\n", 1, "before any [section]");
	expect_error("[general]\njust words\n", 2, "expected 'key = value'");
	expect_error("[general]\n= value\n", 2, "missing key");
	expect_error("[general]\nmode = monitor\n  enforce\n", 3,
	    "single value");
	expect_error("[general]\nmode = monitor\nmode = enforce\n", 3,
	    "already set at line 2");
}

static void
test_error_in_nul_file(void **state)
{
	static const char text[] = "[general]\nmode = mon\0itor\n";
	struct policy_diag diag;

	(void)state;
	assert_null(policy_load_buffer("t.ini", text, sizeof(text) - 1, &diag));
	assert_int_equal(diag.items[0].line, 2);
	assert_non_null(strstr(diag.items[0].msg, "NUL"));
}

/* Every error is reported, not only the first, each with its line. */
static void
test_all_errors_reported(void **state)
{
	static const char text[] = "[general]\n"
				   "mode = enforce\n"
				   "\n"
				   "[actions]\n"
				   "dkim.key_mising = tag\n"
				   "spf.fail = rejekt\n"
				   "[trusted]\n"
				   "relays = 192.0.2.1/24\n"
				   "[wat]\n"
				   "x = y\n";
	struct policy_diag diag;

	(void)state;
	assert_null(policy_load_buffer("t.ini", text, strlen(text), &diag));
	assert_int_equal(diag.n_errors, 4);
	assert_int_equal(diag.items[0].line, 5);
	assert_int_equal(diag.items[1].line, 6);
	assert_int_equal(diag.items[2].line, 8);
	assert_int_equal(diag.items[3].line, 9);
}

static void
test_long_line_refused(void **state)
{
	char text[600];

	(void)state;
	snprintf(text, sizeof(text), "[trusted]\ndomains = %0*d\n", 300, 0);
	expect_error(text, 2, "longer than 197");
	/* A line of exactly 197 characters reaches the key's own check. */
	{
		char value[181];

		memset(value, 'x', sizeof(value) - 1);
		value[sizeof(value) - 1] = '\0';
		snprintf(text, sizeof(text), "[general]\nreject_message = %s\n",
		    value);
	}
	assert_int_equal(strlen(strchr(text, '\n') + 1), 198);
	expect_error(text, 2, "reject_message must be 1 to 160");
}

/* inih cuts section names at 49 bytes; our reader must not. */
static void
test_long_domain_section(void **state)
{
	const char *name = "a-rather-long-subdomain-label.another-long-label."
			   "third-label-here.partner.example";
	char text[400];
	struct policy *p;
	const struct policy_domain *d;

	(void)state;
	assert_true(strlen(name) > 49);
	snprintf(text, sizeof(text),
	    "[domain:partner.example]\ndkim.key_missing = tag\n"
	    "[domain:%s]\ndkim.key_missing = accept\n",
	    name);
	p = load_ok(text);
	d = policy_domain_for(p, name);
	assert_non_null(d);
	assert_string_equal(d->name, name);
	assert_int_equal(d->actions[AG_DKIM_KEY_MISSING].action, AG_ACCEPT);
	d = policy_domain_for(p, "x.partner.example");
	assert_string_equal(d->name, "partner.example");
	policy_free(p);
}

static void
test_continuation_lines(void **state)
{
	struct policy *p = load_ok("[trusted]\n"
				   "domains = a.example,\n"
				   "    b.example\n"
				   "\n"
				   "\tc.example, d.example ; comment\n"
				   "relays = 192.0.2.1\n"
				   "  192.0.2.2\n");

	(void)state;
	assert_int_equal(p->n_trusted, 4);
	assert_string_equal(p->trusted_list[3].name, "d.example");
	assert_int_equal(p->trusted_list[3].line, 5);
	assert_int_equal(p->n_relays, 2);
	assert_int_equal(p->relays[1].line, 7);
	policy_free(p);
}

static void
test_bom_and_crlf(void **state)
{
	struct policy *p
	    = load_ok("\xef\xbb\xbf[general]\r\nmode = monitor\r\n");

	(void)state;
	assert_int_equal(p->mode, AG_MODE_MONITOR);
	policy_free(p);
}

static void
test_domain_matching(void **state)
{
	struct policy *p
	    = load_ok("[trusted]\n"
		      "domains = trusted.example\n"
		      "relays = 192.0.2.0/24, 2001:db8::/32\n"
		      "arc_sealers = sealer.example\n"
		      "[domain:example.org]\nmode = monitor\n"
		      "[domain:mail.example.org]\nmode = enforce\n");

	(void)state;
	assert_non_null(policy_trusted_domain(p, "trusted.example"));
	assert_non_null(policy_trusted_domain(p, "mx.eu.trusted.example"));
	assert_null(policy_trusted_domain(p, "untrusted.example"));
	assert_null(policy_trusted_domain(p, "trusted.example.evil"));
	assert_null(policy_trusted_domain(p, "xtrusted.example"));
	assert_non_null(policy_trusted_sealer(p, "arc.sealer.example"));
	assert_null(policy_trusted_sealer(p, "sealer.example.net"));
	assert_string_equal(policy_domain_for(p, "a.mail.example.org")->name,
	    "mail.example.org");
	assert_string_equal(policy_domain_for(p, "web.example.org")->name,
	    "example.org");
	assert_null(policy_domain_for(p, "example.com"));
	assert_null(policy_domain_for(p, "org"));
	assert_non_null(policy_trusted_relay(p, "192.0.2.77"));
	assert_non_null(policy_trusted_relay(p, "::ffff:192.0.2.77"));
	assert_null(policy_trusted_relay(p, "192.0.3.1"));
	assert_non_null(policy_trusted_relay(p, "2001:db8:ffff::1"));
	assert_null(policy_trusted_relay(p, "2001:db9::1"));
	assert_null(policy_trusted_relay(p, "not-an-ip"));
	assert_null(policy_trusted_relay(p, NULL));
	policy_free(p);
}

static void
test_big_policy(void **state)
{
	size_t cap = 10000 * 64 + 10000 * 40 + 100, i;
	char *text = malloc(cap), name[64];
	size_t o = 0;
	struct policy *p;

	(void)state;
	o += (size_t)snprintf(text + o, cap - o, "[trusted]\ndomains =");
	for (i = 0; i < 10000; i++)
		o += (size_t)snprintf(text + o, cap - o, "%s t%zu.example\n",
		    i == 0 ? "" : "   ", i);
	for (i = 0; i < 10000; i++)
		o += (size_t)snprintf(text + o, cap - o,
		    "[domain:d%zu.example]\nspf.fail = tag\n", i);
	p = policy_load_buffer("big.ini", text, o, NULL);
	assert_non_null(p);
	assert_int_equal(p->n_trusted, 10000);
	assert_int_equal(p->n_domains, 10000);
	for (i = 0; i < 10000; i += 997) {
		snprintf(name, sizeof(name), "mx.d%zu.example", i);
		assert_non_null(policy_domain_for(p, name));
		snprintf(name, sizeof(name), "t%zu.example", i);
		assert_non_null(policy_trusted_domain(p, name));
	}
	assert_null(policy_domain_for(p, "d10000.example"));
	policy_free(p);
	free(text);
}

static void
lint_has(const char *text, unsigned line, const char *needle)
{
	struct policy *p = load_ok(text);
	struct policy_diag diag;
	size_t i;

	memset(&diag, 0, sizeof(diag));
	policy_lint(p, &diag);
	policy_free(p);
	for (i = 0; i < diag.n; i++)
		if (diag.items[i].severity == POLICY_WARNING
		    && diag.items[i].line == line
		    && strstr(diag.items[i].msg, needle) != NULL)
			return;
	fail_msg("no warning at line %u containing '%s'", line, needle);
}

static void
test_lint(void **state)
{
	struct policy *p;
	struct policy_diag diag;

	(void)state;
	lint_has("[general]\non_error = accept\n", 2, "unchecked");
	lint_has("[general]\nmode = monitor\n", 2, "none is enforced");
	lint_has("[general]\nmin_key_bits = 512\n", 2, "shorter than");
	lint_has("[actions]\ndmarc.reject = accept\n", 2, "DMARC policy");
	lint_has("[domain:x.example]\ndmarc.quarantine = accept\n", 2,
	    "[domain:x.example] dmarc.quarantine");
	lint_has("[domain:x.example]\nignore = dmarc\n", 2, "ignores DMARC");
	lint_has("[actions]\nspf.temperror = reject\n", 2, "DNS trouble");
	lint_has("[trusted]\ndomains = co.uk\n", 2, "public suffix");
	lint_has("[trusted]\narc_sealers = com\n", 2, "public suffix");
	lint_has("[trusted]\nrelays = 10.0.0.0/8\n", 2, "very wide");
	lint_has("[general]\nskip_hosts = ::/0\n", 2, "very wide");
	lint_has("[trusted]\narc_sealers = lists.example\n", 2,
	    "arc_sealers vouch for nothing while arc = off");
	lint_has("[general]\ndmarc_pass_waives = dkim\n"
		 "aligned_dkim_waives = spf\n",
	    3, "does nothing while dmarc_pass_waives leaves spf out (line 2)");
	/* A plain, safe policy has nothing to warn about. */
	p = load_ok("[general]\nauthserv_id = mx.test\n"
		    "[trusted]\ndomains = trusted.example\n");
	memset(&diag, 0, sizeof(diag));
	policy_lint(p, &diag);
	assert_int_equal(diag.n, 0);
	policy_free(p);
	/* Nor has one whose sealers are validated. */
	p = load_ok("[general]\narc = self\n"
		    "[trusted]\narc_sealers = lists.example\n");
	memset(&diag, 0, sizeof(diag));
	policy_lint(p, &diag);
	assert_int_equal(diag.n, 0);
	policy_free(p);
	/* Nor has one that says the defaults of the two waiver keys. */
	p = load_ok("[general]\ndmarc_pass_waives = spf\n"
		    "aligned_dkim_waives = spf\n");
	memset(&diag, 0, sizeof(diag));
	policy_lint(p, &diag);
	assert_int_equal(diag.n, 0);
	policy_free(p);
}

static void
test_diag_format(void **state)
{
	struct policy_diag_item item = { POLICY_ERROR, 7, "bad thing" };
	char buf[128];

	(void)state;
	policy_diag_format("/etc/p.ini", &item, buf, sizeof(buf));
	assert_string_equal(buf, "/etc/p.ini:7: error: bad thing");
	item.line = 0;
	item.severity = POLICY_WARNING;
	policy_diag_format("/etc/p.ini", &item, buf, sizeof(buf));
	assert_string_equal(buf, "/etc/p.ini: warning: bad thing");
}

static void
test_too_many_diagnostics(void **state)
{
	size_t cap = 300 * 20, o = 0, i;
	char *text = malloc(cap);
	struct policy_diag diag;

	(void)state;
	o += (size_t)snprintf(text, cap, "[general]\n");
	for (i = 0; i < 250; i++)
		o += (size_t)snprintf(text + o, cap - o, "bad%zu = 1\n", i);
	assert_null(policy_load_buffer("t.ini", text, o, &diag));
	assert_int_equal(diag.n, POLICY_MAX_DIAGS);
	assert_int_equal(diag.n_errors, 250);
	assert_int_equal(diag.dropped, 250 - POLICY_MAX_DIAGS);
	free(text);
}

static void
test_load_file_errors(void **state)
{
	struct policy_diag diag;
	char path[] = "/tmp/authgate-test-XXXXXX";
	int fd;

	(void)state;
	assert_null(policy_load("/nonexistent/policy.ini", &diag));
	assert_non_null(strstr(diag.items[0].msg, "cannot open"));
	assert_null(policy_load("/tmp", &diag));
	assert_non_null(strstr(diag.items[0].msg, "not a regular file"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[general]\nmode = monitor\n", 25), 25);
	close(fd);
	struct policy *p = policy_load(path, &diag);
	assert_non_null(p);
	assert_string_equal(p->file, path);
	policy_free(p);
	unlink(path);
}

#ifdef AG_FAULT_INJECTION
/* Fails each allocation of a load in turn: every failure is an "out of
 * memory" error, never a crash or a half-built policy. */
static void
test_out_of_memory(void **state)
{
	static const char text[]
	    = "[general]\nskip_hosts = 10.0.0.0/8\n"
	      "[trusted]\ndomains = a.example b.example\n"
	      "relays = 192.0.2.1\narc_sealers = s.example\n"
	      "[domain:p.example]\nspf.fail = tag\n";
	struct policy_diag diag;
	struct policy *p;
	unsigned long n, total;

	(void)state;
	ag_fault_fail_nth(0);
	p = policy_load_buffer("t.ini", text, sizeof(text) - 1, &diag);
	assert_non_null(p);
	total = ag_fault_count();
	policy_free(p);
	for (n = 1; n <= total; n++) {
		ag_fault_fail_nth(n);
		p = policy_load_buffer("t.ini", text, sizeof(text) - 1, &diag);
		if (p != NULL) {
			policy_free(p);
			fail_msg("allocation %lu failed but the load succeeded",
			    n);
		}
		assert_non_null(strstr(diag.items[diag.n - 1].msg,
		    "out of memory"));
	}
	ag_fault_fail_nth(0);
}
#endif

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_syslog_and_arc_keys),
		cmocka_unit_test(test_dmarc_pass_waives_none),
		cmocka_unit_test(test_aligned_dkim_waives),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_any_case),
		cmocka_unit_test(test_suggestions),
		cmocka_unit_test(test_load_for_check),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_canonical_names),
		cmocka_unit_test(test_error_in_nul_file),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_long_line_refused),
		cmocka_unit_test(test_long_domain_section),
		cmocka_unit_test(test_continuation_lines),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_domain_matching),
		cmocka_unit_test(test_big_policy),
		cmocka_unit_test(test_lint),
		cmocka_unit_test(test_diag_format),
		cmocka_unit_test(test_too_many_diagnostics),
		cmocka_unit_test(test_load_file_errors),
#ifdef AG_FAULT_INJECTION
		cmocka_unit_test(test_out_of_memory),
#endif
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
