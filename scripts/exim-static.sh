#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# exim-static.sh: build Exim 4.96 from Debian's source package (exim4,
# bookworm) with authgate linked in through LOCAL_SCAN_SOURCE: no dlopen,
# no local_scan_path. `make exim-static EXIM_SRC=DIR` runs it.
#
#   exim-static.sh [STEP...]   steps: deps fetch configure module build
#                              install verify (default: all of them)
#
# Environment:
#   EXIM_SRC=DIR      where the Exim source goes (apt-get source unpacks it
#                     there unless DIR/exim4-4.96 exists already)
#   WORK=DIR          objects, binary and apt state (default build/exim-static)
#   AG_SRC=DIR        authgate's tree (default: this checkout)
#   JOBS=2            parallel make jobs
#
# The binary is WORK/bin/exim4 (Debian's patches make Exim re-exec
# BIN_DIRECTORY/exim4). `make test-static` runs the end-to-end suite
# against it.
#
# How authgate gets in:
#   * authgate's objects are compiled by authgate's own Makefile, with
#     -isystem WORK/inc, where inc/exim4/{local_scan,config,mytypes,store}.h
#     point at this build's headers, so <exim4/local_scan.h> is the header
#     of the Exim being built.
#   * LOCAL_SCAN_SOURCE names a placeholder that defines nothing: it refuses
#     to compile if DLOPEN_LOCAL_SCAN (Debian's 90_localscan_dlopen) is on.
#   * The adapter's objects go in whole through EXTRALIBS_EXIM (a duplicate
#     global is a link error, never silently dropped), the engine as
#     libauthgate.a, the libraries as-needed.
#   * Local/Makefile is written from scratch, not from Debian's EDITME,
#     which turns DLOPEN_LOCAL_SCAN and -rdynamic on.
# apt-get runs with a private sources list made from the machine's own
# Debian sources with deb-src added; /etc/apt is not changed.
set -euo pipefail

AG_SRC=${AG_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
WORK=${WORK:-$AG_SRC/build/exim-static}
JOBS=${JOBS:-2}
SUITE=bookworm
SRCPKG=exim4
EXIM_VERSION=4.96

SRCDIR=${EXIM_SRC:-$WORK/src}
TREE=$SRCDIR/exim4-$EXIM_VERSION
AGBUILD=$WORK/agbuild # authgate objects for the static build
INC=$WORK/inc		  # -isystem dir holding exim4/local_scan.h
BINDIR=$WORK/bin	  # BIN_DIRECTORY: exim_path is $BINDIR/exim4
ETCDIR=$WORK/etc
TIMES=$WORK/times.log
AGTREE=$AG_SRC

APT_DIR=$WORK/apt
APT_OPTS=(-o Dir::Etc::SourceList=/dev/null
	-o "Dir::Etc::SourceParts=$APT_DIR/sources.list.d"
	-o "Dir::State::Lists=$APT_DIR/lists"
	-o "Dir::Cache=$APT_DIR/cache")

log() { printf '== %s\n' "$*" >&2; }
die() {
	printf 'exim-static: %s\n' "$*" >&2
	exit 1
}

# timed NAME CMD...: runs CMD, appends "NAME SECONDS" to $TIMES.
timed() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s.%N)
	"$@"
	t1=$(date +%s.%N)
	printf '%-10s %6.1f s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" |
		tee -a "$TIMES" >&2
}

apt_private() {
	local f
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" \
		"$APT_DIR/sources.list.d"
	# The machine's own Debian sources, with source packages added.
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		sed 's/^Types: *deb *$/Types: deb deb-src/' "$f" \
			>"$APT_DIR/sources.list.d/$(basename "$f")"
	done
	if [ -e /etc/apt/sources.list ]; then
		grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
			>"$APT_DIR/sources.list.d/src.list"
		cat /etc/apt/sources.list >>"$APT_DIR/sources.list.d/src.list"
	fi
	# apt drops to _apt for downloads; let it write there.
	chown -R _apt:root "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" 2>/dev/null || true
	compgen -G "$APT_DIR/lists/*_Sources*" >/dev/null ||
		apt-get "${APT_OPTS[@]}" -qq update
}

step_deps() {
	"$AG_SRC/scripts/deps.sh"
}

