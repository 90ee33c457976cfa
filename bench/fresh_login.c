/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-fresh-login: one login in a process of its own, as su, sudo and
 * login(1) make it: this program links libpam and nothing else (no
 * libcrypto, no Nettle), so whatever a module needs is loaded for this
 * one login and for no other.
 *
 *   bench-fresh-login CONFDIR SERVICE USER   (the code: one line on stdin)
 *
 * pam_start_confdir() + pam_authenticate() + pam_end(), then one line on
 * stdout: "rc=N in_us=T", N the PAM result and T the microseconds from
 * pam_start to pam_end as seen inside the process (what the fresh-process
 * wall time measured by bench-fresh adds to it is exec, libpam's own
 * loading and exit). The code comes on stdin, never in argv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_appl.h>

#include "conv.h"

static char code[64];

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	struct pam_conv c = {bench_conv, code};
	pam_handle_t *pamh = NULL;
	double t0, t1;
	int rc;

	if (argc != 4) {
		fprintf(stderr, "usage: bench-fresh-login CONFDIR SERVICE USER\n");
		return 2;
	}
	if (fgets(code, sizeof(code), stdin) == NULL)
		return 2;
	code[strcspn(code, "\n")] = '\0';
	t0 = now_us();
	rc = pam_start_confdir(argv[2], argv[3], &c, argv[1], &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "bench-fresh-login: pam_start_confdir: %d\n",
			rc);
		return 1;
	}
	rc = pam_authenticate(pamh, PAM_SILENT);
	pam_end(pamh, rc);
	t1 = now_us();
	printf("rc=%d in_us=%.1f\n", rc, t1 - t0);
	return 0;
}
