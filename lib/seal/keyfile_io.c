/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record key file on disk: read it as the signing key is read (from
 * "/" one directory at a time without following links, then checked on
 * the open descriptor), and change it only by writing a complete new
 * file that is renamed into place, so a crash leaves the old keys or the
 * new ones and an existing key is never lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/fs.h"
#include "twofa/seal.h"

/* What the record key file must be: root's, 0600, one link, 8 KiB. */
static const struct twofa_file_msgs keyfile_msgs = TWOFA_FILE_MSGS(
    "record key", "has group or other permissions (want 0600)", "8 KiB");

/*
 * Read and parse dir/name below dfd. TWOFA_ERR_NO_RECORD (why->sys_errno
 * ENOENT) when it does not exist.
 */
static int read_keyring(int dfd, const char *dir, const char *name, uid_t owner,
			struct twofa_keyring *kr, struct twofa_error *why)
{
	const struct twofa_file_rules rules = {&keyfile_msgs, owner,
					       S_IRWXG | S_IRWXO, true,
					       TWOFA_RECORD_KEY_FILE_MAX};
	char *buf = NULL;
	size_t got = 0;
	int ret;

	/* lib/fs/: no symlink, never a FIFO (it must not hang the login). */
	ret = twofa_file_load(dfd, dir, name, &rules, &buf, &got, why);
	if (ret == TWOFA_ERR_NO_RECORD)
		return twofa_fail(why, ret, ENOENT, "no record key file", dir,
				  name);
	if (ret == TWOFA_ERR_TOO_BIG)
		return twofa_fail(why, TWOFA_ERR_KEY, 0,
				  "record key file too large", dir, name);
	if (ret != TWOFA_OK)
		return ret;
	ret =
	    twofa_keyring_parse(buf, got, kr, why != NULL ? &why->parse : NULL);
	if (ret == TWOFA_ERR_KEY)
		twofa_fail(why, ret, 0,
			   why != NULL && why->parse.what != NULL
			       ? why->parse.what
			       : "record key file is malformed",
			   dir, name);
	else if (ret != TWOFA_OK)
		twofa_fail(why, ret, 0, "cannot check record key file", dir,
			   name);
	twofa_file_free(buf, got);
	return ret;
}

int twofa_keyring_load(const char *path, uid_t owner, bool optional,
		       struct twofa_keyring **out, struct twofa_error *why)
{
	struct twofa_keyring *kr = NULL;
	char dir[4096];
	const char *name;
	int dfd = -1, ret;

	*out = NULL;
	ret = twofa_path_split(path, dir, &name, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = twofa_dir_open_safe(dir, owner, 0, &dfd, why);
	if (ret != TWOFA_OK) {
		if (ret == TWOFA_ERR_IO && why != NULL &&
		    why->sys_errno == ENOENT)
			ret = optional ? TWOFA_OK : TWOFA_ERR_KEY;
		return ret;
	}
	kr = malloc(sizeof(*kr));
	if (kr == NULL) {
		ret = TWOFA_ERR_NOMEM;
		goto out;
	}
	ret = read_keyring(dfd, dir, name, owner, kr, why);
	if (ret == TWOFA_ERR_NO_RECORD) {
		ret = optional ? TWOFA_OK : TWOFA_ERR_KEY;
		goto out;
	}
	if (ret != TWOFA_OK)
		goto out;
	*out = kr;
	kr = NULL;
out:
	twofa_freezero(kr, sizeof(*kr));
	close(dfd);
	return ret;
}

void twofa_keyring_free(struct twofa_keyring *kr)
{
	twofa_freezero(kr, sizeof(*kr));
}

/*
 * kr as dir/name (lib/fs/): a new file, fsync, rename (into a free name
 * only when create, with the link() fallback), directory fsync.
 */
static int write_keyring(int dfd, const char *dir, const char *name,
			 uid_t owner, const struct twofa_keyring *kr,
			 bool create, struct twofa_error *why)
{
	char tmp[TWOFA_TMP_NAME_MAX], *text = NULL;
	size_t len = 0;
	int ret;

	ret = twofa_keyring_format(kr, &text, &len);
	if (ret != TWOFA_OK)
		return twofa_fail(why, ret, 0, "cannot format record key file",
				  dir, name);
	ret = twofa_file_stage(dfd, dir, "record-key", text, len, 0600, owner,
			       tmp, NULL, why);
	if (ret == TWOFA_OK)
		ret = twofa_file_commit(dfd, dir, tmp, name, !create, why);
	if (ret == TWOFA_ERR_EXISTS)
		twofa_fail(why, ret, EEXIST,
			   "a record key file exists (never overwritten; use "
			   "--rotate)",
			   dir, name);
	if (ret == TWOFA_OK)
		ret = twofa_dir_sync(dfd, dir, why);
	twofa_freezero(text, len);
	return ret;
}

enum change { CREATE, ROTATE, RETIRE };

/*
 * One change of the key file, under an exclusive lock on its directory so
 * two admins rotating at once do not lose a key.
 */
static int change_keyfile(const char *path, uid_t owner, enum change what,
			  const char *kid,
			  int (*in_use)(const char *kid, void *arg), void *arg,
			  char kid_out[TWOFA_SEAL_KID_LEN + 1],
			  struct twofa_error *why)
{
	struct twofa_keyring *kr = NULL;
	char dir[4096];
	const char *name;
	int dfd = -1, ret;

