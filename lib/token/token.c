/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signed tokens: issuing through libjwt with the key's own algorithm, and
 * verifying with that algorithm pinned before libjwt sees the key.
 *
 * What libjwt 1.10.2 does on this machine (Debian 12), and why the checks
 * below exist: jwt_decode() with a NULL key parses any token and verifies
 * nothing; with an RSA public key it accepts an HS256 token whose HMAC
 * secret is that public PEM, and alg "none"; it checks no claim.
 * jwt_set_alg() accepts any bytes as a key and jwt_encode_str() then fails.
 * After a keyless jwt_decode(), jwt_get_alg() says "none" whatever the
 * header says, so the header's alg is read as text.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/jwt_lib.h"
#include "twofa/jwk.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/token.h"
#include "twofa/user.h"
#include "token/jwt_key_internal.h"

#define JTI_BYTES  16 /* 128 random bits */
#define AMR_GROUPS "{\"amr\":[\"otp\"],\"groups\":"

static jwt_alg_t jwt_alg_of(const struct twofa_key *key)
{
	return twofa_key_alg(key) == TWOFA_KEY_ES256 ? JWT_ALG_ES256
						     : JWT_ALG_RS256;
}

int twofa_token_hostname(char *buf, size_t len)
{
	if (len < 2)
		return TWOFA_ERR_INVALID;
	if (gethostname(buf, len) != 0)
		return TWOFA_ERR_IO;
	buf[len - 1] = '\0';
	return buf[0] != '\0' ? TWOFA_OK : TWOFA_ERR_IO;
}

/* Issuer and audience: printable ASCII, 1 to max bytes. */
static bool text_ok(const char *s, size_t max)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (n >= max || s[n] < 0x20 || s[n] > 0x7e)
			return false;
	return n > 0;
}

/* A growing string for the JSON we build. */
struct buf {
	char *p;
	size_t len, cap;
	bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (p == NULL) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* A JSON string; bytes >= 0x80 pass through (the JSON parser checks UTF-8). */
static void buf_add_json_string(struct buf *b, const char *s)
{
	char esc[8];

	buf_add(b, "\"", 1);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			buf_add(b, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			buf_add(b, esc, 6);
		} else {
			buf_add(b, s, 1);
		}
	}
	buf_add(b, "\"", 1);
}

/* Append the names of user's Unix groups as a JSON array. */
static int add_groups(struct buf *b, const char *user)
{
	struct passwd pw, *pwr = NULL;
	struct group gr, *grr = NULL;
	gid_t *groups = NULL;
	char *sbuf = NULL;
	size_t slen = 16384;
	int n = 64, ret = TWOFA_ERR_NOMEM, e;
	bool first = true;

	buf_add(b, "[", 1);
	sbuf = malloc(slen);
	if (sbuf == NULL)
		goto out;
	while ((e = getpwnam_r(user, &pw, sbuf, slen, &pwr)) == ERANGE &&
	       slen < 1024 * 1024) {
		char *p = realloc(sbuf, slen * 2);

		if (p == NULL)
			goto out;
		sbuf = p;
		slen *= 2;
	}
	if (e != 0 && e != ENOENT && e != ESRCH) {
		ret = TWOFA_ERR_IO;
		goto out;
	}
	if (pwr != NULL) {
		groups = calloc(TWOFA_GROUPS_MAX, sizeof(*groups));
		if (groups == NULL)
			goto out;
		n = TWOFA_GROUPS_MAX;
		/* More than TWOFA_GROUPS_MAX: the first ones, n is the count.
		 */
		if (getgrouplist(user, pw.pw_gid, groups, &n) < 0 &&
		    n > TWOFA_GROUPS_MAX)
			n = TWOFA_GROUPS_MAX;
		for (int i = 0; i < n; i++) {
			while ((e = getgrgid_r(groups[i], &gr, sbuf, slen,
					       &grr)) == ERANGE &&
			       slen < 1024 * 1024) {
				char *p = realloc(sbuf, slen * 2);

				if (p == NULL)
					goto out;
				sbuf = p;
				slen *= 2;
			}
			if (e != 0 || grr == NULL)
				continue; /* a gid without a name */
			if (!first)
				buf_add(b, ",", 1);
			buf_add_json_string(b, gr.gr_name);
			first = false;
		}
	}
	buf_add(b, "]", 1);
	ret = b->failed ? TWOFA_ERR_NOMEM : TWOFA_OK;
out:
	free(groups);
	free(sbuf);
	return ret;
}

