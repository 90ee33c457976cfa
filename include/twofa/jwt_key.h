/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The token signing key: /etc/twofa/jwt.key, an RSA (RS256) or P-256
 * (ES256) private key in PEM. The directory is a parameter so that tests
 * can use another one; twofa-admin and pam_twofa.so pass TWOFA_KEY_DIR.
 *
 * Every directory from "/" down to the key directory is opened with
 * O_NOFOLLOW and must be owned by root (or owner) and not writable by group
 * or others; the key must be a regular file owned by owner with no group or
 * other bits (0600), at most TWOFA_KEY_FILE_MAX bytes. Anything else is
 * refused, never "fixed".
 */
#ifndef TWOFA_JWT_KEY_H
#define TWOFA_JWT_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "twofa/err.h"

#define TWOFA_KEY_DIR	   "/etc/twofa"
#define TWOFA_KEY_NAME	   "jwt.key"
#define TWOFA_PUB_NAME	   "jwt.pub"
#define TWOFA_KEY_FILE_MAX (16 * 1024)

#define TWOFA_RSA_BITS_DEFAULT 3072
#define TWOFA_RSA_BITS_MIN     2048
#define TWOFA_RSA_BITS_MAX     8192 /* bounds the cost of a signature */

/* Only these; the token header's alg is always the key's one. */
enum twofa_key_alg { TWOFA_KEY_RS256 = 1, TWOFA_KEY_ES256 };

const char *twofa_key_alg_name(enum twofa_key_alg alg); /* "RS256" */
/* Exactly "RS256" or "ES256". */
int twofa_key_alg_parse(const char *s, enum twofa_key_alg *out);

struct twofa_key;

/*
 * Load dir/jwt.key (see above). TWOFA_ERR_KEY for a missing, unparsable
 * or unsuitable key (RSA under 2048 bits, an EC curve other than P-256, an
 * encrypted key), TWOFA_ERR_UNSAFE for a file or directory with the wrong type,
 * owner or mode, TWOFA_ERR_IO when a system call fails. why (may be NULL) names
 * what and where.
 */
int twofa_key_load(const char *dir, uid_t owner, struct twofa_key **out,
		   struct twofa_error *why);

/* A new key: RSA of bits (0: the default) or P-256 (bits must be 0). */
int twofa_key_generate(enum twofa_key_alg alg, unsigned bits,
		       struct twofa_key **out);

/*
 * Write dir/jwt.key (0600, owner) and dir/jwt.pub (0644): both staged as
 * new files and fsynced, then renamed into place, then fsync of the
 * directory; when the public half cannot be put in place the old key is
 * put back, so the two always belong together. dir is created (0755)
 * when it is missing. Without force, TWOFA_ERR_EXISTS if jwt.key exists
 * (checked atomically: an existing key is never replaced).
 */
int twofa_key_save(const struct twofa_key *key, const char *dir, uid_t owner,
		   bool force, struct twofa_error *why);

enum twofa_key_alg twofa_key_alg(const struct twofa_key *key);
unsigned twofa_key_bits(const struct twofa_key *key);
/* The RFC 7638 thumbprint, base64url: the tokens' and the JWKS's kid. */
const char *twofa_key_id(const struct twofa_key *key);
/* The public key as SubjectPublicKeyInfo PEM (the jwt.pub text). */
const char *twofa_key_public_pem(const struct twofa_key *key, size_t *len);

/* Wipe and free. NULL is fine. */
void twofa_key_free(struct twofa_key *key);

#endif
