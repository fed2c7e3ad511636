/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_subject.c: any Subject value (and a tag chosen by the input) is
 * either seen as tagged already, too long, or tagged into one well-formed
 * field: "Subject: TAG", one final newline, every other newline followed
 * by white space, within the limit; and the new field reads as tagged,
 * so a second pass leaves it alone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/subject.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Tags a subject_tag line of policy.ini may hold: 1 to 64 printable
 * ASCII characters (a tag beginning "=?" would read as an encoded
 * word and is not offered). */
static const char *const tags[]
    = { "[SPAM]", "***SPAM***", "[x]", "SPAM:", "[ SPAM ]", "=[SPAM]=" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tag;
	char *value;
	const char *field, *v;
	size_t max, taglen, len, i;
	enum subject_outcome outcome;
	struct sbuf sb;

	if (size < 2)
		return 0;
	tag = tags[data[0] % (sizeof(tags) / sizeof(tags[0]))];
	max = data[1] < 128 ? 16384 : (size_t)data[1] * 4;
	value = malloc(size - 1);
	if (value == NULL)
		return 0;
	memcpy(value, data + 2, size - 2);
	value[size - 2] = '\0';
	taglen = strlen(tag);

	sbuf_init(&sb, 1 << 20);
	outcome = subject_tag(&sb, value, tag, max);
	field = sbuf_cstr(&sb);
	len = strlen(field);
	switch (outcome) {
	case SUBJECT_ALREADY_TAGGED:
		if (len != 0 || !subject_has_tag(value, tag))
			abort();
		break;
	case SUBJECT_TOO_LONG:
		if (len != 0
		    || subject_tag(&sb, value, tag, (size_t)-1)
			!= SUBJECT_TAGGED
		    || strlen(sbuf_cstr(&sb)) <= max)
			abort();
		break;
	case SUBJECT_TAGGED:
		if (sbuf_failed(&sb) || len > max || len < 10 + taglen
		    || strncmp(field, "Subject: ", 9) != 0
		    || strncmp(field + 9, tag, taglen) != 0
		    || field[len - 1] != '\n')
			abort();
		for (i = 0; i + 1 < len; i++)
			if (field[i] == '\n' && field[i + 1] != ' '
			    && field[i + 1] != '\t')
				abort();
		v = field + 8;
		if (!subject_has_tag(v, tag))
			abort();
		sbuf_reset(&sb);
		if (subject_tag(&sb, v, tag, (size_t)-1)
		    != SUBJECT_ALREADY_TAGGED)
			abort();
		break;
	}
	sbuf_free(&sb);
	free(value);
	return 0;
}
