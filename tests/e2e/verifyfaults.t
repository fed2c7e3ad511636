#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults of the verifiers, end to end through the real Exim (issue 15,
# items 8, 10 and 11), with Exim's verdicts and (AG_SELF=1,
# authgate-verify.so) with authgate's own DKIM, SPF and ARC:
#  - a d= or s= that names no key DNS can be asked for (a label over 63
#    octets, an empty label, a final dot after a real domain and selector,
#    a key name over 253 octets) is a malformed signature: a forged From
#    of a p=reject domain gets 550, never the 451 of DNS trouble;
#  - a legitimate message whose aligned signature is the fifth, four
#    forwarders having signed on top, passes DMARC; DNS trouble on that
#    fifth signature's key is a 451, not a 550;
#  - with spf = self, an attacker's slow SPF includes cannot starve the
#    From domain's DMARC lookups, nor an aligned key's lookup;
#  - simple header canonicalization over folded fields verifies on the
#    LF line ends Exim hands the module (python3-dkim and Mail::DKIM as
#    signers);
#  - a MAIL FROM domain that cannot be asked has SPF none (RFC 7208 4.3);
#  - a DMARC name that cannot be asked is listed with no TXT string.
# TAP; root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup verifyfaults
W=$AG_WORK
K=$W/keys
M=$W/msgs
PY=/usr/bin/python3
RAW=("$PY" "$AG_ROOT/tests/e2e/rawsmtp.py")

e2e_key sel1
e2e_key sig
e2e_key fwd
dns=(
	--txt-record="sel1._domainkey.bank.example,$(cat "$K/sel1.dns")"
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all"
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject"
	--txt-record="sig._domainkey.signer.example,$(cat "$K/sig.dns")"
	--txt-record="signer.example,v=spf1 ip4:192.0.2.99 -all"
	--txt-record="_dmarc.signer.example,v=DMARC1; p=reject"
	--txt-record="nokey.example,v=spf1 ip4:203.0.113.7 -all"
	--server=/dead._domainkey.bank.example/127.0.0.11
)
for k in 1 2 3 4; do
	dns+=(--txt-record="fwd._domainkey.f$k.example,$(cat "$K/fwd.dns")")
