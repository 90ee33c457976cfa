/* SPDX-License-Identifier: BSD-2-Clause */
/* HOTP (RFC 4226) and TOTP (RFC 6238). */
#ifndef TWOFA_OTP_H
#define TWOFA_OTP_H

#include <stddef.h>
#include <stdint.h>

enum twofa_alg { TWOFA_ALG_SHA1 = 0, TWOFA_ALG_SHA256, TWOFA_ALG_SHA512 };

#define TWOFA_DIGITS_MIN 6
#define TWOFA_DIGITS_MAX 8
#define TWOFA_CODE_MAX	 8 /* characters in a code, without NUL */

/* "SHA1", "SHA256", "SHA512" (case-insensitive on parse). */
const char *twofa_alg_name(enum twofa_alg alg);
int twofa_alg_parse(const char *name, enum twofa_alg *alg);

/*
 * The HOTP value for counter, as a NUL-terminated string of exactly digits
 * decimal digits (leading zeros kept) in code[TWOFA_CODE_MAX + 1].
 */
int twofa_hotp(const unsigned char *key, size_t keylen, enum twofa_alg alg,
	       unsigned digits, uint64_t counter,
	       char code[TWOFA_CODE_MAX + 1]);

/* The TOTP time step of a Unix time: floor(now / period). */
uint64_t twofa_totp_step(uint64_t now, unsigned period);

/*
 * Look for code among counters first..last (inclusive), in constant time
 * with respect to which counter matched. On a match returns 0 and sets
 * *matched to the smallest matching counter; no match: TWOFA_ERR_INVALID.
 * A code of the wrong length or with a non-digit never matches. Ranges
 * are limited to 1000 counters.
 */
int twofa_otp_find(const unsigned char *key, size_t keylen, enum twofa_alg alg,
		   unsigned digits, const char *code, uint64_t first,
		   uint64_t last, uint64_t *matched);

#endif
