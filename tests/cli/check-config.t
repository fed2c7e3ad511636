#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check-config against the host (issue 17): the module Exim loads when a
# policy asks for dkim/spf/arc = self (a stand-in exim binary, and the
# real one with -C when it is installed), what the Exim user can write,
# ARC sealers without ARC, warnings shown with errors, the nearest name
# for a misspelt one, Exim-style times and actions in any case.
# TAP output. usage: check-config.t [path/to/authgate]
set -u
cd "$(dirname "$0")/../.."
bin=${1:-build/authgate}
[ "${bin#/}" = "$bin" ] && bin=$PWD/$bin
n=0
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
# cc WANT-EXIT DESCRIPTION ARGS...: runs check-config, output in out/err.
cc() {
	local want=$1 what=$2 got
	shift 2
	"$bin" check-config "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok "$what (exit $got)"; else nok "$what: exit $got, want $want" "$(cat "$tmp/out" "$tmp/err")"; fi
}
# has FILE DESCRIPTION TEXT: FILE (out or err) holds TEXT.
has() {
	if grep -qF -- "$3" "$tmp/$1"; then ok "$2"; else nok "$2" "want: $3
got: $(cat "$tmp/out" "$tmp/err")"; fi
}
hasnt() {
	if ! grep -qF -- "$3" "$tmp/$1"; then ok "$2"; else nok "$2" "$(cat "$tmp/out" "$tmp/err")"; fi
}
# An exim stand-in answering -bP local_scan_path with $2 (exit $3).
fake_exim() {
	printf '#!/bin/sh\necho "$*" >%s/exim.args\nprintf "%%s\\n" "%s"\nexit %s\n' "$tmp" "$2" "${3:-0}" >"$tmp/$1"
	chmod 755 "$tmp/$1"
}

echo "1..59"

# ---- dkim/spf/arc = self and the module Exim loads ----
printf '[general]\nauthserv_id = mx.test\nspf = self\ndkim = self\n' >"$tmp/self.ini"
fake_exim exim-plain 'local_scan_path = /usr/lib/exim4/local_scan/authgate.so'
fake_exim exim-verify 'local_scan_path = /usr/lib/exim4/local_scan/authgate-verify.so'
fake_exim exim-none 'local_scan_path = '
fake_exim exim-old 'exim: unknown option "local_scan_path"' 1
cc 1 "self while Exim loads authgate.so is an error" --exim "$tmp/exim-plain" "$tmp/self.ini"
has err "the error names the line of the first self key, the module and 451" \
	"self.ini:3: error: dkim and spf = self needs the module authgate-verify.so, but Exim loads /usr/lib/exim4/local_scan/authgate.so: every message would get on_error (451)"
[ "$(cat "$tmp/exim.args" 2>/dev/null)" = "-bP local_scan_path" ] && ok "exim is asked with -bP local_scan_path" ||
	nok "exim's arguments" "$(cat "$tmp/exim.args" 2>/dev/null)"
cc 0 "self while Exim loads authgate-verify.so is valid" --exim "$tmp/exim-verify" "$tmp/self.ini"
has out "nothing to say about it" "0 warnings"
cc 0 "self while Exim loads no module: a warning" --exim "$tmp/exim-none" "$tmp/self.ini"
has err "the warning says authgate does not run there" "loads no local_scan module (local_scan_path is empty)"
cc 0 "an exim without local_scan_path: not checked" --exim "$tmp/exim-old" "$tmp/self.ini"
has out "says what it could not check, and why" \
	"not checked: that Exim loads authgate-verify.so, which dkim and spf = self needs ($tmp/exim-old -bP local_scan_path: exim: unknown option"
cc 0 "no exim binary: not checked" --exim "$tmp/nonexistent" "$tmp/self.ini"
has out "no exim: not checked" "not checked: that Exim loads authgate-verify.so"
cc 1 "--exim-config is handed to exim as -C" --exim "$tmp/exim-plain" --exim-config /etc/some/exim.conf "$tmp/self.ini"
[ "$(cat "$tmp/exim.args" 2>/dev/null)" = "-C /etc/some/exim.conf -bP local_scan_path" ] && ok "exim -C FILE -bP local_scan_path" ||
	nok "exim's arguments with --exim-config" "$(cat "$tmp/exim.args" 2>/dev/null)"
rm -f "$tmp/exim.args"

