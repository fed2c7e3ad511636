/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subject.c: tagging a Subject. The check for an existing tag reads the
 * value as a mail reader displays it, so that a sender's encoded
 * "[SPAM]" is not tagged twice; the new field keeps the old value's
 * bytes and only mends line breaks that would end the field early.
 */
#include <string.h>

#include "mail/encword.h"
#include "mail/subject.h"

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_space(char c)
{
	return is_wsp(c) || c == '\r' || c == '\n';
}

/* Fills shown with up to size bytes of what a reader sees at the start
 * of value; returns how many. */
static size_t
displayed_prefix(const char *value, char *shown, size_t size)
{
	struct encword w;
	size_t len = strlen(value), i = 0, n = 0, end, k;

	while (i < len && is_space(value[i]))
		i++;
	if ((end = encword_run_end(value + i, len - i)) > 0) {
		end += i;
		while (i < end && n < size) {
			if (!encword_at(value + i, end - i, &w))
				break;
			n += encword_decode(&w, shown + n, size - n);
			for (i += w.len;
			     i < end && !encword_at(value + i, end - i, &w);
			     i++)
				;
		}
		i = end;
	}
	for (k = i; k < len && n < size; k++)
		shown[n++] = value[k];
	return n;
}

bool
subject_has_tag(const char *value, const char *tag)
{
	char shown[128];
	size_t taglen = strlen(tag);

	if (taglen == 0 || taglen > sizeof(shown))
		return false;
	return displayed_prefix(value, shown, taglen) == taglen
	    && memcmp(shown, tag, taglen) == 0;
}

/* The bytes of value the field keeps: without the white space and line
 * breaks around it, which a reader does not see. */
static void
trimmed(const char *value, const char **start, size_t *len)
{
	size_t n;

	while (is_space(*value))
		value++;
	n = strlen(value);
	while (n > 0 && is_space(value[n - 1]))
		n--;
	*start = value;
	*len = n;
}

enum subject_outcome
subject_tag(struct sbuf *out, const char *value, const char *tag, size_t max)
{
	const char *v;
	size_t len, i, need, copied = 0;

	if (subject_has_tag(value, tag))
		return SUBJECT_ALREADY_TAGGED;
	trimmed(value, &v, &len);
	need = strlen("Subject: ") + strlen(tag) + 1 + len + 1;
	for (i = 0; i < len; i++)
		if (v[i] == '\n' && (i + 1 >= len || !is_wsp(v[i + 1])))
			need++;
	if (need > max)
		return SUBJECT_TOO_LONG;
	sbuf_printf(out, "Subject: %s", tag);
	if (len > 0)
		sbuf_putc(out, ' ');
	for (i = 0; i < len; i++)
		if (v[i] == '\n' && (i + 1 >= len || !is_wsp(v[i + 1]))) {
			sbuf_putn(out, v + copied, i + 1 - copied);
			sbuf_putc(out, '\t');
			copied = i + 1;
		}
	sbuf_putn(out, v + copied, len - copied);
	sbuf_putc(out, '\n');
	return SUBJECT_TAGGED;
}
