#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# spdx.sh [--check]: puts the licence line "SPDX-License-Identifier:
# GPL-2.0-or-later" at the top of every source file git knows that lacks
# one in its first five lines, and changes nothing else: a file that has
# it is left alone, so the script can run again after any merge.
#   C (.c, .h)          /* SPDX-License-Identifier: GPL-2.0-or-later */
#                       as line 1, before the file's own header block
#   shell, Python, Perl, TAP tests (.t), the Makefile, and any other file
#   that starts with #!
#                       # SPDX-License-Identifier: GPL-2.0-or-later
#                       as line 1, or line 2 after the #! line
# Test data (fuzz corpora, golden files, scenario cases) is not source and
# is skipped. --check only lists the files without the line (exit 1 if
# there are any).
set -euo pipefail
cd "$(dirname "$0")/.."
id="SPDX-License-Identifier: GPL-2.0-or-later"
check=
[ "${1:-}" = --check ] && check=yes

# sources: every tracked source file, one per line.
sources() {
	git ls-files | while IFS= read -r f; do
		[ -f "$f" ] || continue
		case "$f" in
		tests/fuzz/corpus/* | tests/fuzz/found/* | tests/fuzz/regressions/* | \
			tests/data/golden/* | tests/scenarios/*/*) continue ;;
		*.c | *.h | *.sh | *.py | *.pl | *.t | Makefile | */Makefile) echo "$f" ;;
		*) [ "$(head -c2 "$f")" = '#!' ] && echo "$f" ;;
		esac
	done
}

missing=0
while IFS= read -r f; do
	# (awk, not head | grep -q: under pipefail an early grep exit is a
	# failure)
	awk 'NR > 5 { exit } /SPDX-License-Identifier:/ { f = 1; exit } END { exit !f }' "$f" && continue
	missing=$((missing + 1))
	if [ -n "$check" ]; then
		echo "$f"
		continue
	fi
	tmp=$(mktemp)
	case "$f" in
	*.c | *.h) awk -v l="/* $id */" 'NR == 1 { print l } { print }' "$f" >"$tmp" ;;
	*) awk -v l="# $id" '
		NR == 1 && /^#!/ { print; print l; next }
		NR == 1 { print l }
		{ print }' "$f" >"$tmp" ;;
	esac
	cat "$tmp" >"$f" # keeps the file's mode
	rm -f "$tmp"
	echo "spdx: $f"
done < <(sources)
if [ -n "$check" ]; then
	[ "$missing" = 0 ] || { echo "spdx: $missing files without the licence line" >&2; exit 1; }
else
	echo "spdx: $missing files given the licence line"
fi
