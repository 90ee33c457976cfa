/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Failure injection for the fuzz targets (see wrap.h). Each wrapper fails
 * the way the real call does when the system runs out of something: NULL
 * with ENOMEM, -1 with EIO/ENOSPC/EINTR. pwrite and write can also be cut
 * short after writing part of the buffer, as a full disk or a crash
 * leaves them (a torn write of a state slot).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "wrap.h"

static __thread int active;
static __thread uint64_t state;
static __thread unsigned calls, failed, fail_at_call, one_in_n;

static uint64_t next_random(void)
{
	/* splitmix64: small, fast, and good enough to pick calls. */
	uint64_t z = (state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void wrap_start(uint64_t seed, unsigned fail_at, unsigned one_in)
{
	state = seed;
	calls = 0;
	failed = 0;
	fail_at_call = fail_at;
	one_in_n = one_in;
	active = 1;
}

unsigned wrap_stop(void)
{
	active = 0;
	return failed;
}

unsigned wrap_calls(void)
{
	return calls;
}

/* Should this call fail? Counts it either way. */
static int should_fail(void)
{
	int fail = 0;

	if (!active)
		return 0;
	calls++;
	if (fail_at_call != 0 && calls == fail_at_call)
		fail = 1;
	if (one_in_n != 0 && next_random() % one_in_n == 0)
		fail = 1;
	if (fail)
		failed++;
	return fail;
}

uint64_t wrap_take_u64(const uint8_t **data, size_t *size)
{
	uint64_t v = 0;
	size_t n = *size < 8 ? *size : 8;

	memcpy(&v, *data, n);
	*data += n;
	*size -= n;
	return v;
}

unsigned wrap_take_u8(const uint8_t **data, size_t *size)
{
	unsigned v = 0;

	if (*size > 0) {
		v = (*data)[0];
		*data += 1;
		*size -= 1;
	}
	return v;
}

#define DECLARE(type, name, args)                                              \
	type __real_##name args;                                               \
	type __wrap_##name args;

DECLARE(void *, malloc, (size_t))
DECLARE(void *, calloc, (size_t, size_t))
DECLARE(void *, realloc, (void *, size_t))
DECLARE(char *, strdup, (const char *))
DECLARE(char *, strndup, (const char *, size_t))
DECLARE(int, open, (const char *, int, ...))
DECLARE(int, openat, (int, const char *, int, ...))
DECLARE(ssize_t, read, (int, void *, size_t))
DECLARE(ssize_t, pread, (int, void *, size_t, off_t))
DECLARE(ssize_t, write, (int, const void *, size_t))
DECLARE(ssize_t, pwrite, (int, const void *, size_t, off_t))
DECLARE(int, fsync, (int))
DECLARE(int, fdatasync, (int))
DECLARE(int, rename, (const char *, const char *))
DECLARE(int, renameat, (int, const char *, int, const char *))
DECLARE(int, renameat2, (int, const char *, int, const char *, unsigned))
DECLARE(int, linkat, (int, const char *, int, const char *, int))
DECLARE(int, fstat, (int, struct stat *))
DECLARE(int, fstatat, (int, const char *, struct stat *, int))
DECLARE(int, fchmod, (int, mode_t))
DECLARE(int, flock, (int, int))
DECLARE(FILE *, fopen, (const char *, const char *))
DECLARE(FILE *, fdopen, (int, const char *))

void *__wrap_malloc(size_t n)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strndup(s, n);
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (should_fail()) {
		errno = EIO;
		return -1;
	}
	return __real_open(path, flags, mode);
}

int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (should_fail()) {
		errno = (flags & O_CREAT) ? ENOSPC : EIO;
		return -1;
	}
	return __real_openat(dirfd, path, flags, mode);
}

ssize_t __wrap_read(int fd, void *buf, size_t n)
{
	if (should_fail()) {
		errno = EIO;
		return -1;
	}
	return __real_read(fd, buf, n);
}

ssize_t __wrap_pread(int fd, void *buf, size_t n, off_t off)
{
	if (should_fail()) {
		/* Alternate between an error and an interrupted call. */
		errno = (next_random() & 1) ? EIO : EINTR;
		return -1;
	}
	return __real_pread(fd, buf, n, off);
}

ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
	if (should_fail()) {
		/* A full disk: sometimes part of the buffer got out. */
		if (n > 1 && (next_random() & 1))
			return __real_write(fd, buf, n / 2);
		errno = ENOSPC;
		return -1;
	}
	return __real_write(fd, buf, n);
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (should_fail()) {
		/* Torn: half the slot reaches the file, then the disk is full.
		 */
		if (n > 1 && (next_random() & 1))
			return __real_pwrite(fd, buf, n / 2, off);
		errno = ENOSPC;
		return -1;
	}
	return __real_pwrite(fd, buf, n, off);
}

