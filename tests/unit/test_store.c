/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store: refusing unsafe files, durable updates that survive injected
 * failures at every step, racing processes, lock timeouts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "twofa/auth.h"
#include "twofa/err.h"
#include "twofa/safedir.h"
#include "store/file/fstore.h"
#include "twofa/store.h"

/* ---- failure injection: the test binary links with --wrap ---- */

enum inject {
	INJ_NONE,
	INJ_PWRITE,
	INJ_PWRITE_HALF,
	INJ_FDATASYNC,
	INJ_WRITE,
	INJ_FSYNC_FILE,
	INJ_RENAME,
	INJ_FSYNC_DIR
};
static enum inject inject;
static int fsync_calls;

ssize_t __real_pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off);
int __real_fdatasync(int fd);
int __wrap_fdatasync(int fd);
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
int __real_fsync(int fd);
int __wrap_fsync(int fd);
int __real_renameat(int a, const char *b, int c, const char *d);
int __wrap_renameat(int a, const char *b, int c, const char *d);
int __real_renameat2(int a, const char *b, int c, const char *d, unsigned f);
int __wrap_renameat2(int a, const char *b, int c, const char *d, unsigned f);

ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (inject == INJ_PWRITE) {
		errno = ENOSPC;
		return -1;
	}
	if (inject == INJ_PWRITE_HALF) {
		/* A torn write: half the slot reaches the file. */
		__real_pwrite(fd, buf, n / 2, off);
		errno = EIO;
		return -1;
	}
	return __real_pwrite(fd, buf, n, off);
}

int __wrap_fdatasync(int fd)
{
	if (inject == INJ_FDATASYNC) {
		errno = EIO;
		return -1;
	}
	return __real_fdatasync(fd);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (inject == INJ_WRITE) {
		/* Disk full after a partial write. */
		if (n > 10) {
			__real_write(fd, buf, 10);
			errno = ENOSPC;
			return -1;
		}
	}
	return __real_write(fd, buf, n);
}

int __wrap_fsync(int fd)
{
	struct stat sb;

	fsync_calls++;
	if (fstat(fd, &sb) == 0) {
		if (inject == INJ_FSYNC_FILE && S_ISREG(sb.st_mode)) {
			errno = EIO;
			return -1;
		}
		if (inject == INJ_FSYNC_DIR && S_ISDIR(sb.st_mode)) {
			errno = EIO;
			return -1;
		}
	}
	return __real_fsync(fd);
}

int __wrap_renameat(int a, const char *b, int c, const char *d)
{
	if (inject == INJ_RENAME) {
		errno = EROFS;
		return -1;
	}
	return __real_renameat(a, b, c, d);
}

int __wrap_renameat2(int a, const char *b, int c, const char *d, unsigned f)
{
	if (inject == INJ_RENAME) {
		errno = EROFS;
		return -1;
	}
	return __real_renameat2(a, b, c, d, f);
}

/* ---- fixtures ---- */

struct fx {
	char dir[4096];
	struct twofa_fstore *st;
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	helper_make_store(fx->dir);
	if (twofa_fstore_open(fx->dir, geteuid(), &fx->st, NULL) != 0)
		return -1;
	inject = INJ_NONE;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	inject = INJ_NONE;
	twofa_fstore_close(fx->st);
	helper_rm_store(fx->dir);
	free(fx);
	return 0;
}

static void create_alice(struct fx *fx, enum twofa_otp_type type)
{
	struct twofa_record rec;

	helper_record(&rec, type);
	assert_int_equal(
	    twofa_fstore_create(fx->st, "alice", &rec, false, 1000, NULL), 0);
}

/* Count the entries in the store whose name starts with ".tmp". */
static int temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, ".tmp", 4) == 0;
	closedir(d);
	return n;
}

/* ---- opening the store ---- */

