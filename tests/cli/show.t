#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# authgate show ID LOG...: one logged decision in words, found by queue id
# or Message-ID in plain and gzip logs, with lines of every kind around
# it (older lines without the message fields, a line without a decision,
# the short form, lines that are not authgate's). TAP.
# usage: show.t BUILD/authgate
set -u
ag=${1:-build/authgate}
[ "${ag#/}" = "$ag" ] && ag=$PWD/$ag
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pol=$root/tests/data/replay/a.ini

# logline FACTS-JSON [jq]: the line the module would write for FACTS under
# a.ini, changed by the jq filter (the message's fields are added so).
logline() {
	printf '%s' "$1" >"$tmp/f.json"
	"$ag" decide --policy "$pol" --facts "$tmp/f.json" --log --host mx.gw.test |
		jq -c "${2:-.}"
}
forged='{"id":"1tEabc-000123-Qx","client":{"ip":"203.0.113.7","helo":"mx.partner.example"},"mail_from":"bounce@partner.example","from":["Alice <alice@bank.example>"],"spf":{"result":"fail","domain":"partner.example"},"dkim":[{"d":"partner.example","s":"sel1","a":"rsa-sha256","bits":2048,"result":"key_missing"}],"dns":{"_dmarc.bank.example":"v=DMARC1; p=reject"}}'
# The same message tried twice (a tempfail, then the retry): one
# Message-ID, two queue ids.
flaky='{"id":"1tEflk-000001-Aa","client":{"ip":"203.0.113.9","helo":"h"},"mail_from":"a@flaky.example","from":["a@flaky.example"],"spf":{"result":"pass","domain":"flaky.example"},"dns":{"_dmarc.flaky.example":"temperror"}}'
# Escape sequences, C1 controls and a bidi override in a From a sender
# wrote, and a Message-ID with a quote (escaped in the line).
hostile='{"id":"1tEhst-000002-Bb","client":{"ip":"203.0.113.7","helo":"h\u001b[2J"},"mail_from":"x@evil.example","from":["\u001b]0;owned\u0007 \u009b31m \u202eelpmaxe.knab <x@evil.example>"],"spf":{"result":"none","domain":"evil.example"}}'
{
	echo 'not json at all 1tEabc-000123-Qx'
	logline "$forged" '. + {message_id: "<abc@partner.example>", size: 2946, rcpt_count: 2}'
	logline "$flaky" '. + {message_id: " <retry.1@flaky.example> ", size: 700, rcpt_count: 1}'
	logline "$(printf '%s' "$flaky" | jq -c '.id = "1tEflk-000009-Cc"')" '. + {message_id: "<retry.1@flaky.example>", size: 700, rcpt_count: 1}'
	logline "$hostile" '. + {message_id: "<q\"uote@evil.example>", size: null, rcpt_count: 1}'
	# Written before the message's fields existed.
	logline "$(printf '%s' "$forged" | jq -c '.id = "1tEold-000003-Dd"')"
	# No decision: the policy did not load.
	echo '{"v":1,"ts":"2026-12-07T11:16:03.104Z","host":"mx.gw.test","id":"1tEerr-000004-Ee","error":"/etc/exim4/authgate/policy.ini:2: error: mode must be '"'"'enforce'"'"' or '"'"'monitor'"'"', not '"'"'enforced'"'"'","decision":{"action":"tempfail","class":"none","rule":"on_error","line":null,"reason":"message could not be checked"}}'
	# The short form of a line too long to log whole.
	echo '{"v":1,"ts":"2026-12-07T11:17:00.000Z","host":"mx.gw.test","id":"1tEsht-000005-Ff","truncated":true,"decision":{"action":"reject","class":"from.multiple","rule":"default:from.multiple","reason":"message names more than one author domain in From"},"message_id":"<big@x.example>","size":900000,"rcpt_count":3}'
	# Not a log line of ours, though it holds the id.
	echo '{"v":1,"id":"1tEabc-000123-Qx","decision":{"action":"maybe"}}'
} >"$tmp/authgate.log"
head -n 4 "$tmp/authgate.log" | gzip >"$tmp/authgate.log.1.gz"
tail -n +5 "$tmp/authgate.log" >"$tmp/authgate.log.0"

