/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * collect.c: facts from Exim. SPF and DKIM verdicts come only
 * from $acl_m_ variables the shipped ACLs set from Exim's own checks;
 * nothing is read from headers a sender could forge, except the From
 * header itself, which is what DMARC judges. expand_string() only ever
 * sees fixed templates.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "mail/dmarcrec.h"
#include "mail/fromcut.h"
#include "mail/fromhdr.h"
#include "util/domain.h"
#include "util/sbuf.h"
#include "verify/dkimid.h"
#include "verify/dmarcq.h"
#include "verify/dns.h"
#include "verify/recheck.h"
#ifdef AG_OWN_VERIFY
#include "verify/arc.h"
#include "verify/dkim.h"
#include "verify/spf.h"
#endif
#include "local_scan/ls.h"

#define LOCAL_SCAN
#include <exim4/local_scan.h>

/* One message's collection: the policy, its arena, the DNS budget all
 * of its lookups share (ls_budget_lookup), and the From domain lookups
 * are ranked against (which of them may use LS_DNS_RESERVE). */
struct ls_ctx {
	const struct policy *policy;
	struct arena *arena;
	struct ls_budget *budget;
	struct dkimid_from from;
	bool spf_aligned; /* spf = self checks a domain that can matter */
};

/* Seconds left of a message's DNS budget. */
static double
budget_left(const struct ls_budget *b)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(b->deadline.tv_sec - now.tv_sec)
	    + (double)(b->deadline.tv_nsec - now.tv_nsec) / 1e9;
}

void
ls_budget_start(struct ls_budget *b, unsigned dns_timeout, struct arena *arena)
{
	clock_gettime(CLOCK_MONOTONIC, &b->deadline);
	b->deadline.tv_sec += LS_DNS_BUDGET;
	b->timeout = dns_timeout;
	b->arena = arena;
}

/* Each query waits at most dns_timeout, and never past half of what is
 * left of the budget (less the reserve, for a lookup that may not use
 * it); a spent budget is a temperror without a query, so that a dead
 * resolver can never run the module into Exim's local_scan_timeout. */
static void
budget_query(struct ls_budget *b, double reserve, const char *name,
    struct dnsq_answer *a)
{
	double left = budget_left(b) - reserve;
	unsigned timeout = b->timeout;

	if (left < 1.0) {
		memset(a, 0, sizeof(*a));
		a->status = DNSQ_TEMPERROR;
		a->rcode = -1;
		return;
	}
	if (timeout > left / 2)
		timeout = left / 2 >= 1.0 ? (unsigned)(left / 2) : 1;
	dnsq_txt(name, timeout, b->arena, a);
}

void
ls_budget_lookup(void *budget, const char *name, struct dnsq_answer *a)
{
	budget_query(budget, 0, name, a);
}

/* Whether a lookup may use the whole budget: a name that the From
 * domain's owner controls (its DMARC names; a DKIM key of an aligned
 * domain; an aligned SPF domain), or a [trusted] domain or ARC sealer
 * does. Any other name is the sender's to choose, and stops
 * LS_DNS_RESERVE seconds before the end, so that no lookup a sender
 * controls can starve the ones that decide a DMARC failure. */
static bool
may_use_reserve(const struct ls_ctx *ctx, const char *name)
{
	static const char key[] = "._domainkey.";
	const char *d = name, *p;
	char dom[DOMAIN_MAX_LEN + 1], err[8];

	if (strncmp(name, "_dmarc.", 7) == 0)
		return true; /* only the From domain's are asked */
	/* A key name: d= follows the last "._domainkey." (a plain domain
	 * has no '_', so none is inside d=). */
	for (p = strstr(name, key); p != NULL; p = strstr(p + 1, key))
		d = p + sizeof(key) - 1;
	if (dkimid_rank(&ctx->from, d, strlen(d)) != DKIMID_OTHER)
		return true;
	return ctx->policy->arc_self
	    && domain_normalize(d, strlen(d), dom, err, sizeof(err)) == 0
	    && policy_trusted_sealer(ctx->policy, dom) != NULL;
}

/* A lookup within the message's budget, as a dnsq_lookup_fn whose ctx is
 * a struct ls_ctx. */
static void
budget_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	struct ls_ctx *c = ctx;

	budget_query(c->budget, may_use_reserve(c, name) ? 0 : LS_DNS_RESERVE,
	    name, a);
}

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

