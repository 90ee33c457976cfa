# Tokens: the core (cmocka), then PyJWT against what we issue and what we
# refuse, then twofa-admin's token commands and the module's token_env.
TOKEN_DRIVER	:= $(BUILD)/tests/token/token_driver
TOKEN_UNIT	:= $(BUILD)/tests/token/test_token

CHECK_TARGETS	+= check-token
TEST_PACKAGES	+= libcmocka-dev python3-jwt python3-pytest python3-cryptography

$(TOKEN_DRIVER): $(BUILD)/tests/token/token_driver.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBJWT) $(LIBCRYPTO)

$(TOKEN_UNIT): $(BUILD)/tests/token/test_token.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) -lcmocka $(LIBJWT) $(LIBCRYPTO)

.PHONY: check-token
check-token: $(TOKEN_DRIVER) $(TOKEN_UNIT)
	$(TOKEN_UNIT)
	TOKEN_DRIVER=$(abspath $(TOKEN_DRIVER)) BUILD_DIR=$(abspath $(BUILD)) \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/token
