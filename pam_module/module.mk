# SPDX-License-Identifier: BSD-2-Clause
# pam_twofa.so: the module's own files over the static core library.
# Only pam_sm_* are exported (pam_twofa.map); -z defs makes any symbol
# left undefined a link error rather than a failure at dlopen() time.
MODULE_SRCS	:= $(sort $(wildcard pam_module/*.c))
MODULE_OBJS	:= $(MODULE_SRCS:%.c=$(BUILD)/%.o)
MODULE_MAP	:= pam_module/pam_twofa.map
MODULE_SO	:= $(BUILD)/pam_twofa.so
# token_env (lib/token/token.c) signs with libjwt and reads its key with
# libcrypto, which lib/token/jwt_lib.c and ossl_lib.c load only when a token
# is made: neither is linked, so logins without token_env do not pay for
# mapping them. The login path's cryptography is Nettle (lib/crypto/),
# linked in from libnettle.a unless NETTLE_LINK=shared (Makefile).
# libqrencode draws the QR code of a self-enrollment (the enroll option)
# into the prompt; lib/qr/qrencode.c loads it then, so it is not linked
# either.
MODULE_LIBS	:= $(LIBPAM) $(LIBNETTLE_MODULE)

BINARIES	+= $(MODULE_SO)

# $(call link_module,LIBS): the module into $@, with LIBS after the core.
link_module = $(CC) $(CFLAGS_ALL) -shared -o $@ $(MODULE_OBJS) $(LIBTWOFA) \
	$(LDFLAGS_ALL) -Wl,-z,defs -Wl,--version-script=$(MODULE_MAP) $(1)

$(MODULE_SO): $(MODULE_OBJS) $(LIBTWOFA) $(MODULE_MAP)
	$(call link_module,$(MODULE_LIBS))
