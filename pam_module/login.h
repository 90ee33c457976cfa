/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the files of pam_twofa.so share about one PAM call: the login
 * (handle, options, user, names made safe for the log) and the helpers
 * for logging (log.c), the conversation (conv.c), token_env (token_env.c)
 * and the mapping of core errors to PAM codes (pam_code.c). Private to
 * the module: only pam_sm_* are exported (pam_twofa.map).
 */
#ifndef PAM_TWOFA_LOGIN_H
#define PAM_TWOFA_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <security/pam_modules.h>

#include "twofa/conf.h"
#include "twofa/err.h"
#include "twofa/user.h"

#include "options.h"

/* What one call of a pam_sm_* function knows about its login. */
struct login {
	pam_handle_t *pamh;
	const struct mod_options *opt;
	const struct twofa_conf *conf; /* twofa.conf + overrides (conf.c) */
	const char *user; /* as PAM has it; may be anything */
	bool silent;
	char log_user[TWOFA_USER_MAX + 1];
	char log_service[64];
	char log_rhost[128];
};

/* log.c */

/*
 * Copy s for a log line: printable ASCII without quotes (and without
 * spaces unless spaces), the rest as '?', truncated to fit. "-" for NULL
 * or empty. A user name or host can then not forge a second field.
 */
void mod_log_text(const char *s, bool spaces, char *out, size_t size);
void mod_log_safe(const char *s, char *out, size_t size); /* no spaces */
/* A string item of the PAM handle, or NULL. */
const char *mod_item_string(pam_handle_t *pamh, int item);
void mod_login_init(struct login *l, pam_handle_t *pamh, int flags,
		    const struct mod_options *opt);
void mod_login_set_user(struct login *l, const char *user);
/*
 * The one line per decision: who, from where, how, and what came of it,
 * then details (never a code, a secret or a hash). fmt may be NULL.
 */
void mod_log_decision(const struct login *l, int prio, const char *method,
		      const char *outcome, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* A core error as a log line naming what and where. */
void mod_log_error(const struct login *l, const char *method, int err,
		   const struct twofa_error *why);

/* conv.c */

/* A PAM_TEXT_INFO (or, with error, PAM_ERROR_MSG); nothing if silent. */
void mod_tell(const struct login *l, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mod_tell_locked(const struct login *l, uint64_t locked_until,
		     uint64_t now);
/*
 * The code from PAM_AUTHTOK (try_first_pass / use_first_pass), copied into
 * *code; *code stays NULL when there is none (or, for try_first_pass, when
 * it cannot be a code). A PAM code.
 */
int mod_code_from_authtok(const struct login *l, char **code);
/* Ask for the code: the same prompt whoever the user is. A PAM code. */
int mod_code_from_prompt(const struct login *l, char **code);
/*
 * forward_pass: hand on what was typed before the code as PAM_AUTHTOK for
 * the password module that follows. A PAM code.
 */
int mod_forward_rest(const struct login *l, const char *typed,
		     size_t code_start);

/* token_env.c: after an accepted code; never changes the login's result. */
void mod_token_env_put(const struct login *l, uint64_t now);

/*
 * pam_twofa.c: open the store the options name, as the auth and the
 * account phase both do. A PAM code (logged on failure).
 */
struct twofa_store;
int mod_open_store(const struct login *l, struct twofa_store **st);

/*
 * conf.c: the start of every pam_sm_* call: the module line parsed into
 * opt (a bad option is logged and refuses with PAM_SERVICE_ERR, l->opt
 * then NULL), l set up, then the configuration (mod_conf_load).
 * PAM_SUCCESS, or the code to return.
 */
int mod_begin(struct login *l, pam_handle_t *pamh, int flags, int argc,
	      const char **argv, struct mod_options *opt,
	      struct twofa_conf *conf);

/*
 * conf.c: twofa.conf (conf= or the default path) into conf, then the
 * module line's overrides; l->conf points at it. PAM_SUCCESS, or
 * PAM_SERVICE_ERR (logged) for a bad file, PAM_BUF_ERR.
 */
int mod_conf_load(struct login *l, struct twofa_conf *conf);

/* pam_code.c: a core error that stops the login, as a PAM code. */
int mod_pam_code(int err);

#endif
