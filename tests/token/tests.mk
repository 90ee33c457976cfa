# Tokens: the core (cmocka), then PyJWT against what we issue and what we
# refuse, then twofa-admin's token commands (and the module's token_env),
# which use the fixed /etc/twofa: tests/token/with-etc-twofa gives them a
# private tmpfs there in a mount namespace of their own.
TOKEN_DRIVER	:= $(BUILD)/tests/token/token_driver
TOKEN_UNIT	:= $(BUILD)/tests/token/test_token

CHECK_TARGETS	+= check-token
TEST_PACKAGES	+= libcmocka-dev python3-jwt python3-pytest \
		   python3-cryptography libnss-wrapper util-linux mount

$(TOKEN_DRIVER): $(BUILD)/tests/token/token_driver.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBJWT) $(LIBCRYPTO)

$(TOKEN_UNIT): $(BUILD)/tests/token/test_token.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) -lcmocka $(LIBJWT) $(LIBCRYPTO)

# twofa-admin's part runs once the admin tool is in the tree.
TOKEN_ADMIN	:= $(if $(wildcard admin_tool/commands.c),$(BUILD)/twofa-admin)

.PHONY: check-token
check-token: $(TOKEN_DRIVER) $(TOKEN_UNIT) $(TOKEN_ADMIN)
	$(TOKEN_UNIT)
	tests/token/with-etc-twofa env \
		TOKEN_DRIVER=$(abspath $(TOKEN_DRIVER)) \
		$(if $(TOKEN_ADMIN),TWOFA_ADMIN=$(abspath $(TOKEN_ADMIN))) \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/token \
		$(if $(TOKEN_ADMIN),,--ignore=tests/token/test_admin.py)
