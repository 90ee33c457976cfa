/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The login loop (load -> decide -> compare-and-swap) over a second
 * implementation of the store interface, the in-memory store of
 * mem_store.c: a conflict injected before each state change makes the
 * loop decide again with the same outcome, and of two logins racing with
 * one code exactly one wins. Codes come from the tests' own HMAC
 * (helpers.c), never from the library under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"
#include "mem_store.h"
#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/err.h"

#define NOW  1700000000ULL /* step 56666666 at 30 s */
#define SEED "12345678901234567890"

static const char *const backups[] = {"12345678", "87654321"};

static void enroll(struct twofa_store *st, enum twofa_otp_type type)
{
	struct twofa_record rec;

	helper_record(&rec, type);
	assert_int_equal(twofa_backup_set(&rec, backups, 2), 0);
	assert_int_equal(twofa_store_create(st, "alice", &rec, false, NULL),
			 0);
	twofa_record_wipe(&rec);
}

static void totp(uint64_t now, char code[9])
{
	helper_hotp_sha1(SEED, now / 30, 6, code);
}

/* One attempt: what a caller of the loop can see. */
struct attempt {
	int ret;
	struct twofa_outcome out;
};

static struct attempt attempt(struct twofa_store *st, const char *code,
			      uint64_t now)
{
	struct twofa_policy pol;
	struct attempt a;

	twofa_policy_default(&pol); /* deny 5, unlock 600, window 1 */
	memset(&a, 0, sizeof(a));
	a.ret = twofa_authenticate(st, "alice", code, now, &pol, &a.out, NULL);
	return a;
}

static void assert_same(const struct attempt *a, const struct attempt *b)
{
	assert_int_equal(a->ret, b->ret);
	assert_int_equal(a->out.verdict, b->out.verdict);
	assert_int_equal(a->out.method, b->out.method);
	assert_int_equal(a->out.failures, b->out.failures);
	assert_int_equal(a->out.locked_until, b->out.locked_until);
	assert_int_equal(a->out.backup_left, b->out.backup_left);
	assert_int_equal(a->out.just_locked, b->out.just_locked);
}

/*
 * Right code, replay, backup code and its replay, wrong codes up to the
 * lock, then a right code while locked: on a store that never conflicts
 * and on one that conflicts n times before every state change.
 */
static void same_outcomes_with_conflicts(unsigned n)
{
	struct mem_store *plain = calloc(1, sizeof(*plain));
	struct mem_store *racy = calloc(1, sizeof(*racy));
	struct twofa_store *a = NULL, *b = NULL;
	char now_code[9], later_code[9], end_code[9];
	struct {
		const char *code;
		uint64_t when;
		enum twofa_verdict want;
	} seq[] = {
	    {"000000", NOW, TWOFA_VERDICT_REJECTED},
	    {now_code, NOW, TWOFA_VERDICT_ACCEPTED},
	    {now_code, NOW + 1, TWOFA_VERDICT_REJECTED}, /* replay */
	    {"1234 5678", NOW + 2, TWOFA_VERDICT_ACCEPTED},
	    {"12345678", NOW + 3, TWOFA_VERDICT_REJECTED}, /* burnt */
	    {"999999", NOW + 4, TWOFA_VERDICT_REJECTED},
	    {"999998", NOW + 5, TWOFA_VERDICT_REJECTED},
	    {"999997", NOW + 6, TWOFA_VERDICT_REJECTED},
	    {"999996", NOW + 7, TWOFA_VERDICT_REJECTED}, /* 5th: locked */
	    {later_code, NOW + 300, TWOFA_VERDICT_LOCKED},
	    {end_code, NOW + 700, TWOFA_VERDICT_ACCEPTED}, /* lock over */
	};
	size_t i;

	assert_non_null(plain);
	assert_non_null(racy);
	racy->conflict_each = n;
	assert_int_equal(mem_store_open(plain, &a), 0);
	assert_int_equal(mem_store_open(racy, &b), 0);
	enroll(a, TWOFA_TOTP);
	enroll(b, TWOFA_TOTP);
	totp(NOW, now_code);
	totp(NOW + 300, later_code);
	totp(NOW + 700, end_code);

	for (i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		struct attempt x = attempt(a, seq[i].code, seq[i].when);
		struct attempt y = attempt(b, seq[i].code, seq[i].when);

		assert_int_equal(x.ret, 0);
		assert_int_equal(x.out.verdict, seq[i].want);
		assert_same(&x, &y);
		if (i == 8)
			assert_true(y.out.just_locked);
		if (i == 3)
			assert_int_equal(y.out.backup_left, 1);
	}
	assert_int_equal(plain->conflicts, 0);
	/* Every change (all but the locked attempt) lost n times. */
	assert_int_equal(plain->writes, 10);
	assert_int_equal(racy->writes, 10);
	assert_int_equal(racy->conflicts, n * racy->writes);
	assert_int_equal(racy->loads, plain->loads + n * racy->writes);
	/* The same state in the end, whatever the versions say. */
	assert_memory_equal(&racy->e[0].rec.state.next,
			    &plain->e[0].rec.state.next, sizeof(uint64_t));
	assert_int_equal(racy->e[0].rec.state.failures, 0);
	assert_int_equal(racy->e[0].rec.state.backup_used,
			 plain->e[0].rec.state.backup_used);
	assert_int_equal(racy->e[0].rec.state.last_success, NOW + 700);
	assert_int_equal(plain->e[0].rec.state.last_success, NOW + 700);
	twofa_store_close(a);
	twofa_store_close(b);
	free(plain);
	free(racy);
}

