# make bench: per-login cost of pam_twofa against google-authenticator and
# pam_oath, side by side (bench/run.sh; results in bench/RESULTS.md).
# Not part of `make check`; it takes up to 15 minutes and a few GB of disk.
BENCH_BINS	:= $(BUILD)/bench/bench-gen $(BUILD)/bench/bench-login \
		   $(BUILD)/bench/bench-core \
		   $(BUILD)/bench/bench-logsink
# Debian packages the benchmark needs (the two anchors and the tools).
BENCH_PACKAGES	:= libpam-google-authenticator libpam-oath oathtool \
		   hyperfine strace linux-perf time

.PHONY: bench bench-bins bench-deps
bench-bins: $(BENCH_BINS)

$(BUILD)/bench/bench-gen: $(BUILD)/bench/gen.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBCRYPTO)

$(BUILD)/bench/bench-login: $(BUILD)/bench/login.o
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBPAM) $(LIBCRYPTO)

$(BUILD)/bench/bench-logsink: $(BUILD)/bench/logsink.o
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL)

bench-deps:
	sh tools/install-deps.sh $(sort $(BUILD_PACKAGES) $(BENCH_PACKAGES))

bench: bench-deps
	$(MAKE) all bench-bins
	sh bench/run.sh $(BUILD)

$(BUILD)/bench/bench-core: $(BUILD)/bench/core.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBCRYPTO)
