/*
 * The record store: a root-owned 0700 directory holding one 0600 file per
 * user. Every access goes through a directory descriptor (openat), never
 * follows a symlink, and checks type, owner, mode and size on the open
 * descriptor. Changes are made under an exclusive lock held across
 * read -> check -> write and are durable before the caller is answered.
 */
#ifndef TWOFA_STORE_H
#define TWOFA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "twofa/record.h"

#define TWOFA_STORE_DEFAULT   "/var/lib/twofa"
#define TWOFA_LOCK_TIMEOUT_MS 3000

struct twofa_store;

/* Why a store or record was refused, for a log line naming the path. */
struct twofa_store_error {
	int sys_errno;	     /* errno of the failing call, or 0 */
	const char *what;    /* static text: "not owned by root", ... */
	char path[4096 + 1]; /* the path concerned */
	struct twofa_parse_error parse; /* for TWOFA_ERR_MALFORMED */
};

/*
 * Open the store at an absolute path. Every directory from "/" down is
 * opened with O_NOFOLLOW and must be owned by root or owner and not
 * writable by group or others; the store itself must be owned by owner
 * and have no group or other bits. owner is 0 outside unit tests.
 * why may be NULL.
 */
int twofa_store_open(const char *path, uid_t owner, struct twofa_store **out,
		     struct twofa_store_error *why);
void twofa_store_close(struct twofa_store *st);
const char *twofa_store_path(const struct twofa_store *st);
int twofa_store_dirfd(const struct twofa_store *st);

struct twofa_sealer;

/*
 * Seal records with s (twofa/seal.h; the caller keeps it alive while st
 * is open): every record loaded is opened right after parsing (a sealed
 * one that does not open is an error, never "no record"), and every
 * record written whole (create, rewrite) is sealed with the current key
 * when the key file exists. Without a sealer, sealed records are refused
 * and records are written plain.
 */
void twofa_store_set_sealer(struct twofa_store *st, struct twofa_sealer *s);
struct twofa_sealer *twofa_store_sealer(const struct twofa_store *st);

/*
 * Does user have a record? 0 yes, TWOFA_ERR_NO_RECORD if the name does not
 * exist, another error if it exists but is not a safe regular file. Takes
 * no lock; for nullok and listing only.
 */
int twofa_store_exists(struct twofa_store *st, const char *user,
		       struct twofa_store_error *why);

/* A record opened, locked and parsed; release with twofa_handle_close(). */
struct twofa_handle {
	struct twofa_store *store;
	char user[256 + 1];
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
int twofa_handle_open(struct twofa_store *st, const char *user,
		      unsigned timeout_ms, struct twofa_handle **out,
		      struct twofa_store_error *why);

/*
 * Make h->rec.state durable: written with state.seq + 1 into the slot not
 * holding the current state, then fdatasync. On any failure the record on
 * disk still holds the previous state in the other slot, and an error is
 * returned: the caller must not answer as if it succeeded.
 */
int twofa_handle_commit_state(struct twofa_handle *h,
			      struct twofa_store_error *why);

/*
 * Replace the whole record with h->rec (enrollment changes: new backup
 * codes, import): a new file in the store, fsync, rename over the record,
 * fsync of the directory. The lock is kept until twofa_handle_close().
 */
int twofa_handle_rewrite(struct twofa_handle *h, struct twofa_store_error *why);

/* Remove the record under the lock (twofa-admin disable). */
int twofa_handle_remove(struct twofa_handle *h, struct twofa_store_error *why);

/* Unlock, close, wipe and free. NULL is fine. */
void twofa_handle_close(struct twofa_handle *h);

/*
 * Write a new record for user. Without force, TWOFA_ERR_EXISTS if one
 * exists (checked atomically: never replaces). With force, an existing
 * record is replaced under its lock.
 */
int twofa_store_create(struct twofa_store *st, const char *user,
		       const struct twofa_record *rec, bool force,
		       unsigned timeout_ms, struct twofa_store_error *why);

/*
 * Call fn for every entry name in the store that is a valid user name, in
 * sorted order. Stops at and returns the first non-zero result of fn.
 */
int twofa_store_list(struct twofa_store *st,
		     int (*fn)(const char *user, void *arg), void *arg,
		     struct twofa_store_error *why);

#endif
