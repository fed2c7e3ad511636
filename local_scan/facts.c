/*
 * facts.c (local_scan): facts from Exim. SPF and DKIM verdicts come only
 * from $acl_m_ variables the shipped ACLs set from Exim's own checks;
 * nothing is read from headers a sender could forge, except the From
 * header itself, which is what DMARC judges. expand_string() only ever
 * sees fixed templates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../policy/domain.h"
#include "../policy/fromhdr.h"
#include "../verify/dns.h"
#include "ls.h"

#define LOCAL_SCAN
#include <exim4/local_scan.h>

/* Expands a fixed template; NULL (with err set) when expansion failed. */
static const char *
expand_fixed(const char *tmpl, char *err, size_t errsz)
{
	const uschar *v = expand_string(US tmpl);

	if (v == NULL)
		snprintf(err, errsz, "expansion of %s failed: %s", tmpl,
		    expand_string_message != NULL ?
			(const char *)expand_string_message :
			"unknown error");
	return (const char *)v;
}

static const char *
copy_capped(struct arena *arena, const char *s, size_t len)
{
	if (len > LS_MAX_HEADER)
		len = LS_MAX_HEADER;
	return arena_strndup(arena, s, len);
}

/* The value of a header: after "Name:", leading blanks and the final
 * newline removed; folding is left for the parsers. */
static const char *
header_value(struct arena *arena, const header_line *h, size_t namelen)
{
	const char *v = (const char *)h->text + namelen + 1;
	size_t len = (size_t)h->slen - namelen - 1;

	while (len > 0 && (*v == ' ' || *v == '\t'))
		v++, len--;
	while (len > 0 && (v[len - 1] == '\n' || v[len - 1] == '\r'))
		len--;
	return copy_capped(arena, v, len);
}

static void
collect_from(struct facts *f, struct arena *arena)
{
	const header_line *h;

	for (h = header_list; h != NULL; h = h->next) {
		if (h->type == '*'
		    || !header_testname((header_line *)h, US "From", 4, TRUE))
			continue;
		if (f->n_from < FACTS_MAX_FROM)
			f->from[f->n_from] = header_value(arena, h, 4);
		f->n_from++;
	}
}

/* Exim says "(invalid)" both for a broken SPF record and for DNS
 * trouble; the answer for the domain's TXT records tells them apart. */
static enum ag_spf
spf_invalid(const struct policy *policy, const char *domain,
    struct arena *arena)
{
	struct dnsq_answer a;

	if (domain == NULL || domain[0] == '\0')
		return AG_SPFR_PERMERROR;
	dnsq_txt(domain, policy->dns_timeout, arena, &a);
	return a.status == DNSQ_TEMPERROR ? AG_SPFR_TEMPERROR :
					    AG_SPFR_PERMERROR;
}

static int
collect_spf(const struct policy *policy, struct facts *f, struct arena *arena,
    char *err, size_t errsz)
{
	const char *v, *dom;

	if ((v = expand_fixed("$acl_m_authgate_spf", err, errsz)) == NULL
	    || (dom = expand_fixed("$acl_m_authgate_spf_domain", err, errsz))
		== NULL)
		return -1;
	f->spf_domain = dom[0] != '\0' ? arena_strdup(arena, dom) : NULL;
	if (v[0] == '\0') {
		f->spf = AG_SPFR_NONE; /* no SPF check ran (local input) */
	} else if (strcmp(v, "(invalid)") == 0) {
		f->spf = spf_invalid(policy, f->spf_domain, arena);
	} else if (ag_spf_parse(v, &f->spf) != 0) {
		/* An unknown word is never a pass. */
		f->spf = AG_SPFR_TEMPERROR;
	}
	return 0;
}

/* Looks the key up ourselves, since Exim reports a missing key, a DNS
 * failure and a timeout alike as pubkey_unavailable. */
static enum ag_dkim
key_state(const struct policy *policy, const char *d, const char *s,
    struct arena *arena, enum ag_dkim if_present)
{
	char name[DOMAIN_MAX_LEN + 1], norm[DOMAIN_MAX_LEN + 1], err[96];
	struct dnsq_answer a;
	const char *c;
	size_t i;

