/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The token signing key: loading it from a root-only file, generating it
 * and saving it. The file is reached from "/" one directory at a time with
 * O_NOFOLLOW, and checked on the open descriptor, as the record store is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/fs.h"
#include "twofa/jwk.h"
#include "twofa/jwt_key.h"
#include "twofa/mem.h"
#include "token/jwt_key_internal.h"
#include "token/ossl_lib.h"

struct twofa_key {
	enum twofa_key_alg alg;
	unsigned bits;
	EVP_PKEY *pkey;
	char *priv_pem; /* wiped on free */
	size_t priv_len;
	char *pub_pem;
	size_t pub_len;
	char kid[TWOFA_KID_LEN];
};

const char *twofa_key_alg_name(enum twofa_key_alg alg)
{
	switch (alg) {
	case TWOFA_KEY_RS256:
		return "RS256";
	case TWOFA_KEY_ES256:
		return "ES256";
	}
	return "?";
}

int twofa_key_alg_parse(const char *s, enum twofa_key_alg *out)
{
	if (s != NULL && strcmp(s, "RS256") == 0)
		*out = TWOFA_KEY_RS256;
	else if (s != NULL && strcmp(s, "ES256") == 0)
		*out = TWOFA_KEY_ES256;
	else
		return TWOFA_ERR_INVALID;
	return TWOFA_OK;
}

enum twofa_key_alg twofa_key_alg(const struct twofa_key *key)
{
	return key->alg;
}

unsigned twofa_key_bits(const struct twofa_key *key)
{
	return key->bits;
}

const char *twofa_key_id(const struct twofa_key *key)
{
	return key->kid;
}

const char *twofa_key_public_pem(const struct twofa_key *key, size_t *len)
{
	if (len != NULL)
		*len = key->pub_len;
	return key->pub_pem;
}

const EVP_PKEY *twofa_key_pkey(const struct twofa_key *key)
{
	return key->pkey;
}

const char *twofa_key_private_pem(const struct twofa_key *key, size_t *len)
{
	*len = key->priv_len;
	return key->priv_pem;
}

void twofa_key_free(struct twofa_key *key)
{
	if (key == NULL)
		return;
	/* A key holding a pkey was made after libcrypto was loaded. */
	if (key->pkey != NULL)
		twofa_ossl()->pkey_free(key->pkey);
	twofa_freezero(key->priv_pem, key->priv_len);
	free(key->pub_pem);
	free(key);
}

/* Copy what a memory BIO holds into a NUL-terminated heap string. */
static int bio_to_string(const struct twofa_ossl *ossl, BIO *bio, char **out,
			 size_t *len)
{
	char *data = NULL;
	/* BIO_get_mem_data, a macro over BIO_ctrl. */
	long n = ossl->bio_ctrl(bio, BIO_CTRL_INFO, 0, (char *)&data);

	if (n <= 0 || data == NULL)
		return TWOFA_ERR_CRYPTO;
	*out = malloc((size_t)n + 1);
	if (*out == NULL)
		return TWOFA_ERR_NOMEM;
	memcpy(*out, data, (size_t)n);
	(*out)[n] = '\0';
	*len = (size_t)n;
	return TWOFA_OK;
}

/* Take pkey (on success and on failure) if it is a key we sign with. */
static int key_from_pkey(const struct twofa_ossl *ossl, EVP_PKEY *pkey,
			 struct twofa_key **out)
{
	struct twofa_key *key = NULL;
	BIO *bio = NULL;
	char group[64];
	int bits, ret = TWOFA_ERR_KEY;

	*out = NULL;
	key = calloc(1, sizeof(*key));
	if (key == NULL) {
		ossl->pkey_free(pkey);
		return TWOFA_ERR_NOMEM;
	}
	key->pkey = pkey;
	bits = ossl->pkey_get_bits(pkey);
	switch (ossl->pkey_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		if (bits < TWOFA_RSA_BITS_MIN || bits > TWOFA_RSA_BITS_MAX)
			goto out;
		key->alg = TWOFA_KEY_RS256;
		break;
	case EVP_PKEY_EC:
		if (ossl->pkey_get_group_name(pkey, group, sizeof(group),
					      NULL) != 1 ||
		    (strcmp(group, "prime256v1") != 0 &&
		     strcmp(group, "P-256") != 0))
			goto out;
		key->alg = TWOFA_KEY_ES256;
		break;
	default:
		goto out; /* RSA-PSS, Ed25519, DSA, ...: not ours */
	}
	key->bits = (unsigned)bits;

