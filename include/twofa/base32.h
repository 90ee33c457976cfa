/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 4648 base32. */
#ifndef TWOFA_BASE32_H
#define TWOFA_BASE32_H

#include <stddef.h>

/* Longest input accepted by twofa_base32_decode, in characters. */
#define TWOFA_BASE32_MAX_INPUT 1024

/*
 * Decode base32 text: upper or lower case, with or without '=' padding,
 * spaces and '-' anywhere are ignored. Refuses any other character,
 * misplaced padding, non-zero trailing bits and impossible lengths.
 * Writes at most outsz bytes to out and the count to *outlen.
 */
int twofa_base32_decode(const char *in, unsigned char *out, size_t outsz,
			size_t *outlen);

/*
 * Encode len bytes as upper-case base32 without padding into out (outsz
 * must hold twofa_base32_encoded_len(len) + 1 bytes for the NUL).
 */
int twofa_base32_encode(const unsigned char *in, size_t len, char *out,
			size_t outsz);
size_t twofa_base32_encoded_len(size_t len);

#endif
