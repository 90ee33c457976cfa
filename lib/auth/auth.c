/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The login loop: load -> decide -> compare-and-swap, the same for every
 * store. A login that loses the race (TWOFA_ERR_CONFLICT: the state moved
 * since it was loaded) loads the new state and decides again, so of two
 * logins with one code exactly one is accepted, and a burnt backup code
 * or a failure counted elsewhere is seen before this one is answered.
 */
#include <string.h>

#include "twofa/auth.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/store.h"

int twofa_authenticate(struct twofa_store *st, const char *user,
		       const char *code, uint64_t now,
		       const struct twofa_policy *pol,
		       struct twofa_outcome *out, struct twofa_error *why)
{
	struct twofa_loaded *l = NULL;
	struct twofa_state next;
	unsigned attempt;
	int ret = TWOFA_ERR_CONFLICT;

	memset(out, 0, sizeof(*out));
	memset(&next, 0, sizeof(next));
	for (attempt = 0; attempt < TWOFA_CAS_TRIES; attempt++) {
		ret = twofa_store_load(st, user, &l, why);
		if (ret != TWOFA_OK)
			goto out;
		if (l->rec.pending) {
			/* An invitation, not an enrollment: only its ticket. */
			ret = twofa_ticket_decide(&l->rec, code, now, pol,
						  &next, out);
			if (ret != TWOFA_OK)
				goto out;
		} else {
			twofa_decide(&l->rec, code, now, pol, &next, out);
		}
		if (!out->changed) {
			ret = TWOFA_OK; /* locked: nothing to store */
			goto out;
		}
		/* Durable before anyone is told: the replay guard first. */
		ret = twofa_store_cas_state(l, &next, why);
		if (ret != TWOFA_ERR_CONFLICT)
			goto out;
		twofa_store_release(l);
		l = NULL;
	}
	twofa_fail(why, ret, 0, "record kept changing during the login",
		   twofa_store_where(st), user);
out:
	if (ret != TWOFA_OK) {
		enum twofa_method method = out->method;

		memset(out, 0, sizeof(*out));
		out->verdict = TWOFA_VERDICT_REJECTED;
		out->method = method;
	}
	twofa_wipe(&next, sizeof(next));
	twofa_store_release(l);
	return ret;
}
