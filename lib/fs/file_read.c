/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Opening, checking and reading a file the safe way (twofa/fs.h). Used
 * for records, the decoy, key files, the configuration and the admin
 * tool's import sources: one set of checks for all of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/fs.h"
#include "twofa/mem.h"

int twofa_file_check(const struct stat *sb, const struct twofa_file_rules *r,
		     const char *dir, const char *name,
		     struct twofa_error *why)
{
	const struct twofa_file_msgs *m = r->msg;
	const char *what = NULL;
	int ret = TWOFA_ERR_UNSAFE;

	if (S_ISLNK(sb->st_mode))
		what = m->symlink;
	else if (S_ISDIR(sb->st_mode))
		what = m->directory;
	else if (S_ISFIFO(sb->st_mode))
		what = m->fifo;
	else if (S_ISCHR(sb->st_mode) || S_ISBLK(sb->st_mode))
		what = m->device;
	else if (!S_ISREG(sb->st_mode))
		what = m->other;
	else if (r->owner != (uid_t)-1 && sb->st_uid != r->owner)
		what = m->owner;
	else if (sb->st_mode & r->forbidden)
		what = m->mode;
	else if (r->one_link && sb->st_nlink != 1)
		what = m->links;
	else if (sb->st_size < 0 || (size_t)sb->st_size > r->max) {
		what = m->size;
		ret = TWOFA_ERR_TOO_BIG;
	}
	if (what == NULL)
		return TWOFA_OK;
	return twofa_fail(why, ret, 0, what, dir, name);
}

int twofa_file_open(int dirfd, const char *dir, const char *name, int flags,
		    const struct twofa_file_rules *r, int *fdp, struct stat *sb,
		    struct twofa_error *why)
{
	struct stat pre;
	int fd = -1, ret;

	*fdp = -1;
	if (flags & O_CREAT)
		return twofa_fail(why, TWOFA_ERR_INVALID, 0,
				  "cannot create here", dir, name);
	/* Look before opening, so a FIFO or device is never opened. */
	if (fstatat(dirfd, name, &pre, AT_SYMLINK_NOFOLLOW) != 0) {
		int e = errno;

		return twofa_fail(why,
				  e == ENOENT ? TWOFA_ERR_NO_RECORD
					      : TWOFA_ERR_IO,
				  e, e == ENOENT ? "no such file" : "cannot stat",
				  dir, name);
	}
	ret = twofa_file_check(&pre, r, dir, name, why);
	if (ret != TWOFA_OK)
		return ret;
	fd = openat(dirfd, name,
		    flags | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		if (e == ELOOP)
			return twofa_fail(why, TWOFA_ERR_UNSAFE, e,
					  r->msg->symlink, dir, name);
		return twofa_fail(why,
				  e == ENOENT ? TWOFA_ERR_NO_RECORD
					      : TWOFA_ERR_IO,
				  e, e == ENOENT ? "no such file" : "cannot open",
				  dir, name);
	}
	if (fstat(fd, sb) != 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno, "cannot stat", dir,
				 name);
		goto fail;
	}
	/* Swapped between the look and the open: refuse, never follow. */
	if (sb->st_dev != pre.st_dev || sb->st_ino != pre.st_ino) {
		ret = twofa_fail(why, TWOFA_ERR_UNSAFE, 0,
				 "file was replaced while being opened", dir,
				 name);
		goto fail;
	}
	ret = twofa_file_check(sb, r, dir, name, why);
	if (ret != TWOFA_OK)
		goto fail;
	*fdp = fd;
	return TWOFA_OK;
fail:
	close(fd);
	return ret;
}

int twofa_file_read(int fd, size_t max, char **bufp, size_t *lenp)
{
	/* One byte more than allowed tells "too big" from "exactly max". */
	char *buf = malloc(max + 2);
	size_t got = 0;

	*bufp = NULL;
	*lenp = 0;
	if (buf == NULL)
		return TWOFA_ERR_NOMEM;
	while (got < max + 1) {
		ssize_t n = pread(fd, buf + got, max + 1 - got, (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			twofa_file_free(buf, got);
			errno = e;
			return TWOFA_ERR_IO;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		twofa_file_free(buf, got);
		return TWOFA_ERR_TOO_BIG;
	}
	buf[got] = '\0';
	*bufp = buf;
	*lenp = got;
	return TWOFA_OK;
}

void twofa_file_free(char *buf, size_t len)
{
	/* The bytes read and the NUL; the rest of the buffer never held
	 * anything of ours. */
	if (buf != NULL)
		twofa_freezero(buf, len + 1);
}

int twofa_file_load(int dirfd, const char *dir, const char *name,
		    const struct twofa_file_rules *r, char **buf, size_t *len,
		    struct twofa_error *why)
{
	struct stat sb;
	int fd = -1, ret;

	*buf = NULL;
	*len = 0;
	ret = twofa_file_open(dirfd, dir, name, O_RDONLY, r, &fd, &sb, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = twofa_file_read(fd, r->max, buf, len);
	if (ret == TWOFA_ERR_TOO_BIG)
		twofa_fail(why, ret, 0, r->msg->size, dir, name);
	else if (ret == TWOFA_ERR_IO)
		twofa_fail(why, ret, errno, "cannot read", dir, name);
	close(fd);
	return ret;
}

int twofa_path_split(const char *path, char dir[4096], const char **name,
		     struct twofa_error *why)
{
	const char *slash;
	size_t n;

	if (path == NULL || path[0] != '/' || strlen(path) >= 4096)
		return twofa_fail(why, TWOFA_ERR_INVALID, 0,
				  "path must be absolute",
				  path != NULL ? path : "(null)", NULL);
	slash = strrchr(path, '/');
	*name = slash + 1;
	if (**name == '\0' || strcmp(*name, ".") == 0 ||
	    strcmp(*name, "..") == 0)
		return twofa_fail(why, TWOFA_ERR_INVALID, 0,
				  "path names no file", path, NULL);
	n = (size_t)(slash - path);
	if (n == 0)
		n = 1; /* "/file" */
	memcpy(dir, path, n);
	dir[n] = '\0';
	return TWOFA_OK;
}
