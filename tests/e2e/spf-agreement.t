#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SPF agreement: a table of SPF records (include, redirect, a, mx, ptr,
# exists, macros, ip6, void lookups, too many lookups, syntax errors, DNS
# timeouts, MAIL FROM domains that cannot be asked) served by the
# namespace DNS server; authgate's SPF (libspf2 under authgate's DNS layer,
# which enforces RFC 7208 4.6.4's limits, through `authgate explain --ip`)
# must agree with python3-spf on every row. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup spfagree
inc=()
for k in $(seq 1 11); do
	next=$((k + 1))
	inc+=(--txt-record="c$k.spf.test,v=spf1 include:c$next.spf.test -all")
done
inc+=(--txt-record="c12.spf.test,v=spf1 ip4:192.0.2.15 -all")
e2e_dns --local=/spf.test/ \
	--txt-record="p1.spf.test,v=spf1 ip4:192.0.2.15 -all" \
	--txt-record="p2.spf.test,v=spf1 ip4:192.0.2.0/24 ~all" \
	--txt-record="neutral.spf.test,v=spf1 ?all" \
	--txt-record="plus.spf.test,v=spf1 +all" \
	--txt-record="minus.spf.test,v=spf1 -all" \
	--txt-record="empty.spf.test,v=spf1" \
	--txt-record="inc.spf.test,v=spf1 include:p1.spf.test -all" \
	--txt-record="incnone.spf.test,v=spf1 include:nothing.spf.test -all" \
	--txt-record="incsoft.spf.test,v=spf1 include:p2.spf.test -all" \
	--txt-record="redir.spf.test,v=spf1 redirect=p1.spf.test" \
	--txt-record="redirnone.spf.test,v=spf1 redirect=nothing.spf.test" \
	--txt-record="redirall.spf.test,v=spf1 redirect=p1.spf.test ~all" \
	--txt-record="a.spf.test,v=spf1 a -all" --host-record=a.spf.test,192.0.2.15 \
	--txt-record="aother.spf.test,v=spf1 a:host.spf.test -all" --host-record=host.spf.test,192.0.2.20 \
	--txt-record="acidr.spf.test,v=spf1 a:host.spf.test/24 -all" \
	--txt-record="mx.spf.test,v=spf1 mx -all" --mx-host=mx.spf.test,mail.spf.test,10 \
	--host-record=mail.spf.test,192.0.2.15 \
	--txt-record="mxother.spf.test,v=spf1 mx:mx.spf.test -all" \
	--txt-record="ptr.spf.test,v=spf1 ptr -all" --ptr-record=15.2.0.192.in-addr.arpa,h.ptr.spf.test \
	--host-record=h.ptr.spf.test,192.0.2.15 \
	--txt-record="exists.spf.test,v=spf1 exists:%{i}.ex.spf.test -all" \
	--host-record=192.0.2.15.ex.spf.test,127.0.0.2 \
	--txt-record="local.spf.test,v=spf1 exists:%{l}.users.spf.test -all" \
	--host-record=alice.users.spf.test,127.0.0.2 \
	--txt-record="ip6.spf.test,v=spf1 ip6:2001:db8::/32 -all" \
	--txt-record="syntax.spf.test,v=spf1 ip4:bogus -all" \
	--txt-record="unknown.spf.test,v=spf1 foo -all" \
	--txt-record="badcidr.spf.test,v=spf1 ip4:192.0.2.15/33 -all" \
	--txt-record="two.spf.test,v=spf1 -all" --txt-record="two.spf.test,v=spf1 +all" \
	--txt-record="void.spf.test,v=spf1 a:v1.spf.test a:v2.spf.test a:v3.spf.test -all" \
	--txt-record="void2.spf.test,v=spf1 a:v1.spf.test a:v2.spf.test ip4:192.0.2.15 -all" \
	--txt-record="incvoid.spf.test,v=spf1 include:void.spf.test ip4:192.0.2.15 -all" \
	--txt-record="exp.spf.test,v=spf1 -all exp=explain.spf.test" \
	--txt-record="mod.spf.test,v=spf1 foo=bar ip4:192.0.2.15 -all" \
	--txt-record="upper.spf.test,V=SPF1 IP4:192.0.2.15 -ALL" \
	--txt-record="exnx.spf.test,v=spf1 exists:nx.spf.test -all" \
	--txt-record="incslow.spf.test,v=spf1 include:slow.test -all" \
	--txt-record="helo.spf.test,v=spf1 ip4:192.0.2.15 -all" \
	"${inc[@]}" \
	--server=/slow.test/127.0.0.11
