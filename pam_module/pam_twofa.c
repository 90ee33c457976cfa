/*
 * pam_twofa.so: asks for a verification code and lets the core decide.
 *
 * This file holds only what is PAM's business: the pam_sm_* entry points,
 * the conversation, the messages, the log line and the mapping of core
 * results to PAM codes. The decision itself (lockout, OTP window, replay
 * guard, backup codes, durable state) is twofa_authenticate() in lib/.
 * Every path that is not "code accepted" returns a refusal.
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
#include "twofa/jwt_key.h"
#include "twofa/mem.h"
#include "twofa/store.h"
#include "twofa/token.h"
#include "twofa/user.h"

#include "enroll.h"
#include "login.h"
#include "options.h"

/*
 * Copy s for a log line: printable ASCII without quotes (and without
 * spaces unless spaces), the rest as '?', truncated to fit. "-" for NULL
 * or empty. A user name or host can then not forge a second field.
 */
static void log_text(const char *s, bool spaces, char *out, size_t size)
{
	size_t i;

	if (s == NULL || s[0] == '\0')
		s = "-";
	for (i = 0; s[i] != '\0' && i + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = c > 0x20 && c < 0x7f && c != '"';

		out[i] = (ok || (spaces && c == ' ')) ? (char)c : '?';
	}
	out[i] = '\0';
}

void log_safe(const char *s, char *out, size_t size)
{
	log_text(s, false, out, size);
}

