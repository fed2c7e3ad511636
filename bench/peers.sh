#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# authgate in Exim against plain Exim and Exim asking Rspamd, measured so
# that no variant is flattered:
#   - every variant's Exim daemon runs at once, each in a network
#     namespace of its own with its own DNS server (dnsmasq, same zones),
#     and each SMTP session is made to every variant in turn
#     (bench/peers_load.py), so that whatever else the machine does falls
#     on all of them alike; two identical plain-Exim daemons (plain1,
#     plain2) show how far identical configurations agree: the noise
#     floor;
#   - every message is accepted by every variant (authgate in mode =
#     monitor, an Rspamd whose actions never reject), so the work compared
#     is the same; each window's 250 replies are counted per variant and
#     the run fails when any variant answered a message otherwise;
#   - everything made once is made before the measured windows: keys,
#     the corpus, the policies (and their compiled form), and each Exim
#     daemon's TLS credentials (a pre-made certificate and key for every
#     variant, since Exim 4.96's daemon without tls_certificate generates
#     a 2048-bit RSA key when it starts; TLS stays unadvertised,
#     tls_advertise_hosts is empty in the example configuration); a
#     warm-up pass goes to every variant before the first window;
#   - CPU per component from cgroups (v2 cpu.stat usage_usec, where
#     cgroup2 is mounted and writable; else v1 cpuacct): each variant's
#     Exim daemon with all it forks, each DNS server, Rspamd.
# Sessions carry one message, then 10 (SPLITS), so that the cost paid
# once per SMTP session and the cost per message can be told apart.
# Exim queues what it accepts and delivers nothing (queue_only): the CPU
# compared is reception and checking. Then, once, each distinct message
# of the corpus through authgate (Exim's verdicts and its own) and
# Rspamd, their verdicts compared (bench/peers_agree.py).
#
# Prints Markdown (bench/peers_report.py makes the tables). Needs root.
# ROUNDS, COUNT (messages per window), SPLITS ("1 10"), CONC (sessions
# side by side, 1) change the run's size; VARIANTS="plain1 plain2 so"
# runs only those (plain1, plain2 always); AGREE=0 skips the verdicts.
# PEERS_MODE=enforce runs authgate's policies in enforce mode instead: the
# corpus then has messages authgate rejects, and the run must fail
# (tests/long/peers.t checks that it does).
set -u
. "$(dirname "$0")/../tests/e2e/lib.sh"
# A failure says so on stderr too: stdout is the report.
e2e_die() {
	echo "peers.sh: $*" >&2
	echo "Bail out! $*"
	exit 1
}
ROUNDS=${ROUNDS:-5}
COUNT=${COUNT:-400}
SPLITS=${SPLITS:-1 10}
CONC=${CONC:-1}
BENCH=$AG_ROOT/bench
PY=/usr/bin/python3
B=$AG_BUILD

command -v rspamd >/dev/null || {
	echo "(The peer benchmark needs rspamd: scripts/deps.sh installs it. Skipped.)"
	exit 0
}
[ "$(id -u)" = 0 ] || {
	echo "(The peer benchmark needs root: ip netns, cgroups. Skipped.)"
	exit 0
}
for f in authgate.so authgate-verify.so authgate; do
	[ -x "$B/$f" ] || e2e_die "build first: $B/$f missing"
done
AG_WORK=$(mktemp -d /tmp/authgate-peers.XXXXXX)
W=$AG_WORK
chmod 755 "$W"
mkdir -p "$W"/{keys,msgs,run,v,mail}
chown Debian-exim: "$W/mail"
printf 'user\npostmaster\n' >"$W/mailboxes"
chmod 644 "$W/mailboxes"
K=$W/keys
M=$W/msgs
NSS=()

# ---- CPU accounting: a cgroup per component ----
CG="" CG_V=""
cg2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
if [ -n "$cg2" ] && mkdir "$cg2/ag-peers-$$" 2>/dev/null; then
	CG=$cg2/ag-peers-$$ CG_V=2
elif [ -w /sys/fs/cgroup/cpuacct/cgroup.procs ] && mkdir /sys/fs/cgroup/cpuacct/ag-peers-$$ 2>/dev/null; then
	CG=/sys/fs/cgroup/cpuacct/ag-peers-$$ CG_V=1
