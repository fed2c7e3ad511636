#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: `authgate quarantine` over the sandbox's own Exim queue.
# Two messages the module froze (DMARC p=quarantine) and one frozen by
# hand: list (filters, --json), show, release (thawed and delivered),
# delete (gone, no bounce); the hand-frozen one is never listed or
# touched; a bad id, an unknown one and a missing Exim binary fail
# clearly. TAP output; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup quarantine
W=$AG_WORK
M=$W/msgs
e2e_dns --txt-record="_dmarc.q.example,v=DMARC1; p=quarantine" \
	--txt-record="_dmarc.q2.example,v=DMARC1; p=quarantine"
cat >"$W/policy.tmpl" <<'POLICY'
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
dns_timeout = 2

[actions]
dmarc.quarantine = quarantine
POLICY
e2e_policy "$W/policy.tmpl"
e2e_exim
CONF=$(e2e_exim_conf)
EXIM=$(command -v "${AG_EXIM:-exim4}")
# q ARGS...: the command as a postmaster runs it, over the sandbox's Exim;
# its output in $W/out/q.out and q.err, its exit status in RC.
q() {
	e2e_ns "$AG_BUILD/authgate" quarantine --exim "$EXIM" -C "$CONF" "$@" \
		>"$W/out/q.out" 2>"$W/out/q.err"
	RC=$?
}
is() { # is DESCRIPTION WANT GOT [DETAILS]
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1: got $3, want $2" "${4:-}"; fi
}
frozen() { e2e_exim_cmd -bp 2>/dev/null | grep -A0 "$1" | grep -q frozen; }

e2e_msg "$M/q1.eml" "a@q.example" "first quarantined"
e2e_send "$M/q1.eml" --from a@q.example
Q1=$QUEUE_ID
e2e_msg "$M/q2.eml" "b@news.q2.example" "second quarantined"
e2e_send "$M/q2.eml" --from b@news.q2.example
Q2=$QUEUE_ID
# A message frozen by hand (not by authgate): queued, then frozen.
e2e_msg "$M/other.eml" "c@gw.test" "frozen by the postmaster"
mapfile -t env < <(e2e_exim_env)
e2e_ns "${env[@]}" "$EXIM" -C "$CONF" -odq -t <"$M/other.eml" >/dev/null 2>&1
OTHER=$(e2e_exim_cmd -bpr 2>/dev/null | awk '$3 ~ /-/ {print $3}' |
	grep -v -e "^$Q1\$" -e "^$Q2\$" | head -1)
e2e_exim_cmd -Mf "$OTHER" >/dev/null 2>&1
sleep 0.3
if [ -n "$Q1" ] && [ -n "$Q2" ] && frozen "$Q1" && frozen "$Q2" && frozen "$OTHER"; then
	ok "setup: two messages quarantined by the module, one frozen by hand"
else
	nok "setup: three frozen messages" "Q1=$Q1 Q2=$Q2 OTHER=$OTHER $(e2e_exim_cmd -bp 2>&1 | head -20)"
fi

is "the example configuration cancels frozen mail after a week" \
	"timeout_frozen_after = 1w" "$(e2e_exim_cmd -bP timeout_frozen_after 2>&1)"
q list
is "list: exit 0" 0 "$RC" "$(cat "$W/out/q.err")"
if grep -q "^$Q1 .*dmarc.quarantine *q.example " "$W/out/q.out" &&
	grep -q "^$Q2 .*dmarc.quarantine *news.q2.example " "$W/out/q.out"; then
	ok "list: both quarantined messages, their class and From domain"
else
	nok "list: both quarantined messages" "$(cat "$W/out/q.out")"
fi
if ! grep -q "$OTHER" "$W/out/q.out" && grep -q "2 of 2 quarantined messages shown; 1 other frozen message left alone" "$W/out/q.out"; then
	ok "list: the message frozen by hand is not listed, only counted"
else
	nok "list: the message frozen by hand is not listed" "$(cat "$W/out/q.out")"
fi
q --domain q2.example list
if grep -q "^$Q2 " "$W/out/q.out" && ! grep -q "^$Q1 " "$W/out/q.out"; then
	ok "list --domain q2.example: the subdomain's message only"
else
	nok "list --domain q2.example" "$(cat "$W/out/q.out")"
