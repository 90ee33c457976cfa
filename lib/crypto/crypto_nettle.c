/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa/crypto.h over Nettle (Debian libnettle8) and getrandom(2): the one
 * place that names a cryptographic library on the login path. Nettle keeps
 * every context on the caller's stack and has no global state to set up,
 * so nothing here allocates and nothing can fail half-way for want of
 * memory; the error returns are for bad arguments and the kernel's RNG.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <nettle/gcm.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <nettle/pbkdf2.h>
#include <nettle/sha2.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/mem.h"

union hmac_state {
	struct hmac_sha1_ctx sha1;
	struct hmac_sha256_ctx sha256;
	struct hmac_sha512_ctx sha512;
};

_Static_assert(sizeof(union hmac_state) <=
		   sizeof(((struct twofa_hmac *)0)->state),
	       "struct twofa_hmac is too small for Nettle's HMAC contexts");
_Static_assert(_Alignof(union hmac_state) <= 16,
	       "struct twofa_hmac is not aligned enough");

/* GCM's limit for one message is 2^36 - 32 bytes; far beyond any record. */
#define AEAD_MAX ((size_t)1 << 30)

size_t twofa_hash_len(enum twofa_hash h)
{
	switch (h) {
	case TWOFA_HASH_SHA1:
		return SHA1_DIGEST_SIZE;
	case TWOFA_HASH_SHA256:
		return SHA256_DIGEST_SIZE;
	case TWOFA_HASH_SHA512:
		return SHA512_DIGEST_SIZE;
	}
	return 0;
}

int twofa_hmac_init(struct twofa_hmac *ctx, enum twofa_hash h,
		    const unsigned char *key, size_t keylen)
{
	union hmac_state *s;

	if (ctx == NULL)
		return TWOFA_ERR_INVALID;
	ctx->ready = 0;
	/* An empty key is valid HMAC, but no caller of ours has one. */
	if (twofa_hash_len(h) == 0 || key == NULL || keylen == 0 ||
	    keylen > TWOFA_HMAC_KEYMAX)
		return TWOFA_ERR_INVALID;
	s = (union hmac_state *)(void *)ctx->state;
	switch (h) {
	case TWOFA_HASH_SHA1:
		hmac_sha1_set_key(&s->sha1, keylen, key);
		break;
	case TWOFA_HASH_SHA256:
		hmac_sha256_set_key(&s->sha256, keylen, key);
		break;
	case TWOFA_HASH_SHA512:
		hmac_sha512_set_key(&s->sha512, keylen, key);
		break;
	}
	ctx->hash = h;
	ctx->ready = 1;
	return TWOFA_OK;
}

int twofa_hmac_mac(struct twofa_hmac *ctx, const unsigned char *msg,
		   size_t msglen, unsigned char *out)
{
	union hmac_state *s;

	if (ctx == NULL || !ctx->ready || out == NULL ||
	    (msg == NULL && msglen > 0))
		return TWOFA_ERR_INVALID;
	s = (union hmac_state *)(void *)ctx->state;
	/* Nettle's digest leaves the context keyed for the next message. */
	switch (ctx->hash) {
	case TWOFA_HASH_SHA1:
		hmac_sha1_update(&s->sha1, msglen, msg);
		hmac_sha1_digest(&s->sha1, SHA1_DIGEST_SIZE, out);
		return TWOFA_OK;
	case TWOFA_HASH_SHA256:
		hmac_sha256_update(&s->sha256, msglen, msg);
		hmac_sha256_digest(&s->sha256, SHA256_DIGEST_SIZE, out);
		return TWOFA_OK;
	case TWOFA_HASH_SHA512:
		hmac_sha512_update(&s->sha512, msglen, msg);
		hmac_sha512_digest(&s->sha512, SHA512_DIGEST_SIZE, out);
		return TWOFA_OK;
	}
	return TWOFA_ERR_INVALID;
}

void twofa_hmac_wipe(struct twofa_hmac *ctx)
{
	if (ctx != NULL)
		twofa_wipe(ctx, sizeof(*ctx));
}

int twofa_hmac(enum twofa_hash h, const unsigned char *key, size_t keylen,
	       const unsigned char *msg, size_t msglen, unsigned char *out)
{
	struct twofa_hmac ctx;
	int ret;

	ret = twofa_hmac_init(&ctx, h, key, keylen);
	if (ret == TWOFA_OK)
		ret = twofa_hmac_mac(&ctx, msg, msglen, out);
	twofa_hmac_wipe(&ctx);
	return ret;
}

