/*
 * The work of a login, for a user without a record, so that the time to
 * the answer does not tell an attacker who is enrolled (SPEC section 3:
 * "no enrollment oracle").
 */
#ifndef TWOFA_DECOY_H
#define TWOFA_DECOY_H

#include "store/file/fstore.h"

/* The name of the decoy file in the store: no user name starts with '.'. */
#define TWOFA_DECOY_NAME ".decoy"

/*
 * Spend about what twofa_authenticate() spends on an enrolled user's wrong
 * six-digit code: the OTP check (HMAC-SHA1 over the window's counters,
 * window < 0 meaning the default of 1, with a throwaway key) and the
 * durable state write (one slot-sized pwrite of random bytes and one
 * fdatasync, to TWOFA_DECOY_NAME in the store). The decoy file holds
 * nothing but random bytes. It is created when missing; if it exists but
 * is not a safe regular file (a symlink, FIFO, device, wrong owner or
 * mode, more than one link) it is left alone and not written: best effort,
 * nothing is returned, and nothing is ever followed or "fixed".
 */
void twofa_decoy_login(struct twofa_fstore *st, const char *code, int window);

#endif
