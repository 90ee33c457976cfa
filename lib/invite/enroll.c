/*
 * The store side of an invitation: storing it (twofa-admin invite), the
 * first code of the new secret (under the pending record's lock), and
 * the account phase's compare-and-swap of the pending record by the new
 * one, which spends the ticket.
 */
#include <string.h>

#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/otp.h"

int twofa_invite_store(struct twofa_store *st, const char *user,
		       const struct twofa_record *pending, bool force,
		       unsigned timeout_ms, enum twofa_invite_replaced *replaced,
		       struct twofa_store_error *why)
{
	enum twofa_invite_replaced dummy;
	struct twofa_handle *h = NULL;
	int ret;

	if (replaced == NULL)
		replaced = &dummy;
	*replaced = TWOFA_REPLACED_NOTHING;
	if (!pending->pending)
		return TWOFA_ERR_INVALID;
	ret = twofa_handle_open(st, user, timeout_ms, &h, why);
	if (ret == TWOFA_ERR_NO_RECORD) {
		/* Nobody there: create, never over a record made meanwhile. */
		return twofa_store_create(st, user, pending, false, timeout_ms,
					  why);
	}
	if (ret != TWOFA_OK) {
		/* Unreadable or broken: only --force may replace it. */
		if (!force || ret == TWOFA_ERR_BAD_USER ||
		    ret == TWOFA_ERR_LOCK_TIMEOUT || ret == TWOFA_ERR_NOMEM)
			return ret;
		*replaced = TWOFA_REPLACED_UNREADABLE;
		return twofa_store_create(st, user, pending, true, timeout_ms,
					  why);
	}
	if (!h->rec.pending && !force) {
		ret = TWOFA_ERR_EXISTS;
		if (why != NULL) {
			why->sys_errno = 0;
			why->what = "user is enrolled";
		}
		goto out;
	}
	/* A pending user's old ticket, or (force) the lost phone's record. */
	*replaced = h->rec.pending ? TWOFA_REPLACED_INVITATION
				   : TWOFA_REPLACED_ENROLLMENT;
	twofa_record_wipe(&h->rec);
	memcpy(&h->rec, pending, sizeof(h->rec));
	ret = twofa_handle_rewrite(h, why);
out:
	twofa_handle_close(h);
	return ret;
}

int twofa_enroll_new(struct twofa_record *rec, uint64_t now,
		     unsigned backup_count, char *codes, size_t codes_size)
{
	int ret;

	twofa_record_init(rec, TWOFA_TOTP, now);
	rec->secret_len = TWOFA_SECRET_DEFAULT;
	ret = twofa_random(rec->secret, rec->secret_len);
	if (ret == TWOFA_OK)
		ret = twofa_backup_generate(rec, backup_count, codes,
					    codes_size);
	if (ret == TWOFA_OK)
		ret = twofa_record_check(rec, NULL);
	if (ret != TWOFA_OK)
		twofa_record_wipe(rec);
	return ret;
}

static bool locked(const struct twofa_state *s, uint64_t now)
{
	return s->locked_until != 0 &&
	       (s->locked_until == TWOFA_LOCKED_FOREVER ||
		now < s->locked_until);
}

/* The pending record h still holds the invitation that was accepted? */
static int still_invited(const struct twofa_handle *h,
			 const struct twofa_ticket *accepted,
			 struct twofa_store_error *why)
{
	if (h->rec.pending && twofa_ticket_same(&h->rec.ticket, accepted))
		return TWOFA_OK;
	if (why != NULL) {
		why->sys_errno = 0;
		why->what = h->rec.pending
				? "invitation replaced during the login"
				: "enrolled by another login meanwhile";
	}
	return TWOFA_ERR_CONFLICT;
}

int twofa_enroll_confirm(struct twofa_store *st, const char *user,
			 const struct twofa_ticket *accepted,
			 struct twofa_record *newrec, const char *code,
			 uint64_t now, const struct twofa_policy *pol,
			 struct twofa_outcome *out,
			 struct twofa_store_error *why)
{
	struct twofa_handle *h = NULL;
	struct twofa_state *s;
	uint64_t step, first, last, matched = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	out->verdict = TWOFA_VERDICT_REJECTED;
	out->method = TWOFA_METHOD_ENROLL;
	ret = twofa_handle_open(st, user, pol->lock_timeout_ms, &h, why);
	if (ret != TWOFA_OK)
		goto out;
	ret = still_invited(h, accepted, why);
	if (ret != TWOFA_OK)
		goto out;
	s = &h->rec.state;
	if (locked(s, now)) {
		out->verdict = TWOFA_VERDICT_LOCKED;
		out->failures = s->failures;
		out->locked_until = s->locked_until;
		goto out;
	}
	step = twofa_totp_step(now, newrec->period);
	first = step >= newrec->window ? step - newrec->window : 0;
	last = step + newrec->window;
	if (twofa_otp_find(newrec->secret, newrec->secret_len, newrec->alg,
			   newrec->digits, code, first, last,
			   &matched) == TWOFA_OK) {
		/* This code is used: the new record must not accept it again. */
		out->verdict = TWOFA_VERDICT_ACCEPTED;
		newrec->state.next = matched + 1;
		newrec->state.last_success = now;
		out->backup_left = twofa_record_backup_left(newrec);
		goto out;
	}
	if (s->locked_until != 0) {
		s->locked_until = 0;
		s->failures = 0;
	}
	if (s->failures < UINT32_MAX)
		s->failures++;
	if (pol->deny != 0 && s->failures >= pol->deny) {
		s->locked_until = pol->unlock_time == 0
				      ? TWOFA_LOCKED_FOREVER
				      : now + pol->unlock_time;
		out->just_locked = true;
	}
	ret = twofa_handle_commit_state(h, why);
	if (ret != TWOFA_OK) {
		out->just_locked = false;
		goto out;
	}
	out->failures = s->failures;
	out->locked_until = s->locked_until;
out:
	if (ret != TWOFA_OK)
		out->verdict = TWOFA_VERDICT_REJECTED;
	twofa_handle_close(h);
	return ret;
}

int twofa_enroll_commit(struct twofa_store *st, const char *user,
			const struct twofa_ticket *accepted,
			const struct twofa_record *newrec, unsigned timeout_ms,
			struct twofa_store_error *why)
{
	struct twofa_handle *h = NULL;
	int ret;

	if (newrec->pending)
		return TWOFA_ERR_INVALID;
	ret = twofa_handle_open(st, user, timeout_ms, &h, why);
	if (ret == TWOFA_ERR_NO_RECORD) {
		/* Disabled by the admin meanwhile: nothing to enroll into. */
		if (why != NULL)
			why->what = "invitation removed during the login";
		ret = TWOFA_ERR_CONFLICT;
	}
	if (ret != TWOFA_OK)
		goto out;
	ret = still_invited(h, accepted, why);
	if (ret != TWOFA_OK)
		goto out;
	twofa_record_wipe(&h->rec);
	memcpy(&h->rec, newrec, sizeof(h->rec));
	ret = twofa_handle_rewrite(h, why);
out:
	twofa_handle_close(h);
	return ret;
}
