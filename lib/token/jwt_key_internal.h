/* SPDX-License-Identifier: BSD-2-Clause */
/* What token.c and jwk.c need of a signing key; not part of the API. */
#ifndef TWOFA_JWT_KEY_INTERNAL_H
#define TWOFA_JWT_KEY_INTERNAL_H

#include <stddef.h>

#include <openssl/evp.h>

#include "twofa/jwt_key.h"

const EVP_PKEY *twofa_key_pkey(const struct twofa_key *key);
/* Unencrypted PKCS#8 PEM of the private key, for libjwt's signer. */
const char *twofa_key_private_pem(const struct twofa_key *key, size_t *len);

#endif
