/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * canon_dump.c: prints a message's header fields and body as
 * verify/canon.c canonicalizes them, for tests/cli/canon.t to compare
 * with python3-dkim's canonicalization.
 * usage: canon_dump simple|relaxed FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/canon.h"
#include "mail/msg.h"

static void
to_stdout(void *ctx, const void *data, size_t len)
{
	(void)ctx;
	fwrite(data, 1, len, stdout);
}

int
main(int argc, char **argv)
{
	static char text[1 << 20];
	static struct msg m;
	struct sbuf sb;
	bool relaxed;
	size_t len, i;
	FILE *fp;

	if (argc != 3 || (fp = fopen(argv[2], "rb")) == NULL)
		return 2;
	relaxed = strcmp(argv[1], "relaxed") == 0;
	len = fread(text, 1, sizeof(text), fp);
	fclose(fp);
	msg_parse(text, len, &m);
	sbuf_init(&sb, sizeof(text));
	for (i = 0; i < m.n_fields; i++) {
		canon_header(relaxed, m.fields[i].text, m.fields[i].len, &sb);
		sbuf_putn(&sb, "\r\n", 2);
	}
	fwrite(sb.buf, 1, sb.len, stdout);
	sbuf_free(&sb);
	fputs("--body--\r\n", stdout);
	canon_body(relaxed, m.body, m.body_len, -1, to_stdout, NULL);
	return 0;
}
