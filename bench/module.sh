#!/usr/bin/env bash
# The module's cost inside Exim: messages per second through the same
# Exim configuration with and without local_scan_path, same message, same
# load, alternating in one run. Prints a Markdown table. Needs root.
set -u
. "$(dirname "$0")/../tests/e2e/lib.sh"
ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-400}
CONC=${CONC:-8}

e2e_setup bench >/dev/null
e2e_key s1
e2e_dns --txt-record="s1._domainkey.shop.example,$(cat "$AG_WORK/keys/s1.dns")" \
	--txt-record="shop.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.shop.example,v=DMARC1; p=reject"
cat >"$AG_WORK/policy.tmpl" <<'POLICY'
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
POLICY
e2e_policy "$AG_WORK/policy.tmpl"
# A 5 KB newsletter, signed.
{
	printf 'From: Shop <news@shop.example>\nTo: user@gw.test\nSubject: news\n'
	printf 'Date: %s\nMessage-ID: <bench@shop.example>\n\n' "$(date -R)"
	for i in $(seq 80); do printf 'Line %02d of this week'"'"'s newsletter, with some text.\n' "$i"; done
} >"$AG_WORK/msgs/news.in"
e2e_sign "$AG_WORK/msgs/news.in" "$AG_WORK/msgs/news.eml" s1 shop.example s1

run() { # run with|without -> prints msgs/s
	local mode=$1 extra=()
	[ "$mode" = without ] && extra=(-DAUTHGATE_NO_MODULE=1)
	e2e_exim "${extra[@]}"
	e2e_ns /usr/bin/python3 "$(dirname "$0")/smtp_load.py" 127.0.0.1 "$AG_PORT" \
		"$AG_WORK/msgs/news.eml" "$COUNT" "$CONC" news@shop.example user@gw.test
	kill "$(cat "$AG_WORK/run/exim.pid")"
	sleep 1
	rm -f "$AG_WORK/run/exim.pid"
}

with=()
without=()
for r in $(seq "$ROUNDS"); do
	set -- $(run without)
	without+=("$1")
	echo "# round $r without: $*" >&2
	set -- $(run with)
	with+=("$1")
	echo "# round $r with:    $*" >&2
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
range() { printf '%s\n' "$@" | sort -n | awk 'NR==1{lo=$1} {hi=$1} END {printf "%s-%s", lo, hi}'; }
mw=$(median "${with[@]}")
mo=$(median "${without[@]}")
echo "## The module inside Exim ($ROUNDS rounds of $COUNT messages, $CONC concurrent sessions, one message per session)"
echo
echo "| Exim configuration | messages/s, median [min-max] |"
echo "|---|---|"
echo "| without local_scan_path | $mo [$(range "${without[@]}")] |"
echo "| with authgate | $mw [$(range "${with[@]}")] |"
echo "| ratio with/without | $(awk -v a="$mw" -v b="$mo" 'BEGIN {printf "%.3f", a / b}') |"
echo
echo "Target (issue 3): at least 0.95. Lines logged by authgate: $(wc -l <"$AG_WORK/authgate.log")."
