/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 4648 base32, strict on decode. */
#include <string.h>

#include "twofa/base32.h"
#include "twofa/err.h"
#include "twofa/mem.h"

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t twofa_base32_encoded_len(size_t len)
{
	return (len * 8 + 4) / 5;
}

int twofa_base32_encode(const unsigned char *in, size_t len, char *out,
			size_t outsz)
{
	size_t i, o = 0;
	unsigned bits = 0;
	unsigned acc = 0;

	if (out == NULL || outsz < twofa_base32_encoded_len(len) + 1)
		return TWOFA_ERR_INVALID;
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = b32_alphabet[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = b32_alphabet[(acc << (5 - bits)) & 31];
	out[o] = '\0';
	acc = 0;
	return TWOFA_OK;
}

static int b32_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/*
 * Residues of (number of symbols mod 8) that can end a base32 string: 2, 4,
 * 5 and 7 symbols end in a partial byte, 0 ends on a full group.
 */
static int b32_length_ok(size_t symbols)
{
	switch (symbols % 8) {
	case 0:
	case 2:
	case 4:
	case 5:
	case 7:
		return 1;
	default:
		return 0;
	}
}

int twofa_base32_decode(const char *in, unsigned char *out, size_t outsz,
			size_t *outlen)
{
	size_t i, symbols = 0, pad = 0, o = 0;
	unsigned bits = 0;
	unsigned acc = 0;
	int ret = TWOFA_ERR_INVALID;

	if (outlen != NULL)
		*outlen = 0;
	if (in == NULL || out == NULL || outlen == NULL)
		return TWOFA_ERR_INVALID;
	if (strnlen(in, TWOFA_BASE32_MAX_INPUT + 1) > TWOFA_BASE32_MAX_INPUT)
		return TWOFA_ERR_INVALID;

	for (i = 0; in[i] != '\0'; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (c == ' ' || c == '-')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0)
			goto out; /* data after padding */
		v = b32_value(c);
		if (v < 0)
			goto out;
		symbols++;
		acc = (acc << 5) | (unsigned)v;
		bits += 5;
		if (bits >= 8) {
			if (o >= outsz)
				goto out;
			out[o++] = (unsigned char)(acc >> (bits - 8));
			bits -= 8;
			acc &= (1u << bits) - 1;
		}
	}
	if (symbols == 0 || !b32_length_ok(symbols))
		goto out;
	/* Padding, when present, must complete the last group of 8. */
	if (pad > 0 && (symbols + pad) % 8 != 0)
		goto out;
	if (pad >= 8)
		goto out;
	/* Leftover bits must be zero (canonical encoding). */
	if ((acc & ((1u << bits) - 1)) != 0)
		goto out;
	*outlen = o;
	ret = TWOFA_OK;
out:
	if (ret != TWOFA_OK)
		twofa_wipe(out, outsz);
	acc = 0;
	return ret;
}
