/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 4648 base32: the section 10 vectors and strict refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "twofa/base32.h"
#include "twofa/err.h"

static const struct {
	const char *plain, *enc;
} vectors[] = {
    {"f", "MY======"},	  {"fo", "MZXQ===="},	 {"foo", "MZXW6==="},
    {"foob", "MZXW6YQ="}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI======"},
};

static void test_rfc4648_encode(void **state)
{
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t n = strlen(vectors[i].plain);
		size_t enclen = strcspn(vectors[i].enc, "=");

		assert_int_equal(
		    twofa_base32_encode((const unsigned char *)vectors[i].plain,
					n, out, sizeof(out)),
		    0);
		assert_int_equal(strlen(out), enclen);
		assert_memory_equal(out, vectors[i].enc, enclen);
	}
	assert_int_equal(
	    twofa_base32_encode((const unsigned char *)"", 0, out, sizeof(out)),
	    0);
	assert_string_equal(out, "");
}

static void check_decodes(const char *in, const char *plain)
{
	unsigned char out[64];
	size_t n = 99;

	assert_int_equal(twofa_base32_decode(in, out, sizeof(out), &n), 0);
	assert_int_equal(n, strlen(plain));
	assert_memory_equal(out, plain, n);
}

static void test_rfc4648_decode(void **state)
{
	char lower[64], bare[64];

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t k;

		check_decodes(vectors[i].enc, vectors[i].plain);
		/* Lower case and without padding decode the same. */
		for (k = 0; vectors[i].enc[k]; k++)
			lower[k] = (char)(vectors[i].enc[k] >= 'A' &&
						  vectors[i].enc[k] <= 'Z'
					      ? vectors[i].enc[k] + 32
					      : vectors[i].enc[k]);
		lower[k] = '\0';
		check_decodes(lower, vectors[i].plain);
		k = strcspn(vectors[i].enc, "=");
		memcpy(bare, vectors[i].enc, k);
		bare[k] = '\0';
		check_decodes(bare, vectors[i].plain);
	}
	/* Spaces and dashes as people write secrets down. */
	check_decodes("MZXW 6YTB OI", "foobar");
	check_decodes("mzxw-6ytb-oi", "foobar");
}

static void test_refusals(void **state)
{
	static const char *bad[] = {
	    "",		  /* nothing */
	    "MZXW6YTB1",  /* 1 is not base32 */
	    "MZXW6YT!",	  /* punctuation */
	    "MY=====A",	  /* data after padding */
	    "M",	  /* impossible length: 1 symbol */
	    "MZX",	  /* impossible length: 3 symbols */
	    "MZXW6Y",	  /* impossible length: 6 symbols */
	    "MZ======",	  /* non-zero trailing bits ("MZ" = 0x66 + 2) */
	    "MY=",	  /* padding that does not complete a group */
	    "========",	  /* only padding */
	    "MZXW6YTB\n", /* control character */
	};
	unsigned char out[64];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 99;
		assert_int_equal(
		    twofa_base32_decode(bad[i], out, sizeof(out), &n),
		    TWOFA_ERR_INVALID);
		assert_int_equal(n, 0);
	}
}

static void test_output_bound(void **state)
{
	unsigned char out[3];
	char enc[4];
	size_t n;

	(void)state;
	/* "foob" needs 4 bytes: refused, not truncated. */
	assert_int_equal(twofa_base32_decode("MZXW6YQ", out, sizeof(out), &n),
			 TWOFA_ERR_INVALID);
	/* Encoding "foo" needs 5 symbols + NUL. */
	assert_int_equal(twofa_base32_encode((const unsigned char *)"foo", 3,
					     enc, sizeof(enc)),
			 TWOFA_ERR_INVALID);
}

static void test_round_trip_all_lengths(void **state)
{
	unsigned char in[64], out[64];
	char enc[128];
	size_t n;

	(void)state;
	for (size_t len = 1; len <= 64; len++) {
		for (size_t i = 0; i < len; i++)
			in[i] = (unsigned char)(i * 37 + len);
		assert_int_equal(twofa_base32_encode(in, len, enc, sizeof(enc)),
				 0);
		assert_int_equal(strlen(enc), twofa_base32_encoded_len(len));
		assert_int_equal(twofa_base32_decode(enc, out, sizeof(out), &n),
				 0);
		assert_int_equal(n, len);
		assert_memory_equal(in, out, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc4648_encode),
	    cmocka_unit_test(test_rfc4648_decode),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_output_bound),
	    cmocka_unit_test(test_round_trip_all_lengths),
	};
	return cmocka_run_group_tests_name("base32", tests, NULL, NULL);
}
