#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# authgate in Exim against Exim asking Rspamd, measured in one run on the
# same Exim, the same DNS server and the same corpus of signed messages:
#   (a)  Exim + authgate (authgate.so, Exim's SPF and DKIM verdicts)
#   (a') Exim + authgate-verify.so (dkim, spf and arc = self)
#   (b)  Exim asking Rspamd (spam = with variant=rspamd): Rspamd's dkim,
#        spf, dmarc and arc modules only, no Redis (bench/rspamd/)
#   (c)  Exim with neither
#   (a0) (a) without the module: what Exim's SPF check and DKIM ACL,
#        done for authgate, cost alone
# Messages per second at concurrency 1 and 8, CPU seconds per 1,000
# messages of every process involved (each in a cgroup of its own: the
# Exim daemon and all it forks, Rspamd's processes, the DNS server), and
# the verdicts of authgate and Rspamd compared message by message.
# Prints Markdown. Needs root. ROUNDS and COUNT change the run's size,
# CONCS the concurrencies ("1 8"); CONFIGS="plain a" runs only those
# configurations and AGREE=0 skips the comparison of verdicts.
set -u
. "$(dirname "$0")/../tests/e2e/lib.sh"
ROUNDS=${ROUNDS:-7}
COUNT=${COUNT:-400}
BENCH=$AG_ROOT/bench
PY=/usr/bin/python3

command -v rspamd >/dev/null || {
	echo "(The peer benchmark needs rspamd: scripts/deps.sh installs it. Skipped.)"
	exit 0
}
e2e_setup peers >/dev/null
W=$AG_WORK
K=$W/keys
M=$W/msgs

# ---- CPU accounting: one cgroup (v1 cpuacct, or v2) per component ----
CG_ROOT=""
if [ -w /sys/fs/cgroup/cpuacct/cgroup.procs ]; then
	CG_ROOT=/sys/fs/cgroup/cpuacct
	CG_FILE=cpuacct.usage # nanoseconds
elif [ -w /sys/fs/cgroup/cgroup.procs ] && grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
	CG_ROOT=/sys/fs/cgroup
	CG_FILE=cpu.stat # usage_usec
fi
CGROUPS=()
cg_path() { echo "$CG_ROOT/ag-bench-$$-$1"; }
cg_make() {
	[ -n "$CG_ROOT" ] || return 0
	mkdir -p "$(cg_path "$1")" && CGROUPS+=("$(cg_path "$1")")
}
# cg_enter NAME / cg_leave: this shell (and so what it starts) in a cgroup.
cg_enter() { [ -z "$CG_ROOT" ] || echo "$BASHPID" >"$(cg_path "$1")/cgroup.procs"; }
cg_leave() { [ -z "$CG_ROOT" ] || echo "$BASHPID" >"$CG_ROOT/cgroup.procs"; }
# cg_ns NAME: CPU nanoseconds used so far by the cgroup's processes.
cg_ns() {
	[ -n "$CG_ROOT" ] || {
		echo 0
		return
	}
	if [ "$CG_FILE" = cpuacct.usage ]; then
		cat "$(cg_path "$1")/cpuacct.usage"
	else
		awk '$1 == "usage_usec" {print $2 * 1000}' "$(cg_path "$1")/cpu.stat"
	fi
}
peers_teardown() {
	local cg p
	[ -s "$W/run/rspamd.pid" ] && kill "$(cat "$W/run/rspamd.pid")" 2>/dev/null
	sleep 0.5
	for cg in "${CGROUPS[@]}"; do
		for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	done
	e2e_teardown
	for cg in "${CGROUPS[@]}"; do rmdir "$cg" 2>/dev/null; done
}
trap peers_teardown EXIT
for c in exim rspamd dns; do cg_make "$c"; done

