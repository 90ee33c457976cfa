/* SPDX-License-Identifier: BSD-2-Clause */
/* Strict numbers and hex, and splitting lines into words. */
#include <string.h>

#include "twofa/err.h"
#include "twofa/parse.h"

/* Strict unsigned decimal: no sign, no leading zero, no overflow. */
int twofa_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return TWOFA_ERR_INVALID;
	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return TWOFA_ERR_INVALID;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return TWOFA_ERR_INVALID;
		v = v * 10 + d;
	}
	if (v > max)
		return TWOFA_ERR_INVALID;
	*out = v;
	return TWOFA_OK;
}

/* Exactly 2*len lower-case hex digits. */
int twofa_parse_hex(const char *s, size_t n, unsigned char *out, size_t len)
{
	size_t i;

	if (n != 2 * len)
		return TWOFA_ERR_INVALID;
	for (i = 0; i < n; i++) {
		char c = s[i];
		unsigned v;

		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = (unsigned)(c - 'a' + 10);
		else
			return TWOFA_ERR_INVALID;
		if (i % 2 == 0)
			out[i / 2] = (unsigned char)(v << 4);
		else
			out[i / 2] |= (unsigned char)v;
	}
	return TWOFA_OK;
}

void twofa_hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int is_sep(char c, const char *seps)
{
	return c != '\0' && strchr(seps, c) != NULL;
}

size_t twofa_split_words(const char *s, size_t n, const char *seps,
			 const char **w, size_t *wl, size_t max)
{
	size_t i = 0, count = 0;

	while (i < n) {
		size_t start;

		while (i < n && is_sep(s[i], seps))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !is_sep(s[i], seps))
			i++;
		if (count == max)
			return max + 1;
		w[count] = s + start;
		wl[count] = i - start;
		count++;
	}
	return count;
}
