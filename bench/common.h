/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the benchmark programs agree on: user names, secrets and codes.
 *
 * User i is "u" followed by seven digits; its 20-byte secret is
 * SHA-1("twofa-bench " + i), the same for all three modules. Codes are
 * computed here with OpenSSL's HMAC (RFC 6238: SHA1, 6 digits, 30 s),
 * independently of the code under test.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#define BENCH_PERIOD	 30
#define BENCH_DIGITS	 6
#define BENCH_SECRET_LEN 20
#define BENCH_USER_LEN	 16

static inline void bench_user(unsigned i, char name[BENCH_USER_LEN])
{
	snprintf(name, BENCH_USER_LEN, "u%07u", i);
}

static inline int bench_secret(unsigned i, unsigned char key[BENCH_SECRET_LEN])
{
	char seed[32];
	unsigned int len = 0;
	int n = snprintf(seed, sizeof(seed), "twofa-bench %u", i);

	if (EVP_Digest(seed, (size_t)n, key, &len, EVP_sha1(), NULL) != 1 ||
	    len != BENCH_SECRET_LEN)
		return -1;
	return 0;
}

/* The TOTP code of key for time step step, as 6 digits and a NUL. */
static inline int bench_code(const unsigned char key[BENCH_SECRET_LEN],
			     uint64_t step, char code[BENCH_DIGITS + 1])
{
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, off;
	uint32_t bin;
	int i;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(step & 0xff);
		step >>= 8;
	}
	if (HMAC(EVP_sha1(), key, BENCH_SECRET_LEN, msg, sizeof(msg), mac,
		 &maclen) == NULL ||
	    maclen != 20)
		return -1;
	off = mac[19] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) |
	      ((uint32_t)mac[off + 1] << 16) | ((uint32_t)mac[off + 2] << 8) |
	      (uint32_t)mac[off + 3];
	snprintf(code, BENCH_DIGITS + 1, "%06u", bin % 1000000u);
	return 0;
}

/* The code to offer for user i now; for a bad one, none of t-1..t+1. */
static inline int bench_make_code(unsigned i, bool bad,
				  char code[BENCH_DIGITS + 1])
{
	unsigned char key[BENCH_SECRET_LEN];
	char near[3][BENCH_DIGITS + 1];
	uint64_t step = (uint64_t)time(NULL) / BENCH_PERIOD;
	unsigned v, k;

	if (bench_secret(i, key) != 0 || bench_code(key, step, code) != 0)
		return -1;
	if (!bad)
		return 0;
	if (bench_code(key, step - 1, near[0]) != 0 ||
	    bench_code(key, step, near[1]) != 0 ||
	    bench_code(key, step + 1, near[2]) != 0)
		return -1;
	v = (unsigned)strtoul(code, NULL, 10);
	for (;;) {
		v = (v + 500009u) % 1000000u;
		snprintf(code, BENCH_DIGITS + 1, "%06u", v);
		for (k = 0; k < 3; k++)
			if (strcmp(code, near[k]) == 0)
				break;
		if (k == 3)
			return 0;
	}
}

#endif
