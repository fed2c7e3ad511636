#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package on a clean Debian 12, as a postmaster meets it:
# mmdebstrap builds one fresh bookworm tree (from the machine's own Debian
# sources) with exim4-daemon-heavy, Debian's defaults otherwise; each case
# below runs on a copy of it. That tree's Exim runs, chrooted, inside a
# network namespace with the test DNS server, and filters real signed mail
# while the package is installed, removed and purged with apt-get and
# dpkg (maintainer scripts and all):
#  monolithic  Debian's default configuration: install (monitor mode, the
#              JSON log), remove (mail flows, no authgate header, no 451),
#              purge (the localmacros block gone, Exim fine);
#  split       dc_use_split_config='true': the same, and the README's
#              switch to enforce (a forged p=reject From: 550);
#  light       exim4-daemon-light: `dpkg -i` refuses (exim4-daemon-heavy
#              missing) and Exim runs on without authgate; forced, the
#              postinst says authgate is not active and Exim still runs
#              without it; `apt-get -f install` swaps in the heavy daemon
#              and authgate is active.
# TAP; needs root.
# usage: install.t DEB
set -u
. "$(dirname "$0")/../e2e/lib.sh"

deb=${1:?usage: install.t DEB}
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
[ -f "$deb" ] || e2e_die "no package at $deb"
command -v mmdebstrap >/dev/null || e2e_die "mmdebstrap is not installed (scripts/deps.sh deb)"
e2e_setup debinstall
W=$AG_WORK
touch "$W/authgate.log" # e2e_send counts lines here; the chroot's is ours
debname=$(basename "$deb")
started=$(date +%s)

# The machine's own Debian sources (deb822 or one-line), unchanged.
sources=()
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
	[ -s "$f" ] && sources+=("$f")
done
[ "${#sources[@]}" -gt 0 ] || e2e_die "no Debian sources on this machine"
ifaces='s/^dc_local_interfaces=.*/dc_local_interfaces='"'127.0.0.1'"'/'
names='s/^dc_other_hostnames=.*/dc_other_hostnames='"'gw.test'"'/'
# The package's dependencies and the light daemon are downloaded once,
# into the tree's apt cache, which stays (with the package lists) for the
# cases. No service may start from the tree on this machine: a
# policy-rc.d refuses them all (the maintainer scripts then say Exim was
# not reloaded; the tests send the daemon its SIGHUP themselves).
if ! timeout 900 mmdebstrap --variant=apt --include=exim4-daemon-heavy \
	--skip=cleanup/apt/lists --skip=cleanup/apt/cache \
	--customize-hook="sed -i -e \"$ifaces\" -e \"$names\" \"\$1/etc/exim4/update-exim4.conf.conf\"" \
	--customize-hook="copy-in $deb /tmp" \
	--customize-hook="chroot \"\$1\" env DEBIAN_FRONTEND=noninteractive apt-get install -y --download-only /tmp/$debname" \
	--customize-hook='chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y --download-only exim4-daemon-light' \
	--customize-hook='chroot "$1" update-exim4.conf' \
	--customize-hook='chroot "$1" useradd -m user' \
	--customize-hook='printf "#!/bin/sh\nexit 101\n" >"$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"' \
	bookworm "$W/base" "${sources[@]}" >"$W/out/mmdebstrap.log" 2>&1; then
	tail -20 "$W/out/mmdebstrap.log" | sed 's/^/# /'
	e2e_die "mmdebstrap failed"
fi
ok "a fresh bookworm tree with exim4-daemon-heavy ($(($(date +%s) - started)) s)"

e2e_key sel1
e2e_dns \
	--txt-record="sel1._domainkey.signer.example,$(cat "$W/keys/sel1.dns")" \
	--txt-record="signer.example,v=spf1 ip4:203.0.113.7 -all" \
	--txt-record="_dmarc.signer.example,v=DMARC1; p=reject" \
	--txt-record="bank.example,v=spf1 ip4:192.0.2.99 -all" \
	--txt-record="_dmarc.bank.example,v=DMARC1; p=reject"

