/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_twofa.so: asks for a verification code and lets the core decide.
 *
 * This file holds the pam_sm_* entry points and the flow of a login: the
 * options, the store, enrolled or not, the answer. Beside it: options.c
 * (module arguments), conv.c (the conversation), log.c (the log line),
 * token_env.c (token_env=) and pam_code.c (core errors as PAM codes). The
 * decision itself (lockout, OTP window, replay guard, backup codes,
 * durable state) is twofa_authenticate() in lib/auth/. Every path that is
 * not "code accepted" returns a refusal.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/conf.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/seal.h"
#include "twofa/otp.h"
#include "twofa/store.h"
#include "twofa/user.h"

#include "enroll.h"
#include "login.h"
#include "options.h"

/*
 * One decision by the core on one typed text. *may_retry is set when the
 * code was simply wrong (try_first_pass may then prompt).
 */
static int decide(const struct login *l, struct twofa_store *st,
		  const struct twofa_policy *pol, const char *typed,
		  bool *may_retry)
{
	struct twofa_error why;
	struct twofa_outcome out;
	time_t t = time(NULL);
	uint64_t now;
	const char *method;
	int r, ret = PAM_AUTH_ERR;

	*may_retry = false;
	memset(&why, 0, sizeof(why));
	if (t == (time_t)-1) {
		mod_log_decision(l, LOG_ERR, "none", "error",
			     "reason=\"cannot read the clock\"");
		return PAM_AUTHINFO_UNAVAIL;
	}
	now = (uint64_t)t;
	r = twofa_authenticate(st, l->user, typed, now, pol, &out, &why);
	method = twofa_method_name(out.method);
	if (r != TWOFA_OK) {
		if (r == TWOFA_ERR_NO_RECORD)
			mod_log_decision(l, LOG_NOTICE, method, "no-record",
				     "reason=\"record removed during login\"");
		else
			mod_log_error(l, method, r, &why);
		return mod_pam_code(r);
	}

	switch (out.verdict) {
	case TWOFA_VERDICT_ACCEPTED:
		ret = mod_forward_rest(l, typed, out.code_start);
		if (ret != PAM_SUCCESS) {
			mod_log_decision(l, LOG_ERR, method, "error",
				     "reason=\"cannot set PAM_AUTHTOK\"");
			ret = ret == PAM_BUF_ERR ? PAM_BUF_ERR : PAM_AUTH_ERR;
			break;
		}
		if (out.method == TWOFA_METHOD_BACKUP) {
			mod_tell(l, false, "Backup code accepted; %u left",
			     out.backup_left);
			mod_log_decision(l, LOG_INFO, method, "success",
				     "backup_left=%u", out.backup_left);
		} else {
			mod_log_decision(l, LOG_INFO, method, "success", NULL);
		}
		mod_token_env_put(l, now);
		ret = PAM_SUCCESS;
		break;
	case TWOFA_VERDICT_TICKET:
		/* Not a login yet: the enrollment decides (enroll.c). */
		mod_log_decision(l, LOG_INFO, method, "accepted",
				 "reason=\"right ticket; enrollment follows\"");
		ret = mod_enroll_at_login(l, st, pol, &out);
		/* The new secret's first code is an accepted code too. */
		if (ret == PAM_SUCCESS)
			mod_token_env_put(l, (uint64_t)time(NULL));
		break;
	case TWOFA_VERDICT_LOCKED:
		mod_tell_locked(l, out.locked_until, now);
		mod_log_decision(l, LOG_WARNING, method, "locked",
			     "reason=locked failures=%u locked_until=%llu",
			     out.failures,
			     (unsigned long long)out.locked_until);
		ret = PAM_AUTH_ERR;
		break;
	default:
		/* Handed on even so: the password step must not tell. */
		mod_forward_rest(l, typed, out.code_start);
		if (out.just_locked) {
			mod_tell_locked(l, out.locked_until, now);
			mod_log_decision(l, LOG_WARNING, method, "failure",
				     "reason=%s failures=%u locked_until=%llu",
				     twofa_reason_name(out.reason),
				     out.failures,
				     (unsigned long long)out.locked_until);
		} else {
			mod_log_decision(l, LOG_NOTICE, method, "failure",
				     "reason=%s failures=%u",
				     twofa_reason_name(out.reason),
				     out.failures);
			*may_retry = true;
		}
		ret = PAM_AUTH_ERR;
		break;
	}
	return ret;
}

/*
 * Get the code the way the options say, and check it; with
 * try_first_pass, a wrong code from PAM_AUTHTOK leads to a prompt.
 */
