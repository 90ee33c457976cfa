/* SPDX-License-Identifier: BSD-2-Clause */
/* The google-authenticator and pam_oath importers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/import.h"

#define NOW 1700000000u
/* base32 of "12345678901234567890" (160 bits). */
#define SEED_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define SEED_HEX "3132333435363738393031323334353637383930"

static int ga(const char *text, struct twofa_ga_file *f,
	      struct twofa_parse_error *why)
{
	return twofa_import_ga_parse(text, strlen(text), NOW, f, why);
}

static void test_ga_totp(void **state)
{
	struct twofa_ga_file f;
	struct twofa_parse_error why;

	(void)state;
	assert_int_equal(ga(SEED_B32 "\n\" RATE_LIMIT 3 30 1699999990\n"
				     "\" WINDOW_SIZE 17\n"
				     "\" DISALLOW_REUSE 56666665 56666666\n"
				     "\" TOTP_AUTH\n\" STEP_SIZE 30\n"
				     "11111111\n22222222\n",
			    &f, &why),
			 0);
	assert_int_equal(f.rec.type, TWOFA_TOTP);
	assert_int_equal(f.rec.period, 30);
	assert_int_equal(f.rec.window, 8); /* (17 - 1) / 2 */
	assert_int_equal(f.rec.secret_len, 20);
	assert_memory_equal(f.rec.secret, "12345678901234567890", 20);
	assert_int_equal(f.rec.state.next, 56666667);
	assert_int_equal(f.rec.created, NOW);
	assert_true(f.disallow_reuse && f.rate_limit);
	assert_int_equal(f.rate_limit_count, 3);
	assert_int_equal(f.rate_limit_secs, 30);
	assert_int_equal(f.scratch_count, 2);
	assert_string_equal(f.scratch[1], "22222222");
	twofa_ga_wipe(&f);

	/* No options: TOTP, 30 s, GA's default window 3 (one step). */
	assert_int_equal(ga(SEED_B32, &f, &why), 0);
	assert_int_equal(f.rec.type, TWOFA_TOTP);
	assert_int_equal(f.rec.window, 1);
	assert_int_equal(f.rec.state.next, 0);
	twofa_ga_wipe(&f);
}

static void test_ga_time_skew_and_ignored_lines(void **state)
{
	struct twofa_ga_file f;

	(void)state;
	/* Lines the module itself writes while in use. */
	assert_int_equal(ga(SEED_B32 "\n\" TOTP_AUTH\n\" TIME_SKEW -3\n"
				     "\" RESETTING_TIME_SKEW 56666666-3 "
				     "56666667-3\n"
				     "\" LAST0 10.0.0.1 1700000000\n"
				     "\" WINDOW_SIZE 3\n",
			    &f, NULL),
			 0);
	assert_int_equal(f.time_skew, -3);
	assert_int_equal(f.rec.window, 1 + 3);
	twofa_ga_wipe(&f);
	assert_int_equal(ga(SEED_B32 "\n\" TIME_SKEW 2\n", &f, NULL), 0);
	assert_int_equal(f.time_skew, 2);
	assert_int_equal(f.rec.window, 3);
	twofa_ga_wipe(&f);
}

static void test_ga_hotp(void **state)
{
	struct twofa_ga_file f;

	(void)state;
	assert_int_equal(
	    ga(SEED_B32 "\n\" WINDOW_SIZE 5\n\" HOTP_COUNTER 9\n", &f, NULL),
	    0);
	assert_int_equal(f.rec.type, TWOFA_HOTP);
	assert_int_equal(f.rec.period, 0);
	assert_int_equal(f.rec.state.next, 9);
	assert_int_equal(f.rec.window, 4); /* counters 9..13 */
	twofa_ga_wipe(&f);
}

