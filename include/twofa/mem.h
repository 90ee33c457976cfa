/* Wiping and freeing memory that held secrets. */
#ifndef TWOFA_MEM_H
#define TWOFA_MEM_H

#include <stddef.h>

/* Overwrite len bytes in a way the compiler cannot drop. */
void twofa_wipe(void *p, size_t len);

/* Wipe len bytes, then free. NULL is fine. */
void twofa_freezero(void *p, size_t len);

/* Wipe a NUL-terminated string (its whole length), then free it. */
void twofa_free_string(char *s);

/* Constant-time comparison of two equal-length buffers: 0 when equal. */
int twofa_memeq_ct(const void *a, const void *b, size_t len);

/* Fill with cryptographically strong random bytes (OpenSSL RAND_bytes). */
int twofa_random(void *buf, size_t len);

#endif
