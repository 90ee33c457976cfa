/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the token core: key files (what is refused and why),
 * base64url, issuing and the verifier's refusals that need no other
 * implementation. tests/token/test_pyjwt.py checks the rest with PyJWT.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "twofa/err.h"
#include "twofa/jwk.h"
#include "twofa/jwt_key.h"
#include "twofa/token.h"

#define NOW 1700000000ULL

static char dir[64];
static char keypath[128];
static struct twofa_key *es_key; /* saved in dir at setup */

static int setup(void **state)
{
	struct twofa_error why = {0};

	(void)state;
	snprintf(dir, sizeof(dir), "/run/twofa-token-unit.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(keypath, sizeof(keypath), "%s/%s", dir, TWOFA_KEY_NAME);
	if (twofa_key_generate(TWOFA_KEY_ES256, 0, &es_key) != TWOFA_OK)
		return -1;
	return twofa_key_save(es_key, dir, 0, false, &why) == TWOFA_OK ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	twofa_key_free(es_key);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Put the good key back after a test that broke it. */
static void restore_key(void)
{
	struct twofa_error why = {0};

	unlink(keypath);
	rmdir(keypath);
	assert_int_equal(twofa_key_save(es_key, dir, 0, true, &why), TWOFA_OK);
}

static int load_err(const char **what)
{
	struct twofa_error why = {0};
	struct twofa_key *k = NULL;
	int ret = twofa_key_load(dir, 0, &k, &why);

	if (ret == TWOFA_OK) {
		assert_non_null(k);
		twofa_key_free(k);
	} else {
		assert_null(k);
	}
	if (what != NULL)
		*what = why.what;
	return ret;
}

static void test_b64url(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(twofa_b64url_encode((const unsigned char *)"f", 1, out,
					     sizeof(out)),
			 0);
	assert_string_equal(out, "Zg");
	twofa_b64url_encode((const unsigned char *)"fo", 2, out, sizeof(out));
	assert_string_equal(out, "Zm8");
	twofa_b64url_encode((const unsigned char *)"foob", 4, out, sizeof(out));
	assert_string_equal(out, "Zm9vYg");
	twofa_b64url_encode((const unsigned char *)"\xfb\xff\xbf", 3, out,
			    sizeof(out));
	assert_string_equal(out, "-_-_");
	assert_int_not_equal(
	    twofa_b64url_encode((const unsigned char *)"foob", 4, out, 6), 0);
}

static void test_saved_key_loads(void **state)
{
	struct twofa_error why = {0};
	struct twofa_key *k = NULL;
	struct stat sb;
	char pub[160];

	(void)state;
	assert_int_equal(twofa_key_load(dir, 0, &k, &why), TWOFA_OK);
	assert_int_equal(twofa_key_alg(k), TWOFA_KEY_ES256);
	assert_int_equal(twofa_key_bits(k), 256);
	assert_string_equal(twofa_key_id(k), twofa_key_id(es_key));
	assert_int_equal(strlen(twofa_key_id(k)), 43);
	twofa_key_free(k);
	assert_int_equal(stat(keypath, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	snprintf(pub, sizeof(pub), "%s/%s", dir, TWOFA_PUB_NAME);
	assert_int_equal(stat(pub, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0644);
}

static void test_save_keeps_existing_key(void **state)
{
	struct twofa_error why = {0};
	struct twofa_key *other = NULL, *k = NULL;

	(void)state;
	assert_int_equal(twofa_key_generate(TWOFA_KEY_ES256, 0, &other), 0);
	assert_int_equal(twofa_key_save(other, dir, 0, false, &why),
			 TWOFA_ERR_EXISTS);
	twofa_key_free(other);
	assert_int_equal(twofa_key_load(dir, 0, &k, &why), TWOFA_OK);
	assert_string_equal(twofa_key_id(k), twofa_key_id(es_key));
	twofa_key_free(k);
}

static void test_unsafe_key_files_refused(void **state)
{
	const char *what = NULL;
	char target[160];

	(void)state;
	assert_int_equal(chmod(keypath, 0640), 0);
	assert_int_equal(load_err(&what), TWOFA_ERR_UNSAFE);
	assert_non_null(strstr(what, "permissions"));
	assert_int_equal(chmod(keypath, 0604), 0);
	assert_int_equal(load_err(NULL), TWOFA_ERR_UNSAFE);
	assert_int_equal(chmod(keypath, 0600), 0);
	assert_int_equal(chown(keypath, 65534, 0), 0);
	assert_int_equal(load_err(&what), TWOFA_ERR_UNSAFE);
	assert_non_null(strstr(what, "owned"));
	restore_key();

	/* A symlink to a good key is still refused. */
	snprintf(target, sizeof(target), "%s/real.key", dir);
	assert_int_equal(rename(keypath, target), 0);
	assert_int_equal(symlink(target, keypath), 0);
	assert_int_equal(load_err(NULL), TWOFA_ERR_UNSAFE);
	unlink(target);
	restore_key();

	/* A FIFO must be refused without blocking; a directory too. */
	unlink(keypath);
	assert_int_equal(mkfifo(keypath, 0600), 0);
	assert_int_equal(load_err(&what), TWOFA_ERR_UNSAFE);
	assert_non_null(strstr(what, "regular"));
	unlink(keypath);
	assert_int_equal(mkdir(keypath, 0700), 0);
	assert_int_equal(load_err(NULL), TWOFA_ERR_UNSAFE);
	restore_key();

	/* A key directory others can write to. */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(load_err(NULL), TWOFA_ERR_UNSAFE);
	assert_int_equal(chmod(dir, 0700), 0);
	assert_int_equal(load_err(NULL), TWOFA_OK);
}

static void write_key_text(const char *text, size_t len)
{
	int fd;

	unlink(keypath);
	fd = open(keypath, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

/* Write pkey as the key file, encrypted with a passphrase when asked. */
static void write_pkey(EVP_PKEY *pkey, int encrypt)
{
	BIO *bio = BIO_new(BIO_s_mem());
	unsigned char pass[] = "pass";
	char *data;
	long n;

	assert_non_null(pkey);
	assert_int_equal(PEM_write_bio_PrivateKey(
			     bio, pkey, encrypt ? EVP_aes_128_cbc() : NULL,
			     encrypt ? pass : NULL, encrypt ? 4 : 0, NULL,
			     NULL),
			 1);
	n = BIO_get_mem_data(bio, &data);
	write_key_text(data, (size_t)n);
	BIO_free(bio);
	EVP_PKEY_free(pkey);
}

static void test_unusable_keys_refused(void **state)
{
	(void)state;
	unlink(keypath);
	assert_int_equal(load_err(NULL), TWOFA_ERR_KEY); /* missing */
	write_key_text("", 0);
	assert_int_equal(load_err(NULL), TWOFA_ERR_KEY);
	write_key_text("-----BEGIN PRIVATE KEY-----\nAAAA\n", 33);
	assert_int_equal(load_err(NULL), TWOFA_ERR_KEY);
	/* Too small an RSA key, a curve that is not P-256, Ed25519. */
	write_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024), 0);
	assert_int_equal(load_err(NULL), TWOFA_ERR_KEY);
	write_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"), 0);
	assert_int_equal(load_err(NULL), TWOFA_ERR_KEY);
	write_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"), 0);
	assert_int_equal(load_err(NULL), TWOFA_ERR_KEY);
	/* Encrypted: refused, never a passphrase prompt. */
	write_pkey(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), 1);
	assert_int_equal(load_err(NULL), TWOFA_ERR_KEY);
	restore_key();
	assert_int_equal(load_err(NULL), TWOFA_OK);
}

static void test_rsa_generate_sizes(void **state)
{
	struct twofa_key *k = NULL;

	(void)state;
	assert_int_equal(twofa_key_generate(TWOFA_KEY_RS256, 1024, &k),
			 TWOFA_ERR_INVALID);
	assert_null(k);
	assert_int_equal(twofa_key_generate(TWOFA_KEY_RS256, 2048, &k), 0);
	assert_int_equal(twofa_key_alg(k), TWOFA_KEY_RS256);
	assert_int_equal(twofa_key_bits(k), 2048);
	twofa_key_free(k);
}

static int verify_at(const char *tok, uint64_t now, const char *aud,
		     const char **reason)
{
	struct twofa_token_check chk = {.now = now, .audience = aud};

	return twofa_token_verify(es_key, tok, &chk, NULL, reason);
}

static char *issue(uint64_t ttl, const char *aud)
{
	struct twofa_token_request req = {
	    .user = "root", .now = NOW, .ttl = ttl, .audience = aud};
	char *tok = NULL;

	assert_int_equal(twofa_token_issue(es_key, &req, &tok), TWOFA_OK);
	assert_non_null(tok);
	return tok;
}

static void test_times_and_audience(void **state)
{
	const char *reason = NULL;
	char *tok = issue(0, NULL), *aud;

	(void)state;
	assert_int_equal(verify_at(tok, NOW, NULL, &reason), TWOFA_OK);
	/* exp = NOW + 300, 60 s of leeway either side. */
	assert_int_equal(verify_at(tok, NOW + 359, NULL, NULL), TWOFA_OK);
	assert_int_equal(verify_at(tok, NOW + 360, NULL, &reason),
			 TWOFA_ERR_TOKEN);
	assert_string_equal(reason, "token expired");
	assert_int_equal(verify_at(tok, NOW - 60, NULL, NULL), TWOFA_OK);
	assert_int_equal(verify_at(tok, NOW - 61, NULL, &reason),
			 TWOFA_ERR_TOKEN);
	assert_string_equal(reason, "token not yet valid");
	assert_int_equal(verify_at(tok, NOW, "svc", &reason), TWOFA_ERR_TOKEN);
	assert_string_equal(reason, "wrong audience");
	aud = issue(30, "svc");
	assert_int_equal(verify_at(aud, NOW, "svc", NULL), TWOFA_OK);
	assert_int_equal(verify_at(aud, NOW, "svc2", NULL), TWOFA_ERR_TOKEN);
	assert_int_equal(verify_at(aud, NOW, NULL, NULL), TWOFA_ERR_TOKEN);
	assert_int_equal(verify_at(aud, NOW + 90, "svc", NULL),
			 TWOFA_ERR_TOKEN);
	free(tok);
	free(aud);
}

/* header.payload.sig with header replaced: crafted here, not signed by us. */
static char *with_header(const char *tok, const char *json, const char *sig)
{
	char h[256], *out = NULL;
	const char *dot = strchr(tok, '.'), *dot2 = strrchr(tok, '.');

	twofa_b64url_encode((const unsigned char *)json, strlen(json), h,
			    sizeof(h));
	assert_true(asprintf(&out, "%s.%.*s.%s", h, (int)(dot2 - dot - 1),
			     dot + 1, sig) > 0);
	return out;
}

static void test_forged_tokens_refused(void **state)
{
	const char *reason = NULL, *pem;
	char *tok = issue(0, NULL), *bad, *p, sig[64];
	unsigned char mac[32];
	unsigned maclen = 0;
	size_t pem_len;

	(void)state;
	/* alg none, with and without a signature part. */
	bad = with_header(tok, "{\"alg\":\"none\",\"typ\":\"JWT\"}", "");
	assert_int_equal(verify_at(bad, NOW, NULL, NULL), TWOFA_ERR_TOKEN);
	free(bad);
	bad = with_header(tok, "{\"alg\":\"none\",\"typ\":\"JWT\"}", "AA");
	assert_int_equal(verify_at(bad, NOW, NULL, &reason), TWOFA_ERR_TOKEN);
	assert_string_equal(reason, "algorithm not allowed");
	free(bad);

	/* HS256 with our public PEM as the HMAC secret. */
	bad = with_header(tok, "{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "");
	bad[strlen(bad) - 1] = '\0'; /* drop the trailing dot */
	pem = twofa_key_public_pem(es_key, &pem_len);
	HMAC(EVP_sha256(), pem, (int)pem_len, (unsigned char *)bad, strlen(bad),
	     mac, &maclen);
	twofa_b64url_encode(mac, maclen, sig, sizeof(sig));
	p = NULL;
	assert_true(asprintf(&p, "%s.%s", bad, sig) > 0);
	assert_int_equal(verify_at(p, NOW, NULL, &reason), TWOFA_ERR_TOKEN);
	assert_string_equal(reason, "algorithm not allowed");
	free(p);
	free(bad);

	/* Our own header with another kid, or with crit. */
	bad = with_header(
	    tok, "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"other\"}",
	    strrchr(tok, '.') + 1);
	assert_int_equal(verify_at(bad, NOW, NULL, NULL), TWOFA_ERR_TOKEN);
	free(bad);

	/* A tampered payload or signature. */
	bad = strdup(tok);
	p = strchr(bad, '.') + 5;
	*p = *p == 'A' ? 'B' : 'A';
	assert_int_equal(verify_at(bad, NOW, NULL, NULL), TWOFA_ERR_TOKEN);
	free(bad);
	bad = strdup(tok);
	p = strrchr(bad, '.') + 5;
	*p = *p == 'A' ? 'B' : 'A';
	assert_int_equal(verify_at(bad, NOW, NULL, &reason), TWOFA_ERR_TOKEN);
	assert_string_equal(reason, "bad signature");
	free(bad);

	/* Not a token at all. */
	assert_int_equal(verify_at("a.b", NOW, NULL, NULL), TWOFA_ERR_TOKEN);
	assert_int_equal(verify_at("a.b.c.d", NOW, NULL, NULL),
			 TWOFA_ERR_TOKEN);
	assert_int_equal(verify_at("", NOW, NULL, NULL), TWOFA_ERR_TOKEN);
	free(tok);
}

static void test_issue_refuses_bad_requests(void **state)
{
	struct twofa_token_request req = {.user = "root", .now = NOW};
	static char sentinel[] = "sentinel";
	char *tok = sentinel;

	(void)state;
	req.user = "../etc";
	assert_int_equal(twofa_token_issue(es_key, &req, &tok),
			 TWOFA_ERR_INVALID);
	assert_null(tok);
	req.user = "root";
	req.ttl = TWOFA_TOKEN_TTL_MAX + 1;
	assert_int_equal(twofa_token_issue(es_key, &req, &tok),
			 TWOFA_ERR_INVALID);
	req.ttl = 0;
	req.audience = "a\nb";
	assert_int_equal(twofa_token_issue(es_key, &req, &tok),
			 TWOFA_ERR_INVALID);
	assert_null(tok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_b64url),
	    cmocka_unit_test(test_saved_key_loads),
	    cmocka_unit_test(test_save_keeps_existing_key),
	    cmocka_unit_test(test_unsafe_key_files_refused),
	    cmocka_unit_test(test_unusable_keys_refused),
	    cmocka_unit_test(test_rsa_generate_sizes),
	    cmocka_unit_test(test_times_and_audience),
	    cmocka_unit_test(test_forged_tokens_refused),
	    cmocka_unit_test(test_issue_refuses_bad_requests),
	};

	return cmocka_run_group_tests_name("token", tests, setup, teardown);
}
