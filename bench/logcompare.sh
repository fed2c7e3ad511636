#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The log readers of two builds compared on one varied log
# (bench/varylog.py, 100,000 lines by default): both write it (the logs
# must be the same bytes), then replay, stats and report of each read it,
# plain and gzip-compressed, and every output (standard output, standard
# error, exit status, report files) must be the same; then each reader is
# timed, the two builds alternating, on one core. Prints Markdown; exit 1
# when any output differs.
# usage: logcompare.sh OLD_BUILD NEW_BUILD [LINES]
set -uo pipefail
old=$1
new=$2
lines=${3:-100000}
data=tests/data/replay
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/old" "$tmp/new"
log=$tmp/authgate.log
for bin in "$old" "$new"; do
	/usr/bin/python3 bench/varylog.py "$bin/authgate" "$lines" "$log.$([ "$bin" = "$old" ] && echo old || echo new)" ||
		{ echo "varylog.py failed with $bin"; exit 2; }
done
cmp "$log.old" "$log.new" || { echo "the writers differ"; exit 1; }
mv "$log.new" "$log"
rm "$log.old"
gzip -k "$log"
echo "## Log readers: $old against $new"
echo
echo "The log: $(wc -l <"$log") lines, $(wc -c <"$log") bytes ($(wc -c <"$log.gz") gzip-compressed)."
echo

# The cases: a name, then the command's arguments (LOG: the log's path).
cases=(
	"stats|stats LOG"
	"stats-json|stats --json LOG"
	"stats-gz|stats --json LOG.gz"
	"stats-two|stats --json LOG LOG.gz"
	"stats-since|stats --since 2026-11-22T12:00Z LOG"
	"stats-since-json|stats --json --since 2026-11-23T00:00:30Z LOG"
	"stats-since-age|stats --json --since 2d LOG"
)
for k in action class domain ip selector minute; do
	cases+=("stats-by-$k|stats --by $k LOG" "stats-json-by-$k|stats --json --by $k LOG")
done
for day in 2026-11-21 2026-11-22 2026-11-23 2026-11-24; do
	cases+=("report-$day|report --org-name GW --org-email postmaster@gw.test --period $day --out OUT LOG")
done
cases+=("report-gz|report --org-name GW --org-email postmaster@gw.test --period 2026-11-22 --out OUT LOG.gz")
for p in "$data/b.ini" "$data/a.ini" "$tmp/varylog-monitor.ini"; do
	n=${p##*/}
	cases+=("replay-$n|replay --policy $p LOG" "replay-json-$n|replay --policy $p --json LOG")
done
cases+=("replay-gz|replay --policy $data/b.ini --json LOG.gz LOG")

run() { # BUILD DIR ARGS...: one case's outputs into DIR
	local bin=$1 dir=$2
	shift 2
	mkdir -p "$dir/out"
	"$bin/authgate" "${@//OUT/$dir/out}" >"$dir/stdout" 2>"$dir/stderr"
	echo $? >"$dir/status"
	sed -i "s#$dir/out#OUT#g" "$dir/stdout" "$dir/stderr"
}
differ=0
echo "| case | report files | lines out | same |"
echo "|---|---|---|---|"
for c in "${cases[@]}"; do
	name=${c%%|*}
	args=${c#*|}
	args=${args//LOG/$log}
	# shellcheck disable=SC2086
	run "$old" "$tmp/old/$name" $args
	# shellcheck disable=SC2086
	run "$new" "$tmp/new/$name" $args
	files=$(find "$tmp/new/$name/out" -type f | wc -l)
	out=$(cat "$tmp/new/$name/stdout" "$tmp/new/$name/stderr" | wc -l)
	if diff -r "$tmp/old/$name" "$tmp/new/$name" >"$tmp/diff"; then
		echo "| \`${args//$tmp\//}\` | $files | $out | yes |"
	else
		echo "| \`${args//$tmp\//}\` | $files | $out | **no** |"
		sed 's/^/    /' "$tmp/diff" | head -20
		differ=1
	fi
done
echo

once() { # BUILD ARGS...: "WALL CPU" seconds of one run
	local b=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$tmp/time" taskset -c 0 "$b/authgate" "$@" >/dev/null 2>&1
	awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$tmp/time"
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
n=$(wc -l <"$log")
echo "Lines per second on one core (taskset -c 0), median of 5 runs, the"
echo "builds alternating; by wall-clock time, and by CPU time (user +"
echo "system), which other load on the machine disturbs less:"
echo
echo "| command | old lines/s | new lines/s | new/old | old, by CPU | new, by CPU | new/old |"
echo "|---|---|---|---|---|---|---|"
timed=(
	"stats --json LOG"
	"stats --json LOG.gz"
	"report --org-name GW --org-email postmaster@gw.test --period 2026-11-22 --out $tmp/tout LOG"
	"replay --policy $data/b.ini --json LOG"
	"replay --policy $data/b.ini --json LOG.gz"
)
mkdir -p "$tmp/tout"
for t in "${timed[@]}"; do
	args=${t//LOG/$log}
	: >"$tmp/t.old"
	: >"$tmp/t.new"
	for i in 1 2 3 4 5; do
		# shellcheck disable=SC2086
		once "$old" $args >>"$tmp/t.old"
		# shellcheck disable=SC2086
		once "$new" $args >>"$tmp/t.new"
	done
	a=$(cut -d' ' -f1 "$tmp/t.old" | median)
	b=$(cut -d' ' -f1 "$tmp/t.new" | median)
	c=$(cut -d' ' -f2 "$tmp/t.old" | median)
	d=$(cut -d' ' -f2 "$tmp/t.new" | median)
	awk -v n="$n" -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v t="${args//$tmp\//}" \
		'BEGIN {printf "| `%s` | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |\n", t, n / a, n / b, a / b, n / c, n / d, c / d}'
done
exit $differ