done
# An attacker's SPF: ten includes that each answer after 2.5 s.
incl=$(seq -s ' ' -f 'include:i%g.slowspf.example' 10)
dns+=(--txt-record="spfslow.example,v=spf1 $incl -all"
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
e2e_policy "$W/policy.ini.in"
e2e_exim
MODE=exim
[ -n "${AG_SELF:-}" ] && MODE=self

# send NAME FILE [rawsmtp options]: sets R, CODE, STAGE, SECS (waited for
# the reply to the end of DATA) and LINE (the module's log line).
send() {
	local name=$1 file=$2 before
	shift 2
	before=$(wc -l <"$W/authgate.log")
	R=$(e2e_ns "${RAW[@]}" --port "$AG_PORT" --data "$file" "$@" 2>"$W/out/$name.err")
	[ -n "$R" ] || R='{"stage": "none", "code": 0}'
	printf '%s\n' "$R" >"$W/out/$name.json"
	CODE=$(printf '%s' "$R" | jq -r '.code // 0')
	STAGE=$(printf '%s' "$R" | jq -r '.stage // "none"')
	SECS=$(printf '%s' "$R" | jq -r '.waited.dot // 0')
	LINE=""
	for _ in $(seq 30); do
		LINE=$(sed -n "$((before + 1)),\$p" "$W/authgate.log")
		[ -n "$LINE" ] && break
		sleep 0.1
	done
}
# expect NAME CODE [JQ...]: the module answered CODE at the end of DATA,
# and its one log line passes each jq test.
expect() {
	local name=$1 code=$2 f
	shift 2
	if [ "$STAGE" = dot ] && [ "$CODE" = "$code" ] && [ -n "$LINE" ]; then
		ok "$name ($MODE): the module answered $code"
	else
		nok "$name ($MODE): $STAGE answered $CODE, want the module's $code" \
			"$(printf '%s' "$R" | cut -c1-300; printf '%s' "$LINE" | cut -c1-600)"
	fi
	for f in "$@"; do
		if [ "$(printf '%s\n' "$LINE" | grep -c .)" = 1 ] && printf '%s' "$LINE" | jq -e "$f" >/dev/null 2>&1; then
			ok "$name ($MODE): log $f"
		else
			nok "$name ($MODE): log $f" "$(printf '%s' "$LINE" | jq -c '{facts: {spf: .facts.spf, dkim: .facts.dkim, dns: .facts.dns}, decision: {action: .decision.action, class: .decision.class}}' 2>/dev/null || printf '%s' "$LINE" | cut -c1-600)"
		fi
	done
}
# bodyhash FILE: the relaxed body hash (bh=) of the message in FILE.
bodyhash() {
	"$PY" -c '
import sys, base64, hashlib
from dkim.canonicalization import Relaxed
m = open(sys.argv[1], "rb").read().replace(b"\r\n", b"\n")
body = m.split(b"\n\n", 1)[1].replace(b"\n", b"\r\n")
print(base64.b64encode(hashlib.sha256(Relaxed.canonicalize_body(body)).digest()).decode())' "$1"
}
# bogus FILE D S [D S...]: puts on top of the message in FILE, for each
# pair (the first on top), a DKIM-Signature claiming d=D s=S with the
# right body hash, so that a verifier fetches the key, and a signature
# (b=) that cannot verify.
bogus() {
	local f=$1 bh
	shift
	bh=$(bodyhash "$f")
	{
		while [ $# -ge 2 ]; do
			printf 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=%s;\n' "$1" "$2"
			printf ' h=from:to:subject; bh=%s;\n b=dGVzdA==\n' "$bh"
			shift 2
		done
		cat "$f"
	} >"$f.new" && mv "$f.new" "$f"
}
forged() {
	printf 'From: CEO <ceo@bank.example>\nTo: user@gw.test\nSubject: %s\n\nPay the invoice.\n' "$2" >"$1"
}

# ---- d= and s= that name no key DNS can be asked for (items 10, 11) ----
# A forged From of bank.example (p=reject), MAIL FROM of a domain whose
# SPF passes but does not align: only DKIM could save DMARC, and each
# signature is malformed, so the answer is 550 (before: 451 for the
# over-long and empty labels, and with Exim's verdicts for the final dot
# after a real selector, which Exim asks for as "bank.example.." and the
# module re-asked as bank.example).
L64=$(head -c 64 /dev/zero | tr '\0' a)
L63=$(head -c 63 /dev/zero | tr '\0' b)
L40=$(head -c 40 /dev/zero | tr '\0' c)
while read -r name d s; do
	forged "$M/$name.eml" "$name"
	bogus "$M/$name.eml" "$d" "$s"
	send "$name" "$M/$name.eml" --mail-from bounce@nokey.example
	expect "$name" 550 '.decision.class == "dmarc.reject"' '.facts.dkim[0].result == "sig_syntax"'
done <<EOF
selector-64 bank.example $L64
selector-64-inner bank.example x.$L64.y
selector-empty-label bank.example a..b
selector-leading-dot bank.example .sel1
keyname-over-253 bank.example $L63.$L63.$L63.$L40
domain-final-dot bank.example. sel1
domain-final-dot-upper BANK.Example. sel1
domain-two-dots bank.example.. sel1
domain-empty-label bank..example sel1
domain-leading-dot .bank.example sel1
domain-label-64 $L64.bank.example sel1
EOF

# ---- the fifth signature (item 8) ----
# alice@signer.example (p=reject) signs; four forwarders sign on top;
# MAIL FROM is a forwarder's, so SPF does not align: the fifth signature
# is the one DMARC needs. With dkim = self it used to be left unverified.
e2e_msg "$M/fifth.in" "Alice <alice@signer.example>" "forwarded four times"
e2e_sign "$M/fifth.in" "$M/fifth.0" sig signer.example sig
for k in 1 2 3 4; do e2e_sign "$M/fifth.$((k - 1))" "$M/fifth.$k" fwd "f$k.example" fwd; done
send fifth-signature "$M/fifth.4" --mail-from bounce@nokey.example
expect fifth-signature 250 '.decision.dmarc.result == "pass"' \
	'(.facts.dkim | length) == 5 and ([.facts.dkim[] | select(.d == "signer.example")][0].result == "pass")'
# Five signatures that cannot verify on top of it (keys missing).
cp "$M/fifth.0" "$M/sixth.eml"
bogus "$M/sixth.eml" k1.nokey.example s k2.nokey.example s k3.nokey.example s \
	k4.nokey.example s k5.nokey.example s
send sixth-signature "$M/sixth.eml" --mail-from bounce@nokey.example
expect sixth-signature 250 '.decision.dmarc.result == "pass"' \
	'([.facts.dkim[] | select(.d == "signer.example")][0].result == "pass") and ([.facts.dkim[] | select(.result == "unsupported")] | length) >= 1'
# DNS trouble on the aligned fifth signature's key (its name never
# answers): 451, the held reject of a DMARC failure that DNS trouble may
# hide; before, with Exim's verdicts, the four on top used the module's
# key lookups and the fifth was "unsupported": 550.
forged "$M/fifth-dns.eml" "aligned fifth, DNS trouble"
bogus "$M/fifth-dns.eml" k1.nokey.example s k2.nokey.example s k3.nokey.example s \
	k4.nokey.example s bank.example dead
send fifth-dns-trouble "$M/fifth-dns.eml" --mail-from bounce@nokey.example
expect fifth-dns-trouble 451 '[.facts.dkim[] | select(.d == "bank.example")][0].result == "temperror"' \
	'.decision.action == "tempfail"'

# ---- the DNS budget (item 10) ----
# spf = self: the attacker's MAIL FROM domain has an SPF record of ten
# includes that take 25 s. The From domain's DMARC lookups come first and
# the sender's lookups stop LS_DNS_RESERVE (8 s) before the 20 s budget
# ends: DMARC is found, the forgery gets 550, SPF is a temperror, and the
# answer comes after about 12 s. An aligned key is still fetched after
# the includes (its signature does not verify: bad_signature, not the
# temperror of a spent budget).
if [ -n "${AG_SELF:-}" ]; then
	forged "$M/spfslow.eml" "slow spf"
	send slow-spf-includes "$M/spfslow.eml" --mail-from x@spfslow.example
	expect slow-spf-includes 550 '.decision.class == "dmarc.reject"' \
		'.facts.dns["_dmarc.bank.example"] == "v=DMARC1; p=reject"' '.facts.spf.result == "temperror"'
	awk -v s="$SECS" 'BEGIN { exit !(s >= 10 && s < 16) }' &&
		ok "slow-spf-includes: answered in $SECS s (budget 20 s, reserve 8 s)" ||
		nok "slow-spf-includes: answered in $SECS s, want about 12" "$R"
	forged "$M/spfslow-key.eml" "slow spf, aligned key"
	bogus "$M/spfslow-key.eml" bank.example sel1
	send slow-spf-aligned-key "$M/spfslow-key.eml" --mail-from x@spfslow.example
	expect slow-spf-aligned-key 550 '.decision.class == "dmarc.reject"' \
		'.facts.dkim[0].result == "bad_signature"' '.facts.spf.result == "temperror"'
fi

# ---- simple header canonicalization on LF line ends (item 11) ----
# Folded fields, signed by python3-dkim (--hcanon simple) and Mail::DKIM
# (simple); Exim hands the module the header with LF line ends.
fold_msg() {
	printf 'From: Alice\n <alice@signer.example>\nTo: user@gw.test,\n\tother@gw.test\n'
	printf 'Subject: a subject long enough\n to be folded\n\tand folded again\n'
	printf 'Date: %s\nMessage-ID: <fold.%s@signer.example>\n\nHello,\n  two spaces\n\n' "$(date -R)" "$$"
}
fold_msg >"$M/fold.in"
for c in simple/simple simple/relaxed relaxed/simple; do
	e2e_sign "$M/fold.in" "$M/fold-${c/\//-}.eml" sig signer.example sig --hcanon "${c%/*}" --bcanon "${c#*/}"
	send "fold-dkimpy-${c/\//-}" "$M/fold-${c/\//-}.eml" --mail-from bounce@nokey.example
	expect "fold-dkimpy-${c/\//-}" 250 '.facts.dkim[0].result == "pass"' '.decision.dmarc.result == "pass"'
done
for c in simple simple/relaxed; do
	{
		dkimproxy-sign --selector sig --domain signer.example --key "$K/sig.key" --method "$c" <"$M/fold.in" ||
			e2e_die "dkimproxy-sign"
		cat "$M/fold.in"
	} >"$M/fold-mdkim-${c/\//-}.eml"
	send "fold-maildkim-${c/\//-}" "$M/fold-mdkim-${c/\//-}.eml" --mail-from bounce@nokey.example
	expect "fold-maildkim-${c/\//-}" 250 '.facts.dkim[0].result == "pass"' '.decision.dmarc.result == "pass"'
done

# ---- SPF of a MAIL FROM domain that cannot be asked (item 11) ----
# RFC 7208 4.3: none, not the temperror of DNS trouble (which is 451).
e2e_msg "$M/spfname.eml" "Bob <bob@nokey.example>" "mail from a long label"
send spf-label-64 "$M/spfname.eml" --mail-from "x@$L64.example"
expect spf-label-64 250 '.facts.spf.result == "none"'

# ---- a DMARC name that cannot be asked ----
# A From domain of 250 octets: "_dmarc." and it is longer than DNS
# allows. The name is listed with no TXT string (never "no record"
# silently), and the organizational domain's record still applies.
LONG=$L63.$L63.$L63.$(head -c 42 /dev/zero | tr '\0' d).bank.example
printf 'From: <ceo@%s>\nTo: user@gw.test\nSubject: long from domain\n\nhi\n' "$LONG" >"$M/longfrom.eml"
send long-from-domain "$M/longfrom.eml" --mail-from bounce@nokey.example
expect long-from-domain 550 '.decision.class == "dmarc.reject"' \
	"[.facts.dns | to_entries[] | select(.value == [])] | length == 1" \
	'.facts.dns["_dmarc.bank.example"] == "v=DMARC1; p=reject"'

# Every log line is one JSON object.
if [ "$(jq -c . "$W/authgate.log" 2>/dev/null | wc -l)" = "$(wc -l <"$W/authgate.log")" ]; then
	ok "log: $(wc -l <"$W/authgate.log") lines, each one valid JSON object"
else
	nok "log: not one JSON object per line"
fi
tap_done
