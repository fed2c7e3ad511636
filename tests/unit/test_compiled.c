/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_compiled.c: the compiled policy (policy.ini.agc): a round trip
 * gives the same values, lookups and decisions as the parse; a stale
 * compiled file (mtime, size, content, inode) is never used and says so;
 * a corrupt one (each header byte, the payload, every truncation, another
 * version) is refused with a reason and the source parsed instead;
 * loader_preload's answers.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <time.h>

#include "helpers.h"
#include "policy/agcformat.h"
#include "policy/compiled.h"
#include "policy/loader.h"

static const char policy_text[] = "[general]\n"
				  "authserv_id = mx.test\n"
				  "mode = monitor\n"
				  "min_key_bits = 2048\n"
				  "log_syslog = mail\n"
				  "dmarc_pass_waives = spf\n"
				  "subject_tag = [SUSPECT]\n"
				  "skip_hosts = 198.51.100.0/24\n"
				  "[actions]\n"
				  "dkim.key_missing = accept\n"
				  "[trusted]\n"
				  "domains = partner.example\n"
				  "    Other.Example.\n"
				  "relays = 192.0.2.0/24, 2001:db8::/32\n"
				  "arc_sealers = sealer.example\n"
				  "[domain:bank.example]\n"
				  "dmarc.fail = reject\n"
				  "mode = enforce\n"
				  "ignore = spf\n"
				  "[domain:mail.example.org]\n"
				  "spf.softfail = quarantine\n";

static const char *const facts_json[] = {
	"{\"client\":{\"ip\":\"203.0.113.9\"},\"mail_from\":\"x@evil.example\","
	"\"from\":[\"ceo@bank.example\"],\"spf\":{\"result\":\"softfail\","
	"\"domain\":\"evil.example\"},\"dkim\":[],\"dns\":{\"_dmarc.bank."
	"example\":\"v=DMARC1; p=none\"}}",
	"{\"client\":{\"ip\":\"192.0.2.7\"},\"mail_from\":\"a@x.mail.example."
	"org\",\"from\":[\"a@x.mail.example.org\"],\"spf\":{\"result\":"
	"\"softfail\",\"domain\":\"x.mail.example.org\"},\"dkim\":[{\"d\":"
	"\"partner.example\",\"s\":\"s\",\"a\":\"rsa-sha256\",\"bits\":2048,"
	"\"result\":\"pass\"}],\"dns\":{}}",
	"{\"client\":{\"ip\":\"198.51.100.3\"},\"mail_from\":\"a@b.example\","
	"\"from\":[\"a@b.example\"],\"spf\":{\"result\":\"fail\",\"domain\":"
	"\"b.example\"},\"dkim\":[],\"dns\":{}}",
};

static char dir[64], src[128], agc[160];

static void
write_file(const char *path, const void *buf, size_t len)
{
	char tmp[200];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	assert_int_equal(rename(tmp, path), 0);
}

