#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: ARC replay and the reading of ARC-Authentication-Results
# (issue 15, items 5 and 6), through the real Exim with the module. With
# `arc = self` and `[trusted] arc_sealers = lists.example`, a trusted
# sealer's recorded dmarc=pass waives a DMARC failure only when no
# untrusted hop sealed after it, and only for the From domain its AAR
# named (header.from, in canonical form); the AAR is read as RFC 8601
# says, so a dmarc=pass in a comment, a quoted string or a reason is text.
# Every chain is made by real signers: python3-dkim's arc_sign
# (tests/e2e/arcreplay.py) and dkimsign, with keys from dknewkey served
# by the test dnsmasq; each attack chain is first checked with
# python3-dkim's arc_verify, then sent raw (rawsmtp.py). Cases: the
# replay of a list's ARC set under the attacker's own newer seal (the
# list having recorded the attacker's own author, or a real bank.example
# post), under one or two trusted hops, and alone; a trusted newest seal
# whose AAR names another author; AAR text that only a split on ';'
# reads as a pass; legitimate list mail; the temperror path both ways
# (the attacker's own slow key, on its seal or only on the newest
# ARC-Message-Signature under a seal forged in the list's name: 550; the
# trusted sealer's own: 451); a seal d= with a final dot or in capitals.
# Runs with Exim's verdicts (authgate.so, arc = off: no chain vouches,
# list mail is judged on DMARC alone) and with AG_SELF=1
# AG_MODULE=authgate-verify.so (dkim, spf, arc = self). TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup arcreplay
W=$AG_WORK
K=$W/keys
M=$W/msgs
PY=/usr/bin/python3
ARC=("$PY" "$AG_ROOT/tests/e2e/arcreplay.py")
RAW=("$PY" "$AG_ROOT/tests/e2e/rawsmtp.py")
SELF=${AG_SELF:-}

# bank, bucher: the authors' DKIM keys; atk: the attacker's DKIM key;
# list: the list host's ARC key (lists.example and its hosts); atkseal:
# the attacker's ARC key; fwd: an outside forwarder's ARC key.
for k in bank bucher atk list atkseal fwd; do e2e_key "$k"; done
e2e_dns \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="bank._domainkey.bank.example,$(cat "$K/bank.dns")" \
	--txt-record="_dmarc.xn--bcher-kva.example,v=DMARC1; p=reject" \
	--txt-record="bank._domainkey.xn--bcher-kva.example,$(cat "$K/bucher.dns")" \
	--txt-record="_dmarc.other.example,v=DMARC1; p=reject" \
	--txt-record="_dmarc.attacker.example,v=DMARC1; p=reject" \
	--txt-record="attacker.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="atk._domainkey.attacker.example,$(cat "$K/atk.dns")" \
	--txt-record="arc._domainkey.attacker.example,$(cat "$K/atkseal.dns")" \
	--txt-record="arc._domainkey.lists.example.attacker.example,$(cat "$K/atkseal.dns")" \
	--txt-record="arc._domainkey.xlists.example,$(cat "$K/atkseal.dns")" \
	--txt-record="lists.example,v=spf1 ip4:198.51.100.25 -all" \
	--txt-record="arc._domainkey.lists.example,$(cat "$K/list.dns")" \
	--txt-record="arc._domainkey.mx2.lists.example,$(cat "$K/list.dns")" \
	--txt-record="arc._domainkey.fwd.example,$(cat "$K/fwd.dns")" \
	--server=/_domainkey.slowatk.example/127.0.0.11 \
	--server=/_domainkey.slow.lists.example/127.0.0.11
cat >"$W/policy.tmpl" <<'EOF'
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
dns_timeout = 2

[trusted]
arc_sealers = lists.example
EOF
[ -n "$SELF" ] &&
	sed -i 's/^dns_timeout = 2$/&\ndkim = self\nspf = self\narc = self/' "$W/policy.tmpl"
e2e_policy "$W/policy.tmpl"
e2e_exim

