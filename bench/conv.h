/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The benchmark's PAM conversation: every prompt is answered with the
 * code appdata_ptr points to (a NUL-terminated string), every message is
 * taken in silence. For bench-login and bench-fresh-login alike.
 */
#ifndef TWOFA_BENCH_CONV_H
#define TWOFA_BENCH_CONV_H

#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

static inline int bench_conv(int n, const struct pam_message **msg,
			     struct pam_response **resp, void *data)
{
	const char *code = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	int i;

	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		r[i].resp = strdup(code);
		if (r[i].resp == NULL) {
			while (i-- > 0)
				free(r[i].resp);
			free(r);
			return PAM_BUF_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

#endif
