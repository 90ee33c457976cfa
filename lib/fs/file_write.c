/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Replacing a file atomically and durably (twofa/fs.h): records,
 * twofa-admin's key files. Linux-PAM's unix_update_shadow model: a new
 * file in the same directory, fsync, rename, fsync of the directory; a
 * crash at any point leaves the old file or the new one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/fs.h"
#include "twofa/mem.h"

static int write_all(int fd, const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

int twofa_file_stage(int dirfd, const char *dir, const char *prefix,
		     const char *data, size_t len, mode_t mode, uid_t owner,
		     char tmp[TWOFA_TMP_NAME_MAX], int *fdp,
		     struct twofa_error *why)
{
	unsigned char rnd[8];
	char hex[2 * sizeof(rnd) + 1];
	size_t i;
	int fd, ret;

	tmp[0] = '\0';
	if (fdp != NULL)
		*fdp = -1;
	if (strlen(prefix) + 2 + sizeof(hex) > TWOFA_TMP_NAME_MAX)
		return twofa_fail(why, TWOFA_ERR_INVALID, 0,
				  "temporary name too long", dir, prefix);
	ret = twofa_random(rnd, sizeof(rnd));
	if (ret != TWOFA_OK)
		return ret;
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	/* A leading '.': never a user name, never listed as a record. */
	snprintf(tmp, TWOFA_TMP_NAME_MAX, ".%s.%s", prefix, hex);
	/* O_EXCL | O_NOFOLLOW: a planted file or symlink makes us fail. */
	fd = openat(dirfd, tmp,
		    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
			O_NOCTTY,
		    mode);
	if (fd < 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno,
				 "cannot create temporary file", dir, tmp);
		tmp[0] = '\0';
		return ret;
	}
	if ((owner != (uid_t)-1 && fchown(fd, owner, (gid_t)-1) != 0) ||
	    fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 ||
	    fsync(fd) != 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno,
				 "cannot write temporary file", dir, tmp);
		unlinkat(dirfd, tmp, 0);
		close(fd);
		tmp[0] = '\0';
		return ret;
	}
	if (fdp != NULL)
		*fdp = fd;
	else
		close(fd);
	return TWOFA_OK;
}

/*
 * Give tmp the name unless that name exists. Where the file system lacks
 * RENAME_NOREPLACE, link() + unlink() does the same (briefly showing two
 * links, which readers refuse rather than trust).
 */
int twofa_file_place(int dirfd, const char *tmp, const char *name)
{
	if (renameat2(dirfd, tmp, dirfd, name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (linkat(dirfd, tmp, dirfd, name, 0) != 0)
		return -1;
	unlinkat(dirfd, tmp, 0);
	return 0;
}

int twofa_file_commit(int dirfd, const char *dir, const char *tmp,
		      const char *name, bool replace, struct twofa_error *why)
{
	int r = replace ? renameat(dirfd, tmp, dirfd, name)
			: twofa_file_place(dirfd, tmp, name);

	if (r != 0) {
		int e = errno;
		int ret = !replace && e == EEXIST ? TWOFA_ERR_EXISTS
						  : TWOFA_ERR_IO;

		unlinkat(dirfd, tmp, 0);
		return twofa_fail(why, ret, e,
				  ret == TWOFA_ERR_EXISTS ? "file exists"
				  : replace		  ? "cannot replace file"
							  : "cannot create file",
				  dir, name);
	}
	return TWOFA_OK;
}

int twofa_dir_sync(int dirfd, const char *dir, struct twofa_error *why)
{
	if (fsync(dirfd) != 0)
		return twofa_fail(why, TWOFA_ERR_IO, errno,
				  "cannot sync directory", dir, NULL);
	return TWOFA_OK;
}
