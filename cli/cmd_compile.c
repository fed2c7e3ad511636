/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cmd_compile.c: `authgate compile [--output FILE] POLICY`, postmap's job
 * for policy.ini: POLICY parsed as the module parses it and, only when
 * valid, its compiled form (policy/compiled.h) written beside it as
 * POLICY.agc, atomically (a temporary file made with O_EXCL, so never
 * through a link, fsync'd and renamed over the old one), mode 0644. The
 * stamp recorded is that of the file read; a file that changes while it
 * is read is not compiled. check-config calls cli_compile too.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "policy/compiled.h"
#include "policy/config.h"

static const char usage_compile[]
    = "usage: authgate compile [options] POLICY\n"
      "\n"
      "Parses POLICY (a policy.ini) and, when it is valid, writes its\n"
      "compiled form, which the module and the other commands map instead\n"
      "of parsing POLICY for as long as POLICY is unchanged (a changed\n"
      "POLICY is parsed again, with a warning, until it is compiled anew).\n"
      "Nothing is written for an invalid POLICY.\n"
      "\n"
      "  -o, --output FILE  write FILE (default POLICY.agc, the name the\n"
      "                     loader looks for)\n"
      "  -q, --quiet        print errors only\n"
      "\n"
      "Exit status: 0 written, 1 POLICY invalid or FILE not written,\n"
      "2 usage error.\n";

/* Writes len bytes to path by a temporary file in its directory and a
 * rename; 0, or -1 with err set (the temporary file removed). */
static int
write_atomically(const char *path, const unsigned char *buf, size_t len,
    char *err, size_t errsz)
{
	char tmp[POLICY_MAX_PATH + 32], dir[POLICY_MAX_PATH + 32];
	size_t off = 0;
	ssize_t n;
	int fd, dfd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path)
	    >= (int)sizeof(tmp)) {
		snprintf(err, errsz, "path too long");
		return -1;
	}
	/* mkstemp opens with O_CREAT | O_EXCL: a link at the name fails */
	if ((fd = mkstemp(tmp)) < 0) {
		snprintf(err, errsz, "cannot create a temporary file: %s",
		    strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0644) != 0)
		goto fail;
	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto fail;
	snprintf(dir, sizeof(dir), "%s", path);
	if (strrchr(dir, '/') == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (strrchr(dir, '/') == dir)
		dir[1] = '\0';
	else
		*strrchr(dir, '/') = '\0';
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	snprintf(err, errsz, "%s", strerror(errno ? errno : EIO));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

int
cli_compile(const char *path, const char *output, bool quiet)
{
	char out[POLICY_MAX_PATH + sizeof(AGC_SUFFIX)], err[256];
	struct policy_diag diag;
	struct agc_stamp stamp;
	struct stat before, after;
	struct policy *p;
	unsigned char *img = NULL;
	size_t len = 0, img_len;
	char *text;
	int rc = CLI_EXIT_INVALID;

	if (output == NULL) {
		if (snprintf(out, sizeof(out), "%s%s", path, AGC_SUFFIX)
		    >= (int)sizeof(out)) {
			fprintf(stderr, "%s: path too long\n", path);
			return CLI_EXIT_INVALID;
		}
		output = out;
	}
	if (stat(path, &before) != 0
	    || (text = cli_read_file(path, POLICY_MAX_FILE, &len)) == NULL) {
		fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
		return CLI_EXIT_INVALID;
	}
	if (stat(path, &after) != 0 || !policy_same_file(&before, &after)
	    || (size_t)before.st_size != len) {
		fprintf(stderr,
		    "%s: changed while it was read: not compiled (replace it "
		    "with rename(2))\n",
		    path);
		free(text);
		return CLI_EXIT_INVALID;
	}
	p = policy_load_buffer(path, text, len, &diag);
	free(text);
	if (p == NULL) {
		cli_print_diag(path, &diag, true);
		fprintf(stderr, "%s: %zu error%s: %s not written\n", path,
		    diag.n_errors, diag.n_errors == 1 ? "" : "s", output);
		return CLI_EXIT_INVALID;
	}
	memset(&stamp, 0, sizeof(stamp));
	stamp.dev = (uint64_t)before.st_dev;
	stamp.ino = (uint64_t)before.st_ino;
	stamp.size = (uint64_t)before.st_size;
	stamp.mtime_sec = (int64_t)before.st_mtim.tv_sec;
	stamp.mtime_nsec = (uint32_t)before.st_mtim.tv_nsec;
	stamp.ctime_sec = (int64_t)before.st_ctim.tv_sec;
	stamp.ctime_nsec = (uint32_t)before.st_ctim.tv_nsec;
	if (agc_build(p, &stamp, &img, &img_len, err, sizeof(err)) != 0
	    || agc_check_header(img, img_len, err, sizeof(err)) != 0
	    || agc_check_payload(img, img_len, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: cannot compile: %s\n", path, err);
		goto out;
	}
	if (write_atomically(output, img, img_len, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", path, output, err);
		goto out;
	}
	if (!quiet)
		printf("%s: compiled into %s: %zu domain sections, %zu trusted "
		       "domains, %zu trusted relays, %zu ARC sealers, %zu "
		       "bytes\n",
		    path, output, p->n_domains, p->n_trusted, p->n_relays,
		    p->n_sealers, img_len);
	rc = 0;
out:
	free(img);
	policy_free(p);
	return rc;
}

int
cmd_compile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL;
	bool quiet = false;
	int c;

	while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(usage_compile, stdout);
			return 0;
		default:
			fputs(usage_compile, stderr);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || (output != NULL && output[0] == '\0')) {
		fputs(usage_compile, stderr);
		return CLI_EXIT_USAGE;
	}
	return cli_compile(argv[optind], output, quiet);
}