# ---- AUTHGATE_SELF_VERIFY in Exim's configuration and a policy that
# reads Exim's verdicts: every message would be a 451 ----
printf '[general]\nauthserv_id = mx.test\n' >"$tmp/exim.ini"
fake_exim exim-macro 'AUTHGATE_SELF_VERIFY=1'
fake_exim exim-nomacro 'macro AUTHGATE_SELF_VERIFY not found' 1
cc 1 "AUTHGATE_SELF_VERIFY with dkim = exim is an error" --exim "$tmp/exim-macro" "$tmp/exim.ini"
has err "the macro and the key named" "dkim = exim, but Exim's configuration defines AUTHGATE_SELF_VERIFY"
[ "$(cat "$tmp/exim.args" 2>/dev/null)" = "-bP macro AUTHGATE_SELF_VERIFY" ] && ok "asked as exim -bP macro AUTHGATE_SELF_VERIFY" ||
	nok "exim's arguments for the macro" "$(cat "$tmp/exim.args" 2>/dev/null)"
cc 0 "no such macro: nothing to say" --exim "$tmp/exim-nomacro" "$tmp/exim.ini"
hasnt err "no such macro: no error" "AUTHGATE_SELF_VERIFY"
if [ "$(id -u)" = 0 ] && command -v exim4 >/dev/null; then
	{ printf 'AUTHGATE_SELF_VERIFY = 1\n'; cat exim-conf/exim4.conf.example; } >"$tmp/macro.conf"
	cc 1 "the real Exim, -C a configuration with the macro: an error" --exim exim4 --exim-config "$tmp/macro.conf" "$tmp/exim.ini"
else
	skip "the real Exim with the macro (needs root and exim4)"
fi
# --exim NAME: looked up in PATH, as a shell would.
PATH="$tmp:$PATH" cc 1 "--exim by name, found in PATH" --exim exim-plain "$tmp/self.ini"
has err "--exim by name: Exim's answer read" "but Exim loads /usr/lib/exim4/local_scan/authgate.so"
rm -f "$tmp/exim.args"
printf '[general]\narc = self\n' >"$tmp/arc.ini"
cc 1 "arc = self alone counts too" --exim "$tmp/exim-plain" "$tmp/arc.ini"
rm -f "$tmp/exim.args"
cc 0 "no self key: exim is asked only about AUTHGATE_SELF_VERIFY" --exim "$tmp/exim-plain" tests/data/config/risky.ini
[ "$(cat "$tmp/exim.args" 2>/dev/null)" = "-bP macro AUTHGATE_SELF_VERIFY" ] && ok "exim asked for the macro, not for local_scan_path" ||
	nok "exim ran for a policy without self: $(cat "$tmp/exim.args" 2>/dev/null)"
if command -v exim4 >/dev/null; then
	printf 'local_scan_path = /usr/lib/exim4/local_scan/authgate.so\n' >"$tmp/exim.conf"
	cc 1 "the real exim with -C: authgate.so is an error" --exim "$(command -v exim4)" --exim-config "$tmp/exim.conf" "$tmp/self.ini"
	printf 'local_scan_path = /usr/lib/exim4/local_scan/authgate-verify.so\n' >"$tmp/exim.conf"
	cc 0 "the real exim with -C: authgate-verify.so is valid" --exim "$(command -v exim4)" --exim-config "$tmp/exim.conf" "$tmp/self.ini"
else
	skip "exim4 not installed"
	skip "exim4 not installed"
fi

# ---- dmarc_method ----
printf '[general]\ndmarc_method = RFC7489\n' >"$tmp/m7489.ini"
cc 0 "dmarc_method = rfc7489 is valid" "$tmp/m7489.ini"
has err "but warned about: RFC 7489 is obsolete" "m7489.ini:2: warning: dmarc_method = rfc7489: RFC 7489 is obsolete"
printf '[general]\ndmarc_method = 9989\n' >"$tmp/mbad.ini"
cc 1 "dmarc_method = 9989 is an error" "$tmp/mbad.ini"
has err "naming the two methods" "mbad.ini:2: error: dmarc_method must be 'rfc9989' or 'rfc7489', not '9989'"

# ---- ARC sealers without ARC ----
printf '[general]\narc = off\n[trusted]\narc_sealers = lists.example\n' >"$tmp/sealers.ini"
cc 0 "arc_sealers with arc = off is valid" "$tmp/sealers.ini"
has err "but warned about: they vouch for nothing" "sealers.ini:4: warning: arc_sealers vouch for nothing while arc = off"