# ---- helpers ----
# message FILE FROM SUBJECT: a plain message.
message() {
	printf 'From: %s\nTo: user@gw.test\nSubject: %s\nDate: Mon, 23 Nov 2026 10:00:00 +0000\nMessage-ID: <%s@arcreplay>\nMIME-Version: 1.0\nContent-Type: text/plain\n\n%b\n' \
		"$2" "$3" "$(basename "$1")" "Hello,\nthis is $(basename "$1")." >"$1"
}
# hop IN OUT DOMAIN KEY RESULTS [arcreplay.py seal options]: a hop that
# records RESULTS under the authserv-id mx.DOMAIN (lower case) and seals
# as DOMAIN with selector arc.
hop() {
	local in=$1 out=$2 dom=$3 key=$4 res=$5 id
	shift 5
	id=mx.$(printf '%s' "${dom%.}" | tr '[:upper:]' '[:lower:]')
	"${ARC[@]}" seal "$in" "$out" "$dom" arc "$K/$key.key" "$id" "$res" "$@" 2>"$out.err" ||
		e2e_die "sealing $(basename "$out") as $dom: $(cat "$out.err")"
}
# list IN OUT RESULTS [DOMAIN [KEY]]: the list host adds its footer, records
# RESULTS and seals (as lists.example unless DOMAIN).
FOOTER='-- 
lists.example: to unsubscribe, write to lists-request@lists.example'
list() {
	hop "$1" "$2" "${4:-lists.example}" "${5:-list}" "$3" --footer "$FOOTER"
}
# pyverify NAME FILE WANT: python3-dkim's arc_verify says WANT (pass or fail).
pyverify() {
	local got
	got=$(e2e_ns "${ARC[@]}" verify "$2" 2>"$W/out/$1.pyverify")
	if [ "${got%% *}" = "$3" ]; then
		ok "$1: python3-dkim's arc_verify says $3"
	else
		nok "$1: python3-dkim's arc_verify says ${got:-nothing}, want $3" "$(tail -3 "$W/out/$1.pyverify")"
	fi
}
# send NAME FILE FROM-LIST|FROM-ATTACKER: sends FILE as the list host
# (198.51.100.25, bounces to lists.example) or as the attacker
# (203.0.113.7, x@attacker.example); sets CODE and LINE (the log line).
send() {
	local name=$1 file=$2 before src mfrom helo
	case $3 in
	list) src=198.51.100.25 mfrom=bounce@lists.example helo=lists.example ;;
	*) src=203.0.113.7 mfrom=x@attacker.example helo=mx.attacker.example ;;
	esac
	before=$(wc -l <"$W/authgate.log")
	R=$(e2e_ns "${RAW[@]}" --port "$AG_PORT" --source "$src" --helo "$helo" \
		--mail-from "$mfrom" --data "$file" 2>"$W/out/$name.err")
	CODE=$(printf '%s' "$R" | jq -r '.code' 2>/dev/null)
	LINE=""
	for _ in $(seq 30); do
		LINE=$(sed -n "$((before + 1)),\$p" "$W/authgate.log")
		[ -n "$LINE" ] && break
		sleep 0.1
	done
}
# expect NAME SELF-CODE DEFAULT-CODE SELF-JQ: the reply to the message and
# its log line, in the mode this run is in. With Exim's verdicts (arc =
# off) no chain is looked at: a 550 is the From domain's dmarc.reject.
expect() {
	local name=$1 code jq
	if [ -n "$SELF" ]; then
		code=$2 jq=$4
	else
		code=$3 jq='.facts.arc.result == "none" and (.decision.dmarc | has("arc_sealer") | not)'
		[ "$code" = 550 ] && jq="$jq"' and .decision.class == "dmarc.reject"'
	fi
	if [ "$CODE" = "$code" ] && printf '%s' "$LINE" | jq -e "$jq" >/dev/null 2>&1; then
		ok "$name: $code, $jq"
	else
		nok "$name: want $code and $jq" "code $CODE: $(printf '%s' "$LINE" | jq -c '{decision: .decision | {action, class, rule, dmarc}, arc: .facts.arc}' 2>/dev/null || printf '%s' "$LINE" | cut -c1-800)"
	fi
}
# The judgements a case expects (self mode).
REJECT='.decision.class == "dmarc.reject" and .decision.action == "reject" and (.decision.dmarc | has("arc_sealer") | not)'
VOUCHED='.decision.action == "accept" and .decision.class == "none" and .decision.dmarc.arc_sealer == "lists.example" and .facts.arc.result == "pass"'
HELD='.decision.class == "dmarc.temperror" and .decision.action == "tempfail" and .facts.arc.result == "temperror"'
# instances I:SEALER:HEADER_FROM...: the log's instances, in order
# (HEADER_FROM "-" where the AAR recorded no dmarc result).
instances() {
	local want
	want=$(printf '"%s",' "$@")
	printf '([.facts.arc.instances[] | "\\(.i):\\(.sealer):\\(.header_from // "-")"] == [%s])' "${want%,}"
}

