# The core library, linked statically into pam_twofa.so and twofa-admin.
# Every file in lib/ is part of it; add a file and it is built.
LIB_SRCS	:= $(sort $(wildcard lib/*.c))
LIB_OBJS	:= $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIBTWOFA	:= $(BUILD)/libtwofa.a

$(LIBTWOFA): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^
