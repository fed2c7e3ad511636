#!/usr/bin/env bash
# Load: 20,000 messages (LOAD_COUNT) from 16 concurrent SMTP clients
# through Exim with the module: signed mail (delivered), a forged p=reject
# sender (rejected) and mail whose key is missing (delivered, tagged).
# Every message is accounted for (delivered + rejected + deferred = sent,
# from the clients' replies and from Exim's side), every log line is
# whole JSON with one line per message, and no receiver process is left
# behind or grows past LOAD_MAX_RSS_KB. TAP; needs root. make test-long.
set -u
. "$(dirname "$0")/../e2e/lib.sh"

TOTAL=${LOAD_COUNT:-20000}
MAX_RSS=${LOAD_MAX_RSS_KB:-65536}
e2e_setup load
W=$AG_WORK
e2e_key s1
e2e_dns --txt-record="s1._domainkey.shop.example,$(cat "$W/keys/s1.dns")" \
	--txt-record="shop.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.shop.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="nokey.example,v=spf1 ip4:203.0.113.7 -all"
printf '[general]\nauthserv_id = mx.gw.test\nlog_file = @WORK@/authgate.log\n' >"$W/policy.tmpl"
e2e_policy "$W/policy.tmpl"
e2e_exim

e2e_msg "$W/msgs/clean.in" "Shop <news@shop.example>" "load clean"
e2e_sign "$W/msgs/clean.in" "$W/msgs/clean.eml" s1 shop.example s1
e2e_msg "$W/msgs/forged.eml" "CEO <ceo@bank.example>" "load forged"
e2e_msg "$W/msgs/nokey.in" "N <n@nokey.example>" "load nokey"
e2e_sign "$W/msgs/nokey.in" "$W/msgs/nokey.eml" gone nokey.example s1

n_clean=$((TOTAL * 6 / 10))
n_forged=$((TOTAL * 3 / 10))
n_nokey=$((TOTAL - n_clean - n_forged))
load() { # FILE COUNT CONC FROM
	e2e_ns /usr/bin/python3 "$AG_ROOT/bench/smtp_load.py" 127.0.0.1 "$AG_PORT" \
		"$1" "$2" "$3" "$4" user@gw.test 203.0.113.7
}
# Peak RSS of receiving Exim processes, sampled while the load runs.
(
	peak=0
	while [ ! -e "$W/run/load.done" ]; do
		for p in $(ip netns pids "$AG_NS" 2>/dev/null); do
			r=$(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null)
			[ -n "$r" ] && [ "$r" -gt "$peak" ] && peak=$r
		done
		echo "$peak" >"$W/out/peak.rss"
		sleep 0.5
	done
) &
sampler=$!
start=$(date +%s)
load "$W/msgs/clean.eml" "$n_clean" 8 news@shop.example >"$W/out/clean.out" &
p1=$!
load "$W/msgs/forged.eml" "$n_forged" 4 ceo@bank.example >"$W/out/forged.out" &
p2=$!
load "$W/msgs/nokey.eml" "$n_nokey" 4 n@nokey.example >"$W/out/nokey.out" &
p3=$!
wait "$p1" "$p2" "$p3"
touch "$W/run/load.done"
wait "$sampler"
secs=$(($(date +%s) - start))
# Each client prints "RATE CODE=COUNT ...": 250 accepted, 550 rejected,
# any 4xx (e.g. 421 when Exim's smtp_accept_max is reached) deferred:
# the sender keeps those and tries again.
sum_codes() { # REGEX: how many replies had a code matching it
	cat "$W"/out/{clean,forged,nokey}.out | tr ' ' '\n' | grep -E "^($1)=" |
		cut -d= -f2 | awk '{s += $1} END {print s + 0}'
}
c250=$(sum_codes 250)
c550=$(sum_codes 550)
c4xx=$(sum_codes '4[0-9][0-9]')
sent=$(sum_codes '[^=]+')
[ "$sent" = "$TOTAL" ] && ok "sent $TOTAL messages in ${secs}s over 16 sessions" || nok "sent $sent of $TOTAL" "$(cat "$W"/out/*.out)"
[ $((c250 + c550 + c4xx)) = "$TOTAL" ] &&
	ok "replies: $c250 accepted, $c550 rejected, $c4xx deferred (4xx), nothing else" ||
	nok "replies" "$(cat "$W"/out/*.out)"
# Exim's side: everything accepted gets delivered (wait for the queue).
for i in $(seq 600); do
	[ -z "$(e2e_exim_cmd -bp 2>/dev/null | head -1)" ] && break
	sleep 0.5
done
delivered=$(find "$W/mail" -type f -path '*/new/*' | wc -l)
queued=$(e2e_exim_cmd -bpc 2>/dev/null || echo 0)
[ $((delivered + c550 + c4xx)) = "$TOTAL" ] && [ "$delivered" = "$c250" ] && [ "$queued" = 0 ] &&
	ok "delivered $delivered + rejected $c550 + deferred $c4xx = $TOTAL, nothing left queued" ||
	nok "accounting: delivered $delivered, rejected $c550, deferred $c4xx, queued $queued, sent $TOTAL"
lines=$(wc -l <"$W/authgate.log")
if [ "$lines" = $((c250 + c550)) ] && jq -c . "$W/authgate.log" >/dev/null 2>&1; then
	ok "$lines log lines, one per message that reached the end of DATA, all whole JSON (no interleaving)"
else
	nok "log: $lines lines for $((c250 + c550)) messages, or a line that does not parse"
fi
count_action() { jq -r --arg a "$1" 'select(.decision.action == $a) | 1' "$W/authgate.log" | wc -l; }
acc_n=$(count_action accept)
tag_n=$(count_action tag)
rej_n=$(count_action reject)
[ "$rej_n" = "$c550" ] && [ $((acc_n + tag_n)) = "$c250" ] &&
	ok "actions in the log match the replies (accept $acc_n, tag $tag_n, reject $rej_n)" ||
	nok "actions: accept $acc_n, tag $tag_n, reject $rej_n"
tagged=$(grep -rl '^Subject: \[SPAM\] load nokey' "$W/mail" | wc -l)
[ "$tagged" = "$tag_n" ] && ok "$tagged key-missing messages delivered tagged" || nok "tagged: $tagged, logged $tag_n"
peak=$(cat "$W/out/peak.rss" 2>/dev/null || echo 0)
[ "$peak" -le "$MAX_RSS" ] && ok "peak RSS of any Exim process ${peak} KB (limit $MAX_RSS)" || nok "peak RSS $peak KB"
left=$(ip netns pids "$AG_NS" | while read -r p; do
	[ "$(cat "/proc/$p/comm" 2>/dev/null)" = exim4 ] && echo "$p"
done | wc -l)
[ "$left" -le 1 ] && ok "no receiver process left behind ($left exim4 process: the daemon)" || nok "$left exim4 processes left"
echo "1..$n"
[ "$failed" = 0 ]
