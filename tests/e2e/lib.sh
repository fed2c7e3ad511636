# SPDX-License-Identifier: GPL-2.0-or-later
# lib.sh: the end-to-end harness, sourced by tests/e2e/*.t and the demo.
# It builds a sandbox: a network namespace with its own loopback, a real
# DNS server (dnsmasq) serving the test zones on 127.0.0.1 inside it, a
# DNS server that never answers (127.0.0.11), and a private Exim daemon
# running exim-conf/exim4.conf.example unchanged, with the module loaded.
# Everything it starts is stopped by pid file, and the namespace it made
# is deleted by name, on exit.
#
# Needs root (ip netns, binding port 53 inside the namespace).

AG_ROOT=${AG_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
AG_BUILD=${AG_BUILD:-$AG_ROOT/build}
# The module to load: authgate.so, or authgate-verify.so for dkim/spf = self.
AG_MODULE=${AG_MODULE:-authgate.so}
AG_PORT=2525
# The Exim configuration: the shipped example unless a test or benchmark
# brings a variant of it.
AG_EXIM_CONF=${AG_EXIM_CONF:-$AG_ROOT/exim-conf/exim4.conf.example}
AG_DOMAIN=gw.test
# The daemon's primary_hostname (AUTHGATE_HOSTNAME); empty: Exim's own
# default, the system's host name.
AG_HOSTNAME=${AG_HOSTNAME-mx.gw.test}
# An Exim with authgate linked in (make exim-static: LOCAL_SCAN_SOURCE, no
# dlopen) has no local_scan_path option: run the configuration without it.
AG_EXIM_DEFS=()
"${AG_EXIM:-exim4}" -C /dev/null -bP macro _OPT_MAIN_LOCAL_SCAN_PATH >/dev/null 2>&1 ||
	AG_EXIM_DEFS=(-DAUTHGATE_NO_MODULE=1)

# TAP: ok DESCRIPTION, nok DESCRIPTION [DETAILS]; n and failed count.
. "$AG_ROOT/tests/tap.sh"

e2e_die() {
	echo "Bail out! $*"
	exit 1
}

# e2e_setup LABEL: work directory, namespace and client addresses.
e2e_setup() {
	local label=$1
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP the end-to-end tests need root (ip netns)"
		exit 0
	fi
	[ -x "$AG_BUILD/$AG_MODULE" ] || e2e_die "build first: $AG_BUILD/$AG_MODULE missing"
	AG_WORK=$(mktemp -d "/tmp/authgate-$label.XXXXXX")
	AG_NS="ag-$label-$$"
	trap e2e_teardown EXIT
	chmod 755 "$AG_WORK"
	mkdir -p "$AG_WORK"/{spool,log,mail,run,keys,msgs,out}
	chown Debian-exim: "$AG_WORK"/{spool,log,mail}
	# The local parts of AG_DOMAIN that have a mailbox (e2e_mailbox
	# adds more); Exim refuses any other at RCPT.
	printf 'user\npostmaster\n' >"$AG_WORK/mailboxes"
	chmod 644 "$AG_WORK/mailboxes"
	ip netns add "$AG_NS" || e2e_die "ip netns add $AG_NS failed"
	mkdir -p "/etc/netns/$AG_NS"
	echo "nameserver 127.0.0.1" >"/etc/netns/$AG_NS/resolv.conf"
	e2e_ns ip link set lo up
	local a
	# 203.0.113.7: an ordinary sender; 192.0.2.15: the trusted relay;
	# 198.51.100.25: a skipped host; 192.0.2.99: SPF-authorized elsewhere.
	for a in 203.0.113.7 192.0.2.15 198.51.100.25 192.0.2.99; do
		e2e_ns ip addr add "$a/32" dev lo
	done
}

# e2e_mailbox LOCALPART...: gives each its own mailbox in AG_DOMAIN
# (delivered to mail/LOCALPART/); takes effect at once, daemon running.
e2e_mailbox() {
	printf '%s\n' "$@" >>"$AG_WORK/mailboxes"
}

e2e_ns() {
	ip netns exec "$AG_NS" "$@"
}

e2e_teardown() {
	local f
	for f in "$AG_WORK"/run/*.pid; do
		[ -s "$f" ] || continue
		kill "$(cat "$f")" 2>/dev/null
	done
	sleep 0.2
	for f in "$AG_WORK"/run/*.pid; do
		[ -s "$f" ] || continue
		kill -9 "$(cat "$f")" 2>/dev/null
	done
	if [ -n "${AG_NS:-}" ]; then
		# Exim's delivery children may outlive the daemon briefly.
		ip netns pids "$AG_NS" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$AG_NS" 2>/dev/null
		rm -rf "/etc/netns/$AG_NS"
	fi
	# Anything a test mounted below the work directory (a full disk).
	awk -v w="$AG_WORK/" 'index($2, w) == 1 {print $2}' /proc/mounts |
		xargs -r -n1 umount -l 2>/dev/null
	if [ -n "${AG_KEEP:-}" ]; then
		echo "# kept $AG_WORK"
	else
		rm -rf "$AG_WORK"
	fi
}

# e2e_key NAME [BITS]: an RSA key pair in keys/NAME.key and keys/NAME.dns
# (the TXT record). dknewkey makes 2048-bit keys; other sizes come from
# openssl, for the key-too-short cases.
e2e_key() {
	local name=$1 bits=${2:-2048} pub
	if [ "$bits" = 2048 ]; then
		(cd "$AG_WORK/keys" && dknewkey "$name" >/dev/null 2>&1) ||
			e2e_die "dknewkey $name failed"
		return
	fi
	openssl genrsa -out "$AG_WORK/keys/$name.key" "$bits" 2>/dev/null ||
		e2e_die "openssl genrsa $bits failed"
	pub=$(openssl rsa -in "$AG_WORK/keys/$name.key" -pubout -outform DER 2>/dev/null | base64 -w0)
	printf 'v=DKIM1; k=rsa; p=%s' "$pub" >"$AG_WORK/keys/$name.dns"
}

# e2e_dnsmasq: starts dnsmasq with e2e_dns's options (again, after a test
# has stopped it).
e2e_dnsmasq() {
	e2e_ns dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 \
		--bind-interfaces --pid-file="$AG_WORK/run/dnsmasq.pid" \
		--local=/example/ --local=/test/ "${AG_DNS_ARGS[@]}" ||
		e2e_die "dnsmasq did not start"
}

# e2e_dns ARGS...: starts dnsmasq in the namespace with extra options
# (--txt-record=... and so on); all other .example names are NXDOMAIN.
e2e_dns() {
	AG_DNS_ARGS=("$@")
	e2e_dnsmasq
	# A DNS server that reads queries and never answers.
	(e2e_ns python3 -c '
import socket, sys, os
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.11", 53))
open(sys.argv[1], "w").write(str(os.getpid()))
while True:
    s.recvfrom(4096)
' "$AG_WORK/run/blackhole.pid" </dev/null >/dev/null 2>&1 &)
	local i
	for i in $(seq 50); do
		[ -s "$AG_WORK/run/blackhole.pid" ] && [ -s "$AG_WORK/run/dnsmasq.pid" ] && return 0
		sleep 0.1
	done
	e2e_die "DNS servers did not come up"
}

# e2e_policy FILE: installs FILE as the policy, with WORK substituted.
e2e_policy() {
	sed "s#@WORK@#$AG_WORK#g" "$1" >"$AG_WORK/policy.ini.new"
	chmod 644 "$AG_WORK/policy.ini.new"
	mv "$AG_WORK/policy.ini.new" "$AG_WORK/policy.ini"
}

# e2e_conf_plain IN OUT: the configuration IN without authgate: no
# local_scan_path, no preload, no SPF or DKIM ACL work of authgate's
# (Exim's built-in DKIM verification stays on, as Debian ships it). Dies
# when IN no longer has the five lines it removes.
e2e_conf_plain() {
	sed -e '/^local_scan_path/d' -e '/^smtp_accept_max_per_host/d' -e '/^dkim_verify_signers/d' \
		-e '/^acl_smtp_dkim/d' -e '/require acl = acl_authgate_mail/d' "$1" >"$2"
	[ "$(diff "$1" "$2" | grep -c '^<')" = 5 ] ||
		e2e_die "$1 changed: the plain-Exim variant needs updating"
}

# e2e_exim_conf: the configuration the sandbox runs, a file that defines
# the macros fitting AG_EXIM_CONF to it and then includes AG_EXIM_CONF;
# prints its path. Macros in a file, not -D options: Exim takes at most
# 10 of those (MAX_CLMACROS), and the Exim a failure report is handed to
# gets the daemon's and one more.
e2e_exim_conf() {
	local f d
	f="$AG_WORK/run/exim-$(printf '%s|%s' "$AG_EXIM_CONF" "$AG_MODULE" | md5sum | cut -c1-12).conf"
	{
		printf 'AUTHGATE_MODULE = %s\n' "$AG_BUILD/$AG_MODULE"
		for d in "${AG_EXIM_DEFS[@]}"; do
			d=${d#-D}
			printf '%s = %s\n' "${d%%=*}" "${d#*=}"
		done
		printf 'AUTHGATE_POLICY = %s\n' "$AG_WORK/policy.ini"
		printf 'AUTHGATE_SPOOL = %s\n' "$AG_WORK/spool"
		printf 'AUTHGATE_LOGDIR = %s\n' "$AG_WORK/log"
		printf 'AUTHGATE_PORT = %s\n' "$AG_PORT"
		printf 'AUTHGATE_LOCAL_DOMAINS = %s\n' "$AG_DOMAIN"
		printf 'AUTHGATE_MAILDIR = %s\n' "$AG_WORK/mail"
		printf 'AUTHGATE_MAILBOXES = %s\n' "$AG_WORK/mailboxes"
		[ -n "$AG_HOSTNAME" ] && printf 'AUTHGATE_HOSTNAME = %s\n' "$AG_HOSTNAME"
		printf 'AUTHGATE_AUTH_FILE = %s\n' "$AG_WORK/auth"
		printf '.include %s\n' "$AG_EXIM_CONF"
	} >"$f"
	chmod 644 "$f"
	printf '%s\n' "$f"
}

# e2e_exim_env: the words to put before an Exim command, one per line
# (none unless AG_SANITIZE): a module built with sanitizers (make check)
# needs their runtimes loaded before anything else in Exim. The daemon
# forks (no exec) for each connection, and a local submission (-t, -bm,
# -bS, -bs) runs the module in the process started, so preloading into
# that process suffices. No word holds a space (swaks --pipe splits).
e2e_exim_env() {
	[ -n "${AG_SANITIZE:-}" ] || return 0
	printf '%s\n' env "LD_PRELOAD=$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
		"ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:log_path=$AG_WORK/log/asan"
}

# e2e_exim [EXTRA -D options]: starts the private daemon and waits for it.
e2e_exim() {
	touch "$AG_WORK/authgate.log"
	chown Debian-exim: "$AG_WORK/authgate.log"
	printf 'alice: s3cret\n' >"$AG_WORK/auth"
	chmod 644 "$AG_WORK/auth"
	local env conf
	mapfile -t env < <(e2e_exim_env)
	conf=$(e2e_exim_conf)
	e2e_ns "${env[@]}" "${AG_EXIM:-exim4}" -C "$conf" "$@" \
		-bd -oX "$AG_PORT" -oP "$AG_WORK/run/exim.pid" ||
		e2e_die "exim did not start"
	local i
	for i in $(seq 50); do
		if [ -s "$AG_WORK/run/exim.pid" ] &&
			e2e_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$AG_PORT" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	e2e_die "exim is not listening on $AG_PORT"
}

# e2e_msg FILE FROM SUBJECT [HEADER...]: writes a plain message.
e2e_msg() {
	local file=$1 from=$2 subject=$3 h
	shift 3
	{
		printf 'From: %s\n' "$from"
		printf 'To: user@%s\n' "$AG_DOMAIN"
		printf 'Subject: %s\n' "$subject"
		printf 'Date: %s\n' "$(date -R)"
		printf 'Message-ID: <%s.%s@test>\n' "$(basename "$file")" "$$"
		for h in "$@"; do printf '%s\n' "$h"; done
		printf 'MIME-Version: 1.0\nContent-Type: text/plain\n\n'
		printf 'Hello,\nthis is a test message for authgate.\n'
	} >"$file"
}

# e2e_sign IN OUT SELECTOR DOMAIN KEYNAME [dkimsign options]
e2e_sign() {
	local in=$1 out=$2 sel=$3 dom=$4 key=$5
	shift 5
	dkimsign "$@" "$sel" "$dom" "$AG_WORK/keys/$key.key" <"$in" >"$out" ||
		e2e_die "dkimsign $dom failed"
}

# e2e_send MSG [swaks options...]: sends MSG, sets SMTP_CODE (the reply
# to the end of DATA), SMTP_TEXT and QUEUE_ID.
e2e_send() {
	local msg=$1
	shift
	local out="$AG_WORK/out/$(basename "$msg").swaks"
	LOG_LINES_BEFORE=$(wc -l <"$AG_WORK/authgate.log" 2>/dev/null || echo 0)
	e2e_ns swaks --server "127.0.0.1:$AG_PORT" --to "user@$AG_DOMAIN" \
		--li 203.0.113.7 --helo mx.sender.example --timeout 60 \
		--data "$msg" "$@" >"$out" 2>&1
	local reply
	reply=$(sed -n '/^ *-> \.$/,$p' "$out" | grep -m1 -E '^ *<(-|\*\*) +[0-9]{3}')
	SMTP_CODE=$(printf '%s' "$reply" | sed -E 's/^ *<(-|\*\*) +([0-9]{3}).*/\2/')
	SMTP_TEXT=$(printf '%s' "$reply" | sed -E 's/^ *<(-|\*\*) +[0-9]{3}[ -]//')
	QUEUE_ID=$(printf '%s' "$reply" | sed -n 's/.*id=\([A-Za-z0-9-]*\).*/\1/p')
}

# e2e_delivered ID: path of the delivered message with queue id ID
# (waits up to 10 s), or nothing.
e2e_delivered() {
	local id=$1 i f
	[ -n "$id" ] || return 1
	for i in $(seq 100); do
		f=$(grep -rl "id $id" "$AG_WORK/mail" 2>/dev/null | head -1)
		[ -n "$f" ] && {
			echo "$f"
			return 0
		}
		sleep 0.1
	done
	return 1
}

# e2e_logline ID: authgate's JSON log line for queue id ID; without an
# id (a rejected message has none), the line the last e2e_send added.
e2e_logline() {
	local id=$1 i
	for i in $(seq 50); do
		if [ -n "$id" ] && grep -q "\"id\":\"$id\"" "$AG_WORK/authgate.log" 2>/dev/null; then
			grep "\"id\":\"$id\"" "$AG_WORK/authgate.log" | head -1
			return 0
		fi
		if [ -z "$id" ] && [ "$(wc -l <"$AG_WORK/authgate.log")" -gt "${LOG_LINES_BEFORE:-0}" ]; then
			sed -n "$((LOG_LINES_BEFORE + 1))p" "$AG_WORK/authgate.log"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# e2e_exim_cmd ARGS...: runs exim4 with the daemon's configuration and macros
# (a queue run delivers as the daemon would).
e2e_exim_cmd() {
	e2e_ns "${AG_EXIM:-exim4}" -C "$(e2e_exim_conf)" "$@"
}
