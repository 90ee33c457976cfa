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
#include "twofa/safedir.h"
#include "twofa/seal.h"

/* Split an absolute path into its directory and its last component. */
static int split_path(const char *path, char dir[4096], const char **name,
		      struct twofa_error *why)
{
	const char *slash;
	size_t n;

	if (path == NULL || path[0] != '/' || strlen(path) >= 4096)
		return twofa_fail(why, TWOFA_ERR_INVALID, 0,
				  "record key path must be absolute",
				  path != NULL ? path : "(null)", NULL);
	slash = strrchr(path, '/');
	*name = slash + 1;
	if (**name == '\0' || strcmp(*name, ".") == 0 ||
	    strcmp(*name, "..") == 0)
		return twofa_fail(why, TWOFA_ERR_INVALID, 0,
				  "record key path names no file", path, NULL);
	n = (size_t)(slash - path);
	if (n == 0)
		n = 1; /* "/record.key" */
	memcpy(dir, path, n);
	dir[n] = '\0';
	return TWOFA_OK;
}

/*
 * The key's directory: reached safely, and itself root's alone to change;
 * created with create_mode when missing (not 0; its parent must exist).
 */
static int open_dir(const char *dir, uid_t owner, mode_t create_mode,
		    int *dfd, struct twofa_error *why)
{
	struct stat sb;
	int fd = -1, ret;

	*dfd = -1;
	ret = twofa_dir_open(dir, owner, create_mode, &fd, why);
	if (ret != TWOFA_OK)
		return ret;
	if (fstat(fd, &sb) != 0)
		ret = twofa_fail(why, TWOFA_ERR_IO, errno, "cannot stat", dir,
				 NULL);
	else if (sb.st_uid != 0 && sb.st_uid != owner)
		ret = twofa_fail(why, TWOFA_ERR_UNSAFE, 0,
				 "directory not owned by root", dir, NULL);
	else if (sb.st_mode & (S_IWGRP | S_IWOTH))
		ret = twofa_fail(why, TWOFA_ERR_UNSAFE, 0,
				 "directory writable by group or others", dir,
				 NULL);
	if (ret != TWOFA_OK) {
		close(fd);
		return ret;
	}
	*dfd = fd;
	return TWOFA_OK;
}

/*
 * Read and parse dir/name below dfd. TWOFA_ERR_NO_RECORD (why->sys_errno
 * ENOENT) when it does not exist.
 */
static int read_keyring(int dfd, const char *dir, const char *name,
			uid_t owner, struct twofa_keyring *kr,
			struct twofa_error *why)
{
	char buf[TWOFA_RECORD_KEY_FILE_MAX + 1];
	size_t got = 0;
	struct stat sb;
	int fd, ret;

