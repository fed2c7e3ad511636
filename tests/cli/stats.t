#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# authgate stats: counts checked against jq over the same log, --since,
# --until, --by (hour too), --domain, --class, gzip input, monitor-mode
# lines counted as done and as would-be, and --follow through a
# logrotate-style move with counters that only grow. TAP.
# usage: stats.t BUILD/authgate
set -u
ag=${1:-build/authgate}
data=$(cd "$(dirname "$0")/../data/replay" && pwd)
. "$(dirname "$0")/../tap.sh"
tmp=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# json_ok FILTER ARGS...: `stats ARGS` exits 0 and prints JSON that
# passes FILTER (jq 1.6 -e passes an empty input).
json_ok() {
	local filter=$1 out
	shift
	out=$("$ag" stats "$@") && [ -n "$out" ] && jq -e "$filter" <<<"$out" >/dev/null
}

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

# ---- a rollout: half the log written in monitor mode ----
printf '[general]\nauthserv_id = gw.test\nmode = monitor\n[trusted]\ndomains = esp.example\n' >"$tmp/monitor.ini"
head -n 1500 "$tmp/facts.jsonl" >"$tmp/f1.jsonl"
tail -n 1500 "$tmp/facts.jsonl" >"$tmp/f2.jsonl"
{
	"$ag" decide --policy "$tmp/monitor.ini" --facts "$tmp/f1.jsonl" --lines --log --host mx.test
	"$ag" decide --policy "$data/a.ini" --facts "$tmp/f2.jsonl" --lines --log --host mx.test
} | awk '{ m = int((NR - 1) / 50); h = 10 + int(m / 60); m = m % 60;
	sub(/"ts":"[^"]*"/, sprintf("\"ts\":\"2026-11-23T%02d:%02d:00Z\"", h, m)); print }' >"$tmp/rollout.log"
"$ag" stats --json "$tmp/rollout.log" >"$tmp/rollout.json" || nok "stats exit status (rollout)"
jq -e '.monitor == 1500 and .total == 3000' "$tmp/rollout.json" >/dev/null &&
	ok "monitor lines counted" || nok "monitor lines counted" "$(jq -c '{total, monitor}' "$tmp/rollout.json")"
want=$(jq -r '"\(.decision.action) done", "\(.decision.monitor.would // .decision.action) would"' "$tmp/rollout.log" | sort | uniq -c | awk '{print $2, $3, $1}' | sort)
got=$(jq -r '.by_action[] | "\(.key) done \(.count)", "\(.key) would \(.would)"' "$tmp/rollout.json" | grep -v ' 0$' | sort)
[ "$want" = "$got" ] && ok "per action: done and would equal jq" || nok "per action, monitor" "$(diff <(echo "$want") <(echo "$got"))"
want=$(jq -r '"\(.decision.class) done", "\(.decision.monitor.class // .decision.class) would"' "$tmp/rollout.log" | sort | uniq -c | awk '{print $2, $3, $1}' | sort)
got=$(jq -r '.by_class[] | "\(.key) done \(.count)", "\(.key) would \(.would)"' "$tmp/rollout.json" | grep -v ' 0$' | sort)
[ "$want" = "$got" ] && ok "per class: done and would equal jq" || nok "per class, monitor" "$(diff <(echo "$want") <(echo "$got") | head)"
want=$(jq -r 'select((.decision.monitor.would // .decision.action) != "accept") | .decision.dmarc.domain' "$tmp/rollout.log" | sort | uniq -c | awk '{print $2, $1}' | sort)
got=$(jq -r '.by_domain[] | select(.would > 0) | "\(.key) \(.would)"' "$tmp/rollout.json" | sort)
[ "$want" = "$got" ] && ok "From domains enforcing would not accept equal jq" || nok "per domain, would" "$(diff <(echo "$want") <(echo "$got") | head)"
jq -e '[.by_action[] | select(.key == "accept")][0] | .would != null and .count > .would' "$tmp/rollout.json" >/dev/null &&
	ok "monitor mode is no longer all accept: would < done for accept" || nok "accept done vs would"
"$ag" stats "$tmp/rollout.log" >"$tmp/rollout.txt"
grep -q '^authgate stats: 3000 messages, 2026-11-23T10:00:00Z .. 2026-11-23T10:59:00Z, 1500 in monitor mode$' "$tmp/rollout.txt" &&
	grep -qE '^Messages per action +done +would$' "$tmp/rollout.txt" &&
	ok "human view: monitor lines said, done and would columns" || nok "human view, monitor" "$(head -6 "$tmp/rollout.txt")"
jq -e 'has("monitor") or ([.by_action[] | has("would")] | any) | not' "$tmp/all.json" >/dev/null &&
	ok "no monitor lines: the JSON is as before (no monitor, no would)" || nok "no monitor lines: new keys"

# ---- --until, --domain, --class, --by hour ----
json_ok '.total == 1500 and .last == "2026-11-23T10:29:00Z"' --json --until 2026-11-23T10:30Z "$tmp/authgate.log" &&
	ok "--until TIME (before it)" || nok "--until TIME"
json_ok '.total == 1000' --json --since 2026-11-23T10:10Z --until 2026-11-23T10:30:00Z "$tmp/authgate.log" &&
	ok "--since and --until together" || nok "--since --until"
json_ok '.total == 3000' --json --until 1h "$tmp/authgate.log" &&
	ok "--until AGE (the log is older)" || nok "--until AGE"
# Subdomains and a look-alike: news.d5.example counts for d5.example,
# xd5.example does not.
awk '/"decision":\{.*"domain":"d5\.example"/ { c++; if (c <= 3) sub(/"domain":"d5\.example"/, "\"domain\":\"news.d5.example\""); else if (c <= 6) sub(/"domain":"d5\.example"/, "\"domain\":\"xd5.example\"") } { print }' \
	"$tmp/authgate.log" >"$tmp/sub.log"
