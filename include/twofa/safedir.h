/* SPDX-License-Identifier: BSD-2-Clause */
/* Reaching a directory without following anything an attacker could plant. */
#ifndef TWOFA_SAFEDIR_H
#define TWOFA_SAFEDIR_H

#include <sys/types.h>

#include "twofa/err.h"

/*
 * Open the directory at an absolute path from "/", one component at a
 * time with openat(O_NOFOLLOW), so a symbolic link or a swapped parent
 * cannot redirect us. Every directory above the last must be owned by
 * root or owner and not writable by group or others; the last one is the
 * caller's to judge (fstat *dirfd). With create_mode != 0, a missing last
 * component is created with that mode (its parent must exist).
 *
 * TWOFA_ERR_INVALID: not absolute, too long, "." or ".." in it;
 * TWOFA_ERR_UNSAFE: a symbolic link, a non-directory or an unsafe parent
 * on the way; TWOFA_ERR_IO: a system call failed (why->sys_errno, ENOENT
 * for a missing directory). why may be NULL.
 */
int twofa_dir_open(const char *path, uid_t owner, mode_t create_mode,
		   int *dirfd, struct twofa_error *why);

/*
 * twofa_dir_open, and the last directory held to the parents' rule too:
 * owned by root or owner, not writable by group or others, so nobody
 * else can swap a file in it (the directory of a key or configuration
 * file).
 */
int twofa_dir_open_safe(const char *path, uid_t owner, mode_t create_mode,
			int *dirfd, struct twofa_error *why);

#endif
