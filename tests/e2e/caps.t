#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Resource caps end to end: for each limit the module enforces per
# message, a message that exceeds it, sent through the real Exim, and
# the outcome SECURITY.md documents. DNS queries are counted in
# dnsmasq's query log. Runs with Exim's verdicts and (AG_SELF=1,
# authgate-verify.so) with authgate's own DKIM, SPF and ARC. TAP; root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup caps
W=$AG_WORK
K=$W/keys
M=$W/msgs
PY=/usr/bin/python3
RAW=("$PY" "$AG_ROOT/tests/e2e/rawsmtp.py")

e2e_key sel1
e2e_key seal
touch "$W/dns.log"
chmod 666 "$W/dns.log"
dns=(
	--log-queries --log-facility="$W/dns.log"
	--txt-record="sel1._domainkey.signer.example,$(cat "$K/sel1.dns")"
	--txt-record="signer.example,v=spf1 ip4:203.0.113.7 -all"
	--txt-record="_dmarc.signer.example,v=DMARC1; p=reject"
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all"
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject"
	--txt-record="nokey.example,v=spf1 ip4:203.0.113.7 -all"
	--txt-record="orig.example,v=spf1 ip4:192.0.2.99 -all"
	--txt-record="_dmarc.orig.example,v=DMARC1; p=reject"
	--txt-record="arc._domainkey.sealer.example,$(cat "$K/seal.dns")"
)
for k in $(seq 9); do dns+=(--txt-record="arc._domainkey.s$k.example,$(cat "$K/seal.dns")"); done
# SPF through ten includes that each answer after 2.5 s: 25 s of lookups.
incl=$(seq -s ' ' -f 'include:i%g.slowspf.example' 10)
dns+=(--txt-record="spfslow.example,v=spf1 $incl ip4:203.0.113.7 -all"
	--txt-record="_dmarc.spfslow.example,v=DMARC1; p=none"
	--server=/slowspf.example/127.0.0.12)
e2e_dns "${dns[@]}"
mapfile -t slow < <(seq -f 'i%g.slowspf.example=2.5=v=spf1 -all' 10)
(e2e_ns "$PY" "$AG_ROOT/tests/e2e/slowdns.py" 127.0.0.12 "$W/run/slowdns.pid" "${slow[@]}" \
	</dev/null >"$W/out/slowdns.log" 2>&1 &)
for i in $(seq 50); do [ -s "$W/run/slowdns.pid" ] && break; sleep 0.1; done
cat >"$W/policy.ini.in" <<'EOF'
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
dns_timeout = 2
EOF
[ -n "${AG_SELF:-}" ] && printf 'dkim = self\nspf = self\narc = self\n' >>"$W/policy.ini.in"
# The sealers are trusted in both modes: with arc = off they must vouch
# for nothing, in the module and in explain alike.
printf '[trusted]\narc_sealers = sealer.example, %s\n' "$(seq -s ', ' -f 's%g.example' 9)" >>"$W/policy.ini.in"
e2e_policy "$W/policy.ini.in"
e2e_exim