step_fetch() {
	if [ -d "$TREE" ]; then
		log "source: $TREE exists, not fetched again"
		return 0
	fi
	apt_private
	mkdir -p "$SRCDIR"
	chown _apt:root "$SRCDIR" 2>/dev/null || true
	# apt-get source verifies the .dsc against the signed Sources index
	# and unpacks with dpkg-source, applying Debian's patches (including
	# 90_localscan_dlopen, which is inert unless DLOPEN_LOCAL_SCAN=yes).
	if ! (cd "$SRCDIR" && apt-get "${APT_OPTS[@]}" -qq source "$SRCPKG"); then
		# A mirror can list a source version (a security update) whose
		# files it does not carry: take the newest version it does.
		local v
		for v in $(apt-cache "${APT_OPTS[@]}" showsrc "$SRCPKG" |
			sed -n 's/^Version: //p' | sort -ruV); do
			log "source: the newest could not be fetched; trying $SRCPKG=$v"
			(cd "$SRCDIR" && apt-get "${APT_OPTS[@]}" -qq source "$SRCPKG=$v") && break
		done
	fi
	[ -d "$TREE" ] || die "fetch: $TREE missing after apt-get source"
	log "source: $(sed -n '1s/^exim4 (\([^)]*\)).*/\1/p' "$TREE/debian/changelog")"
}

# Local/Makefile, written from scratch (see the header of this file).
step_configure() {
	[ -d "$TREE" ] || die "configure: no source tree; run the fetch step"
	local cflags ldflags
	# Debian's own flags (debian/rules: hardening=+all, LFS, CPPFLAGS
	# folded into CFLAGS because Exim's build ignores CPPFLAGS).
	cflags="$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS) \
$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS) \
$(getconf LFS_CFLAGS) -D_LARGEFILE_SOURCE -fno-strict-aliasing -Wall"
	ldflags="$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)"
	mkdir -p "$TREE/Local" "$BINDIR" "$ETCDIR" "$WORK/spool"
	cat >"$TREE/Local/Makefile" <<EOF
# Written by exim-static.sh: minimal Exim with authgate built in.
CFLAGS=$cflags
LFLAGS=$ldflags

BIN_DIRECTORY=$BINDIR
CONFIGURE_FILE=$ETCDIR/exim4.conf
EXIM_USER=ref:Debian-exim
EXIM_GROUP=ref:Debian-exim
SPOOL_DIRECTORY=$WORK/spool
FIXED_NEVER_USERS=root
HEADERS_CHARSET="UTF-8"

# TLS (GnuTLS like Debian); DKIM uses its crypto. DKIM is on unless
# DISABLE_DKIM is set, and it is not.
HAVE_IPV6=YES
USE_GNUTLS=yes
TLS_LIBS=-lgnutls
PCRE2_CONFIG=yes

ROUTER_ACCEPT=yes
ROUTER_DNSLOOKUP=yes
ROUTER_MANUALROUTE=yes
ROUTER_REDIRECT=yes
TRANSPORT_APPENDFILE=yes
TRANSPORT_PIPE=yes
TRANSPORT_SMTP=yes
SUPPORT_MAILDIR=yes
AUTH_PLAINTEXT=yes
LOOKUP_LSEARCH=yes
LOOKUP_DNSDB=yes

SUPPORT_SPF=yes
LDFLAGS += -lspf2

# local_scan: authgate, linked in. No DLOPEN_LOCAL_SCAN, no -rdynamic.
HAVE_LOCAL_SCAN=yes
LOCAL_SCAN_SOURCE=Local/authgate_local_scan.c
# objects.rsp (a gcc @file) lists the adapter's objects (local_scan/,
# verify/), linked whole; libauthgate.a is the policy engine, linked like
# authgate.so links it (only the members needed); libraries as-needed
# (the module no longer needs libjansson). The module step writes the
# list, so sources added to authgate need no reconfigure.
EXTRALIBS_EXIM=@$AGBUILD/objects.rsp $AGBUILD/libverify.a $AGBUILD/libauthgate.a \\
  -Wl,--push-state,--as-needed $(make -s -C "$AGTREE" module-libs-verify) -Wl,--pop-state
EOF
	cat >"$TREE/Local/authgate_local_scan.c" <<'EOF'
/* LOCAL_SCAN_SOURCE for the static authgate build (exim-static.sh).
 * authgate's local_scan(), compiled by authgate's Makefile against this
 * build's local_scan.h, comes in through EXTRALIBS_EXIM; this file only
 * checks the build configuration. */
#include "local_scan.h"

#ifdef DLOPEN_LOCAL_SCAN
#error "static authgate: DLOPEN_LOCAL_SCAN must not be set (Debian's 90_localscan_dlopen)"
#endif
#ifndef HAVE_LOCAL_SCAN
#error "static authgate: HAVE_LOCAL_SCAN must be set"
#endif
#if LOCAL_SCAN_ABI_VERSION_MAJOR != 6
#error "static authgate: built and tested against local_scan ABI 6.x"
#endif
EOF
	# Exim's configure step (build dir, links, Makefile) and config.h,
	# which authgate's objects need through local_scan.h.
	make -C "$TREE" -s configure >/dev/null
	local bdir
	bdir=$(build_dir)
	make -C "$bdir" -s config.h >/dev/null
	grep -q '^#define HAVE_LOCAL_SCAN' "$bdir/config.h" || die "config.h: no HAVE_LOCAL_SCAN"
	! grep -q '^#define DLOPEN_LOCAL_SCAN' "$bdir/config.h" || die "config.h: DLOPEN_LOCAL_SCAN is set"
	# <exim4/local_scan.h> for authgate: the four headers exim4-dev ships,
	# from this build (quoted includes are found next to the symlink).
	rm -rf "$INC"
	mkdir -p "$INC/exim4"
	local h
	for h in local_scan.h config.h mytypes.h store.h; do
		ln -s "$(readlink -f "$bdir/$h")" "$INC/exim4/$h"
	done
}

