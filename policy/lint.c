/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lint.c: warnings about a policy's risky choices (on_error = accept,
 * monitor mode, short keys, accepted DMARC rejects, trusted public
 * suffixes, very wide networks, ARC sealers without ARC validation), for
 * authgate check-config. What it takes to know them is in the policy;
 * what the host has to say (Exim's module, the Exim user's rights) is
 * cli/cmd_check_config.c's.
 */
#include <libpsl.h>
#include <stdbool.h>
#include <stdio.h>

#include "policy/classes.h"
#include "policy/config.h"
#include "policy/loader.h"
#include "util/cidr.h"
#include "util/domain.h"

static void
lint_action(const struct policy *p, struct policy_diag *diag, const char *where,
    const struct policy_action *actions, const bool *set)
{
	static const enum ag_class dmarc_enforced[]
	    = { AG_DMARC_REJECT, AG_DMARC_QUARANTINE };
	static const enum ag_class dns_classes[]
	    = { AG_SPF_TEMPERROR, AG_DKIM_TEMPERROR, AG_DMARC_TEMPERROR };
	size_t i;

	(void)p;
	for (i = 0; i < 2; i++) {
		enum ag_class c = dmarc_enforced[i];

		if ((set == NULL || set[c]) && actions[c].line != 0
		    && actions[c].action == AG_ACCEPT)
			policy_diag_add(diag, POLICY_WARNING, actions[c].line,
			    "%s%s = accept lets through mail that the "
			    "domain owner's DMARC policy asks to %s",
			    where, ag_class_name(c),
			    c == AG_DMARC_REJECT ? "reject" : "quarantine");
	}
	for (i = 0; i < 3; i++) {
		enum ag_class c = dns_classes[i];

		if ((set == NULL || set[c]) && actions[c].line != 0
		    && actions[c].action == AG_REJECT)
			policy_diag_add(diag, POLICY_WARNING, actions[c].line,
			    "%s%s = reject turns passing DNS trouble into "
			    "permanent bounces; tempfail is safer",
			    where, ag_class_name(c));
	}
}

static void
lint_networks(struct policy_diag *diag, const char *key, const struct cidr *n,
    size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		unsigned free_bits = cidr_host_bits(&n[i]);

		if ((n[i].v4 && free_bits > 16) || (!n[i].v4 && free_bits > 80))
			policy_diag_add(diag, POLICY_WARNING, n[i].line,
			    "%s entry %s covers a very wide network", key,
			    n[i].text);
	}
}

/* Names written in another form than the one they are compared in. */
static void
lint_spelling(struct policy_diag *diag, const char *what,
    const struct policy_entry *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i].written != NULL)
			policy_diag_add(diag, POLICY_WARNING, list[i].line,
			    "%s %.80s is %s in the form authgate compares "
			    "domains in",
			    what, list[i].written, list[i].name);
}

void
policy_lint(const struct policy *p, struct policy_diag *diag)
{
	char where[DOMAIN_MAX_LEN + 16];
	size_t i;

	/* The lists' own warnings need the parsed form (check-config
	 * always parses): a compiled policy keeps no lists to walk. */
	if (p->compiled != NULL)
		return;
	if (p->on_error == AG_ACCEPT)
		policy_diag_add(diag, POLICY_WARNING, p->on_error_line,
		    "on_error = accept lets mail through unchecked whenever "
		    "authgate cannot decide");
	if (p->mode == AG_MODE_MONITOR)
		policy_diag_add(diag, POLICY_WARNING, p->mode_line,
		    "mode = monitor: every decision is logged, none is "
		    "enforced");
	if (p->min_key_bits < 1024)
		policy_diag_add(diag, POLICY_WARNING, p->min_key_bits_line,
		    "min_key_bits = %u accepts DKIM keys shorter than RFC "
		    "8301's 1024 bits",
		    p->min_key_bits);
	if (p->aligned_dkim_waives_line != 0
	    && (p->aligned_dkim_waives & ~p->dmarc_pass_waives) != 0)
		policy_diag_add(diag, POLICY_WARNING,
		    p->aligned_dkim_waives_line,
		    "aligned_dkim_waives = spf does nothing while "
		    "dmarc_pass_waives leaves spf out (line %u): an aligned "
		    "DKIM pass never waives more than a DMARC pass",
		    p->dmarc_pass_waives_line);
	lint_action(p, diag, "", p->actions, NULL);
	for (i = 0; i < p->n_domains; i++) {
		const struct policy_domain *d = &p->domain_list[i];

		if (d->written != NULL)
			policy_diag_add(diag, POLICY_WARNING, d->line,
			    "[domain:%.80s] is %s in the form authgate "
			    "compares From domains in and looks them up",
			    d->written, d->name);
		snprintf(where, sizeof(where), "[domain:%s] ", d->name);
		lint_action(p, diag, where, d->actions, d->set);
		if (d->ignore & (1u << AG_FAM_DMARC))
			policy_diag_add(diag, POLICY_WARNING, d->ignore_line,
			    "[domain:%s] ignores DMARC: mail forged in this "
			    "domain's name is judged on SPF and DKIM alone",
			    d->name);
	}
	if (p->dmarc_rfc7489)
		policy_diag_add(diag, POLICY_WARNING, p->dmarc_method_line,
		    "dmarc_method = rfc7489: RFC 7489 is obsolete (RFC 9989, "
		    "May 2026): no tree walk, np= or t=, and pct= samples; "
		    "keep it only for the transition");
	if (p->n_sealers > 0 && !p->arc_self)
		policy_diag_add(diag, POLICY_WARNING, p->sealer_list[0].line,
		    "arc_sealers vouch for nothing while arc = off: no ARC "
		    "chain is validated, so none passes (set arc = self, "
		    "with the module authgate-verify.so)");
	lint_spelling(diag, "trusted domain", p->trusted_list, p->n_trusted);
	lint_spelling(diag, "ARC sealer", p->sealer_list, p->n_sealers);
	for (i = 0; i < p->n_trusted; i++) {
		const struct policy_entry *e = &p->trusted_list[i];

		if (p->psl != NULL
		    && psl_is_public_suffix2(p->psl, e->name, PSL_TYPE_ANY))
			policy_diag_add(diag, POLICY_WARNING, e->line,
			    "trusted domain %s is a public suffix: every "
			    "domain under it is trusted",
			    e->name);
	}
	for (i = 0; i < p->n_sealers; i++) {
		const struct policy_entry *e = &p->sealer_list[i];

		if (p->psl != NULL
		    && psl_is_public_suffix2(p->psl, e->name, PSL_TYPE_ANY))
			policy_diag_add(diag, POLICY_WARNING, e->line,
			    "ARC sealer %s is a public suffix: every domain "
			    "under it is trusted to seal",
			    e->name);
	}
	lint_networks(diag, "relays", p->relays, p->n_relays);
	lint_networks(diag, "skip_hosts", p->skip_hosts, p->n_skip_hosts);
}
