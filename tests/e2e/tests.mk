# SPDX-License-Identifier: BSD-2-Clause
# End-to-end: real sshd, sudo and su logins through the installed Debian
# package (tests/e2e/run.sh). Needs root; skipped with a message otherwise.
# Installs the package into this machine and puts everything back after.
E2E_PACKAGES	:= openssh-server openssh-client sudo expect oathtool \
		   libpam-runtime passwd util-linux python3-jwt
TEST_PACKAGES	+= $(E2E_PACKAGES)
CHECK_TARGETS	+= check-e2e

.PHONY: check-e2e
check-e2e:
	@mkdir -p $(BUILD); if [ "$$(id -u)" != 0 ]; then \
		echo "check-e2e: SKIPPED: installs a package and changes PAM files, needs root"; \
		exit 0; fi; \
	$(MAKE) --no-print-directory deb >$(BUILD)/e2e-deb.log 2>&1 || \
		{ tail -n 30 $(BUILD)/e2e-deb.log; echo "check-e2e: make deb failed (log: $(BUILD)/e2e-deb.log)"; exit 1; }; \
	bash tests/e2e/run.sh $(DEB_FILE) $(BUILD)/e2e
