/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signed tokens: keygen (the signing key /etc/twofa/jwt.key), token (a JWT
 * for a user who just typed a good code), verify-token and jwks. The key,
 * the tokens and every check live in the core (lib/token/jwt_key.c, lib/token/jwk.c,
 * lib/token/token.c); this file reads options and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_seal.h"
#include "commands.h"
#include "twofa/auth.h"
#include "twofa/err.h"
#include "twofa/jwk.h"
#include "twofa/jwt_key.h"
#include "twofa/mem.h"
#include "twofa/seal.h"
#include "twofa/store.h"
#include "twofa/token.h"

enum {
	OPT_ALG = 256,
	OPT_BITS,
	OPT_FORCE,
	OPT_TTL,
	OPT_AUDIENCE,
	OPT_ISSUER,
	OPT_RECORDS,
	OPT_ROTATE,
	OPT_RETIRE,
};

/* Load /etc/twofa/jwt.key or say what is wrong with it: EXIT_SYSTEM. */
static int load_key(struct twofa_key **key)
{
	struct twofa_error why;
	int err;

	memset(&why, 0, sizeof(why));
	err = twofa_key_load(TWOFA_KEY_DIR, 0, key, &why);
	if (err == TWOFA_OK)
		return EXIT_DONE;
	cli_error("%s: %s%s", why.path[0] ? why.path : TWOFA_KEY_DIR,
		  why.what ? why.what : twofa_strerror(err),
		  err == TWOFA_ERR_KEY && why.sys_errno != 0
		      ? " (create one with twofa-admin keygen)"
		      : "");
	return EXIT_SYSTEM;
}

/* --audience and --issuer: printable ASCII, not too long. */
static int text_option(const struct cli *cli, const char *option,
		       const char *value, size_t max, const char **out)
{
	size_t n = strlen(value);

	if (n == 0 || n > max)
		return cli_usage_error(cli, "%s must be 1 to %zu characters",
				       option, max);
	for (size_t i = 0; i < n; i++)
		if (value[i] < 0x20 || value[i] > 0x7e)
			return cli_usage_error(
			    cli, "%s must be printable ASCII", option);
	*out = value;
	return 0;
}

