#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cli.sh BUILD/authgate: the authgate command over every input its tests
# use, each run under valgrind; TAP, one test per run, exit 1 on any
# memory error or leak.
#
# Inputs: every scenario's facts under its policy (this tree's and
# ../shared/scenarios), the facts and policy.ini fuzz corpora (valid and
# not), every policy file of the tests, a log written by `decide --lines
# --log` replayed, summarized and turned into reports (plain, gzip, with
# foreign lines), `explain` on the ARC corpus's messages and on messages
# signed and sealed here, `dns-check`, and the usage and error paths.
#
# valgrind counts definite, indirect and possible leaks as errors. Memory
# still reachable at exit is not: it is the libraries' own once-per-
# process state (OpenSSL, libspf2's resolver, libidn2), not ours to free.
# tests/valgrind/libs.supp names the one library leak valgrind reports
# (libspf2's per-thread resolver state) and why.
# As root the runs that look things up in DNS run in a network namespace
# of their own with nothing in it (unshare --net), so every lookup fails
# at once (temperror paths); otherwise they are skipped.
set -u
bin=${1:-build/authgate}
[ "${bin#/}" = "$bin" ] && bin=$PWD/$bin
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=$(cd "$root/.." && pwd)/shared/scenarios
. "$root/tests/tap.sh"
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v valgrind >/dev/null; then
	echo "1..0 # SKIP valgrind is not installed (scripts/deps.sh)"
	exit 0
fi
VG=(valgrind -q --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite,indirect,possible
	--show-leak-kinds=definite,indirect,possible --num-callers=30
	--suppressions="$root/tests/valgrind/libs.supp")
