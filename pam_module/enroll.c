/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Self-enrollment at login (SPEC 9). The auth phase never writes the new
 * record: it stages it in the PAM handle with pam_set_data(), and the
 * account phase, which applications run only when the whole auth stack
 * succeeded, replaces the pending record by it in one compare-and-swap.
 * A login whose password failed, or a stack without the account line,
 * thus commits nothing and leaves the ticket valid; the staged data's
 * cleanup then says so in the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/uri.h"

#include "enroll.h"

#define STAGED_KEY "pam_twofa_enrollment"

/* What the auth phase hands to the account phase inside the handle. */
struct staged {
	struct twofa_record rec;     /* the new record (holds the secret) */
	struct twofa_ticket ticket;  /* the invitation it replaces */
	char user[TWOFA_USER_MAX + 1];
	char store[4096];
	bool committed;
	char log_user[TWOFA_USER_MAX + 1];
	char log_service[64];
	char log_rhost[128];
};

/*
 * libpam calls this from pam_end() (or when the data is replaced by a
 * second pam_authenticate on the same handle): an enrollment that was
 * not committed is logged as such, and the secret is wiped either way.
 */
static void staged_cleanup(pam_handle_t *pamh, void *data, int status)
{
	struct staged *s = data;

	if (s == NULL)
		return;
	if (!s->committed)
		/* Outside any module call libpam adds no "pam_twofa(...)". */
		pam_syslog(pamh, LOG_NOTICE,
			   "pam_twofa: user=%s service=%s rhost=%s method=enroll "
			   "outcome=incomplete reason=\"enrollment did not "
			   "complete%s\"",
			   s->log_user, s->log_service, s->log_rhost,
			   (status & PAM_DATA_REPLACE) ? ": login restarted"
						       : "");
	twofa_freezero(s, sizeof(*s));
}

/*
 * The URI's issuer: twofa.conf's issuer, else the host name (as
 * twofa-admin enroll does), or none when it is unusable.
 */
static const char *issuer_name(const struct login *l, char *buf, size_t size)
{
	if (l->conf != NULL && l->conf->issuer[0] != '\0')
		return l->conf->issuer;
	if (gethostname(buf, size) != 0)
		return NULL;
	buf[size - 1] = '\0';
	return twofa_uri_issuer_valid(buf) ? buf : NULL;
}

