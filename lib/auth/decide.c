/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The login decision as a pure function: lockout, OTP, backup code,
 * replay guard. It reads the record and writes only *next and *out, so
 * every store gets the same answer and a login that lost a race can
 * simply decide again on the record it reloads.
 */
#include <string.h>

#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/otp.h"

void twofa_policy_default(struct twofa_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->window = -1;
	pol->deny = TWOFA_DENY_DEFAULT;
	pol->unlock_time = TWOFA_UNLOCK_DEFAULT;
	pol->allow_backup = true;
	pol->code_suffix = false;
}

void twofa_policy_from_conf(struct twofa_policy *pol,
			    const struct twofa_conf *conf)
{
	pol->window = conf->window;
	pol->deny = conf->deny;
	pol->unlock_time = conf->unlock_time;
}

/*
 * Where the OTP and the backup code start in the typed text. Without
 * code_suffix both are the whole text. With it, the OTP is the last digits
 * characters and a backup code the last 9 characters when they read
 * "NNNN NNNN" (a space 4 from the end), else the last 8.
 */
static void code_offsets(const char *code, unsigned digits, bool suffix,
			 size_t *otp_off, size_t *backup_off)
{
	size_t len = strlen(code);

	*otp_off = 0;
	*backup_off = 0;
	if (!suffix)
		return;
	*otp_off = len >= digits ? len - digits : 0;
	if (len >= TWOFA_BACKUP_DIGITS + 1 && code[len - 5] == ' ')
		*backup_off = len - (TWOFA_BACKUP_DIGITS + 1);
	else if (len >= TWOFA_BACKUP_DIGITS)
		*backup_off = len - TWOFA_BACKUP_DIGITS;
}

const char *twofa_method_name(enum twofa_method m)
{
	switch (m) {
	case TWOFA_METHOD_TOTP:
		return "totp";
	case TWOFA_METHOD_HOTP:
		return "hotp";
	case TWOFA_METHOD_BACKUP:
		return "backup";
	case TWOFA_METHOD_TICKET:
		return "ticket";
	case TWOFA_METHOD_ENROLL:
		return "enroll";
	default:
		return "none";
	}
}

/* Backup codes left once next is stored (rec->state is the old state). */
static unsigned backup_left(const struct twofa_record *rec,
			    const struct twofa_state *next)
{
	unsigned n = rec->backup_count < TWOFA_BACKUP_MAX ? rec->backup_count
							  : TWOFA_BACKUP_MAX;
	uint64_t all = n >= 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;

	return n - (unsigned)__builtin_popcountll(next->backup_used & all);
}

const char *twofa_reason_name(enum twofa_reason r)
{
	switch (r) {
	case TWOFA_REASON_WRONG:
		return "wrong";
	case TWOFA_REASON_REPLAY:
		return "replay";
	case TWOFA_REASON_WINDOW:
		return "window";
	case TWOFA_REASON_BACKUP_USED:
		return "backup-used";
	case TWOFA_REASON_LOCKED:
		return "locked";
	case TWOFA_REASON_EXPIRED:
		return "expired";
	case TWOFA_REASON_PENDING:
		return "pending";
	default:
		return "none";
	}
}

static bool is_locked(const struct twofa_state *s, uint64_t now)
{
	return s->locked_until != 0 &&
	       (s->locked_until == TWOFA_LOCKED_FOREVER ||
		now < s->locked_until);
}

void twofa_code_range(const struct twofa_record *rec, unsigned window,
		      uint64_t now, uint64_t *first, uint64_t *last)
{
	uint64_t lo, hi;

	if (rec->type == TWOFA_HOTP) {
		lo = rec->state.next;
		hi = lo + window < lo ? UINT64_MAX : lo + window;
	} else {
		uint64_t step = twofa_totp_step(now, rec->period);

		lo = step >= window ? step - window : 0;
		hi = step + window;
	}
	if (lo < rec->state.next)
		lo = rec->state.next;
	if (hi > TWOFA_COUNTER_LAST)
		hi = TWOFA_COUNTER_LAST; /* the guard must not wrap to 0 */
	*first = lo;
	*last = hi;
}

int twofa_code_find(const struct twofa_record *rec, unsigned window,
		    const char *code, uint64_t now, uint64_t *matched)
{
	uint64_t first, last;

	*matched = 0;
	twofa_code_range(rec, window, now, &first, &last);
	if (first > last)
		return TWOFA_ERR_INVALID;
	return twofa_otp_find(rec->secret, rec->secret_len, rec->alg,
			      rec->digits, code, first, last, matched);
}

/*
 * A refused OTP: was it the user's code, only used already (at or behind
 * the guard) or outside the window? One search over the window widened
 * by TWOFA_REASON_SPAN either way (HOTP: behind the guard and ahead), so
 * every refusal costs the same; only after the verdict, which it never
 * changes.
 */
