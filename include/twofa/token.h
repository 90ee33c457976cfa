/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signed tokens (JWT, RFC 7519) saying "this user passed 2FA just now".
 *
 * Signing goes through libjwt with the key's algorithm, which is never
 * "none". libjwt 1.10 verifies nothing on its own terms (it accepts
 * alg "none", an HMAC made with the public key as the secret, and checks
 * no claim), so verification pins the algorithm to the key's one before
 * any signature is looked at and checks every claim here.
 */
#ifndef TWOFA_TOKEN_H
#define TWOFA_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "twofa/jwt_key.h"
#include "twofa/uri.h" /* TWOFA_ISSUER_MAX: one issuer, in URIs and tokens */

#define TWOFA_TOKEN_TTL_DEFAULT 300 /* seconds */
#define TWOFA_TOKEN_TTL_MAX	86400
/* Clock difference tolerated between issuer and verifier, for exp/nbf/iat. */
#define TWOFA_TOKEN_LEEWAY 60
#define TWOFA_TOKEN_MAX	   8192 /* bytes of a token we look at */
#define TWOFA_AUDIENCE_MAX 256
#define TWOFA_GROUPS_MAX   1024

struct twofa_token_request {
	const char *user;     /* sub; must be a valid user name */
	const char *issuer;   /* iss; NULL: the host name */
	const char *audience; /* aud; NULL: none */
	uint64_t now;	      /* iat and nbf */
	uint64_t ttl;	      /* exp = now + ttl; 0: the default */
};

/*
 * A signed token for req in *out (free with twofa_free_string): header
 * alg (the key's), typ JWT, kid; claims iss, sub, aud (when given), iat,
 * nbf, exp, jti (128 random bits), amr ["otp"], groups (the user's Unix
 * groups; empty when the user is not known to NSS). The token is checked
 * with twofa_token_verify() before it is returned. On any error *out is
 * NULL: there is never an unsigned token.
 */
int twofa_token_issue(const struct twofa_key *key,
		      const struct twofa_token_request *req, char **out);

struct twofa_token_check {
	const char *issuer;   /* expected iss; NULL: the host name */
	const char *audience; /* expected aud; NULL: the token must have none */
	uint64_t now;
};

/*
 * Verify token against key: 0 when the header's alg is exactly the key's
 * (no "none", no HMAC, no other algorithm), typ is absent or "JWT", no
 * "crit", kid absent or ours; the signature verifies; iss matches; sub is
 * a valid user name; jti is present; exp, nbf and iat are integers with
 * nbf - leeway <= now < exp + leeway and iat <= now + leeway; aud equals
 * the expected one (a string), or is absent when none is expected.
 * Otherwise TWOFA_ERR_TOKEN with *reason (static text) saying why, or
 * another error for a failure that says nothing about the token.
 * claims (may be NULL) receives the payload as JSON (free()).
 */
int twofa_token_verify(const struct twofa_key *key, const char *token,
		       const struct twofa_token_check *chk, char **claims,
		       const char **reason);

/* The default issuer: the host name. */
int twofa_token_hostname(char *buf, size_t len);

#endif
