/* SPDX-License-Identifier: BSD-2-Clause */
/* The public signing key as a JSON Web Key (RFC 7517) and its RFC 7638 id. */
#ifndef TWOFA_JWK_H
#define TWOFA_JWK_H

#include <stddef.h>

#include "twofa/jwt_key.h"

/* 43 base64url characters of a SHA-256 digest, and a NUL. */
#define TWOFA_KID_LEN 44

/*
 * base64url without padding (RFC 7515 section 2) of in[len] into out,
 * which has room for outlen bytes including the NUL.
 */
int twofa_b64url_encode(const unsigned char *in, size_t len, char *out,
			size_t outlen);

/*
 * The RFC 7638 thumbprint of key's public part: base64url of SHA-256 over
 * {"e":..,"kty":"RSA","n":..} or {"crv":"P-256","kty":"EC","x":..,"y":..}.
 */
int twofa_jwk_thumbprint(const struct twofa_key *key, char kid[TWOFA_KID_LEN]);

/*
 * The JSON Web Key Set publishing key, one line with a newline:
 * {"keys":[{"kty":..,"use":"sig","alg":..,"kid":..,...}]}. Free with free().
 */
int twofa_jwks_json(const struct twofa_key *key, char **out);

#endif
