#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `authgate quarantine` without root or a real Exim: a stand-in exim
# script that records its arguments and answers from canned files, for
# usage errors, id checks before Exim runs, a missing or failing Exim,
# and which messages count as authgate's. The real Exim's queue is
# tests/e2e/quarantine.t's. TAP output.
# usage: quarantine.t [path/to/authgate]
set -u
cd "$(dirname "$0")/../.."
bin=${1:-build/authgate}
[ "${bin#/}" = "$bin" ] && bin=$PWD/$bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. tests/tap.sh

# expect_exit CODE DESCRIPTION ARGS...: authgate quarantine ARGS, over the
# stand-in Exim; output in out and err.
expect_exit() {
	local want=$1 what=$2 got
	shift 2
	"$bin" quarantine --exim "$tmp/exim" -C "$tmp/exim.conf" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then ok "$what (exit $got)"; else nok "$what: exit $got, want $want" "$(cat "$tmp/out" "$tmp/err")"; fi
}
# The stand-in: logs "ARGS" per call; -bpr prints bpr (exit bpr.rc),
# -Mvh ID prints ID.H, -Mt/-Mrm/-M exit 0 unless ID.refuse exists.
cat >"$tmp/exim" <<'SH'
#!/bin/sh
d=$(dirname "$0")
echo "$*" >>"$d/calls"
[ "$1" = -C ] && shift 2
case $1 in
-bpr) cat "$d/bpr"; exit "$(cat "$d/bpr.rc" 2>/dev/null || echo 0)" ;;
-Mvh) cat "$d/$2.H" 2>/dev/null || { echo "spool read error" >&2; exit 1; } ;;
-Mt|-Mrm|-M) [ -e "$d/$2.refuse" ] && { echo "Message $2 is locked"; exit 1; }; exit 0 ;;
esac
SH
chmod +x "$tmp/exim"
now=$(date +%s)
cat >"$tmp/bpr" <<BPR
 2d   2.9K 1tEabc-000123-Qx <news@shop.example> *** frozen ***
          user@gw.test

 5m    700 1tEabd-000124-Qx <x@other.example> *** frozen ***
          user@gw.test

 1m    500 1tEabe-000125-Qx <y@plain.example>
          user@gw.test
BPR
# spool ID LOCALSCAN XAUTHGATE FROM AGE: ID's spool header file.
spool() {
	local id=$1 ls=$2 xag=$3 from=$4 age=$5 h1 h2 h3
	h1="X-AuthGate: $xag"
	h2="From: $from"
	h3="Subject: hello"
	{
		printf '%s-H\nDebian-exim 101 101\n<news@shop.example>\n%s 0\n' "$id" "$((now - age))"
		printf -- '-received_time_usec .000000\n'
		printf -- '-aclm 0 36\n-local_scan authgate: quarantined: x\n'
		printf -- '-host_address [203.0.113.7]:4321\n-frozen %s\n' "$((now - age))"
		[ -n "$ls" ] && printf -- '-local_scan %s\n' "$ls"
		printf 'XX\n1\nuser@gw.test\n\n'
		printf '%03dX %s\n' "$((${#h1} + 1))" "$h1"
		printf '%03dF %s\n' "$((${#h2} + 1))" "$h2"
		printf '%03d  %s\n' "$((${#h3} + 1))" "$h3"
	} >"$tmp/$id.H"
}
spool 1tEabc-000123-Qx "authgate: quarantined: DMARC policy of shop.example quarantines this message" \
	"action=quarantine; class=dmarc.quarantine; rule=actions:dmarc.quarantine" "News <news@shop.example>" 172800
# Frozen, but not by authgate: its only local_scan text is inside an ACL
# variable's value.
spool 1tEabd-000124-Qx "" "action=quarantine; class=dmarc.quarantine" "x@other.example" 300

expect_exit 0 "--help" --help
expect_exit 2 "an unknown subcommand" frobnicate
expect_exit 2 "release with neither ids nor --all" release
expect_exit 2 "show --all" --all show
expect_exit 2 "--older-than that is not an age" --older-than 2x list
expect_exit 2 "--class that is not a class" --class dmarc.nope list
rm -f "$tmp/calls"
for id in '../../etc/passwd' '-Mrm' '1tEabc-000123-Q' '1tEabc-000123-Qx;' '1tEab_-000123-Qx' '1tEabc-000123-Qx '; do
	expect_exit 2 "delete '$id': not an Exim id" delete '1tEabc-000123-Qx' -- "$id"
done
if [ ! -e "$tmp/calls" ]; then ok "no bad id reaches Exim, nor the good ids beside it"; else nok "Exim ran" "$(cat "$tmp/calls")"; fi
grep -q "is not an Exim message id" "$tmp/err" && ok "a bad id is named" || nok "a bad id is named" "$(cat "$tmp/err")"

"$bin" quarantine --exim "$tmp/no-such-exim" list >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 2 ] && grep -q "cannot run $tmp/no-such-exim" "$tmp/err"; then
	ok "a missing Exim binary is named (exit 2)"
else
	nok "a missing Exim binary: exit $rc" "$(cat "$tmp/err")"
fi
echo 1 >"$tmp/bpr.rc"
expect_exit 2 "Exim cannot list its queue" list
grep -q "exited with 1" "$tmp/err" && ok "Exim's failure is named" || nok "Exim's failure is named" "$(cat "$tmp/err")"
rm "$tmp/bpr.rc"

