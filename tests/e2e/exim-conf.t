#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: what exim-conf/exim4.conf.example itself does, run unchanged
# by a real Exim daemon. Each recipient's copy goes to its own maildir and
# nowhere else; a local part with no mailbox (or one no mailbox may have)
# is refused at RCPT, so nothing is bounced later; without
# AUTHGATE_HOSTNAME Exim's own host name stands, in the banner, the
# Received header, the log line and the default authserv-id, and a forged
# Authentication-Results in that name is removed. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup eximconf
W=$AG_WORK
M=$W/msgs
e2e_dns --txt-record="plain.example,v=spf1 ip4:203.0.113.7 -all"
printf '[general]\nauthserv_id = mx.gw.test\nlog_file = @WORK@/authgate.log\n' >"$W/policy.tmpl"
e2e_policy "$W/policy.tmpl"
e2e_mailbox alice bob.smith
e2e_exim

swaks_out() { echo "$W/out/$(basename "$1").swaks"; }
# rcpt_code FILE ADDRESS: the reply code to RCPT TO:<ADDRESS> in the
# swaks transcript of FILE.
rcpt_code() {
	awk -v a="RCPT TO:<$2>" '
		index($0, a) { want = 1; next }
		want && /^ *<(-|\*\*) +[0-9][0-9][0-9]/ { sub(/^ *<(-|\*\*) +/, ""); print substr($0, 1, 3); exit }
	' "$(swaks_out "$1")"
}
# copies SUBJECT: the delivered files holding the subject, relative to mail/.
copies() { (cd "$W/mail" && grep -rlF "Subject: $1" . 2>/dev/null | sed 's#^\./##' | sort); }
# settle: waits until Exim's queue is empty.
settle() {
	local i
	for i in $(seq 100); do
		[ "$(e2e_exim_cmd -bpc 2>/dev/null)" = 0 ] && return 0
		sleep 0.1
	done
}

# ---- item 13: one maildir per recipient ----
e2e_msg "$M/two.eml" "a@plain.example" "two recipients"
e2e_send "$M/two.eml" --from a@plain.example --to user@gw.test,alice@gw.test
[ "$SMTP_CODE" = 250 ] && ok "two-recipients: SMTP 250" || nok "two-recipients: SMTP $SMTP_CODE" "$SMTP_TEXT"
settle
got=$(copies "two recipients" | sed 's#/new/.*##' | tr '\n' ' ')
[ "$got" = "alice user " ] && [ "$(copies "two recipients" | grep -c '/new/')" = 2 ] &&
	ok "two-recipients: one copy in mail/user/new, one in mail/alice/new, none elsewhere" ||
	nok "two-recipients: copies in: $got" "$(cd "$W/mail" && find . -type f)"
grep -q '^Envelope-to: alice@gw.test$' "$W/mail/alice/new/"* 2>/dev/null &&
	grep -q '^Envelope-to: user@gw.test$' "$W/mail/user/new/"* 2>/dev/null &&
	ok "two-recipients: each copy is the one addressed to its own mailbox" ||
	nok "two-recipients: Envelope-to" "$(grep -r '^Envelope-to' "$W/mail")"
[ -z "$(find "$W/mail" -mindepth 1 -maxdepth 1 ! -name user ! -name alice)" ] &&
	ok "two-recipients: no other maildir was made (none named after a pattern)" ||
	nok "two-recipients: other maildirs" "$(ls -A "$W/mail")"

# A local part Exim compares without case, and one with a dot.
e2e_msg "$M/case.eml" "a@plain.example" "case and dots"
e2e_send "$M/case.eml" --from a@plain.example --to ALICE@gw.test,Bob.Smith@gw.test
settle
got=$(copies "case and dots" | sed 's#/new/.*##' | tr '\n' ' ')
[ "$SMTP_CODE" = 250 ] && [ "$got" = "alice bob.smith " ] &&
	ok "case-and-dots: ALICE and Bob.Smith delivered to mail/alice and mail/bob.smith" ||
	nok "case-and-dots: SMTP $SMTP_CODE, copies in: $got"

