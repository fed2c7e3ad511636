#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Forged From headers end to end (issue 15): for each class of forgery
# that once got past its domain's DMARC policy, several spellings, sent
# raw (rawsmtp.py) through the real Exim with the shipped configuration
# by an attacker whose own domain (evil.example) passes SPF and DMARC.
# Each must get the 550 of bank.example's p=reject: dmarc.reject judged
# by bank.example, or from.multiple where the header shows a second
# author. Legitimate, DKIM-signed mail with odd but valid From headers
# still passes. At the end every log line is one JSON object and replays
# to the decision the module made, and `authgate explain` under the same
# policy and DNS decides each message as the module did. Runs with
# Exim's verdicts and (AG_SELF=1, authgate-verify.so) with authgate's
# own. TAP; root.
#
# Organized by class: one helper per class (class_NAME), each sending its
# spellings through forged(); add a class as a new helper and call it at
# the end.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup forgery
W=$AG_WORK
K=$W/keys
M=$W/msgs
PY=/usr/bin/python3
RAW=("$PY" "$AG_ROOT/tests/e2e/rawsmtp.py")
AUTHSERV=mx.gw.test

e2e_key sel1
e2e_dns \
	--txt-record="sel1._domainkey.signer.example,$(cat "$K/sel1.dns")" \
	--txt-record="signer.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.signer.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="evil.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.evil.example,v=DMARC1; p=none"
cat >"$W/policy.ini.in" <<EOF
[general]
authserv_id = $AUTHSERV
log_file = @WORK@/authgate.log
dns_timeout = 2
EOF
[ -n "${AG_SELF:-}" ] && printf 'dkim = self\nspf = self\narc = self\n' >>"$W/policy.ini.in"
e2e_policy "$W/policy.ini.in"
e2e_exim

# send NAME FILE [rawsmtp options]: sets R, CODE, STAGE and LINE (the
# module's log line for it, "" when Exim answered first); a message the
# module decided is listed in $W/out/decided with its line in NAME.line.
send() {
	local name=$1 file=$2 before
	shift 2
	before=$(wc -l <"$W/authgate.log")
	R=$(e2e_ns "${RAW[@]}" --port "$AG_PORT" --data "$file" "$@" 2>"$W/out/$name.err")
	[ -n "$R" ] || R='{"stage": "none", "code": 0}'
	printf '%s\n' "$R" >"$W/out/$name.json"
	CODE=$(printf '%s' "$R" | jq -r '.code')
	STAGE=$(printf '%s' "$R" | jq -r '.stage')
	LINE=""
	if [ "$STAGE" = dot ]; then
		for _ in $(seq 30); do
			LINE=$(sed -n "$((before + 1)),\$p" "$W/authgate.log")
			[ -n "$LINE" ] && break
			sleep 0.1
		done
	fi
	if [ -n "$LINE" ]; then
		printf '%s\n' "$LINE" >"$W/out/$name.line"
		printf '%s %s\n' "$name" "$file" >>"$W/out/decided"
	fi
}
# verdict NAME CODE JQ: the module answered CODE at the end of DATA, and
# its one log line passes JQ.
verdict() {
	local name=$1 code=$2 filter=$3
	if [ "$STAGE" = dot ] && [ "$CODE" = "$code" ] && [ -n "$LINE" ] &&
		[ "$(printf '%s\n' "$LINE" | grep -c .)" = 1 ] &&
		printf '%s' "$LINE" | jq -e "$filter" >/dev/null 2>&1; then
		ok "$name: $code, $filter"
	else
		nok "$name: $CODE at $STAGE, want $code and $filter" \
			"$(printf '%s' "$R" | cut -c1-200; printf '%s' "$LINE" | jq -c '{decision: .decision | {action, class, dmarc}, from: .facts.from}' 2>/dev/null | cut -c1-600)"
	fi
}
# message FILE FROM-VALUE: a message whose From value is printf's reading
# of FROM-VALUE (\xHH, \r, \\ allowed).
message() {
	local file=$1 from=$2
	{
		printf 'From: '
		# shellcheck disable=SC2059
		printf "$(printf '%s' "$from" | sed 's/%/%%/g')"
		printf '\nTo: user@gw.test\nSubject: %s\nDate: Mon, 23 Nov 2026 10:00:00 +0000\nMessage-ID: <%s@evil.example>\n\nPlease pay the invoice.\n' \
			"$(basename "$file")" "$(basename "$file")"
	} >"$file"
}
# forged NAME CLASS FROM-VALUE: sent by the attacker (MAIL FROM
# x@evil.example, which passes SPF and its own DMARC): 550 with CLASS,
# dmarc.reject being bank.example's.
forged() {
	local name=$1 class=$2 from=$3 filter
	message "$M/$name.eml" "$from"
	send "$name" "$M/$name.eml" --mail-from x@evil.example
	filter=".decision.class == \"$class\""
	[ "$class" = dmarc.reject ] && filter="$filter and .decision.dmarc.domain == \"bank.example\""
	verdict "$name" 550 "$filter"
}
# legit NAME FROM-VALUE [JQ]: signed by signer.example (aligned DKIM):
# delivered, DMARC pass; JQ defaults to an accept.
legit() {
	local name=$1 from=$2 filter="${3:-.decision.action == \"accept\"}"
	message "$M/$name.in" "$from"
	e2e_sign "$M/$name.in" "$M/$name.eml" sel1 signer.example sel1
	send "$name" "$M/$name.eml" --mail-from bounce@signer.example
	verdict "$name" 250 "$filter and .decision.dmarc.result == \"pass\" and .decision.dmarc.domain == \"signer.example\""
}
# pad N UNIT: N copies of UNIT.
pad() {
	local i out=""
	for ((i = 0; i < $1; i++)); do out+=$2; done
	printf '%s' "$out"
}

