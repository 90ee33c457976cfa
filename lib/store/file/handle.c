/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Locked access to one record: open, lock, read, parse; then either a state
 * commit in place (one pwrite + fdatasync) or a whole-file replacement
 * (new file, fsync, rename, directory fsync).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/fs.h"
#include "twofa/mem.h"
#include "twofa/slot.h"
#include "twofa/user.h"
#include "store/file/lock.h"
#include "store/file/fstore.h"

/* Attempts when the name is replaced while we wait for its lock. */
#define REOPEN_TRIES 8

/* What a record (and the decoy) must be: twofa(5), SPEC section 2. */
static const struct twofa_file_msgs record_msgs =
    TWOFA_FILE_MSGS("record", "has group or other permissions (want 0600)",
		    "64 KiB");

void twofa_record_rules(const struct twofa_fstore *st,
			struct twofa_file_rules *r)
{
	r->msg = &record_msgs;
	r->owner = twofa_fstore_owner(st);
	r->forbidden = S_IRWXG | S_IRWXO;
	r->one_link = true;
	r->max = TWOFA_RECORD_MAX;
}

/*
 * Open user's record read-write (the safe way, lib/fs/), lock it and make
 * sure the name still refers to the locked file (a rewrite or removal may
 * have happened while we waited). *fd is the locked descriptor.
 */
static int open_locked(struct twofa_fstore *st, const char *user,
		       unsigned timeout_ms, int *fdp, struct twofa_error *why)
{
	const char *dir = twofa_fstore_path(st);
	int dirfd = twofa_fstore_dirfd(st);
	struct twofa_file_rules rules;
	struct stat sb, now;
	int attempt, fd = -1, ret;

	*fdp = -1;
	twofa_record_rules(st, &rules);
	for (attempt = 0; attempt < REOPEN_TRIES; attempt++) {
		ret = twofa_file_open(dirfd, dir, user, O_RDWR, &rules, &fd,
				      &sb, why);
		if (ret != TWOFA_OK)
			return ret;
		ret = twofa_lock_exclusive(fd, timeout_ms);
		if (ret != TWOFA_OK) {
			twofa_fail(why, ret, errno,
				   ret == TWOFA_ERR_LOCK_TIMEOUT
				       ? "lock not granted in time"
				       : "cannot lock record",
				   dir, user);
			close(fd);
			return ret;
		}
		if (fstatat(dirfd, user, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now.st_dev == sb.st_dev && now.st_ino == sb.st_ino) {
			*fdp = fd;
			return TWOFA_OK;
		}
		/* Replaced or removed while we waited: start over. */
		close(fd);
		fd = -1;
	}
	return twofa_fail(why, TWOFA_ERR_LOCK_TIMEOUT, 0,
			  "record kept changing under us", dir, user);
}

int twofa_handle_open(struct twofa_fstore *st, const char *user,
		      unsigned timeout_ms, struct twofa_handle **out,
		      struct twofa_error *why)
{
	struct twofa_handle *h = NULL;
	char *buf = NULL;
	size_t len = 0;
	int fd = -1, ret;

	*out = NULL;
	if (!twofa_user_valid(user))
		return twofa_fail(why, TWOFA_ERR_BAD_USER, 0,
				  "invalid user name", twofa_fstore_path(st),
				  NULL);
	ret = open_locked(st, user, timeout_ms, &fd, why);
	if (ret != TWOFA_OK)
		goto out;
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		ret = TWOFA_ERR_NOMEM;
		goto out;
	}
	ret = twofa_file_read(fd, TWOFA_RECORD_MAX, &buf, &len);
	if (ret == TWOFA_ERR_TOO_BIG) {
		twofa_fail(why, ret, 0, "record larger than 64 KiB",
			   twofa_fstore_path(st), user);
		goto out;
	}
	if (ret != TWOFA_OK) {
		twofa_fail(why, ret, errno, "cannot read record",
			   twofa_fstore_path(st), user);
		goto out;
	}
	ret = twofa_record_parse(buf, len, &h->rec, &h->slot_off, &h->cur_slot,
				 why ? &why->parse : NULL);
	if (ret != TWOFA_OK) {
		twofa_fail(why, ret, 0,
			   ret == TWOFA_ERR_TOO_BIG
			       ? "record larger than 64 KiB"
			   : ret == TWOFA_ERR_CRYPTO
			       ? "cannot check record (out of memory)"
			       : "record is malformed",
			   twofa_fstore_path(st), user);
		goto out;
	}
	h->store = st;
	h->fd = fd;
	snprintf(h->user, sizeof(h->user), "%s", user);
	fd = -1;
	*out = h;
	h = NULL;
out:
	twofa_file_free(buf, len);
	twofa_freezero(h, sizeof(*h));
	if (fd >= 0)
		close(fd);
	return ret;
}

int twofa_handle_commit_state(struct twofa_handle *h,
			      struct twofa_error *why)
{
	struct twofa_state next = h->rec.state;
	unsigned slot = 1 - h->cur_slot;
	char line[TWOFA_SLOT_LEN];
	off_t off = (off_t)(h->slot_off + slot * TWOFA_SLOT_LEN);
	ssize_t n;
	int ret = TWOFA_ERR_IO;

