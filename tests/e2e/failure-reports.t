#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: DMARC failure reports (RFC 9991 ruf=, RFC 6591 format) made
# by the module inside a real Exim, injected into that Exim with the null
# sender and delivered to a maildir in the sandbox. Each report is parsed
# with Python's email package: its structure, its feedback fields, and
# that no local part of the original sender and recipients, no message-id
# left part and no body text appear anywhere in it. Also: off by default,
# fo= variants, consent for addresses elsewhere, size limits, malformed
# ruf=, a psd=y record's ruf= (never used), the rate limits, monitor mode, a broken state file (the message is
# decided as usual) and no report about a report. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup ruf
W=$AG_WORK
K=$W/keys
M=$W/msgs
# The recipient of the test messages, the reports' sender and every
# ruf= address below have a mailbox of their own.
e2e_mailbox rcpt.hidden42 dmarc-reports ruf-bank ruf-corp ruf-nocon ruf-small ruf-psd \
	ruf-fod ruf-fos ruf-nospf ruf-fo1 ruf-trial ruf-two1 ruf-two2 ruf-two3

# What must never appear in a report: the original's local parts, its
# message-id's left part, its body.
SECRETS=(ceo.secret7 rcpt.hidden42 cc.private3 reply.private5 msgid.left.part BODYSECRET)

e2e_key sel1
# Each case has an organization of its own, so that the rate limit of one
# does not hide another. Every report address is in gw.test, the
# sandbox's local domain: outside the From domain's organization except
# for corp.gw.test, so those need gw.test's consent record. Values with
# commas go through a dnsmasq configuration file: on its command line
# dnsmasq splits a TXT value at every comma, quoted or not.
cat >"$W/dns.conf" <<'EOF'
txt-record=_dmarc.bad.example,"v=DMARC1; p=reject; ruf=mailto:bad ruf@gw.test,mailto:x@gw.test>,Bcc:victim@gw.test,https://gw.test/r"
txt-record=_dmarc.two.example,"v=DMARC1; p=reject; ruf=mailto:ruf-two1@gw.test,mailto:ruf-two2@gw.test!64k,mailto:ruf-two3@gw.test"
EOF
consent() { printf -- '--txt-record=%s._report._dmarc.gw.test,v=DMARC1' "$1"; }
dns=(
	--conf-file="$W/dns.conf"
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all"
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject; ruf=mailto:ruf-bank@gw.test"
	"$(consent bank.example)"
	--txt-record="_dmarc.corp.gw.test,v=DMARC1; p=reject; ruf=mailto:ruf-corp@gw.test"
	--txt-record="_dmarc.norec.example,v=DMARC1; p=reject"
	--txt-record="_dmarc.psd.example,v=DMARC1; p=reject; psd=y; ruf=mailto:ruf-psd@gw.test"
	"$(consent psd.example)"
	--txt-record="_dmarc.nocon.example,v=DMARC1; p=reject; ruf=mailto:ruf-nocon@gw.test"
	"$(consent bad.example)"
	--txt-record="_dmarc.small.example,v=DMARC1; p=reject; ruf=mailto:ruf-small@gw.test!1k"
	"$(consent small.example)"
	--txt-record="_dmarc.fod.example,v=DMARC1; p=reject; fo=d; ruf=mailto:ruf-fod@gw.test"
	"$(consent fod.example)"
	--txt-record="fos.example,v=spf1 ip4:192.0.2.99 -all"
	--txt-record="_dmarc.fos.example,v=DMARC1; p=quarantine; fo=s; ruf=mailto:ruf-fos@gw.test"
	"$(consent fos.example)"
	--txt-record="_dmarc.nospf.example,v=DMARC1; p=reject; fo=s; ruf=mailto:ruf-nospf@gw.test"
	"$(consent nospf.example)"
	--txt-record="_dmarc.fo1.example,v=DMARC1; p=none; fo=1; ruf=mailto:ruf-fo1@gw.test"
	"$(consent fo1.example)"
	--txt-record="_dmarc.trial.example,v=DMARC1; p=reject; ruf=mailto:ruf-trial@gw.test"
	"$(consent trial.example)"
	"$(consent two.example)"
)
e2e_dns "${dns[@]}"

