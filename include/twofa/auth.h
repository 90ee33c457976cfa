/*
 * The login decision, shared by pam_twofa.so, twofa-admin verify and
 * twofa-admin token so that all three behave exactly alike.
 */
#ifndef TWOFA_AUTH_H
#define TWOFA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twofa/store.h"

struct twofa_policy {
	int window;	      /* -1: the record's value */
	unsigned deny;	      /* lock after this many failures; 0 never */
	uint64_t unlock_time; /* seconds; 0: until unlocked by an admin */
	bool allow_backup;
	unsigned lock_timeout_ms;
	/*
	 * The code ends the typed text (pam_twofa forward_pass: password and
	 * code typed together). The OTP is the last `digits` characters, a
	 * backup code the last 8 digits or "NNNN NNNN"; out->code_start says
	 * where the code began, so the caller can hand on the rest.
	 */
	bool code_suffix;
	/*
	 * A pending user (SPEC 9) may answer with the invitation's ticket
	 * (pam_twofa's `enroll`). Off: every answer of a pending user is a
	 * failure.
	 */
	bool enroll;
};

/*
 * deny=5, unlock_time=600, window from record, backup codes accepted, the
 * whole text is the code.
 */
void twofa_policy_default(struct twofa_policy *pol);

enum twofa_verdict {
	TWOFA_VERDICT_ACCEPTED = 0,
	TWOFA_VERDICT_REJECTED, /* wrong, replayed or too old code */
	TWOFA_VERDICT_LOCKED,	/* account locked; the code was not checked */
	/*
	 * A pending user typed the right ticket (pol->enroll only): the
	 * caller goes on to enrollment. Never a successful login by itself.
	 */
	TWOFA_VERDICT_TICKET,
};

enum twofa_method {
	TWOFA_METHOD_NONE = 0,
	TWOFA_METHOD_TOTP,
	TWOFA_METHOD_HOTP,
	TWOFA_METHOD_BACKUP,
	TWOFA_METHOD_TICKET, /* a pending user's invitation ticket */
	TWOFA_METHOD_ENROLL, /* the first code of a self-enrollment */
};
const char *twofa_method_name(enum twofa_method m); /* "totp", ... */

struct twofa_outcome {
	enum twofa_verdict verdict;
	enum twofa_method method; /* what accepted, or the record's OTP type */
	unsigned backup_left;	  /* after this attempt */
	uint32_t failures;	  /* after this attempt */
	uint64_t locked_until;	  /* after this attempt; 0 none */
	bool just_locked;	  /* this failure started the lock */
	size_t code_start; /* code_suffix: offset of the code in the text */
	bool ticket_expired; /* pending: the invitation has run out */
	/*
	 * TWOFA_VERDICT_TICKET: which invitation was accepted, so that the
	 * enrollment it leads to commits only over that one (a hash: never
	 * logged or shown).
	 */
	struct twofa_ticket ticket;
};

/*
 * Check one typed code for user at Unix time now, under the record's lock:
 * a locked account is refused without looking at the code; otherwise the
 * OTP is tried, then (when allowed) a backup code. The new state (replay
 * guard, burnt backup code, failure count, lock) is made durable before
 * this returns 0 with the verdict. Any error (no record, unsafe, malformed,
 * lock timeout, I/O) returns < 0 and the attempt must be refused.
 */
int twofa_authenticate(struct twofa_store *st, const char *user,
		       const char *code, uint64_t now,
		       const struct twofa_policy *pol,
		       struct twofa_outcome *out,
		       struct twofa_store_error *why);

#endif
