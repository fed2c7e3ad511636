#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# DKIM agreement: a corpus of over 200 messages signed with python3-dkim
# and Mail::DKIM (RSA 512/1024/2048 and ed25519, simple and relaxed
# canonicalization) and mutated (footer, header edit, rewrapped and
# respaced body, missing/revoked/broken/short keys, two signatures,
# rsa-sha1, x= past and future). authgate's own verification must give the
# expected class for every message and agree on pass or fail with two
# independent verifiers: dkimverify (python3-dkim) and libopendkim
# (tests/e2e/odkim_verify.c, built here: the library authgate used before
# its own verifier on nettle), each disagreement accepted only for a
# reason written here. TAP; needs root (the keys are served by the
# namespace DNS).
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup dkimcorpus
K=$AG_WORK/keys
e2e_key sel2048
e2e_key sel1024 1024
e2e_key weak 512
(cd "$K" && dknewkey --ktype ed25519 ed >/dev/null 2>&1) || e2e_die "ed25519 key"
e2e_dns \
	--txt-record="sel2048._domainkey.corpus.example,$(cat "$K/sel2048.dns")" \
	--txt-record="sel1024._domainkey.corpus.example,$(cat "$K/sel1024.dns")" \
	--txt-record="weak._domainkey.corpus.example,$(cat "$K/weak.dns")" \
	--txt-record="ed._domainkey.corpus.example,$(cat "$K/ed.dns")" \
	--txt-record="broken._domainkey.corpus.example,v=DKIM1; k=rsa; p=MIIBroken" \
	--txt-record="revoked._domainkey.corpus.example,v=DKIM1; k=rsa; p="
C=$AG_WORK/corpus
cc -std=c11 -D_DEFAULT_SOURCE -O1 -o "$AG_WORK/odkim_verify" "$(dirname "$0")/odkim_verify.c" -lopendkim ||
	e2e_die "odkim_verify did not build (libopendkim-dev)"
total=$(/usr/bin/python3 "$(dirname "$0")/dkim_corpus.py" "$K" "$C") || e2e_die "corpus generation failed"
echo "1..$((total + 1))"
n=0
failed=0
agree=0
rfc=0
oagree=0
orfc=0
while IFS=$'\t' read -r file want; do
	n=$((n + 1))
	got=$(e2e_ns "$AG_BUILD/authgate" explain --json "$C/$file" 2>/dev/null | jq -r '.facts.dkim[0].result // "none"')
	if e2e_ns dkimverify <"$C/$file" >/dev/null 2>&1; then dv=pass; else dv=fail; fi
	od=$(e2e_ns "$AG_WORK/odkim_verify" <"$C/$file" 2>/dev/null)
	# Where the RFCs say more than dkimverify checks, authgate follows
	# the RFC: rsa-sha1 is not valid (RFC 8301), and a signature past its
	# x= is expired (RFC 6376 3.5), which dkimverify does not check.
	if [ "$got" = pass ]; then ours=pass; else ours=fail; fi
	if [ "$ours" = "$dv" ]; then
		agree=$((agree + 1))
		note=""
	elif { [ "$want" = unsupported ] || [ "$want" = expired ]; } && [ "$dv" = pass ]; then
		rfc=$((rfc + 1))
		note=""
	else
		note=" (dkimverify: $dv)"
	fi
	# libopendkim still verifies rsa-sha1 (RFC 8301 says it must not
	# count): the one disagreement accepted.
	if [ "$ours" = "$od" ]; then
		oagree=$((oagree + 1))
	elif [ "$want" = unsupported ] && [ "$od" = pass ]; then
		orfc=$((orfc + 1))
	else
		note="$note (libopendkim: $od)"
	fi
	if [ "$got" = "$want" ] && [ -z "$note" ]; then
		echo "ok $n - $file: $want"
	else
		failed=$((failed + 1))
		echo "not ok $n - $file: got $got, want $want$note"
	fi
done <"$C/expected.tsv"
n=$((n + 1))
echo "ok $n - agreement with dkimverify on pass/fail: $agree of $total; $rfc rsa-sha1 or expired signature(s) dkimverify passes and authgate refuses (RFC 8301, RFC 6376 3.5); with libopendkim: $oagree of $total, $orfc rsa-sha1 signature(s) it passes"
echo "# $total messages, $failed disagreements"
[ "$failed" = 0 ]
