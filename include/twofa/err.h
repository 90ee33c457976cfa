/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one error type of the pam_twofa core.
 *
 * Core functions return 0 on success or one of these negative values, in
 * the style of OpenSSH's ssherr.h, and fill an optional struct twofa_error
 * with what failed and where, for one log line or one message. Only
 * pam_sm_* maps them to PAM codes and only twofa-admin maps them to exit
 * statuses; the core never prints, logs or exits.
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
	TWOFA_ERR_CRYPTO = -11,	     /* the crypto library failed */
	TWOFA_ERR_KEY = -12,	     /* signing or record key missing/unusable */
	TWOFA_ERR_TOKEN = -13,	     /* token invalid */
	/*
	 * The stored version moved since the record was loaded: nothing was
	 * written; load again and decide again (a compare-and-swap lost).
	 */
	TWOFA_ERR_CONFLICT = -14,
	/* The store cannot be reached: directory down, timeout, refused. */
	TWOFA_ERR_UNAVAILABLE = -15,
	/* The configuration file is unsafe, unreadable or malformed. */
	TWOFA_ERR_CONFIG = -16,
	/* The configuration asks for something this build does not have. */
	TWOFA_ERR_UNSUPPORTED = -17,
	/*
	 * A sealed secret does not open: the record was edited, renamed or
	 * copied, or sealed with another key of the same id (twofa/seal.h).
	 */
	TWOFA_ERR_SEALED = -18,
};

/* Where parsing stopped and why, for a log line. */
struct twofa_parse_error {
	unsigned line;	  /* 1-based; 0 when not about a line */
	const char *what; /* static text, never input content */
};

/*
 * Why something was refused, for a log line naming what and where. Never
 * holds a secret, a code or a hash: what is static text, path a file
 * name, a URI or a DN.
 */
struct twofa_error {
	int sys_errno;	     /* errno of the failing call, or 0 */
	const char *what;    /* static text: "not owned by root", ... */
	char path[4096 + 1]; /* the path (or URI) concerned */
	struct twofa_parse_error parse; /* for TWOFA_ERR_MALFORMED/CONFIG */
};

/* A short, static, human description ("record is malformed"). */
const char *twofa_strerror(int err);

/*
 * Fill why (if not NULL) with sys_errno, what and "dir/name" (dir when
 * name is NULL, name when dir is NULL), and return err:
 * `return twofa_fail(why, ...)`.
 */
int twofa_fail(struct twofa_error *why, int err, int sys_errno,
	       const char *what, const char *dir, const char *name);

#endif
