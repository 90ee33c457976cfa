/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secrets sealed at rest (SPEC §8, twofa(5)).
 *
 * The record key file holds several 256-bit AES keys, each with an id; the
 * first is current and seals new records. A sealed record keeps its OTP
 * secret only as AES-256-GCM ciphertext whose additional data is the user
 * name and every configuration value of the record, so a record copied to
 * another user, or edited, does not open. Both stores use the same
 * functions: the file store on the "sealed" line of a record, the
 * directory store on its own attribute (twofa_sealed_text_*).
 */
#ifndef TWOFA_SEAL_H
#define TWOFA_SEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "twofa/conf.h" /* TWOFA_RECORD_KEY_DEFAULT */
#include "twofa/err.h"
#include "twofa/record.h"

#define TWOFA_RECORD_KEY_LEN	  32 /* AES-256 */
#define TWOFA_RECORD_KEYS_MAX	  32 /* keys in one file */
#define TWOFA_RECORD_KEY_FILE_MAX 8192

struct twofa_keyring {
	unsigned count; /* keys[0] is current */
	struct {
		char kid[TWOFA_SEAL_KID_LEN + 1];
		unsigned char key[TWOFA_RECORD_KEY_LEN];
	} keys[TWOFA_RECORD_KEYS_MAX];
};

/* --- the key file's text form (lib/seal/keyfile.c) --- */

/*
 * Strict: header, 1..TWOFA_RECORD_KEYS_MAX "key KID HEX" lines whose id
 * matches the key, no duplicate, then the "check" line over everything
 * before it. A truncated, re-ordered or edited file is TWOFA_ERR_KEY.
 */
int twofa_keyring_parse(const char *text, size_t len, struct twofa_keyring *kr,
			struct twofa_parse_error *why);
/* Canonical text, allocated (twofa_freezero(*out, *outlen)). */
int twofa_keyring_format(const struct twofa_keyring *kr, char **out,
			 size_t *outlen);
/* Put a fresh random key in front (it becomes current). */
int twofa_keyring_add(struct twofa_keyring *kr);
/*
 * A key's id: the first 8 bytes, in hex, of the SHA-256 of "pam_twofa
 * record key id\n" and the key.
 */
int twofa_keyring_key_id(const unsigned char key[TWOFA_RECORD_KEY_LEN],
			 char kid[TWOFA_SEAL_KID_LEN + 1]);
/* The key with this id, or NULL. */
const unsigned char *twofa_keyring_find(const struct twofa_keyring *kr,
					const char *kid);
void twofa_keyring_wipe(struct twofa_keyring *kr);

/* --- the key file on disk (lib/seal/keyfile_io.c) --- */

/*
 * Load the key file at an absolute path: reached from "/" without
 * following a symbolic link, a regular file owned by owner (root), no
 * group or other bits, at most TWOFA_RECORD_KEY_FILE_MAX bytes. With
 * optional set, a missing file is success with *out = NULL. Free with
 * twofa_keyring_free.
 */
int twofa_keyring_load(const char *path, uid_t owner, bool optional,
		       struct twofa_keyring **out, struct twofa_error *why);
void twofa_keyring_free(struct twofa_keyring *kr);

/*
 * Change the key file under an exclusive lock on its directory, written
 * as a new file, fsynced, renamed into place, directory fsynced: a crash
 * leaves the old file or the new one.
 *
 * create: a new file with one key; TWOFA_ERR_EXISTS if there is one (an
 * existing file is never replaced). rotate: add a new current key to an
 * existing file. retire: remove kid, refused (TWOFA_ERR_EXISTS) for the
 * current key or when in_use(kid, arg) says a record is sealed with it
 * (in_use returns 0 when unused, 1 when used, <0 for an error). kid_out
 * (may be NULL) receives the id of the new key.
 */
int twofa_keyfile_create(const char *path, uid_t owner,
			 char kid_out[TWOFA_SEAL_KID_LEN + 1],
			 struct twofa_error *why);
