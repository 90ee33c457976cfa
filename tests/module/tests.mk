# SPDX-License-Identifier: BSD-2-Clause
# pam_twofa.so through the real libpam: pytest drives tests/tools/pamrun
# against private PAM service files, with codes from Python's hmac and
# oathtool, the clock from libfaketime, failures injected with strace, and
# syslog lines caught by tests/tools/with-syslog (a private /dev/log in a
# mount namespace; needs root, as `make check` runs).
CHECK_TARGETS	+= check-module
TEST_PACKAGES	+= python3-pytest oathtool libfaketime strace util-linux \
		   libpam-modules binutils

MODULE_TEST_LOG	:= $(BUILD)/tests/module/syslog.log

.PHONY: check-module
check-module: $(MODULE_SO) test-tools
	@mkdir -p $(BUILD)/tests/module
	@rm -f $(MODULE_TEST_LOG)
	SYSLOG_SINK=$(abspath $(BUILD))/tests/tools/syslog-sink \
	tests/tools/with-syslog $(MODULE_TEST_LOG) -- \
		env BUILD=$(abspath $(BUILD)) \
		TWOFA_SYSLOG=$(abspath $(MODULE_TEST_LOG)) \
		PYTHONDONTWRITEBYTECODE=1 \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/module