# send NAME FILE [rawsmtp options]: one message through Exim; sets
# R (the JSON result), CODE, STAGE and LINE (the module's log line, or
# "" when Exim answered before the module ran), and QUERIES (the DNS
# queries the message caused, from dnsmasq's log).
send() {
	local name=$1 file=$2 before qbefore
	shift 2
	before=$(wc -l <"$W/authgate.log")
	qbefore=$(wc -l <"$W/dns.log")
	R=$(e2e_ns "${RAW[@]}" --port "$AG_PORT" --data "$file" "$@" 2>"$W/out/$name.err")
	printf '%s\n' "$R" >"$W/out/$name.json"
	CODE=$(printf '%s' "$R" | jq -r '.code // 0')
	STAGE=$(printf '%s' "$R" | jq -r '.stage // "none"')
	sleep 0.2
	LINE=$(sed -n "$((before + 1)),\$p" "$W/authgate.log")
	QUERIES=$(sed -n "$((qbefore + 1)),\$p" "$W/dns.log" | grep -F 'query[')
}
# reply NAME STAGE CODE: the SMTP stage that answered and its code.
reply() {
	if [ "$STAGE" = "$2" ] && [ "$CODE" = "$3" ]; then
		ok "$1: $2 answered $3"
	else
		nok "$1: $STAGE answered $CODE, want $2 $3" "$(printf '%s' "$R" | cut -c1-300)"
	fi
}
# decision NAME JQ: the module's one log line passes the jq test.
decision() {
	if [ "$(printf '%s\n' "$LINE" | grep -c .)" = 1 ] && printf '%s' "$LINE" | jq -e "$2" >/dev/null 2>&1; then
		ok "$1: log $2"
	else
		nok "$1: log $2" "$(printf '%s' "$LINE" | cut -c1-600)"
	fi
}
# explain_agrees NAME FILE: `authgate explain` on FILE, under the same
# policy and DNS and for the client of the module's log line ($LINE),
# decides the action and class the module logged (its JSON in
# $W/out/NAME.explain).
explain_agrees() {
	local name=$1 file=$2 want got
	local args=(--json --policy "$W/policy.ini"
		--ip "$(printf '%s' "$LINE" | jq -r .facts.client.ip)"
		--mail-from "$(printf '%s' "$LINE" | jq -r .facts.mail_from)")
	want=$(printf '%s' "$LINE" | jq -r '"\(.decision.action) \(.decision.class)"')
	e2e_ns "$AG_BUILD/authgate" explain "${args[@]}" "$file" >"$W/out/$name.explain" 2>&1
	got=$(jq -r '"\(.decision.action) \(.decision.class)"' "$W/out/$name.explain" 2>/dev/null)
	[ -n "$LINE" ] && [ "$got" = "$want" ] && ok "$name: explain decides as the module did ($got)" ||
		nok "$name: explain decides $got, the module $want" "$(head -c 400 "$W/out/$name.explain")"
}
# queries NAME REGEX N: the message caused exactly N queries matching.
queries() {
	local got
	got=$(printf '%s\n' "$QUERIES" | grep -cE "$2")
	if [ "$got" = "$3" ]; then
		ok "$1: $3 queries for /$2/"
	else
		nok "$1: $got queries for /$2/, want $3" "$(printf '%s\n' "$QUERIES" | grep -E "$2" | head -20)"
	fi
}

# ---- DKIM signatures verified per message ----
# Ten signatures of ten domains without keys on a forged From: Exim
# verifies every one (ten key queries of its own); the module looks up
# four keys (LS_MAX_KEY_LOOKUPS; with dkim = self, DKIMV_MAX_VERIFY
# signatures verified) and logs the other six as unsupported, never
# verified. The reject stays a reject.
{
	for k in $(seq 10); do
		printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=k%d.nokey.example; s=s%d;\n' "$k" "$k"
		printf ' h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n b=dGVzdA==\n'
	done
	printf 'From: CEO <ceo@bank.example>\nTo: user@gw.test\nSubject: ten signatures\n\n'
} >"$M/sigs10.eml"
send sigs10 "$M/sigs10.eml" --mail-from x@bank.example
reply sigs10 dot 550
decision sigs10 '.decision.class == "dmarc.reject" and (.facts.dkim | length) == 10'
decision sigs10 '[.facts.dkim[].result] == ["key_missing", "key_missing", "key_missing", "key_missing", "unsupported", "unsupported", "unsupported", "unsupported", "unsupported", "unsupported"]'
queries sigs10 '_domainkey\.k[0-9]+\.nokey\.example' 14
queries "sigs10 (k5..k10: Exim's queries only)" '_domainkey\.k([5-9]|10)\.nokey\.example' 6
# Exim collects at most 19 signatures (DKIM_MAX_SIGNATURES, 20, in its
# dkim.c): from the 20th on it verifies none (EXCESS_SIGS in its log),
# so with Exim's verdicts such a message has no DKIM result at all. Own
# verification records FACTS_MAX_DKIM (64) and verifies four.
{
	for k in $(seq 70); do
		printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=m%d.nokey.example; s=s;\n' "$k"
		printf ' h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n b=dGVzdA==\n'
	done
	printf 'From: CEO <ceo@bank.example>\nTo: user@gw.test\nSubject: seventy signatures\n\n'
} >"$M/sigs70.eml"
send sigs70 "$M/sigs70.eml" --mail-from x@bank.example
reply sigs70 dot 550
if [ -n "${AG_SELF:-}" ]; then
	decision sigs70 '.decision.class == "dmarc.reject" and (.facts.dkim | length) == 64 and ([.facts.dkim[] | select(.result != "unsupported")] | length) == 4'
	queries "sigs70 (the module's 4, Exim's none)" '_domainkey\.m[0-9]+\.nokey\.example' 4
