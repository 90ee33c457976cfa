/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The login decision, shared by pam_twofa.so, twofa-admin verify and
 * twofa-admin token so that all three behave exactly alike, whatever the
 * store: a pure function (twofa_decide) and one load -> decide ->
 * compare-and-swap loop around it (twofa_authenticate).
 */
#ifndef TWOFA_AUTH_H
#define TWOFA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twofa/conf.h"
#include "twofa/record.h"
#include "twofa/store.h"

struct twofa_policy {
	int window;	      /* -1: the record's value */
	unsigned deny;	      /* lock after this many failures; 0 never */
	uint64_t unlock_time; /* seconds; 0: until unlocked by an admin */
	bool allow_backup;
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
 * The defaults (twofa/conf.h): deny=5, unlock_time=600, window from the
 * record, backup codes accepted, the whole text is the code.
 */
void twofa_policy_default(struct twofa_policy *pol);

/* The policy a configuration sets (deny, unlock_time, window). */
void twofa_policy_from_conf(struct twofa_policy *pol,
			    const struct twofa_conf *conf);

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

/*
 * Why a code was refused, for the log line and twofa-admin verify (never
 * shown to the user at the prompt: it would help a guesser).
 */
enum twofa_reason {
	TWOFA_REASON_NONE = 0,	   /* accepted */
	TWOFA_REASON_WRONG,	   /* no code of this user's, near or far */
	TWOFA_REASON_REPLAY,	   /* a code at or behind the replay guard */
	TWOFA_REASON_WINDOW,	   /* a real code, but outside the window
				      (clock or counter drift) */
	TWOFA_REASON_BACKUP_USED, /* a backup code that was used up */
	TWOFA_REASON_LOCKED,	   /* locked: the code was not looked at */
	TWOFA_REASON_EXPIRED,	   /* an invitation's ticket past its expiry */
	TWOFA_REASON_PENDING,	   /* an invited user, on a service without
				      enroll: every answer is refused */
};
/*
 * "wrong", "replay", "window", "backup-used", "locked", "expired",
 * "pending"; "none".
 */
const char *twofa_reason_name(enum twofa_reason r);

/*
 * How far outside the window a code is still recognised as the user's
 * (TOTP steps either side, HOTP counters ahead), to say reason=window.
 */
#define TWOFA_REASON_SPAN 10

struct twofa_outcome {
	enum twofa_verdict verdict;
	enum twofa_reason reason; /* why refused (NONE when accepted) */
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
	bool changed;	   /* the state must be stored (not when locked) */
};

/*
 * The decision itself, pure: no store, no clock, no I/O. Given the record
 * as loaded, the typed text, the time and the policy, fill out and the
 * state to store (*next; next->seq is the backend's business). A locked
 * account is refused without looking at the code and out->changed is
 * false; otherwise the OTP is tried, then (when allowed) a backup code,
 * and the replay guard, burnt code, failure count and lock go into next.
 */
void twofa_decide(const struct twofa_record *rec, const char *code,
		  uint64_t now, const struct twofa_policy *pol,
		  struct twofa_state *next, struct twofa_outcome *out);

/*
 * Which counters may a code be for? TOTP: the steps within window either
 * side of now; HOTP: the next counter and window more. Nothing below
 * rec->state.next, the replay guard. *first > *last means none. The one
 * place this is worked out: logins, enrollment's confirmation, the decoy.
 */
void twofa_code_range(const struct twofa_record *rec, unsigned window,
		      uint64_t now, uint64_t *first, uint64_t *last);

/*
 * Look for code in that range (constant time in which counter matched):
 * 0 and the smallest matching counter in *matched, else an error.
 */
int twofa_code_find(const struct twofa_record *rec, unsigned window,
		    const char *code, uint64_t now, uint64_t *matched);

/*
 * A login for a user without a record (SPEC section 3: no enrollment
 * oracle): about what an enrolled user's wrong six-digit code costs, the
 * OTP check over the window's counters with a throwaway key (window < 0:
 * the default, 1) and the store's part (twofa_store_decoy). Best effort:
 * nothing is returned, nothing is stored that could be a secret.
 */
void twofa_decoy_login(struct twofa_store *st, const char *code, int window);

/* How often a login loads and decides again after losing a race. */
#define TWOFA_CAS_TRIES 8

/*
 * Check one typed code for user at Unix time now: load the record,
 * decide, and store the new state with a compare-and-swap; when the store
 * reports a conflict (another login changed the state meanwhile), load and
 * decide again, at most TWOFA_CAS_TRIES times (then TWOFA_ERR_CONFLICT).
 * The new state is durable before this returns 0 with the verdict. Any
 * error (no record, unsafe, malformed, lock timeout, unavailable, I/O)
 * returns < 0 and the attempt must be refused.
 */
int twofa_authenticate(struct twofa_store *st, const char *user,
		       const char *code, uint64_t now,
		       const struct twofa_policy *pol,
		       struct twofa_outcome *out,
		       struct twofa_error *why);

#endif
