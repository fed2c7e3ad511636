#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# eximfiles.sh OUT MODDIR SYSCONFDIR LOCALSTATEDIR SHAREDIR: the files
# authgate's Exim configuration reads from SHAREDIR/exim4 (make install
# writes them to OUT, that folder under DESTDIR), made from the split
# configuration's snippets so that both configurations run the same
# options and ACLs:
#   active.conf   what the postinst copies to LOCALSTATEDIR/lib/authgate/
#                 exim4.conf, the switch every snippet tests
#   localmacros   for Debian's monolithic configuration: the macros and
#                 the main options of conf.d/main/95_authgate_options
#   mail.acl, dkim.acl, check_mail.acl
#                 the ACLs of conf.d/acl/25_authgate as files (a file
#                 ACL sees no macros: AUTHGATE_POLICY is written out)
#   mail-self.acl, check_mail-self.acl
#                 the same with Exim's own DKIM and SPF checks off
#                 (AUTHGATE_SELF_VERIFY)
# The default paths in the sources (/usr/lib/exim4/local_scan, /etc,
# /var, /usr/share/authgate) become the ones given.
set -euo pipefail
out=$1 moddir=$2 sysconfdir=$3 localstatedir=$4 sharedir=$5
src=$(cd "$(dirname "$0")/.." && pwd)/exim-conf
share=$sharedir/exim4
paths() {
	sed -e "s#/usr/lib/exim4/local_scan#$moddir#g" \
		-e "s#/etc/exim4/authgate#$sysconfdir/exim4/authgate#g" \
		-e "s#/var/lib/authgate#$localstatedir/lib/authgate#g" \
		-e "s#/usr/share/authgate#$sharedir#g"
}
# block FILE NAME: the lines between "# ---- BEGIN authgate NAME ----" and
# its END line.
block() {
	sed -n "/^# ---- BEGIN authgate $2 ----\$/,/^# ---- END authgate $2 ----\$/p" "$1" |
		sed '1d;$d'
}
# acl NAME: the statements of ACL NAME in 25_authgate, comments dropped.
acl() {
	awk -v name="$1:" '
		$0 == name { on = 1; next }
		on && (/^[a-z_]+:$/ || /^# ---- END/ || /^\./) { on = 0 }
		on && !/^[ \t]*(#|$)/ { print }' "$src/conf.d/acl/25_authgate"
}
die() {
	echo "eximfiles.sh: $*" >&2
	exit 1
}
mkdir -p "$out"
paths <"$src/monolithic/active.conf" >"$out/active.conf"
opts=$(block "$src/conf.d/main/95_authgate_options" "main options")
grep -q '^acl_smtp_dkim = acl_authgate_dkim$' <<<"$opts" || die "95_authgate_options: no acl_smtp_dkim line"
{
	cat "$src/monolithic/localmacros"
	printf '%s\n' "$opts" | sed 's#^acl_smtp_dkim = acl_authgate_dkim$#acl_smtp_dkim = /usr/share/authgate/exim4/dkim.acl#'
	echo ".endif"
} | paths >"$out/localmacros"
for a in mail dkim check_mail; do
	body=$(acl "acl_authgate_$a")
	[ -n "$body" ] || die "25_authgate: no ACL acl_authgate_$a"
	{
		printf '# %s/%s.acl: the ACL acl_authgate_%s of\n' "$share" "$a" "$a"
		printf '# /etc/exim4/conf.d/acl/25_authgate, as a file for the monolithic\n'
		printf '# configuration (%s/localmacros).\n' "$share"
		printf '%s\n' "$body" |
			sed -e 's#AUTHGATE_POLICY#/etc/exim4/authgate/policy.ini#' \
				-e 's#AUTHGATE_VERIFY$#exim#' \
				-e 's#acl = acl_authgate_mail$#acl = /usr/share/authgate/exim4/mail.acl#'
	} | paths >"$out/$a.acl"
	! grep -v '^#' "$out/$a.acl" | grep -q 'AUTHGATE_' || die "$a.acl still names a macro"
done
# The same two with AUTHGATE_SELF_VERIFY (localmacros chooses).
grep -q '^ *set acl_m_authgate_verify = exim$' "$out/mail.acl" || die "mail.acl: no acl_m_authgate_verify"
sed -e '1s#/mail\.acl: the ACL acl_authgate_mail of#/mail-self.acl: the ACL acl_authgate_mail (AUTHGATE_SELF_VERIFY) of#' \
	-e 's#^\( *set acl_m_authgate_verify = \)exim$#\1self#' "$out/mail.acl" >"$out/mail-self.acl"
sed -e '1s#/check_mail\.acl: the ACL acl_authgate_check_mail of#/check_mail-self.acl: the ACL acl_authgate_check_mail (AUTHGATE_SELF_VERIFY) of#' \
	-e 's#/mail\.acl$#/mail-self.acl#' "$out/check_mail.acl" >"$out/check_mail-self.acl"
grep -q '/mail-self\.acl$' "$out/check_mail-self.acl" || die "check_mail.acl: no mail.acl"
chmod 644 "$out"/*
