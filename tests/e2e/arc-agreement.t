#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ARC agreement: chains made with python3-dkim's arcsign over one, two
# and three hops, intact and tampered, with keys missing, broken, slow or
# named by a d= or s= DNS cannot be asked for, in CRLF, LF and mixed line
# ends, checked by authgate's own ARC verifier (verify/arc.c through
# `authgate explain`) and by python3-dkim's arcverify: both must agree on
# pass/fail, and authgate must report each instance's sealer and recorded
# DMARC result. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup arcagree
W=$AG_WORK
K=$W/keys
M=$W/msgs
for k in s1 s2 s3 other; do e2e_key "$k"; done
e2e_key weak 512
e2e_dns \
	--txt-record="s1._domainkey.hop1.example,$(cat "$K/s1.dns")" \
	--txt-record="s2._domainkey.hop2.example,$(cat "$K/s2.dns")" \
	--txt-record="s3._domainkey.hop3.example,$(cat "$K/s3.dns")" \
	--txt-record="weak._domainkey.hop1.example,$(cat "$K/weak.dns")" \
	--txt-record="gone._domainkey.hop1.example,v=DKIM1; k=rsa; p=" \
	--txt-record="bad._domainkey.hop1.example,v=DKIM1; k=rsa; p=MIIBroken" \
	--txt-record="_dmarc.orig.example,v=DMARC1; p=reject" \
	--server=/_domainkey.slow.example/127.0.0.11
AG=$AG_BUILD/authgate
# explain validates ARC only where the policy says arc = self, as the
# module does
printf '[general]\narc = self\n' >"$W/arc.ini"
ARCPOL=(--policy "$W/arc.ini")
PY=/usr/bin/python3 # Debian's python, which has the dkim module
# arcverify prints "arc verification: cv=b'pass' ..."; for a chain whose
# newest seal says cv=fail it prints cv=None ("the chain is terminated"),
# which RFC 8617 calls fail.
arcv_cv() { sed -n -e 's/.*cv=None .*/fail/p' -e "s/.*cv=b'\\([a-z]*\\)'.*/\\1/p"; }

# hop IN OUT SELECTOR DOMAIN KEY [FOOTER]: what a forwarding hop does:
# checks the chain that came in, adds its Authentication-Results (arc=
# when a chain came in), appends FOOTER to the body, then seals.
hop() {
	local in=$1 out=$2 sel=$3 dom=$4 key=$5 footer=${6:-} arc=""
	grep -q '^ARC-Seal:' "$in" && arc="arc=$(e2e_ns "$PY" /usr/bin/arcverify <"$in" 2>/dev/null | arcv_cv); "
	{
		printf 'Authentication-Results: mx.%s; %sspf=pass smtp.mailfrom=orig.example;\n  dmarc=pass header.from=orig.example\n' "$dom" "$arc"
		cat "$in"
		[ -z "$footer" ] || printf '%s\n' "$footer"
	} | sed 's/\r$//' >"$out.in"
	sed 's/$/\r/' "$out.in" | "$PY" /usr/bin/arcsign "$sel" "$dom" "$K/$key.key" "mx.$dom" >"$out" 2>"$out.err" ||
		e2e_die "arcsign $dom: $(cat "$out.err")"
	grep -q '^ARC-Seal:' "$out" || e2e_die "arcsign $dom made no ARC set"
}

# check NAME FILE EXPECTED: authgate's arc.result, and agreement with
# arcverify (a temperror is expected where arcverify can only say fail).
check() {
	local name=$1 file=$2 want=$3 got av
	e2e_ns "$AG" explain "${ARCPOL[@]}" --json "$file" >"$W/out/$name.json" 2>"$W/out/$name.err"
	got=$(jq -r '.facts.arc.result' "$W/out/$name.json" 2>/dev/null)
	if [ "$got" = "$want" ]; then
		ok "$name: arc $want"
	else
		nok "$name: arc ${got:-?}, want $want" "$(cat "$W/out/$name.err"; jq -r .arc_reason "$W/out/$name.json" 2>/dev/null)"
	fi
	av=$(e2e_ns "$PY" /usr/bin/arcverify <"$file" 2>"$W/out/$name.arcverify" | arcv_cv)
	[ "$want" = temperror ] && return
	if [ "$got" = "${av:-none}" ] || { [ "$got" = none ] && [ -z "$av" ]; }; then
		ok "$name: agrees with arcverify (${av:-no chain})"
	else
		nok "$name: authgate $got, arcverify ${av:-nothing}" "$(tail -3 "$W/out/$name.arcverify")"
	fi
}

e2e_msg "$M/base" "Alice <alice@orig.example>" "forwarded"
check no-chain "$M/base" none
hop "$M/base" "$M/h1" s1 hop1.example s1
check one-hop "$M/h1" pass
hop "$M/h1" "$M/h2" s2 hop2.example s2
check two-hops "$M/h2" pass
hop "$M/h2" "$M/h3" s3 hop3.example s3
check three-hops "$M/h3" pass
jq -e '[.facts.arc.instances[] | "\(.i):\(.sealer):\(.dmarc)"] == ["1:hop1.example:pass","2:hop2.example:pass","3:hop3.example:pass"]' \
	"$W/out/three-hops.json" >/dev/null && ok "three-hops: instances, sealers and recorded dmarc" ||
	nok "three-hops: instances" "$(jq -c .facts.arc "$W/out/three-hops.json")"