else
	decision sigs70 '.decision.class == "dmarc.reject" and (.facts.dkim | length) == 0'
	queries "sigs70 (Exim's none, the module's none)" '_domainkey\.m[0-9]+\.nokey\.example' 0
	grep -q 'DKIM: validation error: EXCESS_SIGS' "$W/log/mainlog" &&
		ok "sigs70: Exim's main log says it verified none" || nok "sigs70: Exim's main log" "$(grep DKIM "$W/log/mainlog" | tail -3)"
fi

# Sixty-four signatures with 240-byte d= and s= on mail that is tagged:
# the headers the module adds stay whole and in form (hdrcheck.py):
# Authentication-Results lists VERDICT_AUTHRES_MAX_DKIM (16) signatures, so
# it fits what Exim can add, and X-AuthGate names each class once, so its
# line stays under 998 bytes.
L240=$(head -c 240 /dev/zero | tr '\0' l)
{
	for k in $(seq 64); do
		printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=d%d.%s; s=s%d%s;\n' "$k" "$L240" "$k" "$L240"
		printf ' h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n b=dGVzdA==\n'
	done
	printf 'From: bob@nokey.example\nTo: user@gw.test\nSubject: long signatures\n\n'
} >"$M/sigs64long.eml"
send sigs64-long "$M/sigs64long.eml" --mail-from bob@nokey.example
reply sigs64-long dot 250
file=$(e2e_delivered "$(printf '%s' "$R" | jq -r .queue_id)")
tagged=""
[ "$(printf '%s' "$LINE" | jq -r .decision.action)" = tag ] && tagged=--tagged
if [ -n "$file" ] && "$PY" "$AG_ROOT/tests/e2e/hdrcheck.py" "$file" mx.gw.test $tagged >"$W/out/sigs64long.hdr" 2>&1; then
	ok "sigs64-long: the delivered header is whole and in form ($(printf '%s' "$LINE" | jq '.facts.dkim | length') signatures logged)"
else
	nok "sigs64-long: the delivered header" "$(cat "$W/out/sigs64long.hdr")"
fi

# ---- header size ----
# Exim's header_maxsize (1 MB) is the cap on the whole header: past it
# Exim answers 552 and the module never runs. Below it, a Subject over
# LS_HEADER_ADD_MAX (16 KB) on mail that gets tagged is left untagged and
# X-Spam-Flag marks it (Exim's header_add() ends the process past 32 KB);
# a 10 KB one is tagged. A 900 KB From is kept cut (4096 bytes) and
# judged from.invalid. More than 1000 header fields: module.t
# (1200-header-fields).
sig='DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=nokey.example; s=gone;
 h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;
 b=dGVzdA=='
big=$(head -c 900000 /dev/zero | tr '\0' s)
printf '%s\nFrom: bob@nokey.example\nTo: user@gw.test\nSubject: %s\n\n' "$sig" "$big" >"$M/bigsubject.eml"
send big-subject "$M/bigsubject.eml" --mail-from bob@nokey.example
reply big-subject dot 250
decision big-subject '.decision.action == "tag" and .decision.class == "dkim.key_missing"'
id=$(printf '%s' "$R" | jq -r .queue_id)
file=$(e2e_delivered "$id")
if [ -n "$file" ] && [ "$(sed '/^$/q' "$file" | grep -c '^Subject: ')" = 1 ] &&
	[ "$(sed '/^$/q' "$file" | grep '^Subject: s*$' | awk '{print length($0)}')" = 900009 ] &&
	sed '/^$/q' "$file" | grep -q '^X-Spam-Flag: YES$'; then
	ok "big-subject: delivered untagged, all 900000 bytes kept, X-Spam-Flag: YES"
else
	nok "big-subject: delivered Subject" "$( [ -n "$file" ] && sed '/^$/q' "$file" | cut -c1-120 || echo not delivered)"
fi
grep -q "Subject too long to tag" "$W/log/mainlog" && ok "big-subject: Exim's main log says why" || nok "big-subject: main log"
mid=$(head -c 10000 /dev/zero | tr '\0' m)
printf '%s\nFrom: bob@nokey.example\nTo: user@gw.test\nSubject: %s\n\n' "$sig" "$mid" >"$M/midsubject.eml"
send mid-subject "$M/midsubject.eml" --mail-from bob@nokey.example
reply mid-subject dot 250
file=$(e2e_delivered "$(printf '%s' "$R" | jq -r .queue_id)")
[ -n "$file" ] && sed '/^$/q' "$file" | grep -q "^Subject: \[SPAM\] m\{10000\}\$" &&
	ok "mid-subject: a 10 KB Subject is tagged once, whole" || nok "mid-subject: tagged Subject" "$( [ -n "$file" ] && sed '/^$/q' "$file" | cut -c1-120)"
