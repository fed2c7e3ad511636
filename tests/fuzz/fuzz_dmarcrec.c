/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_dmarcrec.c: any TXT text is a DMARC record, not one, or invalid;
 * a record's fields stay inside their ranges and defaults (np from sp,
 * sp from p, t only from t=). */
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
	enum dmarcrec_status st = dmarcrec_parse(txt, &r);

	/* The quick test agrees with the parser. */
	if (dmarcrec_is_dmarc(txt) != (st != DMARCREC_NOT_DMARC))
		abort();
	if (st == DMARCREC_OK) {
		if (r.pct > 100 || r.p > DMARC_P_REJECT || r.sp > DMARC_P_REJECT
		    || r.np > DMARC_P_REJECT || r.psd > DMARC_PSD_N)
			abort();
		/* Defaults: np is sp, sp is p, when absent; t=y only
		 * from a valid t=; a dropped policy is none throughout. */
		if ((!r.has_sp && r.sp != r.p) || (!r.has_np && r.np != r.sp)
		    || (r.testing && !r.has_t)
		    || (r.policy_dropped
			&& (r.p != DMARC_P_NONE || r.sp != DMARC_P_NONE
			    || r.np != DMARC_P_NONE)))
			abort();
		if (r.rua != NULL
		    && (r.rua < txt || r.rua + r.rua_len > txt + size))
			abort();
	}
	free(txt);
	return 0;
}
