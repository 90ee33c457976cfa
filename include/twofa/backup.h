/* SPDX-License-Identifier: BSD-2-Clause */
/* One-time backup codes, stored only as salted, slow hashes. */
#ifndef TWOFA_BACKUP_H
#define TWOFA_BACKUP_H

#include <stddef.h>

#include "twofa/record.h"

#define TWOFA_BACKUP_DIGITS  8
#define TWOFA_BACKUP_DEFAULT 10
/*
 * PBKDF2-HMAC-SHA256 iterations for new codes: about 2.3 ms a hash on the
 * reference machine. Each code has its own salt, so a stolen record costs
 * an attacker 10^8 / 2 hashes per code (more than a CPU-day each), while a
 * check (one hash per unused code, at most 20) stays under 100 ms with
 * room to spare on a busy host.
 */
#define TWOFA_BACKUP_ITERATIONS	    10000
#define TWOFA_BACKUP_ITERATIONS_MIN 10000
#define TWOFA_BACKUP_ITERATIONS_MAX 1000000

/*
 * Replace the record's backup codes with count fresh random ones: new
 * salts and hashes in rec, used mask cleared. The plain codes are written to
 * codes (count * (TWOFA_BACKUP_DIGITS + 1) bytes, each NUL-terminated,
 * eight digits without space) for showing once; wipe them afterwards.
 */
int twofa_backup_generate(struct twofa_record *rec, unsigned count, char *codes,
			  size_t codes_size);

/*
 * Replace the backup codes with the given plain codes (for importing
 * google-authenticator scratch codes); each must be 8 digits, and no two
 * equal (TWOFA_ERR_INVALID: it would be one code that works twice).
 */
int twofa_backup_set(struct twofa_record *rec, const char *const *codes,
		     unsigned count);

/*
 * Normalise a typed backup code: drop spaces, keep it only if exactly 8
 * digits. Returns 0 and fills out[TWOFA_BACKUP_DIGITS + 1] on success.
 */
int twofa_backup_normalise(const char *typed,
			   char out[TWOFA_BACKUP_DIGITS + 1]);

/*
 * Check a normalised code against every unused hash (constant time over
 * them). On a match returns 0 and sets *index; no match:
 * TWOFA_ERR_INVALID. Does not mark the code used.
 */
int twofa_backup_match(const struct twofa_record *rec, const char *code,
		       unsigned *index);

/*
 * Is code one of the burnt backup codes (TWOFA_OK), for telling "that
 * backup code was used" from "wrong" in a log line? Hashes every burnt
 * code, as twofa_backup_match() does the unused ones, so that a refused
 * backup code costs the same however many were used.
 */
int twofa_backup_match_used(const struct twofa_record *rec, const char *code);

/*
 * Spend the time twofa_backup_match() takes for count unused codes of the
 * default work factor, hashing code with a throwaway salt. For answering a
 * user without a record about as slowly as one with a record.
 */
int twofa_backup_burn(const char *code, unsigned count);

#endif
