/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msg.c: header/body split. A field runs until a line that does not
 * start with a blank (RFC 5322 folding); the header block ends at the
 * first empty line.
 */
#include <string.h>
#include <strings.h>

#include "mail/msg.h"

void
msg_parse(const char *text, size_t len, struct msg *out)
{
	const char *p = text, *end = text + len, *start, *nl;
	size_t n;

	memset(out, 0, sizeof(*out));
	while (p < end && *p != '\n'
	    && !(*p == '\r' && p + 1 < end && p[1] == '\n')) {
		start = p;
		do {
			nl = memchr(p, '\n', (size_t)(end - p));
			p = nl != NULL ? nl + 1 : end;
		} while (p < end && (*p == ' ' || *p == '\t'));
		n = (size_t)(p - start);
		while (n > 0 && (start[n - 1] == '\n' || start[n - 1] == '\r'))
			n--;
		if (memchr(start, ':', n) == NULL)
			continue;
		if (out->n_fields == MSG_MAX_FIELDS) {
			out->truncated = true;
			continue;
		}
		out->fields[out->n_fields].text = start;
		out->fields[out->n_fields++].len = n;
	}
	if (p < end)
		p += (*p == '\r') ? 2 : 1;
	out->body = p < end ? p : end;
	out->body_len = (size_t)(end - out->body);
}

bool
msg_field_is(const struct msg_field *f, const char *name)
{
	size_t n = strlen(name), i;

	if (f->len <= n || strncasecmp(f->text, name, n) != 0)
		return false;
	for (i = n; i < f->len && (f->text[i] == ' ' || f->text[i] == '\t');
	     i++)
		;
	return i < f->len && f->text[i] == ':';
}

const char *
msg_field_value(const struct msg_field *f, size_t *len)
{
	const char *colon = memchr(f->text, ':', f->len);
	const char *v = colon + 1, *end = f->text + f->len;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	*len = (size_t)(end - v);
	return v;
}
