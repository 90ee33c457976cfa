/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_twofa's module arguments (pam_twofa(8)), parsed strictly and without
 * any PAM call, so the parser can be fuzzed on its own.
 */
#ifndef PAM_TWOFA_OPTIONS_H
#define PAM_TWOFA_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twofa/conf.h" /* the limits and defaults of deny=, unlock_time= */

#define MOD_PROMPT_DEFAULT "Verification code: "
#define MOD_PROMPT_FORWARD "Password and verification code: "
#define MOD_PROMPT_MAX     256      /* bytes of prompt= text */
#define MOD_ENV_NAME_MAX   64	      /* bytes of a token_env= name */

/* The options given on the module line that override twofa.conf. */
#define MOD_GIVEN_STORE	 (1u << 0)
#define MOD_GIVEN_WINDOW (1u << 1)
#define MOD_GIVEN_DENY	 (1u << 2)
#define MOD_GIVEN_UNLOCK (1u << 3)

struct mod_options {
	const char *conf;      /* conf=; NULL: TWOFA_CONF_DEFAULT if present */
	unsigned given;	       /* MOD_GIVEN_*: which override the file */
	const char *store;     /* points into argv or a constant */
	const char *prompt;    /* points into argv or a constant */
	const char *token_env; /* NULL: off */
	int window;	       /* -1: the record's value */
	unsigned deny;
	uint64_t unlock_time;
	bool nullok;
	bool try_first_pass;
	bool use_first_pass;
	bool forward_pass;
	bool no_backup_codes;
	bool echo;
	bool debug;
	bool require_encrypted; /* refuse records whose secret is not sealed */
	bool enroll; /* a pending user may enroll with the ticket (SPEC 9) */
	/* How the enrollment prompt draws the QR code. */
	enum mod_enroll_qr { MOD_ENROLL_QR_UTF8 = 0, MOD_ENROLL_QR_ASCII,
			     MOD_ENROLL_QR_NONE } enroll_qr;
};

/*
 * Parse argc/argv into opt (defaults first). Every option may appear once;
 * integers are plain decimal with range checks; an unknown, repeated or
 * malformed option, or a contradictory pair, returns -1 and writes a short
 * description into err (err_size bytes, always NUL-terminated) for the
 * log. Returns 0 on success. The strings in opt point into argv.
 */
int mod_options_parse(int argc, const char *const *argv,
			struct mod_options *opt, char *err, size_t err_size);

#endif
