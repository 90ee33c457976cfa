/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record store. Every path is resolved from a directory descriptor
 * that was itself reached from "/" one component at a time with
 * O_NOFOLLOW, so a symlink or a swapped parent cannot redirect us.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/safedir.h"
#include "twofa/user.h"
#include "store/file/fstore.h"

struct twofa_fstore {
	int dirfd;
	uid_t owner;
	char path[4096];
};

const char *twofa_fstore_path(const struct twofa_fstore *st)
{
	return st->path;
}

int twofa_fstore_dirfd(const struct twofa_fstore *st)
{
	return st->dirfd;
}

uid_t twofa_fstore_owner(const struct twofa_fstore *st)
{
	return st->owner;
}

static const char *store_problem(const struct stat *sb, uid_t owner)
{
	if (!S_ISDIR(sb->st_mode))
		return "store is not a directory";
	if (sb->st_uid != owner)
		return "store not owned by root";
	if (sb->st_mode & (S_IRWXG | S_IRWXO))
		return "store has group or other permissions (want 0700)";
	return NULL;
}

int twofa_fstore_open(const char *path, uid_t owner, struct twofa_fstore **out,
		     struct twofa_error *why)
{
	struct twofa_fstore *st = NULL;
	const char *problem;
	struct stat sb;
	int fd = -1, ret;

	*out = NULL;
	if (path == NULL || path[0] != '/' || strlen(path) >= sizeof(st->path))
		return twofa_fail(why, TWOFA_ERR_INVALID, 0,
					"store path must be absolute",
					path ? path : "(null)", NULL);
	ret = twofa_dir_open(path, owner, 0, &fd, why);
	if (ret != TWOFA_OK)
		goto out;
	if (fstat(fd, &sb) != 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno, "cannot stat",
				       path, NULL);
		goto out;
	}
	problem = store_problem(&sb, owner);
	if (problem != NULL) {
		ret = twofa_fail(why, TWOFA_ERR_UNSAFE, 0, problem, path,
				       NULL);
		goto out;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL) {
		ret = TWOFA_ERR_NOMEM;
		goto out;
	}
	st->dirfd = fd;
	st->owner = owner;
	snprintf(st->path, sizeof(st->path), "%s", path);
	fd = -1;
	*out = st;
	ret = TWOFA_OK;
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

void twofa_fstore_close(struct twofa_fstore *st)
{
	if (st == NULL)
		return;
	if (st->dirfd >= 0)
		close(st->dirfd);
	free(st);
}

int twofa_fstore_exists(struct twofa_fstore *st, const char *user,
			struct twofa_error *why)
{
	struct twofa_file_rules rules;
	struct stat sb;

	if (!twofa_user_valid(user))
		return twofa_fail(why, TWOFA_ERR_BAD_USER, 0,
					"invalid user name", st->path, NULL);
	if (fstatat(st->dirfd, user, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return TWOFA_ERR_NO_RECORD;
		return twofa_fail(why, TWOFA_ERR_IO, errno,
					"cannot stat record", st->path, user);
	}
	twofa_record_rules(st, &rules);
	return twofa_file_check(&sb, &rules, st->path, user, why);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int twofa_fstore_list(struct twofa_fstore *st,
		     int (*fn)(const char *user, void *arg), void *arg,
		     struct twofa_error *why)
{
	DIR *d = NULL;
	struct dirent *de;
	char **names = NULL, **grown;
	size_t n = 0, cap = 0, i;
	int fd, ret = TWOFA_ERR_IO;

	fd = openat(st->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno,
				       "cannot list store", st->path, NULL);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		/* Temporary files start with '.', as no user name can. */
		if (!twofa_user_valid(de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL) {
				ret = TWOFA_ERR_NOMEM;
				goto out;
			}
			names = grown;
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL) {
			ret = TWOFA_ERR_NOMEM;
			goto out;
		}
		n++;
	}
	if (errno != 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno,
				       "cannot list store", st->path, NULL);
		goto out;
	}
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	ret = TWOFA_OK;
	for (i = 0; i < n && ret == TWOFA_OK; i++)
		ret = fn(names[i], arg);
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d != NULL)
		closedir(d);
	return ret;
}
