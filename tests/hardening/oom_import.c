/*
 * Regression test: importing a pam_oath TOTP line that records the last
 * accepted code places the replay guard after that code's time step,
 * found by computing codes. When OpenSSL could not allocate for one of
 * those HMACs, the step was skipped: the guard could land before the used
 * code (which could then be replayed) or be dropped. The import must now
 * either give the right guard or be refused, for every allocation that
 * fails. Found by fuzz/fuzz_import_oath with failure injection.
 *
 * The expected step comes from RFC 6238's test vector (SHA1, T =
 * 1111111109 s: 07081804, so the 6-digit code is 081804), not from the
 * code under test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

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

static void *counting_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	if (fail_at != 0 && ++calls == fail_at)
		return NULL;
	return malloc(n);
}

static void *counting_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	if (fail_at != 0 && ++calls == fail_at)
		return NULL;
	return realloc(p, n);
}

static void plain_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
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

	if (!CRYPTO_set_mem_functions(counting_malloc, counting_realloc,
				      plain_free))
		return 1;
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
		printf("oom_import: %u allocation failures, each refused or "
		       "guarded right\n",
		       refused);
	return failures == 0 ? 0 : 1;
}
