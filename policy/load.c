/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * load.c: the steps of a load (defaults, the INI text, the lists and name
 * sets, the public suffix list) and the only file I/O of policy/: it
 * reads policy.ini, maps its compiled form (policy.ini.agc, compiled.h)
 * when that is fresh, and has libpsl load the suffix list. A policy with
 * an error is freed here, never returned. The compiled form is used only
 * when the stamp it records (device, inode, size, mtime, ctime) is
 * policy.ini's now: one stat of each file, whatever the policy's size.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libpsl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/compiled.h"
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

/* ---- the compiled form ---- */

/* A mapped compiled file, shared by the policies read from it and by
 * the preload. */
struct policy_map {
	void *base;
	size_t size;
	struct stat st; /* of the compiled file */
	unsigned refs;	/* policies reading it */
	bool preloaded; /* held by the preload */
	bool verified;	/* payload checked whole */
};

/* What loader_preload holds: the map for the processes forked after it,
 * and the stamp of the last file it refused (said once). */
static struct {
	struct policy_map *map;
	char path[POLICY_MAX_PATH + sizeof(AGC_SUFFIX)];
	struct stat refused;
	bool have_refused;
} preload;

bool
policy_same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino
	    && a->st_size == b->st_size
	    && a->st_mtim.tv_sec == b->st_mtim.tv_sec
	    && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec
	    && a->st_ctim.tv_sec == b->st_ctim.tv_sec
	    && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void
stamp_of(const struct stat *st, struct agc_stamp *out)
{
	memset(out, 0, sizeof(*out));
	out->dev = (uint64_t)st->st_dev;
	out->ino = (uint64_t)st->st_ino;
	out->size = (uint64_t)st->st_size;
	out->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	out->mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
	out->ctime_sec = (int64_t)st->st_ctim.tv_sec;
	out->ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
}

/* What differs between the recorded stamp and the file's. */
static const char *
stamp_change(const struct agc_stamp *rec, const struct agc_stamp *now)
{
	if (rec->dev != now->dev || rec->ino != now->ino)
		return "it is another file (device or inode)";
	if (rec->size != now->size)
		return "its size changed";
	if (rec->mtime_sec != now->mtime_sec
	    || rec->mtime_nsec != now->mtime_nsec)
		return "it was modified (mtime)";
	return "its inode changed (ctime)";
}

static void
loader_unmap(struct policy_map *map)
{
	if (map == NULL)
		return;
	if (map->refs > 0)
		map->refs--;
	if (map->refs == 0 && !map->preloaded) {
		munmap(map->base, map->size);
		free(map);
	}
}

void
loader_release(struct policy *p)
{
	loader_unmap(p->map);
	p->map = NULL;
}

/* Maps a compiled file read-only: 0, 1 when there is none, -1 with err
 * set. Never blocks on a FIFO or device put at its name. */
static int
map_file(const char *path, struct policy_map **out, char *err, size_t errsz)
{
	struct policy_map *m;
	struct stat st;
	void *base;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errsz, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errsz, "not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_size <= 0 || (unsigned long long)st.st_size > AGC_MAX_SIZE) {
		snprintf(err, errsz, "not a compiled policy (%lld bytes)",
		    (long long)st.st_size);
		close(fd);
		return -1;
	}
	base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (base == MAP_FAILED) {
		snprintf(err, errsz, "cannot map: %s", strerror(errno));
		return -1;
	}
	if ((m = ag_malloc(sizeof(*m))) == NULL) {
		munmap(base, (size_t)st.st_size);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	memset(m, 0, sizeof(*m));
	m->base = base;
	m->size = (size_t)st.st_size;
	m->st = st;
	*out = m;
	return 0;
}

/* The policy from path's compiled form, or NULL: none there (warn
 * empty), or not used (warn says which file and why). */
