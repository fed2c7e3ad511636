#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# authgate explain without DNS: the parts that decide like the module
# whatever DNS says. The policy in force (the installed one by default,
# --policy, --defaults), arc = off not validating ARC, the client read
# from the top Received line (Exim's, Postfix's, SMTP AUTH, local), and
# "not checked" (no SPF advice) without a client. Runs in a user, network
# and mount namespace (unshare -rnm): no network, so every DNS lookup
# fails at once, and a private /etc/exim4 for the installed policy. TAP.
# usage: explain.t BUILD/authgate
set -u
ag=$(cd "$(dirname "${1:-build/authgate}")" && pwd)/$(basename "${1:-build/authgate}")
. "$(dirname "$0")/../tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! unshare -rnm true 2>/dev/null; then
	echo "1..0 # SKIP unshare -rnm is not available"
	exit 0
fi
# ns [--installed DIR] ARGS...: authgate ARGS in the namespace, with DIR
# (holding authgate/policy.ini) or an empty directory as /etc/exim4.
# Without /etc/exim4 on this host, --installed is not possible (has_etc).
has_etc=false
[ -d /etc/exim4 ] && has_etc=true
ns() {
	local etc=$tmp/etc-empty
	mkdir -p "$etc"
	if [ "$1" = --installed ]; then
		etc=$2
		shift 2
	fi
	if $has_etc; then
		unshare -rnm sh -c 'mount --bind "$1" /etc/exim4 || exit 99; shift; exec "$@"' sh "$etc" "$ag" "$@"
	else
		unshare -rn "$ag" "$@"
	fi
}

msg() { # msg FILE [HEADER...]: a message from alice@signer.example
	local file=$1 h
	shift
	{
		for h in "$@"; do printf '%s\n' "$h"; done
		printf 'From: Alice <alice@signer.example>\nTo: user@gw.test\nSubject: hi\n\nHello.\n'
	} >"$file"
}

# ---- the policy in force ----
msg "$tmp/plain.eml"
if $has_etc; then
	mkdir -p "$tmp/etc/authgate"
	printf '[actions]\ndmarc.temperror = reject\n' >"$tmp/etc/authgate/policy.ini"
	out=$(ns --installed "$tmp/etc" explain --json "$tmp/plain.eml")
	[ "$(jq -r '"\(.policy) \(.decision.action) \(.decision.class)"' <<<"$out")" = "/etc/exim4/authgate/policy.ini reject dmarc.temperror" ] &&
		ok "no --policy: the installed policy decides" || nok "installed policy" "$(jq -c '{policy, a: .decision.action}' <<<"$out")"
	out=$(ns --installed "$tmp/etc" explain "$tmp/plain.eml")
	grep -q '^Policy: /etc/exim4/authgate/policy.ini (the installed policy' <<<"$out" &&
		ok "human output names the installed policy" || nok "Policy: line" "$out"
	out=$(ns --installed "$tmp/etc" explain --defaults --json "$tmp/plain.eml")
	[ "$(jq -r '"\(.policy) \(.decision.action)"' <<<"$out")" = "null tempfail" ] &&
		ok "--defaults: the built-in defaults, policy installed or not" || nok "--defaults" "$out"
else
	for i in 1 2 3; do ok "# SKIP no /etc/exim4 to mount a policy on"; done
fi
out=$(ns explain "$tmp/plain.eml")
grep -q '^Policy: the built-in defaults (no /etc/exim4/authgate/policy.ini installed)' <<<"$out" &&
	grep -q '^Decision under the built-in defaults: tempfail' <<<"$out" &&
	ok "nothing installed: the built-in defaults, and it says so" || nok "nothing installed" "$out"
printf '[actions]\ndmarc.temperror = accept\n' >"$tmp/other.ini"
out=$(ns --installed "$tmp/etc" explain --json --policy "$tmp/other.ini" "$tmp/plain.eml")
[ "$(jq -r '"\(.policy) \(.decision.action)"' <<<"$out")" = "$tmp/other.ini accept" ] &&
	ok "--policy wins over the installed one" || nok "--policy" "$out"
