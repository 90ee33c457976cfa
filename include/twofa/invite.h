/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Invitations (SPEC 9): an admin stores a pending enrollment for a user,
 * holding only the salted, slow hash of a one-time 12-digit ticket and its
 * expiry; at a login with the module's `enroll` option the user types the
 * ticket, gets a fresh secret and backup codes in the next prompt, and the
 * account phase replaces the pending enrollment by the new record.
 */
#ifndef TWOFA_INVITE_H
#define TWOFA_INVITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twofa/auth.h"
#include "twofa/qr.h"
#include "twofa/record.h"
#include "twofa/store.h"

#define TWOFA_TICKET_DIGITS 12
/* "NNNN NNNN NNNN" as shown to the admin, without NUL. */
#define TWOFA_TICKET_SHOWN 14

/*
 * PBKDF2-HMAC-SHA256 iterations for a new ticket: ten times a backup
 * code's, so checking a ticket costs what checking an enrolled user's ten
 * backup codes costs (about 25 ms), and a stolen pending record costs an
 * attacker 10^12 / 2 such hashes (centuries of CPU) while its ticket is
 * valid for days.
 */
#define TWOFA_TICKET_ITERATIONS	    100000
#define TWOFA_TICKET_ITERATIONS_MIN 10000
#define TWOFA_TICKET_ITERATIONS_MAX 1000000

#define TWOFA_INVITE_TTL_DEFAULT (72 * 3600)
#define TWOFA_INVITE_TTL_MAX	 (90 * 24 * 3600)

/*
 * A fresh pending record (created = now, expiry now + ttl, state zeroed)
 * with a random ticket, written to shown as "NNNN NNNN NNNN" for printing
 * once; wipe it afterwards. On failure both are wiped.
 */
int twofa_invite_new(struct twofa_record *rec, uint64_t now, uint64_t ttl,
		     char shown[TWOFA_TICKET_SHOWN + 1]);

/*
 * A typed ticket with its spaces dropped: exactly 12 digits into
 * out[TWOFA_TICKET_DIGITS + 1], else TWOFA_ERR_INVALID (out wiped).
 */
int twofa_ticket_normalise(const char *typed,
			   char out[TWOFA_TICKET_DIGITS + 1]);

/*
 * Does the normalised ticket match? One hash at the ticket's work factor
 * and a constant-time compare: 0 on a match, TWOFA_ERR_INVALID when not,
 * TWOFA_ERR_CRYPTO when the hash cannot be computed. Expiry is not looked
 * at here (twofa_ticket_decide does).
 */
int twofa_ticket_match(const struct twofa_ticket *t, const char *ticket);

/*
 * Spend what checking a ticket costs when typed could be one (12 digits,
 * spaces aside), with a throwaway salt: an enrolled user's or a user
 * without a record's answer then takes as long as an invited user's, so
 * the wait does not tell who holds an invitation.
 */
void twofa_ticket_burn(const char *typed);

/* Is b the same invitation as a (salt and hash, in constant time)? */
bool twofa_ticket_same(const struct twofa_ticket *a,
		       const struct twofa_ticket *b);

/*
 * The login decision for a pending record, pure like the code decision
 * (lib/auth): a locked record is refused without looking at the answer
 * (out->changed false); otherwise a typed ticket is hashed (an 8-digit
 * answer costs what an enrolled user's backup codes cost), and only with
 * pol->enroll, before the expiry, a right ticket gives
 * TWOFA_VERDICT_TICKET (never ACCEPTED: a ticket alone never passes a
 * login) with out->ticket set. Anything else is a failure, counted and
 * locking as for a wrong code. The state to store goes to *next (which
 * may be &rec->state); method is TWOFA_METHOD_TICKET.
 */
int twofa_ticket_decide(const struct twofa_record *rec, const char *typed,
			uint64_t now, const struct twofa_policy *pol,
			struct twofa_state *next, struct twofa_outcome *out);

/* The pending form's text (twofa(5)); called by the record parser. */
bool twofa_pending_is(const char *text, size_t len);
int twofa_pending_parse_config(struct twofa_record *rec, const char *text,
			       size_t len, struct twofa_parse_error *why);
int twofa_pending_check(const struct twofa_record *rec,
			struct twofa_parse_error *why);
/* Writes the configuration part into buf (cap bytes); *len its length. */
int twofa_pending_format_config(const struct twofa_record *rec, char *buf,
				size_t cap, size_t *len);

/* What an invitation took the place of. */
enum twofa_invite_replaced {
	TWOFA_REPLACED_NOTHING = 0,
	TWOFA_REPLACED_INVITATION, /* the old ticket stops working */
	TWOFA_REPLACED_ENROLLMENT, /* force: secret and backup codes too */
	TWOFA_REPLACED_UNREADABLE, /* force over a record that was refused */
};

/*
 * Store a pending enrollment for user. A user who is already pending gets
 * the new ticket in place of the old; an enrolled user is refused with
 * TWOFA_ERR_EXISTS unless force, which replaces the record at once.
 * *replaced (may be NULL) says what was there.
 */
int twofa_invite_store(struct twofa_store *st, const char *user,
		       const struct twofa_record *pending, bool force,
		       enum twofa_invite_replaced *replaced,
		       struct twofa_error *why);

/*
 * The enrollment a right ticket leads to: a new TOTP record (SHA1, 6
 * digits, 30 s, window 1: what every authenticator app reads), a 160-bit
 * secret and backup_count backup codes, written to codes as
 * twofa_backup_generate() does.
 */
int twofa_enroll_new(struct twofa_record *rec, uint64_t now,
		     unsigned backup_count, char *codes, size_t codes_size);

/*
 * Check the first code from the new secret, under the pending record's
 * lock. The record must still be the invitation whose ticket was
 * accepted (TWOFA_ERR_CONFLICT otherwise: replaced, re-invited or
 * enrolled meanwhile). Locked: refused unchecked. A right code gives
 * TWOFA_VERDICT_ACCEPTED, method TWOFA_METHOD_ENROLL, and moves newrec's
 * replay guard past it; nothing is written. A wrong code is a failure of
 * the pending record, made durable.
 */
int twofa_enroll_confirm(struct twofa_store *st, const char *user,
			 const struct twofa_ticket *accepted,
			 struct twofa_record *newrec, const char *code,
			 uint64_t now, const struct twofa_policy *pol,
			 struct twofa_outcome *out, struct twofa_error *why);

/*
 * The account phase's commit: one atomic replace of the pending record
 * by newrec, only if it is still the invitation accepted (a
 * compare-and-swap: TWOFA_ERR_CONFLICT and nothing written when another
 * login committed first or the admin re-invited). Replacing it spends
 * the ticket.
 */
int twofa_enroll_commit(struct twofa_store *st, const char *user,
			const struct twofa_ticket *accepted,
			const struct twofa_record *newrec,
			struct twofa_error *why);

/* What the enrollment prompt ends with: the question for the first code. */
#define TWOFA_ENROLL_PROMPT "Code from your app: "

/*
 * The enrollment prompt's text for user's new record: the otpauth URI,
 * the QR code drawn in *style (NULL: none), the secret in groups of four
 * and the parameters, the count backup codes (as twofa_backup_generate
 * wrote them), then ending. Holds the secret: free with
 * twofa_free_string().
 */
int twofa_enroll_text(const struct twofa_record *rec, const char *issuer,
		      const char *user, const char *codes, unsigned count,
		      const enum twofa_qr_style *style, const char *ending,
		      char **out);

#endif
