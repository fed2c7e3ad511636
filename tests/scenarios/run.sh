#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every scenario case (facts + policy + expected action and class)
# through `authgate decide` and prints TAP. Cases come from this folder
# and, when it exists beside the checkout, from ../shared/scenarios.
# usage: run.sh [path/to/authgate]
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../../build/authgate}
dirs=("$here")
shared=$(cd "$here/../../.." && pwd)/shared/scenarios
[ -d "$shared/cases" ] && dirs+=("$shared")

cases=()
for d in "${dirs[@]}"; do
	for f in "$d"/cases/*.json; do
		[ -e "$f" ] && cases+=("$f")
	done
done
echo "1..${#cases[@]}"
[ -d "$shared/cases" ] || echo "# ../shared/scenarios not found: own cases only"
n=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for f in "${cases[@]}"; do
	n=$((n + 1))
	name=$(jq -r '.name' "$f")
	policy=$(dirname "$f")/../$(jq -r '.policy' "$f")
	jq '.facts' "$f" >"$tmp"
	want="$(jq -r '.expect.action + "/" + .expect.class' "$f")"
	if ! out=$("$bin" decide --policy "$policy" --facts "$tmp" 2>&1); then
		echo "not ok $n - $name: authgate failed: $out"
		continue
	fi
	got="$(printf '%s' "$out" | jq -r '.action + "/" + .class')"
	extra=""
	# Optional: the rule that decided, and findings expected waived.
	if jq -e '.expect.rule' "$f" >/dev/null; then
		wr=$(jq -r '.expect.rule' "$f")
		gr=$(printf '%s' "$out" | jq -r '.rule')
		[ "$wr" = "$gr" ] || extra=" rule: want $wr got $gr"
	fi
	if jq -e '.expect.waived' "$f" >/dev/null; then
		for cls in $(jq -r '.expect.waived | keys[]' "$f"); do
			ww=$(jq -r --arg c "$cls" '.expect.waived[$c]' "$f")
			gw=$(printf '%s' "$out" | jq -r --arg c "$cls" \
				'[.findings[] | select(.class == $c)][0].waived')
			[ "$ww" = "$gw" ] || extra="$extra waived[$cls]: want $ww got $gw"
		done
	fi
	if [ "$want" = "$got" ] && [ -z "$extra" ]; then
		case "$f" in "$shared"/*) src=shared ;; *) src=own ;; esac
		echo "ok $n - $name ($src)"
	else
		echo "not ok $n - $name: want $want got $got$extra"
	fi
done
