# SPDX-License-Identifier: GPL-2.0-or-later
# tap.sh: sourced by the shell tests (tests/cli/*.t, tests/e2e/lib.sh):
# TAP counters and helpers.
n=0
failed=0

# ok DESCRIPTION; nok DESCRIPTION [DETAILS]
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
nok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'
	return 0
}
# tap_done: the plan, and the exit status.
tap_done() {
	echo "1..$n"
	[ "$failed" = 0 ]
}
