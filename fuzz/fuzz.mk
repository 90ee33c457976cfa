# SPDX-License-Identifier: BSD-2-Clause
# libFuzzer targets (clang, Debian: clang libclang-rt-14-dev).
#
#   make check-fuzz          each target for CHECK_FUZZ_SECONDS (in make check),
#                            after replaying its committed corpus and crashes
#   make fuzz FUZZ_SECONDS=N each target for N seconds, growing the corpus
#   make fuzz-TARGET         one target, FUZZ_SECONDS
#
# Every target is fuzz/fuzz_<name>.c; its seed corpus is fuzz/corpus/<name>/
# and inputs that once crashed it are fuzz/regressions/<name>/ (replayed by
# check-fuzz, so a fixed crash stays fixed). The core library is rebuilt
# here with the fuzzer's coverage and ASan+UBSan, and every target links
# fuzz/wrap.c, which can fail allocations and I/O calls (see wrap.h).

FUZZ_CC			?= clang
FUZZ_BUILD		?= $(BUILD)/fuzz
FUZZ_SECONDS		?= 600
CHECK_FUZZ_SECONDS	?= 12
FUZZ_SANITIZE		?= -fsanitize=address,undefined \
			   -fno-sanitize-recover=all
# The corpus is fuzzed from a scratch copy so `make fuzz` can grow it; new
# inputs found are merged back into fuzz/corpus/ with -merge=1.
FUZZ_WORK		?= $(FUZZ_BUILD)/work

# No _FORTIFY_SOURCE here: it renames read/pread/... to __*_chk, which
# would slip past the --wrap failure injection.
FUZZ_CFLAGS	:= -std=c11 -g -O1 -fno-omit-frame-pointer $(WARNINGS) \
		   -Wno-unused-command-line-argument $(FUZZ_SANITIZE) \
		   -fsanitize=fuzzer-no-link $(CFLAGS) $(EXTRA_CFLAGS)
FUZZ_CPPFLAGS	:= -D_GNU_SOURCE -Iinclude -Ilib -Ifuzz $(CPPFLAGS)
comma		:= ,
FUZZ_WRAPPED	:= malloc calloc realloc strdup strndup open openat read \
		   pread write pwrite fsync fdatasync rename renameat \
		   renameat2 linkat fstat fstatat fchmod flock fopen fdopen \
		   twofa_sha256 twofa_hmac_init twofa_hmac_mac \
		   twofa_pbkdf2_sha256 twofa_random twofa_aead_seal \
		   twofa_aead_open
FUZZ_LDFLAGS	:= $(FUZZ_SANITIZE) -fsanitize=fuzzer \
		   $(addprefix -Wl$(comma)--wrap=,$(FUZZ_WRAPPED))

# Sources a target needs besides the core: the module's option parser (a
# pure function in pam_module/options.c).
FUZZ_EXTRA_SRCS	:= pam_module/options.c
FUZZ_LIB_OBJS	:= $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(LIB_SRCS) \
		   $(FUZZ_EXTRA_SRCS))
# An archive, so a target pulls in only what it calls (the QR and token
# code would otherwise drag libqrencode and libjwt into every target).
FUZZ_LIB	:= $(FUZZ_BUILD)/libtwofa-fuzz.a
FUZZ_WRAP_OBJ	:= $(FUZZ_BUILD)/fuzz/wrap.o
# Libraries a target needs beyond libcrypto.
FUZZ_LIBS_token		:= $(LIBJWT)
FUZZ_ALL	:= $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
# Every fuzz/fuzz_*.c is a target: none is left out silently.
FUZZ_TARGETS	:= $(FUZZ_ALL)
FUZZ_BINS	:= $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

CHECK_TARGETS	+= check-fuzz
TEST_PACKAGES	+= clang libclang-rt-14-dev

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/fuzz/fuzz_%.o $(FUZZ_WRAP_OBJ) $(FUZZ_LIB)
	$(FUZZ_CC) -o $@ $^ $(FUZZ_LDFLAGS) $(FUZZ_LIBS_$*) $(LIBNETTLE) $(LIBCRYPTO)

.PHONY: fuzz-build fuzz check-fuzz $(FUZZ_TARGETS:%=fuzz-%)
fuzz-build: $(FUZZ_BINS)

# Replay the corpus and every saved crash, then fuzz for a bounded time.
# -rss_limit_mb and -timeout make a slow or leaking input a failure.
check-fuzz: $(FUZZ_BINS)
	@sh fuzz/run-fuzz.sh $(FUZZ_BUILD) $(CHECK_FUZZ_SECONDS) check \
		$(FUZZ_TARGETS)

fuzz: $(FUZZ_BINS)
	@sh fuzz/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) grow $(FUZZ_TARGETS)

$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: $(FUZZ_BUILD)/fuzz_%
	@sh fuzz/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) grow $*

# Keep the objects: they are only prerequisites of a pattern rule, which
# would otherwise make them intermediate files that make deletes.
.SECONDARY: $(FUZZ_LIB_OBJS) $(FUZZ_WRAP_OBJ) \
	$(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/fuzz_%.o)
