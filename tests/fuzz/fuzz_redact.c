/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_redact.c: any header section, as failure reports see it: each
 * field comes out of redaction as printable ASCII whose newlines only
 * fold (no field can be smuggled in), and any text read as a ruf= list
 * gives entries inside the text whose usable addresses keep to the safe
 * characters. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/reporturi.h"
#include "report/failure.h"
#include "report/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_field(const char *field, size_t len)
{
	struct sbuf sb;
	size_t i;

	sbuf_init(&sb, len * 32 + 4096);
	redact_field(&sb, field, len);
	for (i = 0; i < sb.len; i++) {
		unsigned char c = (unsigned char)sb.buf[i];

		if (c != '\n' && c != '\t' && (c < 0x20 || c >= 0x7f))
			abort();
		/* A newline only ends the field or folds it. */
		if (c == '\n' && i + 1 < sb.len && sb.buf[i + 1] != ' '
		    && sb.buf[i + 1] != '\t')
			abort();
	}
	sbuf_reset(&sb);
	redact_text(&sb, field, len);
	sbuf_free(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *p, *end = text + size;
	struct reporturi u;
	size_t start = 0, i;

	for (i = 0; i <= size; i++)
		if (i == size
		    || (text[i] == '\n' && i + 1 < size && text[i + 1] != ' '
			&& text[i + 1] != '\t')) {
			check_field(text + start, i - start);
			start = i + 1;
		}
	(void)ruf_is_automatic(text, size);
	(void)ruf_fo_parse(text, size);
	p = text;
	while (reporturi_next(&p, end, &u)) {
		if (u.text < text || u.text + u.len > end || p > end)
			abort();
		if (u.problem == REPORTURI_OK
		    && (strchr(u.addr, '@') == NULL
			|| strspn(u.addr,
			       "abcdefghijklmnopqrstuvwxyz"
			       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			       ".-_+@=")
			    != strlen(u.addr)))
			abort();
	}
	return 0;
}
