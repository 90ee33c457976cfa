/*
 * Decoy work for users without a record: see twofa/decoy.h. Measured in
 * tests/hardening/TIMING.md: without it, an unknown user's wrong code was
 * answered in about 50 us and an enrolled user's in about 300 us (most of
 * it the fdatasync), an enrollment oracle over a fast network.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/file/decoy.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/otp.h"
#include "twofa/record.h"
#include "store/file/fstore.h"

/*
 * Open the decoy file the way a record is opened: look first (a FIFO or
 * device is never opened), create it only if the name is free, and check
 * the opened descriptor is the safe regular file that was looked at.
 */
static int open_decoy(struct twofa_fstore *st)
{
	int dirfd = twofa_fstore_dirfd(st);
	struct stat pre, sb;
	int fd;

	if (fstatat(dirfd, TWOFA_DECOY_NAME, &pre, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT)
			return -1;
		return openat(dirfd, TWOFA_DECOY_NAME,
			      O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
				  O_CLOEXEC | O_NOCTTY,
			      0600);
	}
	if (twofa_record_stat_check(st, TWOFA_DECOY_NAME, &pre, NULL) !=
	    TWOFA_OK)
		return -1;
	fd = openat(dirfd, TWOFA_DECOY_NAME,
		    O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) != 0 || sb.st_dev != pre.st_dev ||
	    sb.st_ino != pre.st_ino ||
	    twofa_record_stat_check(st, TWOFA_DECOY_NAME, &sb, NULL) !=
		TWOFA_OK) {
		close(fd);
		return -1;
	}
	return fd;
}

void twofa_decoy_login(struct twofa_fstore *st, const char *code, int window)
{
	unsigned char key[TWOFA_SECRET_DEFAULT];
	char slot[TWOFA_SLOT_LEN], buf[2 * TWOFA_SLOT_LEN];
	uint64_t matched, w = window < 0 ? 1 : (uint64_t)window;
	int fd;

	/* The OTP check: the window around a step, with a random key. */
	if (twofa_random(key, sizeof(key)) == TWOFA_OK)
		twofa_otp_find(key, sizeof(key), TWOFA_ALG_SHA1, 6,
			       code != NULL ? code : "", 1000, 1000 + 2 * w,
			       &matched);
	twofa_wipe(key, sizeof(key));

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
