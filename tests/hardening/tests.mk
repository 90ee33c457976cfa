# The adversarial suite (issue 7): faults, crashes, hostile files, races,
# sanitizers, leaks, PAM stacks and timing. See tests/hardening/README.md.

HARDEN_DIR	:= $(BUILD)/tests/hardening
HARDEN_PROGS	:= $(patsubst tests/hardening/%.c,$(HARDEN_DIR)/%,\
		   $(wildcard tests/hardening/*.c))

CHECK_TARGETS	+= check-hardening
TEST_PACKAGES	+= strace python3-pytest python3-pyotp

$(HARDEN_DIR)/%: $(HARDEN_DIR)/%.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBCRYPTO)

.SECONDARY: $(HARDEN_PROGS:%=%.o)
.PHONY: check-hardening hardening-progs
hardening-progs: $(HARDEN_PROGS)

PYTEST		?= /usr/bin/python3 -m pytest

check-hardening: $(HARDEN_PROGS)
	$(HARDEN_DIR)/oom_slot
	BUILD=$(BUILD) $(PYTEST) -q -p no:cacheprovider tests/hardening
