/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_twofa's log lines: one per decision, through pam_syslog (authpriv),
 * with user, service, remote host, method and outcome, and never a code,
 * a secret or a hash. Text from outside (user names, hosts, paths) is
 * made printable first, so it cannot forge a field or a line.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "twofa/err.h"

#include "login.h"

/*
 * Copy s for a log line: printable ASCII without quotes (and without
 * spaces unless spaces), the rest as '?', truncated to fit. "-" for NULL
 * or empty. A user name or host can then not forge a second field.
 */
void mod_log_text(const char *s, bool spaces, char *out, size_t size)
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

void mod_log_safe(const char *s, char *out, size_t size)
{
	mod_log_text(s, false, out, size);
}

const char *mod_item_string(pam_handle_t *pamh, int item)
{
	const void *v = NULL;

	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS)
		return NULL;
	return v;
}

void mod_login_init(struct login *l, pam_handle_t *pamh, int flags,
		       const struct mod_options *opt)
{
	memset(l, 0, sizeof(*l));
	l->pamh = pamh;
	l->opt = opt;
	l->silent = (flags & PAM_SILENT) != 0;
	mod_log_safe(mod_item_string(pamh, PAM_USER), l->log_user,
		 sizeof(l->log_user));
	mod_log_safe(mod_item_string(pamh, PAM_SERVICE), l->log_service,
		 sizeof(l->log_service));
	mod_log_safe(mod_item_string(pamh, PAM_RHOST), l->log_rhost,
		 sizeof(l->log_rhost));
}

void mod_login_set_user(struct login *l, const char *user)
{
	l->user = user;
	mod_log_safe(user, l->log_user, sizeof(l->log_user));
}

/*
 * The one line per decision: who, from where, how, and what came of it,
 * then details (never a code, a secret or a hash).
 */
void
mod_log_decision(const struct login *l, int prio, const char *method,
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
void mod_log_error(const struct login *l, const char *method, int err,
			    const struct twofa_error *why)
{
	char path[sizeof(why->path)], ebuf[128];
	const char *what = why->what != NULL ? why->what : twofa_strerror(err);
	bool parsed = (err == TWOFA_ERR_MALFORMED || err == TWOFA_ERR_CONFIG) &&
		      why->parse.what != NULL;

	mod_log_safe(why->path, path, sizeof(path));
	if (parsed && why->parse.line == 0)
		mod_log_decision(l, LOG_ERR, method, "error",
			     "reason=\"%s: %s\" path=%s", what, why->parse.what,
			     path);
	else if (parsed)
		mod_log_decision(l, LOG_ERR, method, "error",
			     "reason=\"%s: line %u: %s\" path=%s", what,
			     why->parse.line, why->parse.what, path);
	else if (why->sys_errno != 0)
		mod_log_decision(
		    l, LOG_ERR, method, "error", "reason=\"%s: %s\" path=%s",
		    what, strerror_r(why->sys_errno, ebuf, sizeof(ebuf)), path);
	else
		mod_log_decision(l, LOG_ERR, method, "error",
			     "reason=\"%s\" path=%s", what, path);
}