# show ID...: runs show, output in out, errors in err, status in rc.
show() {
	"$ag" show "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
has() { grep -qF -- "$1" "$tmp/out"; }

show --policy "$pol" 1tEabc-000123-Qx "$tmp/authgate.log.1.gz" "$tmp/authgate.log.0"
[ "$rc" = 0 ] && ok "by queue id, in a gzip log: exit 0" || nok "exit $rc" "$(cat "$tmp/err")"
has 'Message 1tEabc-000123-Qx, decided ' && has '  Message-ID: <abc@partner.example>' &&
	has '  Size:       2946 bytes, 2 recipients' &&
	has '  Client:     203.0.113.7 (HELO mx.partner.example)' &&
	has '  MAIL FROM:  <bounce@partner.example>' && has '  From:       Alice <alice@bank.example>' &&
	ok "the message as logged" || nok "the message" "$(cat "$tmp/out")"
has 'SPF:   fail for partner.example' &&
	has 'DKIM:  key_missing for d=partner.example s=sel1 (rsa-sha256, 2048 bits)' &&
	has 'DMARC: fail for bank.example (record _dmarc.bank.example, policy reject, aligned: spf no, dkim no)' &&
	ok "each verdict" || nok "verdicts" "$(cat "$tmp/out")"
# The words are the logged ones (verdict.c's when the module wrote them)...
reason=$(sed -n 2p "$tmp/authgate.log" | jq -r .decision.reason)
has "Decision: reject (class dmarc.reject, rule default:dmarc.reject)" && has "Reason:   $reason" &&
	ok "decision and the logged reason" || nok "decision" "$(cat "$tmp/out")"
has '  spf.fail             reject     default:spf.fail' &&
	has '  dkim.key_missing     tag        default:dkim.key_missing' &&
	ok "each finding with its rule" || nok "findings" "$(cat "$tmp/out")"
# ...and the advice verdict.c's, for the logged facts.
has '  - Publish the DKIM public key at sel1._domainkey.partner.example: the selector the signature names is not in DNS.' &&
	has '  - Add the sending server 203.0.113.7 to the SPF record of partner.example, or send through a server that record lists.' &&
	ok "what the sender's postmaster can change" || nok "advice" "$(cat "$tmp/out")"
has "Under $pol these facts get the same decision today." &&
	ok "the same policy decides the same" || nok "same" "$(tail -2 "$tmp/out")"
[ "$(grep -c '^Message ' "$tmp/out")" = 1 ] && ok "lines that are not authgate's are not shown" ||
	nok "shown: $(grep -c '^Message ' "$tmp/out")"
# The two that hold the id are named (FILE:LINE), in case they mattered.
grep -q "authgate.log.1.gz:1: skipped: not JSON" "$tmp/err" &&
	grep -q "authgate.log.0:5: skipped: no decision.action: not an authgate log line" "$tmp/err" &&
	[ "$(wc -l <"$tmp/err")" = 2 ] && ok "lines holding the id that do not read are named" ||
	nok "skipped lines" "$(cat "$tmp/err")"

# Another policy: the logged decision stays what it was; the difference
# is said.
printf '[actions]\ndmarc.reject = tag\nspf.fail = tag\n' >"$tmp/soft.ini"
show --policy "$tmp/soft.ini" 1tEabc-000123-Qx "$tmp/authgate.log"
has 'Decision: reject (class dmarc.reject' && has "Under $tmp/soft.ini these facts would now get: tag (class dmarc.reject, rule actions:dmarc.reject)." &&
	ok "under another policy: logged decision, and what it would be now" || nok "other policy" "$(cat "$tmp/out")"

# By Message-ID, with or without <>: every line of it, in log order.
show --policy "$pol" '<retry.1@flaky.example>' "$tmp/authgate.log"
[ "$rc" = 0 ] && [ "$(grep -c '^Message 1tEflk-' "$tmp/out")" = 2 ] &&
	[ "$(grep '^Message ' "$tmp/out" | cut -d' ' -f2 | tr -d , | paste -sd' ')" = "1tEflk-000001-Aa 1tEflk-000009-Cc" ] &&
	ok "by Message-ID: both tries of a retried message" || nok "by Message-ID" "$(cat "$tmp/out" "$tmp/err")"
has 'Decision: tempfail (class dmarc.temperror' && ok "the tempfail is said" || nok "tempfail" "$(cat "$tmp/out")"
show --policy "$pol" retry.1@flaky.example "$tmp/authgate.log"
[ "$(grep -c '^Message 1tEflk-' "$tmp/out")" = 2 ] && ok "Message-ID without <>" || nok "without <>" "$(cat "$tmp/out")"
show --policy "$pol" '<q"uote@evil.example>' "$tmp/authgate.log"
[ "$rc" = 0 ] && has 'Message 1tEhst-000002-Bb' && ok "a Message-ID escaped in the line" || nok "escaped id" "$(cat "$tmp/out" "$tmp/err")"

# Nothing a sender wrote reaches the terminal as a control sequence.
if LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80\xae' "$tmp/out"; then
	nok "control bytes reached the output" "$(od -c "$tmp/out" | head -20)"
else
	ok "escape sequences, C1 controls and bidi overrides shown as ?"
fi
has '  Size:       ' && nok "unknown size printed as a size" "$(cat "$tmp/out")" ||
	ok "no size when the line has none"

# A line from before the fields, one without a decision, the short form.
show --policy "$pol" 1tEold-000003-Dd "$tmp/authgate.log"
[ "$rc" = 0 ] && has 'Decision: reject' && ! has 'Message-ID:' &&
	ok "an older line: shown without the message's fields" || nok "older line" "$(cat "$tmp/out" "$tmp/err")"
show --policy "$pol" 1tEerr-000004-Ee "$tmp/authgate.log"
[ "$rc" = 0 ] && has "Error:    /etc/exim4/authgate/policy.ini:2: error: mode must be" &&
	has 'Decision: tempfail (class none, rule on_error)' && has 'got no decision, so no facts were logged' &&
	ok "a message without a decision: its error" || nok "error line" "$(cat "$tmp/out" "$tmp/err")"
show --policy "$pol" '<big@x.example>' "$tmp/authgate.log"
[ "$rc" = 0 ] && has 'Size:       900000 bytes, 3 recipients' && has 'short form of a line too long' &&
	ok "the short form, found by its Message-ID" || nok "short form" "$(cat "$tmp/out" "$tmp/err")"

# A sender who gives its message the queue id of another as Message-ID
# does not show up under that queue id.
{
	cat "$tmp/authgate.log"
	logline "$(printf '%s' "$hostile" | jq -c '.id = "1tEatk-000010-Gg"')" '. + {message_id: "<1tEabc-000123-Qx>", size: 1, rcpt_count: 1}'
} >"$tmp/spoof.log"
show --policy "$pol" 1tEabc-000123-Qx "$tmp/spoof.log"
[ "$rc" = 0 ] && has 'Message 1tEabc-000123-Qx, decided ' && ! has '1tEatk-000010-Gg' &&
	ok "a queue id matches the queue id only, never a Message-ID made to look like one" ||
	nok "queue id spoofed by a Message-ID" "$(cat "$tmp/out")"

# Not found, and usage.
show --policy "$pol" 1tEnone-000000-Zz "$tmp/authgate.log"
[ "$rc" = 1 ] && grep -q 'no decision logged for 1tEnone-000000-Zz' "$tmp/err" &&
	ok "not logged: exit 1" || nok "not found: exit $rc" "$(cat "$tmp/err")"
show --policy "$pol" 1tEabc-000123-Qx
[ "$rc" = 2 ] && ok "no LOG: usage (exit 2)" || nok "no LOG: exit $rc"
show --policy "$pol" 1tEabc-000123-Qx "$tmp/missing.log"
[ "$rc" = 2 ] && ok "unreadable log: exit 2" || nok "unreadable: exit $rc"
show --policy "$tmp/missing.ini" 1tEabc-000123-Qx "$tmp/authgate.log"
[ "$rc" = 2 ] && ok "unreadable policy: exit 2" || nok "bad policy: exit $rc"
show --help
[ "$rc" = 0 ] && has 'usage: authgate show' && ok "--help" || nok "--help"
tap_done
