/* SPDX-License-Identifier: BSD-2-Clause */
/* libcrypto, loaded on first use (see token/ossl_lib.h for why). */
#include <pthread.h>

#include "token/ossl_lib.h"
#include "util/dynlib.h"

static struct twofa_ossl lib;
static const struct twofa_ossl *lib_ready;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_open(void)
{
	const struct twofa_dynlib_sym syms[] = {
	    {"BIO_ctrl", &lib.bio_ctrl},
	    {"BIO_free", &lib.bio_free},
	    {"BIO_new", &lib.bio_new},
	    {"BIO_new_mem_buf", &lib.bio_new_mem_buf},
	    {"BIO_s_mem", &lib.bio_s_mem},
	    {"BIO_s_secmem", &lib.bio_s_secmem},
	    {"BN_bn2bin", &lib.bn_bn2bin},
	    {"BN_bn2binpad", &lib.bn_bn2binpad},
	    {"BN_free", &lib.bn_free},
	    {"BN_num_bits", &lib.bn_num_bits},
	    {"EVP_PKEY_Q_keygen", &lib.pkey_q_keygen},
	    {"EVP_PKEY_free", &lib.pkey_free},
	    {"EVP_PKEY_get_base_id", &lib.pkey_get_base_id},
	    {"EVP_PKEY_get_bits", &lib.pkey_get_bits},
	    {"EVP_PKEY_get_bn_param", &lib.pkey_get_bn_param},
	    {"EVP_PKEY_get_group_name", &lib.pkey_get_group_name},
	    {"PEM_read_bio_PrivateKey", &lib.pem_read_bio_privatekey},
	    {"PEM_write_bio_PUBKEY", &lib.pem_write_bio_pubkey},
	    {"PEM_write_bio_PrivateKey", &lib.pem_write_bio_privatekey},
	};

	if (twofa_dynlib_load(TWOFA_CRYPTO_SONAME, syms,
			      sizeof(syms) / sizeof(syms[0])) != 0)
		return;
	lib_ready = &lib;
}

const struct twofa_ossl *twofa_ossl(void)
{
	if (pthread_once(&lib_once, lib_open) != 0)
		return NULL;
	return lib_ready;
}
