# SPDX-License-Identifier: BSD-2-Clause
# make bench: per-login cost of pam_twofa against google-authenticator and
# pam_oath, side by side (bench/run.sh; results in bench/RESULTS.md), in
# one process and in a fresh process per login, and the system's su and
# sudo with each module (bench/stack.sh changes /etc/pam.d/su and sudo for
# the user nobody while it runs, under the e2e lock, and restores them).
# Not part of `make check` (it takes up to 15 minutes and a few GB of disk
# for a million enrolled users); check-bench runs its --smoke mode.
BENCH_BINS	:= $(BUILD)/bench/bench-gen $(BUILD)/bench/bench-login \
		   $(BUILD)/bench/bench-core $(BUILD)/bench/bench-logsink
BENCH_BINS	+= $(BUILD)/bench/bench-tokens $(BUILD)/bench/bench-qr
BENCH_BINS	+= $(BUILD)/bench/bench-fresh $(BUILD)/bench/bench-fresh-login \
		   $(BUILD)/bench/bench-libload
# The module as NETTLE_LINK=shared builds it (libnettle.so.8 loaded with
# it), for the fresh-process comparison of the two ways of linking Nettle.
BENCH_BINS	+= $(BUILD)/bench/pam_twofa-nettle-shared.so
# A stand-in module that makes one durable write and one log line: the
# floor any module keeping the durability promise stands on (pam_floor.c).
BENCH_BINS	+= $(BUILD)/bench/pam_bench_floor.so
# Debian packages the benchmark needs (the two anchors and the tools).
BENCH_PACKAGES	:= libpam-google-authenticator libpam-oath oathtool \
		   hyperfine strace linux-perf time openssl

.PHONY: bench bench-bins bench-deps
bench-bins: $(BENCH_BINS)

$(BUILD)/bench/bench-gen: $(BUILD)/bench/gen.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBNETTLE) $(LIBCRYPTO)

$(BUILD)/bench/bench-core: $(BUILD)/bench/core.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBNETTLE) $(LIBCRYPTO)

$(BUILD)/bench/bench-tokens: $(BUILD)/bench/tokens.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBJWT) $(LIBNETTLE) $(LIBCRYPTO)

$(BUILD)/bench/bench-qr: $(BUILD)/bench/qr.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBQRENCODE) $(LIBNETTLE) $(LIBCRYPTO)

$(BUILD)/bench/bench-login: $(BUILD)/bench/login.o
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBPAM) $(LIBNETTLE) $(LIBCRYPTO)

# The fresh-process driver computes the codes (OpenSSL, as bench-login);
# the login it starts links libpam alone, as su and sudo do.
$(BUILD)/bench/bench-fresh: $(BUILD)/bench/fresh.o
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBCRYPTO)

$(BUILD)/bench/bench-fresh-login: $(BUILD)/bench/fresh_login.o
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBPAM)

# libc only: it loads libnettle or libcrypto itself, to time that.
$(BUILD)/bench/bench-libload: $(BUILD)/bench/libload.o
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL)

$(BUILD)/bench/pam_twofa-nettle-shared.so: $(MODULE_OBJS) $(LIBTWOFA) $(MODULE_MAP)
	@mkdir -p $(dir $@)
	$(call link_module,$(LIBPAM) $(LIBNETTLE))

$(BUILD)/bench/pam_bench_floor.so: $(BUILD)/bench/pam_floor.o
	$(CC) $(CFLAGS_ALL) -shared -o $@ $^ $(LDFLAGS_ALL) -Wl,-z,defs $(LIBPAM)

$(BUILD)/bench/bench-logsink: $(BUILD)/bench/logsink.o
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL)

bench-deps:
	sh tools/install-deps.sh $(sort $(BUILD_PACKAGES) $(BENCH_PACKAGES))

bench: bench-deps
	$(MAKE) all bench-bins
	sh bench/run.sh $(BUILD)
	/usr/bin/python3 bench/report.py $(BUILD)/bench/out bench/RESULTS.md
	@echo "bench: results in bench/RESULTS.md"
	$(MAKE) --no-print-directory bench-fleet

# make check: the benchmark's smoke mode (1,000 users, a few logins per
# module, a few seconds) and a check of what it relies on and shows.
TEST_PACKAGES	+= libpam-google-authenticator libpam-oath strace hyperfine \
		   time openssl
CHECK_TARGETS	+= check-bench

.PHONY: check-bench
check-bench: bench-bins
	sh bench/run.sh $(BUILD) --smoke --out $(BUILD)/bench/smoke
	/usr/bin/python3 bench/smoke_check.py $(BUILD)/bench/smoke/results.txt
