# Touchpoint: hand-written Makefile.
#   make                 build everything (objects under build/)
#   make DEVELOPER=1     add -Werror
#   make SANITIZE=address,undefined   build with sanitizers (under build-san/)
#   make deps            install the Debian packages the build and tests need
#   make run             build, create the demo database, start the server
#   make test            build and run every test with prove
#   make bench | fuzz | install | clean

CC      ?= cc
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/touchpoint
PKG_CONFIG ?= pkg-config

BUILD := build$(if $(SANITIZE),-san)

PKGS = libmicrohttpd sqlite3 libcurl libqrencode jansson libcrypto xlsxwriter
# Deferred (=), so that `make deps` works before the libraries are installed.
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS))

CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -pthread
CFLAGS += -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wcast-qual -Wformat=2 -Wpointer-arith -Wvla -Wundef
ifdef DEVELOPER
CFLAGS += -Werror
endif
ifdef SANITIZE
CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif
CPPFLAGS += -Icommon -MMD -MP -DTP_DATADIR='"$(DATADIR)"' 
LDLIBS += $(PKG_LIBS) -lm -pthread

COMMON_SRC := $(wildcard common/*.c)
SERVER_SRC := $(wildcard server/*.c)
KIOSK_SRC  := $(wildcard kiosk/*.c)
GATEWAY_SRC := $(wildcard gateway/*.c)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
INTEG_SRC  := $(wildcard tests/integration/test_*.c)
SUPPORT_SRC := tests/tap.c $(wildcard tests/support/*.c)
BENCH_SRC  := $(wildcard bench/bench_*.c)

COMMON_OBJ  := $(COMMON_SRC:%.c=$(BUILD)/%.o)
SERVER_OBJ  := $(SERVER_SRC:%.c=$(BUILD)/%.o)
KIOSK_OBJ   := $(KIOSK_SRC:%.c=$(BUILD)/%.o)
GATEWAY_OBJ := $(GATEWAY_SRC:%.c=$(BUILD)/%.o)
# The gateway's modules but its main, for the tests of its adapters (test_gw_*).
LIBGATEWAY  := $(BUILD)/libgateway.a
SUPPORT_OBJ := $(SUPPORT_SRC:%.c=$(BUILD)/%.o)
LIBCOMMON   := $(BUILD)/libtouchpoint.a
SERVER_BIN  := $(BUILD)/touchpoint-server
KIOSK_BIN   := $(BUILD)/touchpoint-kiosk
GATEWAY_BIN := $(BUILD)/touchpoint-gateway
UNIT_BIN    := $(UNIT_SRC:%.c=$(BUILD)/%)
INTEG_BIN   := $(INTEG_SRC:%.c=$(BUILD)/%)
BENCH_BIN   := $(BENCH_SRC:%.c=$(BUILD)/%)
# The NGO-sized database the benchmarks read, made by bench/gen_ngo.c.
GEN_BIN     := $(BUILD)/bench/gen_ngo
BENCH_DB    := $(BUILD)/bench/ngo.db
# The server's modules without its main(), for benchmarks that call them.
SERVER_LIB_OBJ := $(filter-out $(BUILD)/server/main.o,$(SERVER_OBJ))
TEST_BIN    := $(UNIT_BIN) $(INTEG_BIN)
KIOSK_VENDOR := assets/kiosk/vendor/zxing-library.min.js
CONSOLE_VENDOR := assets/console/vendor/chart.umd.min.js

DEMO_DB ?= var/demo.db
LISTEN  ?= 127.0.0.1:8080
KIOSK_LISTEN ?= 127.0.0.1:8081
KIOSK_DATA ?= var/demo-kiosk
GATEWAY_LISTEN ?= 127.0.0.1:8082
GATEWAY_DATA ?= var/demo-gateway

.PHONY: all deps run test bench fuzz install clean
# Keep objects of test and bench programs between runs.
.SECONDARY:
.DEFAULT_GOAL := all

all: $(SERVER_BIN) $(KIOSK_BIN) $(GATEWAY_BIN) $(KIOSK_VENDOR) $(CONSOLE_VENDOR)

# The kiosk's QR decoder, from npm (package-lock.json, installed by
# `make deps`), copied into the kiosk's assets: generated, not committed.
$(KIOSK_VENDOR): package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/@zxing/library/umd/index.min.js $@
	cp node_modules/@zxing/library/LICENSE $(dir $@)zxing-library.LICENSE
# The console's chart library (the dashboard), the same way.
$(CONSOLE_VENDOR): package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/chart.js/dist/chart.umd.min.js $@
	cp node_modules/chart.js/LICENSE.md $(dir $@)chart.js.LICENSE.md

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBCOMMON): $(COMMON_OBJ)
	$(AR) rcs $@ $^

$(SERVER_BIN): $(SERVER_OBJ) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $(SERVER_OBJ) $(LIBCOMMON) $(LDLIBS)

$(KIOSK_BIN): $(KIOSK_OBJ) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $(KIOSK_OBJ) $(LIBCOMMON) $(LDLIBS)

$(GATEWAY_BIN): $(GATEWAY_OBJ) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $(GATEWAY_OBJ) $(LIBCOMMON) $(LDLIBS)

$(LIBGATEWAY): $(filter-out $(BUILD)/gateway/main.o,$(GATEWAY_OBJ))
	$(AR) rcs $@ $^

# Tests of the gateway's own modules see its headers and link them too (the
# shorter stem wins).
$(BUILD)/tests/unit/test_gw_%.o: CPPFLAGS += -Igateway
$(BUILD)/tests/integration/test_gw_%.o: CPPFLAGS += -Igateway
$(BUILD)/tests/unit/test_gw_%: $(BUILD)/tests/unit/test_gw_%.o $(SUPPORT_OBJ) $(LIBGATEWAY) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIBGATEWAY) $(LIBCOMMON) $(LDLIBS)

$(BUILD)/tests/integration/test_gw_%: $(BUILD)/tests/integration/test_gw_%.o $(SUPPORT_OBJ) $(LIBGATEWAY) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIBGATEWAY) $(LIBCOMMON) $(LDLIBS)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(SUPPORT_OBJ) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIBCOMMON) $(LDLIBS)

$(BUILD)/tests/integration/%: $(BUILD)/tests/integration/%.o $(SUPPORT_OBJ) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIBCOMMON) $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/bench/%.o $(SUPPORT_OBJ) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $< $(SUPPORT_OBJ) $(LIBCOMMON) $(LDLIBS)

$(BUILD)/bench/bench_indicators: $(BUILD)/bench/bench_indicators.o $(SERVER_LIB_OBJ) $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $< $(SERVER_LIB_OBJ) $(LIBCOMMON) $(LDLIBS)

$(GEN_BIN): $(BUILD)/bench/gen_ngo.o $(BUILD)/server/schema.o $(LIBCOMMON)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Made again when what decides its rows changes (the generator, the schema),
# not each time the common library is rebuilt.
$(BENCH_DB): bench/gen_ngo.c server/schema.c | $(GEN_BIN)
	$(GEN_BIN) $@

deps:
	@sh tools/deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p $(dir $(DEMO_DB)) $(dir $(KIOSK_DATA))
	@sh tools/run.sh $(SERVER_BIN) $(KIOSK_BIN) $(DEMO_DB) $(LISTEN) $(KIOSK_LISTEN) $(KIOSK_DATA) \
	  $(GATEWAY_BIN) $(GATEWAY_LISTEN) $(GATEWAY_DATA)

# Tests find the daemons and assets through the environment, so the same
# binaries run from any working directory.
test: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN)
	TP_SERVER_BIN=$(abspath $(SERVER_BIN)) TP_KIOSK_BIN=$(abspath $(KIOSK_BIN)) \
	  TP_GATEWAY_BIN=$(abspath $(GATEWAY_BIN)) \
	  TP_ASSETS=$(abspath assets) prove -f --exec '' $(TEST_BIN)
	TP_SERVER_BIN=$(abspath $(SERVER_BIN)) TP_KIOSK_BIN=$(abspath $(KIOSK_BIN)) \
	  TP_GATEWAY_BIN=$(abspath $(GATEWAY_BIN)) \
	  TP_ASSETS=$(abspath assets) node --test tests/browser/

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN) $(BENCH_DB)
	@for b in $(BENCH_BIN); do TP_SERVER_BIN=$(abspath $(SERVER_BIN)) \
	  TP_ASSETS=$(abspath assets) TP_BENCH_DB=$(abspath $(BENCH_DB)) $$b || exit 1; done

# libFuzzer targets need clang; each is built with the common library from
# source (fuzz_gw_* with the gateway's modules too).
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
fuzz:
	@mkdir -p build-fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  case $$n in fuzz_gw_*) gw="-Igateway $(filter-out gateway/main.c,$(GATEWAY_SRC))";; *) gw=;; esac; \
	  clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Icommon \
	    $(PKG_CFLAGS) -o build-fuzz/$$n $$f $(COMMON_SRC) $$gw $(LDLIBS) || exit 1; \
	  mkdir -p build-fuzz/corpus-$$n; \
	  build-fuzz/$$n -max_total_time=$${FUZZ_SECONDS:-30} build-fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; \
	done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)
	install -m 0755 $(SERVER_BIN) $(DESTDIR)$(BINDIR)/touchpoint-server
	install -m 0755 $(KIOSK_BIN) $(DESTDIR)$(BINDIR)/touchpoint-kiosk
	install -m 0755 $(GATEWAY_BIN) $(DESTDIR)$(BINDIR)/touchpoint-gateway
	cp -R assets/. $(DESTDIR)$(DATADIR)/

clean:
	rm -rf build build-san build-fuzz assets/kiosk/vendor assets/console/vendor

-include $(COMMON_OBJ:.o=.d) $(SERVER_OBJ:.o=.d) $(KIOSK_OBJ:.o=.d) $(GATEWAY_OBJ:.o=.d)
-include $(SUPPORT_OBJ:.o=.d)
-include $(UNIT_BIN:=.d) $(INTEG_BIN:=.d) $(BENCH_BIN:=.d) $(GEN_BIN).d
