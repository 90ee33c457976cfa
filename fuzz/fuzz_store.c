/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The whole store update path with allocations and I/O failing: a record
 * is written to a scratch store, then twofa_authenticate (or an
 * enrollment rewrite, or a forced re-create) runs while fuzz/wrap.c fails
 * the n-th call the input names and about 1 call in 400 besides. With
 * injection off again, the fail-closed invariants are checked:
 *
 *  - an error is never an accepted verdict;
 *  - the record still opens and parses, and holds the old state or the new
 *    one (seq old or old + 1), never anything else;
 *  - an accepted code is used: the same code is refused afterwards;
 *  - a rewrite leaves exactly the old text or exactly the new text;
 *  - no temporary file, descriptor or lock is left behind.
 *
 * A fourth operation is the decoy login for a user without a record
 * (lib/store/file/decoy.c): it may only ever touch TWOFA_DECOY_NAME, and never the
 * record.
 *
 * Input: flags, fail_at, seed (8 bytes), delta, failures, then a typed
 * code when the flags ask for raw text.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/otp.h"
#include "twofa/record.h"
#include "twofa/store.h"
#include "store/file/decoy.h"
#include "store/file/fstore.h"
#include "wrap.h"
#include "fuzz.h"

#define USER "alice"
#define NOW  UINT64_C(1700000000)

static char dir[] = "/run/twofa-fuzz.XXXXXX";
/* The scratch store: the file backend itself, and the same directory
 * through the store interface for logins. */
static struct twofa_fstore *store;
static struct twofa_store *gstore;
static struct twofa_record base_totp, base_hotp;
static const char *const backup_plain[2] = {"12345678", "87654321"};

static void cleanup(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	twofa_store_close(gstore);
	twofa_fstore_close(store);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.' || strlen(de->d_name) > 2)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct twofa_conf conf;

	(void)argc;
	(void)argv;
	wrap_openssl();
	if (mkdtemp(dir) == NULL || chmod(dir, 0700) != 0) {
		perror("mkdtemp /run");
		exit(1);
	}
	atexit(cleanup);
	twofa_conf_init(&conf);
	conf.owner = getuid();
	conf.lock_timeout_ms = 20;
	if (twofa_conf_set_store(&conf, dir) != TWOFA_OK ||
	    twofa_fstore_open(dir, getuid(), &store, NULL) != TWOFA_OK ||
	    twofa_store_open(&conf, 0, &gstore, NULL) != TWOFA_OK) {
		fprintf(stderr, "cannot open scratch store %s\n", dir);
		exit(1);
	}
	twofa_record_init(&base_totp, TWOFA_TOTP, NOW - 86400);
	memcpy(base_totp.secret, "12345678901234567890", 20);
	base_totp.secret_len = 20;
	twofa_record_init(&base_hotp, TWOFA_HOTP, NOW - 86400);
	base_hotp.alg = TWOFA_ALG_SHA256;
	base_hotp.digits = 8;
	memcpy(base_hotp.secret, "abcdefghijklmnopqrstuvwxyz012345", 32);
	base_hotp.secret_len = 32;
	/* Hashed once: PBKDF2 is slow on purpose. */
	if (twofa_backup_set(&base_totp, backup_plain, 2) != TWOFA_OK ||
	    twofa_backup_set(&base_hotp, backup_plain, 2) != TWOFA_OK)
		exit(1);
	return 0;
}

