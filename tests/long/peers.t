#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The benchmark against Rspamd, in brief (one round of 32 messages per
# configuration), so that CI sees `make bench`'s peer comparison still
# works: Rspamd starts in the namespace, each Exim configuration answers
# every message, the CPU of each component is measured, and every verdict
# where authgate and Rspamd disagree has a stated reason. The figures of
# so short a run mean nothing; `make bench` makes the real ones. TAP;
# needs root.
set -u
AG_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$AG_ROOT/tests/tap.sh"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP the peer benchmark needs root (ip netns)"
	exit 0
fi
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
ROUNDS=1 COUNT=32 "$AG_ROOT/bench/peers.sh" >"$out" 2>"$err"
rc=$?
# "| (c) Exim with neither | 1 | 193.0 [...] | ... | replies |"
rows=$(grep -cE '^\| \([abc][0'"'"']?\) ' "$out")
[ "$rows" = 10 ] && ok "10 rows: 5 configurations at concurrency 1 and 8" ||
	nok "$rows result rows" "$(cat "$out" "$err")"
for c in "(c) Exim with neither" "(a0) Exim" "(a) Exim + authgate" "(a') Exim + authgate" "(b) Exim + Rspamd"; do
	answered=$(grep -F "| $c" "$out" | grep -oE '[0-9]{3}=[0-9]+' |
		cut -d= -f2 | awk '{s += $1} END {print s + 0}')
	[ "$answered" = 64 ] && ok "$c: all 32 messages answered, twice" ||
		nok "$c: $answered replies of 64" "$(grep -F "| $c" "$out")"
done
grep -F '| (b) Exim + Rspamd | 8 |' "$out" | grep -q '550=' &&
	ok "Exim acts on Rspamd's DMARC reject (550s)" || nok "no 550 from the Rspamd configuration"
rsp=$(grep -F '| (b) Exim + Rspamd | 8 |' "$out" | awk -F'|' '{gsub(/ /, "", $6); print $6}')
awk -v x="$rsp" 'BEGIN {exit !(x > 0)}' && ok "Rspamd's CPU measured ($rsp s per 1,000 messages)" ||
	nok "Rspamd's CPU not measured: '$rsp'" "$(cat "$out")"
msgs=$(grep -c '| dmarc |' "$out")
[ "$msgs" -ge 16 ] && ok "verdicts compared on $msgs distinct messages" || nok "$msgs messages compared"
[ "$rc" = 0 ] && ok "every disagreement with Rspamd has a reason" ||
	nok "bench/peers.sh exit $rc: an unexplained disagreement, or a failure" "$(sed -n '/^### Disagreements/,$p' "$out"; tail -5 "$err")"
tap_done
