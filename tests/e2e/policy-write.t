#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: a policy.ini rewritten in place is never used half-written.
# The good policy keeps a global monitor mode and enforces bank.example
# (p=reject) in its own section; written in place in two halves, the
# first half ends with that section's header and no keys yet, which
# would put bank.example under monitor. A forgery sent while the second
# half is still to come must get 550 (the old policy, or the new one
# once whole), never 250; the same with a second message in one SMTP
# session (a process that already holds the policy keeps it), with the
# file written line by line with pauses under a second, and with a writer
# that goes on for longer than a process waits (451 and a panic-log line,
# never a part of the file). A pause of a second or more in an in-place
# write cannot be told from a finished file (README: replace the file
# with rename(2)); an atomic replacement is used once settled. TAP;
# needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup polwrite
W=$AG_WORK
M=$W/msgs
e2e_dns --txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.1 -all"
cat >"$W/policy.tmpl" <<'POL'
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
mode = monitor

[domain:bank.example]
mode = enforce
POL
e2e_policy "$W/policy.tmpl"
sed "s#@WORK@#$W#g" "$W/policy.tmpl" >"$W/policy.full"
# The first half: up to and including the section header.
sed -n '1,/^\[domain:bank.example\]$/p' "$W/policy.full" >"$W/policy.half"
grep -q 'mode = enforce' "$W/policy.half" && e2e_die "policy.half holds the keys"
e2e_exim

e2e_msg "$M/forged.eml" "CEO <ceo@bank.example>" "urgent transfer"
expect() {
	if [ "$SMTP_CODE" = "$2" ]; then ok "$1: SMTP $2"; else nok "$1: SMTP $2" "got '$SMTP_CODE' $SMTP_TEXT"; fi
}

e2e_send "$M/forged.eml" --from x@bank.example
expect settled 550

# write_halves PAUSE: rewrites policy.ini in place (truncate, first
# half, PAUSE seconds, the rest), in the background; WRITER is its pid.
write_halves() {
	(
		exec 3>"$W/policy.ini"
		cat "$W/policy.half" >&3
		sleep "$1"
		tail -n +"$(($(wc -l <"$W/policy.half") + 1))" "$W/policy.full" >&3
		exec 3>&-
	) &
	WRITER=$!
	sleep 0.2 # the first half is in the file
	cmp -s "$W/policy.ini" "$W/policy.half" || nok "the first half is in the file"
}

# A new connection while the file is half written: it waits for the file
# to settle and is judged by the whole new policy.
write_halves 0.6
e2e_send "$M/forged.eml" --from x@bank.example
expect half-new-connection 550
wait "$WRITER"
cmp -s "$W/policy.ini" "$W/policy.full" && ok "the writer finished" || nok "the writer finished"
LOG_LINE=$(e2e_logline "")
jq -e '.decision.action == "reject" and (.decision | has("monitor") | not)' <<<"$LOG_LINE" >/dev/null &&
	ok "half-new-connection: judged by the whole policy (enforced, no monitor)" ||
	nok "half-new-connection: judged by the whole policy" "$LOG_LINE"

# One SMTP session: the first message loads the policy, the second comes
# while the file is half written and is judged by the policy the process
# holds.
sleep 1.2
e2e_ns python3 - "$W" "$M/forged.eml" "$AG_PORT" >"$W/out/session.txt" 2>&1 <<'PY' &
import socket, sys, time
work, msg, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
# From the sender's address: SPF must fail as for swaks (127.0.0.1
# always passes in libspf2).
s = socket.create_connection(("127.0.0.1", port), timeout=60,
                             source_address=("203.0.113.7", 0))
f = s.makefile("rb")
def reply():
    line = f.readline()
    while line[3:4] == b"-":
        line = f.readline()
    return line.decode().strip()
def cmd(c):
    s.sendall(c.encode() + b"\r\n")
    return reply()
print(reply())
cmd("EHLO mx.sender.example")
body = open(msg, "rb").read().replace(b"\n", b"\r\n")
for i in range(2):
    if i == 1:
        # signal the writer, then wait until the half is in the file
        open(work + "/go", "w").close()
        while not open(work + "/policy.ini").read().endswith("[domain:bank.example]\n"):
            time.sleep(0.02)
    cmd("MAIL FROM:<x@bank.example>")
    cmd("RCPT TO:<user@gw.test>")
    cmd("DATA")
    s.sendall(body + b".\r\n")
    print("message", i, reply())
cmd("QUIT")
PY
PY_PID=$!
for i in $(seq 100); do [ -e "$W/go" ] && break; sleep 0.05; done
write_halves 0.6
wait "$PY_PID"
wait "$WRITER"
grep -q '^message 0 550' "$W/out/session.txt" && ok "session: first message 550" ||
	nok "session: first message 550" "$(cat "$W/out/session.txt")"
grep -q '^message 1 550' "$W/out/session.txt" && ok "session: second message, file half written: 550" ||
	nok "session: second message, file half written: 550" "$(cat "$W/out/session.txt")"

# write_lines PAUSE: rewrites policy.ini in place, one line at a time
# with PAUSE seconds between lines, in the background (WRITER).
write_lines() {
	(
		exec 3>"$W/policy.ini"
		while IFS= read -r line; do
			printf '%s\n' "$line" >&3
			sleep "$1"
		done <"$W/policy.full"
		exec 3>&-
	) &
	WRITER=$!
	sleep 0.2
}

# Line by line with pauses under a second: never used part-written.
sleep 1.2
write_lines 0.3
e2e_send "$M/forged.eml" --from x@bank.example
expect line-by-line 550
wait "$WRITER"

# A writer that goes on longer than a process waits: 451 and a
# panic-log line, never a part of the file.
sleep 1.2
panic_before=$(cat "$W/log/paniclog" 2>/dev/null | wc -l)
write_lines 0.6
e2e_send "$M/forged.eml" --from x@bank.example
expect slow-writer 451
tail -n +"$((panic_before + 1))" "$W/log/paniclog" 2>/dev/null | grep -q 'still being written' &&
	ok "slow-writer: the panic log says the file is still being written" ||
	nok "slow-writer: panic log" "$(cat "$W/log/paniclog")"
wait "$WRITER"
sleep 1.2
e2e_send "$M/forged.eml" --from x@bank.example
expect slow-writer-done 550

# Atomic replacement (write a new file, rename it over the old one).
sleep 1.2
sed 's/^mode = enforce$/mode = monitor/' "$W/policy.full" >"$W/policy.ini.new"
mv "$W/policy.ini.new" "$W/policy.ini"
e2e_send "$M/forged.eml" --from x@bank.example
expect atomic-monitor 250
cp "$W/policy.full" "$W/policy.ini.new"
mv "$W/policy.ini.new" "$W/policy.ini"
e2e_send "$M/forged.eml" --from x@bank.example
expect atomic-enforce 550

tap_done