# ---- the posts and what the list makes of them ----
# The attacker's own post: From attacker.example, signed by it, passing
# DMARC; the list records that and seals (this is every subscriber's
# copy, the attacker's included).
message "$M/atk-post.in" "X <x@attacker.example>" "hello list"
e2e_sign "$M/atk-post.in" "$M/atk-post.eml" atk attacker.example atk
LIST_ATK='dkim=pass header.d=attacker.example; spf=pass smtp.mailfrom=attacker.example; dmarc=pass header.from=attacker.example'
list "$M/atk-post.eml" "$M/atk-listed.eml" "$LIST_ATK"
# A real bank.example post to the same list (the attacker, a subscriber,
# receives it too).
message "$M/bank-post.in" "Bank <news@bank.example>" "bank newsletter"
e2e_sign "$M/bank-post.in" "$M/bank-post.eml" bank bank.example bank
LIST_BANK='dkim=pass header.d=bank.example; spf=pass smtp.mailfrom=bank.example; dmarc=pass header.from=bank.example'
list "$M/bank-post.eml" "$M/bank-listed.eml" "$LIST_BANK"
# The forged message: From ceo@bank.example (p=reject), DKIM-signed by
# the attacker's own domain.
message "$M/forged.in" "CEO <ceo@bank.example>" "urgent transfer"
e2e_sign "$M/forged.in" "$M/forged.eml" atk attacker.example atk

# ---- 4. legitimate list mail ----
pyverify atk-listed "$M/atk-listed.eml" pass
send atk-listed "$M/atk-listed.eml" list
expect atk-listed 250 550 "$VOUCHED and $(instances 1:lists.example:attacker.example) and .facts.dkim[0].result == \"body_modified\""
pyverify bank-listed "$M/bank-listed.eml" pass
send bank-listed "$M/bank-listed.eml" list
expect bank-listed 250 550 "$VOUCHED and $(instances 1:lists.example:bank.example) and .facts.dkim[0].result == \"body_modified\" and .facts.spf.result == \"pass\""
# A second host of the list (trusted: a subdomain of lists.example)
# seals after it, recording what it saw (the footer broke DKIM).
hop "$M/bank-listed.eml" "$M/bank-listed-mx2.eml" mx2.lists.example list \
	'arc=pass; dkim=fail header.d=bank.example; spf=pass smtp.mailfrom=lists.example; dmarc=fail header.from=bank.example'
