/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * base32: decoding any text either succeeds or refuses it without writing
 * past the buffer; what decodes re-encodes to the canonical form of the
 * input, which decodes to the same bytes; and any bytes survive
 * encode -> decode.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/base32.h"
#include "twofa/err.h"
#include "fuzz.h"

#define BIG (TWOFA_BASE32_MAX_INPUT + 16)

/* The canonical spelling: upper case, no spaces, dashes or padding. */
static size_t canonical(const char *in, char *out)
{
	size_t o = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-' || *in == '=')
			continue;
		out[o++] = (*in >= 'a' && *in <= 'z') ? (char)(*in - 32) : *in;
	}
	out[o] = '\0';
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, canon[BIG + 1], enc[BIG * 2];
	unsigned char *out, back[BIG];
	size_t outsz, n = 0, m = 0, i;
	int ret;

	if (size > BIG)
		return 0;
	/* Exact-size heap copies so ASan sees any overrun. */
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	outsz = size > 0 ? (size_t)(data[0] % 80) : 0;
	out = calloc(1, outsz + 1); /* zero: refusals must leave it so */
	if (out == NULL) {
		free(text);
		return 0;
	}
	ret = twofa_base32_decode(text, out, outsz, &n);
	if (ret == TWOFA_OK) {
		INVARIANT(n >= 1 && n <= outsz);
		INVARIANT(strlen(text) <= TWOFA_BASE32_MAX_INPUT);
		INVARIANT(twofa_base32_encode(out, n, enc, sizeof(enc)) ==
			  TWOFA_OK);
		INVARIANT(strlen(enc) == twofa_base32_encoded_len(n));
		INVARIANT(canonical(text, canon) == strlen(enc));
		INVARIANT(strcmp(canon, enc) == 0);
	} else {
		INVARIANT(ret == TWOFA_ERR_INVALID && n == 0);
		for (i = 0; i < outsz; i++)
			INVARIANT(out[i] == 0); /* refused output is wiped */
	}

	/* Any bytes: encode, decode, same bytes. */
	if (size > 0 && size <= 640) {
		INVARIANT(twofa_base32_encode(data, size, enc, sizeof(enc)) ==
			  TWOFA_OK);
		INVARIANT(twofa_base32_decode(enc, back, sizeof(back), &m) ==
			  TWOFA_OK);
		INVARIANT(m == size && memcmp(back, data, size) == 0);
		/* One byte short of room is refused, not overrun. */
		INVARIANT(twofa_base32_encode(data, size, enc,
					      twofa_base32_encoded_len(size)) ==
			  TWOFA_ERR_INVALID);
	}
	free(text);
	free(out);
	return 0;
}