static const char *get_string_item(pam_handle_t *pamh, int item)
{
	const void *v = NULL;

	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

static void login_init(struct login *l, pam_handle_t *pamh, int flags,
		       const struct twofa_options *opt)
{
	memset(l, 0, sizeof(*l));
	l->pamh = pamh;
	l->opt = opt;
	l->silent = (flags & PAM_SILENT) != 0;
	log_safe(get_string_item(pamh, PAM_USER), l->log_user,
		 sizeof(l->log_user));
	log_safe(get_string_item(pamh, PAM_SERVICE), l->log_service,
		 sizeof(l->log_service));
	log_safe(get_string_item(pamh, PAM_RHOST), l->log_rhost,
		 sizeof(l->log_rhost));
}

static void set_user(struct login *l, const char *user)
{
	l->user = user;
	log_safe(user, l->log_user, sizeof(l->log_user));
}

/*
 * The one line per decision: who, from where, how, and what came of it,
 * then details (never a code, a secret or a hash).
 */
__attribute__((format(printf, 5, 6))) void
log_decision(const struct login *l, int prio, const char *method,
	     const char *outcome, const char *fmt, ...)
{
	char detail[512];
	va_list ap;

	detail[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	pam_syslog(l->pamh, prio,
		   "user=%s service=%s rhost=%s method=%s outcome=%s%s%s",
		   l->log_user, l->log_service, l->log_rhost, method, outcome,
		   detail[0] != '\0' ? " " : "", detail);
}

/* A store error as a log line naming what and where. */
void log_store_error(const struct login *l, const char *method, int err,
		     const struct twofa_error *why)
{
	char path[sizeof(why->path)], ebuf[128];
	const char *what = why->what != NULL ? why->what : twofa_strerror(err);

	log_safe(why->path, path, sizeof(path));
	if (err == TWOFA_ERR_MALFORMED && why->parse.what != NULL &&
	    why->parse.line == 0)
		log_decision(l, LOG_ERR, method, "error",
			     "reason=\"%s: %s\" path=%s", what, why->parse.what,
			     path);
	else if (err == TWOFA_ERR_MALFORMED && why->parse.what != NULL)
		log_decision(l, LOG_ERR, method, "error",
			     "reason=\"%s: line %u: %s\" path=%s", what,
			     why->parse.line, why->parse.what, path);
	else if (why->sys_errno != 0)
		log_decision(
		    l, LOG_ERR, method, "error", "reason=\"%s: %s\" path=%s",
		    what, strerror_r(why->sys_errno, ebuf, sizeof(ebuf)), path);
	else
		log_decision(l, LOG_ERR, method, "error",
			     "reason=\"%s\" path=%s", what, path);
}

/* A core error that stops the login, as a PAM code: never success. */
int pam_code_for(int err)
{
	switch (err) {
	case TWOFA_ERR_NOMEM:
		return PAM_BUF_ERR;
	case TWOFA_ERR_NO_RECORD:
	case TWOFA_ERR_BAD_USER:
		return PAM_AUTH_ERR;
	default:
		return PAM_AUTHINFO_UNAVAIL;
	}
}

void tell(const struct login *l, bool error, const char *fmt, ...)
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

void tell_locked(const struct login *l, uint64_t locked_until,
			uint64_t now)
{
	if (locked_until == TWOFA_LOCKED_FOREVER) {
		tell(l, true,
		     "Too many wrong verification codes: this account is "
		     "locked until an administrator unlocks it.");
	} else {
		uint64_t left = locked_until > now ? locked_until - now : 0;

		tell(l, true,
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
static int code_from_authtok(const struct login *l, char **code)
{
	const char *tok = get_string_item(l->pamh, PAM_AUTHTOK);

	*code = NULL;
	if (tok == NULL)
		return PAM_SUCCESS;
	if (l->opt->try_first_pass && !looks_like_code(tok))
		return PAM_SUCCESS;
	*code = strdup(tok);
	return *code != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
}

/* Ask for the code: the same prompt whoever the user is. */
static int code_from_prompt(const struct login *l, char **code)
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
static int forward_rest(const struct login *l, const char *typed,
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

/*
 * token_env=NAME. After an accepted code, a fresh signed token for the
 * user (as `twofa-admin token` makes it, signed with /etc/twofa/jwt.key,
 * lib/token/token.c) goes into the PAM environment as NAME, so that sshd hands
 * it to the session. A missing or bad key is logged and leaves the login
 * unaffected, which is why this returns nothing; NAME is then unset, so
 * no stale value stands in for the token.
 */
static void put_token(const struct login *l, uint64_t now)
{
	struct twofa_token_request req;
	struct twofa_error why;
	struct twofa_key *key = NULL;
	char *tok = NULL, *entry = NULL;
	const char *name = l->opt->token_env;
	bool put = false;
	int err, r;

	if (name == NULL)
		return;
	memset(&why, 0, sizeof(why));
	memset(&req, 0, sizeof(req));
	err = twofa_key_load(TWOFA_KEY_DIR, 0, &key, &why);
	if (err != TWOFA_OK) {
		pam_syslog(l->pamh, LOG_ERR,
			   "user=%s token_env=%s: %s: %s; no token issued",
			   l->log_user, name,
			   why.path[0] != '\0' ? why.path : TWOFA_KEY_DIR,
			   why.what != NULL ? why.what : twofa_strerror(err));
		goto out;
	}
	req.user = l->user;
	req.now = now;
	err = twofa_token_issue(key, &req, &tok);
	if (err != TWOFA_OK) {
		pam_syslog(l->pamh, LOG_ERR,
			   "user=%s token_env=%s: cannot issue a token: %s",
			   l->log_user, name, twofa_strerror(err));
		goto out;
	}
	if (asprintf(&entry, "%s=%s", name, tok) < 0) {
		entry = NULL;
		pam_syslog(l->pamh, LOG_ERR,
			   "user=%s token_env=%s: out of memory; no token",
			   l->log_user, name);
		goto out;
	}
	r = pam_putenv(l->pamh, entry);
	if (r != PAM_SUCCESS) {
		pam_syslog(l->pamh, LOG_ERR,
			   "user=%s token_env=%s: pam_putenv: %s; no token",
			   l->log_user, name, pam_strerror(l->pamh, r));
		goto out;
	}
	put = true;
	if (l->opt->debug)
		pam_syslog(l->pamh, LOG_DEBUG,
			   "user=%s token_env=%s: token issued (kid %s)",
			   l->log_user, name, twofa_key_id(key));
out:
	if (!put)
		pam_putenv(l->pamh, name); /* unset: no stale token */
	/* A bearer credential: wiped like a code (libpam keeps its copy). */
	twofa_free_string(entry);
	twofa_free_string(tok);
	twofa_key_free(key);
}

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
		log_decision(l, LOG_ERR, "none", "error",
			     "reason=\"cannot read the clock\"");
		return PAM_AUTHINFO_UNAVAIL;
	}
	now = (uint64_t)t;
	r = twofa_authenticate(st, l->user, typed, now, pol, &out, &why);
	method = twofa_method_name(out.method);
	if (r != TWOFA_OK) {
		if (r == TWOFA_ERR_NO_RECORD)
			log_decision(l, LOG_NOTICE, method, "no-record",
				     "reason=\"record removed during login\"");
		else
			log_store_error(l, method, r, &why);
		return pam_code_for(r);
	}

	switch (out.verdict) {
	case TWOFA_VERDICT_ACCEPTED:
		ret = forward_rest(l, typed, out.code_start);
		if (ret != PAM_SUCCESS) {
			log_decision(l, LOG_ERR, method, "error",
				     "reason=\"cannot set PAM_AUTHTOK\"");
			ret = ret == PAM_BUF_ERR ? PAM_BUF_ERR : PAM_AUTH_ERR;
			break;
		}
		if (out.method == TWOFA_METHOD_BACKUP) {
			tell(l, false, "Backup code accepted; %u left",
			     out.backup_left);
			log_decision(l, LOG_INFO, method, "success",
				     "backup_left=%u", out.backup_left);
		} else {
			log_decision(l, LOG_INFO, method, "success", NULL);
		}
		put_token(l, now);
		ret = PAM_SUCCESS;
		break;
	case TWOFA_VERDICT_TICKET:
		/* Not a login yet: the enrollment decides (pam_module/enroll.c). */
		log_decision(l, LOG_INFO, method, "accepted",
			     "reason=\"right ticket; enrollment follows\"");
		ret = enroll_at_login(l, st, pol, &out);
		break;
	case TWOFA_VERDICT_LOCKED:
		tell_locked(l, out.locked_until, now);
		log_decision(l, LOG_WARNING, method, "locked",
			     "failures=%u locked_until=%llu", out.failures,
			     (unsigned long long)out.locked_until);
		ret = PAM_AUTH_ERR;
		break;
	default:
		/* Handed on even so: the password step must not tell. */
		forward_rest(l, typed, out.code_start);
		if (out.just_locked) {
			tell_locked(l, out.locked_until, now);
			log_decision(l, LOG_WARNING, method, "failure",
				     "failures=%u locked_until=%llu",
				     out.failures,
				     (unsigned long long)out.locked_until);
		} else if (out.method == TWOFA_METHOD_TICKET) {
			log_decision(l, LOG_NOTICE, method, "failure",
				     "failures=%u%s", out.failures,
				     !pol->enroll ? " reason=\"pending "
						    "enrollment; no enroll "
						    "option here\""
				     : out.ticket_expired
					 ? " reason=\"invitation expired\""
					 : "");
			*may_retry = true;
		} else {
			log_decision(l, LOG_NOTICE, method, "failure",
				     "failures=%u", out.failures);
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
	const struct twofa_options *opt = l->opt;
	struct twofa_policy pol;
	char *code = NULL;
	bool may_retry = false;
	int ret = PAM_AUTH_ERR;

	twofa_policy_default(&pol);
	pol.window = opt->window;
	pol.deny = opt->deny;
	pol.unlock_time = opt->unlock_time;
	pol.allow_backup = !opt->no_backup_codes;
	pol.code_suffix = opt->forward_pass;
	pol.enroll = opt->enroll;

	if (opt->try_first_pass || opt->use_first_pass) {
		ret = code_from_authtok(l, &code);
		if (ret != PAM_SUCCESS)
			goto out;
		if (code != NULL) {
			ret = decide(l, st, &pol, code, &may_retry);
			if (!(opt->try_first_pass && may_retry))
				goto out;
		} else if (opt->use_first_pass) {
			log_decision(l, LOG_NOTICE, "none", "failure",
				     "reason=\"no PAM_AUTHTOK to use "
				     "(use_first_pass)\"");
			ret = PAM_AUTH_ERR;
			goto out;
		}
		twofa_free_string(code);
		code = NULL;
	}
	ret = code_from_prompt(l, &code);
	if (ret != PAM_SUCCESS) {
		log_decision(l, LOG_NOTICE, "none", "error",
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
 * most of the time): twofa_store_decoy() spends those (measured in
 * tests/hardening/TIMING.md).
 */
static int refuse_unenrolled(const struct login *l, struct twofa_store *st,
			     const char *reason)
{
	const struct twofa_options *opt = l->opt;
	char *code = NULL;
	char backup[TWOFA_BACKUP_DIGITS + 1];
	size_t len;
	int ret = PAM_AUTH_ERR, r;

	memset(backup, 0, sizeof(backup));
	if (opt->try_first_pass || opt->use_first_pass) {
		r = code_from_authtok(l, &code);
		if (r != PAM_SUCCESS) {
			ret = r;
			goto out;
		}
		if (code != NULL && !opt->no_backup_codes &&
		    twofa_backup_normalise(code, backup) == TWOFA_OK)
			twofa_backup_burn(backup, TWOFA_BACKUP_DEFAULT);
		if (code != NULL)
			twofa_store_decoy(st, code, opt->window);
		if (opt->use_first_pass)
			goto refuse;
		twofa_free_string(code);
		code = NULL;
	}
	r = code_from_prompt(l, &code);
	if (r != PAM_SUCCESS) {
		log_decision(l, LOG_NOTICE, "none", "error",
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
	twofa_store_decoy(st, code, opt->window);
	forward_rest(l, code,
		     len >= TWOFA_DIGITS_MIN ? len - TWOFA_DIGITS_MIN : 0);
refuse:
	log_decision(l, LOG_NOTICE, "none", "no-record", "reason=\"%s\"",
		     reason);
	ret = PAM_AUTH_ERR;
out:
	twofa_wipe(backup, sizeof(backup));
	twofa_free_string(code);
	return ret;
}

/*
 * Open the store the options name, as both the auth and the account
 * phase do. Returns a PAM code (logged) or PAM_SUCCESS.
 */
int login_open_store(const struct login *l, struct twofa_store **st)
{
	struct twofa_conf conf;
	struct twofa_error why;
	int r;

	*st = NULL;
	memset(&why, 0, sizeof(why));
	twofa_conf_init(&conf);
	if (twofa_conf_set_store(&conf, l->opt->store) != TWOFA_OK) {
		log_decision(l, LOG_ERR, "none", "error",
			     "reason=\"bad store\"");
		return PAM_SERVICE_ERR;
	}
	r = twofa_store_open(&conf, 0, st, &why);
	if (r != TWOFA_OK) {
		log_store_error(l, "none", r, &why);
		return r == TWOFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTHINFO_UNAVAIL;
	}
	return PAM_SUCCESS;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	struct twofa_options opt;
	struct twofa_error why;
	struct twofa_store *st = NULL;
	struct login l;
	const char *user = NULL;
	char err[160];
	int r, ret = PAM_AUTH_ERR;

	memset(&why, 0, sizeof(why));
	r = twofa_options_parse(argc, argv, &opt, err, sizeof(err));
	login_init(&l, pamh, flags, &opt);
	if (r != 0) {
		char safe[sizeof(err)];

		log_text(err, true, safe, sizeof(safe));
		pam_syslog(pamh, LOG_ERR,
			   "user=%s service=%s rhost=%s method=none "
			   "outcome=error reason=\"bad module option: %s\"",
			   l.log_user, l.log_service, l.log_rhost, safe);
		ret = PAM_SERVICE_ERR;
		goto out;
	}
	if (opt.debug) {
		char store[256];

		log_safe(opt.store, store, sizeof(store));
		pam_syslog(pamh, LOG_DEBUG,
			   "options: store=%s window=%d deny=%u "
			   "unlock_time=%llu nullok=%d try_first_pass=%d "
			   "use_first_pass=%d forward_pass=%d "
			   "no_backup_codes=%d echo=%d token_env=%s",
			   store, opt.window, opt.deny,
			   (unsigned long long)opt.unlock_time, opt.nullok,
			   opt.try_first_pass, opt.use_first_pass,
			   opt.forward_pass, opt.no_backup_codes, opt.echo,
			   opt.token_env != NULL ? opt.token_env : "-");
	}

	r = pam_get_user(pamh, &user, NULL);
	if (r != PAM_SUCCESS || user == NULL) {
		log_decision(&l, LOG_ERR, "none", "error",
			     "reason=\"cannot get the user name: %s\"",
			     pam_strerror(pamh, r));
		ret = r == PAM_BUF_ERR	  ? PAM_BUF_ERR
		      : r == PAM_CONV_ERR ? PAM_CONV_ERR
					  : PAM_AUTH_ERR;
		goto out;
	}
	set_user(&l, user);

	ret = login_open_store(&l, &st);
	if (ret != PAM_SUCCESS)
		goto out;
	r = twofa_store_exists(st, user, &why);
	if (r == TWOFA_ERR_NO_RECORD && opt.nullok) {
		log_decision(&l, LOG_INFO, "none", "ignore",
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
		log_store_error(&l, "none", r, &why);
		ret = r == TWOFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTHINFO_UNAVAIL;
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
	struct twofa_options opt;
	struct login l;
	const char *user = NULL;
	char err[160];
	int r, ret;

	r = twofa_options_parse(argc, argv, &opt, err, sizeof(err));
	login_init(&l, pamh, flags, &opt);
	if (r != 0) {
		char safe[sizeof(err)];

		log_text(err, true, safe, sizeof(safe));
		pam_syslog(pamh, LOG_ERR,
			   "user=%s service=%s rhost=%s method=none "
			   "outcome=error reason=\"bad module option: %s\"",
			   l.log_user, l.log_service, l.log_rhost, safe);
		return PAM_SERVICE_ERR;
	}
	r = pam_get_item(pamh, PAM_USER, (const void **)&user);
	if (r == PAM_SUCCESS && user != NULL)
		set_user(&l, user);
	ret = enroll_commit(&l);
	/* Belt and braces, as for authentication. */
	return ret == PAM_SUCCESS || ret == PAM_BUF_ERR ||
		       ret == PAM_PERM_DENIED
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