	next.seq++;
	if (twofa_record_slot_format(&h->rec, &next, slot, line) != TWOFA_OK) {
		ret = twofa_fail(why, TWOFA_ERR_CRYPTO, 0,
				       "cannot compute record state check",
				       twofa_fstore_path(h->store), h->user);
		goto out;
	}
	n = pwrite(h->fd, line, sizeof(line), off);
	if (n != (ssize_t)sizeof(line)) {
		twofa_fail(why, ret, n < 0 ? errno : ENOSPC,
				 "cannot write record state",
				 twofa_fstore_path(h->store), h->user);
		goto out;
	}
	if (fdatasync(h->fd) != 0) {
		twofa_fail(why, ret, errno, "cannot sync record state",
				 twofa_fstore_path(h->store), h->user);
		goto out;
	}
	h->rec.state.seq = next.seq;
	h->cur_slot = slot;
	ret = TWOFA_OK;
out:
	twofa_wipe(&next, sizeof(next));
	return ret;
}

/*
 * Write rec to a new, locked, synced file in the store (lib/fs/: a random
 * name starting with '.', never a user name; O_EXCL | O_NOFOLLOW).
 */
static int write_temp(struct twofa_fstore *st, const char *user,
		      const struct twofa_record *rec,
		      char name[TWOFA_TMP_NAME_MAX], int *fdp,
		      struct twofa_error *why)
{
	const char *dir = twofa_fstore_path(st);
	char *text = NULL;
	size_t len = 0;
	int fd = -1, ret;

	*fdp = -1;
	ret = twofa_record_format(rec, &text, &len);
	if (ret != TWOFA_OK)
		return twofa_fail(why, ret, 0, "cannot format record", dir,
				  user);
	ret = twofa_file_stage(twofa_fstore_dirfd(st), dir, "tmp", text, len,
			       0600, (uid_t)-1, name, &fd, why);
	if (ret != TWOFA_OK)
		goto out;
	/* Locked before it gets the record's name: no one reads it early. */
	ret = twofa_lock_exclusive(fd, 0);
	if (ret != TWOFA_OK) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno,
				 "cannot lock temporary file", dir, name);
		unlinkat(twofa_fstore_dirfd(st), name, 0);
		close(fd);
		goto out;
	}
	*fdp = fd;
out:
	twofa_freezero(text, len);
	return ret;
}

int twofa_handle_rewrite(struct twofa_handle *h, struct twofa_error *why)
{
	struct twofa_fstore *st = h->store;
	const char *dir = twofa_fstore_path(st);
	char name[TWOFA_TMP_NAME_MAX];
	char *text = NULL;
	size_t len = 0;
	int fd = -1, ret;

	ret = write_temp(st, h->user, &h->rec, name, &fd, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = twofa_file_commit(twofa_fstore_dirfd(st), dir, name, h->user,
				true, why);
	if (ret != TWOFA_OK) {
		close(fd);
		return ret;
	}
	/* Keep holding a lock: on the new file now, which has the name. */
	close(h->fd);
	h->fd = fd;
	ret = twofa_record_format(&h->rec, &text, &len);
	if (ret == TWOFA_OK) {
		h->slot_off = len - 2 * TWOFA_SLOT_LEN;
		h->cur_slot = 0;
	}
	twofa_freezero(text, len);
	if (ret != TWOFA_OK)
		return ret;
	return twofa_dir_sync(twofa_fstore_dirfd(st), dir, why);
}

int twofa_handle_remove(struct twofa_handle *h, struct twofa_error *why)
{
	struct twofa_fstore *st = h->store;

	if (unlinkat(twofa_fstore_dirfd(st), h->user, 0) != 0)
		return twofa_fail(why, TWOFA_ERR_IO, errno,
				  "cannot remove record",
				  twofa_fstore_path(st), h->user);
	return twofa_dir_sync(twofa_fstore_dirfd(st), twofa_fstore_path(st),
			      why);
}

void twofa_handle_close(struct twofa_handle *h)
{
	if (h == NULL)
		return;
	if (h->fd >= 0)
		close(h->fd); /* releases the lock */
	twofa_freezero(h, sizeof(*h));
}

/*
 * Write rec under user's name: over the existing record, whose lock we
 * take without parsing it (so --force can replace a malformed one), or
 * only where there is none.
 */
static int put_record(struct twofa_fstore *st, const char *user,
		      const struct twofa_record *rec, bool replace,
		      struct twofa_error *why)
{
	const char *dir = twofa_fstore_path(st);
	char name[TWOFA_TMP_NAME_MAX];
	int fd = -1, ret;

	ret = write_temp(st, user, rec, name, &fd, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = twofa_file_commit(twofa_fstore_dirfd(st), dir, name, user,
				replace, why);
	if (ret == TWOFA_ERR_EXISTS)
		twofa_fail(why, ret, EEXIST, "record exists", dir, user);
	close(fd);
	if (ret != TWOFA_OK)
		return ret;
	return twofa_dir_sync(twofa_fstore_dirfd(st), dir, why);
}

int twofa_fstore_create(struct twofa_fstore *st, const char *user,
			const struct twofa_record *rec, bool force,
			unsigned timeout_ms, struct twofa_error *why)
{
	int oldfd = -1, ret;

	if (!twofa_user_valid(user))
		return twofa_fail(why, TWOFA_ERR_BAD_USER, 0,
				  "invalid user name", twofa_fstore_path(st),
				  NULL);
	if (force) {
		ret = open_locked(st, user, timeout_ms, &oldfd, why);
		if (ret == TWOFA_OK) {
			ret = put_record(st, user, rec, true, why);
			close(oldfd);
			return ret;
		}
		if (ret != TWOFA_ERR_NO_RECORD)
			return ret;
	}
	return put_record(st, user, rec, false, why);
}
