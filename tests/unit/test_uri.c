/* SPDX-License-Identifier: BSD-2-Clause */
/* otpauth:// URIs: every parameter spelled out, strict percent-encoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/uri.h"

/* base32 of the RFC 6238 SHA1 seed "12345678901234567890". */
#define SEED_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void test_totp(void **state)
{
	struct twofa_record rec;
	char *uri = NULL;

	(void)state;
	helper_record(&rec, TWOFA_TOTP);
	rec.alg = TWOFA_ALG_SHA256;
	rec.digits = 8;
	rec.period = 60;
	assert_int_equal(twofa_uri_build(&rec, "ACME Co", "alice", &uri), 0);
	assert_string_equal(uri,
			    "otpauth://totp/ACME%20Co:alice?secret=" SEED_B32
			    "&issuer=ACME%20Co&algorithm=SHA256&digits=8"
			    "&period=60");
	twofa_free_string(uri);
}

static void test_hotp_counter_and_no_issuer(void **state)
{
	struct twofa_record rec;
	char *uri = NULL;

	(void)state;
	helper_record(&rec, TWOFA_HOTP);
	rec.state.next = 42;
	assert_int_equal(twofa_uri_build(&rec, NULL, "bob", &uri), 0);
	assert_string_equal(uri, "otpauth://hotp/bob?secret=" SEED_B32
				 "&algorithm=SHA1&digits=6&counter=42");
	twofa_free_string(uri);
}

static void test_percent_encoding(void **state)
{
	struct twofa_record rec;
	char *uri = NULL;

	(void)state;
	helper_record(&rec, TWOFA_TOTP);
	assert_int_equal(
	    twofa_uri_build(&rec, "a&b/c?d=e%f#\xc3\xa9~x", "e.ve@x$y", &uri),
	    0);
	assert_non_null(strstr(uri, "otpauth://totp/"
				    "a%26b%2Fc%3Fd%3De%25f%23%C3%A9~x:"
				    "e.ve%40x%24y?"));
	assert_non_null(
	    strstr(uri, "&issuer=a%26b%2Fc%3Fd%3De%25f%23%C3%A9~x&"));
	twofa_free_string(uri);
}

static void test_refusals(void **state)
{
	struct twofa_record rec;
	char *uri = (char *)1;
	char long_issuer[TWOFA_ISSUER_MAX + 2];

	(void)state;
	helper_record(&rec, TWOFA_TOTP);
	/* ':' separates issuer and account in the label. */
	assert_int_equal(twofa_uri_build(&rec, "a:b", "alice", &uri),
			 TWOFA_ERR_INVALID);
	assert_null(uri);
	assert_int_equal(twofa_uri_build(&rec, "", "alice", &uri),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_uri_build(&rec, "a\nb", "alice", &uri),
			 TWOFA_ERR_INVALID);
	memset(long_issuer, 'x', sizeof(long_issuer) - 1);
	long_issuer[sizeof(long_issuer) - 1] = '\0';
	assert_int_equal(twofa_uri_build(&rec, long_issuer, "alice", &uri),
			 TWOFA_ERR_INVALID);
	long_issuer[TWOFA_ISSUER_MAX] = '\0';
	assert_int_equal(twofa_uri_build(&rec, long_issuer, "alice", &uri), 0);
	twofa_free_string(uri);
	assert_int_equal(twofa_uri_build(&rec, "x", "../etc", &uri),
			 TWOFA_ERR_INVALID);
	/* An invalid record is not turned into a URI. */
	rec.digits = 9;
	assert_int_equal(twofa_uri_build(&rec, "x", "alice", &uri),
			 TWOFA_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_totp),
	    cmocka_unit_test(test_hotp_counter_and_no_issuer),
	    cmocka_unit_test(test_percent_encoding),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("uri", tests, NULL, NULL);
}
