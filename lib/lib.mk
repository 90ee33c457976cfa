# SPDX-License-Identifier: BSD-2-Clause
# The core library, linked statically into pam_twofa.so and twofa-admin.
# One subfolder per concern (otp/, record/, store/file/, fs/, auth/, token/,
# import/, qr/, util/); every .c below lib/ is part of it: add a file or a
# folder and it is built. Headers private to the library live beside their
# sources and are included as "concern/file.h" (-Ilib).
LIB_SRCS	:= $(sort $(shell find lib -name '*.c'))
LIB_OBJS	:= $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBTWOFA	:= $(BUILD)/libtwofa.a

$(LIBTWOFA): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^
