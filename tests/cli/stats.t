#!/usr/bin/env bash
# authgate stats: counts checked against jq over the same log, --since,
# --by, gzip input, and --follow through a logrotate-style move. TAP.
# usage: stats.t BUILD/authgate
set -u
ag=${1:-build/authgate}
data=$(cd "$(dirname "$0")/../data/replay" && pwd)
. "$(dirname "$0")/../tap.sh"
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

/usr/bin/python3 "$data/facts.py" 3000 >"$tmp/facts.jsonl"
"$ag" decide --policy "$data/a.ini" --facts "$tmp/facts.jsonl" --lines --log --host mx.test >"$tmp/raw.log"
# Spread the lines over three hours, a minute per 50 lines.
awk '{ m = int((NR - 1) / 50); h = 10 + int(m / 60); m = m % 60;
	sub(/"ts":"[^"]*"/, sprintf("\"ts\":\"2026-11-23T%02d:%02d:00Z\"", h, m)); print }' \
	"$tmp/raw.log" >"$tmp/authgate.log"

"$ag" stats --json "$tmp/authgate.log" >"$tmp/all.json" || nok "stats exit status"
want=$(jq -r .decision.action "$tmp/authgate.log" | sort | uniq -c | awk '{print $2, $1}' | sort)
got=$(jq -r '.by_action[] | "\(.key) \(.count)"' "$tmp/all.json" | sort)
[ "$want" = "$got" ] && ok "per action equals jq" || nok "per action" "$(diff <(echo "$want") <(echo "$got"))"
want=$(jq -r .decision.class "$tmp/authgate.log" | sort | uniq -c | awk '{print $2, $1}' | sort)
got=$(jq -r '.by_class[] | "\(.key) \(.count)"' "$tmp/all.json" | sort)
[ "$want" = "$got" ] && ok "per class equals jq" || nok "per class" "$(diff <(echo "$want") <(echo "$got"))"
want=$(jq -r 'select(.decision.action != "accept") | .decision.dmarc.domain' "$tmp/authgate.log" | sort | uniq -c | awk '{print $2, $1}' | sort)
got=$(jq -r '.by_domain[] | "\(.key) \(.count)"' "$tmp/all.json" | sort)
[ "$want" = "$got" ] && ok "From domains of messages not accepted equal jq" || nok "per domain" "$(diff <(echo "$want") <(echo "$got") | head)"
want=$(jq -r 'select(.decision.action != "accept") | .facts.client.ip' "$tmp/authgate.log" | sort | uniq -c | awk '{print $2, $1}' | sort)
got=$(jq -r '.by_ip[] | "\(.key) \(.count)"' "$tmp/all.json" | sort)
[ "$want" = "$got" ] && ok "client addresses equal jq" || nok "per ip"
want=$(jq -r '.facts.dkim[] | select(.result != "pass") | "\(.d) / \(.s): \(.result)"' "$tmp/authgate.log" | sort | uniq -c | sed 's/^ *\([0-9]*\) \(.*\)/\2 \1/' | sort)
got=$(jq -r '.by_selector[] | "\(.key) \(.count)"' "$tmp/all.json" | sort)
[ "$want" = "$got" ] && ok "failing signatures equal jq" || nok "per selector" "$(diff <(echo "$want") <(echo "$got") | head)"
jq -e '(.by_minute | length) == 60 and ([.by_minute[].count] | all(. == 50)) and .first == "2026-11-23T10:00:00Z" and .last == "2026-11-23T10:59:00Z"' \
	"$tmp/all.json" >/dev/null && ok "per minute, first and last" || nok "per minute" "$(jq -c '{first, last, m: (.by_minute | length)}' "$tmp/all.json")"

"$ag" stats --json --since 2026-11-23T10:30Z "$tmp/authgate.log" >"$tmp/since.json"
jq -e '.total == 1500 and .first == "2026-11-23T10:30:00Z"' "$tmp/since.json" >/dev/null &&
	ok "--since TIME" || nok "--since TIME" "$(jq -c '{total, first}' "$tmp/since.json")"
"$ag" stats --json --since 1h "$tmp/authgate.log" | jq -e '.total == 0' >/dev/null &&
	ok "--since AGE (the log is older)" || nok "--since AGE"
"$ag" stats --json --by ip "$tmp/authgate.log" | jq -e 'has("by_ip") and (has("by_class") | not)' >/dev/null &&
	ok "--by keeps one table" || nok "--by"
gzip -c "$tmp/authgate.log" >"$tmp/authgate.log.1.gz"
"$ag" stats --json "$tmp/authgate.log.1.gz" | jq -e '.total == 3000' >/dev/null &&
	ok "gzip input" || nok "gzip input"
"$ag" stats "$tmp/authgate.log" | grep -q '^authgate stats: 3000 messages, 2026-11-23T10:00:00Z .. 2026-11-23T10:59:00Z' &&
	ok "human summary line" || nok "human summary line"
"$ag" stats --since yesterday "$tmp/authgate.log" >/dev/null 2>&1
[ $? = 2 ] && ok "bad --since: exit 2" || nok "bad --since: exit 2"
"$ag" stats --by color "$tmp/authgate.log" >/dev/null 2>&1
[ $? = 2 ] && ok "bad --by: exit 2" || nok "bad --by: exit 2"

# --follow: lines appended, then the file moved away (logrotate) and a
# new one started; every line is counted once.
head -n 1000 "$tmp/authgate.log" >"$tmp/live.log"
"$ag" stats --follow --json "$tmp/live.log" >"$tmp/follow.out" 2>&1 &
pid=$!
sleep 1
sed -n '1001,1500p' "$tmp/authgate.log" >>"$tmp/live.log"
sleep 1
mv "$tmp/live.log" "$tmp/live.log.1"
sed -n '1501,1600p' "$tmp/authgate.log" >>"$tmp/live.log.1" # written late to the old file
sed -n '1601,2000p' "$tmp/authgate.log" >"$tmp/live.log"
printf '%s' "$(sed -n '2001p' "$tmp/authgate.log")" >>"$tmp/live.log" # a partial line...
sleep 1
printf '\n' >>"$tmp/live.log" # ...completed later
sleep 3
kill "$pid"
wait "$pid" 2>/dev/null
pid=""
tail -n 1 "$tmp/follow.out" | jq -e '.total == 2001' >/dev/null &&
	ok "--follow counts every line once across rotation" ||
	nok "--follow" "$(tail -n 1 "$tmp/follow.out" | jq -c '{total, skipped}' 2>&1)"

tap_done