ns explain --policy "$tmp/other.ini" --defaults "$tmp/plain.eml" >/dev/null 2>&1
[ $? = 2 ] && ok "--policy with --defaults: exit 2" || nok "--policy with --defaults"
if $has_etc; then
	printf '[general]\nmode = enforced\n' >"$tmp/etc/authgate/policy.ini"
	ns --installed "$tmp/etc" explain "$tmp/plain.eml" >/dev/null 2>"$tmp/err"
	[ $? = 2 ] && grep -q '^/etc/exim4/authgate/policy.ini:2: error' "$tmp/err" &&
		ok "an invalid installed policy: exit 2 naming FILE:LINE" || nok "invalid installed policy" "$(cat "$tmp/err")"
else
	ok "# SKIP no /etc/exim4 to mount a policy on"
fi

# ---- no client: SPF not checked, and no SPF advice ----
out=$(ns explain "$tmp/plain.eml")
grep -q '^SPF:   not checked (no Authentication-Results to trust; use --ip)' <<<"$out" &&
	ok "no client: SPF not checked" || nok "SPF not checked" "$out"
grep -q '(unknown)' <<<"$out" && nok "no client: something is (unknown)" "$out" || ok "no client: nothing (unknown)"
grep -q 'Publish an SPF record' <<<"$out" && nok "no client: SPF advice" "$out" || ok "no client: no SPF advice"
grep -q '^Note: SPF was not checked' <<<"$out" && ok "no client: the decision says SPF counted as none" || nok "note" "$out"
out=$(ns explain --json "$tmp/plain.eml")
jq -e '.not_checked == ["client", "spf", "arc"] and .facts.client.ip == null and .facts.mail_from == null and ([.advice[].class | select(startswith("spf."))] | length) == 0' <<<"$out" >/dev/null &&
	ok "--json: not_checked, no client, no SPF advice" || nok "--json not checked" "$(jq -c '{not_checked, advice}' <<<"$out")"
# A trusted Authentication-Results gives SPF but no client address: no
# "add the sending server (unknown)".
msg "$tmp/ar.eml" 'Authentication-Results: mx.gw.test; spf=fail smtp.mailfrom=signer.example'
out=$(ns explain --json --authserv-id mx.gw.test "$tmp/ar.eml")
jq -e '.facts.spf.result == "fail" and (.not_checked | index("spf") == null) and ([.advice[].text | select(test("unknown"))] | length) == 0' <<<"$out" >/dev/null &&
	ok "SPF from Authentication-Results: no advice naming an unknown server" || nok "A-R advice" "$(jq -c '{not_checked, advice}' <<<"$out")"

# ---- the client from the top Received line ----
rcvd() { # rcvd NAME RECEIVED [HEADER...]: explain --from-received --json
	local name=$1 r=$2
	shift 2
	msg "$tmp/$name.eml" "Received: $r" 'Received: from a.example ([192.0.2.1]) by b.example with esmtp id X; Mon' "$@"
	ns explain --json --from-received "$tmp/$name.eml" 2>"$tmp/$name.err"
}
got=$(rcvd exim $'from mx.sender.example ([203.0.113.7] helo=mx.sender.example)\n\tby mx.gw.test with esmtp (Exim 4.96)\n\t(envelope-from <bounce@signer.example>)\n\tid 1xaWhO-000662-1x\n\tfor user@gw.test; Mon, 07 Dec 2026 11:16:02 +0000' |
	jq -r '"\(.facts.client.ip) \(.facts.client.helo) \(.facts.mail_from) \(.facts.id) \(.facts.client.authenticated) \(.client_source)"')
