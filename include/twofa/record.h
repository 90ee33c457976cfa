/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The enrollment record of one user, and its text form (twofa(5)).
 *
 * The text is a configuration part, rewritten only when enrollment changes,
 * followed by two fixed-size state slots. A login updates only the older
 * slot in place (one pwrite and one fdatasync); each slot carries a
 * sequence number and a checksum, so a torn write leaves the other slot,
 * the previous state, valid.
 */
#ifndef TWOFA_RECORD_H
#define TWOFA_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twofa/err.h"
#include "twofa/otp.h"

#define TWOFA_RECORD_VERSION	    1 /* plain: the secret in base32 */
#define TWOFA_RECORD_VERSION_SEALED 2 /* the secret sealed (twofa/seal.h) */
#define TWOFA_RECORD_MAX     (64 * 1024) /* bytes of text */

#define TWOFA_SECRET_MIN     16 /* bytes: 128 bits */
#define TWOFA_SECRET_DEFAULT 20
#define TWOFA_SECRET_MAX     64

/*
 * At most 20 backup codes: each has its own salt, so checking a typed code
 * costs one hash per unused code, and 20 of them stay under 100 ms.
 */
#define TWOFA_BACKUP_MAX      20
#define TWOFA_BACKUP_HASH_LEN 32
#define TWOFA_BACKUP_SALT_LEN 16

#define TWOFA_PERIOD_MIN     1
#define TWOFA_PERIOD_MAX     3600
#define TWOFA_WINDOW_MAX     100
#define TWOFA_LOCKED_FOREVER UINT64_MAX
/*
 * The last HOTP counter or TOTP step ever accepted. The replay guard is
 * the accepted one + 1: accepting UINT64_MAX would wrap it to 0 and make
 * every code valid again, so the guard stops one short and stays there.
 */
#define TWOFA_COUNTER_LAST (UINT64_MAX - 1)

/* Length of one state slot line, newline included. */
#define TWOFA_SLOT_LEN 137

enum twofa_otp_type { TWOFA_TOTP = 0, TWOFA_HOTP };

#define TWOFA_TICKET_SALT_LEN 16
#define TWOFA_TICKET_HASH_LEN 32

/* A pending enrollment's ticket: PBKDF2-HMAC-SHA256(ticket, salt, iterations). */
struct twofa_ticket {
	uint32_t iterations;
	uint64_t expires; /* Unix time; refused from then on */
	unsigned char salt[TWOFA_TICKET_SALT_LEN];
	unsigned char hash[TWOFA_TICKET_HASH_LEN];
};

#define TWOFA_SEAL_KID_LEN   16 /* hex digits of a record key id */
#define TWOFA_SEAL_NONCE_LEN 12
#define TWOFA_SEAL_TAG_LEN   16

/*
 * The secret as AES-256-GCM ciphertext (twofa/seal.h). A parsed sealed
 * record has secret_len 0 until twofa_seal_open() fills secret; it is
 * formatted from this, never from secret.
 */
struct twofa_sealed {
	bool on;
	char kid[TWOFA_SEAL_KID_LEN + 1];
	unsigned char nonce[TWOFA_SEAL_NONCE_LEN];
	unsigned char tag[TWOFA_SEAL_TAG_LEN];
	unsigned char ct[TWOFA_SECRET_MAX];
	size_t ct_len;
};

/* What changes on every login; lives in the slots. */
struct twofa_state {
	uint64_t seq;	       /* slot generation; the larger valid one wins */
	uint64_t next;	       /* lowest acceptable TOTP step / HOTP counter */
	uint32_t failures;     /* consecutive failures */
	uint64_t locked_until; /* Unix time; 0 not locked; or FOREVER */
	uint64_t
	    last_success;     /* Unix time of the last accepted code; 0 never */
	uint64_t backup_used; /* bit i set: backup code i is burnt */
};

struct twofa_record {
	enum twofa_otp_type type;
	enum twofa_alg alg;
	unsigned digits;
	unsigned period; /* TOTP only */
	unsigned window; /* TOTP: steps either side; HOTP: look-ahead */
	uint64_t created;
	unsigned char secret[TWOFA_SECRET_MAX];
	size_t secret_len;