build_dir() {
	local d
	d=$(cd "$TREE" && echo build-"$(sh scripts/os-type)"-"$(sh scripts/arch-type)")
	echo "$TREE/$d"
}

# module_objects: the adapter's objects, built as for authgate-verify.so
# (-DAG_OWN_VERIFY: dkim, spf and arc = self available; linked in, the
# libraries cost no per-connection loading); policy_objects: libauthgate.a's (the pure folders').
module_objects() {
	local f
	for f in "$AGTREE"/local_scan/*.c; do
		f=${f#"$AGTREE"/}
		echo "$AGBUILD/lsv/${f%.c}.o"
	done
}
policy_objects() {
	local f
	for f in $(make -s -C "$AGTREE" engine-src); do
		echo "$AGBUILD/${f%.c}.o"
	done
}

# authgate's objects with authgate's own rules (ALL_CFLAGS: -std=c11
# -Werror -fPIC -fvisibility=hidden ...); only CFLAGS gains -I$INC.
step_module() {
	[ -e "$INC/exim4/config.h" ] || die "module: run the configure step first"
	mkdir -p "$AGBUILD"
	[ -f "$AGTREE/Makefile" ] || die "module: no authgate tree; set AG_SRC"
	# shellcheck disable=SC2046 # one word per object path
	make -C "$AGTREE" -j"$JOBS" BUILD="$AGBUILD" CFLAGS="-O2 -g -isystem $INC" \
		$(module_objects) "$AGBUILD/libverify.a" "$AGBUILD/libauthgate.a"
	module_objects >"$AGBUILD/objects.rsp"
	# The module must see this build's header, not exim4-dev's
	# (-isystem: searched before /usr/include, and Exim's header is not
	# held to authgate's -Werror warnings, as in /usr/include/exim4).
	printf '#define LOCAL_SCAN\n#include <exim4/local_scan.h>\n' |
		cc -std=c11 -isystem "$INC" -M -x c - | grep "$INC/exim4/config.h" >/dev/null ||
		die "module: <exim4/local_scan.h> does not resolve to $INC"
	check_symbols
}

# Global symbols defined both by authgate's objects and by Exim's own
# objects (a link error) or by the shared libraries the exim binary loads
# (interposition, were authgate's symbols not hidden): list them.
check_symbols() {
	local ag=$WORK/symbols.authgate clash=$WORK/symbols.clash bdir lib
	# shellcheck disable=SC2046
	nm -g --defined-only $(module_objects) $(policy_objects) "$AGBUILD"/verify/*.o |
		awk 'NF==3{print $3}' | sort -u >"$ag"
	: >"$clash"
	bdir=$(build_dir)
	find "$bdir" -name '*.o' ! -name local_scan.o -print0 |
		xargs -0 -r nm -g --defined-only 2>/dev/null | awk 'NF==3{print $3}' |
		sort -u | comm -12 "$ag" - | sed 's/^/exim objects: /' >>"$clash" || true
	# The verifiers' libraries against Exim's objects: a global Exim
	# defines would interpose on the library's own calls.
	for lib in $(make -s -C "$AGTREE" module-libs-verify | tr ' ' '\n' |
		sed -n 's/^-l//p'); do
		lib=$(ldconfig -p | awk -v l="lib$lib.so" '$1 ~ "^"l && !found {print $NF; found = 1}')
		[ -n "$lib" ] || continue
		nm -D --defined-only "$lib" 2>/dev/null | awk 'NF==3{print $3}' |
			sed 's/@.*//' | sort -u >"$WORK/symbols.lib"
		find "$bdir" -name '*.o' ! -name local_scan.o -print0 |
			xargs -0 -r nm -g --defined-only 2>/dev/null | awk 'NF==3{print $3}' |
			sort -u | comm -12 "$WORK/symbols.lib" - |
			sed "s|^|exim objects vs $lib: |" >>"$clash" || true
	done
	if [ -x "$bdir/exim" ]; then
		for lib in $(ldd "$bdir/exim" | awk '$3 ~ /^\//{print $3}'); do
			nm -D --defined-only "$lib" 2>/dev/null | awk 'NF==3{print $3}' |
				sed 's/@.*//' | sort -u | comm -12 "$ag" - |
				sed "s|^|$lib: |" >>"$clash" || true
		done
	fi
	log "authgate defines $(wc -l <"$ag") global symbols ($WORK/symbols.authgate)," \
		"clashes: $(wc -l <"$clash")"
	sed 's/^/   /' "$clash" >&2
}