pyverify bank-listed-mx2 "$M/bank-listed-mx2.eml" pass
send bank-listed-mx2 "$M/bank-listed-mx2.eml" list
expect bank-listed-mx2 250 550 "$VOUCHED and $(instances 1:lists.example:bank.example 2:mx2.lists.example:bank.example) and .facts.arc.instances[1].dmarc == \"fail\""
# The author domain in U-labels, the AAR in A-labels (and the reverse
# spelling of the From): one author.
message "$M/bucher-post.in" "$(printf 'Shop <news@b\xc3\xbccher.example>')" "bucher newsletter"
e2e_sign "$M/bucher-post.in" "$M/bucher-post.eml" bank xn--bcher-kva.example bucher
list "$M/bucher-post.eml" "$M/bucher-listed.eml" 'dkim=pass header.d=xn--bcher-kva.example; dmarc=pass header.from=xn--bcher-kva.example'
send bucher-listed "$M/bucher-listed.eml" list
expect bucher-listed 250 550 "$VOUCHED and $(instances 1:lists.example:xn--bcher-kva.example)"
message "$M/bucher2-post.in" "Shop <news@XN--BCHER-KVA.example>" "bucher newsletter"
e2e_sign "$M/bucher2-post.in" "$M/bucher2-post.eml" bank xn--bcher-kva.example bucher
list "$M/bucher2-post.eml" "$M/bucher2-listed.eml" 'dkim=pass header.d=xn--bcher-kva.example; dmarc=pass header.from=Xn--Bcher-Kva.Example'
send bucher2-listed "$M/bucher2-listed.eml" list
expect bucher2-listed 250 550 "$VOUCHED"

# ---- 1. the replay ----
# replay NAME SETS SEALER-RESULTS [SEAL-DOMAIN]: the ARC sets of SETS put on
# the forged message, and one more hop sealed by the attacker.
replay() {
	"${ARC[@]}" transplant "$2" "$M/forged.eml" "$M/$1.sets" || e2e_die "transplant $1"
	hop "$M/$1.sets" "$M/$1.eml" "${4:-attacker.example}" atkseal "$3"
}
# The issue's example: the list recorded the attacker's own author; the
# attacker seals i=2, recording nothing but the chain, or claiming a
# DMARC pass for bank.example.
replay replay-own-post "$M/atk-listed.eml" 'arc=pass'
pyverify replay-own-post "$M/replay-own-post.eml" pass
send replay-own-post "$M/replay-own-post.eml" attacker
expect replay-own-post 550 550 "$REJECT and .facts.arc.result == \"pass\" and $(instances 1:lists.example:attacker.example 2:attacker.example:-)"
replay replay-own-post-claim "$M/atk-listed.eml" 'arc=pass; dmarc=pass header.from=bank.example'
pyverify replay-own-post-claim "$M/replay-own-post-claim.eml" pass
send replay-own-post-claim "$M/replay-own-post-claim.eml" attacker
expect replay-own-post-claim 550 550 "$REJECT and .facts.arc.result == \"pass\" and $(instances 1:lists.example:attacker.example 2:attacker.example:bank.example)"
# The list's set of a real bank.example post: the list's AAR names the
# forged From's own domain, and only the newest-hop rule stands between.
replay replay-bank-post "$M/bank-listed.eml" 'arc=pass'
pyverify replay-bank-post "$M/replay-bank-post.eml" pass
send replay-bank-post "$M/replay-bank-post.eml" attacker
expect replay-bank-post 550 550 "$REJECT and .facts.arc.result == \"pass\" and $(instances 1:lists.example:bank.example 2:attacker.example:-)"
replay replay-bank-post-claim "$M/bank-listed.eml" 'arc=pass; spf=pass smtp.mailfrom=bank.example; dmarc=pass header.from=bank.example'
pyverify replay-bank-post-claim "$M/replay-bank-post-claim.eml" pass
send replay-bank-post-claim "$M/replay-bank-post-claim.eml" attacker
expect replay-bank-post-claim 550 550 "$REJECT and .facts.arc.result == \"pass\" and $(instances 1:lists.example:bank.example 2:attacker.example:bank.example)"
# The trusted set at i=2 (after an outside forwarder's, or the attacker's
# own, i=1), replayed under the attacker's i=3.
hop "$M/bank-post.eml" "$M/bank-fwd.eml" fwd.example fwd 'dkim=pass header.d=bank.example; dmarc=pass header.from=bank.example'
list "$M/bank-fwd.eml" "$M/bank-fwd-listed.eml" "arc=pass; $LIST_BANK"
pyverify bank-fwd-listed "$M/bank-fwd-listed.eml" pass
send bank-fwd-listed "$M/bank-fwd-listed.eml" list
expect bank-fwd-listed 250 550 "$VOUCHED and $(instances 1:fwd.example:bank.example 2:lists.example:bank.example)"
replay replay-i2-bank "$M/bank-fwd-listed.eml" 'arc=pass; dmarc=pass header.from=bank.example'
pyverify replay-i2-bank "$M/replay-i2-bank.eml" pass
send replay-i2-bank "$M/replay-i2-bank.eml" attacker
expect replay-i2-bank 550 550 "$REJECT and .facts.arc.result == \"pass\" and $(instances 1:fwd.example:bank.example 2:lists.example:bank.example 3:attacker.example:bank.example)"
hop "$M/atk-post.eml" "$M/atk-self.eml" attacker.example atkseal 'dkim=pass header.d=attacker.example; dmarc=pass header.from=attacker.example'
list "$M/atk-self.eml" "$M/atk-self-listed.eml" "arc=pass; $LIST_ATK"
replay replay-i2-own "$M/atk-self-listed.eml" 'arc=pass'
pyverify replay-i2-own "$M/replay-i2-own.eml" pass
send replay-i2-own "$M/replay-i2-own.eml" attacker
expect replay-i2-own 550 550 "$REJECT and .facts.arc.result == \"pass\" and $(instances 1:attacker.example:attacker.example 2:lists.example:attacker.example 3:attacker.example:-)"
# Two trusted sets (the list and its second host), then the attacker's.
hop "$M/bank-listed.eml" "$M/bank-listed-2.eml" mx2.lists.example list "arc=pass; $LIST_BANK"
replay replay-two-trusted "$M/bank-listed-2.eml" 'arc=pass; dmarc=pass header.from=bank.example'
pyverify replay-two-trusted "$M/replay-two-trusted.eml" pass
send replay-two-trusted "$M/replay-two-trusted.eml" attacker
expect replay-two-trusted 550 550 "$REJECT and .facts.arc.result == \"pass\" and $(instances 1:lists.example:bank.example 2:mx2.lists.example:bank.example 3:attacker.example:bank.example)"
# The replayed set alone, no new seal: the newest AMS signed another
# message, so the chain fails; also with the bank post's own header
# fields kept and only the body replaced.
for src in atk-listed bank-listed bank-listed-2; do
	"${ARC[@]}" transplant "$M/$src.eml" "$M/forged.eml" "$M/alone-$src.eml" || e2e_die "transplant alone-$src"
	pyverify "replay-alone-$src" "$M/alone-$src.eml" fail
	send "replay-alone-$src" "$M/alone-$src.eml" attacker
	expect "replay-alone-$src" 550 550 "$REJECT and .facts.arc.result == \"fail\""
