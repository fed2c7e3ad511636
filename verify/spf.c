/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spf.c: libspf2 with authgate's own DNS layer over libspf2's resolver
 * (the process's resolv.conf, so tests point it at the namespace DNS
 * server). libspf2 folds DNS trouble and broken records into one
 * "invalid" outcome; its error code tells them apart (SPF_E_DNS_ERROR is
 * DNS). The layer sees every query libspf2 makes and holds it to RFC
 * 7208: its processing limits (4.6.4, which libspf2 counts per record,
 * not through include:, and lacks for void lookups), TXT records only
 * (3.1), no query for a name DNS cannot be asked for, and the caller's
 * time budget.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <spf2/spf.h>
#include <spf2/spf_dns_resolv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "verify/dns.h"
#include "verify/recheck.h"
#include "verify/spf.h"

static enum ag_spf
map_result(SPF_result_t result, SPF_errcode_t code)
{
	switch (result) {
	case SPF_RESULT_PASS:
		return AG_SPFR_PASS;
	case SPF_RESULT_FAIL:
		return AG_SPFR_FAIL;
	case SPF_RESULT_SOFTFAIL:
		return AG_SPFR_SOFTFAIL;
	case SPF_RESULT_NEUTRAL:
		return AG_SPFR_NEUTRAL;
	case SPF_RESULT_NONE:
		return AG_SPFR_NONE;
	case SPF_RESULT_TEMPERROR:
		return AG_SPFR_TEMPERROR;
	case SPF_RESULT_PERMERROR:
		return code == SPF_E_DNS_ERROR ? AG_SPFR_TEMPERROR :
						 AG_SPFR_PERMERROR;
	case SPF_RESULT_INVALID:
		break;
	}
	return code == SPF_E_DNS_ERROR ? AG_SPFR_TEMPERROR : AG_SPFR_PERMERROR;
}

/*
 * The DNS layer. libspf2 asks it for every name; it tells the terms of
 * RFC 7208 4.6.4 from the address lookups they lead to by the order
 * libspf2 keeps: a TXT lookup after the first is an include: or
 * redirect=; an MX or PTR lookup is an mx or ptr term (or a %{p} macro,
 * counted too: never fewer terms than the RFC's), followed by A or AAAA
 * lookups of the names it returned, in order; any other A or AAAA lookup
 * is an a or exists term. Past a limit, nothing more is sent and the
 * check ends in permerror.
 */
struct spf_layer {
	SPF_dns_server_t server; /* first: libspf2 sees only this */
	spfv_budget_fn budget;	 /* NULL: no time limit */
	void *ctx;
	unsigned records; /* TXT lookups; the first is the checked domain's */
	unsigned terms;	  /* RFC 7208 4.6.4's mechanisms and modifiers */
	unsigned voids;	  /* answers with no record, or NXDOMAIN */
	bool exceeded;	  /* a limit was passed: permerror */
	size_t n_follow, next_follow;
	char follow[SPFV_MAX_ADDRS][NS_MAXDNAME]; /* an mx's or ptr's hosts */
};

/* An answer made here, without a query. */
static SPF_dns_rr_t *
local_answer(SPF_dns_server_t *server, const char *domain, ns_type type,
    SPF_dns_stat_t herrno)
{
	return SPF_dns_rr_new_init(server, domain, type, 0, herrno);
}

/* Keeps the host names an MX or PTR answer gave, for the address lookups
 * that follow; a PTR answer is cut to SPFV_MAX_ADDRS names (RFC 7208
 * 4.6.4: the others are ignored; the client controls its PTR records). */
static void
note_hosts(struct spf_layer *l, SPF_dns_rr_t *rr, ns_type type)
{
	int i;

	l->n_follow = l->next_follow = 0;
	if (rr->herrno != NETDB_SUCCESS || rr->rr_type != type)
		return;
	if (type == ns_t_ptr && rr->num_rr > SPFV_MAX_ADDRS)
		rr->num_rr = SPFV_MAX_ADDRS;
	for (i = 0; i < rr->num_rr && l->n_follow < SPFV_MAX_ADDRS; i++)
		snprintf(l->follow[l->n_follow++], NS_MAXDNAME, "%s",
		    type == ns_t_mx ? rr->rr[i]->mx : rr->rr[i]->ptr);
}

static SPF_dns_rr_t *
layer_lookup(SPF_dns_server_t *server, const char *domain, ns_type type,
    int should_cache)
{
	struct spf_layer *l = (struct spf_layer *)server;
	SPF_dns_rr_t *rr;
	bool term = true;

	if (l->exceeded)
		return local_answer(server, domain, type, HOST_NOT_FOUND);
	/* RFC 7208 3.1: SPF records are TXT records only (libspf2 asks
	 * for the retired type 99 first). */
	if (type == ns_t_spf)
		return local_answer(server, domain, type, NO_DATA);
	if ((type == ns_t_a || type == ns_t_aaaa)
	    && l->next_follow < l->n_follow
	    && strcasecmp(domain, l->follow[l->next_follow]) == 0) {
		l->next_follow++;
		term = false;
	} else {
		l->n_follow = l->next_follow = 0;
		if (type == ns_t_txt)
			term = l->records++ > 0;
	}
	if (term && ++l->terms > SPFV_MAX_TERMS) {
		l->exceeded = true;
		return local_answer(server, domain, type, HOST_NOT_FOUND);
	}
	/* A name that cannot be asked (an empty label, one over 63
	 * octets) names nothing: never sent, not a void lookup. */
	if (domain == NULL
	    || !dnsq_name_ok(domain, strlen(domain),
		DNSQ_NAME_FINAL_DOT | DNSQ_NAME_ANY_BYTE))
		return local_answer(server, domain, type, HOST_NOT_FOUND);
	if (l->budget != NULL && !l->budget(l->ctx))
		return local_answer(server, domain, type, TRY_AGAIN);
	rr = SPF_dns_lookup(server->layer_below, domain, type, should_cache);
	if (rr == NULL)
		return local_answer(server, domain, type, TRY_AGAIN);
	if ((rr->herrno == HOST_NOT_FOUND || rr->herrno == NO_DATA
		|| (rr->herrno == NETDB_SUCCESS && rr->num_rr == 0))
	    && ++l->voids > SPFV_MAX_VOID)
		l->exceeded = true;
	if (type == ns_t_mx || type == ns_t_ptr)
		note_hosts(l, rr, type);
	return rr;
}

