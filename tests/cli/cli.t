#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The authgate command's contract: help, version, exit codes, and the
# diagnostics of check-config compared with golden files. TAP output.
# usage: cli.t [path/to/authgate]
set -u
cd "$(dirname "$0")/../.."
bin=${1:-build/authgate}
[ "${bin#/}" = "$bin" ] && bin=$PWD/$bin
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'; }
# expect_exit CODE DESCRIPTION CMD...: runs CMD, checks its exit code.
expect_exit() {
	local want=$1 what=$2 got
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok "$what (exit $got)"; else nok "$what: exit $got, want $want" "$(cat "$tmp/err")"; fi
}

echo "1..25"
expect_exit 0 "--help" "$bin" --help
grep -q '^Commands:' "$tmp/out" && ok "--help lists commands" || nok "--help lists commands"
expect_exit 0 "--version" "$bin" --version
grep -Eq '^authgate [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" && ok "version format" || nok "version format" "$(cat "$tmp/out")"
expect_exit 0 "--version POLICY" "$bin" --version tests/data/replay/a.ini
[ "$(sed -n 's/^policy .* sha256 //p' "$tmp/out")" = "$(sha256sum <tests/data/replay/a.ini | cut -d' ' -f1)" ] &&
	ok "--version POLICY prints the policy file's sha256" || nok "--version sha256" "$(cat "$tmp/out")"
expect_exit 1 "--version with a broken policy" "$bin" --version tests/data/config/four-errors.ini
expect_exit 2 "no command is a usage error" "$bin"
expect_exit 2 "unknown command is a usage error" "$bin" frobnicate
expect_exit 0 "decide --help" "$bin" decide --help
expect_exit 0 "check-config --help" "$bin" check-config --help

expect_exit 1 "check-config rejects four mistakes" "$bin" check-config tests/data/config/four-errors.ini
if diff -u tests/data/config/four-errors.expected "$tmp/err" >"$tmp/diff"; then
	ok "all four errors, with their lines"
else
	nok "all four errors, with their lines" "$(cat "$tmp/diff")"
fi
expect_exit 0 "risky but valid config passes" "$bin" check-config tests/data/config/risky.ini
if diff -u tests/data/config/risky.expected "$tmp/err" >"$tmp/diff"; then
	ok "risky choices are warned about"
else
	nok "risky choices are warned about" "$(cat "$tmp/diff")"
fi
expect_exit 1 "missing file is invalid" "$bin" check-config /nonexistent/policy.ini
grep -q '/nonexistent/policy.ini: error: cannot open' "$tmp/err" && ok "missing file named" || nok "missing file named" "$(cat "$tmp/err")"
expect_exit 0 "the shipped example is valid" "$bin" check-config --quiet policy.ini.example
[ ! -s "$tmp/out" ] && ok "--quiet prints nothing when valid" || nok "--quiet prints nothing" "$(cat "$tmp/out")"

printf '{"from":["a@bank.example"],"spf":{"result":"fail","domain":"bank.example"},"dns":{"_dmarc.bank.example":"v=DMARC1; p=reject"}}' >"$tmp/f.json"
expect_exit 0 "decide exits 0 on reject" "$bin" decide --policy policy.ini.example --facts "$tmp/f.json"
[ "$(jq -r .action "$tmp/out")" = reject ] && ok "decide prints the action" || nok "decide prints the action" "$(cat "$tmp/out")"
expect_exit 0 "decide reads facts from stdin" sh -c "\"$bin\" decide --policy policy.ini.example --facts - < \"$tmp/f.json\""
expect_exit 2 "decide: unreadable facts" "$bin" decide --policy policy.ini.example --facts /nonexistent.json
printf '{"spf":{"result":"passed"}}' >"$tmp/bad.json"
expect_exit 2 "decide: invalid facts" "$bin" decide --policy policy.ini.example --facts "$tmp/bad.json"
grep -q 'spf.result: unknown SPF result' "$tmp/err" && ok "invalid facts named by path" || nok "invalid facts named by path" "$(cat "$tmp/err")"
