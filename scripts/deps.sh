#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian 12 packages authgate needs, by what needs them. Each make
# target installs its own group when something is missing (apt-get
# --no-install-recommends, as root); with no group, everything (CI:
# .ci/run, `make deps`).
#   scripts/deps.sh [GROUP...]           install what is missing
#   scripts/deps.sh --check [GROUP...]   list what is missing; exit 1 if anything is
#   scripts/deps.sh --list [GROUP...]    print the list
# Groups (each includes the ones it names):
#   build   make all: compiler, headers, libraries
#   demo    make demo: build, Exim, and the sandbox it runs in (dnsmasq's
#           program without its daemon, swaks, dkimpy's signer)
#   test    make test, make test-static: demo, and what the tests check against (cmocka,
#           jansson, Perl's Mail::DKIM and Mail::DMARC, Python's dkim,
#           authres and spf, xmllint)
#   check   make check, make fuzz, make valgrind: test, with clang's sanitizers and
#           libFuzzer, and valgrind
#   deb     make deb, make test-deb: demo, dpkg-dev, lintian, mmdebstrap
#   static  make exim-static: build, and what building Exim needs
#   bench   make bench (make test-long: test and bench): demo, jansson,
#           time, and Rspamd to compare with
#   all     every group (CI)
set -euo pipefail

build=(gcc libc6-dev make exim4-dev libinih-dev libpsl-dev libidn2-dev publicsuffix
	nettle-dev libgmp-dev libspf2-dev zlib1g-dev)
# netbase: /etc/protocols, without which Perl (swaks) cannot open a TCP
# socket; Debian installs it (priority important), a minimal image may not.
demo=("${build[@]}" exim4-daemon-heavy dnsmasq-base swaks iproute2 python3 python3-dkim
	openssl jq netbase)
# libnet-libidn2-perl: Net::DNS's IDN names (Mail::DKIM, Mail::DMARC), a
# Recommends of libnet-dns-perl. libxml2-utils: xmllint, which checks
# aggregate reports against RFC 9990's schema (tests/cli/report.t).
# libopendkim-dev: tests/e2e/odkim_verify.c, a third DKIM oracle (the
# module and the command do not use libopendkim).
test=("${demo[@]}" libcmocka-dev libjansson-dev libopendkim-dev perl procps libmail-dkim-perl
	libmail-dmarc-perl libnet-libidn2-perl libxml2-utils opendkim-tools
	python3-authres python3-dnspython python3-nacl python3-spf)
# llvm-14: llvm-symbolizer, for sanitizer reports with function names (a
# Recommends of clang).
check=("${test[@]}" clang libclang-rt-14-dev llvm-14 valgrind)
deb=("${demo[@]}" dpkg-dev lintian mmdebstrap)
static=("${build[@]}" build-essential dpkg-dev libcrypt-dev libdb5.3-dev libpcre2-dev
	libgnutls28-dev)
bench=("${demo[@]}" libjansson-dev time rspamd)
all=("${check[@]}" "${deb[@]}" "${static[@]}" "${bench[@]}")

mode=install
case "${1:-}" in
--list | --check)
	mode=${1#--}
	shift
	;;
-*)
	echo "usage: $0 [--check|--list] [build|demo|test|check|deb|static|bench|all]..." >&2
	exit 2
	;;
esac
[ $# -gt 0 ] || set -- all
packages=()
for g in "$@"; do
	case "$g" in
	build | demo | test | check | deb | static | bench | all) ;;
	*)
		echo "deps.sh: no group '$g' (build, demo, test, check, deb, static, bench, all)" >&2
		exit 2
		;;
	esac
	eval 'packages+=("${'"$g"'[@]}")'
done
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | awk '!seen[$0]++')

missing() {
	local p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

case $mode in
list)
	printf '%s\n' "${packages[@]}"
	exit 0
	;;
check)
	m=$(missing)
	[ -z "$m" ] && exit 0
	printf 'missing Debian packages: %s\n' "$(echo $m)" >&2
	exit 1
	;;
esac

m=$(missing)
if [ -z "$m" ]; then
	echo "deps ($*): all ${#packages[@]} packages are installed"
	exit 0
fi
echo "deps ($*): installing: $(echo $m)"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $m
