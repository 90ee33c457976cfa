# SPDX-License-Identifier: BSD-2-Clause
# Fleet mode (SPEC §7) against real OpenLDAP servers the tests start
# themselves (tests/ldap/slapd.py): a provider and a chaining read-only
# consumer in a scratch directory under /var/tmp/twofa-12, ldapi sockets and
# 127.0.0.1 ports 32000-32999, a test CA from openssl. slapd is installed
# with slapd/no_configuration preseeded (tools/preseed/slapd.debconf), so
# the package makes no system database.
#
# The module runs the LDAP helper from its installed path only, so the
# check installs the freshly built twofa-ldap there first (under the lock
# the other system-changing tests take).
CHECK_TARGETS	+= check-ldap
TEST_PACKAGES	+= slapd ldap-utils openssl python3-pytest oathtool expect \
		   openssh-server openssh-client passwd \
		   util-linux libpam-modules
FLEET_DRIVE	:= $(BUILD)/tests/ldap/fleet-drive

$(FLEET_DRIVE): $(BUILD)/tests/ldap/fleet-drive.o \
		$(BUILD)/tests/tools/state_dump.o $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDFLAGS_ALL) $(LIBNETTLE) $(LIBCRYPTO)

.PHONY: check-ldap
# The whole run holds the lock: a package test elsewhere that installs or
# purges libpam-twofa replaces or removes the helper under our feet.
check-ldap: $(MODULE_SO) $(BUILD)/twofa-admin $(FLEET_DRIVE) $(LDAP_HELPER) \
		test-tools
	flock /run/lock/twofa-e2e.lock sh -c ' \
	install -d -m 0755 $(LIBEXECDIR) && \
	install -m 0755 $(LDAP_HELPER) $(LIBEXECDIR)/.twofa-ldap.new && \
	mv -f $(LIBEXECDIR)/.twofa-ldap.new $(LIBEXECDIR)/twofa-ldap && \
	env BUILD=$(abspath $(BUILD)) PYTHONDONTWRITEBYTECODE=1 \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/ldap'

# make bench-fleet: fleet logins against the file store and
# google-authenticator, throughput with 2 and 8 concurrent logins over two
# hosts, exactly-once counted (bench/fleet.py; report in bench/FLEET.md).
# make bench runs it too. --smoke variant: BENCH_FLEET_ARGS=--smoke.
.PHONY: bench-fleet
bench-fleet: all bench-bins test-tools
	sh tools/install-deps.sh $(sort $(BUILD_PACKAGES) $(BENCH_PACKAGES) \
		slapd ldap-utils)
	flock /run/lock/twofa-e2e.lock sh -c ' \
	install -d -m 0755 $(LIBEXECDIR) && \
	install -m 0755 $(LDAP_HELPER) $(LIBEXECDIR)/.twofa-ldap.new && \
	mv -f $(LIBEXECDIR)/.twofa-ldap.new $(LIBEXECDIR)/twofa-ldap && \
	SYSLOG_SINK=$(abspath $(BUILD))/tests/tools/syslog-sink \
	tests/tools/with-syslog $(abspath $(BUILD))/bench/fleet-syslog.log -- \
		/usr/bin/python3 bench/fleet.py $(abspath $(BUILD)) \
		$(BENCH_FLEET_ARGS)'