# ---- a control byte in the display name, local part or domain ----
class_control_byte() {
	local b
	for b in 01 08 0b 0c 1b 1f 7f; do
		forged "ctl-$b-name" dmarc.reject "CEO\\x$b <ceo@bank.example>"
	done
	# Exim turns NUL into '?' and a bare CR into a fold.
	forged ctl-00-name dmarc.reject 'CEO\x00 <ceo@bank.example>'
	forged ctl-cr-name dmarc.reject 'CEO\r<ceo@bank.example>'
	forged ctl-01-local dmarc.reject 'CEO <c\x01eo@bank.example>'
	forged ctl-01-domain dmarc.reject 'CEO <ceo@bank\x01.example>'
	forged ctl-7f-domain dmarc.reject 'ceo@ba\x7fnk.example'
	forged ctl-1b-after dmarc.reject '<ceo@bank.example>\x1b'
}

# ---- comments nested past the limit (32), closed or not ----
class_nesting() {
	forged nest-33 dmarc.reject "$(pad 33 '(')c$(pad 33 ')') CEO <ceo@bank.example>"
	forged nest-100 dmarc.reject "$(pad 100 '(')c$(pad 100 ')') ceo@bank.example"
	forged nest-40-unclosed dmarc.reject "$(pad 40 '(')c$(pad 39 ')') <ceo@bank.example>"
	forged nest-addr-inside from.multiple "(a (b) <ceo@bank.example> ) x@evil.example"
}

# ---- an unbalanced bracket, quote or comment ----
class_unbalanced() {
	forged unbal-quote dmarc.reject '"CEO <ceo@bank.example>'
	forged unbal-quote-escaped dmarc.reject '"CEO\\" <ceo@bank.example>'
	forged unbal-quote-after dmarc.reject 'CEO" <ceo@bank.example>'
	forged unbal-paren dmarc.reject '(CEO <ceo@bank.example>'
	forged unbal-close-paren dmarc.reject 'CEO) <ceo@bank.example>'
	forged unbal-lt dmarc.reject 'CEO <ceo@bank.example'
	forged unbal-lt-twice dmarc.reject 'CEO <<ceo@bank.example>'
	forged unbal-gt dmarc.reject 'CEO> <ceo@bank.example>'
	forged unbal-bracket dmarc.reject '[CEO <ceo@bank.example>'
}

# ---- an address after the closing '>' ----
class_after_angle() {
	forged after-gt-addr from.multiple '<x@evil.example> ceo@bank.example'
	forged after-gt-glued from.multiple 'X <x@evil.example>ceo@bank.example'
	forged after-gt-angle from.multiple '<x@evil.example> <ceo@bank.example>'
	forged after-gt-junk dmarc.reject '<ceo@bank.example> junk'
}

