/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The cryptography of the core, in one interface with one implementation
 * (lib/crypto/crypto_nettle.c, over GnuTLS's Nettle; random bytes from
 * getrandom(2)). Everything a login needs is here, so the PAM module does
 * not map libcrypto: loading and initialising OpenSSL in a fresh su/sudo
 * process cost more than the rest of the login (README, "Dependencies").
 * OpenSSL stays for signing keys and tokens (lib/token/).
 *
 * Every function returns 0 or a negative TWOFA_ERR_* (TWOFA_ERR_CRYPTO when
 * the computation cannot be done, TWOFA_ERR_INVALID for a bad argument);
 * on an error, outputs hold no partial result. Callers must treat every
 * error as a refusal. None of them allocates.
 */
#ifndef TWOFA_CRYPTO_H
#define TWOFA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

enum twofa_hash { TWOFA_HASH_SHA1 = 0, TWOFA_HASH_SHA256, TWOFA_HASH_SHA512 };

#define TWOFA_HASH_MAX	  64 /* bytes of the longest digest (SHA-512) */
#define TWOFA_SHA256_LEN  32
#define TWOFA_HMAC_KEYMAX 4096 /* longer keys are refused */

/* Digest length of h in bytes, or 0 for an unknown h. */
size_t twofa_hash_len(enum twofa_hash h);

/*
 * A keyed HMAC context that can be used for many messages: the key is
 * processed once by twofa_hmac_init, and each twofa_hmac_mac starts again
 * from that key. An OTP window search makes one and uses it for every
 * counter. Lives on the caller's stack; the size is checked against the
 * implementation at compile time. Wipe it with twofa_hmac_wipe.
 */
struct twofa_hmac {
	enum twofa_hash hash;
	int ready;
	_Alignas(16) unsigned char state[1024];
};

int twofa_hmac_init(struct twofa_hmac *ctx, enum twofa_hash h,
		    const unsigned char *key, size_t keylen);
/* out receives twofa_hash_len(ctx->hash) bytes (at most TWOFA_HASH_MAX). */
int twofa_hmac_mac(struct twofa_hmac *ctx, const unsigned char *msg,
		   size_t msglen, unsigned char *out);
void twofa_hmac_wipe(struct twofa_hmac *ctx);

/* One-shot HMAC: init, mac, wipe. */
int twofa_hmac(enum twofa_hash h, const unsigned char *key, size_t keylen,
	       const unsigned char *msg, size_t msglen, unsigned char *out);

int twofa_sha256(const void *data, size_t len,
		 unsigned char out[TWOFA_SHA256_LEN]);

/* PBKDF2-HMAC-SHA256 (RFC 8018), iterations >= 1, outlen >= 1. */
int twofa_pbkdf2_sha256(const unsigned char *pw, size_t pwlen,
			const unsigned char *salt, size_t saltlen,
			uint32_t iterations, unsigned char *out, size_t outlen);

/*
 * AES-256-GCM with a 96-bit nonce and a 128-bit tag. ct and pt may be the
 * same buffer. A nonce must never be used twice with one key: take it from
 * twofa_random. open checks the tag in constant time; on a mismatch it
 * returns TWOFA_ERR_CRYPTO and pt is wiped (no unauthenticated plaintext).
 */
int twofa_aead_seal(const unsigned char key[32], const unsigned char nonce[12],
		    const unsigned char *ad, size_t adlen,
		    const unsigned char *pt, size_t ptlen,
		    unsigned char *ct /* ptlen bytes */, unsigned char tag[16]);
int twofa_aead_open(const unsigned char key[32], const unsigned char nonce[12],
		    const unsigned char *ad, size_t adlen,
		    const unsigned char *ct, size_t ctlen,
		    const unsigned char tag[16], unsigned char *pt);

/* Cryptographically strong random bytes from the kernel (getrandom(2)). */
int twofa_random(void *buf, size_t len);

/* Constant-time comparison of two equal-length buffers: 0 when equal. */
int twofa_memeq_ct(const void *a, const void *b, size_t len);

#endif
