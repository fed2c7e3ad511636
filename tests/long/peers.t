#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/peers.sh in brief (one round of 40 messages, one per SMTP session
# and ten per session), so that CI sees `make bench`'s comparison still
# works: every variant this build offers runs side by side with two
# identical plain-Exim daemons, every message is accepted by every
# variant (the work compared is equal), the CPU of each component is
# measured, and every verdict where authgate and Rspamd disagree has a
# stated reason. Then the same with authgate enforcing its policy: the
# corpus has messages it rejects, and the benchmark must refuse to
# compare. The figures of so short a run mean nothing; `make bench`
# makes the real ones. TAP; needs root.
set -u
AG_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$AG_ROOT/tests/tap.sh"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP the peer benchmark needs root (ip netns, cgroups)"
	exit 0
fi
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
ROUNDS=1 COUNT=40 "$AG_ROOT/bench/peers.sh" >"$out" 2>"$err"
rc=$?
[ "$rc" = 0 ] && ok "bench/peers.sh ran: every variant accepted every message, every disagreement has a reason" ||
	nok "bench/peers.sh exit $rc" "$(sed -n '/^### Disagreements/,$p' "$out"; tail -5 "$err")"
# "| so | Exim + authgate.so, ... | measured |"
for v in plain1 plain2 acls so verify big rspamd; do
	grep -qE "^\| $v \| .* \| measured \|$" "$out" && ok "$v measured" ||
		nok "$v not measured" "$(grep -E "^\| $v " "$out")"
done
for v in so-pre verify-pre big-agc big-agc-pre static; do
	grep -qE "^\| $v \| .* \| (measured|not available: .*|not built .*) \|$" "$out" &&
		ok "$v: $(grep -E "^\| $v " "$out" | head -1 | sed -E 's/.* \| ([^|]*) \|$/\1/')" ||
		nok "$v has no row" "$(cat "$out")"
done
grep -qE '^Noise floor, .*: 1 message per session [0-9.]+ \[.*; 10 messages per session [0-9.]+ ' "$out" &&
	ok "the noise floor (plain2/plain1) is reported" || nok "no noise floor" "$(cat "$out")"
# "| rspamd | 1.234 [..] | 0.001 [..] | 0.567 [..] |" in the components table
rsp=$(grep -E '^\| rspamd \| [0-9.]+ \[' "$out" | awk -F' [|] ' 'NF == 4 {print $4}' | cut -d' ' -f1)
awk -v x="$rsp" 'BEGIN {exit !(x > 0)}' && ok "Rspamd's CPU measured ($rsp ms per message)" ||
	nok "Rspamd's CPU not measured: '$rsp'" "$(cat "$out")"
grep -qE '^\| so \| -?[0-9.]+ \[.*\| -?[0-9.]+ \[.*\| -?[0-9.]+ \[.*\| -?[0-9.]+ \[.*\| -?[0-9.]+ \[.*\| -?[0-9.]+ \[' "$out" &&
	ok "so: added CPU, its ratio to Rspamd's, per session and per message" ||
	nok "no added-CPU row for so" "$(cat "$out")"
msgs=$(grep -c '| dmarc |' "$out")
[ "$msgs" -ge 16 ] && ok "verdicts compared on $msgs distinct messages" || nok "$msgs messages compared"
# Enforcing, authgate rejects part of the corpus: the run must fail.
PEERS_MODE=enforce ROUNDS=1 COUNT=16 SPLITS=1 VARIANTS=so AGREE=0 \
	"$AG_ROOT/bench/peers.sh" >"$out" 2>"$err"
rc=$?
[ "$rc" != 0 ] && grep -q 'not every message was accepted by every variant' "$err" &&
	grep -qE 'so 250=[0-9]+ 550=' "$err" &&
	ok "a variant that rejects makes the benchmark fail, naming it" ||
	nok "enforcing variant: exit $rc" "$(tail -5 "$err")"
tap_done
