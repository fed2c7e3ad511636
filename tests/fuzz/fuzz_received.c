/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_received.c: any Received value reads into NUL-terminated fields
 * inside their buffers; the protocol is lower case; a local submission
 * names no client address. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/received.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct received r;
	char *v = malloc(size + 1);
	size_t i;

	if (v == NULL)
		return 0;
	memcpy(v, data, size);
	v[size] = '\0';
	received_parse(v, &r);
	if (memchr(r.ip, '\0', sizeof(r.ip)) == NULL
	    || memchr(r.helo, '\0', sizeof(r.helo)) == NULL
	    || memchr(r.mail_from, '\0', sizeof(r.mail_from)) == NULL
	    || memchr(r.by, '\0', sizeof(r.by)) == NULL
	    || memchr(r.with, '\0', sizeof(r.with)) == NULL
	    || memchr(r.id, '\0', sizeof(r.id)) == NULL)
		abort();
	for (i = 0; r.with[i] != '\0'; i++)
		if (r.with[i] >= 'A' && r.with[i] <= 'Z')
			abort();
	if (r.local && (r.ip[0] != '\0' || r.helo[0] != '\0'))
		abort();
	if (!r.has_mail_from && r.mail_from[0] != '\0')
		abort();
	free(v);
	return 0;
}