/* The explanation (exp=) is never used: it is not fetched, so that it
 * neither costs a query nor counts as a void lookup after the result. */
static SPF_errcode_t
layer_get_exp(SPF_server_t *spf_server, const char *domain, char **buf,
    size_t *buflen)
{
	(void)spf_server;
	(void)domain;
	if (*buflen < 1 || *buf == NULL) {
		char *tmp = realloc(*buf, 1);

		if (tmp == NULL)
			return SPF_E_NO_MEMORY;
		*buf = tmp;
		*buflen = 1;
	}
	(*buf)[0] = '\0';
	return SPF_E_SUCCESS;
}

/* SPF_dns_free() frees the layer below after this. */
static void
layer_free(SPF_dns_server_t *server)
{
	free(server);
}

/* A libspf2 server over a new layer, which the caller frees with
 * SPF_dns_free() after SPF_server_free(): libspf2 frees only the
 * resolvers it made itself. */
static SPF_server_t *
new_server(spfv_budget_fn budget, void *ctx, struct spf_layer **layer)
{
	SPF_dns_server_t *resolv;
	struct spf_layer *l;
	SPF_server_t *server;

	*layer = NULL;
	if ((resolv = SPF_dns_resolv_new(NULL, NULL, 0)) == NULL)
		return NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		SPF_dns_free(resolv);
		return NULL;
	}
	l->server.destroy = layer_free;
	l->server.lookup = layer_lookup;
	l->server.get_exp = layer_get_exp;
	l->server.layer_below = resolv;
	l->server.name = "authgate";
	l->budget = budget;
	l->ctx = ctx;
	if ((server = SPF_server_new_dns(&l->server, 0)) == NULL)
		SPF_dns_free(&l->server);
	else
		*layer = l;
	return server;
}

enum ag_spf
spfv_check(const char *ip, const char *helo, const char *mail_from,
    char *domain, size_t size, spfv_budget_fn budget, void *budget_ctx)
{
	SPF_server_t *server;
	struct spf_layer *layer;
	SPF_request_t *req;
	SPF_response_t *resp = NULL;
	const char *at;
	char sender[600];
	enum ag_spf result = AG_SPFR_TEMPERROR;
	SPF_errcode_t err;

	if (mail_from == NULL || mail_from[0] == '\0') {
		snprintf(sender, sizeof(sender), "postmaster@%s",
		    helo != NULL ? helo : "");
		mail_from = sender;
	}
	at = strrchr(mail_from, '@');
	snprintf(domain, size, "%s", at != NULL ? at + 1 : mail_from);
	if (ip == NULL)
		return AG_SPFR_NONE;
	/* RFC 7208 4.3: a malformed or single-label domain has no policy;
	 * nothing is asked. */
	if (domain[0] != '\0' && !recheck_spf_domain_ok(domain))
		return AG_SPFR_NONE;
	server = new_server(budget, budget_ctx, &layer);
	if (server == NULL)
		return AG_SPFR_TEMPERROR;
	req = SPF_request_new(server);
	if (req == NULL)
		goto out;
	err = strchr(ip, ':') != NULL ? SPF_request_set_ipv6_str(req, ip) :
					SPF_request_set_ipv4_str(req, ip);
	if (err != SPF_E_SUCCESS
	    || (helo != NULL && helo[0] != '\0'
		&& SPF_request_set_helo_dom(req, helo) != SPF_E_SUCCESS)
	    || SPF_request_set_env_from(req, mail_from) != 0) {
		result = AG_SPFR_PERMERROR;
		goto out;
	}
	/* An "invalid" outcome keeps its cause in the query's return code
	 * or in the response's error code, depending on where it arose. */
	err = SPF_request_query_mailfrom(req, &resp);
	if (layer->exceeded)
		result = AG_SPFR_PERMERROR; /* RFC 7208 4.6.4 */
	else if (resp == NULL)
		result = map_result(SPF_RESULT_INVALID, err);
	else if (SPF_response_errcode(resp) != SPF_E_SUCCESS)
		result = map_result(SPF_response_result(resp),
		    SPF_response_errcode(resp));
	else
		result = map_result(SPF_response_result(resp), err);
out:
	if (resp != NULL)
		SPF_response_free(resp);
	if (req != NULL)
		SPF_request_free(req);
	SPF_server_free(server);
	if (layer != NULL)
		SPF_dns_free(&layer->server);
	return result;
}