done
sed '/^$/q' "$M/bank-listed.eml" >"$M/alone-newbody.eml"
printf 'Please wire the money today.\n' >>"$M/alone-newbody.eml"
pyverify replay-alone-new-body "$M/alone-newbody.eml" fail
send replay-alone-new-body "$M/alone-newbody.eml" attacker
expect replay-alone-new-body 550 550 "$REJECT and .facts.arc.result == \"fail\""
# The attacker's own seal over a fresh forgery, claiming to be the list:
# the AAR's authserv-id says lists.example, the seal's d= is the
# attacker's, or a name that only contains lists.example.
for v in 'aar-id-lists:attacker.example:lists.example' 'sealer-suffix:lists.example.attacker.example:' 'sealer-prefix:xlists.example:'; do
	name=${v%%:*} rest=${v#*:}
	dom=${rest%%:*} id=${rest#*:}
	"${ARC[@]}" seal "$M/forged.eml" "$M/$name.eml" "$dom" arc "$K/atkseal.key" "${id:-mx.$dom}" \
		'dkim=pass header.d=bank.example; spf=pass smtp.mailfrom=bank.example; dmarc=pass header.from=bank.example' 2>"$W/out/$name.seal" ||
		e2e_die "seal $name: $(cat "$W/out/$name.seal")"
	pyverify "$name" "$M/$name.eml" pass
	send "$name" "$M/$name.eml" attacker
	expect "$name" 550 550 "$REJECT and .facts.arc.result == \"pass\" and $(instances "1:$dom:bank.example")"
done

# ---- 2. the trusted newest sealer vouches only for the author it named ----
# (the bank post through the list: SPF of the list, DKIM broken by the
# footer; only a vouching ARC saves it)
hfcase() { # hfcase NAME WANT-SELF RESULTS HEADER_FROM-LOGGED
	list "$M/bank-post.eml" "$M/hf-$1.eml" "$3"
	send "hf-$1" "$M/hf-$1.eml" list
	if [ "$2" = 250 ]; then
		expect "hf-$1" 250 550 "$VOUCHED and $(instances "1:lists.example:$4")"
	else
		expect "hf-$1" 550 550 "$REJECT and .facts.arc.result == \"pass\" and $(instances "1:lists.example:$4")"
	fi
}
hfcase other-author 550 'dkim=pass header.d=bank.example; dmarc=pass header.from=other.example' other.example
hfcase attacker-author 550 'dmarc=pass header.from=attacker.example' attacker.example
hfcase subdomain 550 'dmarc=pass header.from=mail.bank.example' mail.bank.example
hfcase parent 550 'dmarc=pass header.from=example' example
hfcase suffix 550 'dmarc=pass header.from=bank.example.attacker.example' bank.example.attacker.example
hfcase mailbox 550 'dmarc=pass header.from=news@bank.example' news@bank.example
hfcase no-header-from 550 'dkim=pass header.d=bank.example; dmarc=pass' ''
hfcase empty 550 'dmarc=pass header.from=""' ''
hfcase other-ptype 550 'dmarc=pass smtp.mailfrom=bank.example' ''
hfcase capitals 250 'dmarc=pass header.from=BANK.EXAMPLE' BANK.EXAMPLE
hfcase mixed-case 250 'dmarc=pass header.from=Bank.Example' Bank.Example
hfcase quoted 250 'dmarc=pass header.from="bank.example"' bank.example
hfcase comments 250 'dmarc=pass (p=reject) header.from=bank.example (the author)' bank.example

# ---- 3. the AAR read as RFC 8601 (the trusted list newest) ----
aarcase() { # aarcase NAME WANT-SELF RESULTS [--lenient]
	hop "$M/bank-post.eml" "$M/aar-$1.eml" lists.example list "$3" --footer "$FOOTER" ${4:+"$4"}
	send "aar-$1" "$M/aar-$1.eml" list
	if [ "$2" = 250 ]; then
		expect "aar-$1" 250 550 "$VOUCHED"
	else
		expect "aar-$1" 550 550 "$REJECT and .facts.arc.result == \"pass\" and .facts.arc.instances[0].dmarc != \"pass\""
	fi
}
aarcase semicolon-in-comment 550 'dkim=pass header.d=bank.example; dmarc=fail (;dmarc=pass) header.from=bank.example'
aarcase pass-only-in-comment 550 'spf=pass smtp.mailfrom=lists.example (dmarc=pass header.from=bank.example)'
aarcase none-with-comment 550 'none (dmarc=pass header.from=bank.example)'
aarcase nested-comment 550 'dmarc=fail ((;dmarc=pass header.from=bank.example)) header.from=bank.example'
aarcase escaped-paren 550 'dmarc=fail (\) ;dmarc=pass header.from=bank.example) header.from=bank.example'
aarcase quoted-local-part 550 'spf=pass smtp.mailfrom="a;dmarc=pass header.from=bank.example"@attacker.example'
aarcase quoted-header-from 550 'dmarc=fail header.from="bank.example;dmarc=pass"'
aarcase quoted-reason 550 'dmarc=fail reason=";dmarc=pass header.from=bank.example" header.from=bank.example'
aarcase pass-then-fail 550 'dmarc=pass header.from=bank.example; dmarc=fail header.from=bank.example'
aarcase fail-then-pass 550 'dmarc=fail header.from=bank.example; dmarc=pass header.from=bank.example'
aarcase two-authors 550 'dmarc=pass header.from=other.example; dmarc=pass header.from=bank.example'
aarcase unterminated-comment 550 'dmarc=fail (unterminated ;dmarc=pass header.from=bank.example' --lenient
aarcase malformed-after-pass 550 'dmarc=pass header.from=bank.example; ((' --lenient
# A ';' in a comment or reason next to a real pass breaks nothing.
aarcase semicolons-around-pass 250 'dmarc=pass (;comment; with ; semicolons) header.from=bank.example'
aarcase semicolon-in-reason 250 'dmarc=pass reason="a;b" header.from=bank.example'
aarcase pass-twice 250 'dmarc=pass header.from=bank.example; dmarc=pass header.from=BANK.example'

# ---- 5. the temperror path ----
# The attacker's own newest seal's key times out: its hop is untrusted,
# so the list's older pass vouches for nothing: 550, never 451. The
# list's instance, with a newer seal not verified, is logged with no
# sealer.
replay slow-replay-bank "$M/bank-listed.eml" 'arc=pass; dmarc=pass header.from=bank.example' slowatk.example
send slow-replay-bank "$M/slow-replay-bank.eml" attacker
expect slow-replay-bank 550 550 "$REJECT and .facts.arc.result == \"temperror\" and $(instances 1::bank.example 2:slowatk.example:bank.example)"
replay slow-replay-own "$M/atk-listed.eml" 'arc=pass' slowatk.example
send slow-replay-own "$M/slow-replay-own.eml" attacker
expect slow-replay-own 550 550 "$REJECT and .facts.arc.result == \"temperror\""
"${ARC[@]}" seal "$M/forged.eml" "$M/slow-fresh.eml" slowatk.example arc "$K/atkseal.key" mx.slowatk.example 'dmarc=pass header.from=bank.example' ||
	e2e_die "seal slow-fresh"
send slow-fresh "$M/slow-fresh.eml" attacker
expect slow-fresh 550 550 "$REJECT and .facts.arc.result == \"temperror\""
# The attacker's slow key on the newest ARC-Message-Signature only, under
# an ARC-Seal that claims to be the list's (its d= rewritten to
# lists.example: a seal that cannot verify): the chain fails, whatever
# the attacker's key does, so no trusted sealer is "not yet checked".
claim_list() { # claim_list FILE I: the ARC-Seal i=I names d=lists.example
	awk -v i="$2" '/^ARC-Seal: / {seal = ($0 ~ ("^ARC-Seal: i=" i ";"))} /^[^ \t]/ && !/^ARC-Seal: / {seal = 0}
		seal {sub(/d=slowatk\.example;/, "d=lists.example;")} {print}' "$1" >"$1.claim" && mv "$1.claim" "$1"
	grep -q "^ARC-Seal: i=$2;.*d=lists\.example;" "$1" || e2e_die "claim_list: no d= rewritten in $1"
}
"${ARC[@]}" seal "$M/forged.eml" "$M/slow-ams-fresh.eml" slowatk.example arc "$K/atkseal.key" lists.example \
	'dkim=pass header.d=bank.example; dmarc=pass header.from=bank.example' || e2e_die "seal slow-ams-fresh"
claim_list "$M/slow-ams-fresh.eml" 1
send slow-ams-fresh "$M/slow-ams-fresh.eml" attacker
expect slow-ams-fresh 550 550 "$REJECT and .facts.arc.result == \"fail\" and $(instances 1:lists.example:bank.example)"
replay slow-ams-replay "$M/bank-listed.eml" 'arc=pass; dmarc=pass header.from=bank.example' slowatk.example
claim_list "$M/slow-ams-replay.eml" 2
send slow-ams-replay "$M/slow-ams-replay.eml" attacker
expect slow-ams-replay 550 550 "$REJECT and .facts.arc.result == \"fail\" and $(instances 1:lists.example:bank.example 2:lists.example:bank.example)"
# A trusted newest seal whose key times out, over the message whose From
# it recorded: held (451) as before; over another author, or a pass only
# in a comment: 550.
list "$M/bank-post.eml" "$M/slow-trusted.eml" "$LIST_BANK" slow.lists.example
send slow-trusted "$M/slow-trusted.eml" list
expect slow-trusted 451 550 "$HELD and $(instances 1:slow.lists.example:bank.example)"
list "$M/bank-post.eml" "$M/slow-trusted-other.eml" 'dmarc=pass header.from=other.example' slow.lists.example
send slow-trusted-other "$M/slow-trusted-other.eml" list
expect slow-trusted-other 550 550 "$REJECT and .facts.arc.result == \"temperror\""
list "$M/bank-post.eml" "$M/slow-trusted-comment.eml" 'dmarc=fail (;dmarc=pass) header.from=bank.example' slow.lists.example
send slow-trusted-comment "$M/slow-trusted-comment.eml" list
expect slow-trusted-comment 550 550 "$REJECT and .facts.arc.result == \"temperror\""
# The trusted list newest, an older untrusted hop's key timing out: the
# list vouches, the chain cannot be finished: held.
hop "$M/bank-post.eml" "$M/slow-fwd.eml" slowatk.example atkseal 'dkim=pass header.d=bank.example; dmarc=pass header.from=bank.example'
list "$M/slow-fwd.eml" "$M/slow-fwd-listed.eml" "arc=pass; $LIST_BANK"
send slow-older-untrusted "$M/slow-fwd-listed.eml" list
expect slow-older-untrusted 451 550 "$HELD and $(instances 1:slowatk.example:bank.example 2:lists.example:bank.example)"

# ---- 6. the seal's d= spelled otherwise ----
# A final dot: no plain domain, so no sealer and a malformed seal (the
# chain fails; python3-dkim signs it, and fails it too: dnspython
# refuses the key name it makes, with an empty label).
list "$M/bank-post.eml" "$M/sealer-final-dot.eml" "$LIST_BANK" lists.example.
pyverify sealer-final-dot "$M/sealer-final-dot.eml" fail
send sealer-final-dot "$M/sealer-final-dot.eml" list
expect sealer-final-dot 550 550 "$REJECT and .facts.arc.result == \"fail\" and $(instances 1::bank.example)"
list "$M/bank-post.eml" "$M/sealer-final-dot-caps.eml" "$LIST_BANK" LISTS.EXAMPLE.
send sealer-final-dot-caps "$M/sealer-final-dot-caps.eml" list
expect sealer-final-dot-caps 550 550 "$REJECT and .facts.arc.result == \"fail\" and $(instances 1::bank.example)"
hop "$M/bank-listed.eml" "$M/sealer-final-dot-newest.eml" lists.example. list "arc=pass; $LIST_BANK"
send sealer-final-dot-newest "$M/sealer-final-dot-newest.eml" list
expect sealer-final-dot-newest 550 550 "$REJECT and .facts.arc.result == \"fail\" and $(instances 1:lists.example:bank.example 2::bank.example)"
# Capitals: the trusted sealer itself.
for d in LISTS.example LISTS.EXAMPLE Lists.Example; do
	list "$M/bank-post.eml" "$M/sealer-$d.eml" "$LIST_BANK" "$d"
	pyverify "sealer-$d" "$M/sealer-$d.eml" pass
	send "sealer-$d" "$M/sealer-$d.eml" list
	expect "sealer-$d" 250 550 "$VOUCHED and $(instances "1:$d:bank.example")"
done

# ---- the log ----
if [ -n "$SELF" ]; then
	c=$(jq -s '[.[] | .facts.arc.instances[]? | select(has("header_from"))] | length' "$W/authgate.log")
	[ "${c:-0}" -gt 50 ] && ok "log: $c instances with their header_from" || nok "log: instances with header_from: ${c:-none}"
fi
"$AG_BUILD/authgate" replay --policy "$W/policy.ini" --json "$W/authgate.log" >"$W/out/replay.json" 2>"$W/out/replay.err" &&
	jq -e --argjson n "$(wc -l <"$W/authgate.log")" '.changed == 0 and .skipped == 0 and .total == $n' "$W/out/replay.json" >/dev/null &&
	ok "replay: every one of the $(wc -l <"$W/authgate.log") logged decisions is made again" ||
	nok "replay" "$(head -c 600 "$W/out/replay.json"; cat "$W/out/replay.err")"

tap_done
