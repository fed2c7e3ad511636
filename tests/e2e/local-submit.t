#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: locally submitted mail while the policy cannot be used.
# Mail that Exim receives with no client address (exim -t, sendmail -t,
# -bm, batched SMTP on -bS, a local process speaking SMTP on -bs) has no
# sender that would retry it: whatever the policy problem (a syntax
# error, an unreadable or missing policy.ini, facts that cannot be
# collected, a policy the module cannot serve, authgate's ACLs missing),
# it is delivered unchecked with rule error.local in X-AuthGate and in
# its JSON line, and the panic log names the cause. SMTP mail in the same
# state (from the daemon, or -bs with a client address given by -oMa)
# still gets 451, or the policy's on_error. Every such message has its
# JSON line: in the policy's log_file, or with no policy loaded in the
# log_file of the last policy loaded (the load mark), or with no mark in
# Exim's main log. Runs with both module builds. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup localsub
W=$AG_WORK
M=$W/msgs
e2e_dns --txt-record="plain.example,v=spf1 ip4:203.0.113.7 -all"
GOOD='[general]\nauthserv_id = mx.gw.test\nlog_file = @WORK@/authgate.log\n'
# The example with a fault only a test can make: the DKIM list the ACLs
# hand the module is malformed, for local and SMTP input alike, so that
# collecting facts fails under a policy that loads.
sed -e 's/^acl_check_not_smtp:$/&\n  warn  set acl_m_authgate_dkim = not a list/' \
	-e 's/^  require acl = acl_authgate_mail$/&\n  warn  set acl_m_authgate_dkim = not a list/' \
	"$AG_EXIM_CONF" >"$W/faulty.conf"
[ "$(grep -c 'acl_m_authgate_dkim = not a list' "$W/faulty.conf")" = 2 ] || e2e_die "faulty.conf: the ACLs changed"
# The example without authgate's ACLs (as if not installed): the module
# learns no policy path.
awk '/^  require acl = acl_authgate_mail$/ { next }
	/^acl_check_not_smtp:$/ { print; getline; if ($0 ~ /set acl_m_authgate = /) next }
	{ print }' "$AG_EXIM_CONF" >"$W/noacl.conf"
[ "$(grep -c 'acl_authgate_mail\|acl_m_authgate = ' "$W/noacl.conf")" = 2 ] || e2e_die "noacl.conf: the ACLs changed"
CONF=$AG_EXIM_CONF

