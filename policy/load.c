/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * load.c: the steps of a load (defaults, the INI text, the lists and name
 * sets, the public suffix list) and the only file I/O of policy/: it
 * reads policy.ini and has libpsl load the suffix list. A policy with an
 * error is freed here, never returned.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libpsl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/config.h"
#include "policy/loader.h"
#include "util/arena.h"
#include "util/cidr.h"
#include "util/sha256.h"

/*
 * Debian ships the list twice: as text (.dat) and compiled (.dafsa). The
 * compiled form loads in microseconds instead of milliseconds, which
 * matters because Exim loads the module once per SMTP connection; it is
 * used when it sits beside the configured .dat and is not older.
 */
static void *
load_psl_file(const char *path)
{
	char compiled[POLICY_MAX_PATH + 8];
	struct stat dat, dafsa;
	size_t len = strlen(path);
	void *ctx;

	if (len > 4 && strcmp(path + len - 4, ".dat") == 0
	    && len + 3 < sizeof(compiled)) {
		memcpy(compiled, path, len - 4);
		memcpy(compiled + len - 4, ".dafsa", 7);
		if (stat(path, &dat) == 0 && stat(compiled, &dafsa) == 0
		    && dafsa.st_mtime >= dat.st_mtime
		    && (ctx = psl_load_file(compiled)) != NULL)
			return ctx;
	}
	return psl_load_file(path);
}

static void
load_psl(struct loader *ld)
{
	struct policy *p = ld->p;
	unsigned line = ld->param_line[P_PSL_FILE];

	p->psl = load_psl_file(p->psl_file);
	if (p->psl == NULL)
		policy_diag_add(ld->diag, POLICY_ERROR, line,
		    "cannot load the public suffix list %s: %s%s", p->psl_file,
		    access(p->psl_file, R_OK) == 0 ? "not a suffix list" :
						     strerror(errno),
		    line == 0 ? " (install Debian's package publicsuffix, or "
				"set psl_file)" :
				"");
}

/* A load of text; keep: a policy with errors is returned too (for
 * check-config's warnings), never used to decide. */
static struct policy *
load_text(const char *name, const char *text, size_t len,
    struct policy_diag *diag, bool keep)
{
	struct policy_diag local;
	struct loader ld;
	struct policy *p;

	if (diag == NULL)
		diag = &local;
	memset(diag, 0, sizeof(*diag));
	p = ag_malloc(sizeof(*p));
	if (p == NULL) {
		policy_diag_add(diag, POLICY_ERROR, 0, "out of memory");
		return NULL;
	}
	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
	params_defaults(p);
	memset(&ld, 0, sizeof(ld));
	ld.p = p;
	ld.diag = diag;
	ld.text = text;
	ld.len = len;
	ld.domains.elem = sizeof(struct policy_domain);
	ld.trusted.elem = sizeof(struct policy_entry);
	ld.sealers.elem = sizeof(struct policy_entry);
	ld.relays.elem = sizeof(struct cidr);
	ld.skip.elem = sizeof(struct cidr);
	p->file = loader_save(&ld, name, strlen(name));
	sha256_hex(text, len, p->sha256);

	if (loader_read_ini(&ld) != 0)
		ld.oom = true;
	params_check(&ld);
	loader_settle(&ld);
	if (!ld.oom)
		loader_build_sets(&ld);
	if (!ld.oom && (diag->n_errors == 0 || keep))
		load_psl(&ld);
	if (ld.oom || arena_failed(&p->arena)) {
		policy_diag_add(diag, POLICY_ERROR, 0, "out of memory");
		keep = false;
	}
	if (diag->n_errors > 0 && !keep) {
		policy_free(p);
		return NULL;
	}
	return p;
}

struct policy *
policy_load_buffer(const char *name, const char *text, size_t len,
    struct policy_diag *diag)
{
	return load_text(name, text, len, diag, false);
}

/* Reads path and loads it (see load_text). */
static struct policy *
load_file(const char *path, struct policy_diag *diag, bool keep)
{
	struct policy_diag local;
	struct policy *p = NULL;
	struct stat st;
	char *text = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	if (diag == NULL)
		diag = &local;
	memset(diag, 0, sizeof(*diag));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		policy_diag_add(diag, POLICY_ERROR, 0, "cannot open: %s",
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		policy_diag_add(diag, POLICY_ERROR, 0, "not a regular file");
		goto out;
	}
	if ((unsigned long long)st.st_size > POLICY_MAX_FILE) {
		policy_diag_add(diag, POLICY_ERROR, 0, "larger than %zu bytes",
		    POLICY_MAX_FILE);
		goto out;
	}
	text = ag_malloc((size_t)st.st_size + 1);
	if (text == NULL) {
		policy_diag_add(diag, POLICY_ERROR, 0, "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, text + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			policy_diag_add(diag, POLICY_ERROR, 0,
			    "cannot read: %s",
			    n < 0 ? strerror(errno) : "file shrank");
			goto out;
		}
		got += (size_t)n;
	}
	p = load_text(path, text, got, diag, keep);
out:
	free(text);
	close(fd);
	return p;
}

struct policy *
policy_load(const char *path, struct policy_diag *diag)
{
	return load_file(path, diag, false);
}

struct policy *
policy_load_for_check(const char *path, struct policy_diag *diag)
{
	return load_file(path, diag, true);
}