step_build() {
	[ -e "$TREE/Local/Makefile" ] || die "build: run the configure step first"
	step_module # incremental: keeps objects.rsp in step with the tree
	# EXTRALIBS_EXIM is no make dependency: relink whenever we build.
	rm -f "$(build_dir)/exim"
	make -C "$TREE" -j"$JOBS" FULLECHO='' exim
	check_symbols
}

step_install() {
	local bdir
	bdir=$(build_dir)
	# Debian's 32_exim4.dpatch names the binary exim4: exim_path (what the
	# daemon re-execs, e.g. for -Mc) is BIN_DIRECTORY/exim4.
	install -m 0755 "$bdir/exim" "$BINDIR/exim4"
	ln -sf exim4 "$BINDIR/exim"
	# A configuration for runs without -C (the file CONFIGURE_FILE names).
	[ -e "$ETCDIR/exim4.conf" ] || printf '%s\n' \
		"spool_directory = $WORK/spool" \
		"log_file_path = $WORK/spool/log/%slog" \
		'keep_environment =' \
		'begin acl' >"$ETCDIR/exim4.conf"
	log "installed $BINDIR/exim4 (and exim -> exim4)"
}

step_verify() {
	local exim=$BINDIR/exim4 cfg=$ETCDIR/exim4.conf
	"$exim" -C "$cfg" -bV
	local sup
	sup=$("$exim" -C "$cfg" -bV | sed -n 's/^Support for: //p')
	for f in DKIM SPF; do
		case " $sup " in *" $f "*) ;; *) die "verify: no $f in -bV" ;; esac
	done
	"$exim" -C "$cfg" -bV | grep '^Lookups.*lsearch.*dnsdb' >/dev/null || die "verify: lookups"
	[ "$("$exim" -C "$cfg" -bP -n exim_path)" = "$exim" ] || die "verify: exim_path is not $exim"
	# local_scan support: the option exists, and local_scan_path does not.
	"$exim" -C "$cfg" -bP local_scan_timeout
	"$exim" -C "$cfg" -bP macros | grep -E '_OPT_MAIN_LOCAL_SCAN|_HAVE_(DKIM|SPF)'
	if "$exim" -C "$cfg" -bP local_scan_path >/dev/null 2>&1; then
		die "verify: local_scan_path is known: the dlopen patch is active"
	fi
	# authgate is inside; dlopen is not imported.
	# (no grep -q after a pipe: with pipefail, SIGPIPE would fail it)
	# local_scan_version_major exists only in authgate.c (the dlopen
	# loader that looks it up is not compiled).
	nm "$exim" | grep -E ' [Tt] local_scan_version_major$' >/dev/null ||
		die "verify: authgate's local_scan is not in the binary"
	if nm -D --undefined-only "$exim" | grep -w dlopen >/dev/null; then
		die "verify: the binary imports dlopen"
	fi
	echo "verify: OK: $("$exim" -C "$cfg" -bV | head -1 | cut -d' ' -f1-4), local_scan = authgate (static)"
	echo "verify: dynamic libraries:"
	ldd "$exim" | awk '{print "  " $1}'
}

step_clean() {
	rm -rf "$AGBUILD" "$INC" "$BINDIR" "$ETCDIR" "$WORK/spool" "$APT_DIR" \
		"$WORK"/symbols.*
}

main() {
	mkdir -p "$WORK"
	local steps=("$@")
	if [ ${#steps[@]} = 0 ]; then
		steps=(deps fetch configure module build install verify)
		: >"$TIMES"
	fi
	local s
	for s in "${steps[@]}"; do
		case "$s" in
		deps | fetch | configure | module | build | install | verify | clean)
			log "step $s"
			timed "$s" "step_$s"
			;;
		*) die "unknown step $s" ;;
		esac
	done
}

main "$@"