int twofa_token_issue(const struct twofa_key *key,
		      const struct twofa_token_request *req, char **out)
{
	struct twofa_token_check chk;
	struct buf extra = {0};
	unsigned char rnd[JTI_BYTES];
	char iss[TWOFA_ISSUER_MAX + 1], jti[32];
	const char *pem, *reason;
	size_t pem_len;
	uint64_t ttl;
	jwt_t *jwt = NULL;
	char *tok = NULL;
	int ret = TWOFA_ERR_INVALID;

	*out = NULL;
	ttl = req->ttl != 0 ? req->ttl : TWOFA_TOKEN_TTL_DEFAULT;
	if (req->user == NULL || !twofa_user_valid(req->user) ||
	    ttl > TWOFA_TOKEN_TTL_MAX || req->now > (uint64_t)LONG_MAX - ttl ||
	    (req->audience != NULL &&
	     !text_ok(req->audience, TWOFA_AUDIENCE_MAX)) ||
	    (req->issuer != NULL && !text_ok(req->issuer, TWOFA_ISSUER_MAX)))
		goto out;
	if (req->issuer != NULL)
		snprintf(iss, sizeof(iss), "%s", req->issuer);
	else if ((ret = twofa_token_hostname(iss, sizeof(iss))) != TWOFA_OK)
		goto out;
	ret = twofa_random(rnd, sizeof(rnd));
	if (ret != TWOFA_OK)
		goto out;
	ret = twofa_b64url_encode(rnd, sizeof(rnd), jti, sizeof(jti));
	if (ret != TWOFA_OK)
		goto out;
	buf_add(&extra, AMR_GROUPS, strlen(AMR_GROUPS));
	ret = add_groups(&extra, req->user);
	buf_add(&extra, "}", 1);
	if (ret == TWOFA_OK && extra.failed)
		ret = TWOFA_ERR_NOMEM;
	if (ret != TWOFA_OK)
		goto out;

	ret = twofa_jwt_lib_load();
	if (ret != TWOFA_OK)
		goto out;
	ret = TWOFA_ERR_NOMEM;
	if (twofa_jwt_new(&jwt) != 0)
		goto out;
	/* The key's algorithm, or nothing: never an unsigned token. */
	ret = TWOFA_ERR_KEY;
	pem = twofa_key_private_pem(key, &pem_len);
	if (pem == NULL || pem_len > INT_MAX ||
	    twofa_jwt_set_alg(jwt, jwt_alg_of(key), (const unsigned char *)pem,
			      (int)pem_len) != 0 ||
	    twofa_jwt_get_alg(jwt) != jwt_alg_of(key))
		goto out;
	ret = TWOFA_ERR_NOMEM;
	if (twofa_jwt_add_header(jwt, "typ", "JWT") != 0 ||
	    twofa_jwt_add_header(jwt, "kid", twofa_key_id(key)) != 0 ||
	    twofa_jwt_add_grant(jwt, "iss", iss) != 0 ||
	    twofa_jwt_add_grant(jwt, "sub", req->user) != 0 ||
	    (req->audience != NULL &&
	     twofa_jwt_add_grant(jwt, "aud", req->audience) != 0) ||
	    twofa_jwt_add_grant_int(jwt, "iat", (long)req->now) != 0 ||
	    twofa_jwt_add_grant_int(jwt, "nbf", (long)req->now) != 0 ||
	    twofa_jwt_add_grant_int(jwt, "exp", (long)(req->now + ttl)) != 0 ||
	    twofa_jwt_add_grant(jwt, "jti", jti) != 0)
		goto out;
	ret = TWOFA_ERR_INVALID; /* a group name that is not UTF-8 */
	if (twofa_jwt_add_grants_json(jwt, extra.p) != 0)
		goto out;
	ret = TWOFA_ERR_CRYPTO;
	tok = twofa_jwt_encode_str(jwt);
	if (tok == NULL)
		goto out;
	/* Hand out only what our own pinned verifier accepts. */
	chk.issuer = iss;
	chk.audience = req->audience;
	chk.now = req->now;
	if (twofa_token_verify(key, tok, &chk, NULL, &reason) != TWOFA_OK)
		goto out;
	*out = tok;
	tok = NULL;
	ret = TWOFA_OK;
out:
	free(tok);
	free(extra.p);
	twofa_jwt_free(jwt); /* libjwt wipes its copy of the key */
	twofa_wipe(rnd, sizeof(rnd));
	return ret;
}

