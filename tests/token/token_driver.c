/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test driver for the token core, so that Python (PyJWT) can check what
 * the library makes and feed it what PyJWT makes, before and besides
 * twofa-admin. The key directory and the clock are arguments.
 *
 *   token_driver keygen DIR RS256|ES256 [BITS]   (replaces an existing key)
 *   token_driver issue DIR USER NOW [TTL [AUD]]  -> token on stdout
 *   token_driver verify DIR NOW [AUD] < token    -> claims; exit 1 invalid
 *   token_driver jwks DIR
 *   token_driver check DIR                       -> loads the key; exit 3
 *
 * Exit: 0 ok, 1 invalid token, 2 usage, 3 key or system error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/jwk.h"
#include "twofa/jwt_key.h"
#include "twofa/token.h"

static int usage(void)
{
	fprintf(stderr, "usage: token_driver keygen|issue|verify|jwks|check "
			"DIR ...\n");
	return 2;
}

static int load(const char *dir, struct twofa_key **key)
{
	struct twofa_error why = {0};
	int ret = twofa_key_load(dir, 0, key, &why);

	if (ret != TWOFA_OK)
		fprintf(stderr, "token_driver: %s: %s (%s)\n", why.path,
			why.what ? why.what : "", twofa_strerror(ret));
	return ret;
}

int main(int argc, char **argv)
{
	struct twofa_key *key = NULL;
	int rc = 3;

	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "keygen") == 0 && argc >= 4) {
		struct twofa_error why = {0};
		enum twofa_key_alg alg;
		int ret;

		if (twofa_key_alg_parse(argv[3], &alg) != TWOFA_OK)
			return usage();
		ret = twofa_key_generate(
		    alg, argc > 4 ? (unsigned)atoi(argv[4]) : 0, &key);
		if (ret == TWOFA_OK)
			ret = twofa_key_save(key, argv[2], 0, true, &why);
		if (ret != TWOFA_OK)
			fprintf(stderr, "token_driver: %s (%s)\n",
				twofa_strerror(ret), why.what ? why.what : "");
		else
			rc = 0;
	} else if (strcmp(argv[1], "issue") == 0 && argc >= 5) {
		struct twofa_token_request req = {0};
		char *tok = NULL;
		int ret;

		req.user = argv[3];
		req.now = strtoull(argv[4], NULL, 10);
		req.ttl = argc > 5 ? strtoull(argv[5], NULL, 10) : 0;
		req.audience = argc > 6 ? argv[6] : NULL;
		if (load(argv[2], &key) != TWOFA_OK)
			goto out;
		ret = twofa_token_issue(key, &req, &tok);
		if (ret != TWOFA_OK) {
			fprintf(stderr, "token_driver: %s\n",
				twofa_strerror(ret));
			goto out;
		}
		printf("%s\n", tok);
		free(tok);
		rc = 0;
	} else if (strcmp(argv[1], "verify") == 0 && argc >= 4) {
		struct twofa_token_check chk = {0};
		char line[TWOFA_TOKEN_MAX + 2], *claims = NULL;
		const char *reason = NULL;
		int ret;

		chk.now = strtoull(argv[3], NULL, 10);
		chk.audience = argc > 4 ? argv[4] : NULL;
		if (fgets(line, sizeof(line), stdin) == NULL)
			return usage();
		line[strcspn(line, "\n")] = '\0';
		if (load(argv[2], &key) != TWOFA_OK)
			goto out;
		ret = twofa_token_verify(key, line, &chk, &claims, &reason);
		if (ret == TWOFA_OK) {
			printf("%s\n", claims);
			free(claims);
			rc = 0;
		} else {
			fprintf(stderr, "token_driver: invalid token: %s\n",
				reason);
			rc = ret == TWOFA_ERR_TOKEN ? 1 : 3;
		}
	} else if (strcmp(argv[1], "jwks") == 0) {
		char *jwks = NULL;

		if (load(argv[2], &key) != TWOFA_OK ||
		    twofa_jwks_json(key, &jwks) != TWOFA_OK)
			goto out;
		fputs(jwks, stdout);
		free(jwks);
		rc = 0;
	} else if (strcmp(argv[1], "check") == 0) {
		if (load(argv[2], &key) == TWOFA_OK) {
			printf("%s %u %s\n",
			       twofa_key_alg_name(twofa_key_alg(key)),
			       twofa_key_bits(key), twofa_key_id(key));
			rc = 0;
		}
	} else {
		return usage();
	}
out:
	twofa_key_free(key);
	return rc;
}