static void test_conflict_before_each_change(void **state)
{
	(void)state;
	same_outcomes_with_conflicts(1);
}

static void test_conflicts_up_to_the_bound(void **state)
{
	(void)state;
	same_outcomes_with_conflicts(TWOFA_CAS_TRIES - 1);
}

/* A store that never lets a change through: refused, nothing written. */
static void test_conflicts_beyond_the_bound(void **state)
{
	struct mem_store *m = calloc(1, sizeof(*m));
	struct twofa_store *st = NULL;
	struct attempt x;
	char code[9];

	(void)state;
	assert_non_null(m);
	m->conflict_each = TWOFA_CAS_TRIES;
	assert_int_equal(mem_store_open(m, &st), 0);
	enroll(st, TWOFA_TOTP);
	totp(NOW, code);
	x = attempt(st, code, NOW);
	assert_int_equal(x.ret, TWOFA_ERR_CONFLICT);
	assert_int_equal(x.out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(m->writes, 0);
	assert_int_equal(m->loads, TWOFA_CAS_TRIES);
	assert_int_equal(m->e[0].rec.state.next, 0);
	twofa_store_close(st);
	free(m);
}

/* The other login, run between this one's decision and its write. */
struct racer {
	struct twofa_store *st;
	const char *code;
	uint64_t now;
	struct attempt result;
	int ran;
};

static void race(struct mem_store *m, void *arg)
{
	struct racer *r = arg;

	(void)m;
	r->result = attempt(r->st, r->code, r->now);
	r->ran = 1;
}

static void race_one_code(enum twofa_otp_type type, const char *code,
			  unsigned backup_left_after)
{
	struct mem_store *m = calloc(1, sizeof(*m));
	struct twofa_store *st = NULL;
	struct racer other;
	struct attempt mine;

	assert_non_null(m);
	assert_int_equal(mem_store_open(m, &st), 0);
	enroll(st, type);
	memset(&other, 0, sizeof(other));
	other.st = st;
	other.code = code;
	other.now = NOW;
	m->before_cas = race;
	m->arg = &other;

	mine = attempt(st, code, NOW);

	assert_true(other.ran);
	assert_int_equal(mine.ret, 0);
	assert_int_equal(other.result.ret, 0);
	/* The other login wrote first and won; this one decided again. */
	assert_int_equal(other.result.out.verdict, TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(mine.out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(mine.out.failures, 1);
	assert_int_equal(m->conflicts, 1);
	assert_int_equal(m->writes, 2);
	assert_int_equal(m->e[0].rec.state.failures, 1);
	assert_int_equal(mine.out.backup_left, backup_left_after);
	twofa_store_close(st);
	free(m);
}

static void test_race_totp(void **state)
{
	char code[9];

	(void)state;
	totp(NOW, code);
	race_one_code(TWOFA_TOTP, code, 2);
}

static void test_race_hotp(void **state)
{
	char code[9];

	(void)state;
	helper_hotp_sha1(SEED, 0, 6, code);
	race_one_code(TWOFA_HOTP, code, 2);
}

static void test_race_backup_code(void **state)
{
	(void)state;
	race_one_code(TWOFA_TOTP, "8765 4321", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conflict_before_each_change),
	    cmocka_unit_test(test_conflicts_up_to_the_bound),
	    cmocka_unit_test(test_conflicts_beyond_the_bound),
	    cmocka_unit_test(test_race_totp),
	    cmocka_unit_test(test_race_hotp),
	    cmocka_unit_test(test_race_backup_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
