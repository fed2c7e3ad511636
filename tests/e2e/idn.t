#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: one domain form everywhere (issue 15, items 1 and 2). A
# From domain a reader sees as bank.example (p=reject) meets
# bank.example's policy however it is spelled: invisible or bidi code
# points, spaces, look-alike dots, bytes that are not UTF-8, punycode
# hiding any of them, full-width letters, capitals. Spellings that are
# no domain in DNS are from.invalid as well, never "no record". Policy
# sections and trusted lists written in another form (full-width,
# capitals, U-labels) apply to the canonical A-label form, under a
# global monitor mode that only an exact byte match would have escaped
# before. Sent raw (rawsmtp.py) to the real Exim with the module; runs
# with Exim's verdicts and (AG_SELF=1, authgate-verify.so) with
# authgate's own. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup idn
W=$AG_WORK
K=$W/keys
M=$W/msgs
PY=/usr/bin/python3
RAW=("$PY" "$AG_ROOT/tests/e2e/rawsmtp.py")

e2e_key bank
e2e_key partner
e2e_dns \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="bank._domainkey.bank.example,$(cat "$K/bank.dns")" \
	--txt-record="_dmarc.shop.example,v=DMARC1; p=reject" \
	--txt-record="shop.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="partner._domainkey.partner.example,$(cat "$K/partner.dns")" \
	--txt-record="_dmarc.xn--bcher-kva.example,v=DMARC1; p=quarantine" \
	--txt-record="xn--bcher-kva.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="nokey.example,v=spf1 ip4:203.0.113.7 -all"
# A global monitor mode, enforced only for bank.example and bücher.example
# (each section written in another form than the canonical one), and a
# trusted provider written in full width.
cat >"$W/policy.ini.in" <<EOF
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
mode = monitor
dns_timeout = 2

[trusted]
domains = $(printf '\xef\xbd\x90\xef\xbd\x81\xef\xbd\x92\xef\xbd\x94\xef\xbd\x8e\xef\xbd\x85\xef\xbd\x92').example

[domain:$(printf '\xef\xbc\xa2\xef\xbc\xa1\xef\xbc\xae\xef\xbc\xab').Example]
mode = enforce

[domain:$(printf 'b\xc3\xbccher').example]
mode = enforce

[domain:shop.example]
mode = enforce
EOF
[ -n "${AG_SELF:-}" ] &&
	sed -i 's/^dns_timeout = 2$/&\ndkim = self\nspf = self\narc = self/' "$W/policy.ini.in"
e2e_policy "$W/policy.ini.in"
# Against the sandbox's Exim, not the host's: the module it loads is the
# one this run tests, and in self mode it must be authgate-verify.so, so
# nothing may be "not checked".
"$AG_BUILD/authgate" check-config --exim "${AG_EXIM:-exim4}" --exim-config "$(e2e_exim_conf)" \
	"$W/policy.ini" >"$W/out/check.out" 2>"$W/out/check.err" &&
	{ [ -z "${AG_SELF:-}" ] || ! grep -q 'not checked' "$W/out/check.out" "$W/out/check.err"; } &&
	grep -q 'is bank.example in the form authgate compares' "$W/out/check.err" &&
	grep -q 'is xn--bcher-kva.example in the form' "$W/out/check.err" &&
	grep -q 'trusted domain .* is partner.example in the form' "$W/out/check.err" &&
	ok "check-config shows the canonical form of each name" ||
	nok "check-config shows the canonical form" "$(cat "$W/out/check.out" "$W/out/check.err")"
e2e_exim

TO='To: user@gw.test\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n'
BODY='\nHello,\nthis is a test.\n'
# send NAME FILE [rawsmtp options]: sets CODE and LINE (the log line).
send() {
	local name=$1 file=$2 before
	shift 2
	before=$(wc -l <"$W/authgate.log")
	R=$(e2e_ns "${RAW[@]}" --port "$AG_PORT" --data "$file" "$@" 2>"$W/out/$name.err")
	CODE=$(printf '%s' "$R" | jq -r '.code' 2>/dev/null)
	LINE=""
	for _ in $(seq 30); do
		LINE=$(sed -n "$((before + 1)),\$p" "$W/authgate.log")
		[ -n "$LINE" ] && break
		sleep 0.1
	done
}
# expect NAME CODE JQ
expect() {
	if [ "$CODE" = "$2" ] && printf '%s' "$LINE" | jq -e "$3" >/dev/null 2>&1; then
		ok "$1: $2, $3"
	else
		nok "$1: want $2 and $3" "code $CODE: $(printf '%s' "$LINE" | cut -c1-700)"
	fi
}

