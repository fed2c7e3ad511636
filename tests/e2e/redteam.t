#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: the attacks a red team found after the first round of issue
# 15's fixes (look-alike dots IDNA accepts or refuses, ASCII names with
# empty labels, addresses in encoded words, an ARC seal never verified on
# the temperror path, MAIL FROM bytes that are not UTF-8 against replay)
# and the legitimate mail it found refused ('@' in display names). Each
# case is sent raw (rawsmtp.py) to the real Exim with the shipped
# configuration, with the answer the module gives; the attack is
# described beside its case. Runs with Exim's verdicts (authgate.so) and
# with AG_SELF=1 AG_MODULE=authgate-verify.so (dkim, spf, arc = self).
# TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup redteam
W=$AG_WORK
K=$W/keys
M=$W/msgs
PY=/usr/bin/python3
RAW=("$PY" "$AG_ROOT/tests/e2e/rawsmtp.py")

e2e_key acme
# slow.example is served by the DNS server that never answers: every
# lookup there is a timeout (the attacker's own domain).
e2e_dns \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="_dmarc.acme.example,v=DMARC1; p=reject" \
	--txt-record="acme.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="acme._domainkey.acme.example,$(cat "$K/acme.dns")" \
	--txt-record="_dmarc.pct.example,v=DMARC1; p=reject; pct=50" \
	--txt-record="nokey.example,v=spf1 ip4:203.0.113.7 -all" \
	--server=/slow.example/127.0.0.11
cat >"$W/policy.ini.in" <<EOF
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
dns_timeout = 2

[trusted]
arc_sealers = lists.example
EOF
[ -n "${AG_SELF:-}" ] &&
	sed -i 's/^dns_timeout = 2$/&\ndkim = self\nspf = self\narc = self/' "$W/policy.ini.in"
e2e_policy "$W/policy.ini.in"
e2e_exim

TO='To: user@gw.test\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n'
BODY='\nHello\n'
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
		nok "$1: want $2 and $3" "code $CODE: $(printf '%s' "$LINE" | cut -c1-600)"
	fi
}
REJECT='.decision.class == "dmarc.reject" and .decision.action == "reject"'

# ---- 1. look-alike dots that IDNA accepts (issue 15 item 1) ----
# From: ceo@mail<DOT>bank.example, where <DOT> is a middle dot a reader
# takes for '.', and which UTS #46 maps to a valid label: the module
# reads xn--mailbank-....example, a name with no DMARC record, and
# delivers the forgery untagged (dmarc.none). domcanon.c's lookalike_dot()
# lists only dots libidn2 refuses or maps itself; these convert, so the
# reader's view is never taken. Expected: judged as mail.bank.example
# (bank.example's p=reject through its organizational domain): 550.
for v in \
	'middle-dot:mail\xc2\xb7bank.example' \
	'greek-ano-teleia:mail\xce\x87bank.example' \
	'ext-arabic-zero:mail\xdb\xb0bank.example' \
	'katakana-middle-dot:mail\xe3\x83\xbbbank.example' \
	'halfwidth-katakana-dot:mail\xef\xbd\xa5bank.example'; do
	name=${v%%:*}
	printf "From: CEO <ceo@${v#*:}>\n${TO}Subject: dot-$name\nMessage-ID: <dot-$name@x>\n$BODY" >"$M/dot-$name.eml"
	send "dot-$name" "$M/dot-$name.eml" --mail-from x@nokey.example
	expect "dot-$name" 550 "$REJECT"
done

# ---- 2. look-alike dots and blanks IDNA refuses, not in the list ----
# Not in domcanon.c's invisible() or lookalike_dot(): the reader's view
# keeps them, does not convert, and the From is from.invalid with NO
# domain: a tag (250), not bank.example's 550. A reader sees
# "bank.example" (a dot-like glyph, or a blank Braille cell).
# Expected: 550 dmarc.reject for bank.example.
for v in \
	'arabic-indic-zero:bank\xd9\xa0example' \
	'arabic-full-stop:bank\xdb\x94example' \
	'hyphenation-point:bank\xe2\x80\xa7example' \
	'word-sep-middle-dot:bank\xe2\xb8\xb1example' \
	'dot-operator:bank\xe2\x8b\x85example' \
	'bullet-operator:bank\xe2\x88\x99example' \
	'bullet:bank\xe2\x80\xa2example' \
	'armenian-full-stop:bank\xd6\x89example' \
	'braille-blank-inside:bank\xe2\xa0\x80.example' \
	'braille-blank-after:bank.example\xe2\xa0\x80'; do
	name=${v%%:*}
	printf "From: CEO <ceo@${v#*:}>\n${TO}Subject: nodot-$name\nMessage-ID: <nodot-$name@x>\n$BODY" >"$M/nodot-$name.eml"
	send "nodot-$name" "$M/nodot-$name.eml" --mail-from x@nokey.example
	expect "nodot-$name" 550 "$REJECT"
done

# ---- 3. an ASCII name a reader sees as bank.example ----
# domcanon.c canon(): ASCII without an A-label that domain_normalize()
# refuses is INVALID at once (no reader's view): from.invalid with no
# domain, a tag. Expected: judged by bank.example's policy, 550.
for v in 'double-dot:bank..example' 'trailing-dots:bank.example..' 'leading-dot:.bank.example'; do
	name=${v%%:*}
	printf "From: CEO <ceo@${v#*:}>\n${TO}Subject: ascii-$name\nMessage-ID: <ascii-$name@x>\n$BODY" >"$M/ascii-$name.eml"
	send "ascii-$name" "$M/ascii-$name.eml" --mail-from x@nokey.example
	expect "ascii-$name" 550 "$REJECT"
