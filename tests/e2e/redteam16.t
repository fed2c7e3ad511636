#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Red team, round 16, end to end: the module gathered the DMARC names
# before it knew SPF and DKIM (local_scan/collect.c), so the walks of
# relaxed alignment were never asked and decide() read their names as
# "no record" (fixed: dmarcq_run again once SPF and DKIM are in). bank.example publishes p=reject and keeps a customer space,
# customers.bank.example, whose psd=y makes each name below it an
# organization of its own (RFC 9989 4.10.2 O2). A customer,
# evil.customers.bank.example (a zone of the attacker's own), signs a
# forged From: ceo@bank.example: by RFC 9989 the signature does not align
# and p=reject applies (550); `authgate explain`, which gathers after
# DKIM, says so. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup redteam16
W=$AG_WORK
K=$W/keys
M=$W/msgs
AG=$AG_BUILD/authgate

e2e_key sel1
e2e_dns \
	--txt-record="sel1._domainkey.evil.customers.bank.example,$(cat "$K/sel1.dns")" \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="_dmarc.customers.bank.example,v=DMARC1; p=reject; psd=y" \
	--txt-record="unrelated.example,v=spf1 -all"
printf '[general]\nauthserv_id = mx.gw.test\nlog_file = @WORK@/authgate.log\ndns_timeout = 1\n' >"$W/policy.tmpl"
e2e_policy "$W/policy.tmpl"
e2e_exim

e2e_msg "$M/forged.in" "CEO <ceo@bank.example>" "wire the money"
e2e_sign "$M/forged.in" "$M/forged.eml" sel1 evil.customers.bank.example sel1
e2e_send "$M/forged.eml" --from x@unrelated.example
line=$(e2e_logline "$QUEUE_ID")
if [ "$SMTP_CODE" = 550 ]; then
	ok "test_redteam16_e2e_customer_alignment: forged From of bank.example signed by a customer under psd=y: 550"
else
	nok "test_redteam16_e2e_customer_alignment: forged From of bank.example signed by a customer under psd=y: SMTP $SMTP_CODE" \
		"$(printf '%s' "$line" | jq -c '{d: .decision | {action, class, dmarc}, dns: .facts.dns}' 2>/dev/null || printf '%s' "$line")"
fi
out=$(e2e_ns "$AG" explain --json --policy "$W/policy.ini" --ip 203.0.113.7 --mail-from x@unrelated.example "$M/forged.eml" 2>&1)
got=$(jq -r '.decision.action' <<<"$out" 2>/dev/null)
[ "$got" = reject ] && ok "explain (DKIM known before DMARC): reject" ||
	nok "explain: $got" "$(head -c 600 <<<"$out")"
tap_done
