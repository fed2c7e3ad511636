#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile input end to end: CR, LF, NUL, quotes, backslashes and invalid
# UTF-8 in every field that reaches a header or a log line (HELO, MAIL
# FROM, the From display name and domain, DKIM d= and s=, a Subject being
# tagged, Message-ID, client-provided Authentication-Results), 10 KB
# domain names, IDN in A-labels and U-labels, a missing From, folded and
# duplicated fields, and a 50 MB message of one line. Sent raw
# (rawsmtp.py) to the real Exim with the module. For every case: which
# layer answered (Exim before the module, or the module) and with what
# SMTP reply; the module's decision against DESIGN; the delivered header
# well-formed (hdrcheck.py). At the end: every JSON log line is one line
# that jq parses, and every line but the short forms replays. Each case
# also prints "# layer NAME: ..." for the record. Runs with Exim's
# verdicts and (AG_SELF=1, authgate-verify.so) with authgate's own. TAP.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup hostile
W=$AG_WORK
K=$W/keys
M=$W/msgs
PY=/usr/bin/python3
RAW=("$PY" "$AG_ROOT/tests/e2e/rawsmtp.py")
AUTHSERV=mx.gw.test

e2e_key sel1
e2e_key idn
e2e_dns \
	--txt-record="sel1._domainkey.signer.example,$(cat "$K/sel1.dns")" \
	--txt-record="signer.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.signer.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="nokey.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.xn--bcher-kva.example,v=DMARC1; p=reject" \
	--txt-record="xn--bcher-kva.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="idn._domainkey.xn--mnchen-3ya.example,$(cat "$K/idn.dns")" \
	--txt-record="xn--mnchen-3ya.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.xn--mnchen-3ya.example,v=DMARC1; p=reject"
cat >"$W/policy.ini.in" <<EOF
[general]
authserv_id = $AUTHSERV
log_file = @WORK@/authgate.log
dns_timeout = 2
EOF
[ -n "${AG_SELF:-}" ] && printf 'dkim = self\nspf = self\narc = self\n' >>"$W/policy.ini.in"
e2e_policy "$W/policy.ini.in"
e2e_exim

# send NAME FILE [rawsmtp options]: sets R, STAGE, CODE, LINE (the
# module's log line for it, "" when Exim answered first) and FILE_OUT
# (the delivered copy, for a 250 the module accepted or tagged).
send() {
	local name=$1 file=$2 before id
	shift 2
	before=$(wc -l <"$W/authgate.log")
	R=$(e2e_ns "${RAW[@]}" --port "$AG_PORT" --data "$file" "$@" 2>"$W/out/$name.err")
	[ -n "$R" ] || R='{"stage": "none", "code": 0}'
	printf '%s\n' "$R" >"$W/out/$name.json"
	CODE=$(printf '%s' "$R" | jq -r '.code')
	STAGE=$(printf '%s' "$R" | jq -r '.stage')
	LINE=""
	FILE_OUT=""
	id=$(printf '%s' "$R" | jq -r '.queue_id // empty')
	if [ "$STAGE" = dot ]; then
		for _ in $(seq 30); do
			LINE=$(sed -n "$((before + 1)),\$p" "$W/authgate.log")
			[ -n "$LINE" ] && break
			# Exim's own answers to the end of DATA leave no line.
			[ "${CODE:0:1}" = 2 ] || [ "$CODE" = 451 ] || [ "$CODE" = 550 ] || break
			sleep 0.1
		done
	fi
	[ "$CODE" = 250 ] && [ -n "$id" ] && FILE_OUT=$(e2e_delivered "$id")
	local layer=exim class=-
	[ -n "$LINE" ] && layer=module class=$(printf '%s' "$LINE" | jq -r '.decision.class' 2>/dev/null)
	echo "# layer $name: $layer answered $CODE at $STAGE (class $class)"
}
# expect NAME STAGE CODE LAYER [JQ]: the reply, the layer that gave it,
# the decision, and for a delivered message its header.
expect() {
	local name=$1 stage=$2 code=$3 layer=$4 filter=${5:-} got=exim tagged=""
	[ -n "$LINE" ] && got=module
	if [ "$STAGE" = "$stage" ] && [ "$CODE" = "$code" ] && [ "$got" = "$layer" ]; then
		ok "$name: $layer answered $code at $stage"
	else
		nok "$name: $got answered $CODE at $STAGE, want $layer $code at $stage" "$(printf '%s' "$R" | cut -c1-300)"
		return
	fi
	if [ -n "$filter" ]; then
		if [ "$(printf '%s\n' "$LINE" | grep -c .)" = 1 ] && printf '%s' "$LINE" | jq -e "$filter" >/dev/null 2>&1; then
			ok "$name: log $filter"
		else
			nok "$name: log $filter" "$(printf '%s' "$LINE" | cut -c1-800)"
		fi
	fi
	if [ "$code" = 250 ] && [ "$layer" = module ]; then
		[ "$(printf '%s' "$LINE" | jq -r .decision.action)" = tag ] && tagged=--tagged
		if [ -z "$FILE_OUT" ]; then
			nok "$name: delivered" "$(printf '%s' "$R" | cut -c1-200)"
		elif "$PY" "$AG_ROOT/tests/e2e/hdrcheck.py" "$FILE_OUT" "$AUTHSERV" $tagged >"$W/out/$name.hdr" 2>&1; then
			ok "$name: delivered header well-formed${tagged:+ (tagged)}"
		else
			nok "$name: delivered header" "$(cat "$W/out/$name.hdr"; sed '/^$/q' "$FILE_OUT" | cut -c1-160 | head -40)"
		fi
	fi
}
# msg FILE PRINTF-FORMAT [ARGS]: a message from printf (\xHH, \0 and \r
# allowed), To, Date and Message-ID added unless the format has them.
msg() {
	local file=$1 fmt=$2
	shift 2
	# shellcheck disable=SC2059
	printf "$fmt" "$@" >"$file"
}
TO='To: user@gw.test\nDate: Mon, 23 Nov 2026 10:00:00 +0000\n'
BODY='\nHello,\nthis is a test.\n'
K10=$(head -c 10000 /dev/zero | tr '\0' k)