int twofa_sha256(const void *data, size_t len,
		 unsigned char out[TWOFA_SHA256_LEN])
{
	struct sha256_ctx ctx;

	if (out == NULL || (data == NULL && len > 0))
		return TWOFA_ERR_INVALID;
	sha256_init(&ctx);
	sha256_update(&ctx, len, data);
	sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
	twofa_wipe(&ctx, sizeof(ctx));
	return TWOFA_OK;
}

int twofa_pbkdf2_sha256(const unsigned char *pw, size_t pwlen,
			const unsigned char *salt, size_t saltlen,
			uint32_t iterations, unsigned char *out, size_t outlen)
{
	/* Nettle asserts (aborts) on zero iterations or length: check first. */
	if (pw == NULL || pwlen == 0 || pwlen > TWOFA_HMAC_KEYMAX ||
	    (salt == NULL && saltlen > 0) || iterations == 0 || out == NULL ||
	    outlen == 0 || outlen > 1024)
		return TWOFA_ERR_INVALID;
	pbkdf2_hmac_sha256(pwlen, pw, iterations, saltlen, salt, outlen, out);
	return TWOFA_OK;
}

static int aead_args_ok(const unsigned char *key, const unsigned char *nonce,
			const unsigned char *ad, size_t adlen,
			const unsigned char *in, size_t len,
			const unsigned char *out, const unsigned char *tag)
{
	return key != NULL && nonce != NULL && tag != NULL &&
	       (ad != NULL || adlen == 0) && adlen <= AEAD_MAX &&
	       ((in != NULL && out != NULL) || len == 0) && len <= AEAD_MAX;
}

int twofa_aead_seal(const unsigned char key[32], const unsigned char nonce[12],
		    const unsigned char *ad, size_t adlen,
		    const unsigned char *pt, size_t ptlen, unsigned char *ct,
		    unsigned char tag[16])
{
	struct gcm_aes256_ctx gcm;

	if (!aead_args_ok(key, nonce, ad, adlen, pt, ptlen, ct, tag))
		return TWOFA_ERR_INVALID;
	gcm_aes256_set_key(&gcm, key);
	gcm_aes256_set_iv(&gcm, GCM_IV_SIZE, nonce);
	if (adlen > 0)
		gcm_aes256_update(&gcm, adlen, ad);
	if (ptlen > 0)
		gcm_aes256_encrypt(&gcm, ptlen, ct, pt);
	gcm_aes256_digest(&gcm, GCM_DIGEST_SIZE, tag);
	twofa_wipe(&gcm, sizeof(gcm));
	return TWOFA_OK;
}

int twofa_aead_open(const unsigned char key[32], const unsigned char nonce[12],
		    const unsigned char *ad, size_t adlen,
		    const unsigned char *ct, size_t ctlen,
		    const unsigned char tag[16], unsigned char *pt)
{
	struct gcm_aes256_ctx gcm;
	unsigned char want[GCM_DIGEST_SIZE];
	int ret = TWOFA_ERR_CRYPTO;

	if (!aead_args_ok(key, nonce, ad, adlen, ct, ctlen, pt, tag))
		return TWOFA_ERR_INVALID;
	gcm_aes256_set_key(&gcm, key);
	gcm_aes256_set_iv(&gcm, GCM_IV_SIZE, nonce);
	if (adlen > 0)
		gcm_aes256_update(&gcm, adlen, ad);
	/*
	 * GCM authenticates the ciphertext while decrypting it, so pt holds
	 * the plaintext before the tag is known to match; it is wiped below
	 * unless it does.
	 */
	if (ctlen > 0)
		gcm_aes256_decrypt(&gcm, ctlen, pt, ct);
	gcm_aes256_digest(&gcm, GCM_DIGEST_SIZE, want);
	if (memeql_sec(want, tag, GCM_DIGEST_SIZE))
		ret = TWOFA_OK;
	else if (ctlen > 0)
		twofa_wipe(pt, ctlen);
	twofa_wipe(want, sizeof(want));
	twofa_wipe(&gcm, sizeof(gcm));
	return ret;
}

int twofa_random(void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t left = len;

	if (buf == NULL && len > 0)
		return TWOFA_ERR_INVALID;
	/*
	 * Flags 0: block until the kernel's pool is initialised (only ever
	 * at early boot), never fall back to anything weaker. Requests over
	 * 256 bytes may be cut short or interrupted: loop.
	 */
	while (left > 0) {
		ssize_t n = getrandom(p, left, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			twofa_wipe(buf, len);
			return TWOFA_ERR_CRYPTO;
		}
		p += n;
		left -= (size_t)n;
	}
	return TWOFA_OK;
}

int twofa_memeq_ct(const void *a, const void *b, size_t len)
{
	if (len == 0)
		return 0;
	return memeql_sec(a, b, len) ? 0 : -1;
}