done

# ---- 4. addresses in encoded words the reader decodes ----
# fromhdr.c display_text() looks for a look-alike '@' in the raw text
# only, not in the bytes an encoded word decodes to; and an encoded word
# holding a literal '@' is split by the lexer into "=?utf-8?Q?ceo" '@'
# "bank.example?=", a domain that is no name: from.invalid, no domain,
# a tag. A lenient reader shows "ceo＠bank.example" / "ceo@bank.example".
# Expected: 550 dmarc.reject (as for the same text written unencoded).
printf "From: =?utf-8?q?ceo=EF=BC=A0bank.example?=\n${TO}Subject: enc-fullwidth-at\n$BODY" >"$M/enc-fwat.eml"
send enc-fullwidth-at "$M/enc-fwat.eml" --mail-from x@nokey.example
expect enc-fullwidth-at 550 "$REJECT"
printf "From: =?utf-8?Q?ceo@bank.example?=\n${TO}Subject: enc-literal-at\n$BODY" >"$M/enc-at.eml"
send enc-literal-at "$M/enc-at.eml" --mail-from x@nokey.example
expect enc-literal-at 550 "$REJECT"

# ---- 5. ARC temperror with a seal that was never verified (item 5) ----
# One ARC set of the attacker's making: the ARC-Seal says
# d=lists.example (the trusted sealer; its b= is junk), the
# ARC-Message-Signature is the attacker's (d=slow.example, a correct
# bh=), and the AAR says "lists.example; dmarc=pass
# header.from=bank.example". verify/arc.c checks the newest AMS first;
# its key lookup at slow.example times out: the chain is "temperror"
# before any ARC-Seal was verified, yet record_instances() names i=1's
# sealer lists.example, and decide()'s aligned_temperror() takes its pass
# as possible: 451 for a forgery, retried for days. With arc = off (Exim's
# verdicts) no chain counts: 550 in both modes is the expected answer.
printf 'ARC-Seal: i=1; cv=none; a=rsa-sha256; d=lists.example; s=arc; b=AAAA\n' >"$M/arc-forged.eml"
printf 'ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=slow.example; s=arc; h=from:to:subject; bh=Ba3gj8+xBPQLJTahTfzW6RbWQ/XPgESxkCi2B66PSQg=; b=AAAA\n' >>"$M/arc-forged.eml"
printf 'ARC-Authentication-Results: i=1; lists.example; dmarc=pass header.from=bank.example\n' >>"$M/arc-forged.eml"
printf "From: CEO <ceo@bank.example>\n${TO}Subject: arc-forged-seal\nMessage-ID: <arc-forged@x>\n$BODY" >>"$M/arc-forged.eml"
send arc-unverified-sealer "$M/arc-forged.eml" --mail-from x@nokey.example
expect arc-unverified-sealer 550 "$REJECT"

# ---- 6. legitimate mail refused: an unquoted '@' in a display name ----
# "Support @ Acme <support@acme.example>", correctly signed by
# acme.example (p=reject): fromhdr.c counts the word after a bare '@' in
# the display name ("Acme", one label) as a second author domain:
# from.multiple, 550. Addresses found in display text need a dot
# (embed_flush: "@handle is a nickname"); a bare '@' before a '<...>'
# that names a domain does not. Expected: delivered, DMARC pass.
for v in 'spaced:Support @ Acme' 'joined:Team@Acme' 'two-words:Acme Support @ Help Desk'; do
	name=${v%%:*}
	printf "From: ${v#*:} <support@acme.example>\n${TO}Subject: legit-$name\nMessage-ID: <legit-$name@x>\n$BODY" >"$M/legit-$name.in"
	e2e_sign "$M/legit-$name.in" "$M/legit-$name.eml" acme acme.example acme
	send "legit-$name" "$M/legit-$name.eml" --mail-from x@nokey.example
	expect "legit-$name" 250 '.decision.action == "accept" and .decision.dmarc.result == "pass"'
done

# ---- 7. replay differs: MAIL FROM bytes that are not UTF-8 ----
# The module hashes MAIL FROM's raw bytes for pct sampling (decide.c
# sample_percent); the log writes a byte 0xff as \u00ff, which replay
# reads as U+00FF (two bytes): another hash, another sample. With
# pct=50, about half of these lines replay to another decision (reject
# vs quarantine). Expected: replay changes none.
n_sent=0
for i in $(seq 1 12); do
	printf "From: ceo@pct.example\n${TO}Subject: pct-$i\nMessage-ID: <pct-$i@x>\n$BODY" >"$M/pct-$i.eml"
	send "pct-$i" "$M/pct-$i.eml" --mail-from "x$i\\xff@nokey.example"
	[ -n "$LINE" ] && n_sent=$((n_sent + 1))
done
grep -F '"pct.example"' "$W/authgate.log" >"$W/out/pct.log"
"$AG_BUILD/authgate" replay --policy "$W/policy.ini" --json "$W/out/pct.log" >"$W/out/replay-pct.json" 2>"$W/out/replay-pct.err"
if [ "$n_sent" -gt 0 ] && jq -e '.changed == 0' "$W/out/replay-pct.json" >/dev/null 2>&1; then
	ok "pct-replay: $n_sent lines with MAIL FROM x\\xff replay unchanged"
else
	nok "pct-replay: want every line to replay unchanged" \
		"$n_sent lines; $(head -c 600 "$W/out/replay-pct.json"; head -c 300 "$W/out/replay-pct.err")"
fi

tap_done
