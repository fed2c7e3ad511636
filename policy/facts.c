/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * facts.c: the facts struct. Its JSON form, both ways, is the log's
 * (log/logline.c writes it, log/facts_json.c reads it).
 */
#include <string.h>

#include "policy/facts.h"

void
facts_init(struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->mail_from = "";
	f->spf = AG_SPFR_NONE;
	f->arc = AG_ARCR_NONE;
	f->dmarc_treewalk = true;
}

const struct facts_existence *
facts_exists_get(const struct facts *f, const char *domain)
{
	size_t i;

	for (i = 0; i < f->n_exists; i++)
		if (strcmp(f->exists[i].domain, domain) == 0)
			return &f->exists[i];
	return NULL;
}

const struct facts_dns *
facts_dns_get(const struct facts *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_dns; i++)
		if (strcmp(f->dns[i].name, name) == 0)
			return &f->dns[i];
	return NULL;
}
