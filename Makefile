# SPDX-License-Identifier: GPL-2.0-or-later
# authgate: an email-authentication policy module for Exim.
# `make help` lists the targets.

SHELL   := /bin/bash
CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wformat=2 -Wswitch-enum -Werror
HARDEN  = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -I. $(WARN) $(HARDEN) $(CFLAGS) -fPIC \
             -fvisibility=hidden -MMD -MP
LIBS    = -linih -lpsl -lidn2 -lnettle
# jansson: the independent JSON parser some tests hold ours against.
TEST_LIBS = -ljansson
MODULE_LIBS = -linih -lpsl -lresolv -lidn2 -lnettle
# DKIM and ARC: nettle and hogweed (and gmp under them), which Debian's
# Exim already maps.
CRYPTO_LIBS = -lhogweed -lnettle -lgmp
CLI_LIBS    = -lspf2 $(CRYPTO_LIBS) -lresolv -lidn2 -lz

# Folders by role (README "Layout"), each including only those below it
# (make depcheck). The pure ones make the engine archive.
ENGINE_DIRS = util mail policy report log
SRC_DIRS    = $(ENGINE_DIRS) verify local_scan cli
ENGINE_SRC = $(foreach d,$(ENGINE_DIRS),$(wildcard $(d)/*.c))
CLI_SRC    = $(wildcard cli/*.c)
LS_SRC     = $(wildcard local_scan/*.c)
VERIFY_SRC = $(wildcard verify/*.c)
LS_OBJ     = $(LS_SRC:%.c=$(BUILD)/%.o)
VERIFY_OBJ = $(VERIFY_SRC:%.c=$(BUILD)/%.o)
ENGINE_OBJ = $(ENGINE_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ    = $(CLI_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: conformance module-libs module-libs-verify engine-src exim-static test-static demo format lint depcheck all deps test unit scenarios cli-tests e2e check valgrind fuzz-regress fuzz bench demo lint format \
        depcheck install deb test-deb test-long clean help

all: $(BUILD)/libauthgate.a $(BUILD)/authgate $(BUILD)/authgate.so \
     $(BUILD)/authgate-verify.so

help:
	@echo "make            build build/libauthgate.a, build/authgate, build/authgate.so"
	@echo "make demo       a sandboxed Exim with the module and real signed mail"
	@echo "make deps       install every missing Debian package (scripts/deps.sh; CI)"
	@echo "make test       unit, scenario, CLI and end-to-end (Exim) tests"
	@echo "make e2e        the end-to-end tests alone (root)"
	@echo "make conformance  the public suites of ../shared/conformance, where it exists (root)"
	@echo "make test-long  20,000 messages from 16 clients, long sessions, bench/peers.sh in brief (root)"
	@echo "make check      the same tests under ASan + UBSan, then make valgrind"
	@echo "make valgrind   the command over its tests' inputs under valgrind"
	@echo "make fuzz       run every fuzz target (FUZZ_SECONDS=N each)"
	@echo "make exim-static EXIM_SRC=DIR  Exim from Debian source with authgate linked in"
	@echo "make test-static  the end-to-end suite against that Exim"
	@echo "make bench      every benchmark, against Rspamd too: bench/report.md"
	@echo "make lint       clang-tidy and cppcheck"
	@echo "make format     apply .clang-format"
	@echo "make depcheck   check the module boundaries (policy/ is pure)"
	@echo "make install    install under DESTDIR/PREFIX (default /usr/local)"
	@echo "make deb        build/authgate_VERSION_ARCH.deb, checked with lintian"
	@echo "make test-deb   the .deb on a fresh Debian 12: install, remove, purge, filtering mail"
	@echo "make clean      remove build/"

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libauthgate.a: $(ENGINE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/authgate: $(CLI_OBJ) $(BUILD)/libverify.a $(BUILD)/libauthgate.a
	$(CC) $(CFLAGS) -pie -Wl,-z,relro,-z,now -o $@ $(CLI_OBJ) \
	    $(BUILD)/libverify.a $(BUILD)/libauthgate.a $(LIBS) $(CLI_LIBS)

# Tests link a second copy of the engine built with the fault-injection
# hook (an allocator that fails the Nth call); the shipped one has none.
TENGINE_OBJ = $(ENGINE_SRC:%.c=$(BUILD)/fi/%.o) $(VERIFY_SRC:%.c=$(BUILD)/fi/%.o)
TEST_CFLAGS = $(ALL_CFLAGS) -DAG_FAULT_INJECTION -Wno-missing-prototypes

$(BUILD)/fi/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/libauthgate-fi.a: $(TENGINE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c tests/unit/helpers.h $(BUILD)/libauthgate-fi.a
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(BUILD)/libauthgate-fi.a $(LIBS) \
	    $(TEST_LIBS) -lspf2 $(CRYPTO_LIBS) -lresolv -lidn2 -lcmocka

$(BUILD)/tests/canon_dump: tests/unit/canon_dump.c $(BUILD)/libauthgate-fi.a
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(BUILD)/libauthgate-fi.a $(LIBS)

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

scenarios: $(BUILD)/authgate
	prove -v tests/scenarios/run.sh :: $(BUILD)/authgate

cli-tests: $(BUILD)/authgate $(BUILD)/tests/canon_dump
	prove tests/cli/*.t :: $(BUILD)/authgate

demo:
	@scripts/deps.sh demo
	$(MAKE) all
	AG_BUILD=$(abspath $(BUILD)) scripts/demo.sh

# A real Exim with the module, a real DNS server in a network namespace,
# real signers (needs root; skipped otherwise).
e2e: $(BUILD)/authgate.so $(BUILD)/authgate-verify.so $(BUILD)/authgate $(BUILD)/authgate-crash.so
	AG_BUILD=$(abspath $(BUILD)) prove -v tests/e2e/*.t
	AG_BUILD=$(abspath $(BUILD)) AG_SELF=1 AG_MODULE=authgate-verify.so \
	    prove -v tests/e2e/module.t tests/e2e/caps.t tests/e2e/hostile.t \
	    tests/e2e/dnsfaults.t tests/e2e/verifyfaults.t tests/e2e/forgery.t \
	    tests/e2e/idn.t tests/e2e/redteam.t tests/e2e/arcreplay.t

# The long tests: 20,000 messages from 16 clients through Exim with the
# module (LOAD_COUNT to change it), long SMTP sessions with both module
# builds, and the Rspamd comparison of `make bench` in brief. CI runs them.
test-long:
	@scripts/deps.sh test bench
	$(MAKE) $(BUILD)/authgate.so $(BUILD)/authgate-verify.so $(BUILD)/authgate
	AG_BUILD=$(abspath $(BUILD)) prove -v tests/long/*.t

# Each target installs the packages it needs (scripts/deps.sh GROUP);
# make deps installs every group (CI).
deps:
	@scripts/deps.sh

# The conformance suites run once, unsanitized: under make check they
# would add minutes to CI for code the sanitized cli and e2e tests
# already drive (authgate explain).
test:
	@scripts/deps.sh test
	$(MAKE) all depcheck unit scenarios cli-tests e2e \
	    $(if $(AG_SANITIZE),,conformance)

# The public conformance suites in ../shared/conformance, where that
# folder exists beside the checkout (root; about 15 minutes), held against
# tests/conformance/accepted.tsv: every disagreement listed with its
# reason, and no listed one that no longer holds.
conformance: $(BUILD)/authgate
	prove -v tests/conformance/run.t :: $(abspath $(BUILD))/authgate

$(BUILD)/bench_policy: bench/bench_policy.c $(BUILD)/libverify.a $(BUILD)/libauthgate.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libverify.a $(BUILD)/libauthgate.a \
	    $(LIBS) $(CLI_LIBS)

$(BUILD)/bench_dkim: bench/bench_dkim.c $(BUILD)/libverify.a $(BUILD)/libauthgate.a
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libverify.a $(BUILD)/libauthgate.a \
	    $(LIBS) $(CLI_LIBS)

# The statically linked Exim is rebuilt (about a minute) when its source
# is already there (one make exim-static fetched it), so that its row is
# of this authgate; without it the row says "not built".
bench:
	@scripts/deps.sh bench
	$(MAKE) all $(BUILD)/bench_policy $(BUILD)/bench_dkim
	@if [ -d $(EXIM_SRC)/exim4-4.96 ]; then $(MAKE) exim-static; fi
	@bench/run.sh $(BUILD)

# Exim built from Debian's source package with authgate linked in
# (LOCAL_SCAN_SOURCE), and the end-to-end suite run against it.
EXIM_SRC ?= $(abspath $(BUILD))/exim-static/src
module-libs:
	@echo $(MODULE_LIBS)

module-libs-verify:
	@echo $(VERIFY_MODULE_LIBS)

engine-src:
	@echo $(ENGINE_SRC)

# Exim's build captures the output of a make it runs into a Makefile: a
# sub-make's "Entering directory" lines (MAKEFLAGS w, inherited when this
# target runs from another, as make bench does) would break it.
exim-static:
	@scripts/deps.sh static
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL EXIM_SRC=$(EXIM_SRC) \
	    WORK=$(abspath $(BUILD))/exim-static scripts/exim-static.sh

test-static: exim-static
	@scripts/deps.sh test
	$(MAKE) all
	AG_EXIM=$(abspath $(BUILD))/exim-static/bin/exim4 AG_BUILD=$(abspath $(BUILD)) \
	    prove -v tests/e2e/module.t
	AG_EXIM=$(abspath $(BUILD))/exim-static/bin/exim4 AG_BUILD=$(abspath $(BUILD)) \
	    AG_SELF=1 prove -v tests/e2e/module.t
	AG_EXIM=$(abspath $(BUILD))/exim-static/bin/exim4 AG_BUILD=$(abspath $(BUILD)) \
	    prove -v tests/e2e/failure-reports.t

# libFuzzer targets, one per parser of untrusted or operator input.
# make fuzz FUZZ_SECONDS=N runs each for N seconds from its seed corpus
# (tests/fuzz/corpus/NAME, written by hand) and what earlier runs found
# (tests/fuzz/found/NAME: a corpus merged down to one input per new
# edge, -merge=1 -use_counters=0); new inputs go to a scratch copy,
# findings stop the run with the crashing input saved as crash-*.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS = config facts fromhdr dmarcrec arc redact subject authres domcanon \
               received compiled \
               logrec dkim
FUZZ_CC      = clang
FUZZ_FLAGS   = -std=c11 -D_DEFAULT_SOURCE -I. -g -O1 -fno-omit-frame-pointer \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BIN     = $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(ENGINE_SRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(ENGINE_SRC) $(LIBS) $(TEST_LIBS)

# The ARC verifier, with the verify/ piece it uses.
FUZZ_ARC_SRC = verify/arc.c verify/dkimkey.c verify/dkimid.c verify/sigverify.c
$(BUILD)/fuzz/fuzz_arc: tests/fuzz/fuzz_arc.c $(ENGINE_SRC) $(FUZZ_ARC_SRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(ENGINE_SRC) $(FUZZ_ARC_SRC) \
	    $(LIBS) $(CRYPTO_LIBS)

# The DKIM verifier: DER key reader, key cache, signature checks.
FUZZ_DKIM_SRC = verify/dkim.c verify/dkimkey.c verify/dkimid.c verify/sigverify.c
$(BUILD)/fuzz/fuzz_dkim: tests/fuzz/fuzz_dkim.c $(ENGINE_SRC) $(FUZZ_DKIM_SRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(ENGINE_SRC) $(FUZZ_DKIM_SRC) \
	    $(LIBS) $(CRYPTO_LIBS)

fuzz:
	@scripts/deps.sh check
	$(MAKE) $(FUZZ_BIN)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    work=tests/fuzz/corpus-work/$$t; mkdir -p $$work; \
	    dirs=tests/fuzz/corpus/$$t; \
	    [ -d tests/fuzz/found/$$t ] && dirs="$$dirs tests/fuzz/found/$$t"; \
	    echo "== fuzz_$$t: $(FUZZ_SECONDS)s"; \
	    $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	        -max_len=65536 -timeout=10 -print_final_stats=1 \
	        $$work $$dirs 2>&1 | \
	        grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' ; \
	    test $${PIPESTATUS[0]} -eq 0; \
	done

# Every seed, every input earlier runs found and every saved crash
# input, run once through its target.
fuzz-regress: $(FUZZ_BIN)
	@set -e; for t in $(FUZZ_TARGETS); do \
	    dirs=tests/fuzz/corpus/$$t; \
	    [ -d tests/fuzz/found/$$t ] && dirs="$$dirs tests/fuzz/found/$$t"; \
	    [ -d tests/fuzz/regressions/$$t ] && dirs="$$dirs tests/fuzz/regressions/$$t"; \
	    $(BUILD)/fuzz/fuzz_$$t -runs=0 $$dirs 2>&1 | grep -E '^Done|ERROR' ; \
	    test $${PIPESTATUS[0]} -eq 0; \
	done

C_FILES = $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.[ch])) \
          $(wildcard tests/unit/*.[ch] tests/fuzz/*.c bench/*.c)

format:
	clang-format -i $(C_FILES)

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --std=c11 --inline-suppr -I . $(SRC_DIRS)
	clang-tidy --quiet $(filter %.c,$(foreach d,$(ENGINE_DIRS) cli,$(wildcard $(d)/*.c))) -- \
	    -std=c11 -D_DEFAULT_SOURCE -I .

# Module boundaries (README "Layout"): each folder includes only the
# folders and libraries its row in scripts/depcheck.py names; also no
# include circle, no file name twice, no file over 900 lines.
depcheck:
	@python3 scripts/depcheck.py

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer,
# in a build tree of their own ($(BUILD)/san).
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
check:
	@scripts/deps.sh check
	$(MAKE) BUILD=$(BUILD)/san CFLAGS="$(SAN_FLAGS)" AG_SANITIZE=1 \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 test
	$(MAKE) fuzz-regress
	$(MAKE) valgrind

# The command as shipped (no sanitizers) over every input of its tests,
# each run under valgrind: no memory error, no leak (tests/valgrind/).
valgrind: $(BUILD)/authgate
	@scripts/deps.sh check
	prove tests/valgrind/cli.sh :: $(BUILD)/authgate

# The module: Exim's symbols resolve from the exim binary at dlopen time,
# so no -Wl,--no-undefined; the version script exports local_scan and the
# two version functions only.
$(BUILD)/libverify.a: $(VERIFY_OBJ)
	rm -f $@
	ar rcs $@ $^

# The module links verify/ as an archive: only the members it uses come
# in (a member needing a library the module does not link would make
# Exim's RTLD_NOW dlopen fail).
# link_module LIBS: the one recipe of every .so (the objects of its
# prerequisites, then the archives, then LIBS).
define link_module
	$(CC) $(CFLAGS) -shared -fPIC -Wl,--version-script=local_scan/exports.map \
	    -Wl,-z,relro,-z,now -Wl,--as-needed -o $@ $(filter %.o,$^) \
	    $(BUILD)/libverify.a $(BUILD)/libauthgate.a $(1)
endef
MODULE_DEPS = $(BUILD)/libverify.a $(BUILD)/libauthgate.a local_scan/exports.map

$(BUILD)/authgate.so: $(LS_OBJ) $(MODULE_DEPS)
	$(call link_module,$(MODULE_LIBS))

# The module with authgate's own DKIM and SPF ([general] dkim, spf =
# self): a separate build, so that the default one maps neither
# libspf2 nor hogweed.
LSV_OBJ = $(LS_SRC:%.c=$(BUILD)/lsv/%.o)
VERIFY_MODULE_LIBS = $(MODULE_LIBS) -lspf2 $(CRYPTO_LIBS)

$(BUILD)/lsv/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DAG_OWN_VERIFY -c $< -o $@

$(BUILD)/authgate-verify.so: $(LSV_OBJ) $(MODULE_DEPS)
	$(call link_module,$(VERIFY_MODULE_LIBS))

# A test build that crashes in local_scan() on every message
# (tests/e2e/crash.t: Exim's own 451, the message kept by the sender).
# Never installed.
$(BUILD)/crash/local_scan/authgate.o: local_scan/authgate.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DAG_CRASH_TEST -c $< -o $@

$(BUILD)/authgate-crash.so: $(BUILD)/crash/local_scan/authgate.o $(filter-out $(BUILD)/local_scan/authgate.o,$(LS_OBJ)) $(MODULE_DEPS)
	$(call link_module,$(MODULE_LIBS))

-include $(ENGINE_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(LS_OBJ:.o=.d) $(VERIFY_OBJ:.o=.d) $(LSV_OBJ:.o=.d) $(TENGINE_OBJ:.o=.d) $(UNIT_BIN:=.d)

# make install [PREFIX=/usr/local] [SYSCONFDIR=PREFIX/etc, /etc for /usr]
# [LOCALSTATEDIR=PREFIX/var, /var for /usr] [DESTDIR=]: the command, both
# module builds, man pages, the Exim snippets for Debian's split
# configuration and the files its monolithic one includes (with this
# PREFIX's paths), the switch that makes them active
# (LOCALSTATEDIR/lib/authgate/exim4.conf; the package's postinst writes it
# instead), a policy.ini if there is none (monitor mode, JSON log on:
# packaging/policy.sh), a logrotate file, and the documentation.
PREFIX     ?= /usr/local
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
LOCALSTATEDIR ?= $(if $(filter /usr,$(PREFIX)),/var,$(PREFIX)/var)
MODDIR      = $(PREFIX)/lib/exim4/local_scan
DOCDIR      = $(PREFIX)/share/doc/authgate
SHAREDIR    = $(PREFIX)/share/authgate
CONFD       = $(SYSCONFDIR)/exim4/conf.d

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MODDIR) \
	    $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/man/man5 \
	    $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(CONFD)/main $(DESTDIR)$(CONFD)/acl \
	    $(DESTDIR)$(SYSCONFDIR)/exim4/authgate $(DESTDIR)$(SYSCONFDIR)/logrotate.d \
	    $(DESTDIR)$(SHAREDIR)/exim4 $(DESTDIR)$(LOCALSTATEDIR)/lib/authgate
	install -m 755 $(BUILD)/authgate $(DESTDIR)$(PREFIX)/bin/authgate
	install -m 644 $(BUILD)/authgate.so $(BUILD)/authgate-verify.so $(DESTDIR)$(MODDIR)/
	gzip -9n <man/authgate.8 >$(DESTDIR)$(PREFIX)/share/man/man8/authgate.8.gz
	gzip -9n <man/policy.ini.5 >$(DESTDIR)$(PREFIX)/share/man/man5/policy.ini.5.gz
	chmod 644 $(DESTDIR)$(PREFIX)/share/man/man8/authgate.8.gz \
	    $(DESTDIR)$(PREFIX)/share/man/man5/policy.ini.5.gz
	install -m 644 README.md $(DESTDIR)$(DOCDIR)/
	install -m 644 docs/*.md $(DESTDIR)$(DOCDIR)/
	install -m 644 policy.ini.example exim-conf/exim4.conf.example $(DESTDIR)$(DOCDIR)/examples/
	for f in main/00_authgate_macros main/95_authgate_options acl/25_authgate; do \
	    sed -e 's#/usr/lib/exim4/local_scan#$(MODDIR)#' -e 's#/etc/exim4/authgate#$(SYSCONFDIR)/exim4/authgate#' \
	        -e 's#/var/lib/authgate#$(LOCALSTATEDIR)/lib/authgate#' \
	        exim-conf/conf.d/$$f >$(DESTDIR)$(CONFD)/$$f && chmod 644 $(DESTDIR)$(CONFD)/$$f || exit 1; \
	done
	packaging/eximfiles.sh $(DESTDIR)$(SHAREDIR)/exim4 $(MODDIR) $(SYSCONFDIR) $(LOCALSTATEDIR) $(SHAREDIR)
	install -m 644 $(DESTDIR)$(SHAREDIR)/exim4/active.conf $(DESTDIR)$(LOCALSTATEDIR)/lib/authgate/exim4.conf
	test -e $(DESTDIR)$(SYSCONFDIR)/exim4/authgate/policy.ini || { \
	    packaging/policy.sh policy.ini.example $(DESTDIR)$(SYSCONFDIR)/exim4/authgate/policy.ini && \
	    chmod 644 $(DESTDIR)$(SYSCONFDIR)/exim4/authgate/policy.ini; }
	install -m 644 exim-conf/logrotate/authgate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/authgate

# make deb: a binary package built with dpkg-deb from make install's
# tree (PREFIX=/usr), checked with lintian (errors fail the build).
DEB_VERSION = $(shell sed -n 's/^#define AUTHGATE_VERSION "\(.*\)"/\1/p' util/version.h)-1
DEB_ARCH    = $(shell dpkg --print-architecture)
DEB         = $(BUILD)/authgate_$(DEB_VERSION)_$(DEB_ARCH).deb

deb:
	@scripts/deps.sh deb
	$(MAKE) all
	scripts/mkdeb.sh $(BUILD) $(DEB_VERSION) $(DEB_ARCH)

# What deps.sh, the README and the licence files promise (a second); what
# make install gives this machine's Exim, split and monolithic, with
# authgate and after it (seconds); then the package on a fresh Debian 12
# (mmdebstrap): installed, removed and purged in both configurations, and
# with the light daemon, its Exim filtering mail throughout (root;
# downloads from the machine's Debian mirror; 1 to 2.5 minutes in all).
test-deb: deb
	prove -v tests/deb/meta.t :: $(DEB)
	AG_BUILD=$(abspath $(BUILD)) prove -v tests/deb/conf.t
	AG_BUILD=$(abspath $(BUILD)) prove -v tests/deb/install.t :: $(DEB)

clean:
	rm -rf $(BUILD)