# ---- keys, zones and the corpus ----
for k in shop news rev esp list; do e2e_key "$k"; done
e2e_key short 512
(cd "$K" && dknewkey --ktype ed25519 ed >/dev/null 2>&1) || e2e_die "ed25519 key"
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
cg_enter dns
e2e_dns "${zone[@]}"
cg_leave

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
# add LABEL SOURCE MAIL_FROM FILE: one message of the corpus.
add() {
	printf '%s %s %s\n' "$2" "$3" "$4" >>"$manifest"
	printf '%s %s %s %s\n' "$1" "$2" "$3" "$4" >>"$W/labels"
}
: >"$W/labels"
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

# ---- the configurations: the shipped example and variants of it ----
# Every variant queues what it accepts and delivers nothing
# (queue_only): the CPU compared is reception and checking. Deliveries
# would cost the same in every configuration, but for the messages one
# rejects and another accepts; the spool is emptied after each run.
awk '{ print } /^acl_smtp_rcpt/ { print "queue_only = true" }' \
	"$AG_ROOT/exim-conf/exim4.conf.example" >"$W/a.conf"
base=$W/a.conf
# Neither: Exim without authgate (e2e_conf_plain).
e2e_conf_plain "$base" "$W/plain.conf"
# Rspamd: the same, asking Rspamd at the end of DATA and acting on its
# action (reject, add header) as Rspamd's documentation does for Exim.
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
for c in a plain rspamd; do
	exim4 -C "$W/$c.conf" -bV >/dev/null 2>"$W/$c.err" || e2e_die "$c.conf: $(cat "$W/$c.err")"
done

cat >"$W/policy-a.tmpl" <<'POLICY'
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
[trusted]
arc_sealers = list.example
POLICY
cat >"$W/policy-self.tmpl" <<'POLICY'
[general]
authserv_id = mx.gw.test
log_file = @WORK@/authgate.log
dkim = self
spf = self
arc = self
[trusted]
arc_sealers = list.example
POLICY

# ---- Rspamd, in the namespace, in its own cgroup ----
mkdir -p "$W/rspamd"
{
	cat /usr/share/rspamd/effective_tld_names.dat
	printf '\n// The benchmark'"'"'s reserved top-level domain (RFC 2606).\nexample\n'
} >"$W/rspamd/effective_tld_names.dat"
chown -R _rspamd: "$W/rspamd"
cg_enter rspamd
e2e_ns rspamd -u _rspamd -g _rspamd -c "$BENCH/rspamd/rspamd.conf" \
	--var=BENCHDIR="$W/rspamd" || e2e_die "rspamd did not start"
cg_leave
for i in $(seq 600); do
	e2e_ns bash -c 'exec 3<>/dev/tcp/127.0.0.1/11333' 2>/dev/null && break
	sleep 0.1
done
[ -s "$W/rspamd/rspamd.pid" ] || e2e_die "rspamd is not listening: $(tail -3 "$W/rspamd/rspamd.log")"
cp "$W/rspamd/rspamd.pid" "$W/run/rspamd.pid"

# start CONFIG: the Exim daemon for a configuration, in the exim cgroup.
start() {
	case $1 in
	a)
		AG_MODULE=authgate.so AG_EXIM_CONF=$base
		e2e_policy "$W/policy-a.tmpl"
		;;
	self)
		AG_MODULE=authgate-verify.so AG_EXIM_CONF=$base
		e2e_policy "$W/policy-self.tmpl"
		;;
	acls) AG_EXIM_CONF=$base ;;
	rspamd) AG_EXIM_CONF=$W/rspamd.conf ;;
	plain) AG_EXIM_CONF=$W/plain.conf ;;
	esac
	local extra=()
	[ "$1" = acls ] && extra=(-DAUTHGATE_NO_MODULE=1)
	cg_enter exim
	e2e_exim "${extra[@]}"
	cg_leave
}
stop() {
	kill "$(cat "$W/run/exim.pid")"
	local i
	for i in $(seq 50); do
		[ -z "$(ip netns pids "$AG_NS" | xargs -r ps -o comm= -p | grep exim)" ] && break
		sleep 0.1
	done
	rm -f "$W/run/exim.pid"
	spool_empty
}
# spool_empty: removes what the last run queued.
spool_empty() {
	find "$W/spool/input" "$W/spool/msglog" "$W/spool/scan" -type f -delete 2>/dev/null
	return 0
}

