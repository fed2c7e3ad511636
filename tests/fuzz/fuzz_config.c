/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz_config.c: policy.ini text must load or fail cleanly, and a loaded
 * policy must lint without trouble. */
#include <stddef.h>
#include <stdint.h>

#include "policy/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_diag diag;
	struct policy *p;

	p = policy_load_buffer("fuzz.ini", (const char *)data, size, &diag);
	if (p != NULL) {
		policy_lint(p, &diag);
		policy_free(p);
	}
	return 0;
}