# Unknown and impossible local parts: 550 at RCPT, whoever else the
# message is for; nothing is bounced and nothing else is made.
bounces_before=$(grep -c '<= <>' "$W/log/mainlog")
i=0
for rcpt in nobody@gw.test 'nobody.user@gw.test' '.user@gw.test' '..@gw.test' 'user/new@gw.test' \
	'a|b@gw.test' 'user%plain.example@gw.test' '"user@plain.example"@gw.test' 'user!x@gw.test' \
	'userx@gw.test' 'use@gw.test'; do
	i=$((i + 1))
	e2e_msg "$M/unknown$i.eml" "a@plain.example" "unknown $i"
	e2e_send "$M/unknown$i.eml" --from a@plain.example --to "user@gw.test,$rcpt"
	code=$(rcpt_code "$M/unknown$i.eml" "$rcpt")
	# 550 from the ACL; Exim itself may refuse a malformed address (501).
	[ "${code#5}" != "$code" ] && [ "$SMTP_CODE" = 250 ] &&
		ok "unknown recipient $rcpt: $code at RCPT, the message goes to user only" ||
		nok "unknown recipient $rcpt: RCPT $code, DATA $SMTP_CODE" "$(grep -A1 'RCPT TO' "$(swaks_out "$M/unknown$i.eml")")"
done
settle
[ "$(copies "unknown " | grep -vc '^user/new/')" = 0 ] && [ "$(copies "unknown " | wc -l)" = "$i" ] &&
	ok "unknown recipients: $i copies, all in mail/user" || nok "unknown recipients: copies" "$(copies "unknown ")"
[ "$(grep -c '<= <>' "$W/log/mainlog")" = "$bounces_before" ] && [ "$(e2e_exim_cmd -bpc)" = 0 ] &&
	ok "unknown recipients: no bounce made, nothing queued" ||
	nok "unknown recipients: bounces" "$(grep '<= <>' "$W/log/mainlog" | tail -3)"
[ -z "$(find "$W/mail" -mindepth 1 -maxdepth 1 ! -name user ! -name alice ! -name bob.smith)" ] &&
	ok "unknown recipients: no maildir made for them" || nok "maildirs" "$(ls -A "$W/mail")"
# Only unknown recipients: the transaction ends at RCPT.
e2e_msg "$M/onlyunknown.eml" "a@plain.example" "only unknown"
e2e_send "$M/onlyunknown.eml" --from a@plain.example --to nobody@gw.test
code=$(rcpt_code "$M/onlyunknown.eml" nobody@gw.test)
[ "$code" = 550 ] && [ -z "$(copies "only unknown")" ] &&
	ok "only an unknown recipient: 550 at RCPT, nothing delivered" || nok "only unknown: RCPT $code" "$(copies "only unknown")"
# A mailbox added to the list takes effect at once.
e2e_mailbox carol
e2e_msg "$M/carol.eml" "a@plain.example" "new mailbox"
e2e_send "$M/carol.eml" --from a@plain.example --to carol@gw.test
settle
[ "$SMTP_CODE" = 250 ] && [ "$(copies "new mailbox")" != "" ] && [ "$(copies "new mailbox" | sed 's#/new/.*##')" = carol ] &&
	ok "a mailbox added to AUTHGATE_MAILBOXES: delivered to mail/carol, no restart" ||
	nok "new mailbox: SMTP $SMTP_CODE, copies $(copies "new mailbox")"
# A missing list: every recipient deferred (451), never refused or lost.
mv "$W/mailboxes" "$W/mailboxes.away"
e2e_msg "$M/nolist.eml" "a@plain.example" "no list"
e2e_send "$M/nolist.eml" --from a@plain.example --to user@gw.test
code=$(rcpt_code "$M/nolist.eml" user@gw.test)
[ "${code#4}" != "$code" ] && ok "AUTHGATE_MAILBOXES missing: RCPT $code (the sender retries)" ||
	nok "AUTHGATE_MAILBOXES missing: RCPT $code, want 4xx"