	/* The secure-heap BIO wipes its buffer when it grows and is freed. */
	ret = TWOFA_ERR_CRYPTO;
	bio = ossl->bio_new(ossl->bio_s_secmem());
	if (bio == NULL || ossl->pem_write_bio_privatekey(bio, pkey, NULL, NULL,
							  0, NULL, NULL) != 1)
		goto out;
	ret = bio_to_string(ossl, bio, &key->priv_pem, &key->priv_len);
	if (ret != TWOFA_OK)
		goto out;
	ossl->bio_free(bio);
	ret = TWOFA_ERR_CRYPTO;
	bio = ossl->bio_new(ossl->bio_s_mem());
	if (bio == NULL || ossl->pem_write_bio_pubkey(bio, pkey) != 1)
		goto out;
	ret = bio_to_string(ossl, bio, &key->pub_pem, &key->pub_len);
	if (ret != TWOFA_OK)
		goto out;
	ret = twofa_jwk_thumbprint(key, key->kid);
	if (ret != TWOFA_OK)
		goto out;
	*out = key;
	key = NULL;
out:
	ossl->bio_free(bio);
	twofa_key_free(key);
	return ret;
}

int twofa_key_generate(enum twofa_key_alg alg, unsigned bits,
		       struct twofa_key **out)
{
	const struct twofa_ossl *ossl = twofa_ossl();
	EVP_PKEY *pkey = NULL;

	*out = NULL;
	if (ossl == NULL)
		return TWOFA_ERR_CRYPTO;
	if (alg == TWOFA_KEY_RS256) {
		if (bits == 0)
			bits = TWOFA_RSA_BITS_DEFAULT;
		if (bits < TWOFA_RSA_BITS_MIN || bits > TWOFA_RSA_BITS_MAX)
			return TWOFA_ERR_INVALID;
		pkey = ossl->pkey_q_keygen(NULL, NULL, "RSA", (size_t)bits);
	} else if (alg == TWOFA_KEY_ES256) {
		if (bits != 0 && bits != 256)
			return TWOFA_ERR_INVALID;
		pkey = ossl->pkey_q_keygen(NULL, NULL, "EC", "P-256");
	} else {
		return TWOFA_ERR_INVALID;
	}
	if (pkey == NULL)
		return TWOFA_ERR_CRYPTO;
	return key_from_pkey(ossl, pkey, out);
}

/*
 * Open dir safely (twofa_dir_open: from "/", no symlink, safe parents) and
 * hold the key directory itself to the same rule; create its last
 * component (0755) when create is set.
 */
static int open_key_dir(const char *dir, uid_t owner, bool create, int *dfd,
			struct twofa_error *why)
{
	int ret = twofa_dir_open_safe(dir, owner, create ? 0755 : 0, dfd, why);

	/* A missing key directory is a missing key. */
	if (ret == TWOFA_ERR_IO && why != NULL && why->sys_errno == ENOENT)
		ret = TWOFA_ERR_KEY;
	return ret;
}

/* Never prompt for a passphrase (we may be inside sshd): refuse it. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* What jwt.key must be (twofa-admin(8) keygen): root's, 0600. */
static const struct twofa_file_msgs key_msgs = TWOFA_FILE_MSGS(
    "key", "has group or other permissions (want 0600)", "16 KiB");

int twofa_key_load(const char *dir, uid_t owner, struct twofa_key **out,
		   struct twofa_error *why)
{
	const struct twofa_ossl *ossl = NULL;
	EVP_PKEY *pkey = NULL;
	BIO *bio = NULL;
	struct twofa_file_rules key_rules = {&key_msgs, 0, S_IRWXG | S_IRWXO,
					     false, TWOFA_KEY_FILE_MAX};
	char *buf = NULL;
	size_t got = 0;
	int dfd = -1, ret;

