/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Self-enrollment at login (SPEC 9): after a pending user's right ticket,
 * the new secret in the next prompt, its first code, and the new record
 * staged in the PAM handle until the account phase commits it.
 */
#ifndef PAM_TWOFA_ENROLL_H
#define PAM_TWOFA_ENROLL_H

#include "twofa/auth.h"
#include "twofa/store.h"

#include "login.h"

/*
 * The ticket in out->ticket was right: make the secret and backup codes,
 * show them in the next prompt, check the first code, and stage the new
 * record. PAM_SUCCESS only when the code was right and the record is
 * staged; every other path refuses.
 */
int mod_enroll_at_login(const struct login *l, struct twofa_store *st,
		    const struct twofa_policy *pol,
		    const struct twofa_outcome *ticket);

/*
 * The account phase: commit what mod_enroll_at_login staged in this handle
 * (one compare-and-swap of the pending record). PAM_SUCCESS when nothing
 * is staged or the commit succeeded; PAM_AUTHINFO_UNAVAIL when another
 * login committed the invitation first or the store refused.
 */
int mod_enroll_commit(const struct login *l);

#endif
