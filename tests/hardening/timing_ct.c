/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timing_ct: is a code's check independent of whether and where it
 * matches? Measures, interleaved, the median time of
 *   twofa_otp_find over 21 counters (window 10): the code matching the
 *     first counter, the last, or none;
 *   twofa_backup_match over 10 codes: matching the first, the last, none;
 * and prints them. Exits 1 if a median differs from the "none" median by
 * more than LIMIT percent (default 15), which a check that stops at the
 * first match (or compares with memcmp) would: matching the first
 * counter would then cost about 1/21 of a miss.
 *
 *   timing_ct [ROUNDS [LIMIT]]
 *
 * The expected codes come from RFC 4226's test values, not from the code
 * under test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twofa/backup.h"
#include "twofa/otp.h"
#include "twofa/record.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	/* RFC 4226 appendix D: key "12345678901234567890", counters 0..9. */
	static const char *const rfc[] = {
	    "755224", "287082", "359152", "969429", "338314",
	    "254676", "287922", "162583", "399871", "520489"};
	static const char *const plain[10] = {
	    "10000001", "10000002", "10000003", "10000004", "10000005",
	    "10000006", "10000007", "10000008", "10000009", "10000010"};
	const unsigned char *key =
	    (const unsigned char *)"12345678901234567890";
	size_t rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 3000;
	double limit = argc > 2 ? atof(argv[2]) : 15.0;
	struct twofa_record rec;
	const char *otp_case[3], *bk_case[3];
	uint64_t *t[6], med[6], m = 0;
	unsigned idx;
	size_t r, b_rounds;
	int c, bad = 0;

	/* Counters 0..20: "755224" is counter 0 (first), "520489" counter 9
	 * matched as last of the range 9..29 below. */
	otp_case[0] = rfc[0];
	otp_case[1] = rfc[9];
	otp_case[2] = "000000";
	twofa_record_init(&rec, TWOFA_TOTP, 0);
	if (twofa_backup_set(&rec, plain, 10) != 0)
		return 2;
	bk_case[0] = plain[0];
	bk_case[1] = plain[9];
	bk_case[2] = "99999999";
	b_rounds = rounds / 200 + 5;
	for (c = 0; c < 6; c++) {
		t[c] = calloc(rounds, sizeof(uint64_t));
		if (t[c] == NULL)
			return 2;
	}
	for (r = 0; r < rounds; r++) {
		for (c = 0; c < 3; c++) {
			uint64_t t0 = now_ns(), first = c == 1 ? 9 : 0;

			twofa_otp_find(key, 20, TWOFA_ALG_SHA1, 6, otp_case[c],
				       first, first + 20, &m);
			t[c][r] = now_ns() - t0;
		}
		if (r >= b_rounds)
			continue;
		for (c = 0; c < 3; c++) {
			uint64_t t0 = now_ns();

			twofa_backup_match(&rec, bk_case[c], &idx);
			t[3 + c][r] = now_ns() - t0;
		}
	}
	/* The matches must really be matches, or the test proves nothing. */
	if (twofa_otp_find(key, 20, TWOFA_ALG_SHA1, 6, rfc[9], 9, 29, &m) !=
		0 ||
	    m != 9 || twofa_backup_match(&rec, plain[9], &idx) != 0 ||
	    idx != 9) {
		fprintf(stderr, "timing_ct: the matching cases do not match\n");
		return 2;
	}
	for (c = 0; c < 6; c++)
		med[c] = median(t[c], c < 3 ? rounds : b_rounds);
	printf("otp_find, 21 counters: first %llu ns, last %llu ns, "
	       "none %llu ns\n",
	       (unsigned long long)med[0], (unsigned long long)med[1],
	       (unsigned long long)med[2]);
	printf("backup_match, 10 codes: first %llu us, last %llu us, "
	       "none %llu us\n",
	       (unsigned long long)med[3] / 1000,
	       (unsigned long long)med[4] / 1000,
	       (unsigned long long)med[5] / 1000);
	for (c = 0; c < 6; c++) {
		uint64_t none = med[c < 3 ? 2 : 5];
		double d =
		    100.0 * ((double)med[c] - (double)none) / (double)none;

		if (d > limit || d < -limit) {
			printf("timing_ct: case %d differs by %.1f%%\n", c, d);
			bad = 1;
		}
	}
	for (c = 0; c < 6; c++)
		free(t[c]);
	twofa_record_wipe(&rec);
	return bad;
}