	/* Backup codes: PBKDF2-HMAC-SHA256(code, salt[i], iterations). */
	uint32_t backup_iterations;
	unsigned backup_count;
	unsigned char backup_salt[TWOFA_BACKUP_MAX][TWOFA_BACKUP_SALT_LEN];
	unsigned char backup_hash[TWOFA_BACKUP_MAX][TWOFA_BACKUP_HASH_LEN];

	/*
	 * A pending enrollment (twofa(5), SPEC 9): an admin's invitation that
	 * holds no secret and no backup codes yet, only the salted, slow hash
	 * of a one-time ticket and its expiry. The state slots still count
	 * failures and lock like an enrolled user's. Every user of a loaded
	 * record must look at this before treating it as an enrollment.
	 */
	bool pending;
	struct twofa_ticket ticket;
	struct twofa_sealed sealed; /* on: the record is stored sealed */

	struct twofa_state state;
};

/*
 * Defaults for a new record: TOTP, SHA1, 6 digits, 30 s, window 1 (HOTP:
 * 10), no secret, no backup codes, state zeroed, created = now.
 */
void twofa_record_init(struct twofa_record *rec, enum twofa_otp_type type,
		       uint64_t now);

/* Check every field is in range (also used before writing). */
int twofa_record_check(const struct twofa_record *rec,
		       struct twofa_parse_error *why);

/*
 * The configuration part of a record's text, line by line, for the
 * parsers of both record forms (an enrollment and a pending invitation):
 * every line must end in a newline and hold printable ASCII only; each
 * one goes to line() with its 1-based number and the caller's *seen
 * (which keys were met). Stops at and returns line()'s first error, or
 * TWOFA_ERR_MALFORMED (why filled) for a line that breaks those rules.
 */
typedef int twofa_record_line_fn(struct twofa_record *rec, const char *s,
				 size_t n, unsigned lineno, unsigned *seen,
				 struct twofa_parse_error *why);
int twofa_record_parse_lines(struct twofa_record *rec, const char *text,
			     size_t len, twofa_record_line_fn *line,
			     unsigned *seen, struct twofa_parse_error *why);

/*
 * Parse len bytes of record text. Strict: any unknown or duplicate key,
 * out-of-range value, NUL byte, bad base32 or missing field is
 * TWOFA_ERR_MALFORMED (TWOFA_ERR_TOO_BIG over TWOFA_RECORD_MAX;
 * TWOFA_ERR_CRYPTO when a slot's check cannot be computed).
 * *slot_off receives the byte offset of slot A (slot B follows it), and
 * *cur_slot which slot holds the state that was loaded (0 = A, 1 = B).
 * A slot whose checksum does not match is treated as a torn write and
 * ignored; if neither is valid, the record is malformed.
 * On failure rec is wiped.
 */
int twofa_record_parse(const char *text, size_t len, struct twofa_record *rec,
		       size_t *slot_off, unsigned *cur_slot,
		       struct twofa_parse_error *why);

/*
 * Format rec as canonical text into a newly allocated buffer (free with
 * twofa_freezero(*out, *outlen)). Both slots hold rec->state. Parsing the
 * result gives back rec exactly; formatting that gives back the same text.
 */
int twofa_record_format(const struct twofa_record *rec, char **out,
			size_t *outlen);

/*
 * Format one state slot of rec: for a sealed record the slot's check also
 * covers the sealed secret's tag, so a slot taken from another record does
 * not count as a valid slot of this one (twofa(5)).
 */
int twofa_record_slot_format(const struct twofa_record *rec,
			     const struct twofa_state *st, unsigned slot,
			     char line[TWOFA_SLOT_LEN]);

/*
 * The configuration values as text (every line but the version and the
 * secret), the part of a sealed secret's additional data that binds them.
 */
#define TWOFA_RECORD_CONFIG_TEXT_MAX (512 + TWOFA_BACKUP_MAX * 112)
int twofa_record_config_text(const struct twofa_record *rec, char *buf,
			     size_t cap, size_t *len);

/* Number of backup codes not yet used. */
unsigned twofa_record_backup_left(const struct twofa_record *rec);

/* Wipe a record (secret, hashes, everything). */
void twofa_record_wipe(struct twofa_record *rec);

const char *twofa_otp_type_name(enum twofa_otp_type type);

#endif