mv "$W/mailboxes.away" "$W/mailboxes"

# ---- item 14: Exim's own host name without AUTHGATE_HOSTNAME ----
pid=$(cat "$W/run/exim.pid")
kill "$pid"
for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
rm -f "$W/run/exim.pid"
printf '[general]\nlog_file = @WORK@/authgate.log\n' >"$W/policy.tmpl"
e2e_policy "$W/policy.tmpl"
AG_HOSTNAME=
e2e_exim
# Exim's default: the system's name, qualified as Exim does it.
host=$(e2e_ns "${AG_EXIM:-exim4}" -C /dev/null -bP primary_hostname | sed -n 's/^primary_hostname = //p')
nodename=$(uname -n)
case "$host" in
"$nodename" | "$nodename".*) ok "Exim's default primary_hostname is the system's name: $host" ;;
*) nok "Exim's default primary_hostname: '$host', uname -n '$nodename'" ;;
esac
shown=$(e2e_exim_cmd -bP primary_hostname | sed -n 's/^primary_hostname = //p')
[ "$shown" = "$host" ] && ok "the example without AUTHGATE_HOSTNAME: primary_hostname = $host" ||
	nok "the example without AUTHGATE_HOSTNAME: primary_hostname = '$shown'"
uphost=$(printf '%s' "$host" | tr '[:lower:]' '[:upper:]')
e2e_msg "$M/forged-ar.eml" "a@plain.example" "forged results" \
	"Authentication-Results: $host; dmarc=pass header.from=plain.example" \
	"Authentication-Results: $uphost; spf=pass smtp.mailfrom=plain.example" \
	"Authentication-Results: (checked) \"$host\"; dkim=pass header.d=plain.example" \
	"Authentication-Results: other.example; dmarc=pass header.from=plain.example"
e2e_send "$M/forged-ar.eml" --from a@plain.example
[ "$SMTP_CODE" = 250 ] && ok "no-hostname-macro: SMTP 250" || nok "no-hostname-macro: SMTP $SMTP_CODE" "$SMTP_TEXT"
grep -qE "^ *<- +220 $host ESMTP" "$(swaks_out "$M/forged-ar.eml")" &&
	ok "no-hostname-macro: the banner names $host" ||
	nok "no-hostname-macro: banner" "$(grep -m1 ' 220 ' "$(swaks_out "$M/forged-ar.eml")")"
file=$(e2e_delivered "$QUEUE_ID")
hdr=$(sed '/^$/q' "$file" 2>/dev/null)
printf '%s\n' "$hdr" | grep -qE "^[[:space:]]+by $host with esmtp" &&
	ok "no-hostname-macro: Received says by $host" || nok "no-hostname-macro: Received" "$hdr"
ours=$(printf '%s\n' "$hdr" | grep -ciE "^Authentication-Results: *(\([^)]*\) *)?\"?$host\"?;")
[ "$ours" = 1 ] && printf '%s\n' "$hdr" | grep -m1 '^Authentication-Results:' | grep -qE "^Authentication-Results: $host;" &&
	ok "no-hostname-macro: one Authentication-Results in $host's name, ours, on top; the three forged ones removed" ||
	nok "no-hostname-macro: Authentication-Results in $host's name: $ours" "$(printf '%s\n' "$hdr" | grep -A1 '^Authentication-Results')"
printf '%s\n' "$hdr" | grep -q '^Authentication-Results: other.example;' &&
	ok "no-hostname-macro: another host's Authentication-Results is kept" || nok "no-hostname-macro: other.example's kept" "$hdr"
grep -qF '$primary_hostname' "$file" && nok "no-hostname-macro: the literal \$primary_hostname in the message" ||
	ok "no-hostname-macro: no literal \$primary_hostname in the message"
line=$(e2e_logline "$QUEUE_ID")
printf '%s' "$line" | jq -e --arg h "$host" '.host == $h' >/dev/null &&
	ok "no-hostname-macro: the log line's host is $host" || nok "no-hostname-macro: log host" "$line"
tap_done