/* A string of the sender's as the log line will hold it (UTF-8, at most
 * LS_MAX_HEADER bytes), so that what is decided on is what replays. */
static const char *
copy_capped(struct arena *arena, const char *s, size_t len)
{
	return utf8_strndup(arena, s, len, LS_MAX_HEADER);
}

/* The value of a From header: after the colon (Exim accepts blanks
 * before it), leading blanks and the final newline removed; folding is
 * left for the parser. A value longer than LS_MAX_HEADER (or holding a
 * NUL, which a facts string cannot) is kept as fromcut_write() writes
 * it: the domains of the WHOLE value, read before anything is cut, marked
 * so that it parses as from.invalid with the same domain, or as
 * from.multiple. Padding past the cap can then neither hide an author
 * domain nor make the log line (which replay decides on again) differ
 * from what the module decided. */
_Static_assert(FROMCUT_SIZE <= LS_MAX_HEADER + 1
	&& FROMCUT_MAX <= LS_MAX_HEADER,
    "the compact From must fit a facts string");

static const char *
from_value(struct arena *arena, const header_line *h)
{
	const char *text = (const char *)h->text;
	const char *v = memchr(text, ':', (size_t)h->slen);

	if (v == NULL)
		return arena_strdup(arena, "");
	v++;
	return fromcut_value(arena, v, (size_t)h->slen - (size_t)(v - text));
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
			f->from[f->n_from] = from_value(arena, h);
		f->n_from++;
	}
}

static int
collect_spf(struct ls_ctx *ctx, struct facts *f, char *err, size_t errsz)
{
	const char *v, *dom;

	if ((v = expand_fixed("$acl_m_authgate_spf", err, errsz)) == NULL
	    || (dom = expand_fixed("$acl_m_authgate_spf_domain", err, errsz))
		== NULL)
		return -1;
	f->spf_domain
	    = dom[0] != '\0' ? copy_capped(ctx->arena, dom, strlen(dom)) : NULL;
	if (v[0] == '\0') {
		f->spf = AG_SPFR_NONE; /* no SPF check ran (local input) */
	} else if (f->spf_domain != NULL
	    && !recheck_spf_domain_ok(f->spf_domain)) {
		/* RFC 7208 4.3: whatever libspf2 made of a domain that
		 * cannot be asked (DNS trouble, to Exim), it has no policy. */
		f->spf = AG_SPFR_NONE;
	} else if (strcmp(v, "(invalid)") == 0) {
		f->spf = recheck_spf_invalid(f->spf_domain, budget_lookup, ctx);
	} else if (ag_spf_parse(v, &f->spf) != 0) {
		/* An unknown word is never a pass. */
		f->spf = AG_SPFR_TEMPERROR;
	}
	return 0;
}

/*
 * Maps Exim's status and reason for one signature onto DESIGN's DKIM
 * results. Every combination Exim 4.96 produces is listed; anything else
 * is a temperror, never a pass. For a key failure Exim cannot tell from
 * DNS trouble, *recheck is set, with *if_present what it is when the key
 * is there now: the caller asks DNS (recheck_dkim_key).
 */
static enum ag_dkim
map_exim_dkim(const char *status, const char *reason, bool *recheck,
    enum ag_dkim *if_present)
{
	*recheck = false;
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
			/* A key we can fetch now that Exim could not was
			 * lost to passing DNS trouble; a revoked key (empty
			 * p=) comes from Exim as a syntax error. */
			*if_present
			    = strcmp(reason, "pubkey_unavailable") == 0 ?
			    AG_DKIMR_TEMPERROR :
			    AG_DKIMR_KEY_SYNTAX;
			*recheck = true;
			return AG_DKIMR_TEMPERROR; /* until asked */
		}
		return AG_DKIMR_TEMPERROR;
	}
	/* "tmperror", and anything Exim may say in future: never a pass. */
	return AG_DKIMR_TEMPERROR;
}

/*
 * The module's own key lookups behind Exim's key failures, at most
 * LS_MAX_KEY_LOOKUPS of them: signatures aligned with the From domain
 * first, then those of trusted domains, then the rest, each in header
 * order, so that signatures added on top can never push the one that
 * matters out. Past the cap a signature is not verified at all
 * (unsupported): a temperror there would let a forger turn a DMARC
 * reject into a tempfail with extra signatures.
 */