e2e_msg "$AG_WORK/m.eml" "a@p1.spf.test" "spf"

# domain ip [localpart]
cases="p1 192.0.2.15
p1 192.0.2.16
p2 192.0.2.15
p2 198.51.100.25
neutral 192.0.2.15
plus 192.0.2.15
minus 192.0.2.15
empty 192.0.2.15
none 192.0.2.15
inc 192.0.2.15
inc 192.0.2.16
incnone 192.0.2.15
incsoft 198.51.100.25
redir 192.0.2.15
redir 192.0.2.16
redirnone 192.0.2.15
redirall 192.0.2.16
a 192.0.2.15
a 192.0.2.16
aother 192.0.2.20
aother 192.0.2.15
acidr 192.0.2.99
mx 192.0.2.15
mx 192.0.2.16
mxother 192.0.2.15
ptr 192.0.2.15
ptr 192.0.2.16
exists 192.0.2.15
exists 192.0.2.16
local 192.0.2.15 alice
local 192.0.2.15 bob
ip6 2001:db8::15
ip6 2001:db9::15
syntax 192.0.2.15
unknown 192.0.2.15
badcidr 192.0.2.15
two 192.0.2.15
void 192.0.2.15
exp 192.0.2.15
mod 192.0.2.15
upper 192.0.2.15
exnx 192.0.2.15
c1 192.0.2.15
c2 192.0.2.15
void2 192.0.2.15
incvoid 192.0.2.15
$(head -c 64 /dev/zero | tr '\0' a) 192.0.2.15
x. 192.0.2.15
.x 192.0.2.15
incslow 192.0.2.15"
# Where libspf2 departs from RFC 7208 and python3-spf follows it (TAP TODO:
# listed, not hidden, and not counted as passing).
known() {
	case "$1 $2" in
	"redirall 192.0.2.16") echo "libspf2 follows redirect= although the record has an all (RFC 7208 6.1)" ;;
	esac
}
total=$(printf '%s\n' "$cases" | wc -l)
echo "1..$((total + 1))"
n=0
failed=0
todo=0
while read -r dom ip lp; do
	n=$((n + 1))
	mf="${lp:-user}@$dom.spf.test"
	ours=$(e2e_ns "$AG_BUILD/authgate" explain --json --ip "$ip" --mail-from "$mf" \
		--helo mx.example "$AG_WORK/m.eml" 2>/dev/null | jq -r '.facts.spf.result')
	theirs=$(e2e_ns /usr/bin/python3 -c '
import sys, spf
r, _ = spf.check2(i=sys.argv[1], s=sys.argv[2], h="mx.example", timeout=4)
print(r)' "$ip" "$mf" 2>/dev/null)
	if [ "$ours" = "$theirs" ]; then
		echo "ok $n - $dom from $ip: $ours"
	elif [ -n "$(known "$dom" "$ip")" ]; then
		todo=$((todo + 1))
		echo "not ok $n - $dom from $ip: authgate $ours, python3-spf $theirs # TODO $(known "$dom" "$ip")"
	else
		failed=$((failed + 1))
		echo "not ok $n - $dom from $ip: authgate $ours, python3-spf $theirs"
	fi
done <<<"$cases"
n=$((n + 1))
echo "ok $n - $((total - failed - todo)) of $total rows agree; $todo known libspf2 departures from RFC 7208"
[ "$failed" = 0 ]
