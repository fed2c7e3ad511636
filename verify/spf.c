/*
 * spf.c: libspf2 with its resolver-based DNS layer (the process's
 * resolv.conf, so tests point it at the namespace DNS server). libspf2
 * folds DNS trouble and broken records into one "invalid" outcome; its
 * error code tells them apart (SPF_E_DNS_ERROR is DNS).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <spf2/spf.h>
#include <spf2/spf_dns_resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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

/* A libspf2 DNS layer above its resolver that asks the caller's budget
 * before each query; past the budget it answers TRY_AGAIN itself, which
 * libspf2 turns into a temperror. Its queries are bounded by RFC 7208's
 * limits; this bounds their time, which libspf2's resolver (the system's
 * resolv.conf timeouts, 10 s a query by default) does not. */
struct budget_layer {
	SPF_dns_server_t server; /* first: libspf2 sees only this */
	spfv_budget_fn budget;
	void *ctx;
};

static SPF_dns_rr_t *
budget_lookup(SPF_dns_server_t *server, const char *domain, ns_type type,
    int should_cache)
{
	struct budget_layer *l = (struct budget_layer *)server;

	if (!l->budget(l->ctx))
		return SPF_dns_rr_new_init(server, domain, type, 0, TRY_AGAIN);
	return SPF_dns_lookup(server->layer_below, domain, type, should_cache);
}

/* SPF_dns_free() frees the layer below after this. */
static void
budget_free(SPF_dns_server_t *server)
{
	free(server);
}

/* A libspf2 server; with a budget, *dns is set to the DNS layers, which
 * the caller frees with SPF_dns_free() after SPF_server_free(): libspf2
 * frees only the resolvers it made itself. */
static SPF_server_t *
new_server(spfv_budget_fn budget, void *ctx, SPF_dns_server_t **dns)
{
	SPF_dns_server_t *resolv;
	struct budget_layer *l;
	SPF_server_t *server;

	*dns = NULL;
	if (budget == NULL)
		return SPF_server_new(SPF_DNS_RESOLV, 0);
	if ((resolv = SPF_dns_resolv_new(NULL, NULL, 0)) == NULL)
		return NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		SPF_dns_free(resolv);
		return NULL;
	}
	l->server.destroy = budget_free;
	l->server.lookup = budget_lookup;
	l->server.layer_below = resolv;
	l->server.name = "authgate-budget";
	l->budget = budget;
	l->ctx = ctx;
	if ((server = SPF_server_new_dns(&l->server, 0)) == NULL)
		SPF_dns_free(&l->server);
	else
		*dns = &l->server;
	return server;
}

enum ag_spf
spfv_check(const char *ip, const char *helo, const char *mail_from,
    char *domain, size_t size, spfv_budget_fn budget, void *budget_ctx)
{
	SPF_server_t *server;
	SPF_dns_server_t *dns;
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
	server = new_server(budget, budget_ctx, &dns);
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
	if (resp == NULL)
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
	if (dns != NULL)
		SPF_dns_free(dns);
	return result;
}