static const struct option keygen_longopts[] = {
    {"alg", required_argument, NULL, OPT_ALG},
    {"bits", required_argument, NULL, OPT_BITS},
    {"force", no_argument, NULL, OPT_FORCE},
    {"records", no_argument, NULL, OPT_RECORDS},
    {"rotate", no_argument, NULL, OPT_ROTATE},
    {"retire", required_argument, NULL, OPT_RETIRE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int run_keygen(struct cli *cli, int argc, char **argv)
{
	struct twofa_key *key = NULL;
	struct twofa_error why;
	enum twofa_key_alg alg = TWOFA_KEY_RS256;
	unsigned bits = 0;
	bool force = false, records = false, rotate = false, alg_set = false;
	const char *retire = NULL;
	int c, err, ret = 0;

	memset(&why, 0, sizeof(why));
	while (ret == 0 && (c = command_getopt(cli, argc, argv, "h",
					       keygen_longopts)) != -1) {
		if (c == 'h')
			return EXIT_DONE;
		if (c == OPT_RECORDS) {
			records = true;
		} else if (c == OPT_ROTATE) {
			rotate = true;
		} else if (c == OPT_RETIRE) {
			retire = optarg;
		} else if (c == OPT_ALG) {
			alg_set = true;
			if (twofa_key_alg_parse(optarg, &alg) != TWOFA_OK)
				ret = cli_usage_error(
				    cli, "--alg must be RS256 or ES256");
		} else if (c == OPT_BITS) {
			ret = cli_parse_uint(cli, "--bits", optarg,
					     TWOFA_RSA_BITS_MIN,
					     TWOFA_RSA_BITS_MAX, &bits);
		} else if (c == OPT_FORCE) {
			force = true;
		} else {
			return EXIT_USAGE;
		}
	}
	if (ret != 0)
		return ret;
	if (optind != argc)
		return cli_usage_error(cli, "too many arguments");
	if (!records && (rotate || retire != NULL))
		return cli_usage_error(cli,
				       "--rotate and --retire need --records");
	if (records) {
		/* Never --force: a record key in use is never replaced. */
		if (force || alg_set || bits != 0)
			return cli_usage_error(
			    cli, "--records takes no --force, --alg or --bits");
		if (rotate && retire != NULL)
			return cli_usage_error(
			    cli, "--rotate and --retire are separate steps");
		return keygen_records(cli, rotate, retire);
	}
	if (bits != 0 && alg != TWOFA_KEY_RS256)
		return cli_usage_error(cli, "--bits is for RS256 keys only");
	err = twofa_key_generate(alg, bits, &key);
	if (err != TWOFA_OK) {
		cli_error("cannot generate a key: %s", twofa_strerror(err));
		return cli_exit_for(err);
	}
	err = twofa_key_save(key, TWOFA_KEY_DIR, 0, force, &why);
	if (err == TWOFA_ERR_EXISTS) {
		cli_error("%s/%s exists; --force replaces it (tokens signed "
			  "with it stop verifying)",
			  TWOFA_KEY_DIR, TWOFA_KEY_NAME);
		ret = EXIT_REFUSED;
	} else if (err != TWOFA_OK) {
		cli_error("%s: %s", why.path, why.what ? why.what : "");
		ret = EXIT_SYSTEM;
	} else {
		printf("wrote %s/%s (%s, %u bits) and %s/%s\nkid %s\n",
		       TWOFA_KEY_DIR, TWOFA_KEY_NAME,
		       twofa_key_alg_name(twofa_key_alg(key)),
		       twofa_key_bits(key), TWOFA_KEY_DIR, TWOFA_PUB_NAME,
		       twofa_key_id(key));
		ret = EXIT_DONE;
	}
	twofa_key_free(key);
	return ret;
}

static const struct option token_longopts[] = {
    {"ttl", required_argument, NULL, OPT_TTL},
    {"audience", required_argument, NULL, OPT_AUDIENCE},
    {"issuer", required_argument, NULL, OPT_ISSUER},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int run_token(struct cli *cli, int argc, char **argv)
{
	struct twofa_token_request req;
	struct twofa_store *st = NULL;
	struct twofa_error why;
	struct twofa_key *key = NULL;
	struct twofa_outcome res;
	char *tok = NULL;
	unsigned ttl = TWOFA_TOKEN_TTL_DEFAULT;
	int c, err, ret = 0;

	memset(&why, 0, sizeof(why));
	memset(&req, 0, sizeof(req));
	while (ret == 0 && (c = command_getopt(cli, argc, argv, "h",
					       token_longopts)) != -1) {
		if (c == 'h')
			return EXIT_DONE;
		if (c == OPT_TTL)
			ret = cli_parse_uint(cli, "--ttl", optarg, 1,
					     TWOFA_TOKEN_TTL_MAX, &ttl);
		else if (c == OPT_AUDIENCE)
			ret = text_option(cli, "--audience", optarg,
					  TWOFA_AUDIENCE_MAX, &req.audience);
		else if (c == OPT_ISSUER)
			ret = text_option(cli, "--issuer", optarg,
					  TWOFA_ISSUER_MAX, &req.issuer);
		else
			return EXIT_USAGE;
	}
	if (ret != 0)
		return ret;
	if (optind + 1 != argc)
		return cli_usage_error(cli, "%s",
				       optind >= argc ? "missing USER"
						      : "too many arguments");
	req.user = argv[optind];
	req.ttl = ttl;
	ret = cli_check_user(cli, req.user);
	if (ret != 0)
		return ret;
	/* The key first: a broken key must not cost the user a code. */
	ret = load_key(&key);
	if (ret != 0)
		goto out;
	ret = cli_open_store(cli, false, &st);
	if (ret != 0)
		goto out;
	req.now = (uint64_t)time(NULL);
	ret = cli_check_code(cli, st, req.user, req.now, &res);
	if (ret != 0)
		goto out;
	if (res.verdict == TWOFA_VERDICT_LOCKED) {
		cli_error("%s is locked; no token", req.user);
		ret = EXIT_REFUSED;
		goto out;
	}
	if (res.verdict != TWOFA_VERDICT_ACCEPTED) {
		cli_error(
		    "%s: code refused (%u consecutive failure%s); no token",
		    req.user, res.failures, res.failures == 1 ? "" : "s");
		ret = EXIT_REFUSED;
		goto out;
	}
	err = twofa_token_issue(key, &req, &tok);
	if (err != TWOFA_OK) {
		cli_error("cannot issue a token for %s: %s", req.user,
			  twofa_strerror(err));
		ret = EXIT_SYSTEM;
		goto out;
	}
	if (printf("%s\n", tok) < 0 || fflush(stdout) != 0) {
		ret = EXIT_SYSTEM;
		goto out;
	}
	ret = EXIT_DONE;
out:
	free(tok);
	twofa_key_free(key);
	twofa_store_close(st);
	return ret;
}

static const struct option verify_longopts[] = {
    {"audience", required_argument, NULL, OPT_AUDIENCE},
    {"issuer", required_argument, NULL, OPT_ISSUER},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* One line of standard input, trailing white space dropped. */
static int read_token(char *buf, size_t size)
{
	size_t n;

	if (fgets(buf, (int)size, stdin) == NULL) {
		cli_error("no token on standard input");
		return EXIT_REFUSED;
	}
	n = strlen(buf);
	if (n == size - 1 && buf[n - 1] != '\n') {
		cli_error("invalid token: token too long");
		return EXIT_REFUSED;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' ||
			 buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	return 0;
}

static int run_verify_token(struct cli *cli, int argc, char **argv)
{
	struct twofa_token_check chk;
	struct twofa_key *key = NULL;
	static char line[TWOFA_TOKEN_MAX + 2];
	const char *token, *reason = NULL;
	char *claims = NULL;
	int c, err, ret = 0;

	memset(&chk, 0, sizeof(chk));
	while (ret == 0 && (c = command_getopt(cli, argc, argv, "h",
					       verify_longopts)) != -1) {
		if (c == 'h')
			return EXIT_DONE;
		if (c == OPT_AUDIENCE)
			ret = text_option(cli, "--audience", optarg,
					  TWOFA_AUDIENCE_MAX, &chk.audience);
		else if (c == OPT_ISSUER)
			ret = text_option(cli, "--issuer", optarg,
					  TWOFA_ISSUER_MAX, &chk.issuer);
		else
			return EXIT_USAGE;
	}
	if (ret != 0)
		return ret;
	if (optind + 1 < argc)
		return cli_usage_error(cli, "too many arguments");
	ret = load_key(&key);
	if (ret != 0)
		return ret;
	if (optind < argc) {
		token = argv[optind];
	} else {
		ret = read_token(line, sizeof(line));
		if (ret != 0)
			goto out;
		token = line;
	}
	chk.now = (uint64_t)time(NULL);
	err = twofa_token_verify(key, token, &chk, &claims, &reason);
	if (err == TWOFA_ERR_TOKEN) {
		cli_error("invalid token: %s", reason);
		ret = EXIT_REFUSED;
	} else if (err != TWOFA_OK) {
		cli_error("cannot verify the token: %s", twofa_strerror(err));
		ret = EXIT_SYSTEM;
	} else {
		printf("%s\n", claims);
		ret = EXIT_DONE;
	}
out:
	free(claims);
	twofa_key_free(key);
	return ret;
}

static const struct option help_only[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int run_jwks(struct cli *cli, int argc, char **argv)
{
	struct twofa_key *key = NULL;
	char *jwks = NULL;
	int c, err, ret;

	while ((c = command_getopt(cli, argc, argv, "h", help_only)) != -1)
		return c == 'h' ? EXIT_DONE : EXIT_USAGE;
	if (optind != argc)
		return cli_usage_error(cli, "too many arguments");
	ret = load_key(&key);
	if (ret != 0)
		return ret;
	err = twofa_jwks_json(key, &jwks);
	if (err != TWOFA_OK) {
		cli_error("cannot describe the key: %s", twofa_strerror(err));
		ret = EXIT_SYSTEM;
	} else {
		fputs(jwks, stdout);
		ret = EXIT_DONE;
	}
	free(jwks);
	twofa_key_free(key);
	return ret;
}

const struct command command_keygen = {
    "keygen",
    run_keygen,
    "[--alg RS256|ES256] [--bits N] [--force] | --records [--rotate | "
    "--retire KID]",
    "Create the token signing key " TWOFA_KEY_DIR "/" TWOFA_KEY_NAME
    " (0600 root)\n"
    "and its public half " TWOFA_KEY_DIR "/" TWOFA_PUB_NAME
    " (0644). RS256: RSA, 3072 bits\n"
    "unless --bits (2048 to 8192); ES256: P-256. An existing key is kept\n"
    "unless --force (tokens signed with it then stop verifying).\n\n"
    "With --records: create the record key file " TWOFA_RECORD_KEY_DEFAULT
    "\n"
    "(0600 root; record_key in twofa.conf names another) holding one\n"
    "256-bit key; from then on every record written is sealed with it\n"
    "(twofa(5)). An existing file is never overwritten (exit 1).\n"
    "Back it up apart from the store: losing it loses every sealed\n"
    "enrollment.\n\n"
    "  --rotate       add a new key in front; it seals from now on, the\n"
    "                 older keys still open the records sealed with them\n"
    "                 (twofa-admin rekey moves those to the new key)\n"
    "  --retire KID   remove key KID; refused (exit 1) while a record is\n"
    "                 sealed with it, and for the current key\n",
};

const struct command command_token = {
    "token",
    run_token,
    "USER [--ttl S] [--audience AUD] [--issuer NAME]",
    "Read one code and check it exactly as a login would (it is used up;\n"
    "a wrong one counts as a failure), then print a signed JWT for USER:\n"
    "iss (the host name unless --issuer), sub, aud (with --audience), iat,\n"
    "nbf, exp (--ttl seconds, 300 by default, at most 86400), jti, amr\n"
    "[\"otp\"] and groups (USER's Unix groups). Exit 1 and nothing on\n"
    "standard output when the code is refused; 3 when the key is missing\n"
    "or unusable (checked before the code is read).\n",
};

const struct command command_verify_token = {
    "verify-token",
    run_verify_token,
    "[--audience AUD] [--issuer NAME] [TOKEN]",
    "Check a token (argument, or one line of standard input) "
    "against\n" TWOFA_KEY_DIR "/" TWOFA_KEY_NAME
    ": its alg must be the key's (none, HMAC and any\n"
    "other algorithm are refused before the signature is looked at), the\n"
    "signature must verify, iss must be the host name (or --issuer), exp,\n"
    "nbf and iat must hold with 60 seconds of leeway, and aud must be AUD\n"
    "(a token with an audience needs --audience). Prints the claims as\n"
    "JSON; exit 1 if the token is invalid.\n",
};

const struct command command_jwks = {
    "jwks",
    run_jwks,
    "",
    "Print the public signing key as a JSON Web Key Set; its kid (the\n"
    "RFC 7638 thumbprint) is the kid in every token's header.\n",
};
