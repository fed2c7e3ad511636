#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# authgate replay: a 100,000-line log written by `decide --lines --log`
# under one policy, part of it gzip-rotated, replayed under another; the
# transition counts must equal those that deciding the same facts under
# the new policy gives, computed here independently with jq. TAP.
# usage: replay.t BUILD/authgate
set -u
ag=${1:-build/authgate}
data=$(cd "$(dirname "$0")/../data/replay" && pwd)
. "$(dirname "$0")/../tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

N=${REPLAY_LINES:-100000}
/usr/bin/python3 "$data/facts.py" "$N" >"$tmp/facts.jsonl"
"$ag" decide --policy "$data/a.ini" --facts "$tmp/facts.jsonl" --lines --log --host mx.test >"$tmp/all.log" ||
	{ echo "Bail out! decide --lines failed"; exit 1; }
[ "$(wc -l <"$tmp/all.log")" = "$N" ] && ok "decide --lines --log wrote $N lines" || nok "decide wrote $(wc -l <"$tmp/all.log") lines"
# Rotated as logrotate does: the older half compressed.
half=$((N / 2))
head -n "$half" "$tmp/all.log" | gzip >"$tmp/authgate.log.1.gz"
tail -n +"$((half + 1))" "$tmp/all.log" >"$tmp/authgate.log"

"$ag" replay --policy "$data/b.ini" --json "$tmp/authgate.log.1.gz" "$tmp/authgate.log" >"$tmp/replay.json" 2>"$tmp/replay.err"
[ $? = 0 ] && ok "replay exits 0" || nok "replay exit status" "$(cat "$tmp/replay.err")"

# The same facts decided under the new policy, and the transitions
# counted from the two action columns.
"$ag" decide --policy "$data/b.ini" --facts "$tmp/facts.jsonl" --lines >"$tmp/b.jsonl"
jq -r .decision.action "$tmp/all.log" >"$tmp/a.actions"
jq -r .action "$tmp/b.jsonl" >"$tmp/b.actions"
paste -d ' ' "$tmp/a.actions" "$tmp/b.actions" | awk '$1 != $2 {c[$1 "->" $2]++; t++}
	END {for (k in c) print k, c[k]; print "changed", t + 0}' | sort >"$tmp/expected"
jq -r '(.transitions | to_entries[] | "\(.key) \(.value)"), "changed \(.changed)"' "$tmp/replay.json" | sort >"$tmp/got"
if cmp -s "$tmp/expected" "$tmp/got"; then
	ok "transition counts equal deciding again ($(grep changed "$tmp/got"))"
else
	nok "transition counts" "$(diff "$tmp/expected" "$tmp/got")"
fi
jq -e --argjson n "$N" '.total == $n and .skipped == 0' "$tmp/replay.json" >/dev/null &&
	ok "every line replayed" || nok "total/skipped" "$(jq -c '{total, skipped}' "$tmp/replay.json")"
jq -e '[.by_domain[].count] | add == input.changed' "$tmp/replay.json" "$tmp/replay.json" >/dev/null &&
	ok "per-domain rows add up to the changed count" || nok "per-domain rows"
# Examples are real message ids whose decision did change that way.
ex=$(jq -r '.examples | to_entries[0] | "\(.key) \(.value[0])"' "$tmp/replay.json")
move=${ex% *}
id=${ex#* }
line=$(grep -n "\"id\":\"$id\"" "$tmp/facts.jsonl" | cut -d: -f1)
if [ -n "$line" ] && [ "$(sed -n "${line}p" "$tmp/a.actions")->$(sed -n "${line}p" "$tmp/b.actions")" = "$move" ]; then
	ok "example $id did go $move"
else
	nok "example $id for $move"
fi

# Lines that are not authgate's are counted and named; the rest replays.
{
	head -n 3 "$tmp/authgate.log"
	echo 'not json'
	echo '{"v":1}'
} >"$tmp/mixed.log"
"$ag" replay --policy "$data/b.ini" --json "$tmp/mixed.log" >"$tmp/mixed.json" 2>"$tmp/mixed.err"
jq -e '.total == 3 and .skipped == 2' "$tmp/mixed.json" >/dev/null &&
	grep -q "mixed.log:4: skipped: not JSON" "$tmp/mixed.err" &&
	grep -q "mixed.log:5: skipped: no decision.action" "$tmp/mixed.err" &&
	ok "foreign lines skipped and named FILE:LINE" || nok "foreign lines" "$(cat "$tmp/mixed.json" "$tmp/mixed.err")"

"$ag" replay --policy "$data/b.ini" "$tmp/authgate.log" >"$tmp/human.txt"
grep -q "would be handled differently" "$tmp/human.txt" && grep -q '^tag -> reject' "$tmp/human.txt" &&
	ok "human report" || nok "human report" "$(head -20 "$tmp/human.txt")"
"$ag" replay --policy "$data/b.ini" "$tmp/nonexistent" >/dev/null 2>&1
[ $? = 2 ] && ok "unreadable log: exit 2" || nok "unreadable log: exit 2"
"$ag" replay "$tmp/authgate.log" >/dev/null 2>&1
[ $? = 2 ] && ok "no --policy: exit 2" || nok "no --policy: exit 2"

# A line logged before RFC 9989 (v 1) holds no tree walk: replay decides it
# by RFC 7489 and says so; the same facts in a v 2 line are a walk's and
# decided by RFC 9989 (d=co.uk aligns with From co.uk there, never under
# the public suffix list).
facts='"facts":{"id":"old1","client":{"ip":"203.0.113.7","helo":"h","authenticated":false},"mail_from":"","from":["a@co.uk"],"spf":{"result":"none","domain":"h"},"dkim":[{"d":"co.uk","s":"s","a":"rsa-sha256","bits":2048,"result":"pass"}],"arc":{"result":"none","instances":[]},"dns":{"_dmarc.co.uk":"v=DMARC1; p=reject"}}'
printf '{"v":1,"ts":"2026-05-01T00:00:00Z","host":"h","id":"old1","decision":{"action":"reject","class":"dmarc.reject"},%s}\n{"v":2,"ts":"2026-12-01T00:00:00Z","host":"h","id":"new1","decision":{"action":"reject","class":"dmarc.reject"},%s}\n' \
	"$facts" "${facts/old1/new1}" >"$tmp/versions.log"
printf '[general]\n' >"$tmp/default.ini"
"$ag" replay --policy "$tmp/default.ini" --json "$tmp/versions.log" >"$tmp/versions.json" 2>&1
jq -e '.total == 2 and .rfc7489_facts == 1 and .changed == 1' "$tmp/versions.json" >/dev/null &&
	ok "a v1 line replays by RFC 7489, a v2 line by RFC 9989" || nok "v1/v2 replay" "$(cat "$tmp/versions.json")"
"$ag" replay --policy "$tmp/default.ini" "$tmp/versions.log" 2>&1 | grep -q '1 line logged before RFC 9989 (log version 1) holds no tree walk: decided by RFC 7489' &&
	ok "replay says a v1 line was decided by RFC 7489" || nok "replay says so" "$("$ag" replay --policy "$tmp/default.ini" "$tmp/versions.log" 2>&1)"

tap_done
