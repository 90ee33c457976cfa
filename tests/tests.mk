# SPDX-License-Identifier: BSD-2-Clause
# Unit tests of the core: one cmocka program per core file.
UNIT_SRCS	:= $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
UNIT_HELPERS	:= $(BUILD)/tests/unit/helpers.o $(BUILD)/tests/unit/mem_store.o

BINARIES	+= $(LIBTWOFA)
CHECK_TARGETS	+= check-unit

# test_store replaces the system calls of the update path with failing
# versions (-Wl,--wrap), to show the old record survives each failure.
WRAP_test_store	:= $(foreach f,pwrite fdatasync write fsync renameat renameat2,-Wl,--wrap=$(f))

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(UNIT_HELPERS) $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(WRAP_$*) -lcmocka $(LIBNETTLE) $(LIBCRYPTO)

.PHONY: check-unit unit-tests
unit-tests: $(UNIT_BINS)

# Each program runs alone; a failure does not hide the others' results.
check-unit: $(UNIT_BINS)
	@rc=0; for t in $(UNIT_BINS); do \
		echo "--- $$t"; $$t || rc=1; \
	done; exit $$rc
