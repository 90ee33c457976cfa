/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The file store's part of the decoy login (store/file/decoy.h; the OTP
 * check is lib/auth/decoy.c): a state write that costs what a record's
 * does, to a file that holds nothing but random bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/file/decoy.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "store/file/fstore.h"

/*
 * Open the decoy file the way a record is opened (lib/fs/: look first, so
 * a FIFO or device is never opened; the descriptor checked to be the safe
 * regular file that was looked at), creating it only if the name is free.
 */
static int open_decoy(struct twofa_fstore *st)
{
	struct twofa_file_rules rules;
	struct stat sb;
	int fd = -1, ret;

	twofa_record_rules(st, &rules);
	ret = twofa_file_open(twofa_fstore_dirfd(st), twofa_fstore_path(st),
			      TWOFA_DECOY_NAME, O_RDWR, &rules, &fd, &sb, NULL);
	if (ret == TWOFA_ERR_NO_RECORD)
		return openat(twofa_fstore_dirfd(st), TWOFA_DECOY_NAME,
			      O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
				  O_CLOEXEC | O_NOCTTY,
			      0600);
	return ret == TWOFA_OK ? fd : -1;
}

void twofa_fstore_decoy(struct twofa_fstore *st)
{
	char slot[TWOFA_SLOT_LEN], buf[2 * TWOFA_SLOT_LEN];
	int fd;

	/* The state commit: lock, read, one slot written and synced. */
	fd = open_decoy(st);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 &&
	    pread(fd, buf, sizeof(buf), 0) >= 0 &&
	    twofa_random(slot, sizeof(slot)) == TWOFA_OK &&
	    pwrite(fd, slot, sizeof(slot), 0) == (ssize_t)sizeof(slot))
		fdatasync(fd);
	close(fd);
}
