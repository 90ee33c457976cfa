# Fleet mode (SPEC §7) against real OpenLDAP servers the tests start
# themselves (tests/ldap/slapd.py): a provider and a chaining read-only
# consumer in a scratch directory under /var/tmp/twofa-12, ldapi sockets and
# 127.0.0.1 ports 32000-32999, a test CA from openssl. slapd is installed
# with slapd/no_configuration preseeded (tools/preseed/slapd.debconf), so
# the package makes no system database.
CHECK_TARGETS	+= check-ldap
BUILD_PACKAGES	+= libldap-dev
TEST_PACKAGES	+= slapd ldap-utils openssl python3-pytest oathtool

.PHONY: check-ldap
check-ldap:
	env BUILD=$(abspath $(BUILD)) PYTHONDONTWRITEBYTECODE=1 \
		/usr/bin/python3 -m pytest -q -p no:cacheprovider tests/ldap
