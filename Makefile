# oscope — build, run, test. `make run` and `make test` install what is missing first.
VERSION   := 0.1.0
CC        ?= gcc
PREFIX    ?= /usr/local
PKG_CONFIG ?= pkg-config

WARN      := -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wcast-qual -Wundef \
             -Wpointer-arith
CFLAGS    ?= -O2 -g
CPPFLAGS  += -I. -D_GNU_SOURCE -DOSCOPE_VERSION='"$(VERSION)"'
# libproc2 is linked statically when its archive is installed (Debian's libproc2-dev has
# it): oscope uses only its meminfo, vmstat and stat readers, and the shared library drags
# in libsystemd and five more libraries that cost about 900 KiB of resident memory.
PROC2_DIR := $(shell $(PKG_CONFIG) --variable=libdir libproc2 2>/dev/null)
PROC2_LIB := $(shell $(PKG_CONFIG) --libs libproc2 2>/dev/null || echo -lproc2)
ifneq ($(and $(PROC2_DIR),$(wildcard $(PROC2_DIR)/libproc2.a)),)
PROC2_LIB := -Wl,-Bstatic $(PROC2_LIB) -Wl,-Bdynamic
endif
LIBS      := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw -ltinfo) \
             $(PROC2_LIB) -lpthread -lm
TEST_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
VT_LIBS   := $(shell $(PKG_CONFIG) --libs vterm 2>/dev/null || echo -lvterm) -lutil

# SAN=1: a separate tree under build/san with AddressSanitizer + UndefinedBehaviorSanitizer.
ifeq ($(SAN),1)
B         := build/san
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
BIN       := $(B)/oscope
else
B         := build/rel
SANFLAGS  :=
BIN       := oscope
endif

