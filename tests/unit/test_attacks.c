/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_attacks.c: attacks a red team found after the first round of
 * issue 15's fixes, each written as the attacker would send it, with the
 * answer the module gives now: an ARC seal never verified on the
 * temperror path, From spellings a reader sees as bank.example, and
 * '@' in display names. The same attacks through Exim are
 * tests/e2e/redteam.t; none of these needs the network.
 */
#include "helpers.h"
#include "log/logline.h"
#include "mail/domcanon.h"
#include "mail/fromcut.h"
#include "mail/fromhdr.h"
#include "policy/verdict.h"
#include "util/sbuf.h"
#include "verify/arc.h"
#include "verify/dns.h"

static const char *const POL = "[general]\n"
			       "authserv_id = mx.test\n"
			       "[trusted]\n"
			       "arc_sealers = lists.example\n";

/* Every name asked is answered SERVFAIL (the attacker's own DNS can do
 * that for the names it serves); the names are counted. */
static unsigned servfails;

static void
servfail_lookup(void *ctx, const char *name, struct dnsq_answer *a)
{
	(void)ctx;
	(void)name;
	servfails++;
	memset(a, 0, sizeof(*a));
	a->status = DNSQ_TEMPERROR;
	a->rcode = 2;
}

static void
print_decision(const struct policy *p, const struct decision *d)
{
	struct sbuf sb;

	sbuf_init(&sb, 1 << 20);
	decision_to_json(p, d, &sb);
	print_error("%s\n", sbuf_cstr(&sb));
	sbuf_free(&sb);
}

/*
 * ARC temperror path, a seal that claims a trusted sealer's d= and is
 * never verified (issue 15 item 5, "the same rule governs the ARC
 * temperror path"). The attacker sends a forged From: ceo@bank.example
 * (p=reject) with ONE ARC set of their own making:
 *   ARC-Seal i=1 d=lists.example (a trusted sealer's name, bogus b=),
 *   ARC-Message-Signature i=1 d=attacker.example s=x (a correct bh=),
 *   ARC-Authentication-Results i=1; lists.example; dmarc=pass
 *       header.from=bank.example
 * and lets attacker.example's DNS answer SERVFAIL for the AMS key.
 * verify/arc.c checks the newest AMS first: the body hash matches, the
 * key lookup fails: the chain is "temperror" before any ARC-Seal is
 * verified, while record_instances() already recorded i=1 as sealed by
 * lists.example with dmarc=pass for bank.example. decide() then counts
 * the trusted sealer's pass as possible (aligned_temperror), and the
 * forgery gets 451 (retried, and the attacker keeps the queue slot)
 * instead of 550. Expected: reject/dmarc.reject: a seal that was not
 * verified names no sealer, and DNS trouble on a key of a domain that is
 * not the trusted sealer's own never stands for its pass.
 */
static void
test_arc_temperror_unverified_sealer(void **state)
{
	static const char msg[]
	    = "ARC-Seal: i=1; cv=none; a=rsa-sha256; d=lists.example; "
	      "s=s; b=AAAA\n"
	      "ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; "
	      "d=attacker.example; s=x; h=from; "
	      "bh=Ck5SoRNWUpSR4X0COv7R5ub2pUTtl6xz4dTFz++ji4M=; b=AAAA\n"
	      "ARC-Authentication-Results: i=1; lists.example; dmarc=pass "
	      "header.from=bank.example\n"
	      "From: ceo@bank.example\n"
	      "\n"
	      "body\n";
	struct policy *p = load_ok(POL);
	struct arena arena;
	struct facts f;
	struct decision d;
	char why[300];

	(void)state;
	arena_init(&arena);
	facts_ok(&f, &arena,
	    J("{'client':{'ip':'203.0.113.9','helo':'mx.attacker.example',"
	      "'authenticated':false},'mail_from':'x@attacker.example',"
	      "'from':['ceo@bank.example'],"
	      "'spf':{'result':'pass','domain':'attacker.example'},"
	      "'dkim':[],'arc':{'result':'none','instances':[]},"
	      "'dns':{'_dmarc.bank.example':'v=DMARC1; p=reject'}}"));
	servfails = 0;
	arcv_message(msg, sizeof(msg) - 1, servfail_lookup, NULL, &f, &arena,
	    why, sizeof(why));
	print_message("# arc=%s (%s), %u lookups, instance 1 sealer %s\n",
	    ag_arc_name(f.arc), why, servfails,
	    f.n_arc > 0 ? f.arc_inst[0].sealer : "-");
	decide(p, &f, &d);
	if (d.action != AG_REJECT
	    || strcmp(verdict_class_name(&d), "dmarc.reject") != 0) {
		print_decision(p, &d);
		fail_msg("forged From with an unverified 'lists.example' seal: "
			 "want reject/dmarc.reject, got %s/%s",
		    ag_action_name(d.action), verdict_class_name(&d));
	}
	arena_free(&arena);
	policy_free(p);
}

/* Decides a forged From of a p=reject domain (bank.example), given as
 * the module keeps it; returns the decision in d. */
