#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The shipped Exim configuration: the conf.d snippets carry exactly the
# blocks of exim4.conf.example, Debian's update-exim4.conf builds a valid
# configuration with them, and the example itself passes exim -bV, keeps
# Exim's own host name unless AUTHGATE_HOSTNAME is set, and routes only
# the local parts in AUTHGATE_MAILBOXES (tests/e2e/exim-conf.t delivers).
set -u
cd "$(dirname "$0")/../.."
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
block() { sed -n "/^# ---- BEGIN authgate $2 ----\$/,/^# ---- END authgate $2 ----\$/p" "$1"; }

echo "1..7"
if diff <(block exim-conf/exim4.conf.example "main options") \
	<(block exim-conf/conf.d/main/95_authgate_options "main options") >"$tmp/d"; then
	ok "conf.d main options match the example"
else
	nok "conf.d main options match the example" "$(cat "$tmp/d")"
fi
if diff <(block exim-conf/exim4.conf.example ACLs) \
	<(block exim-conf/conf.d/acl/25_authgate ACLs) >"$tmp/d"; then
	ok "conf.d ACLs match the example"
else
	nok "conf.d ACLs match the example" "$(cat "$tmp/d")"
fi
if ! command -v exim4 >/dev/null || ! command -v update-exim4.conf >/dev/null; then
	for i in 3 4 5 6 7; do echo "ok $i # SKIP exim4 not installed"; done
	exit 0
fi
ex() { exim4 -C exim-conf/exim4.conf.example -DAUTHGATE_MODULE=/nonexistent.so "$@"; }
if ex -bV >"$tmp/out" 2>&1; then
	ok "exim4.conf.example passes exim -bV"
else
	nok "exim4.conf.example passes exim -bV" "$(tail -3 "$tmp/out")"
fi
# primary_hostname is not expanded: only Exim's default, or the macro.
dflt=$(exim4 -C /dev/null -bP primary_hostname 2>&1)
got=$(ex -bP primary_hostname 2>&1)
set_=$(ex -DAUTHGATE_HOSTNAME=mx.example.net -bP primary_hostname 2>&1)
if [ "$got" = "$dflt" ] && [ "${got#*\$}" = "$got" ] && [ "$set_" = "primary_hostname = mx.example.net" ]; then
	ok "primary_hostname: Exim's default ($got) unless AUTHGATE_HOSTNAME sets it"
else
	nok "primary_hostname: without the macro '$got' (Exim's default '$dflt'), with it '$set_'"
fi
chmod 755 "$tmp"
printf 'user\n# a comment\nbob.smith\n' >"$tmp/mailboxes"
route() { ex -DAUTHGATE_LOCAL_DOMAINS=gw.test -DAUTHGATE_MAILBOXES="$tmp/mailboxes" -bt "$1" 2>&1; }
if route user@gw.test | grep -q 'router = local_maildir' && route Bob.Smith@gw.test | grep -q 'router = local_maildir'; then
	ok "the local parts in AUTHGATE_MAILBOXES route to local_maildir"
else
	nok "AUTHGATE_MAILBOXES routing" "$(route user@gw.test; route Bob.Smith@gw.test)"
fi
bad=
for a in nobody@gw.test userx@gw.test '#@gw.test' 'comment@gw.test' '../user@gw.test' '.@gw.test'; do
	route "$a" | grep -q 'is undeliverable' || bad="$bad $a"
done
[ -z "$bad" ] && ok "any other local part is undeliverable" || nok "routed although not listed:$bad"
cp -r /etc/exim4 "$tmp/etc"
cp exim-conf/conf.d/main/* "$tmp/etc/conf.d/main/"
cp exim-conf/conf.d/acl/* "$tmp/etc/conf.d/acl/"
sed -i "s/^dc_use_split_config=.*/dc_use_split_config='true'/" "$tmp/etc/update-exim4.conf.conf"
if update-exim4.conf -d "$tmp/etc" -o "$tmp/out.conf" >"$tmp/out" 2>&1 &&
	grep -q '^acl_authgate_check_mail:' "$tmp/out.conf" &&
	exim4 -C "$tmp/out.conf" -bV >>"$tmp/out" 2>&1; then
	ok "Debian's split configuration with the conf.d snippets passes exim -bV"
else
	nok "Debian's split configuration with the conf.d snippets passes exim -bV" "$(tail -5 "$tmp/out")"
fi
