#!/usr/bin/env bash
# Replay throughput: a 100,000-line log (tests/data/replay, written by
# `authgate decide --lines --log` under a.ini) replayed under b.ini, plain
# and gzip-compressed, on one core; the median of 3 runs. Prints Markdown.
set -euo pipefail
build=${1:-build}
data=tests/data/replay
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lines=100000
/usr/bin/python3 "$data/facts.py" "$lines" >"$tmp/facts.jsonl"
"$build/authgate" decide --policy "$data/a.ini" --facts "$tmp/facts.jsonl" \
	--lines --log --host bench >"$tmp/authgate.log"
gzip -k "$tmp/authgate.log"
rate() { # FILE: lines per second, median of 3
	local i s e
	for i in 1 2 3; do
		s=$(date +%s.%N)
		taskset -c 0 "$build/authgate" replay --policy "$data/b.ini" --json "$1" >/dev/null
		e=$(date +%s.%N)
		awk -v n="$lines" -v s="$s" -v e="$e" 'BEGIN {printf "%.0f\n", n / (e - s)}'
	done | sort -n | awk '{v[NR] = $1} END {printf "%s [%s-%s]", v[2], v[1], v[3]}'
}
echo "## Replay (authgate replay, one core)"
echo
echo "| log | bytes | lines/s, median [min-max] of 3 |"
echo "|---|---|---|"
echo "| plain | $(wc -c <"$tmp/authgate.log") | $(rate "$tmp/authgate.log") |"
echo "| gzip | $(wc -c <"$tmp/authgate.log.gz") | $(rate "$tmp/authgate.log.gz") |"
echo
echo "Target (issue 5): at least 200,000 lines/s. perf on the plain run"
echo "(2026-11-23): libjansson 65 % of samples, libc (its malloc and free)"
echo "27 %, authgate's own code (facts, decide) 4.5 %: the cost is parsing"
echo "each whole line into a tree."
