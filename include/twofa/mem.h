/* SPDX-License-Identifier: BSD-2-Clause */
/* Wiping and freeing memory that held secrets. */
#ifndef TWOFA_MEM_H
#define TWOFA_MEM_H

#include <stddef.h>

/*
 * twofa_random and twofa_memeq_ct, which callers have always found here,
 * are declared with the rest of the cryptography.
 */
#include "twofa/crypto.h"

/* Overwrite len bytes in a way the compiler cannot drop. */
void twofa_wipe(void *p, size_t len);

/* Wipe len bytes, then free. NULL is fine. */
void twofa_freezero(void *p, size_t len);

/* Wipe a NUL-terminated string (its whole length), then free it. */
void twofa_free_string(char *s);

#endif
