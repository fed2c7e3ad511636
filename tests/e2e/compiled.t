#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: the module maps the compiled policy (policy.ini.agc, issue
# 18) and decides by it; a policy.ini changed since it was compiled is
# parsed instead (the stale compiled form never decides) with a main- and
# panic-log line naming both files, once; compiled again, the compiled
# form is used again; a corrupt one is refused with its reason and the
# source decides. The policy enforces bank.example (p=reject) in its own
# section under a global monitor mode, so the SMTP code says which policy
# decided. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup compiled
W=$AG_WORK
M=$W/msgs
e2e_dns --txt-record="_dmarc.bank.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.1 -all"
cat >"$W/enforce.tmpl" <<'POL'
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
mode = monitor

[domain:bank.example]
mode = enforce
POL
sed 's/^mode = enforce$/mode = monitor/' "$W/enforce.tmpl" >"$W/monitor.tmpl"
e2e_policy "$W/enforce.tmpl"
"$AG_BUILD/authgate" compile -q "$W/policy.ini" && ok "authgate compile" || nok "authgate compile"
: >"$W/log/paniclog"
chown Debian-exim: "$W/log/paniclog"
e2e_exim
e2e_msg "$M/forged.eml" "CEO <ceo@bank.example>" "urgent transfer"
expect() {
	if [ "$SMTP_CODE" = "$2" ]; then ok "$1: SMTP $2"; else nok "$1: SMTP $2" "got '$SMTP_CODE' $SMTP_TEXT"; fi
}
loaded() { grep -c "policy $W/policy.ini loaded, sha256 [0-9a-f]* (compiled form)" "$W/log/mainlog"; }

sleep 1.2 # the module does not use a policy.ini changed in the last second
e2e_send "$M/forged.eml" --from x@bank.example
expect "compiled form" 550
[ "$(loaded)" = 1 ] && ok "the main log says the compiled form was loaded" ||
	nok "main log: compiled form" "$(grep 'policy.*loaded' "$W/log/mainlog")"
[ ! -s "$W/log/paniclog" ] && ok "no panic-log line while it is fresh" || nok "panic log" "$(cat "$W/log/paniclog")"

# policy.ini replaced (bank.example now monitored), not compiled again
e2e_policy "$W/monitor.tmpl"
sleep 1.2
e2e_send "$M/forged.eml" --from x@bank.example
expect "stale compiled form: policy.ini decides" 250
e2e_send "$M/forged.eml" --from x@bank.example
expect "again" 250
[ "$(grep -c "$W/policy.ini.agc is stale: $W/policy.ini changed since it was compiled" "$W/log/paniclog")" = 1 ] &&
	ok "the panic log names both files and why, once" || nok "panic log: stale" "$(cat "$W/log/paniclog")"

# compiled again: used again
"$AG_BUILD/authgate" compile -q "$W/policy.ini"
e2e_send "$M/forged.eml" --from x@bank.example
expect "compiled again" 250
[ "$(loaded)" = 2 ] && ok "the compiled form is loaded again" ||
	nok "main log: compiled again" "$(grep 'policy.*loaded' "$W/log/mainlog")"

# corrupt: refused, the source decides
e2e_policy "$W/enforce.tmpl"
"$AG_BUILD/authgate" compile -q "$W/policy.ini"
printf 'XXXXXXXX' | dd of="$W/policy.ini.agc" bs=1 seek=40 conv=notrunc status=none
sleep 1.2
e2e_send "$M/forged.eml" --from x@bank.example
expect "corrupt compiled form: policy.ini decides" 550
grep -q "$W/policy.ini.agc: refused: corrupt header" "$W/log/paniclog" &&
	ok "the panic log says it was refused, and why" || nok "panic log: refused" "$(cat "$W/log/paniclog")"
echo "1..$n"
