/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Allocation and I/O failure injection for the fuzz targets, in the style
 * of pam-u2f's fuzz/wrap.c: the targets are linked with -Wl,--wrap=NAME
 * for the calls below, so every call our code (and OpenSSL's allocator,
 * routed here with CRYPTO_set_mem_functions, for the token target) makes
 * goes through a wrapper that can fail it. The core's own cryptography
 * (twofa/crypto.h) is wrapped at its interface: Nettle never allocates.
 *
 * Injection is off until wrap_start() and only affects the calling thread
 * (libFuzzer's own threads allocate too). Which calls fail is a pure
 * function of the arguments, so every crash reproduces from its input.
 */
#ifndef TWOFA_FUZZ_WRAP_H
#define TWOFA_FUZZ_WRAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Start failing calls on this thread: the fail_at-th wrapped call (1-based;
 * 0: none) fails, and besides that each call fails with probability
 * 1/one_in (0: never), drawn from a PRNG seeded with seed.
 */
void wrap_start(uint64_t seed, unsigned fail_at, unsigned one_in);

/* Stop failing; returns how many calls were failed since wrap_start. */
unsigned wrap_stop(void);

/* Wrapped calls seen since wrap_start (for choosing fail_at). */
unsigned wrap_calls(void);

/* Route OpenSSL's allocations through the wrapped malloc (call first). */
void wrap_openssl(void);

/* Read 8 bytes (or fewer, zero-padded) of input as a seed; advance. */
uint64_t wrap_take_u64(const uint8_t **data, size_t *size);
unsigned wrap_take_u8(const uint8_t **data, size_t *size);

#endif