# Lab code that misbehaves on purpose (use-after-free, stack overflow) lives in
# scenes/unsafe_*.c and is never instrumented, so the sanitizer build of oscope stays clean.
UNSAFE_SRC := $(wildcard scenes/unsafe_*.c)
LIB_SRC   := $(filter-out tui/main.c $(UNSAFE_SRC),$(wildcard util/*.c probes/*.c scenes/*.c tui/*.c))
LAB_FILES := $(shell grep -l 'LAB-BEGIN' scenes/*.c 2>/dev/null)
GEN_SRC   := $(patsubst scenes/%.c,$(B)/gen/%_src.c,$(LAB_FILES))
LIB_OBJ   := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC)) $(patsubst %.c,$(B)/obj/%.o,$(GEN_SRC:$(B)/%=%)) \
             $(patsubst %.c,$(B)/nosan/%.o,$(UNSAFE_SRC))
LIB_A     := $(B)/liboscope.a
# The scene "dangling" runs its use-after-free once more built with AddressSanitizer.
UAF_BIN   := $(B)/oscope-uaf-asan

UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
SCREEN_SRC := $(wildcard tests/screen/screen_*.c)
SCREEN_BIN := $(patsubst tests/screen/%.c,$(B)/tests/%,$(SCREEN_SRC))
SCREEN_LIB := $(filter-out $(SCREEN_SRC),$(wildcard tests/screen/*.c))

.PHONY: all run test check unit screen deps deps-test clean install asan clang bench check-hard
all: $(BIN) $(UAF_BIN)

$(BIN): $(B)/obj/tui/main.o $(LIB_A)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LIBS)

# -O0: an optimiser may drop a store to freed memory, and then there is nothing to catch.
# Without the sanitizer runtime it is not built; the scene then says so.
$(UAF_BIN): scenes/asan/uaf_demo.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -Wall -Wextra -O0 -g -fsanitize=address -fno-omit-frame-pointer -o $@ $< || \
	  { rm -f $@; echo "note: no AddressSanitizer here: the scene dangling will say so"; }

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP -c -o $@ $<

# Generated listings: compiled from build/gen, object under build/*/obj/gen.
$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

$(B)/gen/%_src.c: scenes/%.c tools/extract-lab.awk
	@mkdir -p $(dir $@)
	awk -v file=$< -v name=$* -f tools/extract-lab.awk $< > $@.tmp && mv $@.tmp $@

$(B)/nosan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) -fno-omit-frame-pointer -MMD -MP -c -o $@ $<

$(B)/tests/test_%: tests/unit/test_%.c $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(CFLAGS) $(SANFLAGS) -o $@ $< $(LIB_A) $(TEST_LIBS) $(LIBS)

$(B)/tests/screen_%: tests/screen/screen_%.c $(SCREEN_LIB) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(CFLAGS) $(SANFLAGS) -o $@ $< $(SCREEN_LIB) $(LIB_A) $(TEST_LIBS) $(VT_LIBS) $(LIBS)

-include $(shell find build -name '*.d' 2>/dev/null)

deps:
	@tools/deps.sh build
deps-test:
	@tools/deps.sh test

run: deps
	@$(MAKE) --no-print-directory all
	./oscope

# Unit tests, then screen tests on the real binary, then the same under ASan+UBSan, then
# the robustness suite (about 12 minutes). `make check` alone is the quick round.
test: deps-test
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory SAN=1 check
	@$(MAKE) --no-print-directory check-hard

check: $(BIN) $(UAF_BIN) $(UNIT_BIN) $(SCREEN_BIN)
	@OSCOPE_BIN=$(BIN) B=$(B) tools/run-tests.sh $(UNIT_BIN) -- $(SCREEN_BIN) -- $(wildcard tests/screen/*.sh)

# Benchmarks against htop and top (bench/): writes and prints bench/README.md; a gap is
# reported, never a failure.
BENCH_LIB := bench/ptyrun.c bench/bench.c
bench: deps-test
	@$(MAKE) --no-print-directory $(BIN) build/bench/tuibench build/bench/stepbench build/bench/samplebench
	@OSCOPE_BIN=$(BIN) sh bench/run.sh

build/bench/%: bench/%.c $(BENCH_LIB) $(wildcard bench/*.h) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -O2 -g -o $@ $< $(BENCH_LIB) $(LIB_A) $(VT_LIBS) $(LIBS)

# Robustness (tests/hard/): key fuzz, sizes and terminals, signals, lab faults, valgrind,
# LANG=C, and libFuzzer targets over every text parser (built with clang into build/fuzz).
HARD_SRC  := $(wildcard tests/hard/hard_*.c)
HARD_BIN  := $(patsubst tests/hard/%.c,$(B)/tests/%,$(HARD_SRC))
HARD_LIB  := $(filter-out $(HARD_SRC),$(wildcard tests/hard/*.c))
FUZZ_BIN  := $(patsubst tests/hard/fuzz/%.c,build/fuzz/%,$(wildcard tests/hard/fuzz/fuzz_*.c))
FUZZ_OBJ  := $(patsubst %.c,build/fuzz/obj/%.o,$(wildcard probes/*.c util/*.c))
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined

check-hard: deps-test
	@$(MAKE) --no-print-directory $(BIN) $(UAF_BIN) $(HARD_BIN) $(FUZZ_BIN)
	@OSCOPE_BIN=$(BIN) B=$(B) TEST_TIMEOUT=900 tools/run-tests.sh $(HARD_BIN) -- -- $(wildcard tests/hard/*.sh)

$(B)/tests/hard_%: tests/hard/hard_%.c $(HARD_LIB) $(SCREEN_LIB) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(CFLAGS) $(SANFLAGS) -o $@ $< $(HARD_LIB) $(SCREEN_LIB) $(LIB_A) $(TEST_LIBS) $(VT_LIBS) $(LIBS)

.PRECIOUS: build/fuzz/obj/%.o
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) $(WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# tour_parse looks scenes up in the registry: the rest of oscope comes from the library.
build/fuzz/fuzz_tour_parse: build/fuzz/obj/scenes/tour.o $(LIB_A)
build/fuzz/fuzz_optcheck: build/fuzz/obj/scenes/optcheck.o
build/fuzz/fuzz_%: tests/hard/fuzz/fuzz_%.c tests/hard/fuzz/fuzz.h $(FUZZ_OBJ)
	clang $(CPPFLAGS) $(WARN) -Wno-missing-prototypes $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $(filter %.c %.o %.a,$^) $(LIBS)

clang:
	@$(MAKE) --no-print-directory CC=clang B=build/clang BIN=build/clang/oscope build/clang/oscope

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 oscope $(DESTDIR)$(PREFIX)/bin/oscope
	install -m 644 docs/oscope.1 $(DESTDIR)$(PREFIX)/share/man/man1/oscope.1
	install -d $(DESTDIR)$(PREFIX)/libexec/oscope
	if [ -x $(UAF_BIN) ]; then install -m 755 $(UAF_BIN) $(DESTDIR)$(PREFIX)/libexec/oscope/; fi

clean:
	rm -rf build oscope
