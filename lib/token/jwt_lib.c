/* SPDX-License-Identifier: BSD-2-Clause */
/* libjwt, loaded on first use (see twofa/jwt_lib.h for why). */
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/jwt_lib.h"
#include "util/dynlib.h"

static struct {
	int (*new_)(jwt_t **);
	void (*free_)(jwt_t *);
	int (*add_header)(jwt_t *, const char *, const char *);
	int (*add_grant)(jwt_t *, const char *, const char *);
	int (*add_grant_int)(jwt_t *, const char *, long);
	int (*add_grants_json)(jwt_t *, const char *);
	int (*set_alg)(jwt_t *, jwt_alg_t, const unsigned char *, int);
	jwt_alg_t (*get_alg)(jwt_t *);
	char *(*encode_str)(jwt_t *);
	int (*decode)(jwt_t **, const char *, const unsigned char *, int);
	const char *(*get_grant)(jwt_t *, const char *);
	char *(*get_grants_json)(jwt_t *, const char *);
	const char *(*get_header)(jwt_t *, const char *);
	char *(*get_headers_json)(jwt_t *, const char *);
} lib;

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;
static int lib_status = TWOFA_ERR_CRYPTO;

static void lib_open(void)
{
	const struct twofa_dynlib_sym syms[] = {
	    {"jwt_new", &lib.new_},
	    {"jwt_free", &lib.free_},
	    {"jwt_add_header", &lib.add_header},
	    {"jwt_add_grant", &lib.add_grant},
	    {"jwt_add_grant_int", &lib.add_grant_int},
	    {"jwt_add_grants_json", &lib.add_grants_json},
	    {"jwt_set_alg", &lib.set_alg},
	    {"jwt_get_alg", &lib.get_alg},
	    {"jwt_encode_str", &lib.encode_str},
	    {"jwt_decode", &lib.decode},
	    {"jwt_get_grant", &lib.get_grant},
	    {"jwt_get_grants_json", &lib.get_grants_json},
	    {"jwt_get_header", &lib.get_header},
	    {"jwt_get_headers_json", &lib.get_headers_json},
	};

	if (twofa_dynlib_load(TWOFA_JWT_SONAME, syms,
			      sizeof(syms) / sizeof(syms[0])) != 0)
		return;
	lib_status = TWOFA_OK;
}

int twofa_jwt_lib_load(void)
{
	if (pthread_once(&lib_once, lib_open) != 0)
		return TWOFA_ERR_CRYPTO;
	return lib_status;
}

/* Each wrapper fails as libjwt does on bad input when it is not loaded. */
int twofa_jwt_new(jwt_t **jwt)
{
	return lib.new_ ? lib.new_(jwt) : ENOSYS;
}

void twofa_jwt_free(jwt_t *jwt)
{
	if (lib.free_)
		lib.free_(jwt);
}

int twofa_jwt_add_header(jwt_t *jwt, const char *name, const char *val)
{
	return lib.add_header ? lib.add_header(jwt, name, val) : ENOSYS;
}

int twofa_jwt_add_grant(jwt_t *jwt, const char *name, const char *val)
{
	return lib.add_grant ? lib.add_grant(jwt, name, val) : ENOSYS;
}

int twofa_jwt_add_grant_int(jwt_t *jwt, const char *name, long val)
{
	return lib.add_grant_int ? lib.add_grant_int(jwt, name, val) : ENOSYS;
}

int twofa_jwt_add_grants_json(jwt_t *jwt, const char *json)
{
	return lib.add_grants_json ? lib.add_grants_json(jwt, json) : ENOSYS;
}

int twofa_jwt_set_alg(jwt_t *jwt, jwt_alg_t alg, const unsigned char *key,
		      int len)
{
	return lib.set_alg ? lib.set_alg(jwt, alg, key, len) : ENOSYS;
}

jwt_alg_t twofa_jwt_get_alg(jwt_t *jwt)
{
	return lib.get_alg ? lib.get_alg(jwt) : JWT_ALG_INVAL;
}

char *twofa_jwt_encode_str(jwt_t *jwt)
{
	return lib.encode_str ? lib.encode_str(jwt) : NULL;
}

int twofa_jwt_decode(jwt_t **jwt, const char *token, const unsigned char *key,
		     int key_len)
{
	if (lib.decode == NULL) {
		*jwt = NULL;
		return ENOSYS;
	}
	return lib.decode(jwt, token, key, key_len);
}

const char *twofa_jwt_get_grant(jwt_t *jwt, const char *name)
{
	return lib.get_grant ? lib.get_grant(jwt, name) : NULL;
}

char *twofa_jwt_get_grants_json(jwt_t *jwt, const char *name)
{
	return lib.get_grants_json ? lib.get_grants_json(jwt, name) : NULL;
}

const char *twofa_jwt_get_header(jwt_t *jwt, const char *name)
{
	return lib.get_header ? lib.get_header(jwt, name) : NULL;
}

char *twofa_jwt_get_headers_json(jwt_t *jwt, const char *name)
{
	return lib.get_headers_json ? lib.get_headers_json(jwt, name) : NULL;
}
