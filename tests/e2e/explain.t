#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `authgate explain` on saved messages, with the namespace DNS server:
# authgate's own DKIM verification (libopendkim, keys through its own
# resolver) is checked against the expected class of each mutation and
# against python3-dkim's dkimverify on pass/fail; SPF with libspf2 for a
# given client; the human output names the fix. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup explain
W=$AG_WORK
K=$W/keys
M=$W/msgs
e2e_key sel1
e2e_key weak 512
(cd "$K" && dknewkey --ktype ed25519 ed >/dev/null 2>&1) || e2e_die "ed25519 key"
e2e_dns \
	--txt-record="sel1._domainkey.signer.example,$(cat "$K/sel1.dns")" \
	--txt-record="ed._domainkey.signer.example,$(cat "$K/ed.dns")" \
	--txt-record="weak._domainkey.signer.example,$(cat "$K/weak.dns")" \
	--txt-record="bad._domainkey.signer.example,v=DKIM1; k=rsa; p=MIIBroken" \
	--txt-record="gone._domainkey.signer.example,v=DKIM1; k=rsa; p=" \
	--txt-record="signer.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.signer.example,v=DMARC1; p=reject" \
	--txt-record="_dmarc.walk.example,v=DMARC1; p=quarantine; sp=reject" \
	--txt-record="_dmarc.mid.walk.example,v=DMARC1; p=none" \
	--txt-record="soft.example,v=spf1 ip4:192.0.2.99 ~all" \
	--txt-record="broken.example,v=spf1 ip4:bogus -all" \
	--txt-record="incl.example,v=spf1 include:signer.example -all" \
	--server=/_domainkey.slow.example/127.0.0.11 \
	--server=/late.example/127.0.0.11
AG=$AG_BUILD/authgate

# explain_dkim NAME FILE EXPECTED: the first signature's result, and
# agreement with dkimverify on pass/fail.
explain_dkim() {
	local name=$1 file=$2 want=$3 got dv
	got=$(e2e_ns "$AG" explain --json "$file" 2>"$W/out/$name.err" | jq -r '.facts.dkim[0].result // "none"')
	if [ "$got" = "$want" ]; then ok "$name: dkim $want"; else nok "$name: dkim $got, want $want" "$(cat "$W/out/$name.err")"; fi
	if e2e_ns dkimverify <"$file" >/dev/null 2>&1; then dv=pass; else dv=fail; fi
	if { [ "$got" = pass ] && [ "$dv" = pass ]; } || { [ "$got" != pass ] && [ "$dv" = fail ]; }; then
		ok "$name: agrees with dkimverify ($dv)"
	else
		nok "$name: authgate $got, dkimverify $dv"
	fi
}

e2e_msg "$M/base" "Alice <alice@signer.example>" "hello"
e2e_sign "$M/base" "$M/pass.eml" sel1 signer.example sel1
explain_dkim pass "$M/pass.eml" pass
e2e_sign "$M/base" "$M/relaxed.eml" sel1 signer.example sel1 --hcanon relaxed --bcanon relaxed
explain_dkim relaxed "$M/relaxed.eml" pass
e2e_sign "$M/base" "$M/ed.eml" ed signer.example ed --signalg ed25519-sha256
explain_dkim ed25519 "$M/ed.eml" pass
cp "$M/pass.eml" "$M/footer.eml"
printf -- '-- \nadded by a list\n' >>"$M/footer.eml"
explain_dkim footer "$M/footer.eml" body_modified
sed 's/^Subject: hello/Subject: changed/' "$M/pass.eml" >"$M/hdr.eml"
explain_dkim header-changed "$M/hdr.eml" bad_signature
e2e_sign "$M/base" "$M/missing.eml" nokey signer.example sel1
explain_dkim key-missing "$M/missing.eml" key_missing
e2e_sign "$M/base" "$M/revoked.eml" gone signer.example sel1
explain_dkim key-revoked "$M/revoked.eml" key_revoked
e2e_sign "$M/base" "$M/badkey.eml" bad signer.example sel1
explain_dkim key-syntax "$M/badkey.eml" key_syntax
e2e_sign "$M/base" "$M/weak.eml" weak signer.example weak
got=$(e2e_ns "$AG" explain --json "$M/weak.eml" | jq -r '"\(.facts.dkim[0].result) \(.facts.dkim[0].bits)"')
case "$got" in
"pass 512" | "key_too_short 512") ok "512-bit key: $got, and the engine makes it key_too_short" ;;
*) nok "512-bit key: $got" ;;
esac
cls=$(e2e_ns "$AG" explain --defaults --json "$M/weak.eml" | jq -r '[.decision.findings[].class] | index("dkim.key_too_short") != null')
[ "$cls" = true ] && ok "512-bit key: dkim.key_too_short finding" || nok "512-bit key: no key_too_short finding"