policy() { # policy on|off [EXTRA LINES...]
	local mode=$1
	shift
	{
		printf '[general]\nauthserv_id = mx.gw.test\nlog_file = @WORK@/authgate.log\ndns_timeout = 2\n'
		if [ "$mode" = on ]; then
			printf 'failure_reports = on\nfailure_report_from = dmarc-reports@gw.test\n'
			printf 'failure_report_org = GW Test\n'
		fi
		for l in "$@"; do printf '%s\n' "$l"; done
		printf '[domain:trial.example]\nmode = monitor\n'
	} >"$W/policy.tmpl"
	e2e_policy "$W/policy.tmpl"
}
policy off
e2e_exim

# msg FILE FROM-DOMAIN: a message from ceo.secret7@DOMAIN to
# rcpt.hidden42@gw.test, with the secrets in every usual place.
msg() {
	cat >"$1" <<EOF
From: "Chief Exec" <ceo.secret7@$2>
To: Recipient <rcpt.hidden42@gw.test>
Cc: =?utf-8?q?Colleague?= <cc.private3@gw.test>
Reply-To: reply.private5@$2
Subject: quarterly numbers
Date: $(date -R)
Message-ID: <msgid.left.part.$(basename "$1").$$@$2>
MIME-Version: 1.0
Content-Type: text/plain

BODYSECRET: please wire the money today.
EOF
}
# send FILE DOMAIN [swaks options]: sends it from ceo.secret7@DOMAIN and
# sets LINE to the message's own log line (the report's line, which the
# module writes first, is a local submission).
send() {
	local file=$1 dom=$2 i
	shift 2
	e2e_send "$file" --from "ceo.secret7@$dom" --to rcpt.hidden42@gw.test "$@"
	LINE=
	for i in $(seq 50); do
		LINE=$(tail -n +"$((LOG_LINES_BEFORE + 1))" "$W/authgate.log" |
			jq -c 'select(.facts.client.ip != null)' 2>/dev/null | tail -1)
		[ -n "$LINE" ] && break
		sleep 0.1
	done
	MSGID=$(printf '%s' "$LINE" | jq -r .id)
}
# settle: waits until Exim's queue is empty (reports delivered).
settle() {
	local i
	for i in $(seq 100); do
		[ "$(e2e_exim_cmd -bpc 2>/dev/null)" = 0 ] && return 0
		sleep 0.1
	done
}
reports() { grep -rl '^Content-Type: multipart/report' "$W/mail" 2>/dev/null | sort; }
# report_for ID: the delivered report about message ID.
report_for() {
	settle
	reports | xargs -r grep -l "id $1" | head -1
}
expect_code() {
	[ "$SMTP_CODE" = "$2" ] && ok "$1: SMTP $2" || nok "$1: SMTP $SMTP_CODE, want $2" "$SMTP_TEXT"
}
expect_log() {
	if [ -n "$LINE" ] && printf '%s' "$LINE" | jq -e "$2" >/dev/null; then
		ok "$1: log $2"
	else
		nok "$1: log $2" "${LINE:-no log line}"
	fi
}
expect_no_new_report() {
	settle
	local now
	now=$(reports | wc -l)
	[ "$now" = "$NREPORTS" ] && ok "$1: no report delivered" || nok "$1: $((now - NREPORTS)) reports delivered"
	NREPORTS=$now
}

# ---- off by default ----
msg "$M/off.eml" bank.example
send "$M/off.eml" bank.example
expect_code off-by-default 550
expect_log off-by-default '.decision.class == "dmarc.reject" and (has("failure_report") | not)'
NREPORTS=0
expect_no_new_report off-by-default

# ---- on: a forged p=reject message, its report through consent ----
policy on "failure_report_state = @WORK@/spool/ruf.state"
msg "$M/forged.eml" bank.example
send "$M/forged.eml" bank.example
expect_code forged 550
case "$SMTP_TEXT" in
*"5.7.1 DMARC policy of bank.example rejects this message"*) ok "forged: the reply is the usual one" ;;
*) nok "forged: the reply is the usual one" "$SMTP_TEXT" ;;
esac
expect_log forged '.failure_report.status == "sent" and .failure_report.to == ["ruf-bank@gw.test"] and .failure_report.bytes > 1000'
report=$(report_for "$MSGID")
if [ -n "$report" ]; then
	ok "forged: a report was delivered"
else
	nok "forged: a report was delivered" "$(tail -20 "$W/log/mainlog")"
fi
NREPORTS=$(reports | wc -l)
grep -q "^Return-[Pp]ath: <>" "$report" 2>/dev/null && ok "forged: the report's envelope sender is null" ||
	nok "forged: null envelope sender" "$(sed '/^$/q' "$report" 2>/dev/null)"
