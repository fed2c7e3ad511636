#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# policy.sh EXAMPLE OUT: the policy.ini that make install and the package
# put in /etc/exim4/authgate: policy.ini.example (every key in place with
# its built-in default and its comment) with two lines changed so that a
# new installation watches before it acts: mode = monitor (decide and log
# every message, enforce nothing) and log_file on (the JSON log that
# `authgate stats` and `authgate replay` read). The example itself stays
# the defaults: tests decide under it, and it documents them.
set -euo pipefail
in=$1 out=$2
log=/var/log/exim4/authgate.log
[ "$(grep -c '^mode = enforce$' "$in")" = 1 ] || { echo "policy.sh: $in has no single 'mode = enforce' line" >&2; exit 1; }
[ "$(grep -c "^;log_file = $log\$" "$in")" = 1 ] || { echo "policy.sh: $in has no single ';log_file = $log' line" >&2; exit 1; }
awk -v logf="$log" '
NR == 1 {
	print "; authgate policy: /etc/exim4/authgate/policy.ini, as installed."
	print ";"
	print "; Installed in monitor mode with the JSON log on: authgate decides and"
	print "; logs every message and enforces nothing. Read a week of the log"
	print "; (`authgate stats`, `authgate replay`: README \"First week\"), then set"
	print "; mode = enforce below. Those two lines differ from the built-in"
	print "; defaults; every other value is the default, as in"
	print "; /usr/share/doc/authgate/examples/policy.ini.example."
	print ";"
	next
}
$0 == "mode = enforce" {
	print "; Installed as monitor (the built-in default is enforce)."
	print "mode = monitor"
	next
}
$0 == ";log_file = " logf {
	print "; Installed on (the built-in default is unset)."
	print "log_file = " logf
	next
}
{ print }' "$in" >"$out"