# ---- what the Exim user can write ----
if getent passwd nobody >/dev/null; then
	mkdir -p "$tmp/open" "$tmp/closed"
	chmod 777 "$tmp/open"
	chmod 755 "$tmp/closed"
	printf '[general]\nlog_file = %s/open/authgate.log\nfailure_reports = on\nfailure_report_from = r@mx.test\nfailure_report_state = %s/open/ruf.state\n' \
		"$tmp" "$tmp" >"$tmp/files.ini"
	cc 0 "files in a directory the user can write" --exim-user nobody "$tmp/files.ini"
	has out "no warning" "0 warnings"
	sed "s#/open/authgate.log#/closed/authgate.log#" "$tmp/files.ini" >"$tmp/f2.ini"
	cc 0 "a log directory the user cannot write: valid" --exim-user nobody "$tmp/f2.ini"
	has err "warned: nobody cannot create it, with mode and owner" \
		"f2.ini:2: warning: log_file $tmp/closed/authgate.log does not exist, and nobody cannot create it in $tmp/closed (mode 0755,"
	touch "$tmp/closed/authgate.log" && chmod 644 "$tmp/closed/authgate.log"
	cc 0 "an existing log the user cannot write" --exim-user nobody "$tmp/f2.ini"
	has err "warned: cannot write it" "nobody cannot write it (mode 0644,"
	chmod 666 "$tmp/closed/authgate.log"
	cc 0 "an existing log anyone can write" --exim-user nobody "$tmp/f2.ini"
	has out "no warning" "0 warnings"
	sed "s#/open/authgate.log#/missing/dir/authgate.log#" "$tmp/files.ini" >"$tmp/f3.ini"
	cc 0 "a log directory that does not exist" --exim-user nobody "$tmp/f3.ini"
	has err "warned: no directory" "log_file $tmp/missing/dir/authgate.log: no directory $tmp/missing: its lines would go to Exim's main log instead"
	chmod 700 "$tmp/closed"
	sed "s#/open/ruf.state#/closed/sub/ruf.state#" "$tmp/files.ini" >"$tmp/f4.ini"
	cc 0 "a state directory the user cannot enter" --exim-user nobody "$tmp/f4.ini"
	has err "warned: cannot enter, and what follows" "f4.ini:5: warning: failure_report_state $tmp/closed/sub/ruf.state: nobody cannot enter $tmp/closed (mode 0700,"
	has err "no report could be sent" "no failure report could be sent"
	ln -s /tmp/elsewhere "$tmp/open/ruf.state"
	cc 0 "a state file that is a symbolic link" --exim-user nobody "$tmp/files.ini"
	has err "warned: the module does not follow it" "is a symbolic link, which the module does not follow"
	rm "$tmp/open/ruf.state"
	touch "$tmp/open/ruf.state" && chmod 622 "$tmp/open/ruf.state"
	cc 0 "a state file the user can write but not read" --exim-user nobody "$tmp/files.ini"
	has err "warned: it must read it too" "nobody cannot read and write it (mode 0622,"
else
	for i in $(seq 17); do skip "no user nobody"; done
fi
printf '[general]\nlog_file = %s/authgate.log\n' "$tmp" >"$tmp/f5.ini"
cc 0 "an unknown Exim user: not checked" --exim-user no-such-user-here "$tmp/f5.ini"
has out "says so, naming the option" "not checked: whether no-such-user-here can write log_file (no user no-such-user-here here; --exim-user"

# ---- warnings with errors ----
printf '[general]\non_error = accept\nmode = enforced\n[actions]\ndkim.key_mising = accept\n' >"$tmp/both.ini"
cc 1 "a policy with errors and warnings is invalid" "$tmp/both.ini"
if [ "$(cat "$tmp/err")" = "$tmp/both.ini:3: error: mode must be 'enforce' or 'monitor', not 'enforced' (did you mean enforce?)
$tmp/both.ini:5: error: unknown class 'dkim.key_mising' (did you mean dkim.key_missing?)
$tmp/both.ini:2: warning: on_error = accept lets mail through unchecked whenever authgate cannot decide
$tmp/both.ini: 2 errors, 1 warning" ]; then
	ok "errors, then warnings, then both counted"
else
	nok "errors and warnings together" "$(cat "$tmp/err")"
fi
cc 1 "--quiet: errors only" --quiet "$tmp/both.ini"
hasnt err "--quiet hides the warning" "warning:"

# ---- times as Exim writes them, actions in any case ----
printf '[general]\ndns_timeout = 5s\nfailure_report_interval = 2m\non_error = TempFail\n[actions]\nspf.fail = REJECT\nspf.softfail = Tag\n' >"$tmp/words.ini"
cc 0 "5s, 2m and actions in any case are valid" "$tmp/words.ini"
printf '{"from":["a@bank.example"],"spf":{"result":"fail","domain":"bank.example"}}' >"$tmp/f.json"
[ "$("$bin" decide --policy "$tmp/words.ini" --facts "$tmp/f.json" | jq -r '.action + " " + .rule')" = "reject actions:spf.fail" ] &&
	ok "REJECT is reject" || nok "REJECT is reject"
printf '[general]\ndns_timeout = 1m\n' >"$tmp/t.ini"
cc 1 "dns_timeout = 1m is over the limit" "$tmp/t.ini"
has err "said in both forms" "dns_timeout must be a number of seconds from 1 to 30, or a time as Exim writes one (5s, 2m, 1h) from 1s to 30s, not '1m'"