[ "$got" = "203.0.113.7 mx.sender.example bounce@signer.example 1xaWhO-000662-1x false from the top Received line, by mx.gw.test" ] &&
	ok "Exim's Received: address, HELO, envelope-from, id" || nok "Exim's Received" "$got"
got=$(rcvd exim2 'from [203.0.113.7] (helo=[203.0.113.9]) by mx.gw.test with esmtps (TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from <b@signer.example>) id 1x-2-3; Mon' |
	jq -r '"\(.facts.client.ip) \(.facts.client.helo) \(.facts.mail_from)"')
[ "$got" = "203.0.113.7 [203.0.113.9] b@signer.example" ] &&
	ok "Exim's Received without a host name, HELO an address literal" || nok "Exim no host name" "$got"
got=$(rcvd postfix 'from mail.example.org (unknown [IPv6:2001:db8::25]) by mx.example.net (Postfix) with ESMTPS id 4ABC; Mon' 'Return-Path: <rp@signer.example>' |
	jq -r '"\(.facts.client.ip) \(.facts.client.helo) \(.facts.mail_from)"')
[ "$got" = "2001:db8::25 mail.example.org rp@signer.example" ] &&
	ok "Postfix's Received, IPv6; MAIL FROM from Return-Path" || nok "Postfix" "$got"
got=$(rcvd auth 'from [203.0.113.7] (helo=laptop) by mx.gw.test with esmtpsa (Exim 4.96) (envelope-from <alice@signer.example>) id 1x-2-3; Mon' |
	jq -r '"\(.facts.client.authenticated) \(.decision.rule)"')
[ "$got" = "true skip.authenticated" ] && ok "esmtpsa: authenticated, skipped as the module skips it" || nok "esmtpsa" "$got"
got=$(rcvd local 'from root by mx.gw.test with local (Exim 4.96) (envelope-from <root@gw.test>) id 1x-2-3; Mon' |
	jq -r '"\(.facts.client.ip) \(.facts.client.helo) \(.decision.rule) \(.spf_source)"')
[ "$got" = "null null skip.authenticated a local submission, which the module accepts unchecked" ] &&
	ok "a local submission: no client, accepted unchecked" || nok "local" "$got"
got=$(rcvd nulls 'from mx.sender.example ([203.0.113.7]) by mx.gw.test with esmtp (Exim 4.96) id 1x-2-3; Mon' 'Return-Path: <>' |
	jq -r '"\(.facts.client.helo) [\(.facts.mail_from)] \(.facts.spf.domain)"')
[ "$got" = "mx.sender.example [] mx.sender.example" ] &&
	ok "null sender: HELO checked, as SPF does" || nok "null sender" "$got"
msg "$tmp/o.eml" 'Received: from mx.sender.example ([203.0.113.7]) by mx.gw.test with esmtp (Exim 4.96) (envelope-from <x@signer.example>) id 1; Mon'
got=$(ns explain --json --from-received --ip 192.0.2.99 --helo h.example "$tmp/o.eml" | jq -r '"\(.facts.client.ip) \(.facts.client.helo) \(.facts.mail_from)"')
[ "$got" = "192.0.2.99 h.example x@signer.example" ] && ok "--ip and --helo override the Received line's" || nok "override" "$got"
rcvd noaddr 'from mx.sender.example by mx.gw.test with esmtp id 1; Mon' >/dev/null
[ $? = 2 ] && grep -q 'names no client address' "$tmp/noaddr.err" &&
	ok "a Received line naming no address: exit 2, said why" || nok "no address" "$(cat "$tmp/noaddr.err")"
ns explain --from-received "$tmp/plain.eml" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'no Received line' "$tmp/err" && ok "no Received line: exit 2" || nok "no Received line" "$(cat "$tmp/err")"
out=$(ns explain --from-received "$tmp/exim.eml")
grep -q '^Client: 203.0.113.7, HELO mx.sender.example, MAIL FROM <bounce@signer.example> (from the top Received line, by mx.gw.test)' <<<"$out" &&
	ok "human output: the client and where it came from" || nok "Client: line" "$out"

