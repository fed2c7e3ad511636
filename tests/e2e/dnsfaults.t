#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The DNS server failing while Exim runs: stopped (SIGSTOP: every query
# times out) and gone (killed: every query is refused at once). Every
# message, forged or not, is then answered 451 well within Exim's
# local_scan_timeout, never rejected and never accepted unchecked, and
# its log line says which checks met DNS trouble; once the server is
# back the next message is judged as usual. TAP; needs root. Runs with
# Exim's verdicts and, with AG_SELF=1, with authgate's own.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup dnsfaults
W=$AG_WORK
e2e_key s1
e2e_dns --txt-record="s1._domainkey.shop.example,$(cat "$W/keys/s1.dns")" \
	--txt-record="shop.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.shop.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject"
{
	printf '[general]\nauthserv_id = mx.gw.test\nlog_file = @WORK@/authgate.log\n'
	[ -n "${AG_SELF:-}" ] && printf 'dkim = self\nspf = self\narc = self\n'
} >"$W/policy.tmpl"
e2e_policy "$W/policy.tmpl"
e2e_exim
e2e_msg "$W/msgs/signed.in" "Shop <news@shop.example>" "dns faults"
e2e_sign "$W/msgs/signed.in" "$W/msgs/signed.eml" s1 shop.example s1
e2e_msg "$W/msgs/forged.eml" "CEO <ceo@bank.example>" "dns faults"
# Exim's local_scan_timeout in exim-conf/exim4.conf.example.
LIMIT=60

# send NAME MSG MAIL_FROM CODE JQ: the reply is CODE, and the message's
# log line passes JQ; with a 4xx, within LIMIT seconds.
send() {
	local name=$1 msg=$2 from=$3 code=$4 filter=$5 t0 secs line
	t0=$(date +%s)
	e2e_send "$W/msgs/$msg.eml" --from "$from"
	secs=$(($(date +%s) - t0))
	if [ "$SMTP_CODE" = "$code" ] && { [ "${code#4}" = "$code" ] || [ "$secs" -lt "$LIMIT" ]; }; then
		ok "$name: SMTP $code in ${secs}s"
	else
		nok "$name: SMTP $SMTP_CODE in ${secs}s, want $code" "$SMTP_TEXT"
	fi
	line=$(e2e_logline "$QUEUE_ID")
	printf '%s' "$line" | jq -e "$filter" >/dev/null 2>&1 &&
		ok "$name: log $filter" || nok "$name: log $filter" "${line:-no log line}"
}
# The DNS trouble each check met, in the log (Exim's verdicts: Exim's SPF
# check and key lookups time out as the module's do).
temp='[.decision.findings[].class] as $c | .decision.class == "dmarc.temperror" and ($c | any(. == "spf.temperror"))'
signed_temp="$temp"' and ($c | any(. == "dkim.temperror"))'

send dns-up signed news@shop.example 250 '.decision.action == "accept"'
send dns-up-forged forged ceo@bank.example 550 '.decision.class == "dmarc.reject"'

dns=$(cat "$W/run/dnsmasq.pid")
kill -STOP "$dns"
send dns-stopped signed news@shop.example 451 "$signed_temp"
send dns-stopped-forged forged ceo@bank.example 451 "$temp"
kill -CONT "$dns"
send dns-continued signed news@shop.example 250 '.decision.action == "accept"'

kill "$dns"
for i in $(seq 50); do kill -0 "$dns" 2>/dev/null || break; sleep 0.1; done
rm -f "$W/run/dnsmasq.pid"
send dns-gone signed news@shop.example 451 "$signed_temp"
send dns-gone-forged forged ceo@bank.example 451 "$temp"
e2e_dnsmasq
for i in $(seq 50); do [ -s "$W/run/dnsmasq.pid" ] && break; sleep 0.1; done
send dns-back signed news@shop.example 250 '.decision.action == "accept"'
send dns-back-forged forged ceo@bank.example 550 '.decision.class == "dmarc.reject"'

# Nothing the faults answered was delivered or queued: the sender keeps it.
[ "$(find "$W/mail" -type f -path '*/new/*' | wc -l)" = 3 ] &&
	ok "only the three messages answered 250 were delivered" ||
	nok "delivered: $(find "$W/mail" -type f -path '*/new/*' | wc -l), want 3"
[ "$(e2e_exim_cmd -bpc 2>/dev/null)" = 0 ] && ok "nothing queued" ||
	nok "queued: $(e2e_exim_cmd -bpc 2>/dev/null)"
tap_done
