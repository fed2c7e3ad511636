#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# authgate compile (issue 18): exit codes and messages, nothing written
# for an invalid policy, the file's mode and atomic replacement, never
# through a link at the temporary name; the commands using the compiled
# form while fresh and saying why not when stale or corrupt (with the
# same decisions); check-config refreshing a compiled form that is there
# (or with --compile), never with --no-compile.
# TAP output. usage: compile.t [path/to/authgate]
set -u
cd "$(dirname "$0")/../.."
bin=${1:-build/authgate}
[ "${bin#/}" = "$bin" ] && bin=$PWD/$bin
n=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'; }
# run WANT-EXIT DESCRIPTION ARGS...: runs authgate, output in out/err.
run() {
	local want=$1 what=$2 got
	shift 2
	"$bin" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok "$what (exit $got)"; else nok "$what: exit $got, want $want" "$(cat "$tmp/out" "$tmp/err")"; fi
}
has() {
	if grep -qF -- "$3" "$tmp/$1"; then ok "$2"; else nok "$2" "want: $3
got: $(cat "$tmp/out" "$tmp/err")"; fi
}
hasnt() {
	if ! grep -qF -- "$3" "$tmp/$1"; then ok "$2"; else nok "$2" "$(cat "$tmp/out" "$tmp/err")"; fi
}

echo "1..45"

p=$tmp/policy.ini
printf '[general]\nauthserv_id = mx.test\n[domain:bank.example]\ndmarc.fail = reject\n[trusted]\ndomains = partner.example\n' >"$p"
facts='{"client":{"ip":"203.0.113.9"},"mail_from":"x@evil.example","from":["ceo@bank.example"],"spf":{"result":"softfail","domain":"evil.example"},"dkim":[],"dns":{"_dmarc.bank.example":"v=DMARC1; p=none"}}'
printf '%s\n' "$facts" >"$tmp/facts.json"

run 2 "no file: usage" compile
has err "usage names the command" "usage: authgate compile"
run 0 "--help" compile --help
has out "help says the default output" "POLICY.agc"
run 0 "a valid policy compiles" compile "$p"
has out "it says what it wrote" "policy.ini: compiled into $p.agc: 1 domain sections, 1 trusted domains"
[ "$(stat -c %a "$p.agc")" = 644 ] && ok "mode 0644" || nok "mode" "$(stat -c %a "$p.agc")"
[ -z "$(ls "$tmp" | grep tmp)" ] && ok "no temporary file left" || nok "left: $(ls "$tmp")"
ino=$(stat -c %i "$p.agc")
run 0 "compiled again" compile -q "$p"
[ ! -s "$tmp/out" ] && ok "--quiet prints nothing" || nok "--quiet" "$(cat "$tmp/out")"
[ "$(stat -c %i "$p.agc")" != "$ino" ] && ok "replaced by a rename (a new inode)" || nok "same inode: written in place"

run 0 "decide uses the compiled form" decide --policy "$p" --facts "$tmp/facts.json"
cp "$tmp/out" "$tmp/compiled.out"
[ ! -s "$tmp/err" ] && ok "no warning while fresh" || nok "warning while fresh" "$(cat "$tmp/err")"
has out "its decision: the section's reject" "reject"
run 0 "--version names the same SHA-256" --version "$p"
has out "the source's SHA-256" "$(sha256sum <"$p" | cut -d' ' -f1)"

# stale: a new policy.ini, by a rename
printf '[general]\nauthserv_id = mx.test\n[domain:bank.example]\ndmarc.fail = tag\n' >"$p.new"
mv "$p.new" "$p"
run 0 "decide on a stale compiled form" decide --policy "$p" --facts "$tmp/facts.json"
has err "it says the compiled form is stale, and which file" "warning: $p.agc is stale: $p changed since it was compiled"
has out "and decides on the new policy.ini (tag)" "tag"
hasnt out "never the stale one" "reject"

# corrupt: refused, the source parsed
run 0 "compile the new one" compile -q "$p"
printf 'XXXX' | dd of="$p.agc" bs=1 seek=200 conv=notrunc status=none
run 0 "decide with a corrupt compiled form" decide --policy "$p" --facts "$tmp/facts.json"
has err "refused, with the reason" "$p.agc: refused: corrupt"
has out "the source decides" "tag"
head -c 100 "$p.agc" >"$p.agc.cut" && mv "$p.agc.cut" "$p.agc"
run 0 "decide with a truncated compiled form" decide --policy "$p" --facts "$tmp/facts.json"
has err "a truncated file is refused" "$p.agc: refused: not a compiled policy (too short)"

# invalid policy: nothing written
rm -f "$p.agc"
printf '[general]\nbogus = 1\n' >"$tmp/bad.ini"
run 1 "an invalid policy is not compiled" compile "$tmp/bad.ini"
has err "FILE:LINE and nothing written" "bad.ini:2: error: unknown key 'bogus' in [general]"
[ ! -e "$tmp/bad.ini.agc" ] && ok "no bad.ini.agc" || nok "bad.ini.agc written"
run 1 "a missing policy" compile "$tmp/none.ini"
has err "cannot read, named" "none.ini: cannot read: No such file or directory"

# the temporary name is never followed through a link
mkdir "$tmp/out.d"
run 1 "an unwritable output" compile -o "$tmp/nodir/x.agc" "$p"
has err "says which file and why" "cannot write $tmp/nodir/x.agc"
run 0 "--output FILE" compile -q -o "$tmp/out.d/other.agc" "$p"
[ -f "$tmp/out.d/other.agc" ] && ok "written where asked" || nok "no $tmp/out.d/other.agc"

# check-config: refreshes one there, --compile, --no-compile
run 0 "check-config without a compiled form writes none" check-config -q "$p"
[ ! -e "$p.agc" ] && ok "no compiled form appears unasked" || nok "check-config wrote $p.agc"
run 0 "check-config --compile" check-config -q --compile "$p"
[ -f "$p.agc" ] && ok "--compile writes it" || nok "no $p.agc"
touch -d '1 minute ago' "$p"
run 0 "check-config refreshes the stale one there" check-config -q "$p"
"$bin" decide --policy "$p" --facts "$tmp/facts.json" >/dev/null 2>"$tmp/err"
hasnt err "fresh again: no warning" "stale"
touch -d '2 minutes ago' "$p"
run 0 "check-config --no-compile" check-config -q --no-compile "$p"
"$bin" decide --policy "$p" --facts "$tmp/facts.json" >/dev/null 2>"$tmp/err"
has err "left stale" "stale"
bad=$(printf '[general]\nbogus = 1\n')
printf '%s\n' "$bad" >"$p.new" && mv "$p.new" "$p"
run 1 "check-config of an invalid policy" check-config -q --compile "$p"
"$bin" decide --policy "$p" --facts "$tmp/facts.json" >/dev/null 2>"$tmp/err"
has err "no compiled form written for it: the source is parsed (and fails)" "bogus"