if /usr/bin/python3 - "$report" "$MSGID" "${SECRETS[@]}" >"$W/out/parse.out" 2>&1 <<'EOF'; then
import email, email.policy, hashlib, sys
path, msgid, secrets = sys.argv[1], sys.argv[2], sys.argv[3:]
raw = open(path, "rb").read()
m = email.message_from_bytes(raw, policy=email.policy.compat32)
def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)
check(m.get_content_type() == "multipart/report", "multipart/report")
check(m.get_param("report-type") == "feedback-report", "report-type")
check(m["From"] == "dmarc-reports@gw.test", "From")
check(m["To"] == "ruf-bank@gw.test", "To")
check(m["Auto-Submitted"] == "auto-generated", "Auto-Submitted")
check("bank.example" in m["Subject"], "Subject names the domain")
parts = m.get_payload()
check([p.get_content_type() for p in parts] ==
      ["text/plain", "message/feedback-report", "text/rfc822-headers"], "three parts")
fb = parts[1].get_payload()
if isinstance(fb, list):  # the email package parses it as headers
    fields = fb[0]
else:
    fields = email.message_from_string(fb)
want = {"Feedback-Type": "auth-failure", "Version": "1", "Auth-Failure": "dmarc",
        "Source-IP": "203.0.113.7", "Reported-Domain": "bank.example",
        "Original-Mail-From": "<redacted@bank.example>", "Delivery-Result": "reject",
        "Identity-Alignment": "spf", "Reporting-MTA": "dns; mx.gw.test",
        "SPF-DNS": "txt : bank.example : v=spf1 ip4:192.0.2.99 -all"}
for k, v in want.items():
    check(fields[k] == v, "%s: %r, want %r" % (k, fields[k], v))
check(fields["User-Agent"].startswith("authgate/"), "User-Agent")
check(fields["Arrival-Date"], "Arrival-Date")
ar = " ".join(fields["Authentication-Results"].split())
check(ar.startswith("mx.gw.test;") and "spf=fail" in ar and "dmarc=fail (p=reject) header.from=bank.example" in ar, ar)
hdrs = email.message_from_string(parts[2].get_payload())
check(hdrs["From"] == "<redacted@bank.example>", "From redacted: %r" % hdrs["From"])
check(hdrs["To"] == "<redacted@gw.test>", "To redacted: %r" % hdrs["To"])
check(hdrs["Cc"] == "<redacted@gw.test>", "Cc redacted: %r" % hdrs["Cc"])
check(hdrs["Reply-To"] == "<redacted@bank.example>", "Reply-To redacted")
check(hdrs["Subject"] == "quarterly numbers", "Subject kept")
left = [l for l in raw.decode().split("\n") if l.startswith("Message-ID: <") and "@bank.example" in l]
check(len(left) == 1 and len(left[0].split("<")[1].split("@")[0]) == 16, "Message-ID hashed: %s" % left)
check(any("for redacted@gw.test" in " ".join(h.split()) for h in hdrs.get_all("Received")), "Received for redacted")
check("id " + msgid in " ".join(" ".join(h.split()) for h in hdrs.get_all("Received")), "the original's queue id")
for s in secrets:
    check(s.encode() not in raw, "%s appears in the report" % s)
check(b"please wire" not in raw, "body text appears")
for line in raw.split(b"\n"):
    check(len(line) <= 998 and all(b == 9 or 32 <= b < 127 for b in line.rstrip(b"\r")), "7-bit lines")
print("ok")
EOF
	ok "forged: RFC 6591 structure, feedback fields, redacted headers, no local part, no body"
else
	nok "forged: report parse" "$(cat "$W/out/parse.out"; cat "$report" 2>/dev/null)"
fi
# The report itself went through the module: a local submission, skipped
# as authenticated, with no report of its own.
rline=$(jq -c 'select(.facts.from == ["dmarc-reports@gw.test"])' "$W/authgate.log" | head -1)
if [ -n "${AG_SANITIZE:-}" ]; then
	# The Exim the module starts runs set-uid as the Exim user; the
	# loader ignores LD_PRELOAD there, so a module built with sanitizers
	# is left out of it (local_scan/inject.c).
	ok "forged: the report's own log line # SKIP make check: no module in the Exim that takes the report"
