# SPDX-License-Identifier: BSD-2-Clause
# twofa-ldap, the helper that runs libldap for the directory store
# (SPEC §7; why a separate process: lib/store/ldap/ldap_ops.c). Installed
# as $(LIBEXECDIR)/twofa-ldap, and run from there only: the path is built
# into the core (TWOFA_LDAP_HELPER).
LIBEXECDIR	?= $(PREFIX)/libexec/pam_twofa
LDAP_HELPER_PATH := $(LIBEXECDIR)/twofa-ldap
LIBLDAP		:= -lldap -llber
HELPER_SRCS	:= $(sort $(wildcard ldap_helper/*.c))
HELPER_OBJS	:= $(HELPER_SRCS:%.c=$(BUILD)/%.o)
LDAP_HELPER	:= $(BUILD)/twofa-ldap

BINARIES	+= $(LDAP_HELPER)
BUILD_PACKAGES	+= libldap-dev

$(BUILD)/lib/store/ldap/ldap_ops.o: CPPFLAGS_ALL += \
	-DTWOFA_LDAP_HELPER='"$(LDAP_HELPER_PATH)"'
# -Ildap_helper for helper.h; LDAP_DEPRECATED for ldap_explode_dn.
$(HELPER_OBJS): CPPFLAGS_ALL += -Ildap_helper -DLDAP_DEPRECATED=1

$(LDAP_HELPER): $(HELPER_OBJS) $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $(HELPER_OBJS) $(LIBTWOFA) $(LDFLAGS_ALL) \
		$(LIBLDAP) $(LIBNETTLE) $(LIBCRYPTO)

.PHONY: install-ldap
# The helper, and the schema for the directory's administrator.
install-ldap: $(LDAP_HELPER)
	install -d -m 0755 $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(PREFIX)/share/pam_twofa/ldap
	install -m 0755 $(LDAP_HELPER) $(DESTDIR)$(LIBEXECDIR)/twofa-ldap
	install -m 0644 packaging/ldap/twofa.ldif packaging/ldap/twofa.schema \
		packaging/ldap/twofa-ldap.service \
		$(DESTDIR)$(PREFIX)/share/pam_twofa/ldap/
