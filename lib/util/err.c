/* Descriptions of the core's error codes. */
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
		return "signing key unusable";
	case TWOFA_ERR_TOKEN:
		return "invalid token";
	case TWOFA_ERR_CONFLICT:
		return "record changed meanwhile";
	default:
		return "unknown error";
	}
}
