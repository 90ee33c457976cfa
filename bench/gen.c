/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-gen ROOT FIRST END: enroll users FIRST..END-1 for all three modules
 * with the same secrets.
 *
 *   ROOT/store/<user>    our record, formatted by the core library
 *   ROOT/ga/<user>       a google-authenticator secret file
 *   ROOT/oath.FIRST      pam_oath usersfile lines (the caller concatenates)
 *
 * This is set-up, not a measured path: files are written directly with no
 * fsync per file (the caller runs one sync afterwards), instead of
 * twofa_store_create(), whose temporary file, fsync, rename and directory
 * fsync would make a million users take the better part of an hour.
 *
 * Our records carry ten backup-code entries so that they are as long as a
 * default enrollment's; their salts and hashes are random bytes rather
 * than PBKDF2 output (a login never hashes unless an 8-digit code is
 * typed, and the benchmark never types one). The google-authenticator
 * files carry five scratch codes, as its own tool writes by default.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "twofa/base32.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/record.h"

static int write_file(int dirfd, const char *name, const char *text, size_t len)
{
	int fd =
	    openat(dirfd, name,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, len);
	if (close(fd) != 0 || n != (ssize_t)len)
		return -1;
	return 0;
}

static int gen_one(int storefd, int gafd, FILE *oath, unsigned i, uint64_t now)
{
	struct twofa_record rec;
	unsigned char key[BENCH_SECRET_LEN];
	char user[BENCH_USER_LEN], b32[64], ga[256],
	    hex[2 * BENCH_SECRET_LEN + 1];
	char *text = NULL;
	size_t len = 0;
	unsigned k;
	int ret = -1, n;

	bench_user(i, user);
	if (bench_secret(i, key) != 0)
		return -1;
	twofa_record_init(&rec, TWOFA_TOTP, now);
	memcpy(rec.secret, key, sizeof(key));
	rec.secret_len = sizeof(key);
	rec.backup_count = 10;
	for (k = 0; k < rec.backup_count; k++) {
		unsigned char seed[TWOFA_BACKUP_HASH_LEN];
		unsigned int sl = 0;

		key[0] ^= (unsigned char)(k + 1);
		EVP_Digest(key, sizeof(key), seed, &sl, EVP_sha256(), NULL);
		key[0] ^= (unsigned char)(k + 1);
		memcpy(rec.backup_salt[k], seed, TWOFA_BACKUP_SALT_LEN);
		memcpy(rec.backup_hash[k], seed, TWOFA_BACKUP_HASH_LEN);
		rec.backup_hash[k][0] ^= 0x5a;
	}
	if (twofa_record_format(&rec, &text, &len) != 0 ||
	    write_file(storefd, user, text, len) != 0)
		goto out;

	if (twofa_base32_encode(key, sizeof(key), b32, sizeof(b32)) != 0)
		goto out;
	n = snprintf(ga, sizeof(ga),
		     "%s\n\" RATE_LIMIT 3 30\n\" WINDOW_SIZE 3\n"
		     "\" DISALLOW_REUSE\n\" TOTP_AUTH\n"
		     "%08u\n%08u\n%08u\n%08u\n%08u\n",
		     b32, 10000000 + i % 9000000, 20000000 + i % 9000000,
		     30000000 + i % 9000000, 40000000 + i % 9000000,
		     50000000 + i % 9000000);
	if (n <= 0 || (size_t)n >= sizeof(ga) ||
	    write_file(gafd, user, ga, (size_t)n) != 0)
		goto out;

	for (k = 0; k < BENCH_SECRET_LEN; k++)
		snprintf(hex + 2 * k, 3, "%02x", key[k]);
	if (fprintf(oath, "HOTP/T30/6\t%s\t-\t%s\n", user, hex) < 0)
		goto out;
	ret = 0;
out:
	twofa_freezero(text, len);
	twofa_record_wipe(&rec);
	twofa_wipe(key, sizeof(key));
	return ret;
}

int main(int argc, char **argv)
{
	char path[4096];
	uint64_t first, end;
	int storefd, gafd, rootfd;
	FILE *oath;
	unsigned i;

	if (argc != 4 ||
	    twofa_parse_u64(argv[2], strlen(argv[2]), 100000000, &first) != 0 ||
	    twofa_parse_u64(argv[3], strlen(argv[3]), 100000000, &end) != 0 ||
	    end < first) {
		fprintf(stderr, "usage: bench-gen ROOT FIRST END\n");
		return 2;
	}
	rootfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		perror(argv[1]);
		return 1;
	}
	storefd = openat(rootfd, "store", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	gafd = openat(rootfd, "ga", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/oath.%09llu", argv[1],
		 (unsigned long long)first);
	oath = fopen(path, "wx");
	if (storefd < 0 || gafd < 0 || oath == NULL) {
		perror("bench-gen: store, ga or oath part");
		return 1;
	}
	for (i = (unsigned)first; i < end; i++) {
		if (gen_one(storefd, gafd, oath, i, (uint64_t)time(NULL)) !=
		    0) {
			fprintf(stderr, "bench-gen: user %u: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	if (fclose(oath) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}
