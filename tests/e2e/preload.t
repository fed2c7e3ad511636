#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: the shipped example's two ways of sparing each connection
# work. The preload (smtp_accept_max_per_host = ${dlfunc...}
# {authgate_preload}): the daemon has the module mapped before any
# message (and maps policy.ini.agc, which it lets go of when the file
# goes), mail is decided as without it, an operator's per-host limit
# (AUTHGATE_MAX_PER_HOST) still applies, and a preload failure costs one
# panic-log line while mail flows; a module file replaced by rename
# takes effect on SIGHUP, the old one serving until then. AUTHGATE_SELF_VERIFY with dkim = spf =
# self: Exim verifies no DKIM itself (no DKIM: line in its main log) and
# authgate still records DKIM and SPF; without the macro Exim verifies as
# before; the macro with a policy that reads Exim's verdicts is an error
# (on_error and a panic-log line), never a decision on verdicts no one
# computed. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup preload
W=$AG_WORK
M=$W/msgs
e2e_key sel1
e2e_dns --txt-record="sel1._domainkey.signed.example,$(cat "$W/keys/sel1.dns")" \
	--txt-record="signed.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.signed.example,v=DMARC1; p=reject"
printf '[general]\nlog_file = @WORK@/authgate.log\n' >"$W/policy.exim"
printf '[general]\nlog_file = @WORK@/authgate.log\ndkim = self\nspf = self\n' >"$W/policy.self"
e2e_policy "$W/policy.exim"

stop_exim() {
	local pid
	pid=$(cat "$W/run/exim.pid")
	kill "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	rm -f "$W/run/exim.pid"
}
# signed NAME: a message from signed.example, signed by it.
signed() {
	e2e_msg "$M/$1.raw" "a@signed.example" "$1"
	e2e_sign "$M/$1.raw" "$M/$1.eml" sel1 signed.example sel1
}
# dkim_lines ID: Exim's own DKIM: lines in its main log for message ID.
dkim_lines() { grep -c "^[-0-9: ]*$1 DKIM: " "$W/log/mainlog"; }
panics() { grep -c "$1" "$W/log/paniclog" 2>/dev/null; }
decided() { # decided ID: the log line's decision and DKIM/SPF facts, compact
	e2e_logline "$1" | jq -c '[.decision.action, .decision.class, .decision.dmarc.result,
		[.facts.dkim[].result], .facts.spf.result]'
}

# ---- preload on (the example's default) ----
# mapped PID: the module is in PID's maps (the daemon maps it when it
# accepts a connection: e2e_exim's probe is one), waiting up to 2 s.
mapped() {
	for _ in $(seq 20); do
		grep -q "$AG_BUILD/$AG_MODULE" "/proc/$1/maps" && return 0
		sleep 0.1
	done
	return 1
}
e2e_exim
pid=$(cat "$W/run/exim.pid")
mapped "$pid" &&
	ok "preload: the daemon has $AG_MODULE mapped before any message" ||
	nok "preload: $AG_MODULE not in the daemon's maps" "$(grep -c . "/proc/$pid/maps") mappings"
signed on
e2e_send "$M/on.eml" --from a@signed.example
[ "$SMTP_CODE" = 250 ] && ok "preload: signed message 250" || nok "preload: SMTP $SMTP_CODE" "$SMTP_TEXT"
with=$(decided "$QUEUE_ID")
[ "$with" = '["accept","none","pass",["pass"],"pass"]' ] &&
	ok "preload: decided $with" || nok "preload: decided $with"
[ "$(dkim_lines "$QUEUE_ID")" = 1 ] && ok "without AUTHGATE_SELF_VERIFY Exim verifies DKIM (one DKIM: line)" ||
	nok "without AUTHGATE_SELF_VERIFY: $(dkim_lines "$QUEUE_ID") DKIM: lines" "$(grep DKIM: "$W/log/mainlog")"
[ ! -s "$W/log/paniclog" ] && ok "preload: no panic-log line" || nok "preload: panic log" "$(cat "$W/log/paniclog")"

# A preload failure: the compiled policy is not a file the daemon may
# open (a FIFO could block it). One panic-log line however many
# connections (and one of the connections' loader, which parses the
# source instead); mail flows.
mkfifo "$W/policy.ini.agc"
for i in 1 2 3; do
	signed "fifo$i"
	e2e_send "$M/fifo$i.eml" --from a@signed.example
	[ "$SMTP_CODE" = 250 ] || break
