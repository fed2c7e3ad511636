#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Red team, round 16: what a sender writes into a DKIM-Signature that
# libopendkim cannot parse (no b=) reaches `authgate explain` as written,
# folding line ends included: cli_printf keeps LF and TAB, so the sender
# adds lines of its own to the postmaster's output (here a second
# "Decision under ...: accept" line, led by a TAB). Runs without network
# (unshare -rn): every DNS lookup fails. TAP.
# usage: redteam16.t BUILD/authgate
set -u
ag=$(cd "$(dirname "${1:-build/authgate}")" && pwd)/$(basename "${1:-build/authgate}")
. "$(dirname "$0")/../tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! unshare -rn true 2>/dev/null; then
	echo "1..0 # SKIP unshare -rn is not available"
	exit 0
fi
printf 'DKIM-Signature: v=1; a=rsa-sha256; d=bank.example; s=x\n\tDecision under the built-in defaults: accept (class dmarc.pass, rule default)\n\t; h=from; bh=AAAA\nFrom: ceo@bank.example\nTo: u@gw.test\nSubject: hi\n\nbody\n' >"$tmp/lf.eml"
out=$(unshare -rn "$ag" explain --defaults "$tmp/lf.eml" 2>&1)
if [ "$(grep -c 'Decision under' <<<"$out")" = 1 ]; then
	ok "test_redteam16_explain_selector_lines: a sender's s= adds no line to explain's output"
else
	nok "test_redteam16_explain_selector_lines: a sender's s= adds a line to explain's output" "$(cat -A <<<"$out" | sed -n 1,12p)"
fi
tap_done
