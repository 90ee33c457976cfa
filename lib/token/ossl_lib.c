/* libcrypto, loaded on first use (see token/ossl_lib.h for why). */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#include "token/ossl_lib.h"

static struct twofa_ossl lib;
static const struct twofa_ossl *lib_ready;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

/* dlsym's void * to a function pointer, without a cast ISO C forbids. */
static int bind(void *handle, const char *name, void *fnptr)
{
	void *sym = dlsym(handle, name);

	if (sym == NULL)
		return -1;
	memcpy(fnptr, &sym, sizeof(sym));
	return 0;
}

static void lib_open(void)
{
	void *h =
	    dlopen(TWOFA_CRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

	if (h == NULL)
		return;
	if (bind(h, "BIO_ctrl", &lib.bio_ctrl) != 0 ||
	    bind(h, "BIO_free", &lib.bio_free) != 0 ||
	    bind(h, "BIO_new", &lib.bio_new) != 0 ||
	    bind(h, "BIO_new_mem_buf", &lib.bio_new_mem_buf) != 0 ||
	    bind(h, "BIO_s_mem", &lib.bio_s_mem) != 0 ||
	    bind(h, "BIO_s_secmem", &lib.bio_s_secmem) != 0 ||
	    bind(h, "BN_bn2bin", &lib.bn_bn2bin) != 0 ||
	    bind(h, "BN_bn2binpad", &lib.bn_bn2binpad) != 0 ||
	    bind(h, "BN_free", &lib.bn_free) != 0 ||
	    bind(h, "BN_num_bits", &lib.bn_num_bits) != 0 ||
	    bind(h, "EVP_PKEY_Q_keygen", &lib.pkey_q_keygen) != 0 ||
	    bind(h, "EVP_PKEY_free", &lib.pkey_free) != 0 ||
	    bind(h, "EVP_PKEY_get_base_id", &lib.pkey_get_base_id) != 0 ||
	    bind(h, "EVP_PKEY_get_bits", &lib.pkey_get_bits) != 0 ||
	    bind(h, "EVP_PKEY_get_bn_param", &lib.pkey_get_bn_param) != 0 ||
	    bind(h, "EVP_PKEY_get_group_name", &lib.pkey_get_group_name) != 0 ||
	    bind(h, "PEM_read_bio_PrivateKey", &lib.pem_read_bio_privatekey) !=
		0 ||
	    bind(h, "PEM_write_bio_PUBKEY", &lib.pem_write_bio_pubkey) != 0 ||
	    bind(h, "PEM_write_bio_PrivateKey",
		 &lib.pem_write_bio_privatekey) != 0) {
		/* RTLD_NODELETE: dlclose only drops our reference. */
		memset(&lib, 0, sizeof(lib));
		dlclose(h);
		return;
	}
	lib_ready = &lib;
}

const struct twofa_ossl *twofa_ossl(void)
{
	if (pthread_once(&lib_once, lib_open) != 0)
		return NULL;
	return lib_ready;
}