/* Show the new secret in the prompt and read the first code. */
static int ask_first_code(const struct login *l, const struct twofa_record *rec,
			  const char *codes, unsigned count, char **code)
{
	enum twofa_qr_style style = l->opt->enroll_qr == MOD_ENROLL_QR_ASCII
					? TWOFA_QR_ASCII
					: TWOFA_QR_UTF8_PLAIN;
	char host[256], *text = NULL, *resp = NULL;
	int r, ret = PAM_AUTH_ERR;

	*code = NULL;
	r = twofa_enroll_text(rec, issuer_name(l, host, sizeof(host)), l->user,
			      codes, count,
			      l->opt->enroll_qr == MOD_ENROLL_QR_NONE ? NULL
									: &style,
			      TWOFA_ENROLL_PROMPT, &text);
	if (r != TWOFA_OK) {
		mod_log_decision(l, LOG_ERR, "enroll", "error",
			     "reason=\"cannot make the enrollment text: %s\"",
			     twofa_strerror(r));
		ret = r == TWOFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	/* Shown even with PAM_SILENT: without it the user cannot enroll. */
	r = pam_prompt(l->pamh,
		       l->opt->echo ? PAM_PROMPT_ECHO_ON : PAM_PROMPT_ECHO_OFF,
		       &resp, "%s", text);
	if (r != PAM_SUCCESS || resp == NULL) {
		mod_log_decision(l, LOG_NOTICE, "enroll", "error",
			     "reason=\"conversation failed\"");
		twofa_free_string(resp);
		ret = r == PAM_BUF_ERR ? PAM_BUF_ERR : PAM_CONV_ERR;
		goto out;
	}
	*code = resp;
	ret = PAM_SUCCESS;
out:
	twofa_free_string(text);
	return ret;
}

static int stage(const struct login *l, struct twofa_store *st,
		 const struct twofa_record *rec,
		 const struct twofa_ticket *ticket)
{
	struct staged *s = calloc(1, sizeof(*s));
	int r;

	if (s == NULL)
		return PAM_BUF_ERR;
	s->rec = *rec;
	s->ticket = *ticket;
	snprintf(s->user, sizeof(s->user), "%s", l->user);
	snprintf(s->store, sizeof(s->store), "%s", twofa_store_where(st));
	memcpy(s->log_user, l->log_user, sizeof(s->log_user));
	memcpy(s->log_service, l->log_service, sizeof(s->log_service));
	memcpy(s->log_rhost, l->log_rhost, sizeof(s->log_rhost));
	r = pam_set_data(l->pamh, STAGED_KEY, s, staged_cleanup);
	if (r != PAM_SUCCESS) {
		twofa_freezero(s, sizeof(*s));
		return r == PAM_BUF_ERR ? PAM_BUF_ERR : PAM_AUTHINFO_UNAVAIL;
	}
	return PAM_SUCCESS;
}

int mod_enroll_at_login(const struct login *l, struct twofa_store *st,
		    const struct twofa_policy *pol,
		    const struct twofa_outcome *ticket)
{
	struct twofa_record rec;
	struct twofa_error why;
	struct twofa_outcome out;
	char codes[TWOFA_BACKUP_DEFAULT * (TWOFA_BACKUP_DIGITS + 1)];
	unsigned count = l->opt->no_backup_codes ? 0 : TWOFA_BACKUP_DEFAULT;
	char *code = NULL;
	time_t t;
	int r, ret = PAM_AUTH_ERR;

	memset(&why, 0, sizeof(why));
	memset(codes, 0, sizeof(codes));
	t = time(NULL);
	r = t == (time_t)-1 ? TWOFA_ERR_IO
			    : twofa_enroll_new(&rec, (uint64_t)t, count, codes,
					       sizeof(codes));
	if (r != TWOFA_OK) {
		mod_log_decision(l, LOG_ERR, "enroll", "error",
			     "reason=\"cannot make a secret: %s\"",
			     twofa_strerror(r));
		ret = r == TWOFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	ret = ask_first_code(l, &rec, codes, count, &code);
	if (ret != PAM_SUCCESS)
		goto out;
	/* The user took a while to scan: the code is for the time now. */
	t = time(NULL);
	if (t == (time_t)-1) {
		mod_log_decision(l, LOG_ERR, "enroll", "error",
			     "reason=\"cannot read the clock\"");
		ret = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	r = twofa_enroll_confirm(st, l->user, &ticket->ticket, &rec, code,
				 (uint64_t)t, pol, &out, &why);
	if (r != TWOFA_OK) {
		mod_log_error(l, "enroll", r, &why);
		ret = mod_pam_code(r);
		goto out;
	}
	switch (out.verdict) {
	case TWOFA_VERDICT_ACCEPTED:
		ret = stage(l, st, &rec, &ticket->ticket);
		if (ret != PAM_SUCCESS) {
			mod_log_decision(l, LOG_ERR, "enroll", "error",
				     "reason=\"cannot stage the enrollment\"");
			break;
		}
		mod_log_decision(l, LOG_INFO, "enroll", "staged",
			     "reason=\"first code right; committed by the "
			     "account phase\"");
		ret = PAM_SUCCESS;
		break;
	case TWOFA_VERDICT_LOCKED:
		mod_tell_locked(l, out.locked_until, (uint64_t)t);
		mod_log_decision(l, LOG_WARNING, "enroll", "locked",
			     "reason=locked failures=%u locked_until=%llu",
			     out.failures,
			     (unsigned long long)out.locked_until);
		ret = PAM_AUTH_ERR;
		break;
	default:
		if (out.just_locked)
			mod_tell_locked(l, out.locked_until, (uint64_t)t);
		mod_log_decision(l, out.just_locked ? LOG_WARNING : LOG_NOTICE,
			     "enroll", "failure", "reason=wrong failures=%u",
			     out.failures);
		ret = PAM_AUTH_ERR;
		break;
	}
out:
	twofa_free_string(code);
	twofa_wipe(codes, sizeof(codes));
	twofa_record_wipe(&rec);
	return ret;
}

int mod_enroll_commit(const struct login *l)
{
	struct twofa_error why;
	struct twofa_store *st = NULL;
	const void *data = NULL;
	struct staged *s;
	int r, ret = PAM_AUTHINFO_UNAVAIL;

	memset(&why, 0, sizeof(why));
	if (pam_get_data(l->pamh, STAGED_KEY, &data) != PAM_SUCCESS ||
	    data == NULL)
		return PAM_SUCCESS; /* no enrollment at this login */
	s = (struct staged *)(uintptr_t)data;
	if (s->committed)
		return PAM_SUCCESS;
	/* The record was made for one user in one store: no other. */
	if (l->user == NULL || strcmp(l->user, s->user) != 0) {
		mod_log_decision(l, LOG_ERR, "enroll", "error",
			     "reason=\"user changed between auth and "
			     "account\"");
		return PAM_PERM_DENIED;
	}
	ret = mod_open_store(l, &st);
	if (ret != PAM_SUCCESS)
		goto out;
	if (strcmp(twofa_store_where(st), s->store) != 0) {
		mod_log_decision(l, LOG_ERR, "enroll", "error",
			     "reason=\"account line names another store "
			     "than the auth line\"");
		ret = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	r = twofa_enroll_commit(st, s->user, &s->ticket, &s->rec, &why);
	if (r != TWOFA_OK) {
		mod_log_error(l, "enroll", r, &why);
		ret = r == TWOFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	s->committed = true;
	twofa_record_wipe(&s->rec);
	mod_log_decision(l, LOG_INFO, "enroll", "success",
		     "reason=\"enrollment committed; the ticket is spent\"");
	ret = PAM_SUCCESS;
out:
	twofa_store_close(st);
	return ret;
}
