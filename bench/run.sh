#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench`: runs every benchmark and writes bench/report.md (Markdown:
# the machine, the versions, each figure as median [min-max]).
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
out=bench/report.md
{
	echo "# authgate benchmark report"
	echo
	echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	echo "- authgate: $("$build/authgate" --version), $(cc --version | head -1)"
	echo "- libraries: libpsl $(dpkg-query -W -f='${Version}' libpsl5), jansson $(dpkg-query -W -f='${Version}' libjansson4), inih $(dpkg-query -W -f='${Version}' libinih1)"
	echo
	taskset -c 0 "$build/bench_policy" 2>/dev/null || "$build/bench_policy"
	echo
	bench/dkim.sh "$build"
	echo
	bench/replay.sh "$build"
	echo
	if [ "$(id -u)" = 0 ]; then
		AG_BUILD=$(cd "$build" && pwd) bench/peers.sh
	else
		echo "(The benchmarks in Exim, with and without authgate and Rspamd, need root: skipped.)"
	fi
} | tee "$out"
echo
echo "written: $out"
