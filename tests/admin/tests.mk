# SPDX-License-Identifier: BSD-2-Clause
# twofa-admin end-to-end tests (pytest). Codes come from oathtool and
# pyotp, QR codes are read back with zbarimg, import sources are written
# from the documented formats and by google-authenticator itself; terminal
# QR codes are drawn with DejaVu Sans Mono as a terminal would show them.
TEST_PACKAGES	+= python3-pytest python3-pyotp python3-pil zbar-tools \
		   oathtool libpam-google-authenticator libpam-oath \
		   util-linux libpam-modules fonts-dejavu-core
CHECK_TARGETS	+= check-admin

.PHONY: check-admin
check-admin: $(BUILD)/twofa-admin $(MODULE_SO) test-tools
	TWOFA_ADMIN=$(abspath $(BUILD)/twofa-admin) /usr/bin/python3 -m pytest \
		-q -p no:cacheprovider tests/admin
