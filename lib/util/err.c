/* SPDX-License-Identifier: BSD-2-Clause */
/* Descriptions of the core's error codes, and filling the error detail. */
#include <stdio.h>

#include "twofa/err.h"

const char *twofa_strerror(int err)
{
	switch (err) {
	case TWOFA_OK:
		return "success";
	case TWOFA_ERR_NOMEM:
		return "out of memory";
	case TWOFA_ERR_INVALID:
		return "invalid argument";
	case TWOFA_ERR_BAD_USER:
		return "invalid user name";
	case TWOFA_ERR_NO_RECORD:
		return "no record";
	case TWOFA_ERR_UNSAFE:
		return "unsafe file";
	case TWOFA_ERR_MALFORMED:
		return "malformed record";
	case TWOFA_ERR_TOO_BIG:
		return "record too large";
	case TWOFA_ERR_LOCK_TIMEOUT:
		return "lock not granted in time";
	case TWOFA_ERR_IO:
		return "I/O error";
	case TWOFA_ERR_EXISTS:
		return "record exists";
	case TWOFA_ERR_CRYPTO:
		return "cryptographic library error";
	case TWOFA_ERR_KEY:
		return "key missing or unusable";
	case TWOFA_ERR_TOKEN:
		return "invalid token";
	case TWOFA_ERR_CONFLICT:
		return "record changed meanwhile";
	case TWOFA_ERR_UNAVAILABLE:
		return "store unavailable";
	case TWOFA_ERR_CONFIG:
		return "bad configuration";
	case TWOFA_ERR_UNSUPPORTED:
		return "not supported";
	case TWOFA_ERR_SEALED:
		return "sealed secret does not open";
	default:
		return "unknown error";
	}
}

int twofa_fail(struct twofa_error *why, int err, int sys_errno,
	       const char *what, const char *dir, const char *name)
{
	if (why != NULL) {
		why->sys_errno = sys_errno;
		why->what = what;
		if (dir == NULL)
			snprintf(why->path, sizeof(why->path), "%s",
				 name != NULL ? name : "");
		else if (name != NULL)
			snprintf(why->path, sizeof(why->path), "%s/%s", dir,
				 name);
		else
			snprintf(why->path, sizeof(why->path), "%s", dir);
	}
	return err;
}
