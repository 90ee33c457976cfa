/* SPDX-License-Identifier: BSD-2-Clause */
/* Walking from "/" to a directory with O_NOFOLLOW, checking each parent. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/safedir.h"

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* A parent on the way: a directory nobody but root or owner can change. */
static const char *parent_problem(const struct stat *sb, uid_t owner)
{
	if (!S_ISDIR(sb->st_mode))
		return "not a directory";
	if (sb->st_uid != 0 && sb->st_uid != owner)
		return "parent directory not owned by root";
	if (sb->st_mode & (S_IWGRP | S_IWOTH))
		return "parent directory writable by group or others";
	return NULL;
}

/* Open comp below fd; create it first when it is the missing last one. */
static int open_component(int fd, const char *comp, mode_t create_mode,
			  int last)
{
	int nfd = openat(fd, comp, DIR_FLAGS);

	if (nfd >= 0 || errno != ENOENT || !last || create_mode == 0)
		return nfd;
	if (mkdirat(fd, comp, create_mode) != 0 && errno != EEXIST)
		return -1;
	return openat(fd, comp, DIR_FLAGS);
}

int twofa_dir_open(const char *path, uid_t owner, mode_t create_mode,
		   int *dirfd, struct twofa_error *why)
{
	char comp[4096];
	const char *p, *problem;
	struct stat sb;
	int fd = -1, nfd, ret = TWOFA_ERR_INVALID;

	*dirfd = -1;
	if (path == NULL || path[0] != '/' || strlen(path) >= sizeof(comp))
		return twofa_fail(why, TWOFA_ERR_INVALID, 0,
					"path must be absolute",
					path ? path : "(null)", NULL);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return twofa_fail(why, TWOFA_ERR_IO, errno, "cannot open",
					"/", NULL);
	for (p = path;;) {
		size_t n;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		/* Each directory above the next component must be safe. */
		if (fstat(fd, &sb) != 0) {
			ret = twofa_fail(why, TWOFA_ERR_IO, errno,
					       "cannot stat", path, NULL);
			goto out;
		}
		problem = parent_problem(&sb, owner);
		if (problem != NULL) {
			ret = twofa_fail(why, TWOFA_ERR_UNSAFE, 0,
					       problem, path, NULL);
			goto out;
		}
		n = strcspn(p, "/");
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			ret = twofa_fail(why, TWOFA_ERR_INVALID, 0,
					       "path has . or ..", path, NULL);
			goto out;
		}
		nfd = open_component(fd, comp, create_mode,
				     p[strspn(p, "/")] == '\0');
		if (nfd < 0) {
			int e = errno;

			/* O_DIRECTORY reports a symlink as ENOTDIR: say which.
			 */
			if (e == ENOTDIR &&
			    fstatat(fd, comp, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(sb.st_mode))
				e = ELOOP;
			ret = (e == ELOOP || e == ENOTDIR) ? TWOFA_ERR_UNSAFE
							   : TWOFA_ERR_IO;
			twofa_fail(why, ret, e,
					 e == ELOOP ? "path has a symbolic link"
					 : e == ENOTDIR ? "not a directory"
					 : e == ENOENT
					     ? "no such directory"
					     : "cannot open directory",
					 path, NULL);
			goto out;
		}
		close(fd);
		fd = nfd;
	}
	*dirfd = fd;
	fd = -1;
	ret = TWOFA_OK;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

int twofa_dir_open_safe(const char *path, uid_t owner, mode_t create_mode,
			int *dirfd, struct twofa_error *why)
{
	const char *problem;
	struct stat sb;
	int fd = -1, ret;

	ret = twofa_dir_open(path, owner, create_mode, &fd, why);
	if (ret != TWOFA_OK)
		return ret;
	if (fstat(fd, &sb) != 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno, "cannot stat", path,
				 NULL);
		close(fd);
		return ret;
	}
	problem = parent_problem(&sb, owner);
	if (problem != NULL) {
		close(fd);
		return twofa_fail(why, TWOFA_ERR_UNSAFE, 0,
				  strcmp(problem, "not a directory") == 0
				      ? problem
				  : sb.st_mode & (S_IWGRP | S_IWOTH)
				      ? "directory writable by group or others"
				      : "directory not owned by root",
				  path, NULL);
	}
	*dirfd = fd;
	return TWOFA_OK;
}
