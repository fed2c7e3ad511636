#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The JSON log failing while Exim runs: its directory unwritable, the file
# unwritable, the disk full, the disk filling up in the middle of a line.
# Mail keeps flowing (every message answered as if the log were fine),
# each message whose line cannot be written costs one panic-log line and
# has its line in Exim's main log instead, the file never holds a piece of
# a line, and logging resumes in the file once the fault is fixed, without
# restarting Exim. TAP; needs root.
set -u
. "$(dirname "$0")/lib.sh"

e2e_setup logfaults
W=$AG_WORK
e2e_dns --txt-record="plain.example,v=spf1 ip4:203.0.113.7 -all"
# Two small disks, mounted before Exim starts: `ip netns exec` gives Exim
# a copy of the mount table as it is then, and nothing mounted later
# reaches it. full/ (12 KB) will be full; fills/ (16 KB) three quarters full.
mkdir -p "$W/full" "$W/fills"
disks=no
mount -t tmpfs -o size=12k,mode=0755 authgate-test-full "$W/full" &&
	mount -t tmpfs -o size=16k,mode=0755 authgate-test-fills "$W/fills" &&
	chown Debian-exim: "$W/full" "$W/fills" && disks=yes
e2e_exim
e2e_msg "$W/msgs/m.eml" "Alice <alice@plain.example>" "log faults"

# use_log PATH: a policy whose log_file is PATH.
use_log() {
	printf '[general]\nauthserv_id = mx.gw.test\nlog_file = %s\n' "$1" >"$W/policy.tmpl"
	e2e_policy "$W/policy.tmpl"
}
# send NAME: one message, which must be answered 250 and delivered; its
# queue id is added to IDS.
IDS=()
send() {
	e2e_send "$W/msgs/m.eml" --from alice@plain.example
	if [ "$SMTP_CODE" = 250 ] && [ -n "$(e2e_delivered "$QUEUE_ID")" ]; then
		ok "$1: SMTP 250, delivered"
	else
		nok "$1: SMTP $SMTP_CODE ($SMTP_TEXT), want 250 and delivered"
	fi
	IDS+=("$QUEUE_ID")
}
in_mainlog() { # ID: the message's JSON line is in Exim's main log
	grep -F "authgate: {\"v\":2" "$W/log/mainlog" | grep -qF "\"id\":\"$1\""
}
in_file() { # FILE ID: how many lines of FILE are the message's
	grep -cF "\"id\":\"$2\"" "$1" 2>/dev/null
}
# reset_panic: an empty panic log, still Exim's (Exim answers 421 to
# every message when it cannot write its own panic log).
reset_panic() {
	: >"$W/log/paniclog"
	chown Debian-exim: "$W/log/paniclog"
}
panic_lines() { # REGEX: panic-log lines matching
	grep -cE "$1" "$W/log/paniclog" 2>/dev/null
}
# whole FILE: every line of FILE is one JSON object and the file ends
# with a line end (no piece of a line left behind).
whole() {
	[ ! -s "$1" ] && return 0
	[ "$(tail -c 1 "$1" | od -An -tx1 | tr -d ' ')" = 0a ] &&
		jq -c 'if type == "object" and .v == 2 then empty else error("not a log line") end' "$1" >/dev/null 2>&1
}

# ---- the directory cannot be written: the file cannot be created ----
mkdir -p "$W/ro"
chmod 755 "$W/ro" # root's: the Exim user cannot create files here
use_log "$W/ro/authgate.log"
reset_panic
send dir-unwritable
id=$QUEUE_ID
[ "$(panic_lines "cannot open log_file $W/ro/authgate.log: Permission denied")" = 1 ] &&
	ok "dir-unwritable: one panic-log line names the file and the reason" ||
	nok "dir-unwritable: panic log" "$(cat "$W/log/paniclog" 2>/dev/null)"
in_mainlog "$id" && ok "dir-unwritable: the JSON line is in Exim's main log" ||
	nok "dir-unwritable: line not in the main log"
chown Debian-exim: "$W/ro"
send dir-writable-again
[ "$(in_file "$W/ro/authgate.log" "$QUEUE_ID")" = 1 ] && ! in_mainlog "$QUEUE_ID" &&
	[ "$(panic_lines .)" = 1 ] &&
	ok "dir-writable-again: the file is created and has the line; no new panic-log line" ||
	nok "dir-writable-again: recovery" "$(cat "$W/log/paniclog" "$W/ro/authgate.log" 2>/dev/null)"