static struct policy *
load_compiled(const char *path, unsigned flags, char *warn, size_t warnsz)
{
	char agc[POLICY_MAX_PATH + sizeof(AGC_SUFFIX)], why[200];
	struct agc_stamp rec, now;
	struct policy_map *map = NULL;
	struct policy *p;
	struct stat src, st;
	int r;

	warn[0] = '\0';
	if ((flags & POLICY_LOAD_SOURCE) || stat(path, &src) != 0)
		return NULL;
	r = snprintf(agc, sizeof(agc), "%s%s", path, AGC_SUFFIX);
	if (r < 0 || (size_t)r >= sizeof(agc))
		return NULL;
	if (preload.map != NULL && strcmp(preload.path, agc) == 0
	    && stat(agc, &st) == 0 && policy_same_file(&st, &preload.map->st)) {
		map = preload.map;
	} else {
		r = map_file(agc, &map, why, sizeof(why));
		if (r == 1)
			return NULL;
		if (r < 0)
			goto refused;
		if (agc_check_header(map->base, map->size, why, sizeof(why))
		    != 0)
			goto refused;
	}
	agc_source_stamp(map->base, &rec);
	stamp_of(&src, &now);
	if (!agc_stamp_equal(&rec, &now)) {
		snprintf(warn, warnsz,
		    "%s is stale: %s changed since it was compiled (%s); "
		    "parsed %s instead (run authgate compile %s)",
		    agc, path, stamp_change(&rec, &now), path, path);
		goto unused;
	}
	if ((flags & POLICY_LOAD_VERIFY) && !map->verified) {
		if (agc_check_payload(map->base, map->size, why, sizeof(why))
		    != 0)
			goto refused;
		map->verified = true;
	}
	p = agc_policy(map->base, map->size, path, why, sizeof(why));
	if (p == NULL)
		goto refused;
	map->refs++;
	p->map = map;
	p->psl = load_psl_file(p->psl_file);
	if (p->psl == NULL) {
		/* The parse says why, with its line. */
		policy_free(p);
		return NULL;
	}
	return p;
refused:
	snprintf(warn, warnsz, "%s: refused: %s; parsed %s instead", agc, why,
	    path);
unused:
	if (map != NULL && map->refs == 0 && !map->preloaded)
		loader_unmap(map);
	return NULL;
}

struct policy *
policy_load_with(const char *path, unsigned flags, struct policy_diag *diag)
{
	char warn[2 * POLICY_MAX_PATH + 400];
	struct policy *p;

	p = load_compiled(path, flags, warn, sizeof(warn));
	if (p != NULL) {
		if (diag != NULL)
			memset(diag, 0, sizeof(*diag));
		return p;
	}
	p = load_file(path, diag, false);
	if (p != NULL && warn[0] != '\0') {
		p->load_warning = arena_strdup(&p->arena, warn);
		if (p->load_warning == NULL) {
			policy_free(p);
			p = NULL;
			policy_diag_add(diag, POLICY_ERROR, 0, "out of memory");
		}
	}
	return p;
}

struct policy *
policy_load(const char *path, struct policy_diag *diag)
{
	return policy_load_with(path, 0, diag);
}

/* Drops the preload's map (unmapped once no policy reads it). */
static void
preload_drop(void)
{
	struct policy_map *m = preload.map;

	preload.map = NULL;
	if (m != NULL) {
		m->preloaded = false;
		if (m->refs == 0) {
			m->refs = 1;
			loader_unmap(m);
		}
	}
}

int
loader_preload(const char *policy_path, char *err, size_t errlen)
{
	char agc[sizeof(preload.path)], why[200];
	struct agc_stamp rec, now;
	struct policy_map *map;
	struct stat st, src;
	int r;

	if (policy_path == NULL || policy_path[0] == '\0')
		return 1;
	r = snprintf(agc, sizeof(agc), "%s%s", policy_path, AGC_SUFFIX);
	if (r < 0 || (size_t)r >= sizeof(agc)) {
		snprintf(err, errlen, "%s: path too long", policy_path);
		return -1;
	}
	if (stat(agc, &st) != 0) {
		preload_drop(); /* what an earlier call mapped is let go */
		preload.path[0] = '\0';
		return 1;
	}
	if (strcmp(preload.path, agc) == 0) {
		if (preload.map != NULL
		    && policy_same_file(&st, &preload.map->st))
			return 0;
		if (preload.have_refused
		    && policy_same_file(&st, &preload.refused))
			return 1;
	}
	preload_drop();
	memcpy(preload.path, agc, (size_t)r + 1);
	preload.have_refused = true;
	preload.refused = st;
	r = map_file(agc, &map, why, sizeof(why));
	if (r == 1)
		return 1;
	if (r == 0
	    && (agc_check_header(map->base, map->size, why, sizeof(why)) != 0
		|| agc_check_payload(map->base, map->size, why, sizeof(why))
		    != 0))
		r = -1;
	if (r == 0 && stat(policy_path, &src) == 0) {
		agc_source_stamp(map->base, &rec);
		stamp_of(&src, &now);
		if (!agc_stamp_equal(&rec, &now)) {
			snprintf(why, sizeof(why),
			    "stale: %s changed since it was compiled (%s); "
			    "run authgate compile %s",
			    policy_path, stamp_change(&rec, &now), policy_path);
			r = -1;
		}
	}
	if (r != 0) {
		if (map != NULL) {
			map->refs = 1;
			loader_unmap(map);
		}
		snprintf(err, errlen, "%s: refused: %s", agc, why);
		return -1;
	}
	map->verified = true;
	map->preloaded = true;
	preload.map = map;
	preload.have_refused = false;
	return 0;
}

struct policy *
policy_load_for_check(const char *path, struct policy_diag *diag)
{
	return load_file(path, diag, true);
}