# ---- item 1: a From domain that is bank.example to a reader ----
# NAME:DOMAIN-AS-PRINTF:WELL-FORMED (yes: the name is a domain in DNS,
# the same as bank.example; no: only a reader takes it for one, so it is
# from.invalid too).
for v in \
	'plain:bank.example:yes' \
	'capitals:BANK.EXAMPLE:yes' \
	'fullwidth:\xef\xbd\x82\xef\xbd\x81\xef\xbd\x8e\xef\xbd\x8b.example:yes' \
	'ideographic-dot:bank\xe3\x80\x82example:yes' \
	'fullwidth-dot:bank\xef\xbc\x8eexample:yes' \
	'zwsp:bank\xe2\x80\x8b.example:yes' \
	'soft-hyphen:ba\xc2\xadnk.example:yes' \
	'bom:\xef\xbb\xbfbank.example:yes' \
	'word-joiner:bank\xe2\x81\xa0.example:yes' \
	'zwj:bank\xe2\x80\x8d.example:no' \
	'zwnj:ba\xe2\x80\x8cnk.example:no' \
	'rlo:bank\xe2\x80\xae.example:no' \
	'lrm:\xe2\x80\x8ebank.example:no' \
	'lri:bank\xe2\x81\xa6.example:no' \
	'arabic-mark:bank\xd8\x9c.example:no' \
	'mongolian-vs:bank\xe1\xa0\x8e.example:no' \
	'one-dot-leader:bank\xe2\x80\xa4example:no' \
	'small-full-stop:bank\xef\xb9\x92example:no' \
	'nbsp-inside:bank\xc2\xa0\xe2\x80\x8d.example:no' \
	'bad-byte:bank\xff.example:no' \
	'overlong:ba\xc0\xaenk.example:no' \
	'replacement-char:bank\xef\xbf\xbd.example:no' \
	'punycode-zwj:xn--bank-876a.example:no' \
	'punycode-rlo:XN--BANK-YD7A.example:no'; do
	name=${v%%:*}
	rest=${v#*:}
	dom=${rest%:*}
	wellformed=${rest##*:}
	printf "From: CEO <ceo@$dom>\n${TO}Subject: from-$name\nMessage-ID: <$name@x>\n$BODY" >"$M/from-$name.eml"
	send "from-$name" "$M/from-$name.eml" --mail-from x@nokey.example
	if [ "$wellformed" = yes ]; then
		expect "from-$name" 550 '.decision.class == "dmarc.reject" and .decision.dmarc.domain == "bank.example" and ([.decision.findings[].class] | index("from.invalid") | not)'
	else
		expect "from-$name" 550 '.decision.class == "dmarc.reject" and .decision.dmarc.domain == "bank.example" and ([.decision.findings[].class] | index("from.invalid"))'
	fi
done
# A name that is no domain even to a reader: from.invalid (a tag, in
# monitor here), never the dmarc.none of a domain without a record.
printf "From: x@\xf0\x9f\x8f\xa6.example\n${TO}Subject: emoji\n$BODY" >"$M/from-emoji.eml"
send from-emoji "$M/from-emoji.eml" --mail-from x@nokey.example
expect from-emoji 250 '.decision.monitor.class == "from.invalid" and ([.decision.findings[].class] | index("dmarc.none") | not)'

# ---- legitimate mail in other spellings: still aligned ----
for v in 'fullwidth:\xef\xbd\x82\xef\xbd\x81\xef\xbd\x8e\xef\xbd\x8b.example' 'capitals:Bank.EXAMPLE'; do
	name=${v%%:*}
	printf "From: Bank <news@${v#*:}>\n${TO}Subject: legit-$name\nMessage-ID: <legit-$name@x>\n$BODY" >"$M/legit-$name.in"
	e2e_sign "$M/legit-$name.in" "$M/legit-$name.eml" bank bank.example bank
	send "legit-$name" "$M/legit-$name.eml" --mail-from x@nokey.example
	expect "legit-$name" 250 '.decision.action == "accept" and .decision.dmarc.result == "pass"'
done
# Signed by the domain itself but spelled with a joiner: aligned (the
# name a reader sees), tagged as from.invalid.
printf "From: Bank <news@bank\xe2\x80\x8d.example>\n${TO}Subject: legit-zwj\nMessage-ID: <legit-zwj@x>\n$BODY" >"$M/legit-zwj.in"
e2e_sign "$M/legit-zwj.in" "$M/legit-zwj.eml" bank bank.example bank
send legit-zwj "$M/legit-zwj.eml" --mail-from x@nokey.example
expect legit-zwj 250 '.decision.class == "from.invalid" and .decision.action == "tag" and .decision.dmarc.result == "pass"'

# ---- item 2: sections and lists in their canonical form ----
# bücher.example's section is written in U-labels; the From in A-labels,
# U-labels, decomposed or capitals: enforced (dmarc.quarantine, whose
# action is a tag by default), not monitored.
for v in 'alabel:xn--bcher-kva.example' 'ulabel:b\xc3\xbccher.example' 'nfd:bu\xcc\x88cher.example' 'upper:B\xc3\x9cCHER.example'; do
	name=${v%%:*}
	printf "From: x@${v#*:}\n${TO}Subject: section-$name\n$BODY" >"$M/section-$name.eml"
	send "section-$name" "$M/section-$name.eml" --mail-from x@nokey.example
	expect "section-$name" 250 '.decision.class == "dmarc.quarantine" and .decision.action == "tag" and (.decision | has("monitor") | not) and .decision.dmarc.domain == "xn--bcher-kva.example"'
done
# The trusted provider (listed in full width) signs for shop.example.
printf "From: Shop <news@shop.example>\n${TO}Subject: trusted\nMessage-ID: <trusted@x>\n$BODY" >"$M/trusted.in"
e2e_sign "$M/trusted.in" "$M/trusted.eml" partner partner.example partner
send trusted "$M/trusted.eml" --mail-from x@nokey.example
expect trusted 250 '.decision.action == "accept" and ((.decision.findings[] | select(.class == "dmarc.reject") | .waived) == "trusted.domain:partner.example")'

# Every line replays to the same decision.
"$AG_BUILD/authgate" replay --policy "$W/policy.ini" --json "$W/authgate.log" >"$W/out/replay.json" 2>"$W/out/replay.err" &&
	jq -e '.changed == 0' "$W/out/replay.json" >/dev/null &&
	ok "replay: every logged decision is made again" ||
	nok "replay" "$(head -c 600 "$W/out/replay.json"; cat "$W/out/replay.err")"

tap_done
