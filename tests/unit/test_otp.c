/* SPDX-License-Identifier: BSD-2-Clause */
/* HOTP/TOTP against RFC 4226 Appendix D and RFC 6238 Appendix B. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "twofa/err.h"
#include "twofa/otp.h"

#define SEED20 "12345678901234567890"
#define SEED32 "12345678901234567890123456789012"
#define SEED64                                                                 \
	"1234567890123456789012345678901234567890123456789012345678901234"

static void test_rfc4226_appendix_d(void **state)
{
	static const char *want[] = {"755224", "287082", "359152", "969429",
				     "338314", "254676", "287922", "162583",
				     "399871", "520489"};
	char code[TWOFA_CODE_MAX + 1];

	(void)state;
	for (unsigned c = 0; c < 10; c++) {
		assert_int_equal(twofa_hotp((const unsigned char *)SEED20, 20,
					    TWOFA_ALG_SHA1, 6, c, code),
				 0);
		assert_string_equal(code, want[c]);
	}
}

static void test_rfc6238_appendix_b(void **state)
{
	static const uint64_t times[] = {59,	     1111111109, 1111111111,
					 1234567890, 2000000000, 20000000000};
	static const struct {
		enum twofa_alg alg;
		const char *seed;
		const char *codes[6];
	} table[] = {
	    {TWOFA_ALG_SHA1,
	     SEED20,
	     {"94287082", "07081804", "14050471", "89005924", "69279037",
	      "65353130"}},
	    {TWOFA_ALG_SHA256,
	     SEED32,
	     {"46119246", "68084774", "67062674", "91819424", "90698825",
	      "77737706"}},
	    {TWOFA_ALG_SHA512,
	     SEED64,
	     {"90693936", "25091201", "99943326", "93441116", "38618901",
	      "47863826"}},
	};
	char code[TWOFA_CODE_MAX + 1];

	(void)state;
	for (unsigned a = 0; a < 3; a++) {
		for (unsigned t = 0; t < 6; t++) {
			uint64_t step = twofa_totp_step(times[t], 30);

			assert_int_equal(
			    twofa_hotp((const unsigned char *)table[a].seed,
				       strlen(table[a].seed), table[a].alg, 8,
				       step, code),
			    0);
			assert_string_equal(code, table[a].codes[t]);
		}
	}
	/* T = 20000000000 is past 2^32 seconds: 64-bit time works. */
	assert_int_equal(twofa_totp_step(20000000000ULL, 30), 666666666ULL);
}

static void test_seven_digits_and_leading_zeros(void **state)
{
	char code[TWOFA_CODE_MAX + 1];

	(void)state;
	/* RFC 6238: T=1111111109, SHA1 -> 07081804; 7 digits keep the 0. */
	assert_int_equal(twofa_hotp((const unsigned char *)SEED20, 20,
				    TWOFA_ALG_SHA1, 7,
				    twofa_totp_step(1111111109, 30), code),
			 0);
	assert_string_equal(code, "7081804");
	assert_int_equal(twofa_hotp((const unsigned char *)SEED20, 20,
				    TWOFA_ALG_SHA1, 6,
				    twofa_totp_step(1111111109, 30), code),
			 0);
	assert_string_equal(code, "081804");
}

static void test_bad_parameters(void **state)
{
	char code[TWOFA_CODE_MAX + 1];

	(void)state;
	assert_int_equal(twofa_hotp((const unsigned char *)SEED20, 20,
				    TWOFA_ALG_SHA1, 5, 0, code),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_hotp((const unsigned char *)SEED20, 20,
				    TWOFA_ALG_SHA1, 9, 0, code),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_hotp((const unsigned char *)SEED20, 0,
				    TWOFA_ALG_SHA1, 6, 0, code),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_hotp((const unsigned char *)SEED20, 20,
				    (enum twofa_alg)7, 6, 0, code),
			 TWOFA_ERR_INVALID);
}

static void test_find(void **state)
{
	const unsigned char *k = (const unsigned char *)SEED20;
	uint64_t m = 99;

	(void)state;
	/* "162583" is counter 7. */
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "162583", 0, 9, &m), 0);
	assert_int_equal(m, 7);
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "162583", 7, 7, &m), 0);
	assert_int_equal(m, 7);
	/* Outside the range: not found. */
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "162583", 0, 6, &m),
	    TWOFA_ERR_INVALID);
	assert_int_equal(m, 0);
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "162583", 8, 20, &m),
	    TWOFA_ERR_INVALID);
	/* Wrong shape never matches. */
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "16258", 0, 9, &m),
	    TWOFA_ERR_INVALID);
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "1625833", 0, 9, &m),
	    TWOFA_ERR_INVALID);
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "16258a", 0, 9, &m),
	    TWOFA_ERR_INVALID);
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, " 62583", 0, 9, &m),
	    TWOFA_ERR_INVALID);
	/* Ranges are bounded. */
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "162583", 0, 5000, &m),
	    TWOFA_ERR_INVALID);
	assert_int_equal(
	    twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "162583", 9, 0, &m),
	    TWOFA_ERR_INVALID);
	/* The top of the 64-bit counter space does not wrap. */
	assert_int_equal(twofa_otp_find(k, 20, TWOFA_ALG_SHA1, 6, "000000",
					UINT64_MAX - 2, UINT64_MAX,
					&m) == TWOFA_ERR_INVALID ||
			     m >= UINT64_MAX - 2,
			 1);
}

static void test_alg_names(void **state)
{
	enum twofa_alg a;

	(void)state;
	assert_int_equal(twofa_alg_parse("sha256", &a), 0);
	assert_int_equal(a, TWOFA_ALG_SHA256);
	assert_string_equal(twofa_alg_name(TWOFA_ALG_SHA512), "SHA512");
	assert_int_equal(twofa_alg_parse("MD5", &a), TWOFA_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc4226_appendix_d),
	    cmocka_unit_test(test_rfc6238_appendix_b),
	    cmocka_unit_test(test_seven_digits_and_leading_zeros),
	    cmocka_unit_test(test_bad_parameters),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_alg_names),
	};
	return cmocka_run_group_tests_name("otp", tests, NULL, NULL);
}
