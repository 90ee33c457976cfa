# SPDX-License-Identifier: BSD-2-Clause
# Sealed records (SPEC section 8): pam_twofa.so through the real libpam and
# twofa-admin, with the record key in a private /etc/twofa
# (tests/token/with-etc-twofa: a mount namespace of its own) and the
# module's log lines on a private /dev/log (tests/tools/with-syslog). The
# crash test kills twofa-admin rekey at every system call (strace).
SEAL_SYSLOG	:= $(abspath $(BUILD))/tests/seal/syslog.log

CHECK_TARGETS	+= check-seal
TEST_PACKAGES	+= python3-pytest libfaketime strace util-linux mount \
		   libpam-modules oathtool

.PHONY: check-seal
check-seal: $(BUILD)/twofa-admin $(MODULE_SO) test-tools
	@mkdir -p $(BUILD)/tests/seal
	rm -f $(SEAL_SYSLOG)
	tests/token/with-etc-twofa \
		env SYSLOG_SINK=$(abspath $(BUILD))/tests/tools/syslog-sink \
		tests/tools/with-syslog $(SEAL_SYSLOG) -- \
		env BUILD=$(abspath $(BUILD)) TWOFA_SYSLOG=$(SEAL_SYSLOG) \
		TWOFA_ADMIN=$(abspath $(BUILD))/twofa-admin \
		PYTHONDONTWRITEBYTECODE=1 \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/seal