# A key lookup that times out is temperror, never key_missing.
e2e_msg "$M/slowbase" "Bob <bob@slow.example>" "slow dns"
e2e_sign "$M/slowbase" "$M/slow.eml" s1 slow.example sel1
got=$(e2e_ns "$AG" explain --json "$M/slow.eml" | jq -r '.facts.dkim[0].result')
[ "$got" = temperror ] && ok "key lookup timeout: temperror" || nok "key lookup timeout: $got"

# Two signatures, both reported.
e2e_sign "$M/pass.eml" "$M/two.eml" ed signer.example ed --signalg ed25519-sha256
got=$(e2e_ns "$AG" explain --json "$M/two.eml" | jq -r '[.facts.dkim[].result] | join(",")')
[ "$got" = "pass,pass" ] && ok "two signatures: pass,pass" || nok "two signatures: $got"

# SPF for a given client, with libspf2.
spf() { # spf NAME MAILFROM IP WANT
	local got
	got=$(e2e_ns "$AG" explain --json --ip "$3" --mail-from "$2" --helo mx.example "$M/pass.eml" | jq -r '.facts.spf.result')
	[ "$got" = "$4" ] && ok "spf $1: $4" || nok "spf $1: $got, want $4"
}
spf pass a@signer.example 203.0.113.7 pass
spf fail a@signer.example 192.0.2.15 fail
spf softfail a@soft.example 192.0.2.15 softfail
spf none a@nothing.example 192.0.2.15 none
spf permerror a@broken.example 192.0.2.15 permerror
spf include a@incl.example 203.0.113.7 pass
spf temperror a@late.example 192.0.2.15 temperror