static void test_store_open_refusals(void **state)
{
	struct fx *fx = *state;
	struct twofa_fstore *st = NULL;
	struct twofa_error why;
	char p[4400], link[4400];

	assert_int_equal(twofa_fstore_open("relative/store", 0, &st, &why),
			 TWOFA_ERR_INVALID);
	/* Group/other bits on the store. */
	chmod(fx->dir, 0750);
	assert_int_equal(twofa_fstore_open(fx->dir, geteuid(), &st, &why),
			 TWOFA_ERR_UNSAFE);
	assert_non_null(strstr(why.what, "0700"));
	assert_string_equal(why.path, fx->dir);
	chmod(fx->dir, 0700);
	/* A world-writable parent. */
	snprintf(p, sizeof(p), "%s/ww", fx->dir);
	mkdir(p, 0777);
	chmod(p, 0777);
	snprintf(p, sizeof(p), "%s/ww/store", fx->dir);
	mkdir(p, 0700);
	assert_int_equal(twofa_fstore_open(p, geteuid(), &st, &why),
			 TWOFA_ERR_UNSAFE);
	assert_non_null(strstr(why.what, "writable"));
	/* A symlink anywhere on the path. */
	snprintf(p, sizeof(p), "%s/real", fx->dir);
	mkdir(p, 0700);
	snprintf(link, sizeof(link), "%s/link", fx->dir);
	assert_int_equal(symlink(p, link), 0);
	assert_int_equal(twofa_fstore_open(link, geteuid(), &st, &why),
			 TWOFA_ERR_UNSAFE);
	/* Wrong owner. */
	assert_int_equal(twofa_fstore_open(fx->dir, geteuid() + 1, &st, &why),
			 TWOFA_ERR_UNSAFE);
	/* A store that is a file. */
	helper_write_file(fx->dir, "file", "x", 1, 0600);
	snprintf(p, sizeof(p), "%s/file", fx->dir);
	assert_int_not_equal(twofa_fstore_open(p, geteuid(), &st, &why), 0);
	/* Missing. */
	snprintf(p, sizeof(p), "%s/missing", fx->dir);
	assert_int_equal(twofa_fstore_open(p, geteuid(), &st, &why),
			 TWOFA_ERR_IO);
	assert_null(st);
}

static void test_dir_open_create(void **state)
{
	struct fx *fx = *state;
	struct twofa_error why;
	struct stat sb;
	char p[4400], real[4400], link[4400];
	int fd = -1;

	/* Creates the missing last component with the mode asked for. */
	snprintf(p, sizeof(p), "%s/new", fx->dir);
	assert_int_equal(twofa_dir_open(p, geteuid(), 0700, &fd, &why), 0);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	/* Without create_mode, a missing directory is an I/O error. */
	snprintf(p, sizeof(p), "%s/missing", fx->dir);
	assert_int_equal(twofa_dir_open(p, geteuid(), 0, &fd, &why),
			 TWOFA_ERR_IO);
	assert_int_equal(why.sys_errno, ENOENT);
	assert_int_equal(fd, -1);
	/* Only the last component is created. */
	snprintf(p, sizeof(p), "%s/a/b", fx->dir);
	assert_int_equal(twofa_dir_open(p, geteuid(), 0700, &fd, &why),
			 TWOFA_ERR_IO);
	snprintf(p, sizeof(p), "%s/a", fx->dir);
	assert_int_not_equal(stat(p, &sb), 0);
	/* Never through a symlinked parent: nothing appears at its target. */
	snprintf(real, sizeof(real), "%s/real", fx->dir);
	assert_int_equal(mkdir(real, 0700), 0);
	snprintf(link, sizeof(link), "%s/link", fx->dir);
	assert_int_equal(symlink(real, link), 0);
	snprintf(p, sizeof(p), "%s/link/store", fx->dir);
	assert_int_equal(twofa_dir_open(p, geteuid(), 0700, &fd, &why),
			 TWOFA_ERR_UNSAFE);
	assert_non_null(strstr(why.what, "symbolic link"));
	snprintf(p, sizeof(p), "%s/real/store", fx->dir);
	assert_int_not_equal(stat(p, &sb), 0);
	/* "." and ".." are refused rather than resolved. */
	snprintf(p, sizeof(p), "%s/../x", fx->dir);
	assert_int_equal(twofa_dir_open(p, geteuid(), 0700, &fd, &why),
			 TWOFA_ERR_INVALID);
}

