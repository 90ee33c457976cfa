# SPDX-License-Identifier: BSD-2-Clause
# Tokens: the core (cmocka), then PyJWT against what we issue and what we
# refuse, then twofa-admin's token commands and the module's token_env,
# which use the fixed /etc/twofa: tests/token/with-etc-twofa gives them a
# private tmpfs there in a mount namespace of their own, and the module's
# log lines go to a private /dev/log (tests/tools/with-syslog).
TOKEN_DRIVER	:= $(BUILD)/tests/token/token_driver
TOKEN_UNIT	:= $(BUILD)/tests/token/test_token
TOKEN_SYSLOG	:= $(abspath $(BUILD))/tests/token/syslog.log

CHECK_TARGETS	+= check-token
TEST_PACKAGES	+= libcmocka-dev python3-jwt python3-pytest \
		   python3-cryptography libnss-wrapper util-linux mount

$(TOKEN_DRIVER): $(BUILD)/tests/token/token_driver.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBJWT) $(LIBNETTLE) $(LIBCRYPTO)

$(TOKEN_UNIT): $(BUILD)/tests/token/test_token.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) -lcmocka $(LIBJWT) $(LIBNETTLE) $(LIBCRYPTO)

.PHONY: check-token
check-token: $(TOKEN_DRIVER) $(TOKEN_UNIT) $(BUILD)/twofa-admin \
		$(MODULE_SO) test-tools
	$(TOKEN_UNIT)
	rm -f $(TOKEN_SYSLOG)
	tests/token/with-etc-twofa \
		env SYSLOG_SINK=$(abspath $(BUILD))/tests/tools/syslog-sink \
		tests/tools/with-syslog $(TOKEN_SYSLOG) -- \
		env TOKEN_DRIVER=$(abspath $(TOKEN_DRIVER)) \
		BUILD_DIR=$(abspath $(BUILD)) TWOFA_SYSLOG=$(TOKEN_SYSLOG) \
		TWOFA_ADMIN=$(abspath $(BUILD))/twofa-admin \
		PYTHONDONTWRITEBYTECODE=1 \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/token
