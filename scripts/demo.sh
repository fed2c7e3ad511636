#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: a sandboxed Exim with authgate, a DNS server and real signed
# mail. Sends one message per tier, prints what happened to each and the
# JSON log lines, then removes everything it created. Needs root.
set -u
. "$(dirname "$0")/../tests/e2e/lib.sh"

bold=$(tput bold 2>/dev/null || true)
plain=$(tput sgr0 2>/dev/null || true)
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

e2e_setup demo
W=$AG_WORK
say "Sandbox: namespace $AG_NS, work directory $W"
e2e_key shop
e2e_dns \
	--txt-record="s1._domainkey.shop.example,$(cat "$W/keys/shop.dns")" \
	--txt-record="shop.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.shop.example,v=DMARC1; p=reject" \
	--txt-record="lostkey.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="member.example,v=spf1 ip4:192.0.2.99 -all" \
	--server=/_dmarc.slowdns.example/127.0.0.11
cat >"$W/policy.tmpl" <<'POLICY'
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
dns_timeout = 2

[trusted]
relays = 192.0.2.15/32
POLICY
e2e_policy "$W/policy.tmpl"
say "policy.ini"
sed 's/^/    /' "$W/policy.ini"
e2e_exim
say "Exim $(exim4 --version 2>/dev/null | head -1 | awk '{print $3}') listening on 127.0.0.1:$AG_PORT inside the namespace, with $AG_BUILD/authgate.so"

M=$W/msgs
e2e_msg "$M/1.in" "Shop <orders@shop.example>" "Your order"
e2e_sign "$M/1.in" "$M/1.eml" s1 shop.example shop
e2e_msg "$M/2.in" "Billing <billing@lostkey.example>" "Invoice 42"
e2e_sign "$M/2.in" "$M/2.eml" s1 lostkey.example shop
e2e_msg "$M/3.eml" "CEO <ceo@bank.example>" "Urgent wire transfer"
e2e_msg "$M/4.eml" "Someone <someone@slowdns.example>" "Hello"
e2e_msg "$M/5.eml" "Member <member@member.example>" "Forwarded to you"

rows=()
send() { # label file from [swaks options]
	local label=$1 file=$2 from=$3
	shift 3
	e2e_send "$file" --from "$from" "$@"
	local subject="" line action class
	line=$(e2e_logline "$QUEUE_ID")
	action=$(printf '%s' "$line" | jq -r '.decision.action // "-"' 2>/dev/null)
	class=$(printf '%s' "$line" | jq -r '.decision.class // "-"' 2>/dev/null)
	if [ "$SMTP_CODE" = 250 ]; then
		subject=$(sed '/^$/q' "$(e2e_delivered "$QUEUE_ID")" | sed -n 's/^Subject: //p')
	else
		subject="(not accepted: $SMTP_TEXT)"
	fi
	rows+=("$(printf '%-34s %-4s %-9s %-17s %s' "$label" "$SMTP_CODE" "$action" "$class" "$subject")")
}
say "Sending five messages with swaks"
send "clean, signed, aligned" "$M/1.eml" orders@shop.example
send "DKIM key missing in DNS (seed 003)" "$M/2.eml" billing@lostkey.example
send "forged From, p=reject" "$M/3.eml" x@bank.example
send "DMARC lookup times out" "$M/4.eml" someone@slowdns.example
send "our own forwarder relays it" "$M/5.eml" member@member.example --li 192.0.2.15

say "Outcomes"
printf '%s%-34s %-4s %-9s %-17s %s%s\n' "$bold" "message" "SMTP" "action" "class" "Subject as delivered / reply" "$plain"
printf '%s\n' "${rows[@]}"

say "The JSON log lines (tail -f authgate.log | jq)"
jq -c '{id, action: .decision.action, class: .decision.class, rule: .decision.rule, reason: .decision.reason, dmarc: .decision.dmarc.result, from: .decision.dmarc.domain}' "$W/authgate.log"
say "One line in full"
sed -n '2p' "$W/authgate.log" | jq .
say "Exim's main log"
grep 'authgate:' "$W/log/mainlog" | sed 's/^/    /'
say "Done; removing the sandbox"