static void
decide_from(const char *from, struct decision *d)
{
	struct policy *p = load_ok(POL);
	struct arena arena;
	struct facts f;

	arena_init(&arena);
	facts_ok(&f, &arena,
	    J("{'client':{'ip':'203.0.113.9','helo':'mx.attacker.example',"
	      "'authenticated':false},'mail_from':'x@nokey.example',"
	      "'from':['-'],'spf':{'result':'pass','domain':'nokey.example'},"
	      "'dkim':[],'arc':{'result':'none','instances':[]},"
	      "'dns':{'_dmarc.bank.example':'v=DMARC1; p=reject',"
	      "'_dmarc.acme.example':'v=DMARC1; p=reject'}}"));
	f.from[0] = from;
	decide(p, &f, d);
	arena_free(&arena);
	policy_free(p);
}

/*
 * Issue 15 item 1 (and 3), other code points and spellings: a From
 * domain a reader sees as (mail.)bank.example must meet bank.example's
 * p=reject. Today:
 *  - look-alike dots IDNA accepts (U+00B7, U+0387, U+06F0, U+30FB,
 *    U+FF65, and the same in punycode) make another valid name with no
 *    DMARC record: accept, dmarc.none (domcanon.c takes the reader's
 *    view only for names libidn2 refuses);
 *  - look-alike dots and blanks libidn2 refuses but invisible() and
 *    lookalike_dot() do not list (U+0660, U+06D4, U+2027, U+2E31,
 *    U+22C5, U+2219, U+2022, U+0589, U+2800): from.invalid with no
 *    domain, a tag;
 *  - ASCII names domain_normalize() refuses ("bank..example",
 *    ".bank.example", "bank.example..") are INVALID at once: a tag;
 *  - an encoded word decoding to a full-width '@', or holding a literal
 *    '@' (fromhdr.c display_text()/the lexer): a tag.
 * Expected for each: reject/dmarc.reject (bank.example's policy).
 */
static void
test_from_seen_as_bank(void **state)
{
	static const char *const froms[] = {
		"ceo@mail\xc2\xb7"
		"bank.example",
		"ceo@mail\xce\x87"
		"bank.example",
		"ceo@mail\xdb\xb0"
		"bank.example",
		"ceo@mail\xe3\x83\xbb"
		"bank.example",
		"ceo@mail\xef\xbd\xa5"
		"bank.example",
		"ceo@xn--mailbank-joa.example",
		"ceo@bank\xd9\xa0"
		"example",
		"ceo@bank\xdb\x94"
		"example",
		"ceo@bank\xe2\x80\xa7"
		"example",
		"ceo@bank\xe2\xb8\xb1"
		"example",
		"ceo@bank\xe2\x8b\x85"
		"example",
		"ceo@bank\xe2\x88\x99"
		"example",
		"ceo@bank\xe2\x80\xa2"
		"example",
		"ceo@bank\xd6\x89"
		"example",
		"ceo@bank\xe2\xa0\x80.example",
		"ceo@bank.example\xe2\xa0\x80",
		"ceo@bank..example",
		"ceo@.bank.example",
		"ceo@bank.example..",
		"=?utf-8?q?ceo=EF=BC=A0bank.example?=",
		"=?utf-8?Q?ceo@bank.example?=",
	};
	struct decision d;
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(froms) / sizeof(froms[0]); i++) {
		decide_from(froms[i], &d);
		if (d.action == AG_REJECT
		    && strcmp(verdict_class_name(&d), "dmarc.reject") == 0)
			continue;
		bad++;
		print_message("# From: %s -> %s/%s (domain '%s')\n", froms[i],
		    ag_action_name(d.action), verdict_class_name(&d),
		    d.from_domain);
	}
	if (bad > 0)
		fail_msg("%zu of %zu forged From spellings of bank.example "
			 "escape its p=reject",
		    bad, sizeof(froms) / sizeof(froms[0]));
}

/*
 * (b) Legitimate mail refused: an unquoted '@' in a display name before
 * a '<...>' that names the author's domain ("Support @ Acme
 * <support@acme.example>", "Team@Acme <team@acme.example>"). fromhdr.c
 * takes the one-label word after the bare '@' for a second author
 * domain: from.multiple, 550, whatever DKIM says; addresses found in
 * display text need a dot (embed_flush), captures after a bare '@' in
 * display position do not. Expected: one author, acme.example.
 */
static void
test_display_name_at(void **state)
{
	static const char *const froms[] = {
		"Support @ Acme <support@acme.example>",
		"Team@Acme <team@acme.example>",
		"Acme Support @ Help Desk <help@acme.example>",
	};
	struct fromhdr fh;
	size_t i, bad = 0;

	(void)state;
	for (i = 0; i < sizeof(froms) / sizeof(froms[0]); i++) {
		fromhdr_parse(froms[i], strlen(froms[i]), &fh);
		if (fh.status != FROMHDR_MULTIPLE
		    && strcmp(fh.domain, "acme.example") == 0)
			continue;
		bad++;
		print_message("# From: %s -> status %d domain '%s' (%s)\n",
		    froms[i], (int)fh.status, fh.domain, fh.why);
	}
	if (bad > 0)
		fail_msg("%zu legitimate From headers read as several authors",
		    bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arc_temperror_unverified_sealer),
		cmocka_unit_test(test_from_seen_as_bank),
		cmocka_unit_test(test_display_name_at),
	};

	return cmocka_run_group_tests_name("attacks", tests, NULL, NULL);
}