	/* d= is a domain; s= is dot-separated labels, which may not start
	 * a DNS name with anything but letters, digits and '_' or '-'. */
	if (domain_normalize(d, strlen(d), norm, err, sizeof(err)) != 0
	    || s[0] == '\0' || s[0] == '.')
		return AG_DKIMR_SIG_SYNTAX;
	for (c = s; *c != '\0'; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')
			|| (*c >= '0' && *c <= '9') || *c == '.' || *c == '-'
			|| *c == '_'))
			return AG_DKIMR_SIG_SYNTAX;
	if (snprintf(name, sizeof(name), "%s._domainkey.%s", s, norm)
	    >= (int)sizeof(name))
		return AG_DKIMR_SIG_SYNTAX;
	dnsq_txt(name, policy->dns_timeout, arena, &a);
	switch (a.status) {
	case DNSQ_NXDOMAIN:
	case DNSQ_NODATA:
		return AG_DKIMR_KEY_MISSING;
	case DNSQ_BADNAME:
		return AG_DKIMR_SIG_SYNTAX;
	case DNSQ_TEMPERROR:
		return AG_DKIMR_TEMPERROR;
	case DNSQ_OK:
		break;
	}
	for (i = 0; i < a.n_txt; i++) {
		const char *p = strstr(a.txt[i], "p=");

		/* "p=" alone, ending the record or before ';': revoked. */
		while (p != NULL && p != a.txt[i] && p[-1] != ';'
		    && p[-1] != ' ' && p[-1] != '\t')
			p = strstr(p + 2, "p=");
		if (p != NULL) {
			p += 2;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '\0' || *p == ';')
				return AG_DKIMR_KEY_REVOKED;
		}
	}
	return if_present;
}

/*
 * Maps Exim's status and reason for one signature onto DESIGN's DKIM
 * results. Every combination Exim 4.96 produces is listed; anything else
 * is a temperror, never a pass.
 */
static enum ag_dkim
map_exim_dkim(const struct policy *policy, const char *status,
    const char *reason, const char *d, const char *s, struct arena *arena,
    unsigned *lookups)
{
	if (strcmp(status, "pass") == 0)
		return AG_DKIMR_PASS;
	if (strcmp(reason, "pubkey_too_short") == 0)
		return AG_DKIMR_KEY_TOO_SHORT;
	if (strcmp(status, "fail") == 0) {
		if (strcmp(reason, "bodyhash_mismatch") == 0)
			return AG_DKIMR_BODY_MODIFIED;
		if (strcmp(reason, "signature_incorrect") == 0)
			return AG_DKIMR_BAD_SIGNATURE;
		return AG_DKIMR_TEMPERROR;
	}
	if (strcmp(status, "invalid") == 0) {
		if (strcmp(reason, "") == 0)
			return AG_DKIMR_SIG_SYNTAX;
		if (strcmp(reason, "pubkey_der_syntax") == 0
		    || strcmp(reason, "pubkey_dns_syntax") == 0
		    || strcmp(reason, "pubkey_unavailable") == 0) {
			if (*lookups >= LS_MAX_KEY_LOOKUPS)
				return AG_DKIMR_TEMPERROR;
			(*lookups)++;
			/* A key we can fetch now that Exim could not was
			 * lost to passing DNS trouble. */
			/* Revoked keys (empty p=) come as a syntax error. */
			return key_state(policy, d, s, arena,
			    strcmp(reason, "pubkey_unavailable") == 0 ?
				AG_DKIMR_TEMPERROR :
				AG_DKIMR_KEY_SYNTAX);
		}
		return AG_DKIMR_TEMPERROR;
	}
	if (strcmp(status, "tmperror") == 0 || strcmp(status, "temperror") == 0)
		return AG_DKIMR_TEMPERROR;
	return AG_DKIMR_TEMPERROR;
}

/* Decodes one "TAG:base64" field of the DKIM list into the arena. */
static const char *
b64_field(struct arena *arena, const char *tok, const char *tag)
{
	size_t tl = strlen(tag);
	uschar *in, *out = NULL;
	int len;

	if (strncmp(tok, tag, tl) != 0)
		return NULL;
	in = string_copy(US(tok + tl));
	len = lss_b64decode(in, &out);
	if (len < 0 || out == NULL)
		return NULL;
	return copy_capped(arena, (const char *)out, (size_t)len);
}

static bool
seen_sig(const struct facts *f, const char *d, const char *s)
{
	size_t i;

	for (i = 0; i < f->n_dkim; i++)
		if (strcasecmp(f->dkim[i].d, d) == 0
		    && strcmp(f->dkim[i].s != NULL ? f->dkim[i].s : "", s) == 0)
			return true;
	return false;
}

/*
 * The list the DKIM ACL builds: one line per signature,
 *   d:B64 s:B64 a:ALGO k:BITS v:STATUS r:REASON
 * with the sender-controlled d= and s= base64-encoded, so no byte of
 * theirs can break the framing.
 */
