/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The file store's own interface, beneath the ops table (file_ops.c): a
 * root-owned 0700 directory holding one 0600 file per user (twofa(5)).
 * Every access goes through a directory descriptor (openat), never
 * follows a symlink, and checks type, owner, mode and size on the open
 * descriptor. Changes are made under an exclusive lock held across
 * read -> check -> write and are durable before the caller is answered.
 * Private to lib/store/file/ and to the tests of this backend.
 */
#ifndef TWOFA_FSTORE_H
#define TWOFA_FSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "twofa/err.h"
#include "twofa/fs.h"
#include "twofa/record.h"
#include "twofa/user.h"

struct twofa_fstore;

/*
 * Open the store at an absolute path. Every directory from "/" down is
 * opened with O_NOFOLLOW and must be owned by root or owner and not
 * writable by group or others; the store itself must be owned by owner
 * and have no group or other bits. owner is 0 outside unit tests.
 * why may be NULL.
 */
int twofa_fstore_open(const char *path, uid_t owner,
		      struct twofa_fstore **out, struct twofa_error *why);
void twofa_fstore_close(struct twofa_fstore *st);
const char *twofa_fstore_path(const struct twofa_fstore *st);
int twofa_fstore_dirfd(const struct twofa_fstore *st);
uid_t twofa_fstore_owner(const struct twofa_fstore *st);

/*
 * Does user have a record? 0 yes, TWOFA_ERR_NO_RECORD if the name does not
 * exist, another error if it exists but is not a safe regular file. Takes
 * no lock; for nullok and listing only.
 */
int twofa_fstore_exists(struct twofa_fstore *st, const char *user,
			struct twofa_error *why);

/*
 * What a record file (and the decoy) must be: a regular file owned by the
 * store's owner, no group or other bits, one link, at most 64 KiB. The
 * checks themselves are lib/fs/'s.
 */
void twofa_record_rules(const struct twofa_fstore *st,
			struct twofa_file_rules *r);

/* A record opened, locked and parsed; release with twofa_handle_close(). */
struct twofa_handle {
	struct twofa_fstore *store;
	char user[TWOFA_USER_MAX + 1];
	int fd;
	size_t slot_off;   /* offset of slot A in the file */
	unsigned cur_slot; /* slot holding rec.state */
	struct twofa_record rec;
};

/*
 * Open user's record, take the exclusive lock (waiting at most timeout_ms;
 * TWOFA_ERR_LOCK_TIMEOUT after that), make sure the name still refers to
 * the locked file, read and parse it. TWOFA_ERR_NO_RECORD when it does not
 * exist.
 */
int twofa_handle_open(struct twofa_fstore *st, const char *user,
		      unsigned timeout_ms, struct twofa_handle **out,
		      struct twofa_error *why);

/*
 * Make h->rec.state durable: written with state.seq + 1 into the slot not
 * holding the current state, then fdatasync. On any failure the record on
 * disk still holds the previous state in the other slot, and an error is
 * returned: the caller must not answer as if it succeeded.
 */
int twofa_handle_commit_state(struct twofa_handle *h, struct twofa_error *why);

/*
 * Replace the whole record with h->rec (enrollment changes: new backup
 * codes, import): a new file in the store, fsync, rename over the record,
 * fsync of the directory. The lock is kept until twofa_handle_close().
 */
int twofa_handle_rewrite(struct twofa_handle *h, struct twofa_error *why);

/* Remove the record under the lock (twofa-admin disable). */
int twofa_handle_remove(struct twofa_handle *h, struct twofa_error *why);

/* Unlock, close, wipe and free. NULL is fine. */
void twofa_handle_close(struct twofa_handle *h);

/*
 * Write a new record for user. Without force, TWOFA_ERR_EXISTS if one
 * exists (checked atomically: never replaces). With force, an existing
 * record is replaced under its lock.
 */
int twofa_fstore_create(struct twofa_fstore *st, const char *user,
			const struct twofa_record *rec, bool force,
			unsigned timeout_ms, struct twofa_error *why);

/*
 * Call fn for every entry name in the store that is a valid user name, in
 * sorted order. Stops at and returns the first non-zero result of fn.
 */
int twofa_fstore_list(struct twofa_fstore *st,
		      int (*fn)(const char *user, void *arg), void *arg,
		      struct twofa_error *why);

#endif
