/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libjwt, loaded when a token is first made or checked, not when the
 * module is loaded: most logins never issue a token, and mapping libjwt,
 * jansson and libb64 on every pam_start() cost each of them about 85 us
 * (bench/RESULTS.md). Loaded by its soname, as the dynamic linker would,
 * and kept loaded (RTLD_NODELETE).
 *
 * The twofa_jwt_* functions are libjwt 1.10's functions of the same names.
 * Call twofa_jwt_lib_load() first: without the library they fail.
 */
#ifndef TWOFA_JWT_LIB_H
#define TWOFA_JWT_LIB_H

#include <jwt.h>

#define TWOFA_JWT_SONAME "libjwt.so.0"

/* 0 once libjwt is loaded; TWOFA_ERR_CRYPTO when it cannot be. */
int twofa_jwt_lib_load(void);

int twofa_jwt_new(jwt_t **jwt);
void twofa_jwt_free(jwt_t *jwt);
int twofa_jwt_add_header(jwt_t *jwt, const char *name, const char *val);
int twofa_jwt_add_grant(jwt_t *jwt, const char *name, const char *val);
int twofa_jwt_add_grant_int(jwt_t *jwt, const char *name, long val);
int twofa_jwt_add_grants_json(jwt_t *jwt, const char *json);
int twofa_jwt_set_alg(jwt_t *jwt, jwt_alg_t alg, const unsigned char *key,
		      int len);
jwt_alg_t twofa_jwt_get_alg(jwt_t *jwt);
char *twofa_jwt_encode_str(jwt_t *jwt);
int twofa_jwt_decode(jwt_t **jwt, const char *token, const unsigned char *key,
		     int key_len);
const char *twofa_jwt_get_grant(jwt_t *jwt, const char *name);
char *twofa_jwt_get_grants_json(jwt_t *jwt, const char *name);
const char *twofa_jwt_get_header(jwt_t *jwt, const char *name);
char *twofa_jwt_get_headers_json(jwt_t *jwt, const char *name);

#endif
