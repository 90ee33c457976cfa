/*
 * What the module's files share about one login: who, from where, the
 * options, and the one log line per decision (never a code, a secret or
 * a hash).
 */
#ifndef PAM_TWOFA_LOGIN_H
#define PAM_TWOFA_LOGIN_H

#include <stdbool.h>
#include <stdint.h>

#include <security/pam_modules.h>

#include "twofa/store.h"
#include "twofa/user.h"

#include "options.h"

/* What one call of a pam_sm_* function knows about its login. */
struct login {
	pam_handle_t *pamh;
	const struct twofa_options *opt;
	const char *user; /* as PAM has it; may be anything */
	bool silent;
	char log_user[TWOFA_USER_MAX + 1];
	char log_service[64];
	char log_rhost[128];
};

/* Printable ASCII without spaces or quotes, for a log field. */
void log_safe(const char *s, char *out, size_t size);

/* user=... service=... rhost=... method=M outcome=O [detail] */
void log_decision(const struct login *l, int prio, const char *method,
		  const char *outcome, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* A store error as a log line naming what and where. */
void log_store_error(const struct login *l, const char *method, int err,
		     const struct twofa_error *why);

/* Open the store the options name (both phases). A PAM code, logged. */
int login_open_store(const struct login *l, struct twofa_store **st);

/* A core error that stops the login, as a PAM code: never success. */
int pam_code_for(int err);

/* PAM_TEXT_INFO / PAM_ERROR_MSG, unless PAM_SILENT. */
void tell(const struct login *l, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void tell_locked(const struct login *l, uint64_t locked_until, uint64_t now);

#endif