want=$(jq -r '.decision.dmarc.domain' "$tmp/sub.log" | grep -cE '^(.*\.)?d5\.example$')
jq -r '.decision.dmarc.domain' "$tmp/sub.log" | grep -q '^news\.d5\.example$' && jq -r '.decision.dmarc.domain' "$tmp/sub.log" | grep -q '^xd5\.example$' ||
	nok "the test log has news.d5.example and xd5.example"
got=$("$ag" stats --json --domain D5.Example. "$tmp/sub.log" | jq .total)
[ "$want" = "$got" ] && [ "$got" -gt 0 ] && ok "--domain: the domain and its subdomains ($got), any spelling" || nok "--domain" "want $want got $got"
got=$("$ag" stats --json --domain d5.example --domain d6.example "$tmp/sub.log" | jq .total)
want=$(jq -r '.decision.dmarc.domain' "$tmp/sub.log" | grep -cE '^(.*\.)?d[56]\.example$')
[ "$want" = "$got" ] && ok "--domain twice: either" || nok "--domain twice" "want $want got $got"
want=$(jq -r 'select(.decision.class == "dmarc.reject" or .decision.monitor.class == "dmarc.reject") | .id' "$tmp/rollout.log" | wc -l)
got=$("$ag" stats --json --class dmarc.reject "$tmp/rollout.log" | jq .total)
[ "$want" = "$got" ] && ok "--class: done or would ($got)" || nok "--class" "want $want got $got"
want=$(jq -r 'select((.decision.class | startswith("dkim.")) or ((.decision.monitor.class // "") | startswith("dkim."))) | .id' "$tmp/rollout.log" | wc -l)
got=$("$ag" stats --json --class dkim "$tmp/rollout.log" | jq .total)
[ "$want" = "$got" ] && ok "--class FAMILY" || nok "--class family" "want $want got $got"
"$ag" stats --json --by hour --by action "$tmp/authgate.log" >"$tmp/hour.json" && [ -s "$tmp/hour.json" ] &&
	jq -e '(.by_hour == [{"key": "2026-11-23T10", "count": 3000, "examples": []}]) and has("by_action") and (has("by_class") | not)' "$tmp/hour.json" >/dev/null &&
	ok "--by hour, and --by twice" || nok "--by hour" "$(jq -c .by_hour "$tmp/hour.json")"
awk 'NR <= 1500 { sub(/"ts":"2026-11-23T10/, "\"ts\":\"2026-11-23T09") } { print }' "$tmp/authgate.log" >"$tmp/hours.log"
"$ag" stats --by hour "$tmp/hours.log" | grep -A3 '^Messages per hour' | tail -2 | awk '{print $1, $2}' | tr '\n' ' ' | grep -q '^2026-11-23T09 1500 2026-11-23T10 1500 $' &&
	ok "--by hour, human: hours in time order" || nok "--by hour, human" "$("$ag" stats --by hour "$tmp/hours.log")"
for bad in "--until tomorrow" "--class dmarc.rejected" "--domain a..b" "--by day"; do
	"$ag" stats $bad "$tmp/authgate.log" >/dev/null 2>&1
	[ $? = 2 ] && ok "bad $bad: exit 2" || nok "bad $bad: exit 2"
done

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
# Every count, per key, only grows from one object to the next: a
# scraper can take rate() of it.
jq -s -e '[.[] | [{total: .total}] + [(.by_action[] | {("action " + .key): .count}), (.by_class[] | {("class " + .key): .count})] | add] as $s
	| [range(1; $s | length) as $i | $s[$i] as $b | $s[$i - 1] | to_entries[] | select(($b[.key] // 0) < .value)] | length == 0' \
	"$tmp/follow.out" >/dev/null 2>&1 && [ "$(wc -l <"$tmp/follow.out")" -ge 3 ] &&
	ok "--follow --json: counters never go down" || nok "--follow counters" "$(jq -c '{total}' "$tmp/follow.out" | tr '\n' ' ')"

# Text a sender wrote (d=, s=, the From domain) is shown with every byte
# that could drive the terminal as '?'.
jq -c 'select(.facts.dkim | length > 0 and .[0].result != "pass") | .facts.dkim[0].d = "ex\u001b]0;pwned\u0007.com"
	| .facts.dkim[0].s = "s\u001b[31m\u009b2J"
	| .decision.action = "reject" | .decision.dmarc.domain = "bad\u001b[2J\u202ex.example"' \
	"$tmp/authgate.log" | head -3 >"$tmp/hostile.log"
out=$("$ag" stats --by selector --by domain "$tmp/hostile.log")
[ -s "$tmp/hostile.log" ] && ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2\x9b\|\xe2\x80\xae' <<<"$out" &&
	grep -q 'ex?\]0;pwned?\.com / s?\[31m?2J' <<<"$out" &&
	ok "stats shows a sender's control bytes and bidi marks as '?'" || nok "stats prints raw control bytes" "$(cat -v <<<"$out")"
"$ag" stats --since -5m "$tmp/authgate.log" >/dev/null 2>&1 && nok "--since -5m taken" || ok "--since -5m: an error"
"$ag" stats --since 99999999999999999999d "$tmp/authgate.log" >/dev/null 2>&1 && nok "--since overflow taken" ||
	ok "--since 99999999999999999999d: an error"
"$ag" stats --json --since 1h30m "$tmp/authgate.log" | jq -e '.total == 0' >/dev/null &&
	ok "--since 1h30m: an age as Exim writes one" || nok "--since 1h30m"
tap_done