# restart MODULE CONF: the daemon with MODULE and CONF.
restart() {
	local pid i
	if [ -s "$W/run/exim.pid" ]; then
		pid=$(cat "$W/run/exim.pid")
		kill "$pid"
		for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		rm -f "$W/run/exim.pid"
	fi
	AG_MODULE=$1
	CONF=$2
	AG_EXIM_CONF=$CONF e2e_exim
}
policy() { printf "$1" >"$W/policy.tmpl" && e2e_policy "$W/policy.tmpl"; }
# exim_argv: exim4 -C and the sandbox's configuration around CONF, one
# per line.
exim_argv() {
	printf '%s\n' "${AG_EXIM:-exim4}" -C "$(AG_EXIM_CONF=$CONF e2e_exim_conf)"
}
n_msg=0
# local_msg SUBJECT: a message as cron would write it, with a forged
# Authentication-Results in the gateway's name; its path in MSG.
local_msg() {
	n_msg=$((n_msg + 1))
	MSG=$M/local$n_msg.eml
	printf 'From: Cron Daemon <root@gw.test>\nTo: user@gw.test\nSubject: %s\n%s\n\n%s\n' "$1" \
		'Authentication-Results: mx.gw.test; dmarc=pass header.from=bank.example' 'cron output' >"$MSG"
}
# submit HOW SUBJECT: submits a local message HOW: t (exim -t), sendmail
# (sendmail -t), bm (exim -bm user@gw.test), bS (batched SMTP), bs (SMTP
# on -bs, no client address), bs-oMa (-bs with -oMa: an SMTP client).
# Sets RC (exit status) and, for bs and bs-oMa, SMTP_CODE.
submit() {
	local how=$1 subj=$2 argv env
	local_msg "$subj"
	mapfile -t argv < <(exim_argv)
	mapfile -t env < <(e2e_exim_env)
	SMTP_CODE=
	case $how in
	t) e2e_ns "${env[@]}" "${argv[@]}" -t -oi <"$MSG" >"$W/out/$n_msg.out" 2>&1 ;;
	sendmail)
		# sendmail is Exim's own binary under that name.
		argv[0]=${AG_EXIM:-/usr/sbin/sendmail}
		e2e_ns "${env[@]}" "${argv[@]}" -t -oi <"$MSG" >"$W/out/$n_msg.out" 2>&1
		;;
	bm) e2e_ns "${env[@]}" "${argv[@]}" -bm -oi user@gw.test <"$MSG" >"$W/out/$n_msg.out" 2>&1 ;;
	bS)
		{
			printf 'MAIL FROM:<root@gw.test>\nRCPT TO:<user@gw.test>\nDATA\n'
			sed 's/^\./../' "$MSG"
			printf '.\nQUIT\n'
		} | e2e_ns "${env[@]}" "${argv[@]}" -bS >"$W/out/$n_msg.out" 2>&1
		;;
	bs | bs-oMa)
		[ "$how" = bs-oMa ] && argv+=(-oMa 203.0.113.7 -oMi 127.0.0.1)
		e2e_ns swaks --pipe "${env[*]} ${argv[*]} -bs" --from root@gw.test --to user@gw.test \
			--data "$MSG" >"$W/out/$n_msg.out" 2>&1
		SMTP_CODE=$(sed -n '/^ *-> \.$/,$p' "$W/out/$n_msg.out" | grep -m1 -E '^ *<(-|\*\*) +[0-9]{3}' |
			sed -E 's/^ *<(-|\*\*) +([0-9]{3}).*/\2/')
		;;
	esac
	RC=$?
}
# delivered SUBJECT: the delivered file with SUBJECT (waits up to 10 s);
# only new/ holds whole files (a maildir writes in tmp/, then renames).
delivered() {
	local i f
	for i in $(seq 100); do
		f=$(find "$W/mail" -path '*/new/*' -type f -exec grep -lF "Subject: $1" {} + 2>/dev/null | head -1)
		[ -n "$f" ] && {
			echo "$f"
			return 0
		}
		sleep 0.1
	done
	return 1
}
# json_line ID FILE: the JSON line for message ID in FILE (authgate.log,
# or Exim's main log, where the module writes it when no policy loaded
# and no load mark names the last policy's log_file).
json_line() {
	local i
	for i in $(seq 50); do
		grep -F "\"id\":\"$1\"" "$2" 2>/dev/null | sed 's/^.*authgate: {/{/' | grep '^{' | tail -1 | grep . && return 0
		sleep 0.1
	done
	return 1
}
# expect_local NAME HOW WHERE [CAUSE]: submits a local message HOW; it
# must be accepted (exit 0 or SMTP 250), delivered with rule error.local
# and the forged results removed, its JSON line in WHERE (mainlog or
# logfile) saying error.local with CAUSE in "error", and the panic log
# naming it.
expect_local() {
	local name="$1 [$AG_MODULE]" how=$2 where=$3 cause=${4:-} subj file id line log
	subj="$1 via $2 $AG_MODULE"
	submit "$how" "$subj"
	if [ "$RC" = 0 ] && { [ -z "$SMTP_CODE" ] || [ "$SMTP_CODE" = 250 ]; }; then
		ok "$name: $how accepted${SMTP_CODE:+ (SMTP $SMTP_CODE)}"
	else
		nok "$name: $how exit $RC${SMTP_CODE:+, SMTP $SMTP_CODE}" "$(tail -5 "$W/out/$n_msg.out")"
	fi
	file=$(delivered "$subj")
	if [ -n "$file" ] && sed '/^$/q' "$file" | grep -q '^X-AuthGate: action=accept; class=none; rule=error.local; findings=unchecked$' &&
		! sed '/^$/q' "$file" | grep -q '^Authentication-Results: mx.gw.test;'; then
		ok "$name: delivered, X-AuthGate rule=error.local, forged results removed"
	else
		nok "$name: delivered copy" "$([ -n "$file" ] && sed '/^$/q' "$file" || echo "not delivered")"
	fi
	id=$(sed -n 's/^.*[[:space:]]id \([A-Za-z0-9-]*\).*/\1/p' "$file" 2>/dev/null | head -1)
	log=$W/authgate.log
	[ "$where" = mainlog ] && log=$W/log/mainlog
	line=$(json_line "$id" "$log")
	if [ -n "$id" ] && printf '%s' "$line" | jq -e --arg c "$cause" \
		'.decision.action == "accept" and .decision.rule == "error.local" and (.error | contains($c)) and (has("facts") | not)' >/dev/null; then
		ok "$name: JSON line in $where: rule error.local, error names the cause"
	else
		nok "$name: JSON line in $where for ${id:-?}" "${line:-none}"
	fi
	grep -qF "message $id was submitted locally: accepted unchecked (rule error.local)" "$W/log/paniclog" 2>/dev/null &&
		ok "$name: panic log names the cause and the message" || nok "$name: panic log" "$(tail -2 "$W/log/paniclog" 2>/dev/null)"
}
# expect_smtp NAME CODE [JQ [WHERE]]: sends by SMTP from 203.0.113.7;
# the reply to DATA must be CODE and, with JQ, the newest JSON line in
# WHERE (mainlog, the default, or logfile) must pass it.
expect_smtp() {
	local name="$1 [$AG_MODULE]" code=$2 filter=${3:-} where=${4:-mainlog} log line
	n_msg=$((n_msg + 1))
	e2e_msg "$M/smtp$n_msg.eml" "a@plain.example" "$1 by SMTP"
	e2e_send "$M/smtp$n_msg.eml" --from a@plain.example
	[ "$SMTP_CODE" = "$code" ] && ok "$name: SMTP $code" || nok "$name: SMTP $SMTP_CODE, want $code" "$SMTP_TEXT"
	[ -n "$filter" ] || return 0
	log=$W/authgate.log
	[ "$where" = mainlog ] && log=$W/log/mainlog
	sleep 0.2
	line=$(grep -F '{"v":2' "$log" | sed 's/^.*authgate: {/{/' | tail -1)
	printf '%s' "$line" | jq -e "$filter" >/dev/null && ok "$name: JSON line $filter" || nok "$name: JSON line $filter" "$line"
}