else
	rm -rf "$W"
	e2e_die "no writable cgroup (cgroup2 mount, or v1 cpuacct): CPU per component cannot be measured"
fi
cg_make() { mkdir "$CG/$1" || e2e_die "mkdir $CG/$1"; }
# cg_run CGROUP CMD...: CMD in the cgroup (and what it forks).
cg_run() (
	echo "$BASHPID" >"$CG/$1/cgroup.procs" || exit 1
	shift
	exec "$@"
)
# cg_usec: "CGROUP USEC" for every cgroup: CPU used so far.
cg_usec() {
	if [ "$CG_V" = 2 ]; then
		awk '$1 == "usage_usec" {n = FILENAME; sub("/cpu.stat$", "", n); sub(".*/", "", n); print n, $2}' "$CG"/*/cpu.stat
	else
		awk '{n = FILENAME; sub("/cpuacct.usage$", "", n); sub(".*/", "", n); print n, int($1 / 1000)}' "$CG"/*/cpuacct.usage
	fi
}

peers_teardown() {
	local f p d i
	for f in "$W"/run/*.pid "$W"/v/rspamd/rspamd.pid; do
		[ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	sleep 0.3
	for i in 1 2 3; do
		for d in "$CG"/*/; do
			[ -d "$d" ] || continue
			for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		done
		for f in "${NSS[@]}"; do
			ip netns pids "$f" 2>/dev/null | xargs -r kill -9 2>/dev/null
		done
		sleep 0.2
	done
	for f in "${NSS[@]}"; do
		ip netns del "$f" 2>/dev/null
		rm -rf "/etc/netns/$f"
	done
	for d in "$CG"/*/; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
	rmdir "$CG" 2>/dev/null || echo "# could not remove $CG" >&2
	if [ -n "${AG_KEEP:-}" ]; then echo "# kept $W" >&2; else rm -rf "$W"; fi
}
trap peers_teardown EXIT

# ---- keys, zones and the corpus ----
for k in shop news rev esp list; do e2e_key "$k"; done
e2e_key short 512
(cd "$K" && dknewkey --ktype ed25519 ed >/dev/null 2>&1) || e2e_die "ed25519 key"
# Each Exim daemon's TLS certificate, made now (see the top).
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=mx.gw.test \
	-keyout "$K/tls.key" -out "$K/tls.crt" 2>/dev/null || e2e_die "openssl req"
chgrp Debian-exim "$K/tls.key" "$K/tls.crt"
chmod 640 "$K/tls.key"
txt() { printf -- '--txt-record=%s,%s\n' "$1" "$2"; }
mapfile -t zone < <(
	txt s1._domainkey.shop.example "$(cat "$K/shop.dns")"
	txt ed._domainkey.shop.example "$(cat "$K/ed.dns")"
	txt shop.example "v=spf1 ip4:203.0.113.7 -all"
	txt _dmarc.shop.example "v=DMARC1; p=reject"
	txt s1._domainkey.news.example "$(cat "$K/news.dns")"
	txt news.example "v=spf1 ip4:192.0.2.99 -all"
	txt _dmarc.news.example "v=DMARC1; p=quarantine"
	txt s1._domainkey.rev.example "v=DKIM1; k=rsa; p="
	txt rev.example "v=spf1 ip4:192.0.2.99 -all"
	txt _dmarc.rev.example "v=DMARC1; p=reject"
	txt short._domainkey.weak.example "$(cat "$K/short.dns")"
	txt weak.example "v=spf1 ip4:192.0.2.99 -all"
	txt _dmarc.weak.example "v=DMARC1; p=none"
	txt s1._domainkey.esp.example "$(cat "$K/esp.dns")"
	txt esp.example "v=spf1 ip4:203.0.113.7 -all"
	txt nokey.example "v=spf1 ip4:203.0.113.7 -all"
	txt _dmarc.nokey.example "v=DMARC1; p=none"
	txt soft.example "v=spf1 ip4:192.0.2.99 ~all"
	txt _dmarc.soft.example "v=DMARC1; p=none"
	txt bank.example "v=spf1 ip4:192.0.2.99 -all"
	txt _dmarc.bank.example "v=DMARC1; p=reject"
	txt broken.example "v=spf1 ip4:203.0.113.300 -all"
	txt _dmarc.broken.example "v=DMARC1; p=reject"
	txt arc._domainkey.list.example "$(cat "$K/list.dns")"
	txt list.example "v=spf1 ip4:192.0.2.99 -all"
	txt nodmarc.example "v=spf1 ip4:203.0.113.7 -all"
)

# body LINES: a newsletter-like text body.
body() {
	local i
	for i in $(seq "$1"); do printf 'Line %02d of this week'"'"'s letter, with some ordinary text in it.\n' "$i"; done
}
# msg FILE FROM SUBJECT [EXTRA HEADER]: a 5 KB plain message.
msg() {
	{
		printf 'From: %s\nTo: user@gw.test\nSubject: %s\n' "$2" "$3"
		printf 'Date: %s\nMessage-ID: <%s@bench.test>\n' "$(date -R)" "$(basename "$1")"
		[ -n "${4:-}" ] && printf '%s\n' "$4"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain\n\n'
		body 80
	} >"$1"
}
manifest=$W/corpus
: >"$manifest"
: >"$W/labels"
# add LABEL SOURCE MAIL_FROM FILE: one message of the corpus.
add() {
	printf '%s %s %s\n' "$2" "$3" "$4" >>"$manifest"
	printf '%s %s %s %s\n' "$1" "$2" "$3" "$4" >>"$W/labels"
}
msg "$M/shop.in" "Shop <news@shop.example>" "this week"
e2e_sign "$M/shop.in" "$M/pass.eml" s1 shop.example shop
add pass 203.0.113.7 news@shop.example "$M/pass.eml"
e2e_sign "$M/shop.in" "$M/ed25519.eml" ed shop.example ed --signalg ed25519-sha256
add ed25519 203.0.113.7 news@shop.example "$M/ed25519.eml"
e2e_sign "$M/shop.in" "$M/sha1.eml" s1 shop.example shop --signalg rsa-sha1
add rsa-sha1 203.0.113.7 news@shop.example "$M/sha1.eml"
{
	cat "$M/pass.eml"
	printf -- '-- \nA footer added by a forwarder.\n'
} >"$M/footer.eml"
add footer-spf-pass 203.0.113.7 news@shop.example "$M/footer.eml"
msg "$M/sub.in" "Shop <news@mail.shop.example>" "relaxed alignment"
e2e_sign "$M/sub.in" "$M/relaxed.eml" s1 shop.example shop
add relaxed 203.0.113.7 bounce@shop.example "$M/relaxed.eml"
msg "$M/news.in" "News <letter@news.example>" "dkim only"
e2e_sign "$M/news.in" "$M/dkim-only.eml" s1 news.example news
add dkim-only-spf-fail 203.0.113.7 letter@news.example "$M/dkim-only.eml"
msg "$M/quarantine.eml" "News <letter@news.example>" "forged, quarantine"
add forged-quarantine 203.0.113.7 letter@news.example "$M/quarantine.eml"
msg "$M/forged.eml" "CEO <ceo@bank.example>" "urgent transfer"
add forged-reject 203.0.113.7 ceo@bank.example "$M/forged.eml"
msg "$M/rev.in" "Rev <a@rev.example>" "revoked key"
e2e_sign "$M/rev.in" "$M/revoked.eml" s1 rev.example rev
add revoked-key 203.0.113.7 a@rev.example "$M/revoked.eml"
msg "$M/weak.in" "Weak <a@weak.example>" "short key"
e2e_sign "$M/weak.in" "$M/short.eml" short weak.example short
add short-key 192.0.2.99 a@weak.example "$M/short.eml"
msg "$M/nokey.in" "N <n@nokey.example>" "missing key"
e2e_sign "$M/nokey.in" "$M/nokey.eml" gone nokey.example shop
add key-missing 203.0.113.7 n@nokey.example "$M/nokey.eml"
msg "$M/soft.eml" "S <s@soft.example>" "softfail"
add spf-softfail 203.0.113.7 s@soft.example "$M/soft.eml"
msg "$M/broken.eml" "B <b@broken.example>" "broken spf"
add spf-permerror 203.0.113.7 b@broken.example "$M/broken.eml"
msg "$M/esp.in" "Client <client@nodmarc.example>" "third-party signature"
e2e_sign "$M/esp.in" "$M/esp.eml" s1 esp.example esp
add third-party-no-dmarc 203.0.113.7 bounces@esp.example "$M/esp.eml"
msg "$M/two.eml" "A <a@shop.example>, B <b@nodmarc.example>" "two authors"
add two-authors 203.0.113.7 news@shop.example "$M/two.eml"
# A mailing list that checked the original (DMARC pass), added a footer
# and sealed it with python3-dkim's arcsign; it sends from its own address.
{
	printf 'Authentication-Results: mx.list.example; dkim=pass header.d=shop.example;\n  spf=pass smtp.mailfrom=shop.example; dmarc=pass header.from=shop.example\n'
	cat "$M/pass.eml"
	printf -- '-- \nlist footer\n'
} | sed 's/$/\r/' | $PY /usr/bin/arcsign arc list.example "$K/list.key" mx.list.example 2>/dev/null |
	sed 's/\r$//' >"$M/arc.eml"
grep -q '^ARC-Seal:' "$M/arc.eml" || e2e_die "arcsign made no seal"
add arc-list-footer 192.0.2.99 list-bounces@list.example "$M/arc.eml"
n_corpus=$(wc -l <"$manifest")

# ---- Exim configurations: the shipped example and variants of it ----
# queue_only: every variant queues what it accepts and delivers nothing.
# The example's preload (smtp_accept_max_per_host) stays: the variants
# without it define AUTHGATE_NO_PRELOAD.
awk '{ print } /^acl_smtp_rcpt/ { print "queue_only = true" }' \
	"$AG_ROOT/exim-conf/exim4.conf.example" >"$W/a.conf"
e2e_conf_plain "$W/a.conf" "$W/plain.conf"
# Exim asking Rspamd at the end of DATA and acting on its action, as
# Rspamd's documentation shows for Exim (this Rspamd never says reject).
awk '
	{ print }
	/^acl_smtp_rcpt/ {
		print "acl_smtp_data = acl_bench_rspamd"
		print "spamd_address = 127.0.0.1 11333 variant=rspamd"
	}
	/^begin acl/ {
		print "acl_bench_rspamd:"
		print "  warn    spam = nobody:true"
		print "  deny    condition = ${if eq{$spam_action}{reject}}"
		print "          message = rejected by Rspamd (score $spam_score)"
		print "  warn    condition = ${if eq{$spam_action}{add header}}"
		print "          add_header = X-Spam-Status: Yes, score=$spam_score"
		print "  accept"
	}' "$W/plain.conf" >"$W/rspamd.conf"

# policy FILE SIZE [KEY=VALUE...]: a monitor-mode policy with SIZE
# [domain:] sections and SIZE trusted domains (none of the corpus's, so
# every size decides alike), log_file beside it.
policy() {
	local file=$1 size=$2 kv
	shift 2
	{
		printf '[general]\nauthserv_id = mx.gw.test\nlog_file = %s\nmode = %s\n' \
			"$(dirname "$file")/authgate.log" "${PEERS_MODE:-monitor}"
		for kv in "$@"; do printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"; done
		printf '[trusted]\narc_sealers = list.example\n'
		awk -v n="$size" 'BEGIN {
			for (i = 0; i < n; i++) printf "%s trusted%d.example\n", i ? "   " : "domains =", i
			for (i = 0; i < n; i++) printf "[domain:customer%d.example]\ndkim.key_missing = accept\n", i
		}'
	} >"$file"
	chmod 644 "$file"
}

# ---- the variants: NAME, what, and whether it can run here ----
has_preload() { nm -D --defined-only "$B/$1" 2>/dev/null | grep -qw authgate_preload; }
has_compile() { "$B/authgate" compile --help >/dev/null 2>&1; }
STATIC=$B/exim-static/bin/exim4
: >"$W/variants"
variant() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$W/variants"; }
no_preload="not available: $B/%s exports no authgate_preload"
no_compile="not available: this build's authgate has no compile command"
variant plain1 ok "Exim, the example configuration without authgate (its SPF check and DKIM ACL gone, Exim's own DKIM verification on, as Debian ships it)"
variant plain2 ok "the same, a second daemon: the control"
variant acls ok "the example with authgate's SPF check and DKIM ACL in Exim, no module (AUTHGATE_NO_MODULE)"
variant so ok "Exim + authgate.so, Exim's SPF and DKIM verdicts, a 10-domain policy"
has_preload authgate.so && s=ok || s=$(printf "$no_preload" authgate.so)
variant so-pre "$s" "so, with smtp_accept_max_per_host = \${dlfunc{authgate.so}{authgate_preload}}"
variant verify ok "Exim + authgate-verify.so, dkim, spf and arc = self, a 10-domain policy"
has_preload authgate-verify.so && s=ok || s=$(printf "$no_preload" authgate-verify.so)
variant verify-pre "$s" "verify, with the preload"
variant big ok "so with a 10,000-domain policy (and 10,000 trusted domains)"
has_compile && s=ok || s=$no_compile
variant big-agc "$s" "big, the policy compiled (authgate compile)"
if ! has_compile; then s=$no_compile; elif ! has_preload authgate.so; then s=$(printf "$no_preload" authgate.so); else s=ok; fi
variant big-agc-pre "$s" "big-agc with the preload"
variant rspamd ok "Exim asking Rspamd $(rspamd -v 2>/dev/null | sed -n 's/.*version \([0-9.]*\).*/\1/p') (spam =), its dkim, spf, dmarc and arc modules, no Redis"
[ -x "$STATIC" ] && s=ok || s="not built ($STATIC: make exim-static)"
variant static "$s" "Exim 4.96 built with authgate linked in (make exim-static), as so"
if [ -n "${VARIANTS:-}" ]; then
	awk -F'\t' -v keep=" plain1 plain2 $VARIANTS " 'index(keep, " " $1 " ") {print}' \
		"$W/variants" >"$W/variants.new" && mv "$W/variants.new" "$W/variants"
fi
mapfile -t RUN < <(awk -F'\t' '$2 == "ok" {print $1}' "$W/variants")

# ---- each variant: namespace, DNS server, policy, Exim daemon ----
PORT=2600
TARGETS=()
# setup NAME INDEX: the variant's namespace with its DNS server and
# Exim daemon (and Rspamd), each in a cgroup of its own.
setup() {
	local v=$1 ns="ag-pv-$$-$2" d=$W/v/$1 port=$((PORT + $2)) exim=exim4 mod="" base=$W/a.conf
	local defs=() i
	ip netns add "$ns" || e2e_die "ip netns add $ns"
	NSS+=("$ns")
	mkdir -p "/etc/netns/$ns" "$d"/{spool,log}
	echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
	ip netns exec "$ns" ip link set lo up
	for i in 203.0.113.7 192.0.2.99; do ip netns exec "$ns" ip addr add "$i/32" dev lo; done
	cg_make "dns-$v"
	cg_make "ex-$v"
	cg_run "dns-$v" ip netns exec "$ns" dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 \
		--bind-interfaces --pid-file="$W/run/dns-$v.pid" --local=/example/ --local=/test/ \
		"${zone[@]}" || e2e_die "$v: dnsmasq did not start"
	case $v in
	plain*) base=$W/plain.conf ;;
	acls) defs=(AUTHGATE_NO_MODULE=1) ;;
	so | so-pre | big | big-agc | big-agc-pre) mod=authgate.so ;;
	verify | verify-pre) mod=authgate-verify.so ;;
	rspamd) base=$W/rspamd.conf ;;
	static) exim=$STATIC defs=(AUTHGATE_NO_MODULE=1) ;;
	esac
	case $v in
	verify*) policy "$d/policy.ini" 10 dkim=self spf=self arc=self ;;
	big*) policy "$d/policy.ini" 10000 ;;
	*) policy "$d/policy.ini" 10 ;;
	esac
	case $v in
	big-agc*)
		"$B/authgate" compile "$d/policy.ini" >"$d/compile.out" 2>&1 && [ -s "$d/policy.ini.agc" ] ||
			e2e_die "$v: authgate compile: $(cat "$d/compile.out")"
		;;
	esac
	case $v in
	*-pre | plain* | rspamd | acls | static) ;;
	*) defs+=(AUTHGATE_NO_PRELOAD=1) ;;
	esac
	case $v in
	verify*) defs+=(AUTHGATE_SELF_VERIFY=1) ;;
	esac
	touch "$d/authgate.log"
	chown -R Debian-exim: "$d/spool" "$d/log" "$d/authgate.log"
	{
		printf 'AUTHGATE_MODULE = %s\n' "$B/${mod:-authgate.so}"
		for i in "${defs[@]}"; do printf '%s = %s\n' "${i%%=*}" "${i#*=}"; done
		printf 'AUTHGATE_POLICY = %s\n' "$d/policy.ini"
		printf 'AUTHGATE_SPOOL = %s\nAUTHGATE_LOGDIR = %s\n' "$d/spool" "$d/log"
		printf 'AUTHGATE_PORT = %s\nAUTHGATE_LOCAL_DOMAINS = gw.test\n' "$port"
		printf 'AUTHGATE_MAILDIR = %s\nAUTHGATE_MAILBOXES = %s\n' "$W/mail" "$W/mailboxes"
		printf 'AUTHGATE_HOSTNAME = mx.gw.test\n'
		printf 'tls_certificate = %s\ntls_privatekey = %s\n' "$K/tls.crt" "$K/tls.key"
		printf '.include %s\n' "$base"
	} >"$d/exim.conf"
	chmod 644 "$d/exim.conf"
	"$exim" -C "$d/exim.conf" -bV >/dev/null 2>"$d/conf.err" || e2e_die "$v: $(cat "$d/conf.err")"
	if [ "$v" = rspamd ]; then
		mkdir -p "$d/rspamd"
		{
			cat /usr/share/rspamd/effective_tld_names.dat
			printf '\n// The benchmark'"'"'s reserved top-level domain (RFC 2606).\nexample\n'
		} >"$d/rspamd/effective_tld_names.dat"
		chown -R _rspamd: "$d/rspamd"
		cg_make rspamd
		cg_run rspamd ip netns exec "$ns" rspamd -u _rspamd -g _rspamd -c "$BENCH/rspamd/rspamd.conf" \
			--var=BENCHDIR="$d/rspamd" || e2e_die "rspamd did not start"
		for i in $(seq 600); do
			ip netns exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/11333' 2>/dev/null && break
			sleep 0.1
		done
		[ -s "$d/rspamd/rspamd.pid" ] || e2e_die "rspamd is not listening: $(tail -3 "$d/rspamd/rspamd.log")"
		cp "$d/rspamd/rspamd.pid" "$W/run/rspamd.pid"
		RSPAMD_NS=$ns
	fi
	cg_run "ex-$v" ip netns exec "$ns" "$exim" -C "$d/exim.conf" -bd -oX "$port" -oP "$W/run/ex-$v.pid" ||
		e2e_die "$v: exim did not start"
	for i in $(seq 100); do
		[ -s "$W/run/ex-$v.pid" ] && ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null &&
			break
		sleep 0.1
	done
	[ -s "$W/run/ex-$v.pid" ] || e2e_die "$v: exim is not listening on $port"
	TARGETS+=("$v=$ns:127.0.0.1:$port")
}
i=0
for v in "${RUN[@]}"; do
	setup "$v" "$i"
	i=$((i + 1))
