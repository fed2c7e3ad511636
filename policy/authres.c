/*
 * authres.c: the Authentication-Results text. A property value that is
 * not a plain token (a domain or selector a sender made up) would need
 * quoting; it is left out rather than quoted, so nothing a sender wrote
 * can change how the header parses.
 */
#include <string.h>

#include "policy/authres.h"

/* Appends " prop=value" when value is a plain token (a domain or an
 * address); anything else would need quoting and is left out. */
static void
ar_prop(struct sbuf *sb, const char *prop, const char *value)
{
	const char *p;

	if (value == NULL || value[0] == '\0' || strlen(value) > 255)
		return;
	for (p = value; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
			|| (*p >= '0' && *p <= '9') || strchr(".-_@+", *p)))
			return;
	sbuf_printf(sb, " %s=%s", prop, value);
}

void
authres_render(struct sbuf *sb, const struct facts *f, const struct decision *d,
    const char *authserv_id)
{
	size_t i;

	sbuf_printf(sb, "Authentication-Results: %s;\n\tspf=%s", authserv_id,
	    ag_spf_name(f->spf));
	ar_prop(sb, "smtp.mailfrom", f->spf_domain);
	for (i = 0; i < f->n_dkim && i < AUTHRES_MAX_DKIM; i++) {
		const struct facts_dkim *sig = &f->dkim[i];

		sbuf_printf(sb, ";\n\tdkim=%s", ag_dkim_rfc_word(sig->result));
		if (sig->result != AG_DKIMR_PASS)
			sbuf_printf(sb, " (%s)", ag_dkim_name(sig->result));
		ar_prop(sb, "header.d", sig->d);
		ar_prop(sb, "header.s", sig->s);
	}
	if (f->n_dkim == 0)
		sbuf_puts(sb, ";\n\tdkim=none");
	sbuf_printf(sb, ";\n\tdmarc=%s", ag_dmarc_name(d->dmarc.result));
	if (d->dmarc.has_record && d->dmarc.result != AG_DMARCR_PASS)
		sbuf_printf(sb, " (p=%s)",
		    dmarcrec_policy_name(d->dmarc.applied));
	ar_prop(sb, "header.from", d->from_domain);
	sbuf_printf(sb, ";\n\tarc=%s\n", ag_arc_name(f->arc));
}