static void
recheck_keys(struct ls_ctx *ctx, struct facts *f, size_t first,
    const bool *recheck, const enum ag_dkim *if_present)
{
	unsigned lookups = 0;
	size_t i;
	int rank;

	for (rank = DKIMID_ALIGNED; rank <= DKIMID_OTHER; rank++)
		for (i = first; i < f->n_dkim; i++) {
			struct facts_dkim *sig = &f->dkim[i];

			if (!recheck[i - first]
			    || (int)dkimid_rank(&ctx->from, sig->d,
				   strlen(sig->d))
				!= rank)
				continue;
			if (lookups >= LS_MAX_KEY_LOOKUPS) {
				sig->result = AG_DKIMR_UNSUPPORTED;
				continue;
			}
			lookups++;
			sig->result = recheck_dkim_key(sig->d, sig->s,
			    if_present[i - first], budget_lookup, ctx);
		}
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
collect_dkim(struct ls_ctx *ctx, struct facts *f, char *err, size_t errsz)
{
	const char *list = expand_fixed("$acl_m_authgate_dkim", err, errsz);
	struct arena *arena = ctx->arena;
	enum ag_dkim if_present[FACTS_MAX_DKIM];
	bool recheck[FACTS_MAX_DKIM] = { false };
	char *copy, *line, *save = NULL, name[DNSQ_MAX_NAME + 1];
	size_t first = f->n_dkim;

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
			break; /* past FACTS_MAX_DKIM: not recorded (issue 6
				  caps) */
		sig = &f->dkim[f->n_dkim];
		sig->d = d;
		sig->s = s;
		sig->a = copy_capped(arena, fld[2] + 2, strlen(fld[2] + 2));
		sig->bits = (unsigned)strtoul(fld[3] + 2, NULL, 10);
		/* A d= that is not a plain domain (for d=bank.example. Exim
		 * asks for "s._domainkey.bank.example..", no name), or no key
		 * name DNS can be asked for, is malformed whatever Exim said,
		 * as with dkim = self. */
		if (dkimid_key_name(s, strlen(s), d, strlen(d), name,
			sizeof(name))
		    != 0)
			sig->result = AG_DKIMR_SIG_SYNTAX;
		else
			sig->result = map_exim_dkim(fld[4] + 2, fld[5] + 2,
			    &recheck[f->n_dkim - first],
			    &if_present[f->n_dkim - first]);
		f->n_dkim++;
	}
	recheck_keys(ctx, f, first, recheck, if_present);
	return 0;
}

#ifdef AG_OWN_VERIFY
/*
 * dkim = self and arc = self: the message as Exim holds it. The header
 * fields (header_list, without the headers marked deleted) are copied;
 * the body is the spool data file, mapped read-only rather than read into
 * memory: it is in the page cache already, having just been written, so
 * a 50 MB message costs the process no 50 MB of its own. Returns 0 with
 * m filled, 1 when the message is larger than LS_MAX_MESSAGE, or -1 on
 * an error; *map and *maplen are for munmap.
 */
static int
map_message(int fd, struct sbuf *hdr, struct msg *m, void **map, size_t *maplen,
    char *err, size_t errsz)
{
	const header_line *h;
	struct stat st;
	size_t body_len;

	*map = NULL;
	*maplen = 0;
	if (fstat(fd, &st) != 0) {
		snprintf(err, errsz, "cannot stat the spool data file: %s",
		    strerror(errno));
		return -1;
	}
	if (st.st_size < SPOOL_DATA_START_OFFSET) {
		snprintf(err, errsz, "the spool data file is too short");
		return -1;
	}
	body_len = (size_t)st.st_size - SPOOL_DATA_START_OFFSET;
	for (h = header_list; h != NULL; h = h->next)
		if (h->type != '*')
			sbuf_putn(hdr, (const char *)h->text, (size_t)h->slen);
	sbuf_putc(hdr, '\n');
	if (sbuf_failed(hdr) || body_len > LS_MAX_MESSAGE - hdr->len)
		return 1;
	*map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (*map == MAP_FAILED) {
		*map = NULL;
		snprintf(err, errsz, "cannot map the spool data file: %s",
		    strerror(errno));
		return -1;
	}
	*maplen = (size_t)st.st_size;
	(void)madvise(*map, *maplen, MADV_SEQUENTIAL);
	msg_parse(sbuf_cstr(hdr), hdr->len, m);
	m->body = (const char *)*map + SPOOL_DATA_START_OFFSET;
	m->body_len = body_len;
	return 0;
}

