/* SPDX-License-Identifier: BSD-2-Clause */
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
 * The file store's part of the decoy login (twofa_decoy_login, lib/auth/,
 * does the OTP check): what a state commit costs, one slot-sized pwrite
 * of random bytes and one fdatasync, to TWOFA_DECOY_NAME in the store,
 * after taking its lock and reading it as a record is. The decoy file holds
 * nothing but random bytes. It is created when missing; if it exists but
 * is not a safe regular file (a symlink, FIFO, device, wrong owner or
 * mode, more than one link) it is left alone and not written: best effort,
 * nothing is returned, and nothing is ever followed or "fixed".
 */
void twofa_fstore_decoy(struct twofa_fstore *st);

#endif