# ---- the file cannot be written ----
chmod 444 "$W/ro/authgate.log"
reset_panic
send file-unwritable
id=$QUEUE_ID
[ "$(panic_lines "cannot open log_file $W/ro/authgate.log: Permission denied")" = 1 ] &&
	in_mainlog "$id" &&
	ok "file-unwritable: one panic-log line, the line in the main log" ||
	nok "file-unwritable" "$(cat "$W/log/paniclog" 2>/dev/null)"
chmod 640 "$W/ro/authgate.log"
send file-writable-again
[ "$(in_file "$W/ro/authgate.log" "$QUEUE_ID")" = 1 ] && whole "$W/ro/authgate.log" &&
	ok "file-writable-again: the line is in the file" || nok "file-writable-again"

# ---- the disk is full: not one byte can be written ----
mkdir -p "$W/full"
if [ "$disks" = yes ]; then
	head -c 12288 /dev/zero >"$W/full/filler" 2>/dev/null
	use_log "$W/full/authgate.log"
	reset_panic
	send disk-full
	id=$QUEUE_ID
	[ "$(panic_lines "cannot write log_file $W/full/authgate.log: No space left on device")" = 1 ] &&
		ok "disk-full: one panic-log line names the file and the reason" ||
		nok "disk-full: panic log" "$(cat "$W/log/paniclog" 2>/dev/null)"
	in_mainlog "$id" && ok "disk-full: the JSON line is in Exim's main log" ||
		nok "disk-full: line not in the main log"
	[ ! -s "$W/full/authgate.log" ] && ok "disk-full: nothing written to the file" ||
		nok "disk-full: the file has $(wc -c <"$W/full/authgate.log") bytes"
	rm -f "$W/full/filler"
	send disk-freed
	[ "$(in_file "$W/full/authgate.log" "$QUEUE_ID")" = 1 ] && whole "$W/full/authgate.log" &&
		ok "disk-freed: logging resumes in the file" || nok "disk-freed"
else
	nok "disk-full: could not mount a tmpfs"
fi

# ---- the disk fills up while lines are written: one line finds room
# for only part of itself ----
if [ "$disks" = yes ]; then
	head -c 8193 /dev/zero >"$W/fills/filler" 2>/dev/null # three of the four pages
	use_log "$W/fills/authgate.log"
	reset_panic
	IDS=()
	for i in 1 2 3 4 5 6 7 8; do send "disk-fills-$i"; done
	diverted=0
	lost=0
	for id in "${IDS[@]}"; do
		c=$(in_file "$W/fills/authgate.log" "$id")
		if in_mainlog "$id"; then
			diverted=$((diverted + 1))
			[ "$c" = 0 ] || lost=$((lost + 1))
		else
			[ "$c" = 1 ] || lost=$((lost + 1))
		fi
	done
	[ "$diverted" -ge 1 ] && [ "$lost" = 0 ] &&
		ok "disk-fills: every message has its line once, $((8 - diverted)) in the file, $diverted in the main log" ||
		nok "disk-fills: diverted $diverted, lines missing or doubled $lost" "$(cat "$W/log/paniclog" 2>/dev/null)"
	[ "$(panic_lines "cannot write log_file $W/fills/authgate.log")" = "$diverted" ] &&
		ok "disk-fills: one panic-log line per diverted line" ||
		nok "disk-fills: panic log" "$(cat "$W/log/paniclog" 2>/dev/null)"
	whole "$W/fills/authgate.log" &&
		ok "disk-fills: the file holds whole lines only ($(wc -c <"$W/fills/authgate.log") bytes)" ||
		nok "disk-fills: a piece of a line is left in the file" "$(tail -c 200 "$W/fills/authgate.log")"
	rm -f "$W/fills/filler"
	send disk-fills-freed
	[ "$(in_file "$W/fills/authgate.log" "$QUEUE_ID")" = 1 ] && whole "$W/fills/authgate.log" &&
		ok "disk-fills-freed: the next line is whole in the file" ||
		nok "disk-fills-freed" "$(tail -c 300 "$W/fills/authgate.log")"
else
	nok "disk-fills: could not mount a tmpfs"
fi

# Every line that reached the main log instead replays like a file line.
grep -F 'authgate: {"v":2' "$W/log/mainlog" | sed 's/^.*authgate: //' >"$W/out/diverted.log"
"$AG_BUILD/authgate" replay --policy "$W/policy.ini" --json "$W/out/diverted.log" >"$W/out/replay.json" 2>"$W/out/replay.err" &&
	jq -e '.skipped == 0' "$W/out/replay.json" >/dev/null &&
	ok "the main log's lines replay ($(wc -l <"$W/out/diverted.log"))" ||
	nok "the main log's lines do not replay" "$(head -3 "$W/out/replay.err")"
tap_done