/* ---- refusing unsafe records ---- */

static void test_unsafe_records(void **state)
{
	struct fx *fx = *state;
	struct twofa_error why;
	struct twofa_handle *h = NULL;
	char p[4400], q[4400];
	size_t len;
	char *text;

	assert_int_equal(twofa_fstore_exists(fx->st, "alice", &why),
			 TWOFA_ERR_NO_RECORD);
	assert_int_equal(twofa_fstore_exists(fx->st, "../etc", &why),
			 TWOFA_ERR_BAD_USER);
	create_alice(fx, TWOFA_TOTP);
	assert_int_equal(twofa_fstore_exists(fx->st, "alice", &why), 0);
	text = helper_read_file(fx->dir, "alice", &len);

	/* Group-readable. */
	helper_write_file(fx->dir, "bob", text, len, 0640);
	assert_int_equal(twofa_fstore_exists(fx->st, "bob", &why),
			 TWOFA_ERR_UNSAFE);
	assert_int_equal(twofa_handle_open(fx->st, "bob", 500, &h, &why),
			 TWOFA_ERR_UNSAFE);
	assert_null(h);
	snprintf(p, sizeof(p), "%s/bob", fx->dir);
	assert_string_equal(why.path, p);
	/* Symlink to a good record. */
	snprintf(p, sizeof(p), "%s/alice", fx->dir);
	snprintf(q, sizeof(q), "%s/carol", fx->dir);
	assert_int_equal(symlink(p, q), 0);
	assert_int_equal(twofa_handle_open(fx->st, "carol", 500, &h, &why),
			 TWOFA_ERR_UNSAFE);
	assert_non_null(strstr(why.what, "symbolic link"));
	/* Hard link to a good record. */
	snprintf(q, sizeof(q), "%s/dave", fx->dir);
	assert_int_equal(link(p, q), 0);
	assert_int_equal(twofa_handle_open(fx->st, "dave", 500, &h, &why),
			 TWOFA_ERR_UNSAFE);
	unlink(q);
	/* FIFO: refused without blocking. */
	snprintf(q, sizeof(q), "%s/erin", fx->dir);
	assert_int_equal(mkfifo(q, 0600), 0);
	assert_int_equal(twofa_handle_open(fx->st, "erin", 500, &h, &why),
			 TWOFA_ERR_UNSAFE);
	/* Directory. */
	snprintf(q, sizeof(q), "%s/frank", fx->dir);
	assert_int_equal(mkdir(q, 0700), 0);
	assert_int_equal(twofa_handle_open(fx->st, "frank", 500, &h, &why),
			 TWOFA_ERR_UNSAFE);
	/* Oversized. */
	{
		char *big = calloc(1, TWOFA_RECORD_MAX + 1);

		memset(big, 'x', TWOFA_RECORD_MAX + 1);
		helper_write_file(fx->dir, "gina", big, TWOFA_RECORD_MAX + 1,
				  0600);
		free(big);
	}
	assert_int_equal(twofa_handle_open(fx->st, "gina", 500, &h, &why),
			 TWOFA_ERR_TOO_BIG);
	/* Empty and truncated. */
	helper_write_file(fx->dir, "hank", "", 0, 0600);
	assert_int_equal(twofa_handle_open(fx->st, "hank", 500, &h, &why),
			 TWOFA_ERR_MALFORMED);
	helper_write_file(fx->dir, "ivan", text, len / 2, 0600);
	assert_int_equal(twofa_handle_open(fx->st, "ivan", 500, &h, &why),
			 TWOFA_ERR_MALFORMED);
	assert_non_null(why.what);
	free(text);
}