# ---- past the 4096-byte facts cap: folding white space, a comment ----
class_long() {
	local fws
	fws=$(pad 100 '\n                                                            ')
	forged long-fws from.multiple "<x@evil.example>,$fws ceo@bank.example"
	forged long-fws-one dmarc.reject "CEO$fws <ceo@bank.example>"
	forged long-comment dmarc.reject "($(pad 6000 c)) CEO <ceo@bank.example>"
	forged long-name dmarc.reject "\"$(pad 6000 n)\" <ceo@bank.example>"
	forged long-unclosed dmarc.reject "($(pad 6000 c) <ceo@bank.example>"
	if [ "${#LINE}" -lt 9000 ] && printf '%s' "$LINE" | jq -e '(.facts.from[0] | length) < 4096 and (.facts.from[0] | startswith("x@bank.example (authgate kept only the domains"))' >/dev/null 2>&1; then
		ok "long-unclosed: the log keeps the domains of the whole header, in a short line"
	else
		nok "long-unclosed: logged From" "$(printf '%s' "$LINE" | jq -c .facts.from 2>/dev/null | cut -c1-300)"
	fi
}

# ---- a second author behind an error, or in a shape readers differ on ----
class_second_author() {
	forged second-after-quote from.multiple '"x <x@evil.example>, ceo@bank.example'
	forged second-after-ctl from.multiple 'X\x01 <x@evil.example>, ceo@bank.example'
	forged second-after-nesting from.multiple "$(pad 33 '(')c$(pad 33 ')') x@evil.example, ceo@bank.example"
	forged second-after-paren from.multiple 'x@evil.example) ceo@bank.example'
	forged second-group from.multiple 'a: x@evil.example; ceo@bank.example'
	forged second-route from.multiple '<@bank.example:x@evil.example>'
	forged second-encoded from.multiple '=?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ==?=, <x@evil.example>'
	forged second-quoted-local from.multiple '"ceo@bank.example"@evil.example'
	forged second-escaped-quote from.multiple '"CEO \\" <ceo@bank.example> \\"" <x@evil.example>'
	forged second-display-no-addr dmarc.reject '"ceo@bank.example" <>'
	# A look-alike '@' (U+FF20 FULLWIDTH COMMERCIAL AT, U+FE6B).
	forged second-fullwidth-at from.multiple 'ceo\xef\xbc\xa0bank.example, <x@evil.example>'
	forged fullwidth-at dmarc.reject 'ceo\xef\xb9\xabbank.example'
}

# ---- an address in RFC 2047 encoded words, as a reader decodes it ----
# One encoded word is one word whatever it holds; its decoded text (any
# charset a reader converts, '@' or a look-alike, split between words,
# mixed with plain text) shows an address as plain text would.
class_encoded() {
	forged enc-fullwidth-at dmarc.reject '=?utf-8?q?ceo=EF=BC=A0bank.example?='
	forged enc-literal-at dmarc.reject '=?utf-8?Q?ceo@bank.example?='
	forged enc-small-at-b dmarc.reject '=?UTF-8?B?Y2Vv77mrYmFuay5leGFtcGxl?='
	forged enc-split-at dmarc.reject '=?utf-8?q?ceo=EF=BC?= =?utf-8?q?=A0bank.example?='
	forged enc-folded dmarc.reject '=?utf-8?q?ceo?=\n =?utf-8?q?=40bank.example?='
	forged enc-mixed dmarc.reject 'ceo=?utf-8?q?=40?=bank.example'
	forged enc-in-angle dmarc.reject 'CEO <=?utf-8?q?ceo=40bank.example?=>'
	forged enc-broken dmarc.reject '=?utf-8?q?ceo @bank.example?='
	forged enc-utf16 dmarc.reject '=?utf-16?b?//5jAGUAbwAg/2IAYQBuAGsALgBlAHgAYQBtAHAAbABlAA==?='
	forged enc-shift-jis dmarc.reject '=?shift_jis?b?Y2VvgZeCgoKBgo6Ci4FEgoWCmIKBgo2CkIKMgoU=?='
	forged enc-second from.multiple '=?utf-8?q?ceo=EF=BC=A0bank.example?=, <x@evil.example>'
	forged enc-special-display from.multiple '=?utf-8?Q?ceo@bank.example?= <x@evil.example>'
	forged enc-in-domain from.multiple 'ceo@=?utf-8?q?x@bank.example?='
}