# ---- HELO ----
msg "$M/plain.eml" "From: Alice <alice@signer.example>\n${TO}Subject: plain\nMessage-ID: <plain@signer.example>\n$BODY"
for h in 'quote:a"b.example' 'backslash:a\\b.example' 'nul:a\x00b.example' 'cr:a\rb.example' 'utf8:a\xff\xfeb.example' 'ulabel:b\xc3\xbccher.example'; do
	name=helo-${h%%:*}
	send "$name" "$M/plain.eml" --helo "${h#*:}"
	expect "$name" helo 501 exim
done
send helo-10k "$M/plain.eml" --helo "$K10.example"
expect helo-10k dot 250 module '.decision.action == "accept" and (.facts.client.helo | length) == 4096'
send helo-alabel "$M/plain.eml" --helo xn--bcher-kva.example
expect helo-alabel dot 250 module '.facts.client.helo == "xn--bcher-kva.example"'
# The null sender: SPF and its domain come from the HELO name.
send helo-10k-null-sender "$M/plain.eml" --helo "$K10.example" --mail-from ''
expect helo-10k-null-sender dot 550 module '.decision.class == "dmarc.reject" and (.facts.spf.domain | length) <= 4096'

# ---- MAIL FROM ----
send mailfrom-quoted "$M/plain.eml" --mail-from '"a\\"b\\\\c"@signer.example'
expect mailfrom-quoted dot 250 module '.decision.action == "accept" and .facts.mail_from == "\"a\\\"b\\\\c\"@signer.example"'
for m in 'nul:a\x00b@signer.example' 'cr:a\rb@signer.example' \
	'utf8-domain:a@sig\xc3\x28ner.example' 'quote-after:a@signer.example"' "10k-domain:x@$K10.example" \
	"10k-local:$K10@signer.example"; do
	name=mailfrom-${m%%:*}
	send "$name" "$M/plain.eml" --mail-from "${m#*:}"
	expect "$name" mail 501 exim
