/*
 * Internal error codes of the pam_twofa core.
 *
 * Core functions return 0 on success or one of these negative values, in
 * the style of OpenSSH's ssherr.h. Only pam_sm_* maps them to PAM codes and
 * only twofa-admin maps them to exit statuses; the core never prints, logs
 * or exits.
 */
#ifndef TWOFA_ERR_H
#define TWOFA_ERR_H

enum twofa_err {
	TWOFA_OK = 0,
	TWOFA_ERR_NOMEM = -1,	     /* allocation failed */
	TWOFA_ERR_INVALID = -2,	     /* bad argument or malformed input */
	TWOFA_ERR_BAD_USER = -3,     /* user name refused before any path */
	TWOFA_ERR_NO_RECORD = -4,    /* the record does not exist (ENOENT) */
	TWOFA_ERR_UNSAFE = -5,	     /* symlink, wrong type/owner/mode */
	TWOFA_ERR_MALFORMED = -6,    /* record text not understood */
	TWOFA_ERR_TOO_BIG = -7,	     /* over the size cap */
	TWOFA_ERR_LOCK_TIMEOUT = -8, /* lock not granted in time */
	TWOFA_ERR_IO = -9,	     /* a system call failed; errno kept */
	TWOFA_ERR_EXISTS = -10,	     /* record exists, no force */
	TWOFA_ERR_CRYPTO = -11,	     /* OpenSSL failed */
	TWOFA_ERR_KEY = -12,	     /* signing key missing or unusable */
	TWOFA_ERR_TOKEN = -13,	     /* token invalid */
	TWOFA_ERR_CONFLICT = -14,    /* the stored record changed meanwhile */
};

/* A short, static, human description ("record is malformed"). */
const char *twofa_strerror(int err);

#endif