static void test_ga_refusals(void **state)
{
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
	    {"", 0},
	    {"\n", 1},
	    {"GEZDGNBVGY3TQOJQ\n", 1}, /* 80 bits */
	    {SEED_B32 "1\n", 1},
	    {SEED_B32 "\n\" FOO\n", 2},
	    {SEED_B32 "\n\"\n", 2},
	    {SEED_B32 "\n\" TOTP_AUTH x\n", 2},
	    {SEED_B32 "\n\" TOTP_AUTH\n\" TOTP_AUTH\n", 3},
	    {SEED_B32 "\n\" TOTP_AUTH\n\" HOTP_COUNTER 1\n", 0},
	    {SEED_B32 "\n\" HOTP_COUNTER 1\n\" STEP_SIZE 30\n", 0},
	    {SEED_B32 "\n\" HOTP_COUNTER -1\n", 2},
	    {SEED_B32 "\n\" HOTP_COUNTER 01\n", 2},
	    {SEED_B32 "\n\" WINDOW_SIZE 101\n", 2},
	    {SEED_B32 "\n\" STEP_SIZE 0\n", 2},
	    {SEED_B32 "\n\" RATE_LIMIT 3\n", 2},
	    {SEED_B32 "\n\" DISALLOW_REUSE x\n", 2},
	    {SEED_B32 "\n1234567\n", 2},
	    {SEED_B32 "\n123456789\n", 2},
	    {SEED_B32 "\n1234567a\n", 2},
	    {SEED_B32 "\n\n", 2},
	    {SEED_B32 "\n\" TIME_SKEW 5\n", 2},
	    {SEED_B32 "\n\" TIME_SKEW -5\n", 2},
	    {SEED_B32 "\n\" TIME_SKEW --1\n", 2},
	    {SEED_B32 "\n\" TIME_SKEW\n", 2},
	    {SEED_B32 "\n\" LAST10 x 1\n", 2},
	    {SEED_B32 "\n\" HOTP_COUNTER 1\n\" TIME_SKEW 1\n", 0},
	    {SEED_B32 "\n11111111\n22222222\n33333333\n44444444\n55555555\n"
		      "66666666\n77777777\n88888888\n99999999\n12121212\n"
		      "13131313\n",
	     12},
	};
	struct twofa_ga_file f;
	struct twofa_parse_error why;
	char nul[] = SEED_B32 "\n\0\n";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&why, 0, sizeof(why));
		assert_int_equal(ga(bad[i].text, &f, &why),
				 TWOFA_ERR_MALFORMED);
		assert_int_equal(why.line, bad[i].line);
		assert_non_null(why.what);
		/* Nothing is left in the output. */
		assert_int_equal(f.rec.secret_len, 0);
		assert_int_equal(f.scratch_count, 0);
	}
	assert_int_equal(
	    twofa_import_ga_parse(nul, sizeof(nul) - 1, NOW, &f, &why),
	    TWOFA_ERR_MALFORMED);
}

static void test_ga_scratch_codes_become_hashed_backup_codes(void **state)
{
	struct twofa_record rec;
	unsigned index = 99;
	const char *text = SEED_B32 "\n\" TOTP_AUTH\n12345678\n87654321\n";

	(void)state;
	assert_int_equal(twofa_import_ga(text, strlen(text), NOW, &rec, NULL),
			 0);
	assert_int_equal(rec.backup_count, 2);
	assert_int_equal(twofa_backup_match(&rec, "87654321", &index), 0);
	assert_int_equal(index, 1);
	assert_int_equal(twofa_backup_match(&rec, "11111111", &index),
			 TWOFA_ERR_INVALID);
	twofa_record_wipe(&rec);
}

static int oath(const char *text, struct twofa_oath_file *f,
		struct twofa_parse_error *why)
{
	return twofa_import_oath_parse(text, strlen(text), NOW, f, why);
}

static void test_oath(void **state)
{
	struct twofa_oath_file f;
	struct twofa_parse_error why;
	char text[1024], used[9];
	/* dave's last code, accepted 5 steps of 60 s ago (and at step 7). */
	helper_hotp_sha1("12345678901234567890", NOW / 60 - 5, 6, used);
	snprintf(text, sizeof(text), "%s%s%s",
		 "# comment\n"
		 "\n"
		 "HOTP\talice\t-\t" SEED_HEX "\n"
		 "HOTP/E/8 bob 1234 " SEED_HEX
		 " 7 12345678 2020-01-01T00:00:00L\n"
		 "HOTP/T30/7 carol + " SEED_HEX "\n"
		 "  HOTP/T60 dave - " SEED_HEX " 0 ",
		 used,
		 " 2020-01-01T00:00:00L\r\n"
		 "HOTP/E eve - 3132333435363738393031323334353637383930AB 5");

	(void)state;
	assert_int_equal(oath(text, &f, &why), 0);
	assert_int_equal(f.count, 5);
	assert_string_equal(f.entries[0].user, "alice");
	assert_int_equal(f.entries[0].line, 3);
	assert_int_equal(f.entries[0].rec.type, TWOFA_HOTP);
	assert_int_equal(f.entries[0].rec.digits, 6);
	assert_int_equal(f.entries[0].rec.state.next, 0);
	assert_false(f.entries[0].has_pin);
	assert_memory_equal(f.entries[0].rec.secret, "12345678901234567890",
			    20);
	/* A recorded last OTP: the counter after the stored one. */
	assert_int_equal(f.entries[1].rec.digits, 8);
	assert_int_equal(f.entries[1].rec.state.next, 8);
	assert_true(f.entries[1].has_pin);
	assert_int_equal(f.entries[2].rec.type, TWOFA_TOTP);
	assert_int_equal(f.entries[2].rec.period, 30);
	assert_int_equal(f.entries[2].rec.digits, 7);
	assert_int_equal(f.entries[2].rec.state.next, 0);
	assert_false(f.entries[2].has_pin);
	/* TOTP with a used code: nothing before now's step. */
	assert_int_equal(f.entries[3].rec.period, 60);
	assert_int_equal(f.entries[3].rec.state.next, NOW / 60 - 5 + 1);
	/* Upper-case hex, 21 bytes; no newline at the end. */
	assert_int_equal(f.entries[4].rec.secret_len, 21);
	assert_int_equal(f.entries[4].rec.secret[20], 0xab);
	assert_int_equal(f.entries[4].rec.state.next, 5);
	twofa_oath_free(&f);
	assert_null(f.entries);
}