# tree NAME: a copy of the base tree, R.
tree() {
	R=$W/$1
	cp -a "$W/base" "$R"
	echo "nameserver 127.0.0.1" >"$R/etc/resolv.conf"
	cp "$deb" "$R/tmp/"
}
# in_tree LOG CMD...: CMD run in R, as apt and dpkg are (with /proc);
# its output to out/LOG.
in_tree() {
	local log=$W/out/$1 rc
	shift
	mountpoint -q "$R/proc" || mount -t proc proc "$R/proc"
	timeout 600 chroot "$R" env DEBIAN_FRONTEND=noninteractive "$@" >"$log" 2>&1
	rc=$?
	umount "$R/proc"
	return $rc
}
# said LOG TEXT: whether the command's output has TEXT (fixed string).
said() { grep -qF -- "$2" "$W/out/$1"; }
exim_up() {
	local i
	for i in $(seq 100); do
		[ -s "$R/run/exim-test.pid" ] && e2e_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$AG_PORT" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
exim_start() {
	rm -f "$R/run/exim-test.pid"
	e2e_ns chroot "$R" /usr/sbin/exim4 -bd -oX "$AG_PORT" -oP /run/exim-test.pid ||
		e2e_die "the tree's exim did not start"
	exim_up || e2e_die "the tree's exim is not listening"
	cp "$R/run/exim-test.pid" "$W/run/exim-chroot.pid"
}
# exim_reload: what the maintainer scripts' invoke-rc.d exim4 reload does
# (SIGHUP: the daemon executes itself again and reads the configuration).
exim_reload() {
	kill -HUP "$(cat "$R/run/exim-test.pid")"
	sleep 0.5
	exim_up || e2e_die "the tree's exim did not come back after SIGHUP"
}
exim_stop() {
	kill "$(cat "$R/run/exim-test.pid")" 2>/dev/null
	sleep 0.3
	rm -f "$W/run/exim-chroot.pid"
}
# headers SUBJECT: the header of the delivered message with SUBJECT, one
# line per field (folded fields unfolded).
headers() {
	local i
	for i in $(seq 50); do
		grep -q "^Subject: .*$1\$" "$R/var/mail/user" 2>/dev/null && break
		sleep 0.1
	done
	awk -v s="$1" '
		/^From / { n = 0; delete h; inhdr = 1; next }
		inhdr && /^$/ { inhdr = 0; if (want) { for (i = 1; i <= n; i++) print h[i]; exit } }
		inhdr && /^[ \t]/ && n { h[n] = h[n] " " $0; next }
		inhdr { h[++n] = $0; if ($0 ~ "^Subject: .*" s "$") want = 1 }
	' "$R/var/mail/user" 2>/dev/null
}
# jlog FILTER: the tree's JSON log through jq (one result per line).
jlog() { jq -r "$1" "$R/var/log/exim4/authgate.log" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }
k=0
# send LABEL FROM ENVELOPE [sign]: one message; sets SUBJ.
send() {
	k=$((k + 1))
	SUBJ="$1 $k"
	e2e_msg "$W/msgs/$k.in" "$2" "$SUBJ"
	if [ "${4:-}" = sign ]; then
		e2e_sign "$W/msgs/$k.in" "$W/msgs/$k.eml" sel1 signer.example sel1
	else
		cp "$W/msgs/$k.in" "$W/msgs/$k.eml"
	fi
	e2e_send "$W/msgs/$k.eml" --from "$3"
}
# flows_without LABEL: signed mail and a forged p=reject From are both
# delivered (250) with no authgate header, and Exim logged no local_scan
# failure: Exim as if authgate had never been installed.
flows_without() {
	local h
	send clean "Alice <alice@signer.example>" bounce@signer.example sign
	h=$(headers "$SUBJ")
	if [ "$SMTP_CODE" = 250 ] && [ -n "$h" ] && ! grep -qi '^\(X-AuthGate\|Authentication-Results\):' <<<"$h"; then
		ok "$1: signed mail 250, delivered with no authgate header"
	else
		nok "$1: signed mail" "$SMTP_CODE $SMTP_TEXT; $h"
	fi
	send forged "CEO <ceo@bank.example>" ceo@bank.example
	[ "$SMTP_CODE" = 250 ] && ok "$1: forged p=reject From 250 (no authgate to judge it)" ||
		nok "$1: forged mail" "$SMTP_CODE $SMTP_TEXT"
	! grep -q 'local_scan() library failure\|temporarily rejected' "$R/var/log/exim4/mainlog" "$R/var/log/exim4/paniclog" 2>/dev/null &&
		ok "$1: no local_scan failure, no 451 in Exim's logs" ||
		nok "$1: Exim's logs" "$(grep 'local_scan\|temporarily' "$R/var/log/exim4/mainlog" | tail -3)"
}
# flows_with LABEL: authgate active in monitor mode: signed mail gets its
# headers; a forged p=reject From is accepted and logged as would-reject.
flows_with() {
	local h before
	before=$(jlog '.id' | wc -w)
	send clean "Alice <alice@signer.example>" bounce@signer.example sign
	h=$(headers "$SUBJ")
	if [ "$SMTP_CODE" = 250 ] && grep -q '^Authentication-Results: .*dkim=pass' <<<"$h" &&
		grep -q '^X-AuthGate:' <<<"$h"; then
		ok "$1: signed mail 250 with authgate's Authentication-Results (dkim=pass) and X-AuthGate"
	else
		nok "$1: signed mail with authgate's headers" "$SMTP_CODE $SMTP_TEXT; $h"
	fi
	send forged "CEO <ceo@bank.example>" ceo@bank.example
	[ "$SMTP_CODE" = 250 ] && ok "$1: monitor mode: forged p=reject From accepted (250)" ||
		nok "$1: monitor mode: forged mail" "$SMTP_CODE $SMTP_TEXT"
	for i in $(seq 30); do [ "$(jlog '.id' | wc -w)" -ge $((before + 2)) ] && break; sleep 0.1; done
	[ "$(jq -sr ".[$before:] | map(.decision.action + \"/\" + (.decision.monitor.would // \"-\")) | join(\" \")" \
		"$R/var/log/exim4/authgate.log" 2>/dev/null)" = "accept/accept accept/reject" ] &&
		ok "$1: the JSON log (written by default) has both, the forged one as would-reject" ||
		nok "$1: JSON log" "$(tail -2 "$R/var/log/exim4/authgate.log" 2>/dev/null)"
}
lsp() { chroot "$R" exim4 -bP local_scan_path 2>&1; }
gone() { # LABEL PATH...: none of the paths exists in R
	local label=$1 p left=
	shift
	for p in "$@"; do [ -e "$R$p" ] && left="$left $p"; done
	[ -z "$left" ] && ok "$label" || nok "$label: still there:$left"
}
installed() { # LABEL: what apt-get install must leave
	local p miss=
	for p in /usr/lib/exim4/local_scan/authgate.so /usr/lib/exim4/local_scan/authgate-verify.so \
		/usr/bin/authgate /etc/exim4/conf.d/main/00_authgate_macros /etc/exim4/conf.d/acl/25_authgate \
		/etc/exim4/authgate/policy.ini /etc/exim4/authgate/policy.ini.agc \
		/usr/share/man/man8/authgate.8.gz /etc/logrotate.d/authgate \
		/var/lib/authgate/exim4.conf /usr/share/authgate/exim4/localmacros; do
		[ -e "$R$p" ] || miss="$miss $p"
	done
	[ -z "$miss" ] && ok "$1: files in place" || nok "$1: missing:$miss"
	[ "$(chroot "$R" stat -c %U /var/log/exim4/authgate.log 2>/dev/null)" = Debian-exim ] &&
		grep -q '^mode = monitor$' "$R/etc/exim4/authgate/policy.ini" &&
		grep -q '^log_file = /var/log/exim4/authgate.log$' "$R/etc/exim4/authgate/policy.ini" &&
		ok "$1: policy in monitor mode with the JSON log on; the log file owned by Debian-exim" ||
		nok "$1: monitor-first defaults" "$(chroot "$R" ls -l /var/log/exim4/; grep '^[a-z]' "$R/etc/exim4/authgate/policy.ini")"
	[ "$(lsp)" = "local_scan_path = /usr/lib/exim4/local_scan/authgate.so" ] &&
		ok "$1: Exim's local_scan_path is the module" || nok "$1: local_scan_path" "$(lsp)"
	chroot "$R" authgate --version | grep -q "^policy /etc/exim4/authgate/policy.ini sha256 " &&
		ok "$1: authgate --version names the installed policy" || nok "$1: authgate --version"
}
removed() { # LABEL LOG: what apt-get remove must leave
	said "$2" "authgate: deleted /var/lib/authgate/exim4.conf" && said "$2" "authgate: removed; Exim runs without authgate" &&
		ok "$1: the maintainer scripts say authgate is off" || nok "$1: remove's output" "$(grep authgate: "$W/out/$2")"
	[ "$(lsp)" = "local_scan_path = " ] && chroot "$R" exim4 -bV >/dev/null 2>&1 &&
		ok "$1: Exim's configuration valid, no local_scan_path" || nok "$1: after remove" "$(lsp)"
	gone "$1: module, switch and shared files gone" /usr/lib/exim4/local_scan/authgate.so \
		/var/lib/authgate/exim4.conf /usr/share/authgate
	[ -e "$R/etc/exim4/conf.d/main/00_authgate_macros" ] && [ -e "$R/etc/exim4/authgate/policy.ini" ] &&
		ok "$1: conffiles kept until purge" || nok "$1: conffiles gone on remove"
}

# ---- monolithic: Debian's default configuration
tree mono
exim_start
if in_tree mono-install.log apt-get install -y "/tmp/$debname"; then
	ok "monolithic: apt-get install ./$debname"
else
	nok "monolithic: apt-get install" "$(tail -15 "$W/out/mono-install.log")"
fi
said mono-install.log "authgate: added authgate's block" && said mono-install.log "configuration is monolithic" &&
	said mono-install.log "authgate: active: Exim loads /usr/lib/exim4/local_scan/authgate.so" &&
	said mono-install.log "policy /etc/exim4/authgate/policy.ini: mode = monitor, JSON log /var/log/exim4/authgate.log" &&
	said mono-install.log "authgate stats --since 7d" &&
	ok "monolithic: the postinst says what it did (localmacros block, active, monitor, how to read the log)" ||
	nok "monolithic: postinst output" "$(grep authgate: "$W/out/mono-install.log")"
grep -qx ".include_if_exists /usr/share/authgate/exim4/localmacros" "$R/etc/exim4/exim4.conf.localmacros" &&
	ok "monolithic: exim4.conf.localmacros includes authgate's file" ||
	nok "monolithic: localmacros" "$(cat "$R/etc/exim4/exim4.conf.localmacros" 2>&1)"
installed monolithic
exim_reload
flows_with "monolithic, installed"
in_tree mono-remove.log apt-get remove -y authgate && ok "monolithic: apt-get remove authgate" ||
	nok "monolithic: apt-get remove" "$(tail -15 "$W/out/mono-remove.log")"
removed "monolithic, removed" mono-remove.log
exim_reload
flows_without "monolithic, removed"
in_tree mono-purge.log apt-get purge -y authgate && ok "monolithic: apt-get purge authgate" ||
	nok "monolithic: apt-get purge" "$(tail -15 "$W/out/mono-purge.log")"
gone "monolithic, purged: conffiles, compiled policy, localmacros (it held only authgate's block), log, state gone" \
	/etc/exim4/conf.d/main/00_authgate_macros /etc/exim4/conf.d/main/95_authgate_options \
	/etc/exim4/conf.d/acl/25_authgate /etc/exim4/authgate/policy.ini.agc /etc/exim4/authgate \
	/etc/logrotate.d/authgate \
	/etc/exim4/exim4.conf.localmacros /var/log/exim4/authgate.log /var/lib/authgate \
	/var/spool/exim4/authgate-policy.loaded
chroot "$R" exim4 -bV >/dev/null 2>&1 && [ "$(lsp)" = "local_scan_path = " ] &&
	ok "monolithic, purged: Exim's configuration valid" || nok "monolithic, purged: exim -bV"
exim_reload
flows_without "monolithic, purged"
exim_stop

# ---- split: dc_use_split_config='true'
tree split
sed -i "s/^dc_use_split_config=.*/dc_use_split_config='true'/" "$R/etc/exim4/update-exim4.conf.conf"
in_tree split-conf.log update-exim4.conf || e2e_die "update-exim4.conf (split) failed"
exim_start
if in_tree split-install.log apt-get install -y "/tmp/$debname"; then
	ok "split: apt-get install ./$debname"
else
	nok "split: apt-get install" "$(tail -15 "$W/out/split-install.log")"
fi
said split-install.log "configuration is split" && said split-install.log "authgate: active: Exim loads" &&
	ok "split: the postinst says the conf.d snippets take effect" ||
	nok "split: postinst output" "$(grep authgate: "$W/out/split-install.log")"
installed split
exim_reload
flows_with "split, installed"
# README "First week": what enforce would change, read from the week's log.
sed 's/^mode = monitor$/mode = enforce/' "$R/etc/exim4/authgate/policy.ini" >"$R/tmp/enforce.ini"
chroot "$R" authgate replay --policy /tmp/enforce.ini /var/log/exim4/authgate.log >"$W/out/replay.txt" 2>&1
grep -q '^accept -> reject  *1 ' "$W/out/replay.txt" &&
	ok "split: authgate replay of the monitor log under enforce: accept -> reject 1" ||
	nok "split: replay" "$(cat "$W/out/replay.txt")"
[ "$(zcat -f "$R"/var/log/exim4/authgate.log* | jq -r 'select(.decision.monitor.would != "accept")
    | [.ts, .id, .decision.monitor.would, .decision.monitor.class, .decision.dmarc.domain] | @tsv' | cut -f3,5)" = \
	"$(printf 'reject\tbank.example')" ] &&
	ok "split: the README's jq line lists the would-reject" || nok "split: README jq line"
# README "First week": enforce, by a rename.
chroot "$R" sh -c 'authgate check-config /tmp/enforce.ini && install -m 644 /tmp/enforce.ini /etc/exim4/authgate/policy.ini.new &&
	mv /etc/exim4/authgate/policy.ini.new /etc/exim4/authgate/policy.ini && authgate compile /etc/exim4/authgate/policy.ini' >"$W/out/enforce.txt" 2>&1 ||
	nok "split: check-config and rename" "$(cat "$W/out/enforce.txt")"
sleep 1.2 # the module does not use a file changed in the last second
send forged "CEO <ceo@bank.example>" ceo@bank.example
[ "$SMTP_CODE" = 550 ] && ok "split: mode = enforce: forged p=reject From 550 ($SMTP_TEXT)" ||
	nok "split: enforce" "$SMTP_CODE $SMTP_TEXT"
grep -q "authgate [0-9.]*: policy /etc/exim4/authgate/policy.ini loaded, sha256" "$R/var/log/exim4/mainlog" &&
	ok "split: Exim's main log names version and policy sha256" || nok "split: mainlog load line"
grep -q "authgate [0-9.]*: policy /etc/exim4/authgate/policy.ini loaded, sha256 [0-9a-f]* (compiled form)" "$R/var/log/exim4/mainlog" &&
	ok "split: the module loaded the compiled form (policy.ini.agc)" || nok "split: compiled form" "$(grep 'policy.*loaded' "$R/var/log/exim4/mainlog" | tail -3)"
said split-install.log "authgate: compiled /etc/exim4/authgate/policy.ini into /etc/exim4/authgate/policy.ini.agc" &&
	ok "split: the postinst says it compiled the policy" || nok "split: postinst compile line" "$(grep authgate: "$W/out/split-install.log")"
in_tree split-remove.log apt-get remove -y authgate && ok "split: apt-get remove authgate" ||
	nok "split: apt-get remove" "$(tail -15 "$W/out/split-remove.log")"
removed "split, removed" split-remove.log
exim_reload
flows_without "split, removed"
in_tree split-purge.log apt-get purge -y authgate && ok "split: apt-get purge authgate" ||
	nok "split: apt-get purge" "$(tail -15 "$W/out/split-purge.log")"
gone "split, purged: conffiles, compiled policy, log, state gone" /etc/exim4/conf.d/main/00_authgate_macros \
	/etc/exim4/conf.d/acl/25_authgate /etc/exim4/authgate/policy.ini.agc /etc/exim4/authgate \
	/var/log/exim4/authgate.log /var/lib/authgate \
	/etc/exim4/exim4.conf.localmacros /var/spool/exim4/authgate-policy.loaded
chroot "$R" exim4 -bV >/dev/null 2>&1 && ok "split, purged: Exim's configuration valid" || nok "split, purged: exim -bV"
exim_reload
flows_without "split, purged"
exim_stop

# ---- light: exim4-daemon-light, which has no SPF
tree light
in_tree light-daemon.log apt-get install -y exim4-daemon-light ||
	e2e_die "installing exim4-daemon-light failed: $(tail -5 "$W/out/light-daemon.log")"
chroot "$R" exim4 -bV | grep -q '^Support for:.* SPF' && e2e_die "exim4-daemon-light has SPF after all"
exim_start
if in_tree light-dpkg.log dpkg -i "/tmp/$debname"; then
	nok "light: dpkg -i refuses the package" "$(cat "$W/out/light-dpkg.log")"
else
	said light-dpkg.log "depends on exim4-daemon-heavy" &&
		ok "light: dpkg -i refuses: 'authgate depends on exim4-daemon-heavy'" ||
		nok "light: dpkg -i's message" "$(cat "$W/out/light-dpkg.log")"
fi
[ ! -e "$R/var/lib/authgate/exim4.conf" ] && [ "$(lsp)" = "local_scan_path = " ] &&
	ok "light, refused: left unconfigured, authgate not active" || nok "light, refused: $(lsp)"
exim_reload
flows_without "light, refused"
in_tree light-force.log dpkg --configure --force-depends authgate
said light-force.log "authgate: WARNING: this Exim" && said light-force.log "authgate is NOT active and Exim runs as before" &&
	ok "light, forced: the postinst says authgate is not active, and why" ||
	nok "light, forced: postinst output" "$(cat "$W/out/light-force.log")"
[ "$(lsp)" = "local_scan_path = " ] && chroot "$R" exim4 -bV >/dev/null 2>&1 &&
	ok "light, forced: Exim's configuration valid without authgate" || nok "light, forced: $(lsp)"
exim_reload
flows_without "light, forced"
exim_stop
if in_tree light-fix.log apt-get -f install -y && said light-fix.log "exim4-daemon-heavy"; then
	ok "light: apt-get -f install swaps in exim4-daemon-heavy"
else
	nok "light: apt-get -f install" "$(tail -15 "$W/out/light-fix.log")"
fi
[ "$(lsp)" = "local_scan_path = /usr/lib/exim4/local_scan/authgate.so" ] &&
	ok "light, heavy daemon now: authgate active" || nok "light, heavy daemon now: $(lsp)"
exim_start
flows_with "light, heavy daemon now"
exim_stop

ok "test-deb took $(($(date +%s) - started)) s"
echo "1..$n"
[ "$failed" = 0 ]