elif [ -n "$rline" ] && printf '%s' "$rline" | jq -e '.decision.rule == "skip.authenticated" and .facts.mail_from == "" and (has("failure_report") | not)' >/dev/null; then
	ok "forged: the report was skipped as a local submission, not reported on"
else
	nok "forged: the report's own log line" "$rline"
fi
grep -q "authgate: action=reject class=dmarc.reject .*from=bank.example failure_report=sent" "$W/log/mainlog" &&
	ok "forged: Exim's main log says failure_report=sent" || nok "forged: main log" "$(grep 'authgate: action' "$W/log/mainlog" | tail -3)"

# ---- the rate limit: a second forgery of bank.example ----
msg "$M/again.eml" bank.example
send "$M/again.eml" bank.example
expect_code rate-limit 550
expect_log rate-limit '.failure_report.status == "rate_limited" and (.failure_report.why | test("one report per 3600 s for bank.example"))'
expect_no_new_report rate-limit

# ---- the same organization needs no consent record ----
msg "$M/corp.eml" corp.gw.test
send "$M/corp.eml" corp.gw.test
expect_code same-org 550
expect_log same-org '.failure_report.status == "sent" and .failure_report.to == ["ruf-corp@gw.test"]'
[ -n "$(report_for "$MSGID")" ] && ok "same-org: report delivered" || nok "same-org: report delivered"
NREPORTS=$(reports | wc -l)

# ---- a report address elsewhere without consent ----
msg "$M/nocon.eml" nocon.example
send "$M/nocon.eml" nocon.example
expect_code no-consent 550
expect_log no-consent '.failure_report.status == "no_address" and .failure_report.refused[0].uri == "mailto:ruf-nocon@gw.test" and (.failure_report.refused[0].why | test("no consent at nocon.example._report._dmarc.gw.test"))'
expect_no_new_report no-consent

# ---- no ruf= at all ----
msg "$M/norec.eml" norec.example
send "$M/norec.eml" norec.example
expect_log no-ruf '.failure_report.status == "no_ruf"'

# ---- a psd=y record: its ruf= is never used (RFC 9991 section 2) ----
msg "$M/psd.eml" psd.example
send "$M/psd.eml" psd.example
expect_log psd-record '.failure_report.status == "not_reported" and (.failure_report.why | test("psd=y"))'
expect_no_new_report psd-record

# ---- malformed ruf= entries (a blank, an angle bracket, a header) ----
msg "$M/bad.eml" bad.example
send "$M/bad.eml" bad.example
expect_code malformed-ruf 550
expect_log malformed-ruf '.failure_report.status == "no_address" and (.failure_report.refused | length) == 4 and ([.failure_report.refused[].why] | unique) == ["not a mailto: URI", "not a plain address"]'
expect_no_new_report malformed-ruf
grep -q 'victim' "$W/log/mainlog" && nok "malformed-ruf: an injected address reached Exim" || ok "malformed-ruf: no injected address reached Exim"

# ---- a size limit the report exceeds ----
msg "$M/small.eml" small.example
send "$M/small.eml" small.example
expect_log size-limit '.failure_report.status == "no_address" and (.failure_report.refused[0].why | test("exceeds its limit"))'
expect_no_new_report size-limit

# ---- three addresses: two served, the third refused ----
msg "$M/two.eml" two.example
send "$M/two.eml" two.example
expect_log two-addresses '.failure_report.status == "sent" and .failure_report.to == ["ruf-two1@gw.test", "ruf-two2@gw.test"] and .failure_report.refused[0].uri == "mailto:ruf-two3@gw.test"'
settle
[ "$(reports | xargs -r grep -l "id $MSGID" | wc -l)" = 2 ] && ok "two-addresses: one copy each" || nok "two-addresses: $(reports | xargs -r grep -l "id $MSGID" | wc -l) copies"
NREPORTS=$(reports | wc -l)

# ---- fo=d: only a DKIM signature that failed evaluation ----
msg "$M/fod.eml" fod.example
send "$M/fod.eml" fod.example
expect_log fo-d-unsigned '.failure_report.status == "not_requested" and .failure_report.why == "fo=d asks for other failures"'
expect_no_new_report fo-d-unsigned
msg "$M/fod2.in" fod.example
e2e_sign "$M/fod2.in" "$M/fod2.eml" nokey fod.example sel1
send "$M/fod2.eml" fod.example
expect_log fo-d-key-missing '.facts.dkim[0].result == "key_missing" and .failure_report.status == "sent"'
report=$(report_for "$MSGID")
grep -q '^DKIM-Domain: fod.example' "$report" 2>/dev/null && grep -q '^DKIM-Selector: nokey' "$report" &&
	grep -q '^DKIM-Identity: @fod.example' "$report" && grep -q '^Identity-Alignment: dkim, spf' "$report" &&
	ok "fo-d-key-missing: the report names the signature" || nok "fo-d-key-missing: DKIM fields" "$(cat "$report" 2>/dev/null | head -60)"