int twofa_keyfile_rotate(const char *path, uid_t owner,
			 char kid_out[TWOFA_SEAL_KID_LEN + 1],
			 struct twofa_error *why);
int twofa_keyfile_retire(const char *path, uid_t owner, const char *kid,
			 int (*in_use)(const char *kid, void *arg), void *arg,
			 struct twofa_error *why);

/* --- sealing a record's secret (lib/seal/seal.c) --- */

/*
 * Seal rec->secret with the current key of kr: a fresh random nonce, the
 * additional data made from user and rec's configuration as it is now.
 * rec->secret stays as it is (the caller still uses it); rec->sealed is
 * set. Seal again after any configuration change.
 */
int twofa_seal_secret(struct twofa_record *rec, const char *user,
		      const struct twofa_keyring *kr);

/*
 * Open rec->sealed into rec->secret. TWOFA_ERR_KEY when kr is NULL or has
 * no key with the record's id; TWOFA_ERR_SEALED when the tag does not
 * match (record edited, renamed, copied, or wrong key). A plain record is
 * left alone (0).
 */
int twofa_seal_open(struct twofa_record *rec, const char *user,
		    const struct twofa_keyring *kr);

/*
 * The sealed secret as one line of text, "KID NONCE CIPHERTEXT TAG" in
 * lower-case hex: the value of a record's "sealed" line and of the
 * directory store's attribute. parse is strict (canonical form only).
 */
#define TWOFA_SEALED_TEXT_MAX                                                  \
	(TWOFA_SEAL_KID_LEN + 3 +                                              \
	 2 * (TWOFA_SEAL_NONCE_LEN + TWOFA_SECRET_MAX + TWOFA_SEAL_TAG_LEN) +  \
	 1)
int twofa_sealed_text_format(const struct twofa_sealed *s,
			     char out[TWOFA_SEALED_TEXT_MAX]);
int twofa_sealed_text_parse(const char *s, size_t n, struct twofa_sealed *out);

/* --- where the key comes from, loaded when first needed (sealer.c) --- */

/*
 * What a store uses at load and at write. The key file is read only when
 * a sealed record is met or a record is written, so plain records do not
 * need it. require refuses plain records at load (require_encrypted);
 * inspect loads sealed records without opening them (status: the secret
 * stays empty, sealed_with is known).
 */
struct twofa_sealer {
	char path[4096];
	uid_t owner;
	bool require;
	bool inspect;
	int state; /* 0 not tried; 1 tried (kr may be NULL: no file); <0 err */
	struct twofa_keyring *kr;
	struct twofa_error err; /* why loading failed */
};

/* path NULL: the default key file. */
int twofa_sealer_init(struct twofa_sealer *s, const char *path, uid_t owner);
void twofa_sealer_clear(struct twofa_sealer *s);

/*
 * At load: open a sealed record (loading the key file if needed), refuse
 * a plain one when require is set (TWOFA_ERR_UNSAFE, "record not
 * sealed"). why names the
 * record (dir/user) or the key file.
 */
int twofa_sealer_open(struct twofa_sealer *s, const char *dir, const char *user,
		      struct twofa_record *rec, struct twofa_error *why);

/*
 * Before a write of the whole record: seal with the current key when the
 * key file exists, else write plain (and mark rec plain). A key file that
 * exists but cannot be used is an error: nothing is written.
 */
int twofa_sealer_seal(struct twofa_sealer *s, const char *user,
		      struct twofa_record *rec, struct twofa_error *why);

/*
 * What opening a sealed record costs, for the decoy login of a user
 * without a record (twofa_decoy_login): with a key file, read it and run
 * one AES-256-GCM open the size of a default record's (which fails).
 * Errors are ignored: nothing depends on it but the time it takes.
 */
void twofa_sealer_decoy(struct twofa_sealer *s);

/* The keyring (loading it if needed), or NULL when there is no key file. */
int twofa_sealer_keyring(struct twofa_sealer *s,
			 const struct twofa_keyring **out,
			 struct twofa_error *why);

#endif