fi
q --class spf list
is "list --class spf: none selected" 1 "$(grep -c "^0 of 2 quarantined" "$W/out/q.out")" "$(cat "$W/out/q.out")"
q --class dmarc --older-than 1h list
is "list --older-than 1h: none selected" 1 "$(grep -c "^0 of 2 quarantined" "$W/out/q.out")" "$(cat "$W/out/q.out")"
q --json list
if [ "$(jq -r 'select(.class == "dmarc.quarantine") | .id' "$W/out/q.out" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$Q1" "$Q2" | sort | tr '\n' ' ')" ] &&
	jq -se --arg id "$Q1" 'map(select(.id == $id))[0] | .from_domain == "q.example" and (.reason | test("DMARC")) and .age >= 0' "$W/out/q.out" >/dev/null; then
	ok "list --json: one object per quarantined message"
else
	nok "list --json" "$(cat "$W/out/q.out" "$W/out/q.err")"
fi

q show "$Q1"
if [ "$RC" = 0 ] && grep -q "^Message $Q1: quarantined by authgate" "$W/out/q.out" &&
	grep -q "Subject: *first quarantined" "$W/out/q.out" &&
	grep -q "X-AuthGate: .*action=quarantine" "$W/out/q.out" &&
	grep -q "Reason: .*q.example" "$W/out/q.out"; then
	ok "show: envelope, Subject, X-AuthGate and the reason"
else
	nok "show" "rc=$RC $(cat "$W/out/q.out" "$W/out/q.err")"
fi
q show "$OTHER"
if [ "$RC" = 1 ] && grep -q "not by authgate's quarantine: left alone" "$W/out/q.err"; then
	ok "show: a message frozen by hand is refused (exit 1)"
else
	nok "show: a message frozen by hand is refused" "rc=$RC $(cat "$W/out/q.out" "$W/out/q.err")"
fi
q release "$OTHER"
if [ "$RC" = 1 ] && frozen "$OTHER"; then
	ok "release: a message frozen by hand stays frozen (exit 1)"
else
	nok "release: a message frozen by hand stays frozen" "rc=$RC $(cat "$W/out/q.err")"
fi
q delete '../../etc/passwd'
if [ "$RC" = 2 ] && grep -q "not an Exim message id" "$W/out/q.err"; then
	ok "delete: an id that is not Exim's syntax is refused before Exim runs (exit 2)"
else
	nok "delete: a bad id" "rc=$RC $(cat "$W/out/q.err")"
fi
q delete 1aaaaa-000000-ZZ
if [ "$RC" = 1 ] && grep -q "not in the queue" "$W/out/q.err"; then
	ok "delete: an id not in the queue (exit 1)"
else
	nok "delete: an id not in the queue" "rc=$RC $(cat "$W/out/q.err")"
fi
e2e_ns "$AG_BUILD/authgate" quarantine --exim "$W/no-such-exim" list >"$W/out/q.out" 2>"$W/out/q.err"
RC=$?
if [ "$RC" = 2 ] && grep -q "cannot run $W/no-such-exim" "$W/out/q.err"; then
	ok "list: a missing Exim binary is named (exit 2)"
else
	nok "list: a missing Exim binary" "rc=$RC $(cat "$W/out/q.out" "$W/out/q.err")"
fi

q release "$Q1"
if [ "$RC" = 0 ] && grep -q "^$Q1: released" "$W/out/q.out" && e2e_delivered "$Q1" >/dev/null; then
	ok "release: thawed and delivered"
else
	nok "release: thawed and delivered" "rc=$RC $(cat "$W/out/q.out" "$W/out/q.err")"
fi
q delete "$Q2"
sleep 0.2
if [ "$RC" = 0 ] && ! e2e_exim_cmd -bp 2>/dev/null | grep -q "$Q2" &&
	! grep -rq "second quarantined" "$W/mail"; then
	ok "delete: removed from the queue, nothing delivered"
else
	nok "delete: removed" "rc=$RC $(cat "$W/out/q.out" "$W/out/q.err"; e2e_exim_cmd -bp 2>&1 | head)"
fi
if frozen "$OTHER" && [ "$(e2e_exim_cmd -bpc 2>/dev/null)" = 1 ]; then
	ok "the message frozen by hand is still frozen, alone in the queue (no bounce)"
else
	nok "the message frozen by hand is untouched" "$(e2e_exim_cmd -bp 2>&1 | head)"
fi
q list
is "list: empty quarantine" 1 "$(grep -c "^0 of 0 quarantined messages shown; 1 other" "$W/out/q.out")" "$(cat "$W/out/q.out")"

tap_done
