# SPDX-License-Identifier: BSD-2-Clause
# pam_twofa — two-factor login for Linux.
# Plain GNU make. Knobs use ?= so they can be set on the command line or in
# the environment; EXTRA_CFLAGS / EXTRA_LDFLAGS add to the defaults.

VERSION		?= 0.1.0
CC		?= cc
PKG_CONFIG	?= pkg-config
PREFIX		?= /usr
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
# The PAM module directory is found from where libpam's own modules live,
# so Debian (/lib/<triplet>/security) and Fedora (/usr/lib64/security)
# both work; override with PAMDIR=.
PAMDIR		?= $(shell sh tools/find-pamdir.sh)
STOREDIR	?= /var/lib/twofa
CONFDIR		?= /etc/twofa
DESTDIR		?=
BUILD		?= build

OPT		?= -O2 -g
WARNINGS	:= -Wall -Wextra -Werror -Wformat=2 -Wformat-security -Wshadow \
		   -Wstrict-prototypes -Wmissing-prototypes -Wcast-qual \
		   -Wwrite-strings -Wundef -Wpointer-arith -Wvla \
		   -Wnull-dereference -Wimplicit-fallthrough
HARDENING	:= -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
		   -fstack-clash-protection -fPIC
CPPFLAGS_ALL	:= -D_GNU_SOURCE -Iinclude -Ilib $(CPPFLAGS)
CFLAGS_ALL	:= -std=c11 $(OPT) $(WARNINGS) $(HARDENING) $(CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS_ALL	:= -Wl,-z,relro -Wl,-z,now -Wl,--as-needed $(LDFLAGS) $(EXTRA_LDFLAGS)

# Libraries from Debian 12: libpam0g-dev, nettle-dev, libssl-dev,
# libqrencode-dev, libjwt-dev (and libpng-dev for twofa-admin --png).
# Everything linking the core needs LIBNETTLE (lib/crypto/crypto_nettle.c,
# the login path's cryptography); OpenSSL is for keys and tokens.
LIBNETTLE	:= -lnettle
# pam_twofa.so takes the Nettle objects it uses from Debian's libnettle.a
# (nettle-dev): mapping, relocating and unmapping libnettle.so.8 at every
# pam_start() was a third of a login (README, "Dependencies"). The Debian
# package records the Nettle it was built with in Built-Using.
# NETTLE_LINK=shared links libnettle.so instead, for distributions that
# ship no libnettle.a (the RPM spec) or prefer updates without a rebuild.
NETTLE_LINK	?= static
ifeq ($(NETTLE_LINK),static)
LIBNETTLE_MODULE := -l:libnettle.a
else ifeq ($(NETTLE_LINK),shared)
LIBNETTLE_MODULE := -lnettle
else
$(error NETTLE_LINK must be static or shared, not $(NETTLE_LINK))
endif
LIBCRYPTO	:= -lcrypto
LIBPAM		:= -lpam
LIBQRENCODE	:= -lqrencode
# Only test programs link libjwt; the module and twofa-admin load it on
# first use (lib/token/jwt_lib.c).
LIBJWT		:= -ljwt
LIBPNG		:= -lpng

# Packages `make` needs to build, and `make check` to test; fragments add
# to these. check-deps installs whichever are missing.
BUILD_PACKAGES	:= build-essential pkg-config libpam0g-dev nettle-dev \
		   libssl-dev libqrencode-dev libjwt-dev libpng-dev
TEST_PACKAGES	:= libcmocka-dev
# Each fragment appends the check targets it owns, run in this order.
CHECK_TARGETS	:=
BINARIES	:=

# Keep intermediate objects (tests link from them).
.SECONDARY:

.PHONY: all check check-deps check-run install uninstall clean format demo
all: binaries

include lib/lib.mk
include pam_module/module.mk
include admin_tool/admin.mk
include ldap_helper/helper.mk
include tests/tests.mk
-include tests/*/tests.mk
-include fuzz/fuzz.mk
-include bench/bench.mk
-include packaging/packaging.mk

binaries: $(BINARIES)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# `make check` on a fresh Debian 12 machine: install what is missing, build,
# then run every check target; tools/run-checks prints one summary line.
check: check-deps
	$(MAKE) all
	sh tools/run-checks.sh $(CHECK_TARGETS)

check-deps:
	sh tools/install-deps.sh $(sort $(BUILD_PACKAGES) $(TEST_PACKAGES))

# The store is created root-only (0700) and never removed by uninstall: it
# holds the users' enrollments. PAMDIR does not follow PREFIX: libpam loads
# modules from its own directory only.
install: all install-ldap
	install -d -m 0755 $(DESTDIR)$(PAMDIR) $(DESTDIR)$(SBINDIR)
	install -m 0644 $(BUILD)/pam_twofa.so $(DESTDIR)$(PAMDIR)/pam_twofa.so
	install -m 0755 $(BUILD)/twofa-admin $(DESTDIR)$(SBINDIR)/twofa-admin
	install -d -m 0755 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	for m in man/*.5; do [ ! -e "$$m" ] || install -m 0644 "$$m" $(DESTDIR)$(MANDIR)/man5/; done
	for m in man/*.8; do [ ! -e "$$m" ] || install -m 0644 "$$m" $(DESTDIR)$(MANDIR)/man8/; done
	install -d -m 0700 $(DESTDIR)$(STOREDIR)
	install -d -m 0755 $(DESTDIR)$(CONFDIR)

uninstall:
	rm -f $(DESTDIR)$(PAMDIR)/pam_twofa.so $(DESTDIR)$(SBINDIR)/twofa-admin
	rm -f $(DESTDIR)$(MANDIR)/man5/twofa.5 $(DESTDIR)$(MANDIR)/man5/twofa.conf.5 \
	      $(DESTDIR)$(MANDIR)/man8/pam_twofa.8 \
	      $(DESTDIR)$(MANDIR)/man8/twofa-admin.8

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
