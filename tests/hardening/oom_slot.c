/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Regression test: when a state slot's check cannot be computed, the
 * record must be refused, not read as if the newer slot were torn (that
 * loaded the older slot and undid the replay guard), and a slot must never
 * be written with a check that cannot match. Found when OpenSSL's
 * allocations were failed; the check is now Nettle's SHA-256, which does
 * not allocate, so the failure is injected at the core's crypto interface
 * instead: the link wraps twofa_sha256 (-Wl,--wrap, tests/hardening/
 * tests.mk) and the N-th call fails, for every N until a run sees no
 * failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "twofa/slot.h"

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

int __real_twofa_sha256(const void *data, size_t len,
			unsigned char out[TWOFA_SHA256_LEN]);
int __wrap_twofa_sha256(const void *data, size_t len,
			unsigned char out[TWOFA_SHA256_LEN]);

/* Fails as the interface promises: an error and no partial result. */
int __wrap_twofa_sha256(const void *data, size_t len,
			unsigned char out[TWOFA_SHA256_LEN])
{
	if (fail_at != 0 && ++calls == fail_at)
		return TWOFA_ERR_CRYPTO;
	return __real_twofa_sha256(data, len, out);
}

static void arm(unsigned n)
{
	calls = 0;
	fail_at = n;
}

/* Stop failing; how many allocations were seen while armed. */
static unsigned disarm(void)
{
	fail_at = 0;
	return calls;
}

int main(void)
{
	struct twofa_record rec, got;
	struct twofa_state newer = {.seq = 8, .next = 1001, .failures = 1};
	struct twofa_state st;
	char *text = NULL, line[TWOFA_SLOT_LEN];
	size_t len = 0, off = 0;
	unsigned cur = 0, n, seen, refused = 0;
	int ret;

	twofa_record_init(&rec, TWOFA_TOTP, 1700000000);
	memcpy(rec.secret, "12345678901234567890", 20);
	rec.secret_len = 20;
	rec.state.seq = 7;
	rec.state.next = 1000;
	if (twofa_record_format(&rec, &text, &len) != TWOFA_OK ||
	    twofa_slot_format(&newer, 1, text + len - TWOFA_SLOT_LEN) !=
		TWOFA_OK) {
		fprintf(stderr, "cannot build the test record\n");
		return 1;
	}

	/* Reading: slot B (seq 8) or nothing, never slot A (seq 7). */
	for (n = 1;; n++) {
		arm(n);
		ret = twofa_record_parse(text, len, &got, &off, &cur, NULL);
		seen = disarm();
		if (ret == TWOFA_OK) {
			CHECK(got.state.seq == 8 && got.state.next == 1001);
			CHECK(cur == 1);
		} else {
			CHECK(ret == TWOFA_ERR_CRYPTO);
			refused++;
		}
		if (seen < n) /* the n-th allocation never came: all tried */
			break;
	}
	CHECK(refused > 0); /* some allocation was actually failed */

	/* Writing: a formatted slot parses; a failed one says so. */
	for (n = 1;; n++) {
		memset(line, 'x', sizeof(line));
		arm(n);
		ret = twofa_slot_format(&newer, 0, line);
		seen = disarm();
		if (ret == TWOFA_OK)
			CHECK(twofa_slot_parse(line, 0, &st) == TWOFA_OK &&
			      st.seq == 8);
		else
			CHECK(ret == TWOFA_ERR_CRYPTO && line[0] == 'x');
		if (seen < n)
			break;
	}
	twofa_freezero(text, len);
	twofa_record_wipe(&rec);
	twofa_record_wipe(&got);
	if (failures == 0)
		printf("oom_slot: %u hash failures, all refused cleanly\n",
		       refused);
	return failures == 0 ? 0 : 1;
}