done
[ "$SMTP_CODE" = 250 ] && [ "$(decided "$QUEUE_ID")" = "$with" ] &&
	ok "preload failure: three messages 250, decided as before" || nok "preload failure: SMTP $SMTP_CODE" "$SMTP_TEXT"
[ "$(panics 'authgate_preload: .*policy.ini.agc: not a regular file')" = 1 ] &&
	[ "$(panics 'authgate: .*policy.ini.agc: refused: not a regular file; parsed')" = 1 ] &&
	[ "$(grep -c . "$W/log/paniclog")" = 2 ] &&
	ok "preload failure: one panic-log line for three connections (and the loader's one)" ||
	nok "preload failure: panic log" "$(cat "$W/log/paniclog" 2>/dev/null)"
rm -f "$W/policy.ini.agc"

# The compiled policy: the daemon maps policy.ini.agc at the next
# connection, so the connections' processes share its pages; mail is
# decided as from the source; once the file is gone the daemon lets go.
"$AG_BUILD/authgate" compile "$W/policy.ini" >/dev/null
signed agc
e2e_send "$M/agc.eml" --from a@signed.example
grep -q "$W/policy.ini.agc" "/proc/$pid/maps" && [ "$SMTP_CODE" = 250 ] &&
	[ "$(decided "$QUEUE_ID")" = "$with" ] &&
	ok "preload: the daemon maps policy.ini.agc, decided as before" ||
	nok "preload of the compiled policy: SMTP $SMTP_CODE, decided $(decided "$QUEUE_ID")" \
		"$(grep -c agc "/proc/$pid/maps") agc mappings"
rm -f "$W/policy.ini.agc"
signed agcgone
e2e_send "$M/agcgone.eml" --from a@signed.example
! grep -q "$W/policy.ini.agc" "/proc/$pid/maps" && [ "$SMTP_CODE" = 250 ] &&
	ok "preload: the compiled policy removed, the daemon lets go of it" ||
	nok "preload: removed policy.ini.agc still mapped (SMTP $SMTP_CODE)"
stop_exim

# ---- without preload: the same decision ----
: >"$W/log/paniclog"
e2e_exim -DAUTHGATE_NO_PRELOAD=1
pid=$(cat "$W/run/exim.pid")
sleep 0.5
! grep -q "$AG_MODULE" "/proc/$pid/maps" && ok "AUTHGATE_NO_PRELOAD: the daemon has no module mapped" ||
	nok "AUTHGATE_NO_PRELOAD: module mapped"
signed off
e2e_send "$M/off.eml" --from a@signed.example
without=$(decided "$QUEUE_ID")
[ "$SMTP_CODE" = 250 ] && [ "$without" = "$with" ] && ok "without preload: decided the same ($without)" ||
	nok "without preload: SMTP $SMTP_CODE, decided $without, with preload $with"
stop_exim

# ---- the operator's per-host limit ----
e2e_exim -DAUTHGATE_MAX_PER_HOST=1
# One connection from 203.0.113.7 held open; a second one from there is
# turned away, one from another address is not.
# hold ADDRESS SECONDS: connects from ADDRESS, prints the banner, waits.
hold() { e2e_ns python3 -c '
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), source_address=(sys.argv[2], 0))
print(s.recv(200).decode().strip(), flush=True)
time.sleep(float(sys.argv[3]))
' "$AG_PORT" "$@"; }
hold 203.0.113.7 3 >"$W/out/first" &
holder=$!
sleep 0.7
second=$(hold 203.0.113.7 0)
third=$(hold 192.0.2.15 0)
wait "$holder"
case "$(cat "$W/out/first")|$second|$third" in
220*"|"421*"|"220*) ok "AUTHGATE_MAX_PER_HOST=1: a second connection from the same address gets 421, another address 220" ;;
*) nok "per-host limit: first '$(cat "$W/out/first")', second '$second', other '$third'" ;;
esac
pid=$(cat "$W/run/exim.pid")
mapped "$pid" && [ ! -s "$W/log/paniclog" ] &&
	ok "AUTHGATE_MAX_PER_HOST=1: the module is preloaded too, no panic-log line" ||
	nok "per-host limit: preload" "$(cat "$W/log/paniclog" 2>/dev/null)"
stop_exim