/* Write text as the record, with plain calls (injection is off). */
static void put_record(const char *text, size_t len)
{
	int fd;

	unlinkat(twofa_fstore_dirfd(store), USER, 0);
	fd = openat(twofa_fstore_dirfd(store), USER,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	INVARIANT(fd >= 0);
	INVARIANT(write(fd, text, len) == (ssize_t)len);
	close(fd);
}

/* The record as it is on disk now; NUL-terminated, free it. */
static char *get_record(size_t *len)
{
	char *buf = malloc(TWOFA_RECORD_MAX + 2);
	ssize_t n;
	int fd;

	INVARIANT(buf != NULL);
	fd = openat(twofa_fstore_dirfd(store), USER, O_RDONLY | O_CLOEXEC);
	INVARIANT(fd >= 0);
	n = read(fd, buf, TWOFA_RECORD_MAX + 1);
	INVARIANT(n >= 0);
	close(fd);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static unsigned count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	while (d != NULL && readdir(d) != NULL)
		n++;
	if (d != NULL)
		closedir(d);
	return n;
}

/* Nothing but the record in the store, and its lock is free. */
static void check_nothing_left(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int fd;

	INVARIANT(d != NULL);
	while ((de = readdir(d)) != NULL)
		INVARIANT(strcmp(de->d_name, ".") == 0 ||
			  strcmp(de->d_name, "..") == 0 ||
			  strcmp(de->d_name, USER) == 0);
	closedir(d);
	fd = openat(twofa_fstore_dirfd(store), USER, O_RDONLY | O_CLOEXEC);
	INVARIANT(fd >= 0);
	INVARIANT(flock(fd, LOCK_EX | LOCK_NB) == 0);
	close(fd);
}

/* A clean parse of what is on disk. */
static void load(struct twofa_record *rec)
{
	size_t len, off;
	unsigned cur;
	char *text = get_record(&len);

	INVARIANT(twofa_record_parse(text, len, rec, &off, &cur, NULL) ==
		  TWOFA_OK);
	twofa_freezero(text, len + 1);
}

static void run_auth(const struct twofa_record *rec, unsigned flags,
		     uint64_t seed, unsigned fail_at, int delta,
		     const char *raw)
{
	struct twofa_policy pol;
	struct twofa_outcome out, again;
	struct twofa_error why;
	struct twofa_record after;
	char code[TWOFA_CODE_MAX + 1 + 16];
	uint64_t counter;
	unsigned kind = (flags >> 4) & 3;
	int ret;

	twofa_policy_default(&pol);
	pol.allow_backup = (flags & 4) != 0;
	pol.deny = (flags & 0x40) ? 3 : 0;
	if (rec->type == TWOFA_HOTP)
		counter = rec->state.next + (uint64_t)(delta & 15);
	else
		counter = twofa_totp_step(NOW, rec->period) +
			  (uint64_t)(int64_t)(delta % 3);
	memset(code, 0, sizeof(code));
	if (kind == 0 || kind == 1)
		INVARIANT(twofa_hotp(rec->secret, rec->secret_len, rec->alg,
				     rec->digits, counter, code) == TWOFA_OK);
	else if (kind == 2)
		snprintf(code, sizeof(code), "%s", backup_plain[delta & 1]);
	else
		snprintf(code, sizeof(code), "%s", raw);

	wrap_start(seed, fail_at, 400);
	ret = twofa_authenticate(gstore, USER, code, NOW, &pol, &out, &why);
	wrap_stop();

	if (ret != TWOFA_OK)
		INVARIANT(out.verdict != TWOFA_VERDICT_ACCEPTED);
	load(&after);
	INVARIANT(memcmp(after.secret, rec->secret, sizeof(rec->secret)) == 0);
	INVARIANT(after.state.seq == rec->state.seq ||
		  after.state.seq == rec->state.seq + 1);
	if (ret == TWOFA_OK && out.verdict == TWOFA_VERDICT_LOCKED) {
		/* Locked: the code was not looked at and nothing changed. */
		INVARIANT(after.state.seq == rec->state.seq);
		INVARIANT(rec->state.locked_until != 0);
	} else if (ret == TWOFA_OK) {
		/* Told durable: the new state is on disk. */
		INVARIANT(after.state.seq == rec->state.seq + 1);
		INVARIANT(after.state.failures == out.failures);
		INVARIANT(after.state.locked_until == out.locked_until);
	}
	if (ret == TWOFA_OK && out.verdict == TWOFA_VERDICT_ACCEPTED) {
		/* The same code again, no faults: refused (used). */
		INVARIANT(twofa_authenticate(gstore, USER, code, NOW, &pol,
					     &again, NULL) == TWOFA_OK);
		INVARIANT(again.verdict != TWOFA_VERDICT_ACCEPTED);
	}
	if (after.state.seq == rec->state.seq)
		INVARIANT(
		    memcmp(&after.state, &rec->state, sizeof(rec->state)) == 0);
	twofa_record_wipe(&after);
}

/* An enrollment change (new window) written with twofa_handle_rewrite. */
static void run_rewrite(const char *old, size_t oldlen, uint64_t seed,
			unsigned fail_at, int create)
{
	struct twofa_handle *h = NULL;
	struct twofa_record changed;
	char *want = NULL, *now;
	size_t wantlen = 0, nowlen;
	int ret;

	load(&changed);
	changed.window = changed.window == 7 ? 8 : 7;
	INVARIANT(twofa_record_format(&changed, &want, &wantlen) == TWOFA_OK);

	wrap_start(seed, fail_at, 400);
	if (create) {
		ret = twofa_fstore_create(store, USER, &changed, true, 20, NULL);
	} else {
		ret = twofa_handle_open(store, USER, 20, &h, NULL);
		if (ret == TWOFA_OK) {
			h->rec.window = changed.window;
			ret = twofa_handle_rewrite(h, NULL);
		}
		twofa_handle_close(h);
	}
	wrap_stop();

	now = get_record(&nowlen);
	if (ret == TWOFA_OK)
		INVARIANT(nowlen == wantlen && memcmp(now, want, wantlen) == 0);
	else
		INVARIANT(
		    (nowlen == wantlen && memcmp(now, want, wantlen) == 0) ||
		    (nowlen == oldlen && memcmp(now, old, oldlen) == 0));
	twofa_freezero(now, nowlen + 1);
	twofa_freezero(want, wantlen);
	twofa_record_wipe(&changed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct twofa_record rec;
	char raw[24];
	char *text = NULL;
	size_t len = 0, n;
	unsigned flags, fail_at, fds;
	uint64_t seed;
	int delta, failures;

	flags = wrap_take_u8(&data, &size);
	fail_at = wrap_take_u8(&data, &size);
	seed = wrap_take_u64(&data, &size);
	delta = (int)(signed char)wrap_take_u8(&data, &size);
	failures = (int)wrap_take_u8(&data, &size);
	n = size < sizeof(raw) - 1 ? size : sizeof(raw) - 1;
	memcpy(raw, data, n);
	raw[n] = '\0';

	rec = (flags & 8) ? base_hotp : base_totp;
	rec.state.seq = (uint64_t)(failures & 0x3f);
	rec.state.failures = (uint32_t)(failures & 3);
	rec.state.backup_used = (uint64_t)((failures >> 2) & 3);
	if (rec.type == TWOFA_TOTP)
		rec.state.next = twofa_totp_step(NOW, rec.period) -
				 (uint64_t)((failures >> 4) & 3);
	else
		rec.state.next = (uint64_t)(failures >> 4);
	if (failures & 0x80)
		rec.state.locked_until =
		    (failures & 0x40) ? TWOFA_LOCKED_FOREVER : NOW + 60;
	INVARIANT(twofa_record_format(&rec, &text, &len) == TWOFA_OK);
	put_record(text, len);
	fds = count_fds();

	if ((flags & 3) == 3) {
		run_rewrite(text, len, seed, fail_at, (flags & 0x80) != 0);
	} else if ((flags & 3) == 2 && (flags & 0x80)) {
		char *now;
		size_t nowlen;

		wrap_start(seed, fail_at, 400);
		twofa_fstore_decoy(store);
		twofa_decoy_login(gstore, raw, delta % 4 - 1);
		wrap_stop();
		now = get_record(&nowlen);
		INVARIANT(nowlen == len && memcmp(now, text, len) == 0);
		twofa_freezero(now, nowlen + 1);
		unlinkat(twofa_fstore_dirfd(store), TWOFA_DECOY_NAME, 0);
	} else {
		run_auth(&rec, flags, seed, fail_at, delta, raw);
	}

	check_nothing_left();
	INVARIANT(count_fds() == fds);
	twofa_freezero(text, len);
	twofa_record_wipe(&rec);
	return 0;
}