static int check_enrolled(const struct login *l, struct twofa_store *st)
{
	const struct mod_options *opt = l->opt;
	struct twofa_policy pol;
	char *code = NULL;
	bool may_retry = false;
	int ret = PAM_AUTH_ERR;

	twofa_policy_default(&pol);
	twofa_policy_from_conf(&pol, l->conf);
	pol.allow_backup = !opt->no_backup_codes;
	pol.code_suffix = opt->forward_pass;
	pol.enroll = opt->enroll;

	if (opt->try_first_pass || opt->use_first_pass) {
		ret = mod_code_from_authtok(l, &code);
		if (ret != PAM_SUCCESS)
			goto out;
		if (code != NULL) {
			ret = decide(l, st, &pol, code, &may_retry);
			if (!(opt->try_first_pass && may_retry))
				goto out;
		} else if (opt->use_first_pass) {
			mod_log_decision(l, LOG_NOTICE, "none", "failure",
				     "reason=\"no PAM_AUTHTOK to use "
				     "(use_first_pass)\"");
			ret = PAM_AUTH_ERR;
			goto out;
		}
		twofa_free_string(code);
		code = NULL;
	}
	ret = mod_code_from_prompt(l, &code);
	if (ret != PAM_SUCCESS) {
		mod_log_decision(l, LOG_NOTICE, "none", "error",
			     "reason=\"conversation failed\"");
		goto out;
	}
	ret = decide(l, st, &pol, code, &may_retry);
out:
	twofa_free_string(code);
	return ret;
}

/*
 * A user without a record (or with a name that can have none), nullok
 * off: the same prompts and about the same work as an enrolled user with
 * a wrong code, then a refusal. An 8-digit answer costs an enrolled user
 * one hash per unused backup code; twofa_backup_burn() spends that. A
 * six-digit one costs the OTP check and the state write (an fdatasync,
 * most of the time): twofa_decoy_login() spends those (measured in
 * tests/hardening/TIMING.md).
 */
static int refuse_unenrolled(const struct login *l, struct twofa_store *st,
			     const char *reason)
{
	const struct mod_options *opt = l->opt;
	char *code = NULL;
	char backup[TWOFA_BACKUP_DIGITS + 1];
	size_t len;
	int ret = PAM_AUTH_ERR, r;

	memset(backup, 0, sizeof(backup));
	if (opt->try_first_pass || opt->use_first_pass) {
		r = mod_code_from_authtok(l, &code);
		if (r != PAM_SUCCESS) {
			ret = r;
			goto out;
		}
		if (code != NULL && !opt->no_backup_codes &&
		    twofa_backup_normalise(code, backup) == TWOFA_OK)
			twofa_backup_burn(backup, TWOFA_BACKUP_DEFAULT);
		if (code != NULL)
			twofa_decoy_login(st, code, l->conf->window);
		if (opt->use_first_pass)
			goto refuse;
		twofa_free_string(code);
		code = NULL;
	}
	r = mod_code_from_prompt(l, &code);
	if (r != PAM_SUCCESS) {
		mod_log_decision(l, LOG_NOTICE, "none", "error",
			     "reason=\"conversation failed\"");
		ret = r;
		goto out;
	}
	len = strlen(code);
	if (!opt->no_backup_codes &&
	    twofa_backup_normalise(
		opt->forward_pass && len >= 8 ? code + len - 8 : code,
		backup) == TWOFA_OK)
		twofa_backup_burn(backup, TWOFA_BACKUP_DEFAULT);
	twofa_decoy_login(st, code, l->conf->window);
	mod_forward_rest(l, code,
		     len >= TWOFA_DIGITS_MIN ? len - TWOFA_DIGITS_MIN : 0);
refuse:
	mod_log_decision(l, LOG_NOTICE, "none", "no-record", "reason=\"%s\"",
		     reason);
	ret = PAM_AUTH_ERR;
out:
	twofa_wipe(backup, sizeof(backup));
	twofa_free_string(code);
	return ret;
}