done

# spool_empty: removes what the last window queued.
spool_empty() {
	find "$W"/v/*/spool/input "$W"/v/*/spool/msglog "$W"/v/*/spool/scan -type f -delete 2>/dev/null
	return 0
}
# send COUNT PER_CONN: COUNT messages to every variant; dies unless every
# variant accepted every one.
send() {
	local out
	out=$($PY "$BENCH/peers_load.py" --corpus "$manifest" --count "$1" --per-conn "$2" \
		--conc "$CONC" --rcpt user@gw.test "${TARGETS[@]}")
	[ "$(printf '%s\n' "$out" | grep -cvx "[^ ]* 250=$1")" = 0 ] ||
		e2e_die "not every message was accepted by every variant (${1} sent, $2 per session), so the work compared would not be equal: $(printf '%s; ' "$out")"
}

# ---- the measured windows ----
send "$n_corpus" 1 # warm-up: page cache, DNS caches, Rspamd's first message
spool_empty
sleep 1
: >"$W/cpu"
read -r -a splits <<<"$SPLITS"
t0=$(date +%s)
load0=$(cut -d' ' -f1 /proc/loadavg)
for r in $(seq "$ROUNDS"); do
	# The order of the splits alternates from round to round.
	order=("${splits[@]}")
	[ $((r % 2)) = 0 ] && mapfile -t order < <(printf '%s\n' "${splits[@]}" | tac)
	for k in "${order[@]}"; do
		spool_empty
		cg_usec >"$W/before"
		send "$COUNT" "$k"
		sleep 0.5 # the last sessions' processes end
		cg_usec >"$W/after"
		awk -v r="$r" -v k="$k" 'NR == FNR {b[$1] = $2; next} {print r, k, $1, $2 - b[$1]}' \
			"$W/before" "$W/after" >>"$W/cpu"
		echo "# round $r, $k per session: done" >&2
	done
done
t1=$(date +%s)
load1=$(cut -d' ' -f1 /proc/loadavg)

echo "## authgate against plain Exim and Rspamd ($ROUNDS rounds; in each, $COUNT messages sent to every variant in turn, in one window per session size: $(printf '%s\n' "${splits[@]}" | paste -sd/ -) per SMTP session)"
echo
echo "Every variant's Exim daemon ran at once, each in a network namespace of its own with its own DNS server (dnsmasq, the same zones), and each SMTP session was made to every variant in turn, in orders that let each variant follow every other equally often. Same Exim ($(exim4 -bV | sed -n 's/^Exim version \([^ ]*\).*/\1/p'), Debian's, but for static), same corpus ($n_corpus distinct signed messages in turn); every message was accepted by every variant (counted in every window; the run fails otherwise): authgate in \`mode = monitor\`, Rspamd with no action that rejects (bench/rspamd/rspamd.conf). Made before the first window: keys, corpus, policies, and each daemon's TLS credentials (a pre-made certificate for every variant, so no daemon generates a key; TLS is not advertised); a warm-up pass went to every variant. CPU from cgroup v$CG_V (${CG%/*}): each Exim daemon with all it forks, each DNS server and Rspamd in a cgroup of their own, read before and after each window. The measured windows took $((t1 - t0)) s, $CONC session(s) at a time; the load average was $load0 at their start and $load1 at their end. Absolute figures move with what else the machine runs, from round to round; the ratios within a window, all variants measured side by side, are what count."
echo
$PY "$BENCH/peers_report.py" "$W/variants" "$W/cpu" "$COUNT" || e2e_die "peers_report.py failed"

[ "${AGREE:-1}" = 1 ] && [ -n "${RSPAMD_NS:-}" ] || exit 0
# ---- verdicts: each distinct message once through so and verify (their
# logs, in order) and through Rspamd itself (rspamc, the same envelope) ----
for v in so verify; do : >"$W/v/$v/authgate.log"; done
mapfile -t agree < <(printf '%s\n' "${TARGETS[@]}" | grep -E '^(so|verify)=')
[ "${#agree[@]}" = 2 ] || exit 0
TARGETS=("${agree[@]}")
send "$n_corpus" 1
for v in so verify; do
	for i in $(seq 50); do
		[ "$(wc -l <"$W/v/$v/authgate.log")" -ge "$n_corpus" ] && break
		sleep 0.1
	done
	cut -d' ' -f1 "$W/labels" | paste - "$W/v/$v/authgate.log" >"$W/agree.$v"
done
while read -r label src from file; do
	printf '%s\t%s\n' "$label" "$(ip netns exec "$RSPAMD_NS" rspamc -h 127.0.0.1:11333 -j -i "$src" -F "$from" \
		--helo load.example -r user@gw.test symbols <"$file" | tr -d '\n')"
done <"$W/labels" >"$W/agree.rspamd"
$PY "$BENCH/peers_agree.py" "$W/agree.so" "$W/agree.verify" "$W/agree.rspamd"
