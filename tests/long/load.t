#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Load: 20,000 messages (LOAD_COUNT) from 16 concurrent SMTP clients
# through Exim with the module: signed mail (delivered), a forged p=reject
# sender (rejected) and mail whose key is missing (delivered, tagged).
# Every message is accounted for (delivered + rejected + deferred = sent,
# from the clients' replies and from Exim's side), every log line is
# whole JSON with one line per message, and no receiver process is left
# behind or grows past LOAD_MAX_RSS_KB. Then long SMTP sessions (990
# messages each): the receiving process must not grow by the module.
# TAP; needs root. make test-long.
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

# ---- Long sessions: one receiving process over many messages ----
# Exim 4.96 grows by itself over one SMTP session (DKIM hash contexts it
# does not free, and the memory of every message it rejects); authgate
# must add no growth of its own. The same streams of messages go,
# LONG_COUNT in one session each, through plain Exim (none of authgate's
# ACLs, no module; rejects from a DATA ACL), through Exim with
# authgate's ACLs but no module, and through Exim with authgate (Exim's
# verdicts, then dkim/spf/arc = self). Growth is the receiving process's
# RSS after the last message less its RSS after the 90th, per message.
# The module's own is compared with the ACLs-only Exim; the ACLs' with
# plain Exim (measured: about 1.5 KB a message, half of it Exim's SPF
# check, whose libspf2 responses Exim 4.96 does not free).
LONG=${LONG_COUNT:-990}
LONG_MAX=${LONG_MAX_B_PER_MSG:-512}
LONG_ACL_MAX=${LONG_ACL_MAX_B_PER_MSG:-2048}
acc_stream=("news@shop.example=$W/msgs/clean.eml" "n@nokey.example=$W/msgs/nokey.eml"
	"news@shop.example=$W/msgs/clean.in")
rej_stream=("ceo@bank.example=$W/msgs/forged.eml")
e2e_conf_plain "$AG_ROOT/exim-conf/exim4.conf.example" "$W/plain.conf"
awk '{ print } /^acl_smtp_rcpt/ { print "acl_smtp_data = acl_load_deny" }
	/^begin acl/ { print "acl_load_deny:\n  deny message = rejected by plain Exim\n" }' \
	"$W/plain.conf" >"$W/plain-deny.conf"
for c in plain plain-deny; do
	exim4 -C "$W/$c.conf" -bV >/dev/null 2>"$W/out/$c.err" ||
		e2e_die "$c.conf: $(cat "$W/out/$c.err")"
done
printf '[general]\nauthserv_id = mx.gw.test\nlog_file = @WORK@/authgate.log\ndkim = self\nspf = self\narc = self\n' >"$W/policy.self"
restart_exim() { # CONF MODULE [-D...]: the daemon again, with CONF and MODULE
	local conf=$1 module=$2 pid i
	shift 2
	pid=$(cat "$W/run/exim.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	rm -f "$W/run/exim.pid"
	AG_EXIM_CONF=$conf AG_MODULE=$module e2e_exim "$@"
}
declare -A growth
long_session() { # NAME CODE MAIL_FROM=FILE...: one session of LONG messages, all answered CODE
	local name=$1 code=$2 out
	shift 2
	out=$(e2e_ns /usr/bin/python3 "$AG_ROOT/tests/long/longsession.py" 127.0.0.1 "$AG_PORT" \
		"$LONG" user@gw.test 203.0.113.7 "90,$LONG" "$@" 2>"$W/out/$name.err")
	if printf '%s' "$out" | jq -e --arg c "$code" --argjson n "$LONG" '.codes[$c] == $n' >/dev/null 2>&1; then
		growth[$name]=$(printf '%s' "$out" | jq --argjson n "$LONG" \
			'(.rss_kb[1][1] - .rss_kb[0][1]) * 1024 / ($n - 90) | floor')
		ok "$name: $LONG messages in one session, all $code; RSS $(printf '%s' "$out" |
			jq -r '"\(.rss_kb[0][1]) KB after 90, \(.rss_kb[1][1]) KB after \(.rss_kb[1][0])"'): ${growth[$name]} bytes a message"
	else
		growth[$name]=""
		nok "$name: replies" "$out $(tail -3 "$W/out/$name.err")"
	fi
}
before=$(find "$W/mail" -type f -path '*/new/*' | wc -l)
restart_exim "$W/plain.conf" authgate.so
long_session plain-accept 250 "${acc_stream[@]}"
restart_exim "$W/plain-deny.conf" authgate.so
long_session plain-reject 550 "${rej_stream[@]}"
e2e_policy "$W/policy.tmpl"
restart_exim "$AG_ROOT/exim-conf/exim4.conf.example" authgate.so -DAUTHGATE_NO_MODULE=1
long_session acls-accept 250 "${acc_stream[@]}"
restart_exim "$AG_ROOT/exim-conf/exim4.conf.example" authgate.so
long_session authgate-accept 250 "${acc_stream[@]}"
long_session authgate-reject 550 "${rej_stream[@]}"
e2e_policy "$W/policy.self"
restart_exim "$AG_ROOT/exim-conf/exim4.conf.example" authgate-verify.so
long_session self-accept 250 "${acc_stream[@]}"
long_session self-reject 550 "${rej_stream[@]}"
compare() { # NAME BASE MAX WHAT: growth of NAME less BASE's, at most MAX
	local a=${growth[$1]} b=${growth[$2]}
	if [ -z "$a" ] || [ -z "$b" ]; then
		nok "$1: no figure to compare with $2"
	elif [ $((a - b)) -le "$3" ]; then
		ok "$1: $4 adds $((a - b)) bytes a message to $2's growth (at most $3)"
	else
		nok "$1: $4 adds $((a - b)) bytes a message to $2's growth ($a against $b; at most $3)"
	fi
}
compare acls-accept plain-accept "$LONG_ACL_MAX" "authgate's ACLs (Exim's SPF check)"
compare authgate-accept acls-accept "$LONG_MAX" "the module"
compare self-accept acls-accept "$LONG_MAX" "the module with dkim/spf/arc = self"
# Rejected messages: Exim itself keeps each one's memory (about 9 KB a
# message here), whoever rejects it; no ACLs-only figure can reject.
compare authgate-reject plain-reject "$LONG_ACL_MAX" "authgate (ACLs and module)"
compare self-reject plain-reject "$LONG_ACL_MAX" "authgate with dkim/spf/arc = self"
# Past smtp_accept_queue_per_connection (10) Exim queues what a session
# sends; a queue run delivers it, and then every accepted message is here.
e2e_exim_cmd -qff >/dev/null 2>&1
after=$(find "$W/mail" -type f -path '*/new/*' | wc -l)
[ $((after - before)) = $((4 * LONG)) ] && [ "$(e2e_exim_cmd -bpc 2>/dev/null)" = 0 ] &&
	ok "long sessions: all $((4 * LONG)) accepted messages delivered, nothing left queued" ||
	nok "long sessions: $((after - before)) delivered of $((4 * LONG)), $(e2e_exim_cmd -bpc 2>/dev/null) queued"
echo "1..$n"
[ "$failed" = 0 ]
