# SPDX-License-Identifier: BSD-2-Clause
# twofa-admin: main.c parses the global options and dispatches through the
# table in commands.c; one file per command or small group of commands.
ADMIN_SRCS	:= $(sort $(wildcard admin_tool/*.c))
ADMIN_OBJS	:= $(ADMIN_SRCS:%.c=$(BUILD)/%.o)

BINARIES	+= $(BUILD)/twofa-admin

$(BUILD)/admin_tool/main.o: CPPFLAGS_ALL += -DTWOFA_VERSION='"$(VERSION)"'

# libcrypto (keys) and libjwt (tokens) are loaded when a command needs them
# (lib/token/ossl_lib.c, jwt_lib.c), as in the module.
$(BUILD)/twofa-admin: $(ADMIN_OBJS) $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $(ADMIN_OBJS) $(LIBTWOFA) $(LDFLAGS_ALL) \
		$(LIBQRENCODE) $(LIBPNG) $(LIBNETTLE)

# make demo (SPEC 5): on a fresh Debian machine, install what is missing,
# build, then run the whole flow in a sandbox (tools/demo.sh): a scratch
# store, a private PAM config dir, logins through the real libpam.
DEMO_PACKAGES	:= oathtool util-linux libpam-modules

demo:
	sh tools/install-deps.sh $(sort $(BUILD_PACKAGES) $(DEMO_PACKAGES))
	$(MAKE) --no-print-directory all test-tools
	sh tools/demo.sh $(BUILD)