static enum twofa_reason otp_reason(const struct twofa_record *rec,
				    unsigned window, const char *code,
				    uint64_t now)
{
	uint64_t lo, hi, in_lo, in_hi, m = 0;

	if (rec->type == TWOFA_HOTP) {
		in_lo = rec->state.next;
		in_hi = in_lo + window;
		lo = in_lo > TWOFA_REASON_SPAN ? in_lo - TWOFA_REASON_SPAN : 0;
	} else {
		uint64_t step = twofa_totp_step(now, rec->period);

		in_lo = step >= window ? step - window : 0;
		in_hi = step + window;
		lo = in_lo > TWOFA_REASON_SPAN ? in_lo - TWOFA_REASON_SPAN : 0;
	}
	/* Saturating: near 2^64 the range ends at the last counter. */
	if (in_hi < in_lo || in_hi > TWOFA_COUNTER_LAST)
		in_hi = TWOFA_COUNTER_LAST;
	hi = in_hi > TWOFA_COUNTER_LAST - TWOFA_REASON_SPAN
		 ? TWOFA_COUNTER_LAST
		 : in_hi + TWOFA_REASON_SPAN;
	if (lo > hi || twofa_otp_find(rec->secret, rec->secret_len, rec->alg,
				      rec->digits, code, lo, hi,
				      &m) != TWOFA_OK)
		return TWOFA_REASON_WRONG;
	if (m < rec->state.next)
		return TWOFA_REASON_REPLAY;
	if (m < in_lo || m > in_hi)
		return TWOFA_REASON_WINDOW;
	return TWOFA_REASON_WRONG; /* cannot happen: it would be accepted */
}

void twofa_decide(const struct twofa_record *rec, const char *code,
		  uint64_t now, const struct twofa_policy *pol,
		  struct twofa_state *next, struct twofa_outcome *out)
{
	char backup[TWOFA_BACKUP_DIGITS + 1];
	uint64_t matched = 0;
	size_t otp_off, backup_off;
	unsigned window, index = 0;

	memset(out, 0, sizeof(*out));
	memset(backup, 0, sizeof(backup));
	*next = rec->state;
	out->verdict = TWOFA_VERDICT_REJECTED;
	out->method =
	    rec->type == TWOFA_HOTP ? TWOFA_METHOD_HOTP : TWOFA_METHOD_TOTP;
	code_offsets(code, rec->digits, pol->code_suffix, &otp_off,
		     &backup_off);
	out->code_start = otp_off;

	if (rec->pending) {
		/* No secret to check: twofa_ticket_decide() is for these. */
		goto report;
	}
	if (is_locked(next, now)) {
		/* Locked: the code is not even looked at, nothing changes. */
		out->verdict = TWOFA_VERDICT_LOCKED;
		out->reason = TWOFA_REASON_LOCKED;
		goto report;
	}
	out->changed = true;
	if (next->locked_until != 0) {
		/* The lock has expired: start counting afresh. */
		next->locked_until = 0;
		next->failures = 0;
	}

	window = pol->window >= 0 ? (unsigned)pol->window : rec->window;
	if (twofa_code_find(rec, window, code + otp_off, now, &matched) ==
	    TWOFA_OK) {
		out->verdict = TWOFA_VERDICT_ACCEPTED;
		next->next = matched + 1;
	} else if (pol->allow_backup &&
		   twofa_backup_normalise(code + backup_off, backup) ==
		       TWOFA_OK) {
		/*
		 * A refused text that can only be a backup code is reported
		 * as one, so a log line tells "used backup code" apart from
		 * "wrong OTP".
		 */
		if (strlen(code + otp_off) != rec->digits ||
		    strchr(code + otp_off, ' ') != NULL)
			out->method = TWOFA_METHOD_BACKUP;
		if (twofa_backup_match(rec, backup, &index) == TWOFA_OK) {
			out->verdict = TWOFA_VERDICT_ACCEPTED;
			out->method = TWOFA_METHOD_BACKUP;
			out->code_start = backup_off;
			next->backup_used |= UINT64_C(1) << index;
		}
	}

	if (out->verdict == TWOFA_VERDICT_ACCEPTED) {
		next->failures = 0;
		next->last_success = now;
	} else {
		/*
		 * A 12-digit answer costs an invited user a ticket hash
		 * (lib/invite): the same here, so the wait tells nothing.
		 */
		twofa_ticket_burn(code);
		out->reason =
		    otp_reason(rec, window, code + otp_off, now);
		if (out->reason == TWOFA_REASON_WRONG &&
		    out->method == TWOFA_METHOD_BACKUP &&
		    twofa_backup_match_used(rec, backup) == TWOFA_OK)
			out->reason = TWOFA_REASON_BACKUP_USED;
		if (next->failures < UINT32_MAX)
			next->failures++;
		if (pol->deny != 0 && next->failures >= pol->deny) {
			next->locked_until = pol->unlock_time == 0
						 ? TWOFA_LOCKED_FOREVER
						 : now + pol->unlock_time;
			out->just_locked = true;
		}
	}
report:
	out->failures = next->failures;
	out->locked_until = next->locked_until;
	out->backup_left = backup_left(rec, next);
	twofa_wipe(backup, sizeof(backup));
}
