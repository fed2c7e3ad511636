/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_ruflimit.c: the failure reports' rate limit (local_scan/ruflimit.c,
 * which uses no Exim function and is compiled in here): one report per
 * organization and interval, failure_report_limit in all, a full table,
 * a clock set back, a foreign or damaged state file, and concurrent
 * processes of which exactly one wins.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include "helpers.h"
#include "local_scan/ruflimit.c"

static char dir[] = "/tmp/authgate-ruflimit.XXXXXX";
static char path[sizeof(dir) + 16];

static struct policy *
policy_with(unsigned interval, unsigned limit)
{
	char text[512];

	snprintf(text, sizeof(text),
	    "[general]\nfailure_report_interval = %u\n"
	    "failure_report_limit = %u\nfailure_report_state = %s\n",
	    interval, limit, path);
	return load_ok(text);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/ruf.state", dir);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void
fresh(void)
{
	unlink(path);
}

static void
test_one_per_key(void **state)
{
	struct policy *p = policy_with(3600, 100);
	char why[300];

	(void)state;
	fresh();
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_OK);
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_LIMITED);
	assert_string_equal(why, "one report per 3600 s for bank.example");
	assert_int_equal(ls_ruf_claim(p, "other.example", why, sizeof(why)),
	    LS_CLAIM_OK);
	policy_free(p);
}

static void
test_host_limit(void **state)
{
	struct policy *p = policy_with(3600, 3);
	char why[300], key[32];
	int i;

	(void)state;
	fresh();
	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "d%d.example", i);
		assert_int_equal(ls_ruf_claim(p, key, why, sizeof(why)),
		    LS_CLAIM_OK);
	}
	assert_int_equal(ls_ruf_claim(p, "d9.example", why, sizeof(why)),
	    LS_CLAIM_LIMITED);
	assert_string_equal(why,
	    "failure_report_limit: 3 reports in 3600 s reached");
	policy_free(p);
}

/* Rewrites every time in the state file as if it were age seconds ago
 * (or ahead, for a negative age). */
static void
age_state(long age)
{
	struct state st;
	int fd = open(path, O_RDWR);
	size_t i;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &st, sizeof(st), 0), (ssize_t)sizeof(st));
	st.window_start -= age;
	for (i = 0; i < STATE_SLOTS; i++)
		if (st.slot[i].key != 0)
			st.slot[i].last -= age;
	assert_int_equal(pwrite(fd, &st, sizeof(st), 0), (ssize_t)sizeof(st));
	close(fd);
}

static void
test_interval_passes(void **state)
{
	struct policy *p = policy_with(60, 1);
	char why[300];

	(void)state;
	fresh();
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_OK);
	age_state(59);
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_LIMITED);
	age_state(2);
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_OK);
	/* Times a little ahead (a clock set back) do not free it... */
	age_state(-30);
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_LIMITED);
	/* ...but one set back further than the interval does. */
	age_state(-3600);
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_OK);
	policy_free(p);
}

/* Keys whose probe sequences all start at the same slot fill those
 * STATE_PROBES slots; the next one finds no room and sends nothing. */
static void
test_full_table(void **state)
{
	struct policy *p = policy_with(3600, 10000);
	struct state st;
	char why[300];
	size_t i;
	int fd;

	(void)state;
	fresh();
	assert_int_equal(ls_ruf_claim(p, "first.example", why, sizeof(why)),
	    LS_CLAIM_OK);
	fd = open(path, O_RDWR);
	assert_int_equal(pread(fd, &st, sizeof(st), 0), (ssize_t)sizeof(st));
	for (i = 0; i < STATE_SLOTS; i++) {
		st.slot[i].key = (uint64_t)i + 7;
		st.slot[i].last = st.window_start;
	}
	assert_int_equal(pwrite(fd, &st, sizeof(st), 0), (ssize_t)sizeof(st));
	close(fd);
	assert_int_equal(ls_ruf_claim(p, "new.example", why, sizeof(why)),
	    LS_CLAIM_LIMITED);
	assert_string_equal(why, "rate limit table full");
	policy_free(p);
}

static void
test_foreign_file(void **state)
{
	struct policy *p = policy_with(3600, 100);
	struct stat sb;
	char why[300];
	int fd;

	(void)state;
	fresh();
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, "not ours", 8), 8);
	close(fd);
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal((size_t)sb.st_size, sizeof(struct state));
	assert_int_equal(sb.st_mode & 0777, 0600);
	unlink(path);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_ERROR);
	assert_non_null(strstr(why, "cannot open failure_report_state"));
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(ls_ruf_claim(p, "bank.example", why, sizeof(why)),
	    LS_CLAIM_ERROR);
	rmdir(path);
	policy_free(p);
}

/* Twenty processes claim the same organization at once: one wins. */
static void
test_concurrent(void **state)
{
	struct policy *p = policy_with(3600, 100);
	int i, status, wins = 0;
	pid_t pids[20];
	char why[300];

	(void)state;
	fresh();
	for (i = 0; i < 20; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(ls_ruf_claim(p, "bank.example", why, sizeof(why))
				    == LS_CLAIM_OK ?
				0 :
				1);
	}
	for (i = 0; i < 20; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		wins += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	assert_int_equal(wins, 1);
	policy_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_per_key),
		cmocka_unit_test(test_host_limit),
		cmocka_unit_test(test_interval_passes),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_foreign_file),
		cmocka_unit_test(test_concurrent),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