done
send mailfrom-utf8-local "$M/plain.eml" --mail-from 'a\xff\xfeb@signer.example'
expect mailfrom-utf8-local dot 250 module '.decision.action == "accept" and .facts.spf.result == "pass" and (.facts.mail_from | startswith("a"))'
msg "$M/alabel.eml" "From: a@xn--bcher-kva.example\n${TO}Subject: alabel\n$BODY"
send mailfrom-alabel "$M/alabel.eml" --mail-from 'a@xn--bcher-kva.example'
expect mailfrom-alabel dot 250 module '.decision.action == "accept" and .facts.spf.result == "pass" and .decision.dmarc.result == "pass"'
send mailfrom-ulabel "$M/plain.eml" --mail-from 'a@b\xc3\xbccher.example'
expect mailfrom-ulabel mail 501 exim

# ---- From: display name (a p=reject domain's address: 550) ----
for f in 'quotes:"Al\\"i\\\\ce \\"x\\"" <alice@bank.example>' 'nul:"Al\x00ice" <alice@bank.example>' \
	'cr:"Al\rice" <alice@bank.example>' 'lf-in-quotes:"Al\n ice" <alice@bank.example>' \
	'utf8:"Al\xff\xfeice \xc3\x28" <alice@bank.example>' 'encoded:=?utf-8?b?/w==?= <alice@bank.example>'; do
	name=from-name-${f%%:*}
	msg "$M/$name.eml" "From: $(printf '%s' "${f#*:}" | sed 's/%/%%/g')\n${TO}Subject: $name\nMessage-ID: <$name@x>\n$BODY"
	send "$name" "$M/$name.eml" --mail-from x@bank.example
	expect "$name" dot 550 module '.decision.class == "dmarc.reject" and .decision.dmarc.domain == "bank.example"'
done

# ---- From: domain ----
# A NUL ends the name for a reader (and for C): from.invalid (tag). A
# domain a reader still sees (a byte that is not UTF-8 dropped, quoted,
# with a backslash, folded by a bare CR that Exim turns into a fold) is
# judged by its DMARC policy: 550.
for f in 'utf8:alice@bank\xff.example:550:dmarc.reject' 'nul:alice@bank\x00.example:250:from.invalid' \
	'quote:alice@"bank.example":550:dmarc.reject' 'backslash:alice@bank\\.example:550:dmarc.reject' \
	'cr-fold:alice@bank.\rexample:550:dmarc.reject'; do
	IFS=: read -r tag addr code class <<<"$f"
	name=from-domain-$tag
	msg "$M/$name.eml" "From: $addr\n${TO}Subject: $name\nMessage-ID: <$name@x>\n$BODY"
	send "$name" "$M/$name.eml" --mail-from bob@nokey.example
	expect "$name" dot "$code" module ".decision.class == \"$class\""
done
msg "$M/from-10k.eml" "From: <x@nokey.example>, ceo@%s.bank.example\n${TO}Subject: 10k from\n$BODY" "$K10"
send from-domain-10k "$M/from-10k.eml" --mail-from bob@nokey.example
# A second author whose domain is no name (a 10 KB label): from.multiple,
# read from the whole header before it is cut for the log.
expect from-domain-10k dot 550 module '.decision.class == "from.multiple" and (.facts.from[0] | startswith("x@nokey.example, x@? (authgate kept only"))'
msg "$M/from-alabel.eml" "From: a@xn--bcher-kva.example\n${TO}Subject: alabel\n$BODY"
send from-alabel "$M/from-alabel.eml" --mail-from x@nokey.example
expect from-alabel dot 550 module '.decision.class == "dmarc.reject" and .decision.dmarc.record == "_dmarc.xn--bcher-kva.example"'
msg "$M/from-ulabel.eml" "From: a@b\xc3\xbccher.example\n${TO}Subject: ulabel\n$BODY"
send from-ulabel "$M/from-ulabel.eml" --mail-from x@nokey.example
expect from-ulabel dot 550 module '.decision.class == "dmarc.reject"'
# Other spellings a mail reader shows the same way (a combining mark
# instead of the composed letter, capitals, full-width letters) find the
# same DMARC policy: lookups map names as UTS #46 does.
for v in 'nfd:bu\xcc\x88cher' 'upper:B\xc3\x9cCHER' 'fullwidth:\xef\xbd\x82\xc3\xbccher'; do
	msg "$M/from-${v%%:*}.eml" "From: a@${v#*:}.example\n${TO}Subject: ${v%%:*}\n$BODY"
	send "from-ulabel-${v%%:*}" "$M/from-${v%%:*}.eml" --mail-from x@nokey.example
	expect "from-ulabel-${v%%:*}" dot 550 module '.decision.class == "dmarc.reject"'
done
msg "$M/from-missing.eml" "${TO}Subject: no author\n$BODY"
send from-missing "$M/from-missing.eml" --mail-from bob@nokey.example
expect from-missing dot 250 module '.decision.class == "from.missing" and .decision.action == "tag"'
msg "$M/from-two.eml" "From: a@signer.example\nFrom: b@nokey.example\n${TO}Subject: two\n$BODY"
send from-duplicated "$M/from-two.eml"
expect from-duplicated dot 550 module '.decision.class == "from.multiple"'
# A folded From, signed: the signature and the alignment hold.
msg "$M/from-folded.in" "From: Alice\n \"the sender\"\n\t<alice@signer.example>\n${TO}Subject: folded from\nMessage-ID: <ff@x>\n$BODY"
e2e_sign "$M/from-folded.in" "$M/from-folded.eml" sel1 signer.example sel1
send from-folded "$M/from-folded.eml" --mail-from x@nokey.example
expect from-folded dot 250 module '.decision.action == "accept" and .facts.dkim[0].result == "pass" and .decision.dmarc.result == "pass"'

# ---- DKIM d= and s= ----
# Hand-made signatures on mail that passes SPF without a DMARC record: any
# DKIM failure class tags it; the strings are logged escaped and left out
# of Authentication-Results when they are not plain tokens.
dsig() { # d= s=
	printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=%s;\n h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\n b=dGVzdA==\n' "$1" "$2"
}
for c in 'd-quote:no"key.example:sel1' 'd-backslash:no\\key.example:sel1' 'd-utf8:nokey.example\xff\xfe:sel1' \
	'd-nul:no\x00key.example:sel1' 'd-cr:no\rkey.example:sel1' 's-hostile:nokey.example:s"e\\l\xff\x00x\ry' \
	"d-10k:$K10.nokey.example:sel1" "s-10k:nokey.example:$K10" 'd-alabel:xn--bcher-kva.example:sel1'; do
	IFS=: read -r tag d s <<<"$c"
	name=dkim-$tag
	{
		printf "$(dsig "$d" "$s" | sed 's/%/%%/g')\n"
		printf "From: bob@nokey.example\n${TO}Subject: $name\nMessage-ID: <$name@x>\n\n"
	} >"$M/$name.eml"
	send "$name" "$M/$name.eml" --mail-from bob@nokey.example
	expect "$name" dot 250 module '.decision.action == "tag" and (.decision.class | startswith("dkim.")) and (.facts.dkim | length) == 1 and (.facts.dkim[0].d | length) <= 4096'
done
# Sixty-four signatures with 240-byte d= and s=: the Authentication-
# Results stays within what Exim can add, and is there.
L240=$(head -c 240 /dev/zero | tr '\0' l)
{
	for k in $(seq 64); do dsig "d$k.$L240" "s$k$L240"; done
	printf "From: bob@nokey.example\n${TO}Subject: many long signatures\n\n"
} >"$M/dkim-64-long.eml"
send dkim-64-long "$M/dkim-64-long.eml" --mail-from bob@nokey.example
expect dkim-64-long dot 250 module '.decision.action != "reject"'
# A real signature of an IDN domain in A-labels, From in A-labels: aligned.
msg "$M/idn.in" "From: a@xn--mnchen-3ya.example\n${TO}Subject: idn signed\nMessage-ID: <idn@x>\n$BODY"
e2e_sign "$M/idn.in" "$M/idn.eml" idn xn--mnchen-3ya.example idn
send dkim-idn-alabel "$M/idn.eml" --mail-from x@nokey.example
expect dkim-idn-alabel dot 250 module '.decision.action == "accept" and .facts.dkim[0].result == "pass" and .decision.dmarc.result == "pass"'
# A folded DKIM-Signature (every tag on its own line): still verifies.
e2e_sign "$M/plain.eml" "$M/dkim-folded.tmp" sel1 signer.example sel1 --hcanon relaxed
"$PY" - "$M/dkim-folded.tmp" "$M/dkim-folded.eml" <<'PYEOF'
import re, sys
raw = open(sys.argv[1], "rb").read()
m = re.match(rb"(DKIM-Signature:.*?\n)(?=\S)", raw, re.S)
sig = re.sub(rb"\s+", b" ", m.group(1)).strip()
name, value = sig.split(b":", 1)
tags = [t.strip() for t in value.split(b";") if t.strip()]
out = name + b":\n\t" + b";\n\t".join(tags) + b"\n"
open(sys.argv[2], "wb").write(out + raw[m.end():])
PYEOF
send dkim-folded "$M/dkim-folded.eml" --mail-from x@nokey.example
expect dkim-folded dot 250 module '.decision.action == "accept" and .facts.dkim[0].result == "pass"'
# The same signature twice.
"$PY" -c '
import re, sys
raw = open(sys.argv[1], "rb").read()
sig = re.match(rb"DKIM-Signature:.*?\n(?=\S)", raw, re.S).group(0)
open(sys.argv[2], "wb").write(sig + raw)' "$M/dkim-folded.tmp" "$M/dkim-twice.eml"
send dkim-duplicated "$M/dkim-twice.eml" --mail-from x@nokey.example
expect dkim-duplicated dot 250 module '.decision.action == "accept" and ([.facts.dkim[].result] | unique) == ["pass"]'

# ---- a Subject being tagged (a DKIM key missing: tag) ----
TAGSIG=$(dsig nokey.example gone)
for c in 'quotes-backslash:a "q" \\ b' 'utf8:bad \xff\xfe \xc3\x28 bytes' 'nul:a\x00b' 'cr:one\rtwo' \
	'folded:first part\n\tsecond part' 'encoded:=?utf-8?q?Gr=C3=BC=C3=9Fe?=' 'empty:'; do
	tag=${c%%:*}
	name=subject-$tag
	{
		printf '%s\n' "$TAGSIG"
		printf "From: bob@nokey.example\n${TO}Subject: ${c#*:}\nMessage-ID: <$name@x>\n\nbody\n"
	} >"$M/$name.eml"
	send "$name" "$M/$name.eml" --mail-from bob@nokey.example
	expect "$name" dot 250 module '.decision.action == "tag"'
done
{ printf '%s\n' "$TAGSIG"; printf "From: bob@nokey.example\n${TO}Subject: one\nSubject: two\n\nbody\n"; } >"$M/subject-two.eml"
send subject-duplicated "$M/subject-two.eml" --mail-from bob@nokey.example
expect subject-duplicated dot 250 module '.decision.action == "tag"'
if [ -n "$FILE_OUT" ] && [ "$(sed '/^$/q' "$FILE_OUT" | grep '^Subject:' | tr '\n' '|')" = "Subject: [SPAM] one|Subject: [SPAM] two|" ]; then
	ok "subject-duplicated: both Subjects tagged, in their places"
else
	nok "subject-duplicated: Subjects" "$(sed '/^$/q' "$FILE_OUT" 2>/dev/null | grep '^Subject:')"
fi
{ printf '%s\n' "$TAGSIG"; printf "From: bob@nokey.example\n${TO}\nbody\n"; } >"$M/subject-none.eml"
send subject-missing "$M/subject-none.eml" --mail-from bob@nokey.example
expect subject-missing dot 250 module '.decision.action == "tag"'

# ---- Message-ID ----
for c in 'quotes:<a"b\\c@x>' 'nul:<a\x00b@x>' 'cr:<a\rb@x>' 'utf8:<a\xff\xfe@x>' "10k:<$K10@x>"; do
	name=msgid-${c%%:*}
	printf "From: Alice <alice@signer.example>\n${TO}Subject: $name\nMessage-ID: $(printf '%s' "${c#*:}" | sed 's/%/%%/g')\n\nbody\n" >"$M/$name.eml"
	send "$name" "$M/$name.eml"
	expect "$name" dot 250 module '.decision.action == "accept"'
done

# ---- client-provided Authentication-Results ----
# Ours (however spelled, whatever follows) are removed; others stay;
# hdrcheck.py counts exactly one of ours, and it parses.
for c in "ours-hostile:$AUTHSERV; dkim=pass \\xff\\xfe \"q\" \\\\ \\x00 \\r x" "ours-fold:$AUTHSERV\\r; dmarc=pass" \
	"ours-case:MX.GW.TEST; dmarc=pass" "ours-quoted:\"$AUTHSERV\"; dmarc=pass" \
	"ours-comment:(\\xff) $AUTHSERV; dmarc=pass" 'foreign:other.example; dkim=pass \xff\x00\r' \
	"nul-in-id:mx.gw.test\\x00; dmarc=pass" "10k:$AUTHSERV; dkim=pass header.d=$K10.example"; do
	name=ar-${c%%:*}
	printf "Authentication-Results: $(printf '%s' "${c#*:}" | sed 's/%/%%/g')\nFrom: Alice <alice@signer.example>\n${TO}Subject: $name\n\nbody\n" >"$M/$name.eml"
	send "$name" "$M/$name.eml"
	expect "$name" dot 250 module '.decision.action == "accept"'
done

# ---- 50 MB of one line, with NUL bytes and bare CRs, on a forged From ----
"$PY" - "$M/big.eml" <<'PYEOF'
import sys
chunk = b"x" * 997 + b"\0" + b"\r" + b"y"
with open(sys.argv[1], "wb") as f:
    f.write(b"From: CEO <ceo@bank.example>\nTo: user@gw.test\nSubject: one line\n\n")
    f.write(chunk * (50 * 1000 * 1000 // len(chunk) - 100))
    f.write(b"\n")
PYEOF
send big-one-line "$M/big.eml" --mail-from x@bank.example --rss-of "$W/run/exim.pid"
expect big-one-line dot 550 module '.decision.class == "dmarc.reject"'
echo "# big-one-line: $(printf '%s' "$R" | jq -c '{seconds, dot: .waited.dot, rss_kb, anon_kb, file_kb}')"
anon=$(printf '%s' "$R" | jq -r '.anon_kb // 0')
if [ -n "${AG_SANITIZE:-}" ]; then
	echo "ok $((n += 1)) - big-one-line: own memory $anon KB # SKIP under AddressSanitizer"
elif [ "$anon" -gt 0 ] && [ "$anon" -lt 25600 ]; then
	ok "big-one-line: the receiving Exim's own memory peaked at $anon KB"
else
	nok "big-one-line: own memory $anon KB" "$R"
fi
rm -f "$M/big.eml"

# ---- every log line ----
lines=$(wc -l <"$W/authgate.log")
if [ "$(jq -c . "$W/authgate.log" 2>/dev/null | wc -l)" = "$lines" ] && [ "$lines" -gt 0 ]; then
	ok "log: $lines lines, each one JSON object that jq parses"
else
	nok "log: not one JSON object per line"
fi
"$AG_BUILD/authgate" replay --policy "$W/policy.ini" --json "$W/authgate.log" >"$W/out/replay.json" 2>"$W/out/replay.err"
short=$(grep -c '"truncated":true' "$W/authgate.log")
jq -e --argjson s "$short" --argjson n "$lines" '.skipped == $s and .total == $n - $s' "$W/out/replay.json" >/dev/null &&
	ok "log: every line but the $short short forms replays" || nok "log: replay" "$(head -5 "$W/out/replay.err")"
# Exim's main log: the module's summary lines are one line each, in form.
if grep 'authgate: action=' "$W/log/mainlog" | grep -vqE 'authgate: action=[a-z]+( would=[a-z]+)? class=[a-z_.]+ rule=[!-~]+ dmarc=[a-z]+ from=[^ ]+$'; then
	nok "main log: a summary line out of form" "$(grep 'authgate: action=' "$W/log/mainlog" | grep -vE 'from=[^ ]+$' | head -3)"
else
	ok "main log: $(grep -c 'authgate: action=' "$W/log/mainlog") summary lines in form"
fi
[ ! -s "$W/log/paniclog" ] && ok "panic log: empty" || nok "panic log" "$(head -5 "$W/log/paniclog")"
tap_done
