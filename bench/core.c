/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-core STORE FIRST COUNT STRIDE: where a login's time goes inside our
 * core, without libpam. For each user it times the steps the login
 * decision takes (twofa_authenticate does the same, in one call): opening
 * the store (the walk from "/"), opening + locking + reading + parsing the
 * record, checking the code, the durable state commit (pwrite +
 * fdatasync), and closing. Prints the median of each step in
 * microseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "twofa/otp.h"
#include "twofa/parse.h"
#include "twofa/store.h"

enum { S_STORE, S_OPEN, S_CHECK, S_COMMIT, S_CLOSE, S_TOTAL, S_N };
static const char *const names[S_N] = {
    "store_open", "record_open", "code_check", "commit", "close", "total"};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static unsigned arg(const char *s)
{
	uint64_t v = 0;

	if (twofa_parse_u64(s, strlen(s), 100000000, &v) != 0) {
		fprintf(stderr, "bench-core: bad number %s\n", s);
		exit(2);
	}
	return (unsigned)v;
}

int main(int argc, char **argv)
{
	unsigned first, count, stride, k, s;
	double *t[S_N];

	if (argc != 5) {
		fprintf(stderr, "usage: bench-core STORE FIRST COUNT STRIDE\n");
		return 2;
	}
	first = arg(argv[2]);
	count = arg(argv[3]);
	stride = arg(argv[4]);
	for (s = 0; s < S_N; s++)
		if ((t[s] = calloc(count + 1, sizeof(double))) == NULL)
			return 1;
	for (k = 0; k < count; k++) {
		unsigned i = first + k * stride;
		unsigned char key[BENCH_SECRET_LEN];
		char user[BENCH_USER_LEN], code[BENCH_DIGITS + 1];
		struct twofa_store *st = NULL;
		struct twofa_loaded *h = NULL;
		struct twofa_state next;
		struct twofa_conf conf;
		uint64_t now = (uint64_t)time(NULL), step = now / BENCH_PERIOD;
		uint64_t matched = 0;
		double t0, t1, t2, t3, t4, t5;

		bench_user(i, user);
		if (bench_secret(i, key) != 0 ||
		    bench_code(key, step, code) != 0)
			return 1;
		twofa_conf_init(&conf);
		if (twofa_conf_set_store(&conf, argv[1]) != 0)
			return 2;
		t0 = now_us();
		if (twofa_store_open(&conf, 0, &st, NULL) != 0)
			return 1;
		t1 = now_us();
		if (twofa_store_load(st, user, &h, NULL) != 0)
			return 1;
		t2 = now_us();
		if (twofa_otp_find(h->rec.secret, h->rec.secret_len, h->rec.alg,
				   h->rec.digits, code, step - 1, step + 1,
				   &matched) != 0 ||
		    matched < h->rec.state.next) {
			fprintf(stderr, "bench-core: %s: code refused\n", user);
			return 1;
		}
		next = h->rec.state;
		next.next = matched + 1;
		t3 = now_us();
		if (twofa_store_cas_state(h, &next, NULL) != 0)
			return 1;
		t4 = now_us();
		twofa_store_release(h);
		twofa_store_close(st);
		t5 = now_us();
		t[S_STORE][k] = t1 - t0;
		t[S_OPEN][k] = t2 - t1;
		t[S_CHECK][k] = t3 - t2;
		t[S_COMMIT][k] = t4 - t3;
		t[S_CLOSE][k] = t5 - t4;
		t[S_TOTAL][k] = t5 - t0;
	}
	printf("phase=core logins=%u", count);
	for (s = 0; s < S_N; s++) {
		qsort(t[s], count, sizeof(double), cmp);
		printf(" %s_us=%.1f", names[s], t[s][count / 2]);
	}
	printf("\n");
	return 0;
}
