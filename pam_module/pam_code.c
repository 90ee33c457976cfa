/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one mapping of core errors to PAM codes (SPEC section 3): store or
 * record unusable -> PAM_AUTHINFO_UNAVAIL, bad configuration ->
 * PAM_SERVICE_ERR, out of memory -> PAM_BUF_ERR; never success.
 */
#include <security/pam_modules.h>

#include "twofa/err.h"

#include "login.h"

/* A core error that stops the login, as a PAM code: never success. */
int mod_pam_code(int err)
{
	switch (err) {
	case TWOFA_ERR_NOMEM:
		return PAM_BUF_ERR;
	case TWOFA_ERR_NO_RECORD:
	case TWOFA_ERR_BAD_USER:
		return PAM_AUTH_ERR;
	case TWOFA_ERR_CONFIG:
	case TWOFA_ERR_UNSUPPORTED:
		return PAM_SERVICE_ERR;
	default:
		return PAM_AUTHINFO_UNAVAIL;
	}
}

