/* SPDX-License-Identifier: BSD-2-Clause */
/* Loading a library on first use: lib/util/dynlib.h. */
#include <dlfcn.h>
#include <string.h>

#include "util/dynlib.h"

int twofa_dynlib_load(const char *soname, const struct twofa_dynlib_sym *syms,
		      size_t count)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	size_t i;

	if (h == NULL)
		return -1;
	for (i = 0; i < count; i++) {
		void *sym = dlsym(h, syms[i].name);

		if (sym == NULL)
			break;
		/* dlsym's void * to a function pointer, as ISO C allows. */
		memcpy(syms[i].fnptr, &sym, sizeof(sym));
	}
	if (i == count)
		return 0;
	for (i = 0; i < count; i++)
		memset(syms[i].fnptr, 0, sizeof(void *));
	/* RTLD_NODELETE: dlclose only drops our reference. */
	dlclose(h);
	return -1;
}