/* The image of src as it is now, as authgate compile makes it. */
static unsigned char *
image(size_t *len)
{
	struct agc_stamp stamp;
	struct policy *p;
	struct stat st;
	unsigned char *img;
	char err[256], *text;
	FILE *fp;
	long n;

	assert_int_equal(stat(src, &st), 0);
	fp = fopen(src, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	text = malloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	p = policy_load_buffer(src, text, (size_t)n, NULL);
	free(text);
	assert_non_null(p);
	memset(&stamp, 0, sizeof(stamp));
	stamp.dev = st.st_dev;
	stamp.ino = st.st_ino;
	stamp.size = (uint64_t)st.st_size;
	stamp.mtime_sec = st.st_mtim.tv_sec;
	stamp.mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	stamp.ctime_sec = st.st_ctim.tv_sec;
	stamp.ctime_nsec = (uint32_t)st.st_ctim.tv_nsec;
	assert_int_equal(agc_build(p, &stamp, &img, len, err, sizeof(err)), 0);
	policy_free(p);
	return img;
}

static void
compile_now(void)
{
	size_t len;
	unsigned char *img = image(&len);

	write_file(agc, img, len);
	free(img);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/agc-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/policy.ini", dir);
	snprintf(agc, sizeof(agc), "%s/policy.ini.agc", dir);
	write_file(src, policy_text, strlen(policy_text));
	compile_now();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(agc);
	unlink(src);
	rmdir(dir);
	return 0;
}

/* Loads src, expecting the compiled form (or not, with a warning that
 * contains want). */
static struct policy *
load_expect(bool compiled, const char *want)
{
	struct policy_diag diag;
	struct policy *p = policy_load_with(src, POLICY_LOAD_VERIFY, &diag);

	assert_non_null(p);
	if (compiled) {
		assert_non_null(p->compiled);
		assert_null(p->load_warning);
	} else {
		assert_null(p->compiled);
		if (want == NULL) {
			assert_null(p->load_warning);
		} else {
			assert_non_null(p->load_warning);
			if (strstr(p->load_warning, want) == NULL)
				fail_msg("warning '%s' lacks '%s'",
				    p->load_warning, want);
			assert_non_null(strstr(p->load_warning, agc));
		}
	}
	return p;
}

static void
same_decisions(const struct policy *a, const struct policy *b)
{
	struct arena arena;
	struct decision da, db;
	struct facts f;
	size_t i, k;

	arena_init(&arena);
	for (i = 0; i < sizeof(facts_json) / sizeof(facts_json[0]); i++) {
		facts_ok(&f, &arena, facts_json[i]);
		decide(a, &f, &da);
		decide(b, &f, &db);
		assert_int_equal(da.action, db.action);
		assert_int_equal(da.n_findings, db.n_findings);
		for (k = 0; k < da.n_findings; k++) {
			assert_int_equal(da.findings[k].cls,
			    db.findings[k].cls);
			assert_int_equal(da.findings[k].action,
			    db.findings[k].action);
			assert_int_equal(da.findings[k].line,
			    db.findings[k].line);
			assert_int_equal(da.findings[k].waived,
			    db.findings[k].waived);
		}
		assert_true((da.domain == NULL) == (db.domain == NULL));
		if (da.domain != NULL)
			assert_string_equal(da.domain->name, db.domain->name);
	}
	arena_free(&arena);
}

static void
test_round_trip(void **state)
{
	struct policy *c = load_expect(true, NULL);
	struct policy *s = policy_load_with(src, POLICY_LOAD_SOURCE, NULL);
	const struct param *pa;
	const struct policy_domain *dc, *ds;
	size_t i;

	(void)state;
	assert_non_null(s);
	assert_null(s->compiled);
	assert_string_equal(c->sha256, s->sha256);
	assert_string_equal(c->file, s->file);
	for (pa = policy_params; pa < policy_params + P_COUNT; pa++) {
		const char *fc = (const char *)c + pa->field;
		const char *fs = (const char *)s + pa->field;

		if (pa->section != SEC_GENERAL || pa->store == PS_NONE)
			continue;
		if (pa->store == PS_STRING)
			assert_string_equal(*(const char *const *)(void *)fc,
			    *(const char *const *)(void *)fs);
		else
			assert_memory_equal(fc, fs,
			    pa->store == PS_BOOL ? sizeof(bool) : sizeof(int));
		if (pa->line != 0)
			assert_int_equal(*(const unsigned *)(const void
						 *)((const char *)c + pa->line),
			    *(const unsigned *)(const void *)((const char *)s
				+ pa->line));
	}
	assert_int_equal(c->dmarc_pass_waives_line, s->dmarc_pass_waives_line);
	assert_memory_equal(c->actions, s->actions, sizeof(c->actions));
	assert_int_equal(c->n_relays, 2);
	assert_int_equal(c->n_skip_hosts, 1);
	for (i = 0; i < c->n_relays; i++)
		assert_memory_equal(&c->relays[i], &s->relays[i],
		    sizeof(struct cidr));
	assert_memory_equal(c->skip_hosts, s->skip_hosts, sizeof(struct cidr));
	assert_int_equal(c->n_domains, s->n_domains);
	assert_int_equal(c->n_trusted, s->n_trusted);
	assert_int_equal(c->n_sealers, s->n_sealers);
	dc = policy_domain_for(c, "x.mail.example.org");
	ds = policy_domain_for(s, "x.mail.example.org");
	assert_non_null(dc);
	assert_ptr_equal(dc, policy_domain_for(c, "mail.example.org"));
	assert_string_equal(dc->name, ds->name);
	assert_memory_equal(dc->set, ds->set, sizeof(ds->set));
	assert_memory_equal(dc->actions, ds->actions, sizeof(ds->actions));
	dc = policy_domain_for(c, "bank.example");
	ds = policy_domain_for(s, "bank.example");
	assert_int_equal(dc->ignore, ds->ignore);
	assert_int_equal(dc->mode_set, ds->mode_set);
	assert_int_equal(dc->mode_line, ds->mode_line);
	assert_null(policy_domain_for(c, "example.org"));
	assert_null(policy_domain_for(c, "xbank.example"));
	assert_string_equal(policy_trusted_domain(c, "a.other.example")->name,
	    "other.example");
	assert_null(policy_trusted_domain(c, "a.other.example")->written);
	assert_null(policy_trusted_domain(s, "a.other.example")->written);
	assert_null(policy_trusted_domain(c, "example"));
	assert_non_null(policy_trusted_sealer(c, "arc.sealer.example"));
	assert_null(policy_trusted_sealer(c, "partner.example"));
	assert_non_null(policy_trusted_relay(c, "2001:db8::5"));
	assert_non_null(policy_skip_host(c, "198.51.100.200"));
	same_decisions(c, s);
	policy_free(c);
	policy_free(s);
}

static void
test_large_round_trip(void **state)
{
	size_t cap = 1u << 20, o = 0, i;
	char *t = malloc(cap), name[64];
	struct policy *c;

	(void)state;
	o += (size_t)snprintf(t + o, cap - o, "[trusted]\ndomains =");
	for (i = 0; i < 3000; i++)
		o += (size_t)snprintf(t + o, cap - o, " t%zu.example\n", i);
	for (i = 0; i < 3000; i++)
		o += (size_t)snprintf(t + o, cap - o,
		    "[domain:d%zu.example]\ndkim.key_missing = accept\n", i);
	write_file(src, t, o);
	free(t);
	compile_now();
	c = load_expect(true, NULL);
	for (i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "x.d%zu.example", i);
		assert_non_null(policy_domain_for(c, name));
		snprintf(name, sizeof(name), "t%zu.example", i);
		assert_non_null(policy_trusted_domain(c, name));
	}
	assert_null(policy_domain_for(c, "d3000.example"));
	policy_free(c);
	write_file(src, policy_text, strlen(policy_text));
	compile_now();
}

