/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The public signing key as a JSON Web Key (RFC 7517/7518) and its
 * RFC 7638 thumbprint, which is the kid of every token and of the JWKS.
 * The JSON is written here with fixed member order: every value is
 * base64url or a constant, so nothing needs escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/jwk.h"
#include "token/jwt_key_internal.h"
#include "token/ossl_lib.h"

/* RSA n of up to 8192 bits: 1024 bytes, 1366 characters. */
#define B64_MAX	     1400
#define EC_COORD_LEN 32

int twofa_b64url_encode(const unsigned char *in, size_t len, char *out,
			size_t outlen)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "abcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t i, o = 0;

	if (outlen < (len / 3) * 4 + 4)
		return TWOFA_ERR_INVALID;
	for (i = 0; i + 2 < len; i += 3) {
		unsigned long v = (unsigned long)in[i] << 16 |
				  (unsigned long)in[i + 1] << 8 | in[i + 2];

		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		unsigned long v = (unsigned long)in[i] << 16;

		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
	} else if (len - i == 2) {
		unsigned long v =
		    (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8;

		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
	}
	out[o] = '\0';
	return TWOFA_OK;
}

/* The public members, base64url: RSA n and e, or EC x and y. */
struct jwk_members {
	char a[B64_MAX]; /* n or x */
	char b[B64_MAX]; /* e or y */
};

/* A big number as base64url: minimal big-endian, or padded to pad bytes. */
static int bn_b64(const struct twofa_ossl *ossl, const BIGNUM *bn, int pad,
		  char *out, size_t outlen)
{
	unsigned char buf[1024];
	int n;

	/* (bits + 7) / 8 is BN_num_bytes, a macro over BN_num_bits. */
	if ((ossl->bn_num_bits(bn) + 7) / 8 > (int)sizeof(buf) ||
	    pad > (int)sizeof(buf))
		return TWOFA_ERR_INVALID;
	n = pad > 0 ? ossl->bn_bn2binpad(bn, buf, pad)
		    : ossl->bn_bn2bin(bn, buf);
	if (n <= 0)
		return TWOFA_ERR_CRYPTO;
	return twofa_b64url_encode(buf, (size_t)n, out, outlen);
}

static int jwk_members(const struct twofa_key *key, struct jwk_members *m)
{
	/* A key exists only once libcrypto is loaded (jwt_key.c). */
	const struct twofa_ossl *ossl = twofa_ossl();
	const EVP_PKEY *pkey = twofa_key_pkey(key);
	BIGNUM *a = NULL, *b = NULL;
	int ret = TWOFA_ERR_CRYPTO;

	if (ossl == NULL)
		return TWOFA_ERR_CRYPTO;
	if (twofa_key_alg(key) == TWOFA_KEY_RS256) {
		if (ossl->pkey_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &a) !=
			1 ||
		    ossl->pkey_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &b) !=
			1)
			goto out;
		ret = bn_b64(ossl, a, 0, m->a, sizeof(m->a));
		if (ret == TWOFA_OK)
			ret = bn_b64(ossl, b, 0, m->b, sizeof(m->b));
	} else {
		if (ossl->pkey_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X,
					    &a) != 1 ||
		    ossl->pkey_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y,
					    &b) != 1)
			goto out;
		ret = bn_b64(ossl, a, EC_COORD_LEN, m->a, sizeof(m->a));
		if (ret == TWOFA_OK)
			ret = bn_b64(ossl, b, EC_COORD_LEN, m->b, sizeof(m->b));
	}
out:
	ossl->bn_free(a);
	ossl->bn_free(b);
	return ret;
}

int twofa_jwk_thumbprint(const struct twofa_key *key, char kid[TWOFA_KID_LEN])
{
	struct jwk_members m;
	unsigned char digest[TWOFA_SHA256_LEN];
	char *json = NULL;
	int n, ret;

	kid[0] = '\0';
	ret = jwk_members(key, &m);
	if (ret != TWOFA_OK)
		return ret;
	/* RFC 7638 section 3.2: required members only, sorted, no spaces. */
	if (twofa_key_alg(key) == TWOFA_KEY_RS256)
		n = asprintf(&json,
			     "{\"e\":\"%s\",\"kty\":\"RSA\",\"n\":\"%s\"}", m.b,
			     m.a);
	else
		n = asprintf(&json,
			     "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\","
			     "\"y\":\"%s\"}",
			     m.a, m.b);
	if (n < 0)
		return TWOFA_ERR_NOMEM;
	if (twofa_sha256(json, (size_t)n, digest) != TWOFA_OK)
		ret = TWOFA_ERR_CRYPTO;
	else
		ret = twofa_b64url_encode(digest, sizeof(digest), kid,
					  TWOFA_KID_LEN);
	free(json);
	return ret;
}

int twofa_jwks_json(const struct twofa_key *key, char **out)
{
	struct jwk_members m;
	int n, ret;

	*out = NULL;
	ret = jwk_members(key, &m);
	if (ret != TWOFA_OK)
		return ret;
	if (twofa_key_alg(key) == TWOFA_KEY_RS256)
		n = asprintf(out,
			     "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\","
			     "\"alg\":\"RS256\",\"kid\":\"%s\",\"n\":\"%s\","
			     "\"e\":\"%s\"}]}\n",
			     twofa_key_id(key), m.a, m.b);
	else
		n = asprintf(
		    out,
		    "{\"keys\":[{\"kty\":\"EC\",\"use\":\"sig\","
		    "\"alg\":\"ES256\",\"kid\":\"%s\",\"crv\":\"P-256\","
		    "\"x\":\"%s\",\"y\":\"%s\"}]}\n",
		    twofa_key_id(key), m.a, m.b);
	if (n < 0) {
		*out = NULL;
		return TWOFA_ERR_NOMEM;
	}
	return TWOFA_OK;
}
