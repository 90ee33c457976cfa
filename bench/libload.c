/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-libload MODE: what a fresh process pays to load a crypto library
 * and compute its first HMAC-SHA1, as the PAM module's first login step
 * in su or sudo does. Timed from outside (hyperfine, bench/run.sh).
 *
 *   none    nothing (the process floor)
 *   nettle  dlopen libnettle.so.8, one HMAC-SHA1
 *   crypto  dlopen libcrypto.so.3, one HMAC-SHA1 through HMAC(EVP_sha1())
 *           (the first call initialises OpenSSL: its configuration file
 *           and the default provider), as the module did before Nettle
 *
 * Links libc only; the libraries are found by soname as the dynamic
 * linker would find them for the module.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* dlsym's void * to a function pointer, without a cast ISO C forbids. */
static int bind(void *h, const char *name, void *fnptr)
{
	void *sym = dlsym(h, name);

	if (sym == NULL)
		return -1;
	memcpy(fnptr, &sym, sizeof(sym));
	return 0;
}

static const unsigned char key[20] = "12345678901234567890";
static const unsigned char msg[8] = {0, 0, 0, 0, 0, 0, 0, 1};

static int nettle(void)
{
	/* struct hmac_sha1_ctx is 3 x sha1_ctx, under 512 bytes. */
	_Alignas(16) unsigned char ctx[512];
	unsigned char mac[20];
	void (*set_key)(void *, size_t, const unsigned char *);
	void (*update)(void *, size_t, const unsigned char *);
	void (*digest)(void *, size_t, unsigned char *);
	void *h = dlopen("libnettle.so.8", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL || bind(h, "nettle_hmac_sha1_set_key", &set_key) ||
	    bind(h, "nettle_hmac_sha1_update", &update) ||
	    bind(h, "nettle_hmac_sha1_digest", &digest))
		return 1;
	set_key(ctx, sizeof(key), key);
	update(ctx, sizeof(msg), msg);
	digest(ctx, sizeof(mac), mac);
	/* RFC 4226 appendix D, counter 1: 75a48a19...2d33ab */
	return mac[19] == 0xab ? 0 : 1;
}

static int crypto(void)
{
	unsigned char mac[64];
	unsigned int len = 0;
	const void *(*sha1)(void);
	unsigned char *(*hmac)(const void *, const void *, int,
			       const unsigned char *, size_t, unsigned char *,
			       unsigned int *);
	void *h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);

	if (h == NULL || bind(h, "EVP_sha1", &sha1) || bind(h, "HMAC", &hmac))
		return 1;
	if (hmac(sha1(), key, sizeof(key), msg, sizeof(msg), mac, &len) ==
	    NULL)
		return 1;
	return len == 20 && mac[19] == 0xab ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	if (strcmp(argv[1], "none") == 0)
		return 0;
	if (strcmp(argv[1], "nettle") == 0)
		return nettle();
	if (strcmp(argv[1], "crypto") == 0)
		return crypto();
	return 2;
}