# ---- a new module file: the daemon keeps the one it has until SIGHUP ----
# (a copy of the module, replaced by rename as dpkg does)
built=$AG_BUILD
AG_BUILD=$W/mod
mkdir -p "$AG_BUILD"
cp "$built/$AG_MODULE" "$AG_BUILD/"
e2e_exim
pid=$(cat "$W/run/exim.pid")
mapped "$pid"
old=$(stat -c %i "$AG_BUILD/$AG_MODULE")
cp "$built/$AG_MODULE" "$AG_BUILD/$AG_MODULE.new"
mv -f "$AG_BUILD/$AG_MODULE.new" "$AG_BUILD/$AG_MODULE"
new=$(stat -c %i "$AG_BUILD/$AG_MODULE")
signed replaced
e2e_send "$M/replaced.eml" --from a@signed.example
inodes() { awk -v m="$AG_BUILD/$AG_MODULE" 'index($0, m) { print $5 }' "/proc/$pid/maps" | sort -u | tr '\n' ' '; }
[ "$SMTP_CODE" = 250 ] && [ "$(inodes)" = "$old " ] &&
	ok "module replaced by rename: mail flows, the daemon keeps the old file mapped" ||
	nok "module replaced: SMTP $SMTP_CODE, daemon maps inodes $(inodes), old $old, new $new"
if [ -n "${AG_SANITIZE:-}" ]; then
	# Exim clears its environment when it starts, so the daemon that
	# SIGHUP re-executes has lost the LD_PRELOAD of the sanitizer
	# runtimes, which a module built with them needs.
	ok "after SIGHUP the daemon maps the new module file # SKIP make check: a sanitized module needs LD_PRELOAD, which Exim's re-execution drops"
else
	kill -HUP "$pid"
	sleep 1
	e2e_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$AG_PORT" 2>/dev/null
	for _ in $(seq 20); do [ "$(inodes)" = "$new " ] && break; sleep 0.1; done
	signed reloaded
	e2e_send "$M/reloaded.eml" --from a@signed.example
	[ "$SMTP_CODE" = 250 ] && [ "$(inodes)" = "$new " ] &&
		ok "after SIGHUP the daemon maps the new module file" ||
		nok "after SIGHUP: SMTP $SMTP_CODE, daemon maps inodes $(inodes), new $new"
fi
stop_exim
AG_BUILD=$built

# ---- AUTHGATE_SELF_VERIFY: dkim = spf = self, Exim verifies neither ----
AG_MODULE=authgate-verify.so
e2e_policy "$W/policy.self"
e2e_exim -DAUTHGATE_SELF_VERIFY=1
signed self
e2e_send "$M/self.eml" --from a@signed.example
[ "$SMTP_CODE" = 250 ] && ok "self: signed message 250" || nok "self: SMTP $SMTP_CODE" "$SMTP_TEXT"
[ "$(dkim_lines "$QUEUE_ID")" = 0 ] && ok "self: Exim verified no DKIM itself (no DKIM: line)" ||
	nok "self: Exim's DKIM: lines" "$(grep "$QUEUE_ID DKIM:" "$W/log/mainlog")"
got=$(decided "$QUEUE_ID")
[ "$got" = "$with" ] && ok "self: authgate records DKIM and SPF itself: $got" || nok "self: decided $got, want $with"
# Exim's SPF: the ACL's spf condition is not run.
e2e_exim_cmd -DAUTHGATE_SELF_VERIFY=1 -bh 203.0.113.7 -d+acl <<EOF >"$W/out/bh" 2>&1
EHLO mx.sender.example
MAIL FROM:<a@signed.example>
QUIT
EOF
! grep -q 'check spf = ' "$W/out/bh" && grep -q 'check control = dkim_disable_verify' "$W/out/bh" &&
	grep -q '^250' "$W/out/bh" &&
	ok "self: the MAIL ACL disables DKIM verification and runs no spf condition" ||
	nok "self: MAIL ACL" "$(grep -E 'spf|dkim|^[2-5][0-9][0-9]' "$W/out/bh" | head)"

# The macro with a policy that reads Exim's verdicts: an error, not a
# decision on no verdicts.
e2e_policy "$W/policy.exim"
sleep 1.1
signed mismatch
e2e_send "$M/mismatch.eml" --from a@signed.example
[ "$SMTP_CODE" = 451 ] && [ "$(panics 'sets dkim = exim, but .*AUTHGATE_SELF_VERIFY')" -ge 1 ] &&
	ok "self macro, dkim = exim in the policy: 451 and a panic-log line naming the macro" ||
	nok "self macro with dkim = exim: SMTP $SMTP_CODE" "$(cat "$W/log/paniclog" 2>/dev/null)"
stop_exim
tap_done
