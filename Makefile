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

.PHONY: all test unit scenarios check fuzz bench demo lint format \
        depcheck install clean help

all: $(BUILD)/libauthgate.a $(BUILD)/authgate

help:
	@echo "make            build build/libauthgate.a and build/authgate"
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

-include $(POLICY_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
