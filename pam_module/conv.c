/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The conversation: the code from PAM_AUTHTOK or from a prompt (the same
 * prompt whoever the user is), messages to the user, and handing the
 * password part on (forward_pass). Every failure is a refusal upstream.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "twofa/backup.h"
#include "twofa/mem.h"
#include "twofa/otp.h"
#include "twofa/record.h"

#include "login.h"

void mod_tell(const struct login *l, bool error, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (l->silent)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (error)
		pam_error(l->pamh, "%s", msg);
	else
		pam_info(l->pamh, "%s", msg);
}

void mod_tell_locked(const struct login *l, uint64_t locked_until,
			uint64_t now)
{
	if (locked_until == TWOFA_LOCKED_FOREVER) {
		mod_tell(l, true,
		     "Too many wrong verification codes: this account is "
		     "locked until an administrator unlocks it.");
	} else {
		uint64_t left = locked_until > now ? locked_until - now : 0;

		mod_tell(l, true,
		     "Too many wrong verification codes: this account is "
		     "locked for %llu more minute%s.",
		     (unsigned long long)((left + 59) / 60),
		     (left + 59) / 60 == 1 ? "" : "s");
	}
}

/*
 * Could this text be a code (6 to 8 digits, or a backup code typed with
 * its space)? try_first_pass only tries PAM_AUTHTOK when it could, so a
 * password handed on by an earlier module is not counted as a failure.
 */
static bool looks_like_code(const char *s)
{
	size_t i, n = strlen(s);

	if (n == TWOFA_BACKUP_DIGITS + 1 && s[4] == ' ')
		return strspn(s, "0123456789") == 4 &&
		       strspn(s + 5, "0123456789") == 4;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return n >= TWOFA_DIGITS_MIN && n <= TWOFA_CODE_MAX;
}

/*
 * The code from PAM_AUTHTOK (try_first_pass / use_first_pass), copied into
 * *code; *code stays NULL when there is none (or, for try_first_pass, when
 * it cannot be a code).
 */
int mod_code_from_authtok(const struct login *l, char **code)
{
	const char *tok = mod_item_string(l->pamh, PAM_AUTHTOK);

	*code = NULL;
	if (tok == NULL)
		return PAM_SUCCESS;
	if (l->opt->try_first_pass && !looks_like_code(tok))
		return PAM_SUCCESS;
	*code = strdup(tok);
	return *code != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
}

/* Ask for the code: the same prompt whoever the user is. */
int mod_code_from_prompt(const struct login *l, char **code)
{
	char *resp = NULL;
	int r;

	*code = NULL;
	r = pam_prompt(l->pamh,
		       l->opt->echo ? PAM_PROMPT_ECHO_ON : PAM_PROMPT_ECHO_OFF,
		       &resp, "%s", l->opt->prompt);
	if (r != PAM_SUCCESS || resp == NULL) {
		twofa_free_string(resp);
		return r == PAM_BUF_ERR ? PAM_BUF_ERR : PAM_CONV_ERR;
	}
	*code = resp;
	return PAM_SUCCESS;
}

/*
 * forward_pass: hand on what was typed before the code as PAM_AUTHTOK for
 * the password module that follows (with use_first_pass/try_first_pass).
 */
int mod_forward_rest(const struct login *l, const char *typed,
			size_t code_start)
{
	char *rest;
	int r;

	if (!l->opt->forward_pass)
		return PAM_SUCCESS;
	rest = strndup(typed, code_start);
	if (rest == NULL)
		return PAM_BUF_ERR;
	r = pam_set_item(l->pamh, PAM_AUTHTOK, rest);
	twofa_free_string(rest);
	return r;
}

