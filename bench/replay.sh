#!/usr/bin/env bash
# Replay and stats throughput: a 100,000-line log (tests/data/replay, written by
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
rate() { # FILE COMMAND...: lines per second, median of 3
	local i s e f=$1
	shift
	for i in 1 2 3; do
		s=$(date +%s.%N)
		taskset -c 0 "$build/authgate" "$@" "$f" >/dev/null
		e=$(date +%s.%N)
		awk -v n="$lines" -v s="$s" -v e="$e" 'BEGIN {printf "%.0f\n", n / (e - s)}'
	done | sort -n | awk '{v[NR] = $1} END {printf "%s [%s-%s]", v[2], v[1], v[3]}'
}
echo "## Replay and stats (one core)"
echo
echo "| command | log | bytes | lines/s, median [min-max] of 3 |"
echo "|---|---|---|---|"
for f in authgate.log authgate.log.gz; do
	echo "| replay --policy b.ini | $f | $(wc -c <"$tmp/$f") | $(rate "$tmp/$f" replay --policy "$data/b.ini" --json) |"
done
for f in authgate.log authgate.log.gz; do
	echo "| stats | $f | $(wc -c <"$tmp/$f") | $(rate "$tmp/$f" stats --json) |"
done
echo
echo "Target (issue 5): replay at least 200,000 lines/s. Replay reads a line"
echo "as authgate writes it without parsing the decision (action and class"
echo "are its first keys) and gives jansson a region reset per line; perf"
echo "(2026-11-23) puts most of what is left in jansson building the facts"
echo "tree (58 % of samples) and libc (20 %)."
