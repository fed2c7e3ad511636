/* fuzz_fromhdr.c: any From header value parses to one of three states,
 * and a domain it returns is normalized. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/fromhdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fromhdr fh;
	char again[DOMAIN_MAX_LEN + 1], err[96];

	fromhdr_parse((const char *)data, size, &fh);
	if (fh.status == FROMHDR_OK) {
		if (domain_normalize(fh.domain, strlen(fh.domain), again, err,
			sizeof(err))
			!= 0
		    || strcmp(again, fh.domain) != 0)
			abort();
	}
	return 0;
}
