/* SPDX-License-Identifier: BSD-2-Clause */
/* token_env=NAME: a signed token for the session, after an accepted code. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "twofa/err.h"
#include "twofa/jwt_key.h"
#include "twofa/mem.h"
#include "twofa/token.h"

#include "login.h"

/*
 * token_env=NAME. After an accepted code, a fresh signed token for the
 * user (as `twofa-admin token` makes it, signed with /etc/twofa/jwt.key,
 * lib/token/token.c) goes into the PAM environment as NAME, so that sshd hands
 * it to the session. A missing or bad key is logged and leaves the login
 * unaffected, which is why this returns nothing; NAME is then unset, so
 * no stale value stands in for the token.
 */
void mod_token_env_put(const struct login *l, uint64_t now)
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

