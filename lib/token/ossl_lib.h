/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libcrypto for the signing key, loaded on first use as libjwt is
 * (twofa/jwt_lib.h): the login path's cryptography is Nettle's
 * (twofa/crypto.h), and mapping and initialising libcrypto in every fresh
 * su/sudo/login process that loads pam_twofa.so cost more than the rest
 * of the login (README, "Dependencies"). Only token_env and twofa-admin's
 * key and token commands reach this.
 *
 * Each member has the type of the OpenSSL 3 function it is named after
 * (__typeof__ keeps them from drifting apart). Loaded by soname, as the
 * dynamic linker would, and never unloaded (RTLD_NODELETE): OpenSSL
 * registers exit handlers that must find it mapped.
 */
#ifndef TWOFA_TOKEN_OSSL_LIB_H
#define TWOFA_TOKEN_OSSL_LIB_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#define TWOFA_CRYPTO_SONAME "libcrypto.so.3"

struct twofa_ossl {
	__typeof__(BIO_ctrl) *bio_ctrl;
	__typeof__(BIO_free) *bio_free;
	__typeof__(BIO_new) *bio_new;
	__typeof__(BIO_new_mem_buf) *bio_new_mem_buf;
	__typeof__(BIO_s_mem) *bio_s_mem;
	__typeof__(BIO_s_secmem) *bio_s_secmem;
	__typeof__(BN_bn2bin) *bn_bn2bin;
	__typeof__(BN_bn2binpad) *bn_bn2binpad;
	__typeof__(BN_free) *bn_free;
	__typeof__(BN_num_bits) *bn_num_bits;
	__typeof__(EVP_PKEY_Q_keygen) *pkey_q_keygen;
	__typeof__(EVP_PKEY_free) *pkey_free;
	__typeof__(EVP_PKEY_get_base_id) *pkey_get_base_id;
	__typeof__(EVP_PKEY_get_bits) *pkey_get_bits;
	__typeof__(EVP_PKEY_get_bn_param) *pkey_get_bn_param;
	__typeof__(EVP_PKEY_get_group_name) *pkey_get_group_name;
	__typeof__(PEM_read_bio_PrivateKey) *pem_read_bio_privatekey;
	__typeof__(PEM_write_bio_PUBKEY) *pem_write_bio_pubkey;
	__typeof__(PEM_write_bio_PrivateKey) *pem_write_bio_privatekey;
};

/*
 * The functions, loading libcrypto the first time (thread-safe); NULL when
 * it cannot be loaded or lacks one of them, which callers refuse as
 * TWOFA_ERR_CRYPTO.
 */
const struct twofa_ossl *twofa_ossl(void);

#endif