/* header.payload.signature, each non-empty base64url without padding. */
static bool token_shape_ok(const char *token, size_t len)
{
	size_t dots = 0, part = 0;

	for (size_t i = 0; i < len; i++) {
		char c = token[i];

		if (c == '.') {
			if (part == 0)
				return false;
			dots++;
			part = 0;
		} else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			   (c >= '0' && c <= '9') || c == '-' || c == '_') {
			part++;
		} else {
			return false;
		}
	}
	return dots == 2 && part > 0;
}

/* A claim that must be a non-negative JSON integer. */
static bool int_claim(jwt_t *jwt, const char *name, uint64_t *v)
{
	char *s = twofa_jwt_get_grants_json(jwt, name);
	bool ok;

	if (s == NULL)
		return false;
	ok = twofa_parse_u64(s, strlen(s), (uint64_t)LONG_MAX, v) == TWOFA_OK;
	free(s);
	return ok;
}

static bool has(char *json)
{
	free(json);
	return json != NULL;
}

/* The header: alg exactly ours, typ JWT if any, no crit, kid ours if any. */
static const char *header_problem(const struct twofa_key *key, jwt_t *hdr)
{
	const char *s;

	/*
	 * The header's own text: after a keyless jwt_decode() libjwt reports
	 * every algorithm as "none" (it drops the key and the alg together).
	 */
	s = twofa_jwt_get_header(hdr, "alg");
	if (s == NULL || strcmp(s, twofa_key_alg_name(twofa_key_alg(key))) != 0)
		return "algorithm not allowed";
	if (has(twofa_jwt_get_headers_json(hdr, "typ")) &&
	    ((s = twofa_jwt_get_header(hdr, "typ")) == NULL ||
	     strcmp(s, "JWT") != 0))
		return "type is not JWT";
	if (has(twofa_jwt_get_headers_json(hdr, "crit")))
		return "critical header extension not understood";
	if (has(twofa_jwt_get_headers_json(hdr, "kid")) &&
	    ((s = twofa_jwt_get_header(hdr, "kid")) == NULL ||
	     strcmp(s, twofa_key_id(key)) != 0))
		return "signed by another key (kid)";
	return NULL;
}

