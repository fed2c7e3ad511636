/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_dmarcrec.c: any TXT text is a DMARC record, not one, or invalid;
 * a record's fields stay inside their ranges. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/dmarcrec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarcrec r;
	char *txt = malloc(size + 1);

	if (txt == NULL)
		return 0;
	memcpy(txt, data, size);
	txt[size] = '\0';
	if (dmarcrec_parse(txt, &r) == DMARCREC_OK) {
		if (r.pct > 100 || r.p > DMARC_P_REJECT
		    || r.sp > DMARC_P_REJECT)
			abort();
		if (r.rua != NULL
		    && (r.rua < txt || r.rua + r.rua_len > txt + size))
			abort();
	}
	free(txt);
	return 0;
}
