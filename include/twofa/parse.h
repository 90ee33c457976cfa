/* Strict number parsing shared by the record parser and the importers. */
#ifndef TWOFA_PARSE_H
#define TWOFA_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Unsigned decimal, no sign or leading zero, at most max. */
int twofa_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out);

/* Exactly 2 * len lower-case hex digits into out[len]. */
int twofa_parse_hex(const char *s, size_t n, unsigned char *out, size_t len);

#endif