# run CONFIG CONC: one measured run; prints "msgs/s exim-ns rspamd-ns dns-ns codes".
run() {
	local conf=$1 conc=$2 e0 r0 d0 out
	start "$conf"
	e0=$(cg_ns exim) r0=$(cg_ns rspamd) d0=$(cg_ns dns)
	out=$(e2e_ns $PY "$BENCH/smtp_load.py" --corpus "$manifest" 127.0.0.1 "$AG_PORT" \
		"$COUNT" "$conc" user@gw.test)
	echo "${out%% *} $(($(cg_ns exim) - e0)) $(($(cg_ns rspamd) - r0)) $(($(cg_ns dns) - d0)) ${out#* }"
	stop
}

read -r -a CONFIGS <<<"${CONFIGS:-plain acls a self rspamd}"
declare -A rate cpu_e cpu_r cpu_d codes
for r in $(seq "$ROUNDS"); do
	for conc in ${CONCS:-1 8}; do
		for c in "${CONFIGS[@]}"; do
			set -- $(run "$c" "$conc")
			echo "# round $r, concurrency $conc, $c: $1 msgs/s, CPU ns exim $2 rspamd $3 dns $4, replies ${*:5}" >&2
			rate[$c.$conc]+="$1 "
			cpu_e[$c.$conc]+="$2 "
			cpu_r[$c.$conc]+="$3 "
			cpu_d[$c.$conc]+="$4 "
			shift 4
			codes[$c.$conc]="$*"
		done
	done
done

median() { printf '%s\n' $@ | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
range() { printf '%s\n' $@ | sort -n | awk 'NR==1{lo=$1} {hi=$1} END {printf "%s-%s", lo, hi}'; }
# per1k NS-LIST: CPU seconds per 1,000 messages, median.
per1k() { median $(for x in $1; do awk -v x="$x" -v n="$COUNT" 'BEGIN {printf "%.3f\n", x / 1e9 / n * 1000}'; done); }
# total CONF.CONC: per-round sums of every component, CPU s per 1,000.
total() {
	local -a e=(${cpu_e[$1]}) rs=(${cpu_r[$1]}) d=(${cpu_d[$1]})
	local i
	for i in "${!e[@]}"; do
		awk -v a="${e[$i]}" -v b="${rs[$i]}" -v c="${d[$i]}" -v n="$COUNT" \
			'BEGIN {printf "%.3f\n", (a + b + c) / 1e9 / n * 1000}'
	done
}
name() {
	case $1 in
	plain) echo "(c) Exim with neither" ;;
	acls) echo "(a0) Exim's SPF and DKIM ACLs for authgate, no module" ;;
	a) echo "(a) Exim + authgate (Exim's SPF/DKIM)" ;;
	self) echo "(a') Exim + authgate, dkim/spf/arc = self" ;;
	rspamd) echo "(b) Exim + Rspamd" ;;
	esac
}

echo "## authgate against Rspamd ($ROUNDS rounds of $COUNT messages per configuration and concurrency, one message per SMTP session, $n_corpus distinct messages in turn)"
echo
echo "Same Exim ($(exim4 -bV | sed -n 's/^Exim version \([^ ]*\).*/\1/p')), same DNS server (dnsmasq in the benchmark's namespace), same corpus; Rspamd $(rspamd -v 2>/dev/null | sed -n 's/.*version \([0-9.]*\).*/\1/p'), modules dkim, spf, dmarc, arc, no Redis (bench/rspamd/rspamd.conf). CPU from $([ -n "$CG_ROOT" ] && echo "one cgroup per component ($CG_ROOT)" || echo "nowhere: no writable cgroup, CPU figures are 0")."
echo
echo "| configuration | concurrency | messages/s, median [min-max] | CPU s per 1,000 msgs: Exim | Rspamd | DNS | total, median [min-max] | replies (last round) |"
echo "|---|---|---|---|---|---|---|---|"
for conc in ${CONCS:-1 8}; do
	for c in "${CONFIGS[@]}"; do
		k=$c.$conc
		tot=$(total "$k")
		echo "| $(name "$c") | $conc | $(median ${rate[$k]}) [$(range ${rate[$k]})] | $(per1k "${cpu_e[$k]}") | $(per1k "${cpu_r[$k]}") | $(per1k "${cpu_d[$k]}") | $(median $tot) [$(range $tot)] | ${codes[$k]} |"
	done