static const char *
claims_problem(jwt_t *jwt, const struct twofa_token_check *chk, const char *iss)
{
	uint64_t exp, nbf, iat;
	const char *s;

	s = twofa_jwt_get_grant(jwt, "iss");
	if (s == NULL || strcmp(s, iss) != 0)
		return "wrong issuer";
	s = twofa_jwt_get_grant(jwt, "sub");
	if (s == NULL || !twofa_user_valid(s))
		return "no valid subject";
	s = twofa_jwt_get_grant(jwt, "jti");
	if (s == NULL || s[0] == '\0')
		return "no token id";
	if (!int_claim(jwt, "exp", &exp) || !int_claim(jwt, "nbf", &nbf) ||
	    !int_claim(jwt, "iat", &iat))
		return "exp, nbf or iat missing or not an integer";
	if (chk->now >= exp + TWOFA_TOKEN_LEEWAY)
		return "token expired";
	if (nbf > chk->now + TWOFA_TOKEN_LEEWAY)
		return "token not yet valid";
	if (iat > chk->now + TWOFA_TOKEN_LEEWAY)
		return "token issued in the future";
	if (chk->audience != NULL) {
		s = twofa_jwt_get_grant(jwt, "aud");
		if (s == NULL || strcmp(s, chk->audience) != 0)
			return "wrong audience";
	} else if (has(twofa_jwt_get_grants_json(jwt, "aud"))) {
		return "token is for an audience, none was expected";
	}
	return NULL;
}

int twofa_token_verify(const struct twofa_key *key, const char *token,
		       const struct twofa_token_check *chk, char **claims,
		       const char **reason)
{
	char iss[TWOFA_ISSUER_MAX + 1];
	const char *why = "malformed token", *pem;
	size_t len, pem_len;
	jwt_t *hdr = NULL, *jwt = NULL;
	int ret = TWOFA_ERR_TOKEN, e;

	if (claims != NULL)
		*claims = NULL;
	if (chk->now > (uint64_t)LONG_MAX - TWOFA_TOKEN_LEEWAY) {
		ret = TWOFA_ERR_INVALID;
		goto out;
	}
	if (chk->issuer != NULL)
		snprintf(iss, sizeof(iss), "%s", chk->issuer);
	else if ((ret = twofa_token_hostname(iss, sizeof(iss))) != TWOFA_OK)
		goto out;
	ret = TWOFA_ERR_TOKEN;
	len = token != NULL ? strnlen(token, TWOFA_TOKEN_MAX + 1) : 0;
	if (len > TWOFA_TOKEN_MAX) {
		why = "token too long";
		goto out;
	}
	if (!token_shape_ok(token, len))
		goto out;

	ret = twofa_jwt_lib_load();
	if (ret != TWOFA_OK) {
		why = "cannot load libjwt";
		goto out;
	}
	ret = TWOFA_ERR_TOKEN;
	/* 1. The header alone: libjwt with no key checks no signature. */
	e = twofa_jwt_decode(&hdr, token, NULL, 0);
	if (e != 0) {
		ret = e == ENOMEM ? TWOFA_ERR_NOMEM : TWOFA_ERR_TOKEN;
		goto out;
	}
	why = header_problem(key, hdr);
	if (why != NULL)
		goto out;

	/* 2. The signature, now that its algorithm is known to be ours. */
	why = "bad signature";
	pem = twofa_key_public_pem(key, &pem_len);
	e = twofa_jwt_decode(&jwt, token, (const unsigned char *)pem,
			     (int)pem_len);
	if (e != 0) {
		ret = e == ENOMEM ? TWOFA_ERR_NOMEM : TWOFA_ERR_TOKEN;
		goto out;
	}
	if (twofa_jwt_get_alg(jwt) != jwt_alg_of(key)) {
		why = "algorithm not allowed";
		goto out;
	}

	/* 3. The claims. */
	why = claims_problem(jwt, chk, iss);
	if (why != NULL)
		goto out;
	if (claims != NULL) {
		*claims = twofa_jwt_get_grants_json(jwt, NULL);
		if (*claims == NULL) {
			ret = TWOFA_ERR_NOMEM;
			goto out;
		}
	}
	ret = TWOFA_OK;
out:
	twofa_jwt_free(hdr);
	twofa_jwt_free(jwt);
	if (reason != NULL)
		*reason = ret == TWOFA_OK	   ? NULL
			  : ret == TWOFA_ERR_TOKEN ? why
						   : twofa_strerror(ret);
	return ret;
}
