/* SPDX-License-Identifier: BSD-2-Clause */
/* User names: the gate before any path is built. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "twofa/user.h"

static void test_accepted(void **state)
{
	static const char *ok[] = {"alice",    "Bob",	     "user.name",
				   "u_1",      "first-last", "me@example.com",
				   "machine$", "0day",	     "a"};

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(twofa_user_valid(ok[i]));
}

static void test_refused(void **state)
{
	static const char *bad[] = {"",
				    ".",
				    "..",
				    ".hidden",
				    "-rf",
				    "a/b",
				    "../../etc/passwd",
				    "a b",
				    "tab\tx",
				    "new\nline",
				    "semi;colon",
				    "quote'",
				    "star*",
				    "\xc3\xa9t\xc3\xa9"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(twofa_user_valid(bad[i]));
	assert_false(twofa_user_valid(NULL));
}

static void test_length_limit(void **state)
{
	char name[TWOFA_USER_MAX + 2];

	(void)state;
	memset(name, 'a', sizeof(name));
	name[TWOFA_USER_MAX] = '\0';
	assert_true(twofa_user_valid(name));
	name[TWOFA_USER_MAX] = 'a';
	name[TWOFA_USER_MAX + 1] = '\0';
	assert_false(twofa_user_valid(name));
	/* The record is <store>/<user>: one file name, NAME_MAX bytes. */
	assert_int_equal(TWOFA_USER_MAX, 255);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepted),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_length_limit),
	};
	return cmocka_run_group_tests_name("user", tests, NULL, NULL);
}
