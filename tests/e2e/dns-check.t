#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `authgate dns-check` against zones served by the namespace DNS server:
# a domain that publishes everything right, and one fault per check (SPF
# missing, doubled, broken, over ten lookups, +all; DKIM keys missing,
# revoked, broken, short, ed25519; DMARC missing, doubled, invalid, with
# report addresses elsewhere with and without their consent; MX missing;
# DNS timing out). Exit status 0 only without problems. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup dnscheck
W=$AG_WORK
K=$W/keys
e2e_key s1
e2e_key weak 512
(cd "$K" && dknewkey --ktype ed25519 ed >/dev/null 2>&1) || e2e_die "ed25519 key"
chain=()
for k in $(seq 1 11); do
	chain+=(--txt-record="c$k.many.example,v=spf1 include:c$((k + 1)).many.example -all")
done
chain+=(--txt-record="c12.many.example,v=spf1 ip4:192.0.2.1 -all")
e2e_dns "${chain[@]}" \
	--txt-record="good.example,v=spf1 include:_spf.good.example mx -all" \
	--txt-record="_spf.good.example,v=spf1 ip4:192.0.2.0/24 -all" \
	--txt-record="s1._domainkey.good.example,$(cat "$K/s1.dns")" \
	--txt-record="ed._domainkey.good.example,$(cat "$K/ed.dns")" \
	--txt-record="weak._domainkey.good.example,$(cat "$K/weak.dns")" \
	--txt-record="gone._domainkey.good.example,v=DKIM1; k=rsa; p=" \
	--txt-record="bad._domainkey.good.example,v=DKIM1; k=rsa; p=MIIBroken" \
	--txt-record="_dmarc.good.example,v=DMARC1; p=reject; rua=mailto:dmarc@good.example" \
	--mx-host=good.example,mx.good.example,10 \
	--txt-record="many.example,v=spf1 include:c1.many.example -all" \
	--txt-record="two.example,v=spf1 -all" --txt-record="two.example,v=spf1 mx -all" \
	--txt-record="broken.example,v=spf1 ip4:bogus -all" \
	--txt-record="open.example,v=spf1 +all" \
	--txt-record="void.example,v=spf1 include:nothing.void.example -all" \
	--txt-record="nodmarc.example,v=spf1 -all" \
	--txt-record="dup.example,v=spf1 -all" \
	--txt-record="_dmarc.dup.example,v=DMARC1; p=none" --txt-record="_dmarc.dup.example,v=DMARC1; p=reject" \
	--txt-record="ext.example,v=spf1 -all" \
	--txt-record="_dmarc.ext.example,v=DMARC1; p=quarantine; rua=mailto:r@reports.example" \
	--txt-record="ok.example,v=spf1 -all" \
	--txt-record="_dmarc.ok.example,v=DMARC1; p=reject; rua=mailto:r@reports.example" \
	--txt-record="ok.example._report._dmarc.reports.example,v=DMARC1" \
	--server=/slow.example/127.0.0.11
AG=$AG_BUILD/authgate

# run NAME WANT_EXIT JQ_FILTER ARGS...: dns-check --json, its exit status
# and a jq test of its output.
run() {
	local name=$1 want=$2 filter=$3 rc
	shift 3
	e2e_ns "$AG" dns-check --json --timeout 2 "$@" >"$W/out/$name.json" 2>"$W/out/$name.err"
	rc=$?
	if [ "$rc" = "$want" ] && jq -e "$filter" "$W/out/$name.json" >/dev/null 2>&1; then
		ok "$name: exit $want, $filter"
	else
		nok "$name: exit $rc (want $want), $filter" "$(cat "$W/out/$name.json" "$W/out/$name.err")"
	fi
}

run good 0 '.spf.status == "ok" and .spf.lookups == 2 and .dmarc.p == "reject" and .mx.hosts == ["10 mx.good.example"] and (.problems | length) == 0 and ([.dkim[].status] == ["ok","ok"]) and .dkim[1].key_type == "ed25519" and .dkim[0].bits == 2048' \
	good.example -s s1 -s ed
run dkim-faults 1 '[.dkim[].status] == ["missing","revoked","syntax","too_short"]' \
	good.example -s nokey -s gone -s bad -s weak
run spf-too-many-lookups 1 '.spf.status == "too_many_lookups" and .spf.lookups > 10' many.example
run spf-two-records 1 '.spf.status == "multiple"' two.example
run spf-syntax 1 '.spf.status == "syntax"' broken.example
run spf-plus-all 1 '.problems | any(.text | test("\\+all"))' open.example
run spf-include-nowhere 1 '.problems | any(.text | test("nothing.void.example: no SPF record"))' void.example
run dmarc-missing 1 '.dmarc.status == "none"' nodmarc.example
run dmarc-two-records 1 '.dmarc.status == "multiple"' dup.example
run dmarc-report-elsewhere-unauthorized 1 '.dmarc.status == "ok" and (.problems | any(.text | test("reports.example, which has not agreed")))' ext.example
run dmarc-report-elsewhere-authorized 0 '.dmarc.status == "ok" and (.problems | length) == 0' ok.example
run org-domain-record 1 '.dmarc.name == "_dmarc.good.example" and (.warnings | any(.text | test("organizational domain")))' sub.good.example
run dns-timeout 1 '.spf.status == "temperror" and .dmarc.status == "temperror"' slow.example

e2e_ns "$AG" dns-check good.example --selector s1 >"$W/out/human.txt" 2>&1
grep -q '^SPF    ok        v=spf1 include:_spf.good.example mx -all' "$W/out/human.txt" &&
	grep -q '2 DNS lookups of 10' "$W/out/human.txt" &&
	grep -q '^DKIM   ok        s1._domainkey.good.example: rsa, 2048 bits' "$W/out/human.txt" &&
	grep -q '^0 problems' "$W/out/human.txt" &&
	ok "human output" || nok "human output" "$(cat "$W/out/human.txt")"
"$AG" dns-check >/dev/null 2>&1
[ $? = 2 ] && ok "no domain: exit 2" || nok "no domain: exit 2"
"$AG" dns-check -s 'a b' good.example >/dev/null 2>&1
[ $? = 2 ] && ok "bad selector: exit 2" || nok "bad selector: exit 2"

echo "1..$n"
[ "$failed" = 0 ]