# Both module builds; an Exim with authgate linked in (make exim-static)
# has one, with own verification.
modules=(authgate.so authgate-verify.so)
[ "${#AG_EXIM_DEFS[@]}" = 0 ] || modules=(authgate-verify.so)
e2e_exim
for module in "${modules[@]}"; do
	restart "$module" "$AG_EXIM_CONF"
	# A working policy: local mail is skip.authenticated, as ever.
	policy "$GOOD"
	submit t "working policy $module"
	file=$(delivered "working policy $module")
	[ -n "$file" ] && sed '/^$/q' "$file" | grep -q '^X-AuthGate: action=accept; class=none; rule=skip.authenticated;' &&
		ok "working policy [$module]: exim -t delivered, rule skip.authenticated" ||
		nok "working policy [$module]" "$([ -n "$file" ] && sed '/^$/q' "$file")"
	# By SMTP: a process of the Exim user records the load and its
	# log_file in the load mark, where the JSON lines of messages no
	# policy decides go while the policy cannot be loaded.
	expect_smtp "working policy" 250 '.decision.rule != "on_error"' logfile

	# A syntax error.
	printf '[general]\nmode = enforced\n' >"$W/policy.ini"
	for how in t sendmail bm bS bs; do
		expect_local "syntax error" "$how" logfile "policy.ini:2: error: mode must be"
	done
	expect_smtp "syntax error" 451 '.decision.action == "tempfail" and .decision.rule == "on_error" and (.error | contains("policy.ini:2"))' logfile
	submit bs-oMa "syntax error -oMa $module"
	[ "$SMTP_CODE" = 451 ] && ok "syntax error [$module]: -bs with -oMa (an SMTP client): 451" ||
		nok "syntax error [$module]: -bs -oMa: SMTP $SMTP_CODE, want 451" "$(tail -5 "$W/out/$n_msg.out")"

	# Unreadable (Exim receives as its own user: root's mode bits hold).
	policy "$GOOD"
	chmod 000 "$W/policy.ini"
	for how in t sendmail bs; do
		expect_local "unreadable policy" "$how" logfile "Permission denied"
	done
	expect_smtp "unreadable policy" 451 '.decision.rule == "on_error" and (.error | contains("Permission denied"))' logfile

	# Missing.
	rm -f "$W/policy.ini"
	for how in t bm bS; do
		expect_local "missing policy" "$how" logfile "cannot stat"
	done
	expect_smtp "missing policy" 451 '.decision.rule == "on_error" and (.error | contains("cannot stat"))' logfile
	# No load mark (no policy ever loaded here): Exim's main log.
	rm -f "$W/spool/authgate-policy.loaded"
	expect_local "missing policy, no load mark" t mainlog "cannot stat"
	expect_smtp "missing policy, no load mark" 451 '.decision.rule == "on_error" and (.error | contains("cannot stat"))'

	# A policy that loads, facts that cannot be collected: the JSON line
	# goes to the policy's log_file.
	policy "$GOOD"
	restart "$module" "$W/faulty.conf"
	for how in t sendmail bs; do
		expect_local "facts not collected" "$how" logfile "malformed \$acl_m_authgate_dkim"
	done
	expect_smtp "facts not collected" 451 '.decision.action == "tempfail" and .decision.rule == "on_error" and .decision.line == null' logfile
	policy "${GOOD}on_error = accept\n"
	expect_local "facts not collected, on_error = accept" t logfile "malformed"
	expect_smtp "facts not collected, on_error = accept" 250 \
		".decision.action == \"accept\" and .decision.rule == \"on_error\" and .decision.line == \"$W/policy.ini:4\"" logfile
	file=$(e2e_delivered "$QUEUE_ID")
	[ -n "$file" ] && sed '/^$/q' "$file" | grep -q '^X-AuthGate: action=accept; class=none; rule=on_error; findings=unchecked$' &&
		ok "facts not collected, on_error = accept [$module]: SMTP mail delivered with rule=on_error" ||
		nok "on_error = accept [$module]: X-AuthGate" "$([ -n "$file" ] && sed '/^$/q' "$file")"
	restart "$module" "$AG_EXIM_CONF"

	# A policy this module cannot serve (own verification without
	# authgate-verify.so).
	if [ "$module" = authgate.so ]; then
		policy "${GOOD}dkim = self\n"
		for how in t bs; do
			expect_local "dkim = self in authgate.so" "$how" logfile "needs the module authgate-verify.so"
		done
		expect_smtp "dkim = self in authgate.so" 451 '.decision.rule == "on_error"' logfile
	fi

	# The ACLs not installed: SMTP mail is held (451); local mail goes
	# on with the default policy path, delivered whatever is there.
	policy "$GOOD"
	restart "$module" "$W/noacl.conf"
	expect_smtp "ACLs missing" 451 '.decision.rule == "on_error" and (.error | contains("ACLs (exim-conf/) did not run"))' logfile
	submit t "ACLs missing $module"
	file=$(delivered "ACLs missing $module")
	[ "$RC" = 0 ] && [ -n "$file" ] && ok "ACLs missing [$module]: local mail delivered ($(sed -n 's/^X-AuthGate: .*\(rule=[^;]*\).*/\1/p' "$file"))" ||
		nok "ACLs missing [$module]: local mail: exit $RC" "$(tail -3 "$W/out/$n_msg.out")"
	restart "$module" "$AG_EXIM_CONF"
done

# Nothing was lost, nothing waits: every local message delivered, none
# frozen or queued, no bounce made.
policy "$GOOD"
sleep 0.5
[ "$(e2e_exim_cmd -bpc 2>/dev/null)" = 0 ] && ok "nothing queued or frozen" || nok "queue" "$(e2e_exim_cmd -bp)"
grep -q '<= <>' "$W/log/mainlog" && nok "a bounce was made" "$(grep '<= <>' "$W/log/mainlog" | head -3)" ||
	ok "no bounce was made"
tap_done