# ---- arc = off: no chain validated, as the module validates none ----
if command -v arcsign >/dev/null && command -v openssl >/dev/null; then
	openssl genrsa -out "$tmp/k.key" 2048 2>/dev/null
	{ printf 'Authentication-Results: mx.list.example; dmarc=pass header.from=signer.example\n'; cat "$tmp/plain.eml"; } |
		sed 's/$/\r/' | /usr/bin/python3 "$(command -v arcsign)" arc list.example "$tmp/k.key" mx.list.example 2>/dev/null |
		sed 's/\r$//' >"$tmp/sealed.eml"
	printf '[trusted]\narc_sealers = list.example\n' >"$tmp/arcoff.ini"
	out=$(ns explain --json --policy "$tmp/arcoff.ini" "$tmp/sealed.eml")
	jq -e '.facts.arc.result == "none" and (.facts.arc.instances | length) == 0 and (.not_checked | index("arc") != null) and (.arc_reason | test("carries 1 ARC set"))' <<<"$out" >/dev/null &&
		ok "arc = off: the chain is not validated, and said so" || nok "arc = off" "$(jq -c '{arc: .facts.arc, not_checked, arc_reason}' <<<"$out")"
	printf '[general]\narc = self\n[trusted]\narc_sealers = list.example\n' >"$tmp/arcself.ini"
	out=$(ns explain --json --policy "$tmp/arcself.ini" "$tmp/sealed.eml")
	jq -e '.facts.arc.result != "none" and (.facts.arc.instances | length) == 1 and (.not_checked | index("arc") == null)' <<<"$out" >/dev/null &&
		ok "arc = self: the chain is validated" || nok "arc = self" "$(jq -c '{arc: .facts.arc, not_checked}' <<<"$out")"
else
	ok "# SKIP arcsign (python3-dkim) or openssl missing"
	ok "# SKIP arcsign (python3-dkim) or openssl missing"
fi

# ---- whose DKIM verdicts ----
msg "$tmp/sig.eml" 'DKIM-Signature: v=1; a=rsa-sha256; d=signer.example; s=s1; c=relaxed/relaxed; h=from; bh=AAAA; b=AAAA'
got=$(ns explain --json --defaults "$tmp/sig.eml" | jq -r .dkim_source)
[ "$got" = "verified now by authgate; the gateway takes Exim's verdicts (dkim = exim)" ] &&
	ok "dkim = exim: the verdict is labelled as authgate's own" || nok "dkim = exim label" "$got"
printf '[general]\ndkim = self\n' >"$tmp/self.ini"
got=$(ns explain --json --policy "$tmp/self.ini" "$tmp/sig.eml" | jq -r .dkim_source)
[ "$got" = "verified now, as the gateway verifies them (dkim = self)" ] &&
	ok "dkim = self: the same verification as the gateway's" || nok "dkim = self label" "$got"

# ---- what a sender wrote cannot drive the postmaster's terminal ----
# A From header and a DKIM d= with an escape sequence and a bidi override:
# the human output shows '?' for them, the JSON output keeps them escaped.
printf 'From: \033]0;owned\007Eve <eve@bank.example>\nDKIM-Signature: v=1; a=rsa-sha256; d=x\342\200\256y.example; s=s; h=from; bh=AAAA; b=AAAA\nTo: user@gw.test\nSubject: hi\n\nHello.\n' >"$tmp/esc.eml"
out=$(ns explain --defaults "$tmp/esc.eml" 2>&1)
if ! LC_ALL=C grep -q $'\033\|\342\200\256' <<<"$out" && grep -q '^From: ?\]0;owned?Eve' <<<"$out"; then
	ok "explain shows control and bidi bytes a sender wrote as '?'"
else
	nok "explain passes a sender's escape sequence to the terminal" "$(cat -v <<<"$out" | head -20)"
fi

tap_done
