#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A module that crashes (make's authgate-crash.so: raise(SIGSEGV) in
# local_scan on every message) loaded into the real Exim: Exim's own crash
# handling answers with a temporary failure (Exim 4.96: 421 "local
# verification problem" and the connection closed), nothing is delivered
# and nothing queued, so the sender keeps the message. TAP; needs root.
set -u
AG_MODULE=authgate-crash.so
. "$(dirname "$0")/lib.sh"

e2e_setup crash
W=$AG_WORK
[ -x "$AG_BUILD/authgate-crash.so" ] || e2e_die "build $AG_BUILD/authgate-crash.so first (make e2e does)"
e2e_dns --txt-record="plain.example,v=spf1 ip4:203.0.113.7 -all"
printf '[general]\nauthserv_id = mx.gw.test\nlog_file = @WORK@/authgate.log\n' >"$W/policy.tmpl"
e2e_policy "$W/policy.tmpl"
e2e_exim
e2e_msg "$W/msgs/m.eml" "a@plain.example" "crash"
e2e_send "$W/msgs/m.eml" --from a@plain.example
[ "${SMTP_CODE#4}" != "$SMTP_CODE" ] && ok "a crashing module: SMTP $SMTP_CODE ($SMTP_TEXT)" ||
	nok "crash: SMTP $SMTP_CODE, want 4xx" "$SMTP_TEXT"
grep -q "local_scan() function crashed with signal 11" "$W/log/mainlog" 2>/dev/null &&
	ok "Exim's main log names the crash" || nok "mainlog" "$(tail -5 "$W/log/mainlog" 2>/dev/null)"
sleep 0.5
[ -z "$(ls -A "$W/mail" 2>/dev/null)" ] && ok "nothing delivered" || nok "something was delivered" "$(ls -R "$W/mail")"
[ -z "$(e2e_exim_cmd -bp 2>/dev/null)" ] && ok "nothing queued: the sender keeps the message" || nok "queue" "$(e2e_exim_cmd -bp)"
echo "1..$n"
[ "$failed" = 0 ]
