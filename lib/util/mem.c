/* Wiping, constant-time comparison and randomness. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "twofa/err.h"
#include "twofa/mem.h"

void twofa_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		OPENSSL_cleanse(p, len);
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

int twofa_memeq_ct(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0 ? 0 : -1;
}

int twofa_random(void *buf, size_t len)
{
	if (len > (size_t)0x7fffffff)
		return TWOFA_ERR_INVALID;
	if (RAND_bytes(buf, (int)len) != 1)
		return TWOFA_ERR_CRYPTO;
	return TWOFA_OK;
}
