/* The login decision: lockout, OTP, backup code, replay guard. */
#include <string.h>

#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/otp.h"

void twofa_policy_default(struct twofa_policy *pol)
{
	pol->window = -1;
	pol->deny = 5;
	pol->unlock_time = 600;
	pol->allow_backup = true;
	pol->lock_timeout_ms = TWOFA_LOCK_TIMEOUT_MS;
	pol->code_suffix = false;
	pol->enroll = false;
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

static bool is_locked(const struct twofa_state *s, uint64_t now)
{
	return s->locked_until != 0 &&
	       (s->locked_until == TWOFA_LOCKED_FOREVER ||
		now < s->locked_until);
}

/*
 * Which counters may the code be for? TOTP: the steps within the window
 * around now; HOTP: the next counter and window more. Nothing below
 * state.next, the replay guard. *first > *last means none.
 */
static void otp_range(const struct twofa_record *rec, unsigned window,
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
	*first = lo;
	*last = hi;
}

static int try_otp(const struct twofa_record *rec, unsigned window,
		   const char *code, uint64_t now, uint64_t *matched)
{
	uint64_t first, last;

	otp_range(rec, window, now, &first, &last);
	if (first > last)
		return TWOFA_ERR_INVALID;
	return twofa_otp_find(rec->secret, rec->secret_len, rec->alg,
			      rec->digits, code, first, last, matched);
}

int twofa_authenticate(struct twofa_store *st, const char *user,
		       const char *code, uint64_t now,
		       const struct twofa_policy *pol,
		       struct twofa_outcome *out, struct twofa_store_error *why)
{
	struct twofa_handle *h = NULL;
	struct twofa_state *s;
	char backup[TWOFA_BACKUP_DIGITS + 1];
	uint64_t matched = 0;
	size_t otp_off, backup_off;
	unsigned window, index = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(backup, 0, sizeof(backup));
	out->verdict = TWOFA_VERDICT_REJECTED;
	ret = twofa_handle_open(st, user, pol->lock_timeout_ms, &h, why);
	if (ret != TWOFA_OK)
		goto out;
	if (h->rec.pending) {
		/* An invitation, not an enrollment: only its ticket counts. */
		bool changed = false;

		ret = twofa_ticket_decide(&h->rec, code, now, pol,
					  &h->rec.state, &changed, out);
		if (ret == TWOFA_OK && changed)
			ret = twofa_handle_commit_state(h, why);
		goto out;
	}
	s = &h->rec.state;
	out->method =
	    h->rec.type == TWOFA_HOTP ? TWOFA_METHOD_HOTP : TWOFA_METHOD_TOTP;
	code_offsets(code, h->rec.digits, pol->code_suffix, &otp_off,
		     &backup_off);
	out->code_start = otp_off;

	if (is_locked(s, now)) {
		/* Locked: the code is not even looked at, nothing changes. */
		out->verdict = TWOFA_VERDICT_LOCKED;
		out->failures = s->failures;
		out->locked_until = s->locked_until;
		out->backup_left = twofa_record_backup_left(&h->rec);
		ret = TWOFA_OK;
		goto out;
	}
	if (s->locked_until != 0) {
		/* The lock has expired: start counting afresh. */
		s->locked_until = 0;
		s->failures = 0;
	}

	window = pol->window >= 0 ? (unsigned)pol->window : h->rec.window;
	if (try_otp(&h->rec, window, code + otp_off, now, &matched) ==
	    TWOFA_OK) {
		out->verdict = TWOFA_VERDICT_ACCEPTED;
		s->next = matched + 1;
	} else if (pol->allow_backup &&
		   twofa_backup_normalise(code + backup_off, backup) ==
		       TWOFA_OK) {
		/*
		 * A refused text that can only be a backup code is reported
		 * as one, so a log line tells "used backup code" apart from
		 * "wrong OTP".
		 */
		if (strlen(code + otp_off) != h->rec.digits ||
		    strchr(code + otp_off, ' ') != NULL)
			out->method = TWOFA_METHOD_BACKUP;
		if (twofa_backup_match(&h->rec, backup, &index) == TWOFA_OK) {
			out->verdict = TWOFA_VERDICT_ACCEPTED;
			out->method = TWOFA_METHOD_BACKUP;
			out->code_start = backup_off;
			s->backup_used |= UINT64_C(1) << index;
		}
	}

	if (out->verdict == TWOFA_VERDICT_ACCEPTED) {
		s->failures = 0;
		s->last_success = now;
	} else {
		if (s->failures < UINT32_MAX)
			s->failures++;
		if (pol->deny != 0 && s->failures >= pol->deny) {
			s->locked_until = pol->unlock_time == 0
					      ? TWOFA_LOCKED_FOREVER
					      : now + pol->unlock_time;
			out->just_locked = true;
		}
	}
	/* Durable before anyone is told: the replay guard comes first. */
	ret = twofa_handle_commit_state(h, why);
	if (ret != TWOFA_OK) {
		out->verdict = TWOFA_VERDICT_REJECTED;
		out->just_locked = false;
		goto out;
	}
	out->failures = s->failures;
	out->locked_until = s->locked_until;
	out->backup_left = twofa_record_backup_left(&h->rec);
out:
	if (ret != TWOFA_OK)
		out->verdict = TWOFA_VERDICT_REJECTED;
	twofa_wipe(backup, sizeof(backup));
	twofa_handle_close(h);
	return ret;
}