# ---- an '@' in a display name: a nickname only before a domain's <...> ----
class_nickname() {
	forged nick-dotted from.multiple 'ceo@bank.example <x@evil.example>'
	forged nick-no-angle from.multiple 'Team@Bank, <x@evil.example>'
	forged nick-after-stray-gt from.multiple 'X > Team@Bank <x@evil.example>'
	legit legit-nick-spaced 'Support @ Signer <support@signer.example>'
	legit legit-nick-joined 'Team@Signer <team@signer.example>'
	legit legit-nick-words 'Signer Support @ Help Desk <help@signer.example>'
	legit legit-nick-encoded '=?utf-8?q?Team=40Signer?= <team@signer.example>'
}

# ---- legitimate mail with odd but valid From headers: not refused ----
class_legit() {
	legit legit-comments '"Smith, Alice (Finance)" (office) <alice@signer.example> (desk)'
	legit legit-group 'Finance: alice@signer.example, "Bob" <bob@Signer.Example.>;'
	legit legit-display-address "\"'bob@bank.example' via Team\" <team@signer.example>"
	legit legit-encoded '=?utf-8?q?J=C3=B6rg_=28bob=40bank=2Eexample=29?= <joerg@signer.example>'
	legit legit-route '<@signer.example:alice@signer.example>'
	legit legit-obs-domain 'alice . smith @ signer . example'
	legit legit-folded 'Alice\n "the sender"\n\t<alice@signer.example>'
	# Past the cap a header is never judged a well-formed whole: a tag,
	# judged by its domain's DMARC (here a pass), never refused.
	legit legit-long "\"$(pad 5000 n)\" <alice@signer.example>" '.decision.action == "tag" and .decision.class == "from.invalid"'
}

class_control_byte
class_nesting
class_unbalanced
class_after_angle
class_long
class_second_author
class_encoded
class_nickname
class_legit

# ---- every log line, and its replay ----
lines=$(wc -l <"$W/authgate.log")
if [ "$lines" -gt 0 ] && [ "$(jq -c . "$W/authgate.log" 2>/dev/null | wc -l)" = "$lines" ]; then
	ok "log: $lines lines, each one JSON object"
else
	nok "log: not one JSON object per line"
fi
"$AG_BUILD/authgate" replay --policy "$W/policy.ini" --json "$W/authgate.log" >"$W/out/replay.json" 2>"$W/out/replay.err"
if jq -e --argjson n "$lines" '.total == $n and .skipped == 0 and .changed == 0' "$W/out/replay.json" >/dev/null; then
	ok "replay: all $lines lines decide again as the module decided"
else
	nok "replay" "$(cat "$W/out/replay.json" | cut -c1-300; head -5 "$W/out/replay.err")"
fi

# ---- explain, on every message the module decided ----
# Under the same policy and DNS, given the client and envelope sender of
# the module's log line, `authgate explain` decides the same action and
# class (issue 17).
decided=0 agree=0 diffs=""
while read -r name file; do
	# the client, envelope sender, HELO and decision, \x1f apart (any
	# may be empty)
	IFS=$'\x1f' read -r ip mf helo want < <(jq -r '[.facts.client.ip, .facts.mail_from, .facts.client.helo // "",
		"\(.decision.action) \(.decision.class)"] | join("\u001f")' "$W/out/$name.line")
	args=(--json --policy "$W/policy.ini" --ip "$ip" --mail-from "$mf")
	[ -n "$helo" ] && args+=(--helo "$helo")
	got=$(e2e_ns "$AG_BUILD/authgate" explain "${args[@]}" "$file" 2>"$W/out/$name.explain.err" |
		jq -r '"\(.decision.action) \(.decision.class)"' 2>/dev/null)
	decided=$((decided + 1))
	if [ "$got" = "$want" ]; then agree=$((agree + 1)); else diffs+="$name: module $want, explain ${got:-nothing}; "; fi
done <"$W/out/decided"
[ "$decided" -gt 0 ] && [ "$agree" = "$decided" ] && ok "explain decides as the module did on all $decided messages" ||
	nok "explain agrees on $agree of $decided messages" "$(printf '%s' "$diffs" | cut -c1-800)"
[ "$(wc -l <"$W/authgate.log")" = "$lines" ] && ok "explain wrote nothing to the log" || nok "explain wrote to the log"
[ ! -s "$W/log/paniclog" ] && ok "panic log: empty" || nok "panic log" "$(head -5 "$W/log/paniclog")"
tap_done