grep -q 'DKIM-Signature: .*d=fod.example' "$report" 2>/dev/null &&
	ok "fo-d-key-missing: the signature header is in the redacted headers" || nok "fo-d-key-missing: DKIM-Signature header"
NREPORTS=$(reports | wc -l)

# ---- fo=s: only an SPF failure ----
msg "$M/nospf.eml" nospf.example
send "$M/nospf.eml" nospf.example
expect_log fo-s-spf-none '.facts.spf.result == "none" and .failure_report.status == "not_requested"'
msg "$M/fos.eml" fos.example
send "$M/fos.eml" fos.example
expect_code fo-s-spf-fail 550
expect_log fo-s-spf-fail '.facts.spf.result == "fail" and .failure_report.status == "sent"'
[ -n "$(report_for "$MSGID")" ] && ok "fo-s-spf-fail: report delivered" || nok "fo-s-spf-fail: report delivered"
NREPORTS=$(reports | wc -l)

# ---- fo=1 and p=none: the message is delivered, and reported ----
msg "$M/fo1.eml" fo1.example
send "$M/fo1.eml" fo1.example
expect_code fo-1-p-none 250
expect_log fo-1-p-none '.decision.class == "none" and .failure_report.status == "sent"'
report=$(report_for "$MSGID")
grep -q '^Delivery-Result: delivered' "$report" 2>/dev/null && ok "fo-1-p-none: Delivery-Result: delivered" || nok "fo-1-p-none: Delivery-Result"
NREPORTS=$(reports | wc -l)

# ---- monitor mode reports nothing ----
msg "$M/trial.eml" trial.example
send "$M/trial.eml" trial.example
expect_code monitor 250
expect_log monitor '.decision.monitor.would == "reject" and .failure_report.status == "not_reported" and .failure_report.why == "monitor mode"'
expect_no_new_report monitor

# ---- a broken state file: no report, one panic-log line, the message
# decided as usual ----
policy on "failure_report_state = @WORK@/nodir/ruf.state"
: >"$W/log/paniclog"
chown Debian-exim: "$W/log/paniclog" # Exim's own file: 421s if it cannot write it
msg "$M/broken.eml" corp.gw.test
send "$M/broken.eml" corp.gw.test
expect_code broken-state 550
expect_log broken-state '.failure_report.status == "error" and (.failure_report.why | test("cannot open failure_report_state"))'
[ "$(grep -c 'no failure report for message' "$W/log/paniclog" 2>/dev/null)" = 1 ] &&
	ok "broken-state: one panic-log line" || nok "broken-state: panic log" "$(cat "$W/log/paniclog" 2>/dev/null)"
expect_no_new_report broken-state

# ---- failure_report_limit: at most N reports per interval in all ----
policy on "failure_report_state = @WORK@/spool/ruf2.state" "failure_report_limit = 1"
msg "$M/lim1.eml" bank.example
send "$M/lim1.eml" bank.example
expect_log host-limit-first '.failure_report.status == "sent"'
msg "$M/lim2.eml" corp.gw.test
send "$M/lim2.eml" corp.gw.test
expect_log host-limit-second '.failure_report.status == "rate_limited" and (.failure_report.why | test("failure_report_limit: 1 reports in 3600 s"))'
settle
NREPORTS=$(reports | wc -l)
[ "$NREPORTS" = 8 ] && ok "8 reports in all" || nok "$NREPORTS reports in all, want 8" "$(reports)"

# Nothing went to the panic log but the one line above, every log line is
# JSON, and every report in the mailbox keeps the secrets out.
leaks=$(reports | xargs -r grep -l -E "$(IFS='|'; echo "${SECRETS[*]}")")
[ -z "$leaks" ] && ok "no report holds a secret" || nok "secrets in $leaks"
jq -e . "$W/authgate.log" >/dev/null 2>&1 && ok "log: every line is JSON" || nok "log: not JSON"

tap_done