# A list that checks the chain, adds a footer and seals: the first AMS
# no longer matches the body, but only the newest must.
hop "$M/h1" "$M/h2-footer" s2 hop2.example s2 "-- list footer"
check list-footer-then-seal "$M/h2-footer" pass
# A footer added without sealing breaks the chain.
cp "$M/h1" "$M/h1-footer"
printf -- '-- \r\nlist footer\r\n' >>"$M/h1-footer"
check footer-without-seal "$M/h1-footer" fail

# Tampering after the last seal.
for h in 1 3; do
	cp "$M/h$h" "$M/h$h-body"
	printf 'appended after sealing\r\n' >>"$M/h$h-body"
	check "tampered-body-$h-hops" "$M/h$h-body" fail
	sed 's/^Subject: forwarded/Subject: changed/' "$M/h$h" >"$M/h$h-subject"
	check "tampered-signed-header-$h-hops" "$M/h$h-subject" fail
done
# A seal's own bytes: its b= value, then the recorded AAR (which the
# seals sign).
# (the first base64 digit of the i=1 seal's b= changed, whatever it was)
awk '/^ARC-Seal: i=1/ {seal=1}
	seal && /^ b=/ {c = substr($0, 4, 1); $0 = " b=" (c == "A" ? "B" : "A") substr($0, 5); seal=0}
	{print}' "$M/h2" >"$M/h2-seal"
cmp -s "$M/h2" "$M/h2-seal" && e2e_die "tampered-seal: nothing changed"
check tampered-seal "$M/h2-seal" fail
sed 's/i=1; mx.hop1.example; spf=pass/i=1; mx.hop1.example; spf=fail/' "$M/h3" >"$M/h3-aar"
check tampered-aar "$M/h3-aar" fail
sed 's/^ARC-Seal: i=3; cv=pass/ARC-Seal: i=3; cv=none/' "$M/h3" >"$M/h3-cv"
check wrong-cv "$M/h3-cv" fail
# An instance removed: a gap in the chain.
awk '/^ARC-(Seal|Message-Signature|Authentication-Results): i=2/ {skip=1; next} skip && /^[ \t]/ {next} {skip=0; print}' "$M/h3" >"$M/h3-gap"
check missing-instance "$M/h3-gap" fail
# A hop that finds the chain broken seals with cv=fail.
hop "$M/h1-body" "$M/h2-cvfail" s2 hop2.example s2
grep -q 'cv=fail' "$M/h2-cvfail" && ok "cv-fail: arcsign recorded cv=fail" || nok "cv-fail: arcsign recorded cv=fail"
check cv-fail-chain "$M/h2-cvfail" fail

# Keys.
hop "$M/base" "$M/k-missing" nokey hop1.example s1
check key-missing "$M/k-missing" fail
hop "$M/base" "$M/k-revoked" gone hop1.example s1
check key-revoked "$M/k-revoked" fail
hop "$M/base" "$M/k-broken" bad hop1.example s1
check key-broken "$M/k-broken" fail
hop "$M/base" "$M/k-weak" weak hop1.example weak
check key-512-bits "$M/k-weak" fail
hop "$M/base" "$M/k-slow" s1 slow.example s1
check key-dns-timeout "$M/k-slow" temperror
# d= and s= that name no key DNS can be asked for (a label over 63
# octets, an empty label, a final dot): a malformed signature, so the
# chain fails, never a temperror. arcverify is no oracle here: dnspython
# raises on such names (LabelTooLong, EmptyLabel), and arcsign refuses an
# empty label, so the last two are edited from a good chain.
unaskable() {
	local name=$1 file=$2 got
	e2e_ns "$AG" explain "${ARCPOL[@]}" --json "$file" >"$W/out/$name.json" 2>"$W/out/$name.err"
	got=$(jq -r '.facts.arc.result' "$W/out/$name.json" 2>/dev/null)
	if [ "$got" = fail ] && jq -e '.arc_reason | test("names no key DNS can be asked for")' "$W/out/$name.json" >/dev/null 2>&1; then
		ok "$name: arc fail ($(jq -r .arc_reason "$W/out/$name.json"))"
	else
		nok "$name: arc ${got:-?}, want fail for a key name DNS cannot be asked for" "$(jq -r .arc_reason "$W/out/$name.json" 2>/dev/null)"
	fi
}
hop "$M/base" "$M/k-label64" "$(head -c 64 /dev/zero | tr '\0' s)" hop1.example s1
unaskable key-name-label-64 "$M/k-label64"
sed 's/d=hop1\.example;/d=hop1..example;/' "$M/h1" >"$M/k-emptylabel"
unaskable key-name-empty-label "$M/k-emptylabel"
sed 's/d=hop1\.example;/d=hop1.example.;/' "$M/h1" >"$M/k-finaldot"
unaskable key-name-final-dot "$M/k-finaldot"
# LF line ends (as Exim's spool holds a message) verify the same, and so
# do LF and CRLF mixed, line by line.
sed 's/\r$//' "$M/h3" >"$M/h3-lf"
check three-hops-lf "$M/h3-lf" pass
awk 'NR % 2 { sub(/\r$/, "") } { print }' "$M/h3" >"$M/h3-mixed"
check three-hops-mixed-line-ends "$M/h3-mixed" pass

# The human output says what broke.
e2e_ns "$AG" explain "${ARCPOL[@]}" "$M/h3-body" >"$W/out/human.txt" 2>&1
grep -q 'ARC:   fail (the body was changed after ARC instance 3' "$W/out/human.txt" &&
	grep -q 'i=3 sealed by hop3.example, which recorded dmarc=pass' "$W/out/human.txt" &&
	ok "explain names the broken step and the sealers" ||
	nok "explain names the broken step and the sealers" "$(cat "$W/out/human.txt")"

echo "1..$n"
[ "$failed" = 0 ]
