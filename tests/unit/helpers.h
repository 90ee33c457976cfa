/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared fixtures for the core unit tests. */
#ifndef TWOFA_TEST_HELPERS_H
#define TWOFA_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "twofa/record.h"

/*
 * A fresh 0700 store directory with no world-writable ancestor (the store
 * refuses those): under /run when we may write there, else under build/.
 * The path is written to path[4096]; remove with helper_rm_store().
 */
void helper_make_store(char path[4096]);
void helper_rm_store(const char *path);

struct twofa_store;
/* Open dir through the store interface (file backend, owned by us). */
int helper_open_store(const char *dir, struct twofa_store **st);

/* A TOTP record with the RFC 6238 SHA1 seed "12345678901234567890". */
void helper_record(struct twofa_record *rec, enum twofa_otp_type type);

/* Whole file contents (malloc'd, NUL-terminated) or NULL. */
char *helper_read_file(const char *dir, const char *name, size_t *len);
int helper_write_file(const char *dir, const char *name, const char *data,
		      size_t len, unsigned mode);

/* Independent HOTP for test expectations (RFC 4226 by hand, HMAC-SHA1). */
void helper_hotp_sha1(const char *key, uint64_t counter, unsigned digits,
		      char out[9]);

#endif