static int
collect_dkim(const struct policy *policy, struct facts *f, struct arena *arena,
    char *err, size_t errsz)
{
	const char *list = expand_fixed("$acl_m_authgate_dkim", err, errsz);
	char *copy, *line, *save = NULL;
	unsigned lookups = 0;

	if (list == NULL)
		return -1;
	copy = arena_strdup(arena, list);
	if (copy == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *fld[6], *p = line;
		const char *d, *s;
		size_t n = 0;
		struct facts_dkim *sig;

		while (n < 6) {
			fld[n++] = p;
			p = strchr(p, ' ');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (n != 6 || strncmp(fld[2], "a:", 2) != 0
		    || strncmp(fld[3], "k:", 2) != 0
		    || strncmp(fld[4], "v:", 2) != 0
		    || strncmp(fld[5], "r:", 2) != 0) {
			snprintf(err, errsz,
			    "malformed $acl_m_authgate_dkim entry (are the "
			    "exim-conf ACLs current?)");
			return -1;
		}
		d = b64_field(arena, fld[0], "d:");
		s = b64_field(arena, fld[1], "s:");
		if (d == NULL || s == NULL) {
			snprintf(err, errsz, "undecodable DKIM d= or s=");
			return -1;
		}
		if (strcmp(fld[4] + 2, "none") == 0 || seen_sig(f, d, s))
			continue;
		if (f->n_dkim >= FACTS_MAX_DKIM)
			break; /* extras are logged by count, not verified */
		sig = &f->dkim[f->n_dkim++];
		sig->d = d;
		sig->s = s;
		sig->a = arena_strdup(arena, fld[2] + 2);
		sig->bits = (unsigned)strtoul(fld[3] + 2, NULL, 10);
		sig->result = map_exim_dkim(policy, fld[4] + 2, fld[5] + 2, d,
		    s, arena, &lookups);
	}
	return 0;
}

/* Looks up the DMARC records the engine will need: the From domain's,
 * then, only if it has none, the organizational domain's. */
static void
collect_dmarc(const struct policy *policy, struct facts *f, struct arena *arena)
{
	char names[2][DECIDE_DMARC_NAME];
	struct fromhdr fh;
	struct dnsq_answer a;
	size_t n, i, j;
	bool found;

	if (f->n_from != 1 || f->from[0] == NULL)
		return;
	fromhdr_parse(f->from[0], strlen(f->from[0]), &fh);
	if (fh.status != FROMHDR_OK)
		return;
	n = decide_dmarc_names(policy, fh.domain, names);
	for (i = 0; i < n && f->n_dns < FACTS_MAX_DNS; i++) {
		struct facts_dns *dns = &f->dns[f->n_dns];

		dnsq_txt(names[i], policy->dns_timeout, arena, &a);
		if (a.status == DNSQ_NXDOMAIN || a.status == DNSQ_NODATA)
			continue;
		dns->name = arena_strdup(arena, names[i]);
		if (a.status != DNSQ_OK) {
			dns->temperror = true;
			f->n_dns++;
			return;
		}
		found = false;
		for (j = 0; j < a.n_txt && j < FACTS_MAX_TXT; j++) {
			dns->txt[dns->n_txt++] = a.txt[j];
			if (strncmp(a.txt[j], "v=DMARC1", 8) == 0)
				found = true;
		}
		f->n_dns++;
		if (found)
			return;
	}
}

int
ls_collect_facts(const struct policy *policy, struct facts *f,
    struct arena *arena, char *err, size_t errsz)
{
	const char *helo;

	facts_init(f);
	f->id = arena_strdup(arena, (const char *)message_id);
	f->client_ip = sender_host_address != NULL ?
	    arena_strdup(arena, (const char *)sender_host_address) :
	    NULL;
	/* Locally submitted mail (no client address) is the host's own
	 * users' and counts as authenticated. */
	f->authenticated
	    = sender_host_authenticated != NULL || sender_host_address == NULL;
	f->mail_from = arena_strdup(arena,
	    sender_address != NULL ? (const char *)sender_address : "");
	if ((helo = expand_fixed("$sender_helo_name", err, errsz)) == NULL)
		return -1;
	f->client_helo
	    = helo[0] != '\0' ? copy_capped(arena, helo, strlen(helo)) : NULL;
	collect_from(f, arena);
	if (collect_spf(policy, f, arena, err, errsz) != 0
	    || collect_dkim(policy, f, arena, err, errsz) != 0)
		return -1;
	if (!decide_skips(policy, f))
		collect_dmarc(policy, f, arena);
	if (arena_failed(arena)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}