rm -f "$tmp/calls"
expect_exit 0 "list" list
if grep -q '^1tEabc-000123-Qx  *2d  *2.9K  dmarc.quarantine  *shop.example  *<news@shop.example>$' "$tmp/out" &&
	! grep -q 1tEabd "$tmp/out" && grep -q "1 of 1 quarantined message shown; 1 other frozen message left alone" "$tmp/out"; then
	ok "list: authgate's message only; a local_scan text inside an ACL variable does not count"
else
	nok "list" "$(cat "$tmp/out")"
fi
if grep -q -- "-C $tmp/exim.conf -bpr" "$tmp/calls" && ! grep -q 1tEabe "$tmp/calls"; then
	ok "list: Exim ran with -C, and no unfrozen message's spool was read"
else
	nok "list: Exim's calls" "$(cat "$tmp/calls")"
fi
expect_exit 0 "list --older-than 1d" --older-than 1d list
grep -q "^1 of 1" "$tmp/out" && ok "a 2-day-old message is older than 1d" || nok "older than 1d" "$(cat "$tmp/out")"
expect_exit 0 "list --older-than 3d" --older-than 3d list
grep -q "^0 of 1" "$tmp/out" && ok "nor older than 3d" || nok "older than 3d" "$(cat "$tmp/out")"
expect_exit 0 "list --domain example" --domain example list
grep -q "^1 of 1" "$tmp/out" && ok "shop.example is within example" || nok "--domain example" "$(cat "$tmp/out")"
expect_exit 0 "list --domain hop.example" --domain hop.example list
grep -q "^0 of 1" "$tmp/out" && ok "shop.example is not within hop.example" || nok "--domain hop.example" "$(cat "$tmp/out")"

expect_exit 0 "show" show 1tEabc-000123-Qx
if grep -q "^Message 1tEabc-000123-Qx: quarantined by authgate" "$tmp/out" &&
	grep -q "from 203.0.113.7" "$tmp/out" && grep -q "Author: *shop.example" "$tmp/out" &&
	grep -q "Subject: *hello" "$tmp/out" &&
	grep -q "Reason: *DMARC policy of shop.example quarantines this message" "$tmp/out"; then
	ok "show: client, author, Subject and the reason from the spool header"
else
	nok "show" "$(cat "$tmp/out")"
fi
rm -f "$tmp/calls"
expect_exit 1 "release a message frozen by someone else" release 1tEabd-000124-Qx
expect_exit 1 "release an unfrozen message" release 1tEabe-000125-Qx
expect_exit 1 "release a message not in the queue" release 1tEabf-000126-Qx
if ! grep -qE -- '-Mt|-Mrm|-M ' "$tmp/calls"; then ok "nothing thawed"; else nok "thawed" "$(cat "$tmp/calls")"; fi
touch "$tmp/1tEabc-000123-Qx.refuse"
expect_exit 1 "Exim refuses to thaw" release 1tEabc-000123-Qx
grep -q "refused: Message 1tEabc-000123-Qx is locked" "$tmp/err" && ok "Exim's refusal is shown" || nok "Exim's refusal" "$(cat "$tmp/err")"
rm "$tmp/1tEabc-000123-Qx.refuse"
rm -f "$tmp/calls"
expect_exit 0 "release" release 1tEabc-000123-Qx
if grep -q -- "-Mt 1tEabc-000123-Qx" "$tmp/calls" && grep -q -- "-M 1tEabc-000123-Qx" "$tmp/calls"; then
	ok "release: thawed (-Mt), then delivered (-M)"
else
	nok "release: Exim's calls" "$(cat "$tmp/calls")"
fi
rm -f "$tmp/calls"
expect_exit 0 "delete --all --class dmarc" --class dmarc --all delete
if grep -q -- "-Mrm 1tEabc-000123-Qx" "$tmp/calls" && ! grep -q -- "-Mrm 1tEabd" "$tmp/calls"; then
	ok "delete --all: authgate's message only"
else
	nok "delete --all" "$(cat "$tmp/calls")"
fi

# Spool shapes that must not pass for authgate's quarantine: released
# once (-manual_thaw) and frozen since by someone else; a taint mark that
# names its quoter before an ACL variable whose value reads like the
# module's line. And a generated address delivered ("       +D ...")
# that holds a queued message's id in -bpr's list hides nothing.
spool 1tEabf-000126-Qx "authgate: quarantined: x" "action=quarantine; class=dmarc.quarantine" "f@shop.example" 300
sed -i 's/^-frozen .*/&\n-manual_thaw/' "$tmp/1tEabf-000126-Qx.H"
spool 1tEabg-000127-Qx "" "action=quarantine; class=dmarc.quarantine" "g@shop.example" 300
sed -i 's/^-aclm 0 36$/--(pgsql)aclm 0 36/' "$tmp/1tEabg-000127-Qx.H"
cat >>"$tmp/bpr" <<'BPR'

 5m    700 1tEabf-000126-Qx <f@shop.example> *** frozen ***
          user@gw.test

 5m    700 1tEabg-000127-Qx <g@shop.example> *** frozen ***
          user@gw.test
       +D "x 1tEabc-000123-Qx y"@gw.test
BPR
expect_exit 0 "list, with shapes that are not authgate's" list
if grep -q '^1tEabc-000123-Qx ' "$tmp/out" && ! grep -q '1tEabf\|1tEabg' "$tmp/out" &&
	grep -q "1 of 1 quarantined message shown; 3 other frozen messages left alone" "$tmp/out"; then
	ok "a thawed-then-frozen message and a quoter-marked ACL value are not authgate's"
else
	nok "list with hostile shapes" "$(cat "$tmp/out")"
fi
rm -f "$tmp/calls"
expect_exit 0 "release by id, a +D line naming that id in the list" release 1tEabc-000123-Qx
tap_done
