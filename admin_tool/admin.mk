# twofa-admin: main.c parses the global options and dispatches through the
# table in commands.c; one file per command or small group of commands.
ADMIN_SRCS	:= $(sort $(wildcard admin_tool/*.c))
ADMIN_OBJS	:= $(ADMIN_SRCS:%.c=$(BUILD)/%.o)

BINARIES	+= $(BUILD)/twofa-admin

$(BUILD)/admin_tool/main.o: CPPFLAGS_ALL += -DTWOFA_VERSION='"$(VERSION)"'

$(BUILD)/twofa-admin: $(ADMIN_OBJS) $(LIBTWOFA)
	$(CC) $(CFLAGS_ALL) -o $@ $(ADMIN_OBJS) $(LIBTWOFA) $(LDFLAGS_ALL) \
		$(LIBQRENCODE) $(LIBPNG) $(LIBJWT) $(LIBCRYPTO)