	/* O_NONBLOCK: a FIFO put there must not hang the login. */
	fd = openat(dfd, name,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		if (e == ENOENT)
			return twofa_fail(why, TWOFA_ERR_NO_RECORD, e,
					  "no record key file", dir, name);
		return twofa_fail(why,
				  e == ELOOP ? TWOFA_ERR_UNSAFE : TWOFA_ERR_IO,
				  e,
				  e == ELOOP ? "record key is a symbolic link"
					     : "cannot open record key",
				  dir, name);
	}
	ret = TWOFA_ERR_UNSAFE;
	if (fstat(fd, &sb) != 0)
		ret = twofa_fail(why, TWOFA_ERR_IO, errno, "cannot stat", dir,
				 name);
	else if (!S_ISREG(sb.st_mode))
		twofa_fail(why, ret, 0, "record key is not a regular file",
			   dir, name);
	else if (sb.st_uid != owner)
		twofa_fail(why, ret, 0, "record key not owned by root", dir,
			   name);
	else if (sb.st_mode & (S_IRWXG | S_IRWXO))
		twofa_fail(why, ret, 0,
			   "record key has group or other permissions (want "
			   "0600)",
			   dir, name);
	else if (sb.st_nlink != 1)
		twofa_fail(why, ret, 0, "record key has other hard links", dir,
			   name);
	else
		ret = TWOFA_OK;
	while (ret == TWOFA_OK && got < sizeof(buf)) {
		ssize_t n = read(fd, buf + got, sizeof(buf) - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ret = twofa_fail(why, TWOFA_ERR_IO, errno,
					 "cannot read record key", dir, name);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (ret == TWOFA_OK && got > TWOFA_RECORD_KEY_FILE_MAX)
		ret = twofa_fail(why, TWOFA_ERR_KEY, 0,
				 "record key file too large", dir, name);
	if (ret == TWOFA_OK) {
		ret = twofa_keyring_parse(buf, got, kr,
					  why != NULL ? &why->parse : NULL);
		if (ret == TWOFA_ERR_KEY)
			twofa_fail(why, ret, 0,
				   why != NULL && why->parse.what != NULL
				       ? why->parse.what
				       : "record key file is malformed",
				   dir, name);
		else if (ret != TWOFA_OK)
			twofa_fail(why, ret, 0, "cannot check record key file",
				   dir, name);
	}
	twofa_wipe(buf, sizeof(buf));
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
	ret = split_path(path, dir, &name, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = open_dir(dir, owner, 0, &dfd, why);
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

/* kr as dir/name: a new file, fsync, rename (no-replace when create). */
static int write_keyring(int dfd, const char *dir, const char *name,
			 uid_t owner, const struct twofa_keyring *kr,
			 bool create, struct twofa_error *why)
{
	unsigned char rnd[8];
	char tmp[300], *text = NULL;
	size_t len = 0, off = 0;
	int fd = -1, ret;

	ret = twofa_keyring_format(kr, &text, &len);
	if (ret != TWOFA_OK)
		return twofa_fail(why, ret, 0, "cannot format record key file",
				  dir, name);
	ret = twofa_random(rnd, sizeof(rnd));
	if (ret != TWOFA_OK)
		goto out;
	off = (size_t)snprintf(tmp, sizeof(tmp), ".%.200s.", name);
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(tmp + off + 2 * i, 3, "%02x", rnd[i]);
	off = 0;
	fd = openat(dfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
			O_NOCTTY,
		    0600);
	if (fd < 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno, "cannot create",
				 dir, tmp);
		goto out;
	}
	ret = TWOFA_ERR_IO;
	if (fchown(fd, owner, (gid_t)-1) != 0 || fchmod(fd, 0600) != 0) {
		twofa_fail(why, ret, errno, "cannot set owner or mode", dir,
			   tmp);
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			twofa_fail(why, ret, n < 0 ? errno : ENOSPC,
				   "cannot write", dir, tmp);
			goto out;
		}
		off += (size_t)n;
	}
	if (fsync(fd) != 0) {
		twofa_fail(why, ret, errno, "cannot fsync", dir, tmp);
		goto out;
	}
	if (renameat2(dfd, tmp, dfd, name, create ? RENAME_NOREPLACE : 0) !=
	    0) {
		int e = errno;

		ret = e == EEXIST ? TWOFA_ERR_EXISTS : TWOFA_ERR_IO;
		twofa_fail(why, ret, e,
			   e == EEXIST ? "a record key file exists (never "
					 "overwritten; use --rotate)"
				       : "cannot rename into place",
			   dir, name);
		goto out;
	}
	if (fsync(dfd) != 0) {
		twofa_fail(why, ret, errno, "cannot fsync directory", dir,
			   NULL);
		goto out;
	}
	ret = TWOFA_OK;
out:
	if (fd >= 0) {
		close(fd);
		if (ret != TWOFA_OK)
			unlinkat(dfd, tmp, 0);
	}
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
	ret = split_path(path, dir, &name, why);
	if (ret != TWOFA_OK)
		return ret;
	/* As keygen does for the signing key: /etc/twofa may not exist yet. */
	ret = open_dir(dir, owner, what == CREATE ? 0755 : 0, &dfd, why);
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
			ret = twofa_fail(why, TWOFA_ERR_NO_RECORD, 0,
					 "no record key with this id", dir,
					 name);
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
	return change_keyfile(path, owner, RETIRE, kid, in_use, arg, NULL,
			      why);
}
