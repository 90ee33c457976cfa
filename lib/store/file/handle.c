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
#include "twofa/mem.h"
#include "twofa/slot.h"
#include "twofa/user.h"
#include "store/file/lock.h"
#include "store/file/fstore.h"

/* Attempts when the name is replaced while we wait for its lock. */
#define REOPEN_TRIES 8

/*
 * Open user's record read-write, lock it and make sure the name still
 * refers to the locked file (a rewrite or removal may have happened while
 * we waited). *fd is the locked descriptor.
 */
static int open_locked(struct twofa_fstore *st, const char *user,
		       unsigned timeout_ms, int *fdp,
		       struct twofa_error *why)
{
	const char *dir = twofa_fstore_path(st);
	int dirfd = twofa_fstore_dirfd(st);
	struct stat pre, sb, now;
	int attempt, fd = -1, ret = TWOFA_ERR_IO;

	*fdp = -1;
	for (attempt = 0; attempt < REOPEN_TRIES; attempt++) {
		/* Look before opening, so a FIFO or device is never opened. */
		if (fstatat(dirfd, user, &pre, AT_SYMLINK_NOFOLLOW) != 0) {
			if (errno == ENOENT)
				return TWOFA_ERR_NO_RECORD;
			return twofa_fail(why, TWOFA_ERR_IO, errno,
						"cannot stat record", dir,
						user);
		}
		ret = twofa_record_stat_check(st, user, &pre, why);
		if (ret != TWOFA_OK)
			return ret;
		fd = openat(dirfd, user,
			    O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
				O_NONBLOCK);
		if (fd < 0) {
			if (errno == ENOENT)
				continue; /* removed in between: look again */
			return twofa_fail(
			    why,
			    errno == ELOOP ? TWOFA_ERR_UNSAFE : TWOFA_ERR_IO,
			    errno,
			    errno == ELOOP ? "record is a symbolic link"
					   : "cannot open record",
			    dir, user);
		}
		if (fstat(fd, &sb) != 0) {
			ret = twofa_fail(why, TWOFA_ERR_IO, errno,
					       "cannot stat record", dir, user);
			goto fail;
		}
		ret = twofa_record_stat_check(st, user, &sb, why);
		if (ret != TWOFA_OK)
			goto fail;
		ret = twofa_lock_exclusive(fd, timeout_ms);
		if (ret != TWOFA_OK) {
			twofa_fail(why, ret, errno,
					 ret == TWOFA_ERR_LOCK_TIMEOUT
					     ? "lock not granted in time"
					     : "cannot lock record",
					 dir, user);
			goto fail;
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
fail:
	close(fd);
	return ret;
}

/* *len is what was read, also on an error: the caller wipes that much. */
static int read_all(int fd, char *buf, size_t cap, size_t *len)
{
	size_t got = 0;

	*len = 0;
	while (got < cap) {
		ssize_t n = pread(fd, buf + got, cap - got, (off_t)got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			*len = got;
			return TWOFA_ERR_IO;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*len = got;
	return TWOFA_OK;
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
					"invalid user name",
					twofa_fstore_path(st), NULL);
	ret = open_locked(st, user, timeout_ms, &fd, why);
	if (ret != TWOFA_OK)
		goto out;
	/* One byte more than allowed tells "too big" from "exactly 64 KiB". */
	buf = malloc(TWOFA_RECORD_MAX + 1);
	h = calloc(1, sizeof(*h));
	if (buf == NULL || h == NULL) {
		ret = TWOFA_ERR_NOMEM;
		goto out;
	}
	ret = read_all(fd, buf, TWOFA_RECORD_MAX + 1, &len);
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
	/*
	 * Only the bytes read can hold the secret: wiping the whole 64 KiB
	 * cost a login about a third of its open+lock+parse instructions
	 * for a record of ~1.5 KiB.
	 */
	twofa_freezero(buf, len);
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
	if (twofa_slot_format(&next, slot, line) != TWOFA_OK) {
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

/*
 * Write rec to a new, locked, synced file with a random name starting with
 * '.' (never a user name) in the store. O_EXCL with O_NOFOLLOW means a
 * planted file or symlink at that name makes us fail, not follow it.
 */
static int write_temp(struct twofa_fstore *st, const char *user,
		      const struct twofa_record *rec, char name[32], int *fdp,
		      struct twofa_error *why)
{
	const char *dir = twofa_fstore_path(st);
	unsigned char rnd[8];
	char *text = NULL;
	size_t len = 0;
	int fd = -1, ret, i;

	*fdp = -1;
	ret = twofa_record_format(rec, &text, &len);
	if (ret != TWOFA_OK)
		return twofa_fail(why, ret, 0, "cannot format record",
					dir, user);
	ret = twofa_random(rnd, sizeof(rnd));
	if (ret != TWOFA_OK)
		goto out;
	memcpy(name, ".tmp.", 5);
	for (i = 0; i < 8; i++)
		snprintf(name + 5 + 2 * i, 3, "%02x", rnd[i]);
	fd = openat(twofa_fstore_dirfd(st), name,
		    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
			O_NOCTTY,
		    0600);
	if (fd < 0) {
		ret =
		    twofa_fail(why, TWOFA_ERR_IO, errno,
				     "cannot create temporary file", dir, name);
		goto out;
	}
	/* Locked before it gets the record's name: no one reads it early. */
	ret = twofa_lock_exclusive(fd, 0);
	if (ret != TWOFA_OK || fchmod(fd, 0600) != 0 ||
	    write_all(fd, text, len) != 0 || fsync(fd) != 0) {
		ret =
		    twofa_fail(why, TWOFA_ERR_IO, errno,
				     "cannot write temporary file", dir, name);
		unlinkat(twofa_fstore_dirfd(st), name, 0);
		close(fd);
		fd = -1;
		goto out;
	}
	*fdp = fd;
	ret = TWOFA_OK;
out:
	twofa_freezero(text, len);
	return ret;
}

static int sync_dir(struct twofa_fstore *st, struct twofa_error *why)
{
	if (fsync(twofa_fstore_dirfd(st)) != 0)
		return twofa_fail(why, TWOFA_ERR_IO, errno,
					"cannot sync store directory",
					twofa_fstore_path(st), NULL);
	return TWOFA_OK;
}

int twofa_handle_rewrite(struct twofa_handle *h, struct twofa_error *why)
{
	struct twofa_fstore *st = h->store;
	char name[32];
	char *text = NULL;
	size_t len = 0;
	int fd = -1, ret;

	ret = write_temp(st, h->user, &h->rec, name, &fd, why);
	if (ret != TWOFA_OK)
		return ret;
	if (renameat(twofa_fstore_dirfd(st), name, twofa_fstore_dirfd(st),
		     h->user) != 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno,
				       "cannot replace record",
				       twofa_fstore_path(st), h->user);
		unlinkat(twofa_fstore_dirfd(st), name, 0);
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
	return sync_dir(st, why);
}

int twofa_handle_remove(struct twofa_handle *h, struct twofa_error *why)
{
	struct twofa_fstore *st = h->store;

	if (unlinkat(twofa_fstore_dirfd(st), h->user, 0) != 0)
		return twofa_fail(why, TWOFA_ERR_IO, errno,
					"cannot remove record",
					twofa_fstore_path(st), h->user);
	return sync_dir(st, why);
}

void twofa_handle_close(struct twofa_handle *h)
{
	if (h == NULL)
		return;
	if (h->fd >= 0)
		close(h->fd); /* releases the lock */
	twofa_freezero(h, sizeof(*h));
}

/* Lock an existing record without parsing it, so --force can replace a
 * malformed one. */
static int replace_existing(struct twofa_fstore *st, const char *user,
			    const struct twofa_record *rec, unsigned timeout_ms,
			    struct twofa_error *why)
{
	char name[32];
	int oldfd = -1, fd = -1, ret;

	ret = open_locked(st, user, timeout_ms, &oldfd, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = write_temp(st, user, rec, name, &fd, why);
	if (ret != TWOFA_OK)
		goto out;
	if (renameat(twofa_fstore_dirfd(st), name, twofa_fstore_dirfd(st),
		     user) != 0) {
		ret = twofa_fail(why, TWOFA_ERR_IO, errno,
				       "cannot replace record",
				       twofa_fstore_path(st), user);
		unlinkat(twofa_fstore_dirfd(st), name, 0);
		goto out;
	}
	ret = sync_dir(st, why);
out:
	if (fd >= 0)
		close(fd);
	close(oldfd);
	return ret;
}

/*
 * Give the temporary file the record's name unless that name exists. Where
 * the file system lacks RENAME_NOREPLACE, link() + unlink() does the same
 * (briefly showing two links, which readers refuse rather than trust).
 */
static int rename_noreplace(struct twofa_fstore *st, const char *tmp,
			    const char *user)
{
	int dirfd = twofa_fstore_dirfd(st);

	if (renameat2(dirfd, tmp, dirfd, user, RENAME_NOREPLACE) == 0)
		return TWOFA_OK;
	if (errno != EINVAL && errno != ENOSYS)
		return TWOFA_ERR_IO;
	if (linkat(dirfd, tmp, dirfd, user, 0) != 0)
		return TWOFA_ERR_IO;
	unlinkat(dirfd, tmp, 0);
	return TWOFA_OK;
}

int twofa_fstore_create(struct twofa_fstore *st, const char *user,
		       const struct twofa_record *rec, bool force,
		       unsigned timeout_ms, struct twofa_error *why)
{
	char name[32];
	int fd = -1, ret;

	if (!twofa_user_valid(user))
		return twofa_fail(why, TWOFA_ERR_BAD_USER, 0,
					"invalid user name",
					twofa_fstore_path(st), NULL);
	if (force) {
		ret = replace_existing(st, user, rec, timeout_ms, why);
		if (ret != TWOFA_ERR_NO_RECORD)
			return ret;
	}
	ret = write_temp(st, user, rec, name, &fd, why);
	if (ret != TWOFA_OK)
		return ret;
	ret = rename_noreplace(st, name, user);
	if (ret != TWOFA_OK) {
		int e = errno;

		ret = e == EEXIST ? TWOFA_ERR_EXISTS : TWOFA_ERR_IO;
		twofa_fail(why, ret, e,
				 e == EEXIST ? "record exists"
					     : "cannot create record",
				 twofa_fstore_path(st), user);
		unlinkat(twofa_fstore_dirfd(st), name, 0);
	}
	close(fd);
	if (ret != TWOFA_OK)
		return ret;
	return sync_dir(st, why);
}
