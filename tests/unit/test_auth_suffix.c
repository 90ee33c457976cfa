/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The login decision with the code at the end of the typed text
 * (policy.code_suffix, pam_twofa's forward_pass), and the cost of a
 * backup-code check without a record (twofa_backup_burn).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/err.h"

#define NOW  1700000000ULL
#define SEED "12345678901234567890"

struct fx {
	char dir[4096];
	struct twofa_store *st;
	struct twofa_policy pol;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	struct twofa_record rec;
	const char *codes[] = {"12345678", "87654321"};

	helper_make_store(fx->dir);
	if (helper_open_store(fx->dir, &fx->st) != 0)
		return -1;
	helper_record(&rec, TWOFA_TOTP);
	if (twofa_backup_set(&rec, codes, 2) != 0 ||
	    twofa_store_create(fx->st, "alice", &rec, true, NULL) != 0)
		return -1;
	twofa_policy_default(&fx->pol);
	fx->pol.code_suffix = true;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	twofa_store_close(fx->st);
	helper_rm_store(fx->dir);
	free(fx);
	return 0;
}

static struct twofa_outcome check(struct fx *fx, const char *typed)
{
	struct twofa_outcome out;

	assert_int_equal(twofa_authenticate(fx->st, "alice", typed, NOW,
					    &fx->pol, &out, NULL),
			 0);
	return out;
}

static void test_otp_at_the_end(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;
	char code[9], typed[64];

	helper_hotp_sha1(SEED, NOW / 30, 6, code);
	snprintf(typed, sizeof(typed), "hunter2%s", code);
	out = check(fx, typed);
	assert_int_equal(out.verdict, TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.method, TWOFA_METHOD_TOTP);
	assert_int_equal(out.code_start, 7);
	/* Replayed: refused, and the split still says where a code would be */
	out = check(fx, typed);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(out.code_start, 7);
}

static void test_code_alone(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;
	char code[9];

	helper_hotp_sha1(SEED, NOW / 30, 6, code);
	out = check(fx, code);
	assert_int_equal(out.verdict, TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.code_start, 0);
}

static void test_backup_at_the_end(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;

	out = check(fx, "pass word1234 5678");
	assert_int_equal(out.verdict, TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.method, TWOFA_METHOD_BACKUP);
	assert_int_equal(out.code_start, 9);
	out = check(fx, "x87654321");
	assert_int_equal(out.verdict, TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.code_start, 1);
	assert_int_equal(out.backup_left, 0);
}

static void test_short_text_never_matches(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;

	out = check(fx, "");
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(out.code_start, 0);
	out = check(fx, "123");
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
}

static void test_without_suffix_the_whole_text_counts(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;
	char code[9], typed[64];

	fx->pol.code_suffix = false;
	helper_hotp_sha1(SEED, NOW / 30, 6, code);
	snprintf(typed, sizeof(typed), "hunter2%s", code);
	out = check(fx, typed);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(out.code_start, 0);
}

static double ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void test_burn_costs_like_a_check(void **state)
{
	struct twofa_record rec;
	const char *codes[10] = {"00000000", "00000001", "00000002", "00000003",
				 "00000004", "00000005", "00000006", "00000007",
				 "00000008", "00000009"};
	unsigned index;
	double t0, check_ms, burn_ms;

	(void)state;
	helper_record(&rec, TWOFA_TOTP);
	assert_int_equal(twofa_backup_set(&rec, codes, 10), 0);
	t0 = ms();
	assert_int_equal(twofa_backup_match(&rec, "99999999", &index),
			 TWOFA_ERR_INVALID);
	check_ms = ms() - t0;
	t0 = ms();
	assert_int_equal(twofa_backup_burn("99999999", 10), 0);
	burn_ms = ms() - t0;
	assert_true(burn_ms > 0.5 * check_ms);
	assert_true(burn_ms < 2.0 * check_ms);
	assert_int_equal(twofa_backup_burn(NULL, 1), 0);
	assert_int_equal(twofa_backup_burn("not a code", 1), 0);
	twofa_record_wipe(&rec);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_otp_at_the_end),
	    T(test_code_alone),
	    T(test_backup_at_the_end),
	    T(test_short_text_never_matches),
	    T(test_without_suffix_the_whole_text_counts),
	    cmocka_unit_test(test_burn_costs_like_a_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
