#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What make install (and so the package) gives Exim, checked with this
# machine's Debian Exim in seconds, before tests/deb/install.t takes it
# to a fresh Debian: `make install` into a scratch prefix, Debian's
# update-exim4.conf run over a copy of /etc/exim4 with the snippets, in
# the split configuration and in the monolithic one (the block the
# postinst adds to exim4.conf.localmacros), each with authgate enabled
# (Exim loads the module, also once in the daemon, runs authgate's ACLs,
# also from the ACL files; with AUTHGATE_SELF_VERIFY, not its own DKIM
# and SPF checks)
# and with the package gone (the snippets and the block left behind are
# inert: no local_scan_path, Debian's own ACLs). Also the installed
# policy: monitor mode and the JSON log, the example otherwise.
# TAP; needs exim4 and update-exim4.conf (skips otherwise), and root for
# exim -C.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/tap.sh"
if ! command -v exim4 >/dev/null || ! command -v update-exim4.conf >/dev/null || [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root, exim4 and update-exim4.conf"
	exit 0
fi
t=$(mktemp -d /tmp/authgate-conf.XXXXXX)
trap 'rm -rf "$t"' EXIT
chmod 755 "$t"
build=${AG_BUILD:-$root/build}
if ! make -s -C "$root" install BUILD="$build" PREFIX="$t/usr" SYSCONFDIR="$t/etc" \
	LOCALSTATEDIR="$t/var" DESTDIR= >"$t/install.out" 2>&1; then
	nok "make install" "$(tail -5 "$t/install.out")"
	tap_done
	exit
fi
ok "make install into $t"
mod=$t/usr/lib/exim4/local_scan/authgate.so
share=$t/usr/share/authgate/exim4
switch=$t/var/lib/authgate/exim4.conf

# conf SPLIT OUT: Debian's configuration from a copy of this machine's
# /etc/exim4 with authgate's snippets in conf.d; for the monolithic one
# the localmacros block goes first, as update-exim4.conf puts that file
# (which it only reads from the real /etc/exim4).
conf() {
	local split=$1 out=$2 d=$t/exim4
	rm -rf "$d"
	cp -r /etc/exim4 "$d"
	cp "$t/etc/exim4/conf.d/main/"* "$d/conf.d/main/"
	cp "$t/etc/exim4/conf.d/acl/"* "$d/conf.d/acl/"
	sed -i "s/^dc_use_split_config=.*/dc_use_split_config='$split'/" "$d/update-exim4.conf.conf"
	update-exim4.conf -d "$d" -o "$out.base" >"$out.log" 2>&1 || return 1
	if [ "$split" = true ]; then
		mv "$out.base" "$out"
	else
		{
			echo "# ---- BEGIN authgate ----"
			echo ".include_if_exists $share/localmacros"
			echo "# ---- END authgate ----"
			cat "$out.base"
		} >"$out"
	fi
	exim4 -C "$out" -bV >>"$out.log" 2>&1
}
opt() { exim4 -C "$1" -bP "$2" 2>&1; }

# session CONF: a MAIL and a DKIM-signed DATA through Exim's -bh (ACLs
# run, nothing delivered), with ACL debugging.
printf 'From: a@example.invalid\nTo: user@gw.test\nSubject: t\nDKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.invalid; s=sel;\n h=from:to:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA\n\nhello\n' >"$t/msg"
session() {
	{
		printf 'EHLO mx.sender.example\r\nMAIL FROM:<a@example.invalid>\r\nRCPT TO:<postmaster@localhost>\r\nDATA\r\n'
		sed 's/$/\r/' "$t/msg"
		printf '.\r\nQUIT\r\n'
	} | exim4 -C "$1" "${@:2}" -d+acl -bh 192.0.2.1 2>&1
}

for split in true false; do
	name="split"
	[ "$split" = false ] && name=monolithic
	c=$t/$name.conf
	if conf $split "$c"; then
		ok "$name: update-exim4.conf and exim -bV with authgate enabled"
	else
		nok "$name: update-exim4.conf and exim -bV with authgate enabled" "$(tail -5 "$c.log")"
	fi
	[ "$(opt "$c" local_scan_path)" = "local_scan_path = $mod" ] &&
		ok "$name: local_scan_path is the module" || nok "$name: local_scan_path" "$(opt "$c" local_scan_path)"
	if [ $split = true ]; then
		want_mail=acl_authgate_check_mail want_dkim=acl_authgate_dkim
	else
		want_mail=$share/check_mail.acl want_dkim=$share/dkim.acl
	fi
	[ "$(opt "$c" acl_smtp_mail)" = "acl_smtp_mail = $want_mail" ] &&
		[ "$(opt "$c" acl_smtp_dkim)" = "acl_smtp_dkim = $want_dkim" ] &&
		ok "$name: MAIL ACL $want_mail, DKIM ACL $want_dkim" ||
		nok "$name: ACLs" "$(opt "$c" acl_smtp_mail; opt "$c" acl_smtp_dkim)"
	session "$c" >"$c.bh"
	if grep -q "set acl_m_authgate = $t/etc/exim4/authgate/policy.ini" "$c.bh" &&
		grep -q 'check set acl_m_authgate_spf = ' "$c.bh" &&
		grep -q 'check set acl_m_authgate_dkim = ' "$c.bh" &&
		grep -q '^250 OK id=' "$c.bh" && ! grep -qi 'error in ACL\|failed to open ACL\|temporarily rejected' "$c.bh"; then
		ok "$name: MAIL and DKIM ACLs run, message accepted (exim -bh)"
	else
		nok "$name: MAIL and DKIM ACLs run, message accepted (exim -bh)" "$(grep -E '^[2-5][0-9][0-9]|ACL|acl_m' "$c.bh" | tail -15)"
	fi
done

# The preload, and AUTHGATE_SELF_VERIFY: the MAIL ACL that has Exim
# check neither DKIM nor SPF (in the monolithic configuration, its own
# ACL files).
for name in split monolithic; do
	c=$t/$name.conf
	want="smtp_accept_max_per_host = \${dlfunc{$mod}{authgate_preload}{$t/etc/exim4/authgate/policy.ini}}"
	[ "$(opt "$c" smtp_accept_max_per_host)" = "$want" ] &&
		ok "$name: the daemon preloads the module, no per-host limit" ||
		nok "$name: smtp_accept_max_per_host" "$(opt "$c" smtp_accept_max_per_host)"
	session "$c" -DAUTHGATE_SELF_VERIFY=1 >"$c.self.bh"
	if grep -q 'check control = dkim_disable_verify' "$c.self.bh" && ! grep -q 'check spf = ' "$c.self.bh" &&
		! grep -q 'check set acl_m_authgate_dkim = ' "$c.self.bh" && grep -q "set acl_m_authgate = $t/etc/exim4/authgate/policy.ini" "$c.self.bh" &&
		grep -q 'check spf = ' "$c.bh" && ! grep -q 'check control = dkim_disable_verify' "$c.bh"; then
		ok "$name: AUTHGATE_SELF_VERIFY turns Exim's DKIM and SPF checks off (and only it)"
	else
		nok "$name: AUTHGATE_SELF_VERIFY" "$(grep -E '^[2-5][0-9][0-9]|ACL|acl_m|spf|dkim' "$c.self.bh" | tail -15)"
	fi
done

# The package removed: the module, the shared files and the switch go;
# the conffiles (conf.d snippets, policy) and the localmacros block stay.
rm -rf "$share" "$switch" "$mod"
for split in true false; do
	name="split"
	[ "$split" = false ] && name=monolithic
	c=$t/$name-removed.conf
	if conf $split "$c"; then
		ok "$name, package removed: exim -bV with the snippets left behind"
	else
		nok "$name, package removed: exim -bV with the snippets left behind" "$(tail -5 "$c.log")"
	fi
	if [ "$(opt "$c" local_scan_path)" = "local_scan_path = " ] &&
		[ "$(opt "$c" acl_smtp_mail)" = "acl_smtp_mail = acl_check_mail" ] &&
		[ "$(opt "$c" acl_smtp_dkim)" = "acl_smtp_dkim = " ]; then
		ok "$name, package removed: no local_scan_path, Debian's MAIL ACL, no DKIM ACL"
	else
		nok "$name, package removed: inert" "$(opt "$c" local_scan_path; opt "$c" acl_smtp_mail; opt "$c" acl_smtp_dkim)"
	fi
	session "$c" >"$c.bh"
	grep -q '^250 OK id=' "$c.bh" && ! grep -q 'acl_m_authgate' "$c.bh" &&
		ok "$name, package removed: message accepted, no authgate ACL ran" ||
		nok "$name, package removed: exim -bh" "$(grep -E '^[2-5][0-9][0-9]|ACL' "$c.bh" | tail -15)"
done

# The installed policy.
p=$t/etc/exim4/authgate/policy.ini
if diff "$root/policy.ini.example" "$p" | grep '^[<>]' | grep -v '^> ;' >"$t/pdiff" &&
	[ "$(cat "$t/pdiff")" = "$(printf '%s\n' '< ; authgate policy: /etc/exim4/authgate/policy.ini' \
		'< mode = enforce' '> mode = monitor' '< ;log_file = /var/log/exim4/authgate.log' \
		'> log_file = /var/log/exim4/authgate.log')" ]; then
	ok "installed policy: the example with mode = monitor and log_file on"
else
	nok "installed policy: the example with mode = monitor and log_file on" "$(cat "$t/pdiff")"
fi
"$build/authgate" check-config "$p" >"$t/cc" 2>&1 &&
	ok "installed policy passes check-config" || nok "installed policy: check-config" "$(cat "$t/cc")"
tap_done