/* ---- the update paths ---- */

static void test_commit_alternates_slots(void **state)
{
	struct fx *fx = *state;
	struct twofa_handle *h = NULL;

	create_alice(fx, TWOFA_HOTP);
	for (unsigned i = 1; i <= 5; i++) {
		assert_int_equal(
		    twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
		assert_int_equal(h->rec.state.next, i - 1);
		assert_int_equal(h->cur_slot, (i - 1) % 2);
		h->rec.state.next = i;
		assert_int_equal(twofa_handle_commit_state(h, NULL), 0);
		assert_int_equal(h->rec.state.seq, i);
		twofa_handle_close(h);
	}
}

static void check_next(struct fx *fx, uint64_t want)
{
	struct twofa_handle *h = NULL;

	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	assert_int_equal(h->rec.state.next, want);
	twofa_handle_close(h);
}

static void test_commit_failures_keep_old_state(void **state)
{
	static const enum inject steps[] = {INJ_PWRITE, INJ_PWRITE_HALF,
					    INJ_FDATASYNC};
	struct fx *fx = *state;
	struct twofa_handle *h = NULL;

	create_alice(fx, TWOFA_HOTP);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_int_equal(
		    twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
		h->rec.state.next = 1000 + i;
		inject = steps[i];
		assert_int_equal(twofa_handle_commit_state(h, NULL),
				 TWOFA_ERR_IO);
		inject = INJ_NONE;
		twofa_handle_close(h);
		if (steps[i] == INJ_FDATASYNC) {
			/* The write reached the page cache: the new state is
			 * read back, which is allowed (old or new). */
			continue;
		}
		check_next(fx, 0);
	}
	/* And the record still takes updates afterwards. */
	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	h->rec.state.next = 7;
	assert_int_equal(twofa_handle_commit_state(h, NULL), 0);
	twofa_handle_close(h);
	check_next(fx, 7);
}

static void test_rewrite_failures_keep_old_record(void **state)
{
	static const enum inject steps[] = {INJ_WRITE, INJ_FSYNC_FILE,
					    INJ_RENAME};
	struct fx *fx = *state;
	struct twofa_handle *h = NULL;
	char *before, *after;
	size_t blen, alen;

	create_alice(fx, TWOFA_TOTP);
	before = helper_read_file(fx->dir, "alice", &blen);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_int_equal(
		    twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
		h->rec.window = 7;
		inject = steps[i];
		assert_int_equal(twofa_handle_rewrite(h, NULL), TWOFA_ERR_IO);
		inject = INJ_NONE;
		twofa_handle_close(h);
		after = helper_read_file(fx->dir, "alice", &alen);
		assert_int_equal(alen, blen);
		assert_memory_equal(after, before, blen);
		free(after);
		/* Nothing left behind. */
		assert_int_equal(temp_files(fx->dir), 0);
	}
	/* A failing directory fsync reports an error, with the new record
	 * (already renamed) in place: old or new, never broken. */
	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	h->rec.window = 9;
	inject = INJ_FSYNC_DIR;
	assert_int_equal(twofa_handle_rewrite(h, NULL), TWOFA_ERR_IO);
	inject = INJ_NONE;
	twofa_handle_close(h);
	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	assert_int_equal(h->rec.window, 9);
	twofa_handle_close(h);
	assert_int_equal(temp_files(fx->dir), 0);
	free(before);
}

static void test_rewrite_does_full_sync(void **state)
{
	struct fx *fx = *state;
	struct twofa_handle *h = NULL;

	create_alice(fx, TWOFA_TOTP);
	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	h->rec.window = 4;
	fsync_calls = 0;
	assert_int_equal(twofa_handle_rewrite(h, NULL), 0);
	/* The new file and the directory. */
	assert_int_equal(fsync_calls, 2);
	/* Still locked and usable: a state commit lands in the new file. */
	h->rec.state.next = 42;
	assert_int_equal(twofa_handle_commit_state(h, NULL), 0);
	twofa_handle_close(h);
	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	assert_int_equal(h->rec.window, 4);
	assert_int_equal(h->rec.state.next, 42);
	twofa_handle_close(h);
}

static void test_create_exists_force_remove(void **state)
{
	struct fx *fx = *state;
	struct twofa_record rec;
	struct twofa_handle *h = NULL;
	struct twofa_error why;

	create_alice(fx, TWOFA_TOTP);
	helper_record(&rec, TWOFA_HOTP);
	assert_int_equal(
	    twofa_fstore_create(fx->st, "alice", &rec, false, 500, &why),
	    TWOFA_ERR_EXISTS);
	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	assert_int_equal(h->rec.type, TWOFA_TOTP);
	twofa_handle_close(h);
	assert_int_equal(
	    twofa_fstore_create(fx->st, "alice", &rec, true, 500, &why), 0);
	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	assert_int_equal(h->rec.type, TWOFA_HOTP);
	assert_int_equal(twofa_handle_remove(h, NULL), 0);
	twofa_handle_close(h);
	assert_int_equal(twofa_fstore_exists(fx->st, "alice", NULL),
			 TWOFA_ERR_NO_RECORD);
	/* Failed creation leaves nothing. */
	inject = INJ_WRITE;
	assert_int_equal(
	    twofa_fstore_create(fx->st, "alice", &rec, false, 500, &why),
	    TWOFA_ERR_IO);
	inject = INJ_NONE;
	assert_int_equal(twofa_fstore_exists(fx->st, "alice", NULL),
			 TWOFA_ERR_NO_RECORD);
	assert_int_equal(temp_files(fx->dir), 0);
	/* --force on a malformed record replaces it. */
	helper_write_file(fx->dir, "alice", "junk\n", 5, 0600);
	assert_int_equal(
	    twofa_fstore_create(fx->st, "alice", &rec, true, 500, &why), 0);
	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	twofa_handle_close(h);
}

static int collect(const char *user, void *arg)
{
	char *buf = arg;

	strcat(buf, user);
	strcat(buf, ",");
	return 0;
}

static void test_list(void **state)
{
	struct fx *fx = *state;
	struct twofa_record rec;
	char names[256] = "";

	helper_record(&rec, TWOFA_TOTP);
	assert_int_equal(
	    twofa_fstore_create(fx->st, "zed", &rec, false, 500, NULL), 0);
	assert_int_equal(
	    twofa_fstore_create(fx->st, "amy", &rec, false, 500, NULL), 0);
	helper_write_file(fx->dir, ".tmp.0011223344556677", "x", 1, 0600);
	assert_int_equal(twofa_fstore_list(fx->st, collect, names, NULL), 0);
	assert_string_equal(names, "amy,zed,");
}

/* ---- concurrency ---- */

static void test_lock_timeout(void **state)
{
	struct fx *fx = *state;
	struct twofa_handle *h = NULL;
	struct timespec a, b;
	char p[4400];
	int sync_pipe[2];
	pid_t pid;
	double ms;

	create_alice(fx, TWOFA_TOTP);
	assert_int_equal(pipe(sync_pipe), 0);
	pid = fork();
	if (pid == 0) {
		int fd;

		snprintf(p, sizeof(p), "%s/alice", fx->dir);
		fd = open(p, O_RDONLY);
		flock(fd, LOCK_EX);
		if (write(sync_pipe[1], "x", 1) != 1)
			_exit(1);
		sleep(20); /* hold the lock until killed (bounded, in case) */
		_exit(0);
	}
	assert_int_equal(read(sync_pipe[0], p, 1), 1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(twofa_handle_open(fx->st, "alice", 300, &h, NULL),
			 TWOFA_ERR_LOCK_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
	     (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	assert_true(ms >= 290 && ms < 1500);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* The holder died: the lock is free again. */
	assert_int_equal(twofa_handle_open(fx->st, "alice", 300, &h, NULL), 0);
	twofa_handle_close(h);
	close(sync_pipe[0]);
	close(sync_pipe[1]);
}

/* A waiter must see a rewrite made while it waited, not the old file. */
static void test_waiter_sees_rewrite(void **state)
{
	struct fx *fx = *state;
	struct twofa_handle *h = NULL;
	int go[2], status;
	pid_t pid;
	char c;

	create_alice(fx, TWOFA_TOTP);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(twofa_handle_open(fx->st, "alice", 500, &h, NULL), 0);
	pid = fork();
	if (pid == 0) {
		struct twofa_handle *h2 = NULL;
		int ok;

		/* The inherited descriptor shares the parent's lock. */
		close(h->fd);
		if (write(go[1], "x", 1) != 1)
			_exit(2);
		/* Blocks until the parent closes. */
		if (twofa_handle_open(fx->st, "alice", 3000, &h2, NULL) != 0)
			_exit(3);
		ok = h2->rec.window == 6;
		twofa_handle_close(h2);
		_exit(ok ? 0 : 1);
	}
	assert_int_equal(read(go[0], &c, 1), 1);
	usleep(100000); /* let the child reach the lock */
	h->rec.window = 6;
	assert_int_equal(twofa_handle_rewrite(h, NULL), 0);
	usleep(50000);
	twofa_handle_close(h);
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(go[0]);
	close(go[1]);
}

/*
 * Eight processes race to use the same HOTP code, released at the same
 * instant; exactly one may win. Twenty rounds, each with the next code.
 */
static void test_race_exactly_one(void **state)
{
	struct fx *fx = *state;
	struct twofa_policy pol;

	twofa_policy_default(&pol);
	pol.deny = 0;
	create_alice(fx, TWOFA_HOTP);
	for (uint64_t round = 0; round < 20; round++) {
		char code[9];
		int gate[2], res[2], wins = 0;
		pid_t kids[8];

		helper_hotp_sha1("12345678901234567890", round, 6, code);
		assert_int_equal(pipe(gate), 0);
		assert_int_equal(pipe(res), 0);
		for (int k = 0; k < 8; k++) {
			kids[k] = fork();
			if (kids[k] == 0) {
				struct twofa_outcome out;
				struct twofa_store *st = NULL;
				char r;

				close(gate[1]);
				if (helper_open_store(fx->dir, &st) != 0)
					_exit(2);
				/* Wait for the gate to open (EOF). */
				if (read(gate[0], &r, 1) != 0)
					_exit(2);
				r = twofa_authenticate(st, "alice", code,
						       1700000000, &pol, &out,
						       NULL) == 0 &&
					    out.verdict ==
						TWOFA_VERDICT_ACCEPTED
					? 'W'
					: 'L';
				if (write(res[1], &r, 1) != 1)
					_exit(2);
				_exit(0);
			}
		}
		close(gate[0]);
		close(gate[1]); /* open the gate for all at once */
		close(res[1]);
		for (int k = 0; k < 8; k++) {
			char r;

			assert_int_equal(read(res[0], &r, 1), 1);
			wins += r == 'W';
		}
		for (int k = 0; k < 8; k++)
			waitpid(kids[k], NULL, 0);
		close(res[0]);
		assert_int_equal(wins, 1);
	}
	check_next(fx, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_store_open_refusals, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_dir_open_create, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_unsafe_records, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_commit_alternates_slots, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_commit_failures_keep_old_state,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		test_rewrite_failures_keep_old_record, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rewrite_does_full_sync, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_create_exists_force_remove,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lock_timeout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_waiter_sees_rewrite, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_race_exactly_one, setup,
					    teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