static int
collect_self(struct ls_ctx *ctx, int fd, struct facts *f, char *err,
    size_t errsz)
{
	struct sbuf hdr;
	struct msg *m;
	void *map;
	size_t maplen;
	char why[300];
	int rc;

	if ((m = arena_alloc(ctx->arena, sizeof(*m))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	sbuf_init(&hdr, LS_MAX_MESSAGE);
	rc = map_message(fd, &hdr, m, &map, &maplen, err, errsz);
	if (rc < 0) {
		sbuf_free(&hdr);
		return -1;
	}
	if (rc > 0) {
		sbuf_free(&hdr);
		/* Only where message_size_limit is raised past the cap: judge
		 * on Exim's DKIM verdicts rather than tempfail for ever. */
		log_write(0, LOG_MAIN,
		    "authgate: message %s is larger than the %zu MB own "
		    "verification reads: Exim's DKIM verdicts used, ARC not "
		    "checked",
		    message_id, LS_MAX_MESSAGE >> 20);
		return ctx->policy->dkim_self ?
		    collect_dkim(ctx, f, err, errsz) :
		    0;
	}
	if (m->truncated) {
		/* Past MSG_MAX_FIELDS the verifiers see a prefix of the
		 * header: DKIM is Exim's verdicts (on_error here would let a
		 * sender choose it), and an ARC chain fails. */
		log_write(0, LOG_MAIN,
		    "authgate: message %s has more than %d header fields: "
		    "Exim's DKIM verdicts used",
		    message_id, MSG_MAX_FIELDS);
		if (ctx->policy->dkim_self)
			rc = collect_dkim(ctx, f, err, errsz);
	} else if (ctx->policy->dkim_self) {
		rc = dkimv_parsed(m, ctx->policy, budget_lookup, ctx, f,
		    ctx->arena, err, errsz);
	}
	if (rc == 0 && ctx->policy->arc_self)
		arcv_parsed(m, budget_lookup, ctx, f, ctx->arena, why,
		    sizeof(why));
	munmap(map, maplen);
	sbuf_free(&hdr);
	return rc;
}

/* libspf2 may send another query while a second of the budget is left
 * (one query can then overrun it by libspf2's resolver timeout). The
 * check of a domain that can matter (aligned with the From domain, or
 * trusted) may use the whole budget, includes and all, since its owner
 * chose them; any other stops LS_DNS_RESERVE seconds before the end. */
static bool
spf_budget(void *ctx)
{
	const struct ls_ctx *c = ctx;

	return budget_left(c->budget) - (c->spf_aligned ? 0 : LS_DNS_RESERVE)
	    >= 1.0;
}

/* spf = self: libspf2 for MAIL FROM, or HELO for the null sender, its
 * queries within the message's DNS budget. */
static void
collect_spf_self(struct ls_ctx *ctx, struct facts *f)
{
	const char *at, *checked;
	char dom[DOMAIN_MAX_LEN + 64];

	checked = f->mail_from != NULL && f->mail_from[0] != '\0' ?
	    f->mail_from :
	    (f->client_helo != NULL ? f->client_helo : "");
	if ((at = strrchr(checked, '@')) != NULL)
		checked = at + 1;
	ctx->spf_aligned
	    = dkimid_rank(&ctx->from, checked, strlen(checked)) != DKIMID_OTHER;
	f->spf = spfv_check(f->client_ip, f->client_helo, f->mail_from, dom,
	    sizeof(dom), spf_budget, ctx);
	f->spf_domain = copy_capped(ctx->arena, dom, strlen(dom));
}
#endif

void
ls_collect_message(struct arena *arena, struct logline_message *m)
{
	const header_line *h;
	const char *size, *v;
	char *end;
	long n;

	m->message_id = NULL;
	for (h = header_list; h != NULL; h = h->next) {
		if (h->type == '*'
		    || !header_testname((header_line *)h, US "Message-ID", 10,
			TRUE))
			continue;
		v = memchr(h->text, ':', (size_t)h->slen);
		if (v != NULL) {
			v++;
			m->message_id = logline_message_id(arena, v,
			    (size_t)h->slen
				- (size_t)(v - (const char *)h->text));
		}
		break; /* the first, as Exim's own id= */
	}
	/* Exim exports no message_size to local_scan; the variable is set
	 * once the data is in. */
	size = (const char *)expand_string(US "$message_size");
	m->size = -1;
	if (size != NULL && size[0] >= '0' && size[0] <= '9') {
		n = strtol(size, &end, 10);
		if (*end == '\0' && n >= 0)
			m->size = n;
	}
	m->rcpt_count = recipients_count > 0 ? (unsigned)recipients_count : 0;
}

/* With AUTHGATE_SELF_VERIFY the MAIL ACL sets $acl_m_authgate_verify to
 * "self" and has Exim check neither DKIM nor SPF: a policy that would
 * read Exim's verdicts would find none, and must not decide on that. */
static int
check_verify_mode(const struct policy *policy, char *err, size_t errsz)
{
	const char *v = expand_fixed("$acl_m_authgate_verify", err, errsz);

	if (v == NULL)
		return -1;
	if (strcmp(v, "self") != 0 || (policy->dkim_self && policy->spf_self))
		return 0;
	snprintf(err, errsz,
	    "%s sets %s = exim, but Exim's configuration has Exim check "
	    "neither DKIM nor SPF (AUTHGATE_SELF_VERIFY): set dkim = self "
	    "and spf = self, or drop the macro",
	    policy->file, policy->dkim_self ? "spf" : "dkim");
	return -1;
}

int
ls_collect_facts(const struct policy *policy, int fd, struct facts *f,
    struct ls_budget *budget, char *err, size_t errsz)
{
	struct arena *arena = budget->arena;
	struct ls_ctx ctx
	    = { .policy = policy, .arena = arena, .budget = budget };
	struct dmarcq *dmarc = arena_alloc(arena, sizeof(*dmarc));
	const char *helo;

	facts_init(f);
	if (dmarc == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	f->id = arena_strdup(arena, (const char *)message_id);
	f->client_ip = sender_host_address != NULL ?
	    arena_strdup(arena, (const char *)sender_host_address) :
	    NULL;
	/* Locally submitted mail (no client address) is the host's own
	 * users' and counts as authenticated. */
	f->authenticated
	    = sender_host_authenticated != NULL || sender_host_address == NULL;
	f->mail_from = sender_address != NULL ?
	    copy_capped(arena, (const char *)sender_address,
		strlen((const char *)sender_address)) :
	    "";
	if ((helo = expand_fixed("$sender_helo_name", err, errsz)) == NULL)
		return -1;
	f->client_helo
	    = helo[0] != '\0' ? copy_capped(arena, helo, strlen(helo)) : NULL;
	collect_from(f, arena);
	dkimid_from_init(&ctx.from, policy, f);
	/* The From domain's DMARC lookups come first, with the whole
	 * budget: no lookup a sender controls (their SPF includes, their
	 * keys) can run it out before them, so they are always asked, and a
	 * DNS failure logged for them is one. The identifiers' walks (RFC
	 * 9989 relaxed alignment) follow once SPF and DKIM are in. */
	dmarcq_init(dmarc, policy, f, arena, budget_lookup, &ctx);
	if (check_verify_mode(policy, err, errsz) != 0)
		return -1;
	if (!decide_skips(policy, f))
		(void)dmarcq_run(dmarc);
#ifdef AG_OWN_VERIFY
	if (policy->spf_self && f->client_ip != NULL)
		collect_spf_self(&ctx, f);
	else if (collect_spf(&ctx, f, err, errsz) != 0)
		return -1;
	if (!policy->dkim_self && collect_dkim(&ctx, f, err, errsz) != 0)
		return -1;
	if ((policy->dkim_self || policy->arc_self)
	    && collect_self(&ctx, fd, f, err, errsz) != 0)
		return -1;
#else
	(void)fd;
	if (policy->dkim_self || policy->spf_self || policy->arc_self) {
		snprintf(err, errsz,
		    "%s sets dkim, spf or arc = self, which needs the module "
		    "authgate-verify.so",
		    policy->file);
		return -1;
	}
	if (collect_spf(&ctx, f, err, errsz) != 0
	    || collect_dkim(&ctx, f, err, errsz) != 0)
		return -1;
#endif
	if (!decide_skips(policy, f))
		(void)dmarcq_run(dmarc);
	if (arena_failed(arena)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}