int mod_open_store(const struct login *l, struct twofa_store **st)
{
	struct twofa_error why;
	int r;

	*st = NULL;
	memset(&why, 0, sizeof(why));
	r = twofa_store_open(l->conf, 0, st, &why);
	if (r != TWOFA_OK) {
		mod_log_error(l, "none", r, &why);
		return mod_pam_code(r);
	}
	/* Sealed records open at load (the store reads the key then). */
	twofa_store_sealer(*st)->require =
	    l->opt->require_encrypted || l->conf->require_encrypted;
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	struct mod_options opt;
	struct twofa_conf conf;
	struct twofa_error why;
	struct twofa_store *st = NULL;
	struct login l;
	const char *user = NULL;
	int r, ret = PAM_AUTH_ERR;

	memset(&why, 0, sizeof(why));
	ret = mod_begin(&l, pamh, flags, argc, argv, &opt, &conf);
	if (ret != PAM_SUCCESS)
		goto out;
	ret = PAM_AUTH_ERR;
	if (opt.debug) {
		char store[256], conf_path[256];

		mod_log_safe(conf.store_kind == TWOFA_STORE_LDAP ? "ldap"
								 : conf.store_dir,
			     store, sizeof(store));
		mod_log_safe(opt.conf != NULL ? opt.conf : TWOFA_CONF_DEFAULT,
			     conf_path, sizeof(conf_path));
		pam_syslog(pamh, LOG_DEBUG,
			   "options: store=%s window=%d deny=%u "
			   "unlock_time=%llu nullok=%d try_first_pass=%d "
			   "use_first_pass=%d forward_pass=%d "
			   "no_backup_codes=%d echo=%d token_env=%s conf=%s",
			   store, conf.window, conf.deny,
			   (unsigned long long)conf.unlock_time, opt.nullok,
			   opt.try_first_pass, opt.use_first_pass,
			   opt.forward_pass, opt.no_backup_codes, opt.echo,
			   opt.token_env != NULL ? opt.token_env : "-",
			   conf_path);
	}

	r = pam_get_user(pamh, &user, NULL);
	if (r != PAM_SUCCESS || user == NULL) {
		mod_log_decision(&l, LOG_ERR, "none", "error",
			     "reason=\"cannot get the user name: %s\"",
			     pam_strerror(pamh, r));
		ret = r == PAM_BUF_ERR	  ? PAM_BUF_ERR
		      : r == PAM_CONV_ERR ? PAM_CONV_ERR
					  : PAM_AUTH_ERR;
		goto out;
	}
	mod_login_set_user(&l, user);

	ret = mod_open_store(&l, &st);
	if (ret != PAM_SUCCESS)
		goto out;
	r = twofa_store_exists(st, user, &why);
	if (r == TWOFA_ERR_NO_RECORD && opt.nullok) {
		mod_log_decision(&l, LOG_INFO, "none", "ignore",
			     "reason=\"no record (nullok)\"");
		ret = PAM_IGNORE;
		goto out;
	}
	if (r == TWOFA_ERR_NO_RECORD || r == TWOFA_ERR_BAD_USER) {
		/* A bad name cannot have a record: refused even with nullok. */
		ret = refuse_unenrolled(&l, st,
					r == TWOFA_ERR_NO_RECORD
					    ? "no record"
					    : "invalid user name");
		goto out;
	}
	if (r != TWOFA_OK) {
		mod_log_error(&l, "none", r, &why);
		ret = mod_pam_code(r);
		goto out;
	}
	ret = check_enrolled(&l, st);
out:
	twofa_store_close(st);
	/* Belt and braces: only an accepted code or nullok may pass. */
	if (ret == PAM_SUCCESS || ret == PAM_IGNORE)
		return ret;
	return ret == PAM_BUF_ERR || ret == PAM_CONV_ERR ||
		       ret == PAM_AUTHINFO_UNAVAIL || ret == PAM_SERVICE_ERR
		   ? ret
		   : PAM_AUTH_ERR;
}

/*
 * The account phase: commits a self-enrollment staged by this handle's
 * auth phase (SPEC 9). Nothing staged: nothing to say about the account.
 */
PAM_EXTERN int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc,
				const char **argv)
{
	struct mod_options opt;
	struct twofa_conf conf;
	struct login l;
	const void *user = NULL;
	int ret;

	ret = mod_begin(&l, pamh, flags, argc, argv, &opt, &conf);
	if (ret == PAM_SERVICE_ERR && l.opt == NULL)
		return ret; /* a bad module line: nothing more to say */
	if (pam_get_item(pamh, PAM_USER, &user) == PAM_SUCCESS && user != NULL)
		mod_login_set_user(&l, user);
	if (ret == PAM_SUCCESS)
		ret = mod_enroll_commit(&l);
	/* Belt and braces, as for authentication. */
	return ret == PAM_SUCCESS || ret == PAM_BUF_ERR ||
		       ret == PAM_PERM_DENIED || ret == PAM_SERVICE_ERR
		   ? ret
		   : PAM_AUTHINFO_UNAVAIL;
}

PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc,
			      const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
