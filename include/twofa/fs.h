/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one safe file layer (OpenSSH sshbuf-io.c model): every file the
 * core reads (records, the decoy, key files, the configuration, the admin
 * tool's import sources) is opened, checked and read here, and every file
 * it replaces is written here, so the checks cannot differ from one file
 * to the next.
 *
 * Reading: look at the name first without following it (a FIFO or device
 * is never opened), open with O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
 * O_NONBLOCK, fstat the descriptor, make sure it is what was looked at,
 * and check type, owner, mode, links and size against the caller's rules;
 * then read at most the cap.
 *
 * Replacing: a new file with a random name in the same directory
 * (O_EXCL | O_NOFOLLOW), written and fsynced, renamed over the old one or
 * into a free name (RENAME_NOREPLACE, or link() + unlink() where the file
 * system lacks it), then the directory fsynced.
 */
#ifndef TWOFA_FS_H
#define TWOFA_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "twofa/err.h"
#include "twofa/safedir.h"

/* The messages for one kind of file, static text naming it. */
struct twofa_file_msgs {
	const char *symlink, *directory, *fifo, *device, *other;
	const char *owner, *mode, *links, *size;
};

/*
 * The messages for a file called noun ("record"): mode_what says what is
 * wrong with its mode ("has group or other permissions (want 0600)"),
 * cap its size limit ("64 KiB"). Every kind of file that is not a regular
 * one says so, and which kind it is.
 */
#define TWOFA_FILE_MSGS(noun, mode_what, cap)                                  \
	{                                                                      \
		noun " is a symbolic link",                                    \
		    noun " is a directory, not a regular file",                \
		    noun " is a FIFO, not a regular file",                     \
		    noun " is a device, not a regular file",                   \
		    noun " is not a regular file", noun " not owned by root",  \
		    noun " " mode_what, noun " has more than one hard link",   \
		    noun " larger than " cap                                   \
	}

/* What a file must be. */
struct twofa_file_rules {
	const struct twofa_file_msgs *msg;
	uid_t owner;	  /* its owner: root (0), a test's uid; (uid_t)-1 any */
	mode_t forbidden; /* mode bits it must not have (077, 022) */
	bool one_link;	  /* refuse a second hard link */
	size_t max;	  /* bytes; more is TWOFA_ERR_TOO_BIG */
};

/*
 * Check an lstat/fstat result against rules: TWOFA_ERR_UNSAFE (or
 * TWOFA_ERR_TOO_BIG) with why naming dir/name, else 0.
 */
int twofa_file_check(const struct stat *sb, const struct twofa_file_rules *r,
		     const char *dir, const char *name,
		     struct twofa_error *why);

/*
 * Open name below dirfd (dir is its path, for messages) with the extra
 * open flags (O_RDONLY or O_RDWR, O_CREAT is refused), as described
 * above. TWOFA_ERR_NO_RECORD when name does not exist (why->sys_errno is
 * ENOENT): the caller says what is missing. *sb receives the fstat.
 */
int twofa_file_open(int dirfd, const char *dir, const char *name, int flags,
		    const struct twofa_file_rules *r, int *fd, struct stat *sb,
		    struct twofa_error *why);

/*
 * Read fd from offset 0 to its end, at most max bytes (TWOFA_ERR_TOO_BIG
 * beyond, TWOFA_ERR_IO on a failed read). *buf is NUL-terminated at
 * *len; release it with twofa_file_free(*buf, *len), which wipes the
 * bytes read (and only those: the rest was never written).
 */
int twofa_file_read(int fd, size_t max, char **buf, size_t *len);
void twofa_file_free(char *buf, size_t len);

/*
 * twofa_file_open + twofa_file_read for a whole small file (key files,
 * the configuration, import sources). With dirfd AT_FDCWD and dir NULL,
 * name is a path as the administrator gave it (only its last component
 * is kept from being a symlink); otherwise name is looked up below
 * dirfd, which twofa_dir_open reached safely.
 */
int twofa_file_load(int dirfd, const char *dir, const char *name,
		    const struct twofa_file_rules *r, char **buf, size_t *len,
		    struct twofa_error *why);

/*
 * Split an absolute path into its directory (dir, "/" for a file in the
 * root) and its last component (*name, pointing into path), which must
 * name a file (not empty, "." or ".."). TWOFA_ERR_INVALID otherwise.
 */
int twofa_path_split(const char *path, char dir[4096], const char **name,
		     struct twofa_error *why);

/* Longest temporary name twofa_file_stage() makes, NUL included. */
#define TWOFA_TMP_NAME_MAX 64

/*
 * Write len bytes of data to a new file in dirfd named "." prefix "."
 * and 16 random hex digits (never a user name), mode mode (and owner
 * owner unless it is (uid_t)-1), fsynced. Its name goes to tmp; with fdp,
 * the descriptor is kept open for the caller (to lock it before it gets
 * its real name), else closed. On failure nothing is left behind.
 */
int twofa_file_stage(int dirfd, const char *dir, const char *prefix,
		     const char *data, size_t len, mode_t mode, uid_t owner,
		     char tmp[TWOFA_TMP_NAME_MAX], int *fdp,
		     struct twofa_error *why);

/*
 * Give the staged file tmp the name name: over whatever is there
 * (replace), or only if name is free (TWOFA_ERR_EXISTS otherwise). On
 * failure tmp is removed. Durable once the caller has fsynced the
 * directory (twofa_dir_sync): separate, so a caller holding a lock on the
 * new file knows it has the name even when the sync fails.
 */
int twofa_file_commit(int dirfd, const char *dir, const char *tmp,
		      const char *name, bool replace, struct twofa_error *why);

/*
 * The no-replace rename alone, for callers with a plan for a taken name
 * (the key writer swaps with RENAME_EXCHANGE): 0, or -1 with errno
 * (EEXIST: name is taken); tmp is left as it is on failure.
 */
int twofa_file_place(int dirfd, const char *tmp, const char *name);

/* fsync the directory, so a rename or unlink in it is durable. */
int twofa_dir_sync(int dirfd, const char *dir, struct twofa_error *why);

#endif
