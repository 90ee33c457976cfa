# SPDX-License-Identifier: BSD-2-Clause
# Shared test tooling (not installed), for any test that drives PAM:
#   pamrun          a PAM application: private confdir, scripted answers,
#                   N logins released at the same instant
#   syslog-sink     a tiny syslog daemon; tests/tools/with-syslog runs a
#                   command with a private /dev/log captured to a file
#   twofa-testrec   writes and dumps records over the core library
# Depend on the phony target test-tools (fragments are included in
# alphabetical order, so the variable may not be set yet where you are).
TEST_TOOLS	:= $(BUILD)/tests/tools/pamrun $(BUILD)/tests/tools/syslog-sink \
		   $(BUILD)/tests/tools/twofa-testrec
TEST_PACKAGES	+= util-linux libpam-modules

.PHONY: test-tools
test-tools: $(TEST_TOOLS)

$(BUILD)/tests/tools/pamrun: $(BUILD)/tests/tools/pamrun.o
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBPAM)

$(BUILD)/tests/tools/syslog-sink: $(BUILD)/tests/tools/syslog-sink.o
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL)

# state_dump.o (the "key=value" state lines) is shared with fleet-drive.
$(BUILD)/tests/tools/twofa-testrec: $(BUILD)/tests/tools/twofa-testrec.o \
		$(BUILD)/tests/tools/state_dump.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBNETTLE) $(LIBCRYPTO)