int __wrap_fsync(int fd)
{
	if (should_fail()) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

int __wrap_fdatasync(int fd)
{
	if (should_fail()) {
		errno = EIO;
		return -1;
	}
	return __real_fdatasync(fd);
}

int __wrap_rename(const char *a, const char *b)
{
	if (should_fail()) {
		errno = EIO;
		return -1;
	}
	return __real_rename(a, b);
}

int __wrap_renameat(int da, const char *a, int db, const char *b)
{
	if (should_fail()) {
		errno = ENOSPC;
		return -1;
	}
	return __real_renameat(da, a, db, b);
}

int __wrap_renameat2(int da, const char *a, int db, const char *b,
		     unsigned flags)
{
	if (should_fail()) {
		errno = ENOSPC;
		return -1;
	}
	return __real_renameat2(da, a, db, b, flags);
}

int __wrap_linkat(int da, const char *a, int db, const char *b, int flags)
{
	if (should_fail()) {
		errno = ENOSPC;
		return -1;
	}
	return __real_linkat(da, a, db, b, flags);
}

int __wrap_fstat(int fd, struct stat *sb)
{
	if (should_fail()) {
		errno = EIO;
		return -1;
	}
	return __real_fstat(fd, sb);
}

int __wrap_fstatat(int dirfd, const char *path, struct stat *sb, int flags)
{
	if (should_fail()) {
		errno = EIO;
		return -1;
	}
	return __real_fstatat(dirfd, path, sb, flags);
}

int __wrap_fchmod(int fd, mode_t mode)
{
	if (should_fail()) {
		errno = EIO;
		return -1;
	}
	return __real_fchmod(fd, mode);
}

int __wrap_flock(int fd, int op)
{
	if (should_fail()) {
		/* Another holder: the lock wait has to give up in time. */
		errno = (op & LOCK_NB) ? EWOULDBLOCK : EINTR;
		return -1;
	}
	return __real_flock(fd, op);
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
	if (should_fail()) {
		errno = EIO;
		return NULL;
	}
	return __real_fopen(path, mode);
}

FILE *__wrap_fdopen(int fd, const char *mode)
{
	if (should_fail()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_fdopen(fd, mode);
}

/*
 * The core's cryptography (twofa/crypto.h, over Nettle) allocates nothing,
 * so it is failed at its interface: each call can return TWOFA_ERR_CRYPTO
 * as the interface allows (for getrandom(2) failing, say), and every
 * caller on the login path must then refuse.
 */
DECLARE(int, twofa_sha256, (const void *, size_t, unsigned char *))
DECLARE(int, twofa_hmac_init,
	(struct twofa_hmac *, enum twofa_hash, const unsigned char *, size_t))
DECLARE(int, twofa_hmac_mac,
	(struct twofa_hmac *, const unsigned char *, size_t, unsigned char *))
DECLARE(int, twofa_pbkdf2_sha256,
	(const unsigned char *, size_t, const unsigned char *, size_t, uint32_t,
	 unsigned char *, size_t))
DECLARE(int, twofa_random, (void *, size_t))
DECLARE(int, twofa_aead_seal,
	(const unsigned char *, const unsigned char *, const unsigned char *,
	 size_t, const unsigned char *, size_t, unsigned char *,
	 unsigned char *))
DECLARE(int, twofa_aead_open,
	(const unsigned char *, const unsigned char *, const unsigned char *,
	 size_t, const unsigned char *, size_t, const unsigned char *,
	 unsigned char *))

int __wrap_twofa_sha256(const void *data, size_t len, unsigned char *out)
{
	if (should_fail())
		return TWOFA_ERR_CRYPTO;
	return __real_twofa_sha256(data, len, out);
}

int __wrap_twofa_hmac_init(struct twofa_hmac *ctx, enum twofa_hash h,
			   const unsigned char *key, size_t keylen)
{
	if (should_fail()) {
		ctx->ready = 0;
		return TWOFA_ERR_CRYPTO;
	}
	return __real_twofa_hmac_init(ctx, h, key, keylen);
}

int __wrap_twofa_hmac_mac(struct twofa_hmac *ctx, const unsigned char *msg,
			  size_t msglen, unsigned char *out)
{
	if (should_fail())
		return TWOFA_ERR_CRYPTO;
	return __real_twofa_hmac_mac(ctx, msg, msglen, out);
}

int __wrap_twofa_pbkdf2_sha256(const unsigned char *pw, size_t pwlen,
			       const unsigned char *salt, size_t saltlen,
			       uint32_t iterations, unsigned char *out,
			       size_t outlen)
{
	if (should_fail())
		return TWOFA_ERR_CRYPTO;
	return __real_twofa_pbkdf2_sha256(pw, pwlen, salt, saltlen, iterations,
					  out, outlen);
}

int __wrap_twofa_random(void *buf, size_t len)
{
	if (should_fail())
		return TWOFA_ERR_CRYPTO;
	return __real_twofa_random(buf, len);
}

/* The record seal's cipher: a failure must refuse, never half-open. */
int __wrap_twofa_aead_seal(const unsigned char key[32],
			   const unsigned char nonce[12],
			   const unsigned char *ad, size_t adlen,
			   const unsigned char *pt, size_t ptlen,
			   unsigned char *ct, unsigned char tag[16])
{
	if (should_fail())
		return TWOFA_ERR_CRYPTO;
	return __real_twofa_aead_seal(key, nonce, ad, adlen, pt, ptlen, ct,
				      tag);
}

int __wrap_twofa_aead_open(const unsigned char key[32],
			   const unsigned char nonce[12],
			   const unsigned char *ad, size_t adlen,
			   const unsigned char *ct, size_t ctlen,
			   const unsigned char tag[16], unsigned char *pt)
{
	if (should_fail())
		return TWOFA_ERR_CRYPTO;
	return __real_twofa_aead_open(key, nonce, ad, adlen, ct, ctlen, tag,
				      pt);
}

static void *crypto_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return __wrap_malloc(n);
}

static void *crypto_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return __wrap_realloc(p, n);
}

static void crypto_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

void wrap_openssl(void)
{
	CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free);
}