static void
test_missing_is_silent(void **state)
{
	struct policy *p;

	(void)state;
	unlink(agc);
	p = load_expect(false, NULL);
	policy_free(p);
	compile_now();
}

static void
test_stale(void **state)
{
	struct timespec ts[2];
	struct policy *p;
	struct stat st;
	char *edited;

	(void)state;
	/* mtime only */
	assert_int_equal(stat(src, &st), 0);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	ts[1].tv_sec -= 10;
	assert_int_equal(utimensat(AT_FDCWD, src, ts, 0), 0);
	p = load_expect(false, "stale");
	assert_non_null(strstr(p->load_warning, "mtime"));
	policy_free(p);
	compile_now();
	policy_free(load_expect(true, NULL));
	/* size, by a rename */
	edited = malloc(strlen(policy_text) + 40);
	sprintf(edited, "%s[domain:new.example]\nspf.fail = tag\n",
	    policy_text);
	write_file(src, edited, strlen(edited));
	p = load_expect(false, "stale");
	assert_non_null(policy_domain_for(p, "new.example"));
	policy_free(p);
	/* the same size, written in place, the mtime put back: the
	 * change time still tells */
	compile_now();
	assert_int_equal(stat(src, &st), 0);
	{
		int fd = open(src, O_WRONLY);
		const char *at = strstr(edited, "dmarc.fail = reject");

		assert_true(fd >= 0);
		assert_non_null(at);
		assert_int_equal(pwrite(fd, "accept", 6,
				     (off_t)(at - edited) + 13),
		    6);
		close(fd);
	}
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, src, ts, 0), 0);
	p = load_expect(false, "ctime");
	assert_int_equal(policy_domain_for(p, "bank.example")
			     ->actions[AG_DMARC_FAIL]
			     .action,
	    AG_ACCEPT);
	policy_free(p);
	free(edited);
	write_file(src, policy_text, strlen(policy_text));
	compile_now();
}

/* Writes img (len bytes) as the compiled file and expects it refused
 * with want in the warning; the load must never crash. */
static void
expect_refused(const unsigned char *img, size_t len, const char *want)
{
	write_file(agc, img, len);
	policy_free(load_expect(false, want));
}

static void
test_corrupt_header(void **state)
{
	size_t len, i;
	unsigned char *img = image(&len), *bad = malloc(len);

	(void)state;
	for (i = 0; i < sizeof(struct agc_header); i++) {
		memcpy(bad, img, len);
		bad[i] ^= 0x5a;
		expect_refused(bad, len, "refused");
	}
	/* every truncation, and one byte more */
	for (i = 0; i < len; i += i < sizeof(struct agc_header) + 64 ? 1 : 97)
		expect_refused(img, i, "refused");
	memcpy(bad, img, len);
	bad = realloc(bad, len + 1);
	bad[len] = 0;
	expect_refused(bad, len + 1, "truncated or extended");
	free(bad);
	free(img);
	compile_now();
}

/* Rewrites a header field and its checksum, so that only the field is
 * wrong. */
static void
set_field(unsigned char *img, size_t off, const void *v, size_t n)
{
	struct agc_header h;

	memcpy(img + off, v, n);
	memcpy(&h, img, sizeof(h));
	h.header_sum = agc_sum(img, offsetof(struct agc_header, header_sum));
	memcpy(img, &h, sizeof(h));
}

