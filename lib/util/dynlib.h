/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Libraries loaded on first use (libjwt, libcrypto, libqrencode), so a
 * login that needs none of them does not pay for mapping them. One way
 * to load them, so the flags and the all-or-nothing binding cannot
 * differ between them.
 */
#ifndef TWOFA_UTIL_DYNLIB_H
#define TWOFA_UTIL_DYNLIB_H

#include <stddef.h>

/* One symbol to bind: its name, and the address of a function pointer. */
struct twofa_dynlib_sym {
	const char *name;
	void *fnptr;
};

/*
 * dlopen soname (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE: bound at once,
 * kept out of the host's symbol space, never unmapped under a pointer we
 * still hold) and bind every symbol. 0 when all are bound; -1 otherwise,
 * with every pointer of syms set to NULL and our reference dropped.
 * Callers run it once (pthread_once).
 */
int twofa_dynlib_load(const char *soname, const struct twofa_dynlib_sym *syms,
		      size_t count);

#endif
