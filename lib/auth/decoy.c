/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoy login for users without a record (twofa/auth.h). Measured in
 * tests/hardening/TIMING.md: without it, an unknown user's wrong code was
 * answered in about 50 us and an enrolled user's in about 300 us (most of
 * it the fdatasync), an enrollment oracle over a fast network.
 */
#include "twofa/auth.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "twofa/store.h"

/* Any time will do: the key is random. */
#define DECOY_NOW 30000

void twofa_decoy_login(struct twofa_store *st, const char *code, int window)
{
	struct twofa_record rec;
	uint64_t matched;

	/* The OTP check of a default TOTP record, over the same range. */
	twofa_record_init(&rec, TWOFA_TOTP, DECOY_NOW);
	rec.secret_len = TWOFA_SECRET_DEFAULT;
	if (twofa_random(rec.secret, rec.secret_len) == TWOFA_OK)
		twofa_code_find(&rec, window < 0 ? rec.window : (unsigned)window,
				code != NULL ? code : "", DECOY_NOW, &matched);
	twofa_record_wipe(&rec);
	twofa_ticket_burn(code); /* what an invited user's answer costs */
	twofa_store_decoy(st, code, window);
}
