#!/usr/bin/env bash
# The one list of Debian 12 packages authgate needs to build, test and run
# its demo. `.ci/run`, `make deps`, `make test` and `make demo` all use it.
#   scripts/deps.sh           install what is missing (apt-get, as root)
#   scripts/deps.sh --check   list what is missing; exit 1 if anything is
#   scripts/deps.sh --list    print the list
set -euo pipefail

packages=(
	# build
	gcc make pkg-config
	libinih-dev libjansson-dev libpsl-dev libidn2-dev publicsuffix
	libopendkim-dev libspf2-dev libssl-dev zlib1g-dev
	# tests, sanitizers, fuzzing, valgrind
	libcmocka-dev jq perl clang libclang-rt-14-dev valgrind
	# make exim-static: Exim from Debian's source with authgate linked in
	build-essential dpkg-dev libcrypt-dev libdb5.3-dev libpcre2-dev
	libgnutls28-dev libspf2-dev
	# make deb, make test-deb
	dpkg-dev lintian mmdebstrap
	# the Exim module and its end-to-end tests
	exim4-daemon-heavy exim4-dev dnsmasq swaks iproute2 procps
	python3-dkim python3-nacl python3-spf libmail-dkim-perl opendkim-tools
	python3-authres python3-dnspython libmail-dmarc-perl
	# make bench: the peer it is compared with
	rspamd
)

missing() {
	local p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

case "${1:-}" in
--list)
	printf '%s\n' "${packages[@]}"
	exit 0
	;;
--check)
	m=$(missing)
	[ -z "$m" ] && exit 0
	printf 'missing Debian packages: %s\n' "$(echo $m)" >&2
	exit 1
	;;
"") ;;
*)
	echo "usage: $0 [--check|--list]" >&2
	exit 2
	;;
esac

m=$(missing)
if [ -z "$m" ]; then
	echo "deps: all ${#packages[@]} packages are installed"
	exit 0
fi
echo "deps: installing: $(echo $m)"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq $m
