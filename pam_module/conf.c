/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The settings of one PAM call: /etc/twofa/twofa.conf (or conf=FILE),
 * read by the core's one parser (lib/conf/), then what the module line
 * says on top (store=, window=, deny=, unlock_time= override the file).
 * An unsafe, unreadable or malformed file refuses every login with
 * PAM_SERVICE_ERR and a log line: the administrator meant something by
 * it, and guessing what would be worse than stopping.
 */
#include <stdbool.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "twofa/conf.h"
#include "twofa/err.h"

#include "login.h"

int mod_begin(struct login *l, pam_handle_t *pamh, int flags, int argc,
	      const char **argv, struct mod_options *opt,
	      struct twofa_conf *conf)
{
	char err[160];
	int r;

	r = mod_options_parse(argc, argv, opt, err, sizeof(err));
	mod_login_init(l, pamh, flags, opt);
	if (r != 0) {
		char safe[sizeof(err)];

		mod_log_text(err, true, safe, sizeof(safe));
		pam_syslog(pamh, LOG_ERR,
			   "user=%s service=%s rhost=%s method=none "
			   "outcome=error reason=\"bad module option: %s\"",
			   l->log_user, l->log_service, l->log_rhost, safe);
		l->opt = NULL; /* nothing of a bad line is used */
		return PAM_SERVICE_ERR;
	}
	return mod_conf_load(l, conf);
}

int mod_conf_load(struct login *l, struct twofa_conf *conf)
{
	const struct mod_options *opt = l->opt;
	const char *path = opt->conf != NULL ? opt->conf : TWOFA_CONF_DEFAULT;
	struct twofa_error why;
	int r;

	memset(&why, 0, sizeof(why));
	twofa_conf_init(conf);
	l->conf = conf;
	r = twofa_conf_load(path, opt->conf == NULL, conf, &why);
	if (r != TWOFA_OK) {
		mod_log_error(l, "none", r, &why);
		return r == TWOFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_SERVICE_ERR;
	}
	if ((opt->given & MOD_GIVEN_STORE) &&
	    twofa_conf_set_store(conf, opt->store) != TWOFA_OK) {
		mod_log_decision(l, LOG_ERR, "none", "error",
				 "reason=\"bad store= option\"");
		return PAM_SERVICE_ERR;
	}
	if (opt->given & MOD_GIVEN_WINDOW)
		conf->window = opt->window;
	if (opt->given & MOD_GIVEN_DENY)
		conf->deny = opt->deny;
	if (opt->given & MOD_GIVEN_UNLOCK)
		conf->unlock_time = opt->unlock_time;
	return PAM_SUCCESS;
}
