/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Importers of other tools' enrollment files: google-authenticator's
 * ~/.google_authenticator and pam_oath's usersfile. The *_parse functions
 * are pure (no I/O, no randomness, no hashing) so they can be fuzzed; the
 * caller reads the file with its own checks.
 */
#ifndef TWOFA_IMPORT_H
#define TWOFA_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twofa/backup.h"
#include "twofa/record.h"
#include "twofa/user.h"

#define TWOFA_IMPORT_MAX (64 * 1024) /* bytes of input */

/* google-authenticator allows at most 10 scratch codes. */
#define TWOFA_GA_SCRATCH_MAX 10

/* A parsed ~/.google_authenticator file. Wipe with twofa_ga_wipe(). */
struct twofa_ga_file {
	struct twofa_record rec; /* no backup codes yet */
	unsigned scratch_count;
	char scratch[TWOFA_GA_SCRATCH_MAX][TWOFA_BACKUP_DIGITS + 1];
	bool disallow_reuse;	   /* " DISALLOW_REUSE" was present */
	bool rate_limit;	   /* " RATE_LIMIT n m" was present */
	unsigned rate_limit_count; /* n logins ... */
	unsigned rate_limit_secs;  /* ... every m seconds */
	int time_skew; /* " TIME_SKEW s", steps; widens the window */
};

/*
 * Parse a google-authenticator file (created now, for rec.created):
 *   line 1: the base32 secret (at least 128 bits, as twofa(5) requires);
 *   then option lines starting with '"':
 *     " TOTP_AUTH             time-based (default when no HOTP_COUNTER)
 *     " HOTP_COUNTER n        counter-based; n is the next counter
 *     " WINDOW_SIZE w         w codes are valid at once (1..100, default 3):
 *                             TOTP: (w-1)/2 steps either side;
 *                             HOTP: counters n .. n+w-1 (window w-1)
 *     " STEP_SIZE s           TOTP period (1..60 as the tool allows)
 *     " DISALLOW_REUSE [t...] the listed time steps were used: the replay
 *                             guard starts after the largest
 *     " RATE_LIMIT n m [t...] kept only as information
 *     " TIME_SKEW s           the phone's learnt clock skew (|s| <= 4
 *                             steps): the TOTP window grows by |s|
 *     " RESETTING_TIME_SKEW, " LAST0.." LAST9: accepted, not carried over
 *   then 8-digit scratch codes, one a line (at most 10); a code listed
 *   again is dropped, so it becomes one backup code that works once.
 * Anything else (unknown option, both TOTP_AUTH and HOTP_COUNTER, bad
 * number, blank line in the middle) is TWOFA_ERR_MALFORMED with why
 * naming the line. On failure out is wiped.
 */
int twofa_import_ga_parse(const char *text, size_t len, uint64_t now,
			  struct twofa_ga_file *out,
			  struct twofa_parse_error *why);

/*
 * Parse, then hash the scratch codes into out->rec's backup codes:
 * out->rec is ready for twofa_store_create(), and the rest of out says
 * what was not carried over (for twofa-admin's notes). On failure out is
 * wiped.
 */
int twofa_import_ga_file(const char *text, size_t len, uint64_t now,
			 struct twofa_ga_file *out,
			 struct twofa_parse_error *why);

/* The same, keeping only the record. */
int twofa_import_ga(const char *text, size_t len, uint64_t now,
		    struct twofa_record *rec, struct twofa_parse_error *why);

void twofa_ga_wipe(struct twofa_ga_file *f);

/* One user of a pam_oath usersfile. */
struct twofa_oath_entry {
	char user[TWOFA_USER_MAX + 1];
	unsigned line; /* where it was, for messages */
	bool has_pin;  /* the password field was neither "-" nor "+" */
	struct twofa_record rec;
};

struct twofa_oath_file {
	size_t count;
	struct twofa_oath_entry *entries; /* free with twofa_oath_free() */
};

/*
 * Parse a pam_oath usersfile at Unix time now. Each non-blank line that
 * does not start with '#' is
 *   TYPE USER PASSWORD HEXSECRET [COUNTER [LASTOTP [TIME]]]
 * separated by blanks, TYPE one of HOTP, HOTP/E, HOTP/T30, HOTP/T60, each
 * optionally followed by /6, /7 or /8 (digits). HOTP: the next counter is
 * COUNTER, or COUNTER + 1 when a last OTP is recorded (pam_oath stores the
 * counter of the last accepted code). TOTP with a recorded last OTP: the
 * replay guard starts after the latest step (of the last 1000, up to 10
 * ahead of now) whose code it is, so that code cannot be replayed. Fails
 * closed: an unknown type, invalid user name, a
 * user listed twice, bad hex, a secret under 128 bits, a bad counter are
 * TWOFA_ERR_MALFORMED with why naming the line, and nothing is returned
 * (TWOFA_ERR_CRYPTO when the codes that place the replay guard cannot be
 * computed: the import is refused rather than made without the guard).
 */
int twofa_import_oath_parse(const char *text, size_t len, uint64_t now,
			    struct twofa_oath_file *out,
			    struct twofa_parse_error *why);

void twofa_oath_free(struct twofa_oath_file *f);

#endif