NET=()
if [ "$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then
	NET=(unshare --net)
fi
runs=0

# vg NAME ARGS...: one run of the command under valgrind; its own exit
# status (0, 1, 2) is the command's business, 99 is valgrind's.
vg() {
	local name=$1 rc
	shift
	runs=$((runs + 1))
	"${VG[@]}" "$bin" "$@" >"$tmp/out" 2>"$tmp/vg" </dev/null
	rc=$?
	if [ "$rc" != 99 ] && ! grep -q '^==[0-9]*== ' "$tmp/vg"; then
		ok "$name"
	else
		nok "$name (exit $rc)" "$(grep '^==' "$tmp/vg" | head -40)"
	fi
}
# vgnet NAME ARGS...: vg in a network namespace without a network.
vgnet() {
	local name=$1 rc
	shift
	if [ ${#NET[@]} = 0 ]; then
		echo "ok $((n + 1)) - $name # SKIP needs root for unshare --net"
		n=$((n + 1))
		return
	fi
	runs=$((runs + 1))
	"${NET[@]}" "${VG[@]}" "$bin" "$@" >"$tmp/out" 2>"$tmp/vg" </dev/null
	rc=$?
	if [ "$rc" != 99 ] && ! grep -q '^==[0-9]*== ' "$tmp/vg"; then
		ok "$name"
	else
		nok "$name (exit $rc)" "$(grep '^==' "$tmp/vg" | head -40)"
	fi
}

# ---- usage, version, errors ----
vg "no command" 
vg "--help" --help
vg "--version" --version
vg "--version POLICY" --version "$root/tests/data/replay/a.ini"
vg "--version broken policy" --version "$root/tests/data/config/four-errors.ini"
vg "unknown command" frobnicate
for c in decide check-config compile explain dns-check replay stats report; do
	vg "$c --help" "$c" --help
	vg "$c with a bad option" "$c" --no-such-option
done
vg "decide: unreadable facts" decide --policy "$root/policy.ini.example" --facts /nonexistent.json
vg "check-config: missing file" check-config /nonexistent/policy.ini

# ---- every policy file of the tests ----
for f in "$root"/policy.ini.example "$root"/tests/data/config/*.ini "$root"/tests/data/replay/*.ini \
	"$root"/tests/scenarios/*.ini "$shared"/*.ini "$root"/tests/fuzz/corpus/config/*; do
	[ -e "$f" ] || continue
	vg "check-config ${f#$root/}" check-config "$f"
done

# ---- the compiled form: written, read fresh, stale, corrupt ----
cp "$root/policy.ini.example" "$tmp/compiled.ini"
vg "compile" compile "$tmp/compiled.ini"
vg "compile: invalid policy" compile "$root/tests/data/config/four-errors.ini"
vg "--version from the compiled form" --version "$tmp/compiled.ini"
touch -d '1 minute ago' "$tmp/compiled.ini"
vg "--version, stale compiled form" --version "$tmp/compiled.ini"
vg "check-config --compile" check-config --compile "$tmp/compiled.ini"
printf 'XXXX' | dd of="$tmp/compiled.ini.agc" bs=1 seek=900 conv=notrunc status=none
vg "--version, corrupt compiled form" --version "$tmp/compiled.ini"

# ---- decide: every scenario, every facts corpus entry ----
for d in "$root/tests/scenarios" "$shared"; do
	for f in "$d"/cases/*.json; do
		[ -e "$f" ] || continue
		jq '.facts' "$f" >"$tmp/facts.json"
		vg "decide scenario $(basename "$f" .json)" decide \
			--policy "$(dirname "$f")/../$(jq -r .policy "$f")" --facts "$tmp/facts.json"
	done
done
for f in "$root"/tests/fuzz/corpus/facts/*; do
	vg "decide fuzz facts $(basename "$f")" decide --policy "$root/policy.ini.example" --facts "$f"
	vg "decide --log fuzz facts $(basename "$f")" decide --policy "$root/policy.ini.example" --facts "$f" --log --host mx.test
done

# ---- a log: replay, stats, report ----
"$PY" "$root/tests/data/replay/facts.py" 400 >"$tmp/facts.jsonl"
vg "decide --lines --log" decide --policy "$root/tests/data/replay/a.ini" --facts "$tmp/facts.jsonl" --lines --log --host mx.test
awk '{ h = int((NR - 1) / 20); sub(/"ts":"[^"]*"/, sprintf("\"ts\":\"2026-11-22T%02d:30:00Z\"", h)); print }' \
	"$tmp/out" >"$tmp/authgate.log"
# Report addresses for some domains, as report.t does.
sed -i 's/\(v=DMARC1; p=[a-z]*\)\([";]\)/\1; rua=mailto:agg@r.example\2/' "$tmp/authgate.log"
gzip -c "$tmp/authgate.log" >"$tmp/authgate.log.1.gz"
{ head -n 5 "$tmp/authgate.log"; echo 'not json'; echo '{"v":1}'; echo '{"v":1,"truncated":true,"decision":{"action":"reject"}}'; } >"$tmp/mixed.log"
vg "replay" replay --policy "$root/tests/data/replay/b.ini" "$tmp/authgate.log"
vg "replay --json, gzip" replay --policy "$root/tests/data/replay/b.ini" --json "$tmp/authgate.log.1.gz" "$tmp/authgate.log"
vg "replay, foreign lines" replay --policy "$root/tests/data/replay/b.ini" "$tmp/mixed.log"
vg "replay, unreadable log" replay --policy "$root/tests/data/replay/b.ini" "$tmp/nonexistent"
vg "stats" stats "$tmp/authgate.log"
vg "stats --json, gzip" stats --json "$tmp/authgate.log.1.gz"
vg "stats --by domain --since" stats --by domain --since 2026-11-22T10:00Z "$tmp/authgate.log"
vg "stats, foreign lines" stats --json "$tmp/mixed.log"
mkdir -p "$tmp/reports"
vg "report" report --org-name "GW Test" --org-email postmaster@gw.test --period 2026-11-22 --out "$tmp/reports" "$tmp/authgate.log"
vg "report --send" report --org-name "GW Test" --org-email postmaster@gw.test --period 2026-11-22 \
	--out "$tmp/reports" --send --sendmail "cat >/dev/null" "$tmp/authgate.log"
vg "report, no mail that day" report --org-name X --org-email a@gw.test --period 2026-11-20 --out "$tmp/reports" "$tmp/authgate.log"

# ---- explain: the ARC corpus, and messages signed and sealed here ----
# (ARC is validated only under arc = self, as in the module)
printf '[general]\narc = self\n' >"$tmp/arc.ini"
for f in "$root"/tests/fuzz/corpus/arc/*; do
	vgnet "explain arc corpus $(basename "$f")" explain --policy "$tmp/arc.ini" "$f"
done
openssl genrsa -out "$tmp/k.key" 2048 2>/dev/null
printf 'From: Alice <alice@signer.example>\nTo: bob@gw.test\nSubject: hi\nDate: Mon, 23 Nov 2026 10:00:00 +0000\nMessage-ID: <v@x>\n\nHello.\n' >"$tmp/m.eml"
dkimsign s1 signer.example "$tmp/k.key" <"$tmp/m.eml" >"$tmp/signed.eml" 2>/dev/null
dkimsign --signalg rsa-sha1 s2 other.example "$tmp/k.key" <"$tmp/signed.eml" >"$tmp/signed2.eml" 2>/dev/null
{ printf 'Authentication-Results: mx.list.example; dmarc=pass header.from=signer.example\n'; cat "$tmp/signed.eml"; } |
	sed 's/$/\r/' | "$PY" /usr/bin/arcsign arc list.example "$tmp/k.key" mx.list.example 2>/dev/null | sed 's/\r$//' >"$tmp/sealed.eml"
for m in signed signed2 sealed; do
	[ -s "$tmp/$m.eml" ] || { nok "make $m.eml"; continue; }
	vgnet "explain $m" explain --policy "$tmp/arc.ini" "$tmp/$m.eml"
	vgnet "explain --json $m, SPF for a client" explain --json --ip 203.0.113.7 --mail-from a@signer.example --helo mx.example "$tmp/$m.eml"
	vgnet "explain $m under a policy" explain --policy "$root/policy.ini.example" "$tmp/$m.eml"
done
vg "explain: unreadable message" explain /nonexistent.eml

# ---- dns-check, with no network ----
vgnet "dns-check" dns-check signer.example -s s1 -s s2
vgnet "dns-check --json" dns-check --json signer.example -s s1

echo "# $runs runs under valgrind"
tap_done
