# SPDX-License-Identifier: BSD-2-Clause
# Invitations and self-enrollment at login (SPEC 9): twofa-admin invite,
# and the module's enroll flow through the real libpam, driven by a
# Python conversation (tests/invite/drive.py) that reads the new secret
# out of the enrollment prompt; codes from Python's hmac, QR codes read
# back by zbarimg, the clock from libfaketime, syslog caught by
# tests/tools/with-syslog, and a private /etc/twofa for the record key
# (tests/token/with-etc-twofa); needs root, as `make check` runs.
CHECK_TARGETS	+= check-invite
TEST_PACKAGES	+= python3-pytest python3-pil python3-jwt zbar-tools libfaketime \
		   libpam-modules util-linux

INVITE_TEST_LOG	:= $(BUILD)/tests/invite/syslog.log

.PHONY: check-invite
check-invite: $(MODULE_SO) $(BUILD)/twofa-admin test-tools
	@mkdir -p $(BUILD)/tests/invite
	@rm -f $(INVITE_TEST_LOG)
	SYSLOG_SINK=$(abspath $(BUILD))/tests/tools/syslog-sink \
	tests/tools/with-syslog $(INVITE_TEST_LOG) -- \
		tests/token/with-etc-twofa \
		env BUILD=$(abspath $(BUILD)) TWOFA_PRIVATE_ETC=1 \
		TWOFA_SYSLOG=$(abspath $(INVITE_TEST_LOG)) \
		PYTHONDONTWRITEBYTECODE=1 \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/invite

# The same over the real sshd (keyboard-interactive), su and sudo on
# pseudo-terminals (tests/invite/e2e/run.sh), in a private /etc and
# /dev/log; one end-to-end run at a time on this machine.
TEST_PACKAGES	+= openssh-server openssh-client sudo expect oathtool \
		   passwd util-linux
CHECK_TARGETS	+= check-invite-e2e
INVITE_E2E_LOG	:= $(BUILD)/tests/invite/e2e-syslog.log

.PHONY: check-invite-e2e
check-invite-e2e: $(MODULE_SO) $(BUILD)/twofa-admin test-tools
	@mkdir -p $(BUILD)/tests/invite
	@rm -f $(INVITE_E2E_LOG)
	flock -w 600 /run/lock/twofa-e2e.lock \
	env SYSLOG_SINK=$(abspath $(BUILD))/tests/tools/syslog-sink \
	tests/tools/with-syslog $(INVITE_E2E_LOG) -- \
		tests/token/with-etc-twofa \
		env SYSLOG=$(abspath $(INVITE_E2E_LOG)) \
		bash tests/invite/e2e/run.sh $(BUILD)