printf 'From: <x@nokey.example>, %s@bank.example\nTo: user@gw.test\nSubject: big from\n\n' "$big" >"$M/bigfrom.eml"
send big-from "$M/bigfrom.eml" --mail-from bob@nokey.example
reply big-from dot 550
decision big-from '.decision.class == "from.multiple" and (.facts.from[0] | length) < 4096 and (.facts.from[0] | startswith("x@nokey.example, x@bank.example"))'
printf 'From: bob@nokey.example\nTo: user@gw.test\nSubject: %s%s\n\n' "$big" "$(head -c 200000 /dev/zero | tr '\0' s)" >"$M/hugeheader.eml"
send header-over-1mb "$M/hugeheader.eml" --mail-from bob@nokey.example
reply header-over-1mb dot 552
[ -z "$LINE" ] && ok "header-over-1mb: Exim answered; the module did not run" || nok "header-over-1mb: the module logged" "$(printf '%s' "$LINE" | cut -c1-200)"

# ---- ARC: instances (RFC 8617's 50) and distinct keys fetched (8) ----
# A forged-looking message (SPF fails for orig.example, p=reject) that
# trusted list hops forwarded, each recording dmarc=pass and sealing:
# with arc = self an intact chain lets the newest trusted sealer vouch;
# past either limit the chain fails and the reject stands. Without arc =
# self no chain counts (the reject stands throughout). explain, given
# the policy and the client, decides as the module did and (arc = self)
# says why the chain failed, or (arc = off) that ARC was not checked.
e2e_msg "$M/orig.eml" "Alice <alice@orig.example>" "via many lists"
arc_case() { # NAME SEALERS HOPS [--extra] CODE-WITH-ARC REASON-REGEX
	local name=$1 sealers=$2 hops=$3 extra="" want reason
	shift 3
	[ "$1" = --extra ] && { extra=--extra; shift; }
	want=$1 reason=${2:-}
	"$PY" "$AG_ROOT/tests/e2e/arcchain.py" "$M/orig.eml" "$M/$name.eml" "$K/seal.key" arc "$sealers" "$hops" $extra ||
		e2e_die "arcchain.py $name failed"
	send "$name" "$M/$name.eml" --mail-from x@orig.example
	if [ -n "${AG_SELF:-}" ]; then
		reply "$name" dot "$want"
		if [ "$want" = 250 ]; then
			decision "$name" '.facts.arc.result == "pass" and .decision.action == "accept" and (.decision.findings[] | select(.class == "dmarc.reject") | .waived) != null'
		else
			decision "$name" '.facts.arc.result == "fail" and .decision.class == "dmarc.reject"'
		fi
	else
		reply "$name" dot 550
		decision "$name" '.facts.arc.result == "none" and .decision.class == "dmarc.reject"'
	fi
	explain_agrees "$name" "$M/$name.eml"
	[ -n "$reason" ] || return 0
	if [ -z "${AG_SELF:-}" ]; then
		jq -e '(.arc_reason | startswith("arc = off")) and (.not_checked | index("arc")) != null' "$W/out/$name.explain" >/dev/null 2>&1 &&
			ok "$name: explain says ARC was not checked (arc = off)" ||
			nok "$name: explain under arc = off" "$(jq -c '{arc_reason, not_checked}' "$W/out/$name.explain" 2>&1 | head -c 400)"
	elif jq -e --arg re "$reason" '.arc_reason | test($re)' "$W/out/$name.explain" >/dev/null 2>&1; then
		ok "$name: explain says: $(jq -r .arc_reason "$W/out/$name.explain")"
	else
		nok "$name: explain's ARC reason, want /$reason/" "$(head -c 400 "$W/out/$name.explain")"
	fi
}
arc_case arc50 sealer.example 50 250
decision arc50 '(.facts.arc.instances | length) == 50 or (.facts.arc.result == "none")'
arc_case arc51 sealer.example 50 --extra 550 'more than 150 ARC header fields|outside 1\.\.50'
arc_case arc-keys8 "$(seq -s, -f 's%g.example' 8)" 8 250
queries "arc-keys8" 'arc\._domainkey\.s[0-9]\.example' "$([ -n "${AG_SELF:-}" ] && echo 8 || echo 0)"
arc_case arc-keys9 "$(seq -s, -f 's%g.example' 9)" 9 550 'more than 8 keys'
queries "arc-keys9 (the ninth key is never fetched)" 'arc\._domainkey\.s[0-9]\.example' "$([ -n "${AG_SELF:-}" ] && echo 8 || echo 0)"

