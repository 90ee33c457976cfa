/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Where a store gets its record key: the key file is read when the first
 * sealed record is met or a record is written, not at every login, so a
 * site without sealing needs no key file and a plain login costs nothing
 * more. A key file that fails to load fails every later use the same way
 * (the error is kept), closed.
 */
#include <stdio.h>
#include <string.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/seal.h"

int twofa_sealer_init(struct twofa_sealer *s, const char *path, uid_t owner)
{
	memset(s, 0, sizeof(*s));
	if (path == NULL)
		path = TWOFA_RECORD_KEY_DEFAULT;
	if (path[0] != '/' || strlen(path) >= sizeof(s->path))
		return TWOFA_ERR_INVALID;
	memcpy(s->path, path, strlen(path) + 1);
	s->owner = owner;
	return TWOFA_OK;
}

void twofa_sealer_clear(struct twofa_sealer *s)
{
	if (s == NULL)
		return;
	twofa_keyring_free(s->kr);
	memset(s, 0, sizeof(*s));
}

int twofa_sealer_keyring(struct twofa_sealer *s,
			 const struct twofa_keyring **out,
			 struct twofa_error *why)
{
	*out = NULL;
	if (s->state == 0) {
		int ret = twofa_keyring_load(s->path, s->owner, true, &s->kr,
					     &s->err);

		/* Out of memory says nothing about the file: try again. */
		if (ret == TWOFA_ERR_NOMEM)
			return TWOFA_ERR_NOMEM;
		s->state = ret == TWOFA_OK ? 1 : ret;
	}
	if (s->state < 0) {
		if (why != NULL)
			*why = s->err;
		return s->state;
	}
	*out = s->kr;
	return TWOFA_OK;
}

int twofa_sealer_open(struct twofa_sealer *s, const char *dir, const char *user,
		      struct twofa_record *rec, struct twofa_error *why)
{
	const struct twofa_keyring *kr = NULL;
	int ret;

	/* An invitation (SPEC 9) holds no secret: nothing to seal or open. */
	if (rec->pending)
		return TWOFA_OK;
	if (!rec->sealed.on) {
		if (s != NULL && s->require)
			return twofa_fail(why, TWOFA_ERR_UNSAFE, 0,
					  "record is not sealed "
					  "(require_encrypted)",
					  dir, user);
		return TWOFA_OK;
	}
	if (s != NULL && s->inspect)
		return TWOFA_OK;
	if (s == NULL)
		return twofa_fail(why, TWOFA_ERR_KEY, 0,
				  "record is sealed and no record key is "
				  "configured",
				  dir, user);
	ret = twofa_sealer_keyring(s, &kr, why);
	if (ret != TWOFA_OK)
		return ret; /* why names the key file */
	if (kr == NULL)
		return twofa_fail(why, TWOFA_ERR_KEY, 0,
				  "record is sealed and there is no record "
				  "key file",
				  s->path, NULL);
	ret = twofa_seal_open(rec, user, kr);
	if (ret == TWOFA_ERR_KEY)
		twofa_fail(why, ret, 0,
			   "record is sealed with a key not in the record key "
			   "file",
			   dir, user);
	else if (ret == TWOFA_ERR_SEALED)
		twofa_fail(why, ret, 0,
			   "sealed secret does not open (record edited, "
			   "renamed or copied)",
			   dir, user);
	else if (ret != TWOFA_OK)
		twofa_fail(why, ret, 0, "cannot open sealed secret", dir, user);
	return ret;
}

int twofa_sealer_seal(struct twofa_sealer *s, const char *user,
		      struct twofa_record *rec, struct twofa_error *why)
{
	const struct twofa_keyring *kr = NULL;
	int ret;

	if (s == NULL || rec->pending) {
		twofa_wipe(&rec->sealed, sizeof(rec->sealed));
		return TWOFA_OK;
	}
	if (rec->secret_len == 0)
		return twofa_fail(why, TWOFA_ERR_INVALID, 0,
				  "record secret was not opened", s->path,
				  NULL);
	ret = twofa_sealer_keyring(s, &kr, why);
	if (ret != TWOFA_OK)
		return ret;
	if (kr == NULL) {
		twofa_wipe(&rec->sealed, sizeof(rec->sealed));
		return TWOFA_OK;
	}
	ret = twofa_seal_secret(rec, user, kr);
	if (ret != TWOFA_OK)
		return twofa_fail(why, ret, 0, "cannot seal the secret",
				  s->path, NULL);
	return TWOFA_OK;
}

/*
 * The additional data of a default enrollment (ten backup codes) is about
 * 1.3 KB; the secret 20 bytes. The content does not matter: the tag fails.
 */
#define DECOY_AD_LEN 1300

void twofa_sealer_decoy(struct twofa_sealer *s)
{
	static const unsigned char ad[DECOY_AD_LEN];
	unsigned char nonce[TWOFA_SEAL_NONCE_LEN] = {0}, tag[TWOFA_SEAL_TAG_LEN];
	unsigned char ct[TWOFA_SECRET_DEFAULT], pt[TWOFA_SECRET_DEFAULT];
	const struct twofa_keyring *kr = NULL;

	if (s == NULL || twofa_sealer_keyring(s, &kr, NULL) != TWOFA_OK ||
	    kr == NULL)
		return;
	memset(tag, 0, sizeof(tag));
	memset(ct, 0, sizeof(ct));
	(void)twofa_aead_open(kr->keys[0].key, nonce, ad, sizeof(ad), ct,
			      sizeof(ct), tag, pt);
	twofa_wipe(pt, sizeof(pt));
}
