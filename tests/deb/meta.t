#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the repository promises about packages and licence, checked
# without installing anything (seconds, no root): make demo and make test
# install only their own group of scripts/deps.sh, without Recommends; the
# demo's group has no Rspamd, Redis, dnsmasq daemon or developer tools,
# and the README lists it, names and count; the licence is
# GPL-2.0-or-later in LICENSE, the package's copyright file and the
# README; the package's control fields carry no placeholder; the README
# links only to files in the repository; given the package (DEB), the
# man page's FILES names every file it installs.
# TAP.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/tap.sh"
cd "$root"

demo=$(scripts/deps.sh --list demo 2>&1)
test_=$(scripts/deps.sh --list test 2>&1)
# has LIST PKG: whether the list (one a line) names PKG.
has() { grep -qx -- "$2" <<<"$1"; }
bad=
for p in rspamd redis-server dnsmasq clang valgrind lintian mmdebstrap; do
	has "$demo" "$p" && bad="$bad $p"
done
[ -z "$bad" ] && has "$demo" dnsmasq-base && has "$demo" exim4-daemon-heavy && has "$demo" swaks &&
	ok "deps.sh demo: dnsmasq-base, Exim, swaks; no Rspamd, Redis, dnsmasq daemon or developer tools" ||
	nok "deps.sh demo" "$demo; unwanted:$bad"
bad=
for p in rspamd redis-server clang lintian mmdebstrap; do
	has "$test_" "$p" && bad="$bad $p"
done
[ -z "$bad" ] && has "$test_" libcmocka-dev && has "$test_" libmail-dmarc-perl &&
	ok "deps.sh test: the tests' checkers, no Rspamd, clang, lintian or mmdebstrap" ||
	nok "deps.sh test" "$test_; unwanted:$bad"
grep -q 'apt-get install .*--no-install-recommends' scripts/deps.sh &&
	ok "deps.sh installs without Recommends" || nok "deps.sh: apt-get without --no-install-recommends"
# The first deps.sh line each make target runs.
group() { make -n "$1" 2>/dev/null | sed -n 's#^scripts/deps.sh ##p' | head -1; }
for tg in demo:demo test:test check:check fuzz:check deb:deb bench:bench test-long:"test bench"; do
	[ "$(group "${tg%%:*}")" = "${tg#*:}" ] && ok "make ${tg%%:*} installs scripts/deps.sh ${tg#*:}" ||
		nok "make ${tg%%:*}" "runs deps.sh '$(group "${tg%%:*}")'"
done
# The README's list: "`make demo` names these N: a, b, ... and z;".
readme=$(tr '\n' ' ' <README.md | sed -n 's/.*`make demo` names these \([0-9]*\): \([^;]*\);.*/\1:\2/p' |
	sed -e 's/ ([^)]*)//g' -e 's/,\? and /, /' -e 's/, /\n/g' -e 's/:/\n/')
count=$(head -1 <<<"$readme")
names=$(tail -n +2 <<<"$readme" | sed 's/ *$//' | sort)
[ -n "$count" ] && [ "$count" = "$(wc -l <<<"$demo")" ] && [ "$names" = "$(sort <<<"$demo")" ] &&
	ok "README lists the demo's $count packages, as deps.sh has them" ||
	nok "README's demo list" "$(diff <(echo "$names") <(sort <<<"$demo"))"

grep -q 'GNU GENERAL PUBLIC LICENSE' LICENSE && grep -q 'Version 2, June 1991' LICENSE &&
	ok "LICENSE: the GPL, version 2" || nok "LICENSE"
grep -q '^License: GPL-2+$' packaging/deb/copyright && grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' packaging/deb/copyright &&
	ok "copyright: machine-readable, GPL-2+" || nok "copyright" "$(head -12 packaging/deb/copyright)"
grep -q 'GPL-2.0-or-later' README.md && ok "README names GPL-2.0-or-later" || nok "README licence"
! grep -qi 'example\.\(net\|com\|org\)\|placeholder\|TODO' packaging/deb/control.in packaging/deb/changelog.in packaging/deb/copyright &&
	grep -q '^Maintainer: authgate maintainers <' packaging/deb/control.in &&
	ok "control, changelog, copyright: the project's maintainer, no placeholder" ||
	nok "placeholder fields" "$(grep -i 'example\.\|placeholder\|TODO\|^Maintainer' packaging/deb/control.in packaging/deb/changelog.in packaging/deb/copyright)"
missing=$(bash scripts/spdx.sh --check 2>&1)
[ -z "$missing" ] && ok "every source file carries the SPDX licence line" ||
	nok "source files without the SPDX line" "$missing"

# The README follows a postmaster's path first (install, monitor and
# enforce, incidents), the developer's material after.
order=$(grep -n '^##* ' README.md | sed -n 's/^\([0-9]*\):##* \(Installing into Exim\|First week.*\|When things go wrong\|For developers\|Set-up\|Tests and tools\|Layout\)$/\2/p' | tr '\n' '|')
[ "$order" = "Installing into Exim|First week: monitor, read, enforce|When things go wrong|For developers|Set-up|Tests and tools|Layout|" ] &&
	ok "README: install, first week and incidents before the developer's sections" ||
	nok "README's order" "$order"

# The README links only to files in the repository.
missing=
while IFS= read -r target; do
	target=${target%%#*}
	[ -z "$target" ] || [ -e "$target" ] || missing="$missing $target"
done < <(grep -o '](\([^)]*\))' README.md | sed 's/^](\(.*\))$/\1/' | grep -v '^[a-z]*:')
[ -z "$missing" ] && ok "README: every link names a file in the repository" ||
	nok "README links to files not in the repository:$missing"

# With the package (make test-deb gives it): authgate(8)'s FILES names
# every file the package installs (the documentation directory and the
# monolithic configuration's part each as one).
if [ -n "${1:-}" ]; then
	section=$(sed -n '/^\.SH FILES/,/^\.SH /p' man/authgate.8 | sed 's/\\-/-/g')
	missing=
	while IFS= read -r f; do
		case $f in
		/usr/share/doc/authgate/*) f=/usr/share/doc/authgate/ ;;
		/usr/share/authgate/exim4/*) f=/usr/share/authgate/exim4/ ;;
		esac
		grep -qF -- "$f" <<<"$section" || missing="$missing $f"
	done < <(dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | sort -u)
	[ -z "$missing" ] && ok "authgate(8) FILES names every file the package installs" ||
		nok "authgate(8) FILES lacks:$missing"
fi
tap_done
