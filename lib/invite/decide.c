/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The login decision for a pending user (SPEC 9), beside the code
 * decision of lib/auth: lockout and failure counting work exactly as
 * for codes, so an invitation is no easier to guess than a code.
 */
#include <string.h>

#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"

static bool locked(const struct twofa_state *s, uint64_t now)
{
	return s->locked_until != 0 &&
	       (s->locked_until == TWOFA_LOCKED_FOREVER ||
		now < s->locked_until);
}

int twofa_ticket_decide(const struct twofa_record *rec, const char *typed,
			uint64_t now, const struct twofa_policy *pol,
			struct twofa_state *next, struct twofa_outcome *out)
{
	struct twofa_state st = rec->state, *s = &st;
	char ticket[TWOFA_TICKET_DIGITS + 1];
	char backup[TWOFA_BACKUP_DIGITS + 1];
	bool right = false;
	int ret = TWOFA_ERR_INVALID;

	memset(out, 0, sizeof(*out));
	memset(backup, 0, sizeof(backup));
	memset(ticket, 0, sizeof(ticket));
	out->verdict = TWOFA_VERDICT_REJECTED;
	out->method = TWOFA_METHOD_TICKET;
	if (!rec->pending)
		goto out;
	if (locked(s, now)) {
		out->verdict = TWOFA_VERDICT_LOCKED;
		out->reason = TWOFA_REASON_LOCKED;
		out->failures = s->failures;
		out->locked_until = s->locked_until;
		ret = TWOFA_OK;
		goto out;
	}
	if (s->locked_until != 0) {
		s->locked_until = 0;
		s->failures = 0;
	}
	if (twofa_ticket_normalise(typed, ticket) == TWOFA_OK) {
		/* Hashed even without enroll: the answer takes as long. */
		ret = twofa_ticket_match(&rec->ticket, ticket);
		if (ret == TWOFA_ERR_CRYPTO)
			goto out;
		right = ret == TWOFA_OK;
	} else if (twofa_backup_normalise(typed, backup) == TWOFA_OK) {
		/* What an enrolled user's backup codes would cost. */
		ret = twofa_backup_burn(backup, TWOFA_BACKUP_DEFAULT);
		if (ret != TWOFA_OK)
			goto out;
	}
	out->ticket_expired = now >= rec->ticket.expires;
	if (right && pol->enroll && !out->ticket_expired) {
		out->verdict = TWOFA_VERDICT_TICKET;
		out->ticket = rec->ticket;
		s->failures = 0;
	} else {
		/* Without enroll nothing about the ticket is told, not even here. */
		out->reason = !pol->enroll	   ? TWOFA_REASON_PENDING
			      : out->ticket_expired ? TWOFA_REASON_EXPIRED
						    : TWOFA_REASON_WRONG;
		if (s->failures < UINT32_MAX)
			s->failures++;
		if (pol->deny != 0 && s->failures >= pol->deny) {
			s->locked_until = pol->unlock_time == 0
					      ? TWOFA_LOCKED_FOREVER
					      : now + pol->unlock_time;
			out->just_locked = true;
		}
	}
	out->failures = s->failures;
	out->locked_until = s->locked_until;
	*next = st;
	out->changed = true;
	ret = TWOFA_OK;
out:
	twofa_wipe(ticket, sizeof(ticket));
	twofa_wipe(backup, sizeof(backup));
	return ret;
}