static void
test_version_and_order(void **state)
{
	size_t len;
	unsigned char *img = image(&len), *bad = malloc(len);
	uint32_t v;

	(void)state;
	memcpy(bad, img, len);
	v = AGC_VERSION + 1;
	set_field(bad, offsetof(struct agc_header, version), &v, 4);
	expect_refused(bad, len, "format version 2");
	memcpy(bad, img, len);
	v = 0x04030201u;
	set_field(bad, offsetof(struct agc_header, byte_order), &v, 4);
	expect_refused(bad, len, "byte order");
	memcpy(bad, img, len);
	set_field(bad, offsetof(struct agc_header, writer), "0.0.9", 6);
	expect_refused(bad, len, "another version of authgate");
	/* a value out of its parameter's bounds, checksums made right:
	 * refused all the same */
	{
		struct agc_header h;
		struct agc_gen *g;
		uint64_t sum;

		memcpy(bad, img, len);
		memcpy(&h, bad, sizeof(h));
		g = (struct agc_gen *)(void *)(bad + h.gen_off);
		g[P_DNS_TIMEOUT].value = 0;
		sum = agc_sum(bad + h.header_size, len - h.header_size);
		set_field(bad, offsetof(struct agc_header, payload_sum), &sum,
		    sizeof(sum));
		expect_refused(bad, len, "[general] values");
	}
	memcpy(bad, img, len);
	bad[offsetof(struct agc_header, w_long)] = 4;
	set_field(bad, 0, "AGPOLICY", 8);
	expect_refused(bad, len, "widths");
	free(bad);
	free(img);
	compile_now();
}

static void
test_corrupt_payload(void **state)
{
	size_t len, i;
	unsigned char *img = image(&len), *bad = malloc(len);
	struct policy *p;

	(void)state;
	for (i = sizeof(struct agc_header); i < len; i++) {
		memcpy(bad, img, len);
		bad[i] ^= 0xa5;
		write_file(agc, bad, len);
		/* checked whole (the CLI, the preload): refused */
		policy_free(load_expect(false, "refused"));
		/* the module's own load checks the header only: whatever
		 * it reads stays inside the map */
		p = policy_load(src, NULL);
		assert_non_null(p);
		policy_domain_for(p, "a.bank.example");
		policy_domain_for(p, "mail.example.org");
		policy_trusted_domain(p, "partner.example");
		policy_trusted_sealer(p, "sealer.example");
		policy_free(p);
	}
	free(bad);
	free(img);
	compile_now();
}

static void
test_preload(void **state)
{
	char err[512];
	size_t len;
	unsigned char *img;
	struct policy *p;

	(void)state;
	assert_int_equal(loader_preload(NULL, err, sizeof(err)), 1);
	assert_int_equal(loader_preload("/nonexistent/policy.ini", err,
			     sizeof(err)),
	    1);
	if (loader_preload(src, err, sizeof(err)) != 0)
		fail_msg("preload: %s", err);
	assert_int_equal(loader_preload(src, err, sizeof(err)), 0);
	p = policy_load(src, NULL);
	assert_non_null(p);
	assert_non_null(p->compiled);
	assert_non_null(policy_domain_for(p, "bank.example"));
	/* a new, corrupt file: said once, then nothing new; the policy
	 * read from the old map keeps working */
	img = image(&len);
	img[sizeof(struct agc_header) + 8] ^= 1;
	write_file(agc, img, len);
	assert_int_equal(loader_preload(src, err, sizeof(err)), -1);
	assert_non_null(strstr(err, agc));
	assert_non_null(strstr(err, "checksum"));
	assert_int_equal(loader_preload(src, err, sizeof(err)), 1);
	assert_non_null(policy_domain_for(p, "bank.example"));
	policy_free(p);
	free(img);
	compile_now();
	assert_int_equal(loader_preload(src, err, sizeof(err)), 0);
	/* a path with no compiled form: what was held is let go, and a
	 * load maps the file itself */
	assert_int_equal(loader_preload("/nonexistent/policy.ini", err,
			     sizeof(err)),
	    1);
	p = policy_load(src, NULL);
	assert_non_null(p->compiled);
	assert_non_null(policy_domain_for(p, "bank.example"));
	policy_free(p);
	assert_int_equal(loader_preload(src, err, sizeof(err)), 0);
	unlink(agc);
	assert_int_equal(loader_preload(src, err, sizeof(err)), 1);
	compile_now();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_large_round_trip),
		cmocka_unit_test(test_missing_is_silent),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_corrupt_header),
		cmocka_unit_test(test_version_and_order),
		cmocka_unit_test(test_corrupt_payload),
		cmocka_unit_test(test_preload),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