# ---- the time budget ----
# With spf = self, libspf2's queries share the message's 20 s DNS budget
# (LS_DNS_BUDGET): an SPF check that needs 25 s of lookups is cut at the
# budget, a temperror, and the message is answered in about 20 s, far
# below local_scan_timeout (60 s in the example), instead of after 25 s.
# (Exim's own SPF check at MAIL FROM takes its 25 s first.) With Exim's
# verdicts the module makes at most 7 queries of dns_timeout each.
if [ -n "${AG_SELF:-}" ]; then
	e2e_msg "$M/spfslow.eml" "a@spfslow.example" "slow spf"
	send spf-budget "$M/spfslow.eml" --mail-from a@spfslow.example
	reply spf-budget dot 451
	decision spf-budget '.facts.spf.result == "temperror"'
	secs=$(printf '%s' "$R" | jq -r .waited.dot)
	if awk -v s="$secs" 'BEGIN { exit !(s >= 18 && s < 23) }'; then
		ok "spf-budget: the module answered in $secs s (the budget is 20 s)"
	else
		nok "spf-budget: the module answered in $secs s, want the 20 s budget" "$R"
	fi
fi

# ---- message size ----
# A message just under Exim's 50 MB message_size_limit, signed: the
# decision, the time, and the receiving process's memory. With dkim and
# arc = self the module reads the body from the spool file mapped, not
# copied (LS_MAX_MESSAGE, 64 MB, caps what it verifies itself), so the
# process's own (anonymous) memory stays far below the message's size;
# the mapped file's pages are the page cache Exim just wrote.
"$PY" - "$M/big.in" <<'PYEOF'
import sys
line = b"The quick brown fox jumps over the lazy dog, 0123456789 ABCDEFGHIJ abcdefghij\n"
with open(sys.argv[1], "wb") as f:
    f.write(b"From: Alice <alice@signer.example>\nTo: user@gw.test\nSubject: fifty megabytes\n\n")
    f.write(line * ((50 * 1000 * 1000) // len(line)))
PYEOF
e2e_sign "$M/big.in" "$M/big.eml" sel1 signer.example sel1
rm -f "$M/big.in"
send big50 "$M/big.eml" --rss-of "$W/run/exim.pid"
reply big50 dot 250
decision big50 '.decision.action == "accept" and .facts.dkim[0].result == "pass"'
secs=$(printf '%s' "$R" | jq -r .waited.dot)
total=$(printf '%s' "$R" | jq -r .seconds)
anon=$(printf '%s' "$R" | jq -r .anon_kb)
rss=$(printf '%s' "$R" | jq -r .rss_kb)
if awk -v s="$secs" 'BEGIN { exit !(s < 10) }'; then
	ok "big50: the end of DATA answered in $secs s ($total s for the whole session)"
else
	nok "big50: the end of DATA took $secs s"
fi
if [ -n "${AG_SANITIZE:-}" ]; then
	# AddressSanitizer's shadow memory and quarantine are not the module's.
	echo "ok $((n += 1)) - big50: own memory $anon KB # SKIP under AddressSanitizer"
elif [ "$anon" -gt 0 ] && [ "$anon" -lt 25600 ]; then
	ok "big50: the receiving Exim's own memory peaked at $anon KB (peak RSS with mapped files $rss KB)"
else
	nok "big50: the receiving Exim's own memory peaked at $anon KB, want under 25 MB" "$R"
fi
rm -f "$M/big.eml"

# Every log line is one line of valid JSON.
if [ "$(jq -c . "$W/authgate.log" 2>/dev/null | wc -l)" = "$(wc -l <"$W/authgate.log")" ]; then
	ok "log: $(wc -l <"$W/authgate.log") lines, each one valid JSON object"
else
	nok "log: not one JSON object per line"
fi
tap_done