# The decision and the advice for the invalid-key case (seed 003).
out=$(e2e_ns "$AG" explain --defaults --ip 203.0.113.7 --mail-from a@nokey.example "$M/missing.eml")
case "$out" in
*"Publish the DKIM public key at nokey._domainkey.signer.example"*) ok "advice names the key to publish" ;;
*) nok "advice names the key to publish" "$out" ;;
esac
case "$out" in
*"Decision under the built-in defaults: reject (class dmarc.reject"*) ok "decision: DMARC reject (SPF not aligned, key missing)" ;;
*) nok "decision line" "$out" ;;
esac
# Without --ip: the SPF result of a trusted authserv-id is used.
{ printf 'Authentication-Results: mx.gw.test; spf=pass smtp.mailfrom=alice@signer.example\n'; cat "$M/missing.eml"; } >"$M/ar.eml"
got=$(e2e_ns "$AG" explain --defaults --json --authserv-id mx.gw.test "$M/ar.eml" | jq -r '"\(.facts.spf.result) \(.decision.action) \(.spf_source)"')
case "$got" in
"pass accept from the Authentication-Results of \"mx.gw.test\"") ok "trusted Authentication-Results: SPF pass, accept" ;;
*) nok "trusted Authentication-Results" "$got" ;;
esac
got=$(e2e_ns "$AG" explain --json --authserv-id other.test "$M/ar.eml" | jq -r '.facts.spf.result')
[ "$got" = none ] && ok "untrusted Authentication-Results ignored" || nok "untrusted Authentication-Results used: $got"
# Comments, case and folding as other gateways write them (RFC 8601).
{ printf 'Authentication-Results: (gateway) "mx.gw.test" (v) 1;\n\tdkim=none (no signature);\n\tSPF=Pass (sender SPF authorized; see below)\n\t  smtp.mailfrom="alice"@signer.example (ok)\n'; cat "$M/missing.eml"; } >"$M/ar2.eml"
got=$(e2e_ns "$AG" explain --defaults --json --authserv-id mx.gw.test "$M/ar2.eml" | jq -r '"\(.facts.spf.result) \(.facts.spf.domain) \(.decision.action)"')
[ "$got" = "pass signer.example accept" ] && ok "Authentication-Results with comments and quoting: SPF pass" || nok "Authentication-Results with comments" "$got"
# A trusted header that does not parse is not half-read.
{ printf 'Authentication-Results: mx.gw.test; spf=pass (unclosed smtp.mailfrom=alice@signer.example\n'; cat "$M/missing.eml"; } >"$M/ar3.eml"
got=$(e2e_ns "$AG" explain --json --authserv-id mx.gw.test "$M/ar3.eml" | jq -r '"\(.facts.spf.result) \(.spf_source)"')
case "$got" in
"none the Authentication-Results of \"mx.gw.test\" do not parse (at byte "*"); use --ip") ok "malformed Authentication-Results: not used, said why" ;;
*) nok "malformed Authentication-Results" "$got" ;;
esac
e2e_ns "$AG" explain /nonexistent.eml >/dev/null 2>&1
[ $? = 2 ] && ok "unreadable message: exit 2" || nok "unreadable message: exit code"

# RFC 9989's tree walk from a deep subdomain (DMARCBIS V02 shape): from
# 11 labels to the 7-label suffix, then one label fewer down to the TLD;
# mid.walk.example's record is not the policy (O3: walk.example has the
# fewest labels), the org domain's sp= is.
e2e_msg "$M/deep" "Deep <x@a.b.c.d.e.f.g.h.mid.walk.example>" "deep"
e2e_ns "$AG" explain --defaults --json "$M/deep" >"$W/out/deep.json" 2>"$W/out/deep.err"
jq -e '.decision.dmarc.result == "fail" and .decision.dmarc.policy == "reject"
	and .decision.dmarc.tag == "sp" and .decision.dmarc.source == "org"
	and .decision.dmarc.org_domain == "walk.example"
	and ([.dmarc_walk[].name] == ["_dmarc.a.b.c.d.e.f.g.h.mid.walk.example",
		"_dmarc.e.f.g.h.mid.walk.example", "_dmarc.f.g.h.mid.walk.example",
		"_dmarc.g.h.mid.walk.example", "_dmarc.h.mid.walk.example",
		"_dmarc.mid.walk.example", "_dmarc.walk.example", "_dmarc.example"])' "$W/out/deep.json" >/dev/null &&
	ok "deep subdomain: the walk's eight names, org walk.example, sp=reject" ||
	nok "deep subdomain walk" "$(cat "$W/out/deep.json" "$W/out/deep.err")"
e2e_ns "$AG" explain --defaults "$M/deep" >"$W/out/deep.txt" 2>&1
grep -q 'walk: _dmarc.a.b.c.d.e.f.g.h.mid.walk.example: no DMARC record' "$W/out/deep.txt" &&
	grep -q 'policy record at walk.example (the organizational domain' "$W/out/deep.txt" &&
	ok "deep subdomain: explain prints the walk" ||
	nok "deep subdomain: explain prints the walk" "$(cat "$W/out/deep.txt")"

echo "1..$n"
[ "$failed" = 0 ]
