# authgate: an email-authentication policy module for Exim.
# `make help` lists the targets.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wformat=2 -Wswitch-enum -Werror
HARDEN  = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE $(WARN) $(HARDEN) $(CFLAGS) -fPIC \
             -fvisibility=hidden -MMD -MP
LIBS    = -linih -lpsl -ljansson

POLICY_SRC = $(wildcard policy/*.c)
CLI_SRC    = $(wildcard cli/*.c)
POLICY_OBJ = $(POLICY_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ    = $(CLI_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test unit scenarios cli-tests check fuzz bench demo lint format \
        depcheck install clean help

all: $(BUILD)/libauthgate.a $(BUILD)/authgate

help:
	@echo "make            build build/libauthgate.a and build/authgate"
	@echo "make deps       install missing Debian packages (scripts/deps.sh)"
	@echo "make test       unit tests, scenario cases and CLI tests"
	@echo "make check      the same tests under ASan + UBSan"
	@echo "make fuzz       run every fuzz target (FUZZ_SECONDS=N each)"
	@echo "make bench      benchmarks: decisions/s, policy load time"
	@echo "make lint       clang-tidy and cppcheck"
	@echo "make format     apply .clang-format"
	@echo "make depcheck   check the module boundaries (policy/ is pure)"
	@echo "make install    install under PREFIX (default /usr/local)"
	@echo "make clean      remove build/"

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libauthgate.a: $(POLICY_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/authgate: $(CLI_OBJ) $(BUILD)/libauthgate.a
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libauthgate.a $(LIBS)

# Tests link a second copy of the engine built with the fault-injection
# hook (an allocator that fails the Nth call); the shipped one has none.
TPOLICY_OBJ = $(POLICY_SRC:%.c=$(BUILD)/fi/%.o)
TEST_CFLAGS = $(ALL_CFLAGS) -DAG_FAULT_INJECTION -Wno-missing-prototypes

$(BUILD)/fi/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(BUILD)/libauthgate-fi.a: $(TPOLICY_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c tests/unit/helpers.h $(BUILD)/libauthgate-fi.a
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(BUILD)/libauthgate-fi.a $(LIBS) -lcmocka

unit: $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; $$t; done

scenarios: $(BUILD)/authgate
	prove -v tests/scenarios/run.sh :: $(BUILD)/authgate

cli-tests: $(BUILD)/authgate
	prove tests/cli/*.t :: $(BUILD)/authgate

deps:
	@scripts/deps.sh

test: deps
	$(MAKE) all unit scenarios cli-tests

# The same tests under AddressSanitizer and UndefinedBehaviorSanitizer,
# in a build tree of their own.
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
check:
	$(MAKE) BUILD=build/san CFLAGS="$(SAN_FLAGS)" \
	    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 test

-include $(POLICY_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TPOLICY_OBJ:.o=.d)
