/* SPDX-License-Identifier: BSD-2-Clause */
/* HOTP (RFC 4226) and TOTP (RFC 6238) on the core's HMAC (twofa/crypto.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/otp.h"

/* How many counters one twofa_otp_find may try. */
#define OTP_FIND_MAX 1000

static const char *const alg_names[] = {"SHA1", "SHA256", "SHA512"};

const char *twofa_alg_name(enum twofa_alg alg)
{
	if ((unsigned)alg > TWOFA_ALG_SHA512)
		return "?";
	return alg_names[alg];
}

int twofa_alg_parse(const char *name, enum twofa_alg *alg)
{
	unsigned i;

	for (i = 0; i < 3; i++) {
		if (strcasecmp(name, alg_names[i]) == 0) {
			*alg = (enum twofa_alg)i;
			return TWOFA_OK;
		}
	}
	return TWOFA_ERR_INVALID;
}

static int alg_hash(enum twofa_alg alg, enum twofa_hash *h)
{
	switch (alg) {
	case TWOFA_ALG_SHA1:
		*h = TWOFA_HASH_SHA1;
		return TWOFA_OK;
	case TWOFA_ALG_SHA256:
		*h = TWOFA_HASH_SHA256;
		return TWOFA_OK;
	case TWOFA_ALG_SHA512:
		*h = TWOFA_HASH_SHA512;
		return TWOFA_OK;
	}
	return TWOFA_ERR_INVALID;
}

/* The HMAC context of a key; what twofa_hotp and twofa_otp_find accept. */
static int otp_key(struct twofa_hmac *ctx, const unsigned char *key,
		   size_t keylen, enum twofa_alg alg)
{
	enum twofa_hash h;

	if (key == NULL || keylen == 0 || keylen > 1024 ||
	    alg_hash(alg, &h) != TWOFA_OK)
		return TWOFA_ERR_INVALID;
	return twofa_hmac_init(ctx, h, key, keylen);
}

static const uint32_t pow10[] = {1000000u, 10000000u, 100000000u};

/* HOTP of one counter with an already keyed context (RFC 4226 5.3). */
static int hotp_keyed(struct twofa_hmac *ctx, unsigned digits, uint64_t counter,
		      char code[TWOFA_CODE_MAX + 1])
{
	unsigned char msg[8];
	unsigned char mac[TWOFA_HASH_MAX];
	size_t maclen = twofa_hash_len(ctx->hash);
	unsigned off;
	uint32_t bin;
	int i, ret = TWOFA_ERR_INVALID;

	memset(code, 0, TWOFA_CODE_MAX + 1);
	if (digits < TWOFA_DIGITS_MIN || digits > TWOFA_DIGITS_MAX ||
	    maclen < 20)
		return TWOFA_ERR_INVALID;
	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	ret = twofa_hmac_mac(ctx, msg, sizeof(msg), mac);
	if (ret != TWOFA_OK)
		goto out;
	/* Dynamic truncation, RFC 4226 section 5.3. */
	off = mac[maclen - 1] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) |
	      ((uint32_t)mac[off + 1] << 16) | ((uint32_t)mac[off + 2] << 8) |
	      (uint32_t)mac[off + 3];
	bin %= pow10[digits - TWOFA_DIGITS_MIN];
	for (i = (int)digits - 1; i >= 0; i--) {
		code[i] = (char)('0' + bin % 10);
		bin /= 10;
	}
	bin = 0;
	ret = TWOFA_OK;
out:
	twofa_wipe(mac, sizeof(mac));
	twofa_wipe(msg, sizeof(msg));
	return ret;
}

int twofa_hotp(const unsigned char *key, size_t keylen, enum twofa_alg alg,
	       unsigned digits, uint64_t counter, char code[TWOFA_CODE_MAX + 1])
{
	struct twofa_hmac ctx;
	int ret;

	memset(code, 0, TWOFA_CODE_MAX + 1);
	if (digits < TWOFA_DIGITS_MIN || digits > TWOFA_DIGITS_MAX)
		return TWOFA_ERR_INVALID;
	ret = otp_key(&ctx, key, keylen, alg);
	if (ret == TWOFA_OK)
		ret = hotp_keyed(&ctx, digits, counter, code);
	twofa_hmac_wipe(&ctx);
	return ret;
}

uint64_t twofa_totp_step(uint64_t now, unsigned period)
{
	if (period == 0)
		return 0;
	return now / period;
}

static int code_shape_ok(const char *code, unsigned digits)
{
	unsigned i;

	for (i = 0; i < digits; i++) {
		if (code[i] < '0' || code[i] > '9')
			return 0;
	}
	return code[digits] == '\0';
}

int twofa_otp_find(const unsigned char *key, size_t keylen, enum twofa_alg alg,
		   unsigned digits, const char *code, uint64_t first,
		   uint64_t last, uint64_t *matched)
{
	struct twofa_hmac ctx;
	char want[TWOFA_CODE_MAX + 1];
	char cand[TWOFA_CODE_MAX + 1];
	uint64_t c, found = 0;
	unsigned any = 0;
	int ret = TWOFA_ERR_INVALID;

	if (matched != NULL)
		*matched = 0;
	if (code == NULL || matched == NULL || first > last ||
	    last - first >= OTP_FIND_MAX || digits < TWOFA_DIGITS_MIN ||
	    digits > TWOFA_DIGITS_MAX ||
	    strnlen(code, TWOFA_CODE_MAX + 1) != digits ||
	    !code_shape_ok(code, digits))
		return TWOFA_ERR_INVALID;
	memset(want, 0, sizeof(want));
	memset(cand, 0, sizeof(cand));
	memcpy(want, code, digits);
	/* The key is processed once for the whole window, not per counter. */
	ret = otp_key(&ctx, key, keylen, alg);
	if (ret != TWOFA_OK)
		goto out;

	/*
	 * Try every counter in the range, without stopping at a match, so the
	 * time taken does not tell which counter (if any) matched.
	 */
	for (c = first;; c++) {
		unsigned hit;

		ret = hotp_keyed(&ctx, digits, c, cand);
		if (ret != TWOFA_OK)
			goto out;
		hit = (unsigned)(twofa_memeq_ct(cand, want, digits) == 0);
		/* Keep the first (smallest) match, branch-free. */
		found = (hit & !any) ? c : found;
		any |= hit;
		if (c == last)
			break;
	}
	if (any) {
		*matched = found;
		ret = TWOFA_OK;
	} else {
		ret = TWOFA_ERR_INVALID;
	}
out:
	twofa_hmac_wipe(&ctx);
	twofa_wipe(want, sizeof(want));
	twofa_wipe(cand, sizeof(cand));
	return ret;
}
