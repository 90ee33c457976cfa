/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The login decision: windows, replay guard, HOTP look-ahead, lockout,
 * backup codes. Codes come from an HMAC computed in the test itself or
 * from the RFC vectors, never from the library under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/err.h"

#define NOW  1700000000ULL /* step 56666666 at 30 s */
#define SEED "12345678901234567890"

struct fx {
	char dir[4096];
	struct twofa_store *st;
	struct twofa_policy pol;
	char codes[20 * 9];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	helper_make_store(fx->dir);
	if (helper_open_store(fx->dir, &fx->st) != 0)
		return -1;
	twofa_policy_default(&fx->pol);
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

static void enroll(struct fx *fx, enum twofa_otp_type type, unsigned backups)
{
	struct twofa_record rec;

	helper_record(&rec, type);
	if (backups > 0)
		assert_int_equal(twofa_backup_generate(&rec, backups, fx->codes,
						       sizeof(fx->codes)),
				 0);
	assert_int_equal(
	    twofa_store_create(fx->st, "alice", &rec, true, NULL), 0);
}

static enum twofa_verdict try_code(struct fx *fx, const char *code,
				   uint64_t now, struct twofa_outcome *out)
{
	struct twofa_outcome o;

	if (out == NULL)
		out = &o;
	assert_int_equal(
	    twofa_authenticate(fx->st, "alice", code, now, &fx->pol, out, NULL),
	    0);
	return out->verdict;
}

static void totp(uint64_t now, char code[9])
{
	helper_hotp_sha1(SEED, now / 30, 6, code);
}

static void test_totp_accept_once(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;
	char code[9];

	enroll(fx, TWOFA_TOTP, 0);
	totp(NOW, code);
	assert_int_equal(try_code(fx, code, NOW, &out), TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.method, TWOFA_METHOD_TOTP);
	/* Replayed, also a second later within the same step. */
	assert_int_equal(try_code(fx, code, NOW, &out), TWOFA_VERDICT_REJECTED);
	assert_int_equal(try_code(fx, code, NOW + 1, NULL),
			 TWOFA_VERDICT_REJECTED);
	/* The next step's code is fine. */
	totp(NOW + 30, code);
	assert_int_equal(try_code(fx, code, NOW + 30, NULL),
			 TWOFA_VERDICT_ACCEPTED);
}

static void test_older_code_after_newer(void **state)
{
	struct fx *fx = *state;
	char older[9], newer[9];

	enroll(fx, TWOFA_TOTP, 0);
	totp(NOW, older);
	totp(NOW + 30, newer);
	/* The newer code (step + 1) is inside the window: accepted... */
	assert_int_equal(try_code(fx, newer, NOW, NULL),
			 TWOFA_VERDICT_ACCEPTED);
	/* ...and the current one, though inside the window, is now older. */
	assert_int_equal(try_code(fx, older, NOW, NULL),
			 TWOFA_VERDICT_REJECTED);
}

static void test_window_edges(void **state)
{
	struct fx *fx = *state;
	char code[9];
	const int64_t d[] = {-1, 1, -2, 2};
	const enum twofa_verdict want[] = {
	    TWOFA_VERDICT_ACCEPTED, TWOFA_VERDICT_ACCEPTED,
	    TWOFA_VERDICT_REJECTED, TWOFA_VERDICT_REJECTED};

	for (size_t i = 0; i < 4; i++) {
		enroll(fx, TWOFA_TOTP, 0); /* fresh record, window 1 */
		totp((uint64_t)((int64_t)NOW + 30 * d[i]), code);
		assert_int_equal(try_code(fx, code, NOW, NULL), want[i]);
	}
	/* A policy window of 2 widens it. */
	fx->pol.window = 2;
	enroll(fx, TWOFA_TOTP, 0);
	totp(NOW - 60, code);
	assert_int_equal(try_code(fx, code, NOW, NULL), TWOFA_VERDICT_ACCEPTED);
	/* Window 0: only the current step. */
	fx->pol.window = 0;
	enroll(fx, TWOFA_TOTP, 0);
	totp(NOW - 30, code);
	assert_int_equal(try_code(fx, code, NOW, NULL), TWOFA_VERDICT_REJECTED);
	totp(NOW, code);
	assert_int_equal(try_code(fx, code, NOW, NULL), TWOFA_VERDICT_ACCEPTED);
}

static void test_hotp_lookahead(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;
	char code[9];

	enroll(fx, TWOFA_HOTP, 0); /* look-ahead 10 */
	helper_hotp_sha1(SEED, 0, 6, code);
	assert_int_equal(try_code(fx, code, NOW, &out), TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.method, TWOFA_METHOD_HOTP);
	assert_int_equal(try_code(fx, code, NOW, NULL), TWOFA_VERDICT_REJECTED);
	/* Counter is 1 now; 1 + 10 = 11 is the furthest accepted. */
	helper_hotp_sha1(SEED, 12, 6, code);
	assert_int_equal(try_code(fx, code, NOW, NULL), TWOFA_VERDICT_REJECTED);
	helper_hotp_sha1(SEED, 11, 6, code);
	assert_int_equal(try_code(fx, code, NOW, NULL), TWOFA_VERDICT_ACCEPTED);
	/* Skipped-over counters are burnt. */
	helper_hotp_sha1(SEED, 5, 6, code);
	assert_int_equal(try_code(fx, code, NOW, NULL), TWOFA_VERDICT_REJECTED);
	helper_hotp_sha1(SEED, 12, 6, code);
	assert_int_equal(try_code(fx, code, NOW, NULL), TWOFA_VERDICT_ACCEPTED);
}

static void test_sha256_sha512_eight_digits(void **state)
{
	struct fx *fx = *state;
	struct twofa_record rec;

	(void)state;
	/* RFC 6238 Appendix B, T = 59. */
	twofa_record_init(&rec, TWOFA_TOTP, NOW);
	rec.alg = TWOFA_ALG_SHA256;
	rec.digits = 8;
	memcpy(rec.secret, "12345678901234567890123456789012", 32);
	rec.secret_len = 32;
	assert_int_equal(
	    twofa_store_create(fx->st, "alice", &rec, true, NULL), 0);
	assert_int_equal(try_code(fx, "46119246", 59, NULL),
			 TWOFA_VERDICT_ACCEPTED);
	rec.alg = TWOFA_ALG_SHA512;
	memcpy(
	    rec.secret,
	    "1234567890123456789012345678901234567890123456789012345678901234",
	    64);
	rec.secret_len = 64;
	assert_int_equal(
	    twofa_store_create(fx->st, "alice", &rec, true, NULL), 0);
	assert_int_equal(try_code(fx, "47863826", 20000000000ULL, NULL),
			 TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(try_code(fx, "47863826", 20000000000ULL, NULL),
			 TWOFA_VERDICT_REJECTED);
}

static void test_lockout_and_expiry(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;
	char code[9];

	fx->pol.deny = 3;
	fx->pol.unlock_time = 600;
	enroll(fx, TWOFA_TOTP, 0);
	assert_int_equal(try_code(fx, "000000", NOW, &out),
			 TWOFA_VERDICT_REJECTED);
	assert_int_equal(out.failures, 1);
	assert_int_equal(try_code(fx, "000001", NOW, &out),
			 TWOFA_VERDICT_REJECTED);
	assert_false(out.just_locked);
	assert_int_equal(try_code(fx, "000002", NOW, &out),
			 TWOFA_VERDICT_REJECTED);
	assert_true(out.just_locked);
	assert_int_equal(out.locked_until, NOW + 600);
	/* Locked: even the right code is not looked at, nor consumed. */
	totp(NOW + 30, code);
	assert_int_equal(try_code(fx, code, NOW + 30, &out),
			 TWOFA_VERDICT_LOCKED);
	assert_int_equal(try_code(fx, code, NOW + 599, NULL),
			 TWOFA_VERDICT_LOCKED);
	/* Expired: counting starts afresh, and the right code works. */
	totp(NOW + 600, code);
	assert_int_equal(try_code(fx, code, NOW + 600, &out),
			 TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.failures, 0);
	assert_int_equal(out.locked_until, 0);
}

static void test_lock_forever_and_reset(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;
	char code[9];

	fx->pol.deny = 2;
	fx->pol.unlock_time = 0;
	enroll(fx, TWOFA_TOTP, 0);
	/* A success in between resets the count. */
	try_code(fx, "000000", NOW, NULL);
	totp(NOW, code);
	assert_int_equal(try_code(fx, code, NOW, &out), TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.failures, 0);
	try_code(fx, "000000", NOW, NULL);
	try_code(fx, "000000", NOW, &out);
	assert_int_equal(out.locked_until, TWOFA_LOCKED_FOREVER);
	totp(NOW + 1000000, code);
	assert_int_equal(try_code(fx, code, NOW + 1000000, NULL),
			 TWOFA_VERDICT_LOCKED);
	/* deny = 0: never locks. */
	fx->pol.deny = 0;
	enroll(fx, TWOFA_TOTP, 0);
	for (int i = 0; i < 20; i++)
		try_code(fx, "000000", NOW, &out);
	assert_int_equal(out.failures, 20);
	assert_int_equal(out.locked_until, 0);
}

static void test_backup_codes(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;
	char spaced[10];
	const char *c0;

	enroll(fx, TWOFA_TOTP, 10);
	c0 = fx->codes;
	/* Typed with its space, as it is printed. */
	memcpy(spaced, c0, 4);
	spaced[4] = ' ';
	memcpy(spaced + 5, c0 + 4, 5);
	assert_int_equal(try_code(fx, spaced, NOW, &out),
			 TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.method, TWOFA_METHOD_BACKUP);
	assert_int_equal(out.backup_left, 9);
	/* Gone once used; the refusal names the method that was tried. */
	assert_int_equal(try_code(fx, c0, NOW, &out), TWOFA_VERDICT_REJECTED);
	assert_int_equal(out.backup_left, 9);
	assert_int_equal(out.method, TWOFA_METHOD_BACKUP);
	/* A wrong six-digit text is a wrong TOTP, not a backup attempt. */
	assert_int_equal(try_code(fx, "000000", NOW, &out),
			 TWOFA_VERDICT_REJECTED);
	assert_int_equal(out.method, TWOFA_METHOD_TOTP);
	/* Another one works. */
	assert_int_equal(try_code(fx, fx->codes + 9 * 9, NOW, &out),
			 TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(out.backup_left, 8);
	/* Refused when backup codes are not allowed. */
	fx->pol.allow_backup = false;
	assert_int_equal(try_code(fx, fx->codes + 9, NOW, &out),
			 TWOFA_VERDICT_REJECTED);
	assert_int_equal(out.backup_left, 8);
	fx->pol.allow_backup = true;
	assert_int_equal(try_code(fx, fx->codes + 9, NOW, &out),
			 TWOFA_VERDICT_ACCEPTED);
}

static void test_errors_refuse(void **state)
{
	struct fx *fx = *state;
	struct twofa_outcome out;
	struct twofa_error why;
	char code[9];

	totp(NOW, code);
	assert_int_equal(twofa_authenticate(fx->st, "nobody", code, NOW,
					    &fx->pol, &out, &why),
			 TWOFA_ERR_NO_RECORD);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(
	    twofa_authenticate(fx->st, "../x", code, NOW, &fx->pol, &out, &why),
	    TWOFA_ERR_BAD_USER);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	helper_write_file(fx->dir, "alice", "twofa-record 1\n", 15, 0600);
	assert_int_equal(twofa_authenticate(fx->st, "alice", code, NOW,
					    &fx->pol, &out, &why),
			 TWOFA_ERR_MALFORMED);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_totp_accept_once),
	    T(test_older_code_after_newer),
	    T(test_window_edges),
	    T(test_hotp_lookahead),
	    T(test_sha256_sha512_eight_digits),
	    T(test_lockout_and_expiry),
	    T(test_lock_forever_and_reset),
	    T(test_backup_codes),
	    T(test_errors_refuse),
	};
	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