static void test_oath_totp_last_code_unknown(void **state)
{
	struct twofa_oath_file f;
	char text[256], old[9];

	(void)state;
	/* Used 2000 steps ago: beyond any window, no guard is needed. */
	helper_hotp_sha1("12345678901234567890", NOW / 30 - 2000, 6, old);
	snprintf(text, sizeof(text),
		 "HOTP/T30 a - %s 0 %s 2020-01-01T00:00:00L", SEED_HEX, old);
	assert_int_equal(oath(text, &f, NULL), 0);
	assert_int_equal(f.entries[0].rec.state.next, 0);
	twofa_oath_free(&f);
	/* A last code of the wrong length is not understood. */
	snprintf(text, sizeof(text), "HOTP/T30 a - %s 0 1234567", SEED_HEX);
	assert_int_equal(oath(text, &f, NULL), TWOFA_ERR_MALFORMED);
}

static void test_oath_refusals(void **state)
{
	static const char *const bad[] = {
	    "TOTP a - " SEED_HEX,
	    "HOTP/T30/9 a - " SEED_HEX,
	    "HOTP/T45 a - " SEED_HEX,
	    "HOTP/E/ a - " SEED_HEX,
	    "hotp a - " SEED_HEX,
	    "HOTP ../x - " SEED_HEX,
	    "HOTP .a - " SEED_HEX,
	    "HOTP a - 313233343536373839303132333435363738393",
	    "HOTP a - 3132333435363738393031323334353637383g",
	    "HOTP a - 31323334353637383930", /* 80 bits */
	    "HOTP a - " SEED_HEX " -1",
	    "HOTP a - " SEED_HEX " 1x",
	    "HOTP a - " SEED_HEX " 1 12345",
	    "HOTP a - " SEED_HEX " 1 123456 2020-01-01T00:00:00L extra",
	    "HOTP a -",
	};
	struct twofa_oath_file f;
	struct twofa_parse_error why;
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* A good line first: a bad one later refuses the whole file. */
		snprintf(text, sizeof(text), "HOTP z - %s\n%s\n", SEED_HEX,
			 bad[i]);
		memset(&why, 0, sizeof(why));
		assert_int_equal(oath(text, &f, &why), TWOFA_ERR_MALFORMED);
		assert_int_equal(why.line, 2);
		assert_non_null(why.what);
		assert_int_equal(f.count, 0);
		assert_null(f.entries);
	}
	assert_int_equal(
	    oath("HOTP a - " SEED_HEX "\nHOTP/T30 a - " SEED_HEX, &f, &why),
	    TWOFA_ERR_MALFORMED);
	assert_int_equal(why.line, 2);
	assert_int_equal(oath("# only a comment\n", &f, &why),
			 TWOFA_ERR_MALFORMED);
}

static void test_oath_many_users(void **state)
{
	static char text[TWOFA_IMPORT_MAX];
	struct twofa_oath_file f;
	size_t pos = 0;
	int i;

	(void)state;
	/* Growth of the entry array, past several doublings. */
	for (i = 0; i < 200; i++)
		pos += (size_t)snprintf(text + pos, sizeof(text) - pos,
					"HOTP u%d - %s %d\n", i, SEED_HEX, i);
	assert_int_equal(twofa_import_oath_parse(text, pos, NOW, &f, NULL), 0);
	assert_int_equal(f.count, 200);
	assert_string_equal(f.entries[199].user, "u199");
	assert_int_equal(f.entries[199].rec.state.next, 199);
	twofa_oath_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ga_totp),
	    cmocka_unit_test(test_ga_time_skew_and_ignored_lines),
	    cmocka_unit_test(test_ga_hotp),
	    cmocka_unit_test(test_ga_refusals),
	    cmocka_unit_test(test_ga_scratch_codes_become_hashed_backup_codes),
	    cmocka_unit_test(test_oath),
	    cmocka_unit_test(test_oath_totp_last_code_unknown),
	    cmocka_unit_test(test_oath_refusals),
	    cmocka_unit_test(test_oath_many_users),
	};
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
