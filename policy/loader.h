/*
 * loader.h: the insides of loading policy.ini, shared by the files of the
 * config module and by nothing else (config.h is the module's API).
 */
#ifndef AG_LOADER_H
#define AG_LOADER_H

#include "policy/config.h"

/* Adds one diagnostic; diag may be NULL. */
void policy_diag_add(struct policy_diag *diag, enum policy_severity sev,
    unsigned line, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
