/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store side of an invitation: storing it (twofa-admin invite), the
 * first code of the new secret, and the account phase's compare-and-swap
 * of the pending record by the new one, which spends the ticket. All of
 * it goes through the store interface (twofa/store.h), so it works the
 * same with every backend: a version that moved since the load is a
 * conflict, and nothing is written.
 */
#include <string.h>

#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/otp.h"

/* How often the first code's failure count is retried after a conflict. */
#define CONFIRM_TRIES 8

int twofa_invite_store(struct twofa_store *st, const char *user,
		       const struct twofa_record *pending, bool force,
		       enum twofa_invite_replaced *replaced,
		       struct twofa_error *why)
{
	enum twofa_invite_replaced dummy;
	struct twofa_loaded *l = NULL;
	int ret;

	if (replaced == NULL)
		replaced = &dummy;
	*replaced = TWOFA_REPLACED_NOTHING;
	if (!pending->pending)
		return TWOFA_ERR_INVALID;
	ret = twofa_store_load(st, user, &l, why);
	if (ret == TWOFA_ERR_NO_RECORD) {
		/* Nobody there: create, never over a record made meanwhile. */
		return twofa_store_create(st, user, pending, false, why);
	}
	if (ret != TWOFA_OK) {
		/* Unreadable or broken: only --force may replace it. */
		if (!force || ret == TWOFA_ERR_BAD_USER ||
		    ret == TWOFA_ERR_LOCK_TIMEOUT || ret == TWOFA_ERR_NOMEM ||
		    ret == TWOFA_ERR_UNAVAILABLE)
			return ret;
		*replaced = TWOFA_REPLACED_UNREADABLE;
		return twofa_store_create(st, user, pending, true, why);
	}
	if (!l->rec.pending && !force) {
		ret = twofa_fail(why, TWOFA_ERR_EXISTS, 0, "user is enrolled",
				 twofa_store_where(st), user);
		goto out;
	}
	/* A pending user's old ticket, or (force) the lost phone's record. */
	*replaced = l->rec.pending ? TWOFA_REPLACED_INVITATION
				   : TWOFA_REPLACED_ENROLLMENT;
	ret = twofa_store_replace(l, pending, why);
out:
	twofa_store_release(l);
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

/* The loaded record still holds the invitation that was accepted? */
static int still_invited(const struct twofa_loaded *l,
			 const struct twofa_ticket *accepted,
			 struct twofa_error *why)
{
	if (l->rec.pending && twofa_ticket_same(&l->rec.ticket, accepted))
		return TWOFA_OK;
	return twofa_fail(why, TWOFA_ERR_CONFLICT, 0,
			  l->rec.pending
			      ? "invitation replaced during the login"
			      : "enrolled by another login meanwhile",
			  twofa_store_where(l->store), l->user);
}

int twofa_enroll_confirm(struct twofa_store *st, const char *user,
			 const struct twofa_ticket *accepted,
			 struct twofa_record *newrec, const char *code,
			 uint64_t now, const struct twofa_policy *pol,
			 struct twofa_outcome *out, struct twofa_error *why)
{
	struct twofa_loaded *l = NULL;
	struct twofa_state next;
	uint64_t step, first, last, matched = 0;
	unsigned attempt;
	int ret = TWOFA_ERR_CONFLICT;

	memset(out, 0, sizeof(*out));
	out->verdict = TWOFA_VERDICT_REJECTED;
	out->method = TWOFA_METHOD_ENROLL;
	step = twofa_totp_step(now, newrec->period);
	first = step >= newrec->window ? step - newrec->window : 0;
	last = step + newrec->window;
	for (attempt = 0; attempt < CONFIRM_TRIES; attempt++) {
		ret = twofa_store_load(st, user, &l, why);
		if (ret != TWOFA_OK)
			goto out;
		ret = still_invited(l, accepted, why);
		if (ret != TWOFA_OK)
			goto out;
		next = l->rec.state;
		if (locked(&next, now)) {
			out->verdict = TWOFA_VERDICT_LOCKED;
			out->failures = next.failures;
			out->locked_until = next.locked_until;
			goto out;
		}
		if (twofa_otp_find(newrec->secret, newrec->secret_len,
				   newrec->alg, newrec->digits, code, first,
				   last, &matched) == TWOFA_OK) {
			/* Used now: the new record must not take it again. */
			out->verdict = TWOFA_VERDICT_ACCEPTED;
			newrec->state.next = matched + 1;
			newrec->state.last_success = now;
			out->backup_left = twofa_record_backup_left(newrec);
			goto out;
		}
		/* A wrong first code counts against the invitation. */
		if (next.locked_until != 0) {
			next.locked_until = 0;
			next.failures = 0;
		}
		if (next.failures < UINT32_MAX)
			next.failures++;
		out->just_locked = false;
		if (pol->deny != 0 && next.failures >= pol->deny) {
			next.locked_until = pol->unlock_time == 0
						? TWOFA_LOCKED_FOREVER
						: now + pol->unlock_time;
			out->just_locked = true;
		}
		ret = twofa_store_cas_state(l, &next, why);
		if (ret == TWOFA_OK) {
			out->failures = next.failures;
			out->locked_until = next.locked_until;
			goto out;
		}
		if (ret != TWOFA_ERR_CONFLICT)
			goto out;
		twofa_store_release(l);
		l = NULL;
	}
out:
	if (ret != TWOFA_OK) {
		out->verdict = TWOFA_VERDICT_REJECTED;
		out->just_locked = false;
	}
	twofa_store_release(l);
	return ret;
}

int twofa_enroll_commit(struct twofa_store *st, const char *user,
			const struct twofa_ticket *accepted,
			const struct twofa_record *newrec,
			struct twofa_error *why)
{
	struct twofa_loaded *l = NULL;
	int ret;

	if (newrec->pending)
		return TWOFA_ERR_INVALID;
	ret = twofa_store_load(st, user, &l, why);
	if (ret == TWOFA_ERR_NO_RECORD)
		/* Disabled by the admin meanwhile: nothing to enroll into. */
		ret = twofa_fail(why, TWOFA_ERR_CONFLICT, 0,
				 "invitation removed during the login",
				 twofa_store_where(st), user);
	if (ret != TWOFA_OK)
		goto out;
	ret = still_invited(l, accepted, why);
	if (ret != TWOFA_OK)
		goto out;
	/*
	 * A compare-and-swap against the version just loaded: a login that
	 * committed in between makes this a conflict, and nothing is written.
	 */
	ret = twofa_store_replace(l, newrec, why);
out:
	twofa_store_release(l);
	return ret;
}
