/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-tokens SECONDS: tokens issued and verified per second through the
 * core (lib/token/token.c over libjwt), for a fresh RS256 key of the default
 * size and a fresh ES256 key. twofa_token_issue() verifies every token it
 * signs before returning it, so an issue costs a signature and a
 * verification. Each measurement runs for SECONDS of wall time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twofa/mem.h"
#include "twofa/token.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench(enum twofa_key_alg alg, double seconds)
{
	struct twofa_key *key = NULL;
	struct twofa_token_request req = {.user = "root", .issuer = "bench"};
	struct twofa_token_check chk = {.issuer = "bench"};
	char *token = NULL;
	const char *reason = NULL;
	unsigned long issued = 0, verified = 0;
	double t0, t1, t2;
	int ret = 1;

	if (twofa_key_generate(alg, 0, &key) != 0) {
		fprintf(stderr, "bench-tokens: cannot make a key\n");
		return 1;
	}
	req.now = chk.now = (uint64_t)time(NULL);
	t0 = now_s();
	do {
		twofa_free_string(token);
		token = NULL;
		if (twofa_token_issue(key, &req, &token) != 0)
			goto out;
		issued++;
	} while ((t1 = now_s()) - t0 < seconds);
	do {
		if (twofa_token_verify(key, token, &chk, NULL, &reason) != 0)
			goto out;
		verified++;
	} while ((t2 = now_s()) - t1 < seconds);
	printf("phase=tokens alg=%s bits=%u issue_per_s=%.1f "
	       "verify_per_s=%.1f token_bytes=%zu\n",
	       twofa_key_alg_name(alg), twofa_key_bits(key),
	       (double)issued / (t1 - t0), (double)verified / (t2 - t1),
	       strlen(token));
	ret = 0;
out:
	if (ret != 0)
		fprintf(stderr, "bench-tokens: %s failed (%s)\n",
			twofa_key_alg_name(alg), reason ? reason : "error");
	twofa_free_string(token);
	twofa_key_free(key);
	return ret;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? strtod(argv[1], NULL) : 1.0;

	if (seconds <= 0 || seconds > 60) {
		fprintf(stderr, "usage: bench-tokens SECONDS\n");
		return 2;
	}
	if (bench(TWOFA_KEY_RS256, seconds) != 0 ||
	    bench(TWOFA_KEY_ES256, seconds) != 0)
		return 1;
	return 0;
}
