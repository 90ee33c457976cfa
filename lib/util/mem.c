/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wiping and freeing memory that held secrets. Randomness and the
 * constant-time compare live with the rest of the cryptography in
 * lib/crypto/crypto_nettle.c.
 */
#include <stdlib.h>
#include <string.h>

#include "twofa/mem.h"

void twofa_wipe(void *p, size_t len)
{
	/* explicit_bzero: a store the compiler may not remove as dead. */
	if (p != NULL && len > 0)
		explicit_bzero(p, len);
}

void twofa_freezero(void *p, size_t len)
{
	if (p == NULL)
		return;
	twofa_wipe(p, len);
	free(p);
}

void twofa_free_string(char *s)
{
	if (s == NULL)
		return;
	twofa_freezero(s, strlen(s));
}
