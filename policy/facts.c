/*
 * facts.c: the facts struct and its JSON rendering (DESIGN's shape). The
 * reader is in facts_json.c, so the Exim module, which never reads JSON,
 * does not link it.
 */
#include <stdio.h>
#include <string.h>

#include "policy/facts.h"

void
facts_init(struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->mail_from = "";
	f->spf = AG_SPFR_NONE;
	f->arc = AG_ARCR_NONE;
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

void
facts_to_json(const struct facts *f, struct sbuf *sb)
{
	size_t i, j;

	sbuf_puts(sb, "{");
	if (f->id != NULL) {
		sbuf_puts(sb, "\"id\":");
		sbuf_json_str(sb, f->id);
		sbuf_putc(sb, ',');
	}
	sbuf_puts(sb, "\"client\":{\"ip\":");
	sbuf_json_str(sb, f->client_ip);
	sbuf_puts(sb, ",\"helo\":");
	sbuf_json_str(sb, f->client_helo);
	sbuf_puts(sb,
	    f->authenticated ? ",\"authenticated\":true}" :
			       ",\"authenticated\":false}");
	sbuf_puts(sb, ",\"mail_from\":");
	sbuf_json_str(sb, f->mail_from);
	sbuf_puts(sb, ",\"from\":[");
	for (i = 0; i < f->n_from && i < FACTS_MAX_FROM; i++) {
		if (i > 0)
			sbuf_putc(sb, ',');
		sbuf_json_str(sb, f->from[i]);
	}
	sbuf_puts(sb, "],\"spf\":{\"result\":");
	sbuf_json_str(sb, ag_spf_name(f->spf));
	sbuf_puts(sb, ",\"domain\":");
	sbuf_json_str(sb, f->spf_domain);
	sbuf_puts(sb, "},\"dkim\":[");
	for (i = 0; i < f->n_dkim; i++) {
		const struct facts_dkim *d = &f->dkim[i];

		sbuf_puts(sb, i > 0 ? ",{\"d\":" : "{\"d\":");
		sbuf_json_str(sb, d->d);
		sbuf_puts(sb, ",\"s\":");
		sbuf_json_str(sb, d->s);
		sbuf_puts(sb, ",\"a\":");
		sbuf_json_str(sb, d->a);
		sbuf_printf(sb, ",\"bits\":%u,\"result\":", d->bits);
		sbuf_json_str(sb, ag_dkim_name(d->result));
		sbuf_putc(sb, '}');
	}
	sbuf_puts(sb, "],\"arc\":{\"result\":");
	sbuf_json_str(sb, ag_arc_name(f->arc));
	sbuf_puts(sb, ",\"instances\":[");
	for (i = 0; i < f->n_arc; i++) {
		const struct facts_arc_instance *a = &f->arc_inst[i];

		sbuf_printf(sb, "%s{\"i\":%u,\"sealer\":", i > 0 ? "," : "",
		    a->i);
		sbuf_json_str(sb, a->sealer);
		sbuf_puts(sb, ",\"dmarc\":");
		sbuf_json_str(sb, ag_dmarc_name(a->dmarc));
		sbuf_putc(sb, '}');
	}
	sbuf_puts(sb, "]},\"dns\":{");
	for (i = 0; i < f->n_dns; i++) {
		const struct facts_dns *d = &f->dns[i];

		if (i > 0)
			sbuf_putc(sb, ',');
		sbuf_json_str(sb, d->name);
		sbuf_putc(sb, ':');
		if (d->temperror) {
			sbuf_puts(sb, "\"temperror\"");
		} else if (d->n_txt == 1
		    && strcmp(d->txt[0], "temperror") != 0) {
			/* (a TXT record "temperror" alone stays an array, or
			 * it would read back as a DNS failure) */
			sbuf_json_str(sb, d->txt[0]);
		} else {
			sbuf_putc(sb, '[');
			for (j = 0; j < d->n_txt; j++) {
				if (j > 0)
					sbuf_putc(sb, ',');
				sbuf_json_str(sb, d->txt[j]);
			}
			sbuf_putc(sb, ']');
		}
	}
	sbuf_puts(sb, "}}");
}
