/* SPDX-License-Identifier: BSD-2-Clause */
/* Strict number parsing shared by the record parser and the importers. */
#ifndef TWOFA_PARSE_H
#define TWOFA_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Unsigned decimal, no sign or leading zero, at most max. */
int twofa_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out);

/* in[len] as 2 * len lower-case hex digits and a NUL into out. */
void twofa_hex_encode(const unsigned char *in, size_t len, char *out);

/* Exactly 2 * len lower-case hex digits into out[len]. */
int twofa_parse_hex(const char *s, size_t n, unsigned char *out, size_t len);

/*
 * Split s[0..n) into words separated by runs of the characters in seps
 * (never NUL): pointers into s in w[] and lengths in wl[]. Returns the
 * number of words, or max + 1 as soon as there are more than max.
 */
size_t twofa_split_words(const char *s, size_t n, const char *seps,
			 const char **w, size_t *wl, size_t max);

#endif
