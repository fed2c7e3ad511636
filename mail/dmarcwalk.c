/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmarcwalk.c: the RFC 9989 DNS tree walk (4.10) and the Organizational
 * Domain it gives (4.10.2). Names are asked through the caller's
 * callback; nothing here does I/O.
 */
#include <string.h>

#include "mail/dmarcwalk.h"

/* Copies a domain into a DOMAIN_MAX_LEN + 1 buffer (longer input is
 * never a normalized domain; it is cut, never overflowed). */
static void
copy_domain(char *dst, const char *src)
{
	size_t len = strnlen(src, DOMAIN_MAX_LEN);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

size_t
dmarcwalk_labels(const char *domain)
{
	size_t n;

	if (domain == NULL || domain[0] == '\0')
		return 0;
	for (n = 1; *domain != '\0'; domain++)
		n += *domain == '.';
	return n;
}

const char *
dmarcwalk_suffix(const char *domain, size_t n)
{
	size_t have = dmarcwalk_labels(domain);

	while (have > n) {
		const char *dot = strchr(domain, '.');

		if (dot == NULL)
			break;
		domain = dot + 1;
		have--;
	}
	return domain;
}

size_t
dmarcwalk_targets(const char *domain,
    char out[DMARCWALK_MAX][DOMAIN_MAX_LEN + 1])
{
	size_t x = dmarcwalk_labels(domain), n = 0, keep;

	if (x == 0)
		return 0;
	copy_domain(out[n++], domain);
	for (keep = x >= 8 ? 7 : x - 1; keep >= 1 && n < DMARCWALK_MAX; keep--)
		copy_domain(out[n++], dmarcwalk_suffix(domain, keep));
	return n;
}

void
dmarcwalk_run(const char *domain, dmarcwalk_lookup_fn lookup, void *ctx,
    bool first_only, struct dmarcwalk *out)
{
	char targets[DMARCWALK_MAX][DOMAIN_MAX_LEN + 1];
	char name[DMARCWALK_NAME];
	size_t n, i;

	/* Only what a step uses is written: the struct is large, and
	 * one message walks several times. */
	out->n = 0;
	out->temperror = out->stopped = false;
	n = dmarcwalk_targets(domain, targets);
	if (first_only && n > 1)
		n = 1;
	for (i = 0; i < n; i++) {
		struct dmarcwalk_step *s = &out->step[out->n++];

		copy_domain(s->domain, targets[i]);
		s->status = DMARCREC_NOT_DMARC;
		memcpy(name, "_dmarc.", 7);
		copy_domain(name + 7, targets[i]);
		s->txt = NULL;
		s->answer = lookup(ctx, name, &s->txt);
		if (s->answer == DW_TEMPERROR) {
			out->temperror = true;
			return;
		}
		if (s->answer != DW_RECORD || s->txt == NULL) {
			if (s->answer == DW_RECORD)
				s->answer = DW_NONE;
			continue;
		}
		s->status = dmarcrec_parse(s->txt, &s->rec);
		if (s->status == DMARCREC_NOT_DMARC) {
			s->answer = DW_NONE;
			continue;
		}
		if (s->rec.psd == DMARC_PSD_Y || s->rec.psd == DMARC_PSD_N) {
			out->stopped = true;
			return;
		}
	}
}

void
dmarcwalk_org(const char *domain, const struct dmarcwalk *w, char *org)
{
	const char *fewest = NULL;
	size_t i;

	for (i = 0; i < w->n; i++) {
		const struct dmarcwalk_step *s = &w->step[i];

		if (s->answer != DW_RECORD)
			continue;
		if (s->rec.psd == DMARC_PSD_N) { /* O1 */
			copy_domain(org, s->domain);
			return;
		}
		if (s->rec.psd == DMARC_PSD_Y
		    && strcmp(s->domain, domain) != 0) {
			/* O2: the child on domain's path, counted from
			 * domain (the walk may have skipped it). */
			copy_domain(org,
			    dmarcwalk_suffix(domain,
				dmarcwalk_labels(s->domain) + 1));
			return;
		}
		fewest = s->domain; /* O3: walk order is longest first */
	}
	copy_domain(org, fewest != NULL ? fewest : domain);
}
