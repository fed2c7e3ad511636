#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Replay and stats throughput: a 100,000-line log (tests/data/replay, written by
# `authgate decide --lines --log` under a.ini) replayed under b.ini, plain
# and gzip-compressed, on one core; the median of 3 runs. Prints Markdown.
# usage: replay.sh [BUILD [BASELINE]]: with a BASELINE build directory
# (another commit's), both are timed in alternation on the same log and
# the table gains the baseline's figures and the ratio.
set -euo pipefail
build=${1:-build}
base=${2:-}
data=tests/data/replay
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lines=100000
/usr/bin/python3 "$data/facts.py" "$lines" >"$tmp/facts.jsonl"
"$build/authgate" decide --policy "$data/a.ini" --facts "$tmp/facts.jsonl" \
	--lines --log --host bench >"$tmp/authgate.log"
gzip -k "$tmp/authgate.log"
once() { # BUILD FILE COMMAND...: lines per second of one run
	local s e b=$1 f=$2
	shift 2
	s=$(date +%s.%N)
	taskset -c 0 "$b/authgate" "$@" "$f" >/dev/null
	e=$(date +%s.%N)
	awk -v n="$lines" -v s="$s" -v e="$e" 'BEGIN {printf "%.0f\n", n / (e - s)}'
}
median() { # lines of numbers: "median [min-max]"
	sort -n | awk '{v[NR] = $1} END {printf "%s [%s-%s]", v[2], v[1], v[3]}'
}
row() { # LABEL FILE COMMAND...: one table row
	local i label=$1 f=$2
	shift 2
	if [ -z "$base" ]; then
		echo "| $label | ${f##*/} | $(wc -c <"$f") | $(for i in 1 2 3; do once "$build" "$f" "$@"; done | median) |"
		return
	fi
	for i in 1 2 3; do
		once "$build" "$f" "$@" >>"$tmp/new"
		once "$base" "$f" "$@" >>"$tmp/old"
	done
	echo "| $label | ${f##*/} | $(wc -c <"$f") | $(median <"$tmp/new") | $(median <"$tmp/old") | $(awk -v a="$(sort -n "$tmp/new" | sed -n 2p)" -v b="$(sort -n "$tmp/old" | sed -n 2p)" 'BEGIN {printf "%.2f", a / b}') |"
	rm -f "$tmp/new" "$tmp/old"
}
echo "## Replay and stats (one core)"
echo
if [ -z "$base" ]; then
	echo "| command | log | bytes | lines/s, median [min-max] of 3 |"
	echo "|---|---|---|---|"
else
	echo "| command | log | bytes | $build: lines/s, median [min-max] of 3 | $base (baseline) | ratio of medians |"
	echo "|---|---|---|---|---|---|"
fi
for f in authgate.log authgate.log.gz; do
	row "replay --policy b.ini" "$tmp/$f" replay --policy "$data/b.ini" --json
done
for f in authgate.log authgate.log.gz; do
	row "stats" "$tmp/$f" stats --json
done
echo
echo "Target (issue 5): replay at least 200,000 lines/s. Replay reads a line"
echo "as authgate writes it without parsing the decision (action and class"
echo "are its first keys) and pulls the facts straight into their struct"
echo "with util/jsonpull.c (no JSON tree). Stats reads lines through the"
echo "same reader (log/reader.c)."