	*out = NULL;
	ret = open_key_dir(dir, owner, false, &dfd, why);
	if (ret != TWOFA_OK)
		goto out;
	/* lib/fs/: no symlink, never a FIFO (it must not hang the login). */
	key_rules.owner = owner;
	ret = twofa_file_load(dfd, dir, TWOFA_KEY_NAME, &key_rules, &buf, &got,
			      why);
	if (ret == TWOFA_ERR_NO_RECORD) {
		ret = twofa_fail(why, TWOFA_ERR_KEY, ENOENT, "no signing key",
				 dir, TWOFA_KEY_NAME);
		goto out;
	}
	if (ret != TWOFA_OK)
		goto out;
	ossl = twofa_ossl();
	if (ossl == NULL) {
		ret = twofa_fail(why, TWOFA_ERR_CRYPTO, 0,
				 "cannot load " TWOFA_CRYPTO_SONAME, dir,
				 TWOFA_KEY_NAME);
		goto out;
	}
	ret = TWOFA_ERR_KEY;
	bio = ossl->bio_new_mem_buf(buf, (int)got);
	if (bio == NULL) {
		ret = TWOFA_ERR_NOMEM;
		goto out;
	}
	pkey = ossl->pem_read_bio_privatekey(bio, NULL, no_passphrase, NULL);
	if (pkey == NULL) {
		twofa_fail(why, ret, 0,
			   "key is not an unencrypted PEM private key", dir,
			   TWOFA_KEY_NAME);
		goto out;
	}
	ret = key_from_pkey(ossl, pkey, out);
	pkey = NULL;
	if (ret == TWOFA_ERR_KEY)
		twofa_fail(why, ret, 0,
			   "key is not RSA of 2048 to 8192 bits or P-256", dir,
			   TWOFA_KEY_NAME);
	else if (ret != TWOFA_OK)
		twofa_fail(why, ret, 0, "cannot use key", dir, TWOFA_KEY_NAME);
out:
	if (ossl != NULL) {
		ossl->bio_free(bio);
		ossl->pkey_free(pkey);
	}
	twofa_file_free(buf, got);
	if (dfd >= 0)
		close(dfd);
	return ret;
}

/*
 * The key and its public half are a pair that must never be seen apart:
 * both are staged (written, fsynced) first, so a full disk or an I/O
 * error changes nothing. Then the key is put in place, swapped with the
 * old one when forced (RENAME_EXCHANGE keeps the old key at the staged
 * name), and the public half renamed over the old one; if that fails the
 * key swap is undone, so the old pair stays as it was.
 */
int twofa_key_save(const struct twofa_key *key, const char *dir, uid_t owner,
		   bool force, struct twofa_error *why)
{
	char tmp_key[TWOFA_TMP_NAME_MAX] = "", tmp_pub[TWOFA_TMP_NAME_MAX] = "";
	bool swapped = false, placed = false;
	int dfd = -1, ret;

	ret = open_key_dir(dir, owner, true, &dfd, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = twofa_file_stage(dfd, dir, TWOFA_KEY_NAME, key->priv_pem,
			       key->priv_len, 0600, owner, tmp_key, NULL, why);
	if (ret != TWOFA_OK)
		goto out;
	ret = twofa_file_stage(dfd, dir, TWOFA_PUB_NAME, key->pub_pem,
			       key->pub_len, 0644, owner, tmp_pub, NULL, why);
	if (ret != TWOFA_OK)
		goto out;
	/* Into a free name (with the link() fallback), else swapped. */
	ret = twofa_file_place(dfd, tmp_key, TWOFA_KEY_NAME);
	if (ret == 0) {
		placed = true; /* there was no key */
	} else if (errno == EEXIST && force &&
		   renameat2(dfd, tmp_key, dfd, TWOFA_KEY_NAME,
			     RENAME_EXCHANGE) == 0) {
		swapped = true; /* tmp_key now holds the old key */
	} else {
		int e = errno;

		ret = e == EEXIST ? TWOFA_ERR_EXISTS : TWOFA_ERR_IO;
		twofa_fail(why, ret, e,
			   e == EEXIST ? "a key exists (use --force)"
				       : "cannot rename into place",
			   dir, TWOFA_KEY_NAME);
		goto out;
	}
	if (renameat(dfd, tmp_pub, dfd, TWOFA_PUB_NAME) != 0) {
		int e = errno, undone;

		/* Undo: the old key back (or none), the new one to be removed.
		 */
		if (swapped)
			undone = renameat2(dfd, tmp_key, dfd, TWOFA_KEY_NAME,
					   RENAME_EXCHANGE) == 0;
		else
			undone =
			    renameat(dfd, TWOFA_KEY_NAME, dfd, tmp_key) == 0;
		if (!undone)
			tmp_key[0] = '\0'; /* it is jwt.key: keep it */
		ret = twofa_fail(
		    why, TWOFA_ERR_IO, e,
		    undone ? "cannot rename into place (the key was left as "
			     "it was)"
			   : "cannot rename into place, and the old key "
			     "could not be put back: jwt.pub does not match "
			     "jwt.key (run keygen --force again)",
		    dir, TWOFA_PUB_NAME);
		goto out;
	}
	tmp_pub[0] = '\0';
	if (placed)
		tmp_key[0] = '\0';
	/* swapped: tmp_key is the old key, removed below. */
	ret = twofa_dir_sync(dfd, dir, why);
out:
	if (tmp_key[0] != '\0')
		unlinkat(dfd, tmp_key, 0);
	if (tmp_pub[0] != '\0')
		unlinkat(dfd, tmp_pub, 0);
	close(dfd);
	return ret;
}