done
echo
# The ratios the issue asks for. Configurations take turns within a
# round, so each round's figures are compared with the same round's (c)
# and (b): drifts of a shared machine between rounds cancel out. Each
# ratio is the median over rounds, with its range.
# paired OP LIST-A LIST-B [LIST-C]: per round, OP of the rounds' values.
paired() {
	local op=$1
	shift
	paste -d' ' <(printf '%s\n' $1) <(printf '%s\n' $2) <(printf '%s\n' ${3:-$2}) |
		awk -v op="$op" '{
			if (op == "minus") printf "%.3f\n", $1 - $2
			else if (op == "div") printf "%.3f\n", ($2 > 0 ? $1 / $2 : 0)
			else if (op == "addratio" && $2 - $3 > 0) printf "%.3f\n", ($1 - $3) / ($2 - $3)
		}'
}
show() { echo "$(median "$@") [$(range "$@")]"; }
echo "| concurrency | CPU added per 1,000 messages over (c): (a0) | (a) | (a') | (b) | **(a)/(b) added CPU** (target <= 0.1) | (a')/(b) | **throughput (a)/(c)** (target >= 0.95) | (a')/(c) | (b)/(c) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for conc in ${CONCS:-1 8}; do
	tc=$(total "plain.$conc") t0=$(total "acls.$conc") ta=$(total "a.$conc") ts=$(total "self.$conc") tb=$(total "rspamd.$conc")
	echo "| $conc | $(show $(paired minus "$t0" "$tc")) s | $(show $(paired minus "$ta" "$tc")) s | $(show $(paired minus "$ts" "$tc")) s | $(show $(paired minus "$tb" "$tc")) s | **$(show $(paired addratio "$ta" "$tb" "$tc"))** | $(show $(paired addratio "$ts" "$tb" "$tc")) | **$(show $(paired div "${rate[a.$conc]}" "${rate[plain.$conc]}"))** | $(show $(paired div "${rate[self.$conc]}" "${rate[plain.$conc]}")) | $(show $(paired div "${rate[rspamd.$conc]}" "${rate[plain.$conc]}")) |"
done
echo
echo "Each figure: median [min-max] over the rounds of that round's values (a ratio of added CPU leaves out a round where (b) measured no more than (c))."
echo

[ "${AGREE:-1}" = 1 ] || exit 0
# ---- agreement: each distinct message once through (a) and (a'), and
# through Rspamd itself (rspamc with the same envelope) ----
verdicts() { # CONFIG OUT: authgate's log line per label
	start "$1"
	: >"$W/authgate.log"
	local label src from file
	while read -r label src from file; do
		e2e_ns $PY "$BENCH/smtp_load.py" "127.0.0.1" "$AG_PORT" "$file" 1 1 "$from" user@gw.test "$src" >/dev/null
		printf '%s\t%s\n' "$label" "$(tail -1 "$W/authgate.log")"
	done <"$W/labels" >"$2"
	stop
}
verdicts a "$W/agree.a"
verdicts self "$W/agree.self"
while read -r label src from file; do
	printf '%s\t%s\n' "$label" "$(e2e_ns rspamc -h 127.0.0.1:11333 -j -i "$src" -F "$from" \
		--helo load.example -r user@gw.test symbols <"$file" | tr -d '\n')"
done <"$W/labels" >"$W/agree.rspamd"
$PY "$BENCH/peers_agree.py" "$W/agree.a" "$W/agree.self" "$W/agree.rspamd"
