/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Regression test: importing a pam_oath TOTP line that records the last
 * accepted code places the replay guard after that code's time step,
 * found by computing codes. When one of those HMACs failed (OpenSSL could
 * not allocate), the step was skipped: the guard could land before the
 * used code (which could then be replayed) or be dropped. The import must
 * now either give the right guard or be refused, for every HMAC that
 * fails. Found by fuzz/fuzz_import_oath with failure injection. Nettle's
 * HMAC does not allocate, so the failures are injected at the core's
 * crypto interface: the link wraps twofa_hmac_init and twofa_hmac_mac
 * (-Wl,--wrap, tests/hardening/tests.mk) and the N-th call fails.
 *
 * The expected step comes from RFC 6238's test vector (SHA1, T =
 * 1111111109 s: 07081804, so the 6-digit code is 081804), not from the
 * code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/import.h"

static unsigned calls, fail_at;
static int failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: fail_at=%u: %s\n", __FILE__,   \
				__LINE__, fail_at, #cond);                     \
			failures++;                                            \
		}                                                              \
	} while (0)

static int should_fail(void)
{
	return fail_at != 0 && ++calls == fail_at;
}

int __real_twofa_hmac_init(struct twofa_hmac *ctx, enum twofa_hash h,
			   const unsigned char *key, size_t keylen);
int __wrap_twofa_hmac_init(struct twofa_hmac *ctx, enum twofa_hash h,
			   const unsigned char *key, size_t keylen);
int __real_twofa_hmac_mac(struct twofa_hmac *ctx, const unsigned char *msg,
			  size_t msglen, unsigned char *out);
int __wrap_twofa_hmac_mac(struct twofa_hmac *ctx, const unsigned char *msg,
			  size_t msglen, unsigned char *out);

int __wrap_twofa_hmac_init(struct twofa_hmac *ctx, enum twofa_hash h,
			   const unsigned char *key, size_t keylen)
{
	if (should_fail()) {
		ctx->ready = 0;
		return TWOFA_ERR_CRYPTO;
	}
	return __real_twofa_hmac_init(ctx, h, key, keylen);
}

int __wrap_twofa_hmac_mac(struct twofa_hmac *ctx, const unsigned char *msg,
			  size_t msglen, unsigned char *out)
{
	if (should_fail())
		return TWOFA_ERR_CRYPTO;
	return __real_twofa_hmac_mac(ctx, msg, msglen, out);
}

int main(void)
{
	static const char text[] =
	    "HOTP/T30 alice - 3132333435363738393031323334353637383930 "
	    "0 081804\n";
	const uint64_t now = 1111111109 + 60, step = 1111111109 / 30;
	struct twofa_oath_file f;
	unsigned n, seen, refused = 0;
	int ret;

	ret = twofa_import_oath_parse(text, sizeof(text) - 1, now, &f, NULL);
	CHECK(ret == TWOFA_OK && f.count == 1);
	if (ret == TWOFA_OK && f.count == 1)
		CHECK(f.entries[0].rec.state.next == step + 1);
	twofa_oath_free(&f);

	for (n = 1;; n++) {
		calls = 0;
		fail_at = n;
		ret = twofa_import_oath_parse(text, sizeof(text) - 1, now, &f,
					      NULL);
		seen = calls;
		fail_at = 0;
		if (ret == TWOFA_OK) {
			CHECK(f.count == 1 &&
			      f.entries[0].rec.state.next == step + 1);
		} else {
			CHECK(f.count == 0 && f.entries == NULL);
			refused++;
		}
		twofa_oath_free(&f);
		if (seen < n)
			break;
	}
	CHECK(refused > 0);
	if (failures == 0)
		printf("oom_import: %u HMAC failures, each refused or "
		       "guarded right\n",
		       refused);
	return failures == 0 ? 0 : 1;
}