	if (kid_out != NULL)
		kid_out[0] = '\0';
	ret = twofa_path_split(path, dir, &name, why);
	if (ret != TWOFA_OK)
		return ret;
	/* As keygen does for the signing key: /etc/twofa may not exist yet. */
	ret = twofa_dir_open_safe(dir, owner, what == CREATE ? 0755 : 0, &dfd,
				  why);
	if (ret != TWOFA_OK)
		return ret;
	if (flock(dfd, LOCK_EX) != 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno, "cannot lock", dir,
				 NULL);
		goto out;
	}
	kr = calloc(1, sizeof(*kr));
	if (kr == NULL) {
		ret = TWOFA_ERR_NOMEM;
		goto out;
	}
	ret = read_keyring(dfd, dir, name, owner, kr, why);
	if (what == CREATE) {
		if (ret == TWOFA_OK)
			ret = twofa_fail(why, TWOFA_ERR_EXISTS, EEXIST,
					 "a record key file exists (never "
					 "overwritten; use --rotate)",
					 dir, name);
		else if (ret == TWOFA_ERR_NO_RECORD)
			ret = TWOFA_OK;
		if (ret != TWOFA_OK)
			goto out;
		memset(kr, 0, sizeof(*kr));
	} else if (ret == TWOFA_ERR_NO_RECORD) {
		ret = TWOFA_ERR_KEY;
		goto out;
	}
	if (ret != TWOFA_OK)
		goto out;

	if (what == RETIRE) {
		unsigned i;

		for (i = 0; i < kr->count; i++) {
			if (strcmp(kr->keys[i].kid, kid) == 0)
				break;
		}
		if (i == kr->count) {
			ret =
			    twofa_fail(why, TWOFA_ERR_NO_RECORD, 0,
				       "no record key with this id", dir, name);
			goto out;
		}
		if (i == 0) {
			ret = twofa_fail(why, TWOFA_ERR_EXISTS, 0,
					 "the current record key cannot be "
					 "retired (rotate first)",
					 dir, name);
			goto out;
		}
		ret = in_use(kid, arg);
		if (ret != 0) {
			if (ret > 0)
				ret = twofa_fail(why, TWOFA_ERR_EXISTS, 0,
						 "records are sealed with this "
						 "key (run rekey first)",
						 dir, name);
			goto out;
		}
		twofa_wipe(&kr->keys[i], sizeof(kr->keys[i]));
		memmove(&kr->keys[i], &kr->keys[i + 1],
			(kr->count - i - 1) * sizeof(kr->keys[0]));
		kr->count--;
	} else {
		ret = twofa_keyring_add(kr);
		if (ret != TWOFA_OK) {
			twofa_fail(why, ret, 0,
				   ret == TWOFA_ERR_INVALID
				       ? "record key file is full (retire a "
					 "key first)"
				       : "cannot make a record key",
				   dir, name);
			goto out;
		}
		if (kid_out != NULL)
			memcpy(kid_out, kr->keys[0].kid,
			       TWOFA_SEAL_KID_LEN + 1);
	}
	ret = write_keyring(dfd, dir, name, owner, kr, what == CREATE, why);
out:
	twofa_freezero(kr, sizeof(*kr));
	close(dfd); /* releases the lock */
	return ret;
}

int twofa_keyfile_create(const char *path, uid_t owner,
			 char kid_out[TWOFA_SEAL_KID_LEN + 1],
			 struct twofa_error *why)
{
	return change_keyfile(path, owner, CREATE, NULL, NULL, NULL, kid_out,
			      why);
}

int twofa_keyfile_rotate(const char *path, uid_t owner,
			 char kid_out[TWOFA_SEAL_KID_LEN + 1],
			 struct twofa_error *why)
{
	return change_keyfile(path, owner, ROTATE, NULL, NULL, NULL, kid_out,
			      why);
}

int twofa_keyfile_retire(const char *path, uid_t owner, const char *kid,
			 int (*in_use)(const char *kid, void *arg), void *arg,
			 struct twofa_error *why)
{
	if (kid == NULL || in_use == NULL)
		return TWOFA_ERR_INVALID;
	return change_keyfile(path, owner, RETIRE, kid, in_use, arg, NULL, why);
}
