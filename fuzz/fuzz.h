/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every fuzz target shares: libFuzzer's entry points and INVARIANT,
 * which turns a broken promise of the code under test into a crash that
 * libFuzzer reports with its input (abort, whatever the sanitizers say).
 */
#ifndef TWOFA_FUZZ_H
#define TWOFA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INVARIANT(cond)                                                        \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "INVARIANT failed: %s (%s:%d)\n",      \
				#cond, __FILE__, __LINE__);                    \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
