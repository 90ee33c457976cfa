/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pamrun: drive a PAM stack from a private configuration directory, as a
 * test would want an application to.
 *
 *   pamrun -c CONFDIR [-s SERVICE] [-u USER] [-r RHOST] [-e NAME]...
 *          [-i] [-q] [-C] [-p N] [ANSWER...]
 *
 * Prompts are answered in order from the ANSWER arguments (or, with -i,
 * from the lines of standard input); when the answers run out the
 * conversation fails, as when a user presses Ctrl-C. Printed, one per
 * line: "prompt-echo-off: TEXT" / "prompt-echo-on: TEXT", "info: TEXT",
 * "error: TEXT", after authentication "env NAME=VALUE" (or
 * "env NAME unset") for each -e, and "result: PAM_XXX". The exit status
 * is the PAM result code. -q makes the call PAM_SILENT. -C also calls
 * pam_setcred(PAM_ESTABLISH_CRED) after a successful authentication and
 * prints "setcred: PAM_XXX".
 *
 * -p N starts N logins (N processes) at the same instant: each does
 * pam_start and waits on a shared pipe that is closed once all are ready;
 * then each prints "result[i]: PAM_XXX" and the parent prints
 * "successes: K of N". The exit status is then 0.
 *
 * Test tooling only; not installed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

#define MAX_ANSWERS  64
#define MAX_ENV	     16
#define MAX_PARALLEL 64

struct answers {
	char *v[MAX_ANSWERS];
	int n;
	int next;
	int quiet; /* parallel mode: print only results */
};

static const char *result_name(int r)
{
	switch (r) {
#define N(x)                                                                   \
	case x:                                                                \
		return #x
		N(PAM_SUCCESS);
		N(PAM_OPEN_ERR);
		N(PAM_SYMBOL_ERR);
		N(PAM_SERVICE_ERR);
		N(PAM_SYSTEM_ERR);
		N(PAM_BUF_ERR);
		N(PAM_PERM_DENIED);
		N(PAM_AUTH_ERR);
		N(PAM_CRED_INSUFFICIENT);
		N(PAM_AUTHINFO_UNAVAIL);
		N(PAM_USER_UNKNOWN);
		N(PAM_MAXTRIES);
		N(PAM_NEW_AUTHTOK_REQD);
		N(PAM_ACCT_EXPIRED);
		N(PAM_SESSION_ERR);
		N(PAM_CRED_UNAVAIL);
		N(PAM_CRED_EXPIRED);
		N(PAM_CRED_ERR);
		N(PAM_NO_MODULE_DATA);
		N(PAM_CONV_ERR);
		N(PAM_AUTHTOK_ERR);
		N(PAM_AUTHTOK_RECOVERY_ERR);
		N(PAM_AUTHTOK_LOCK_BUSY);
		N(PAM_AUTHTOK_DISABLE_AGING);
		N(PAM_TRY_AGAIN);
		N(PAM_IGNORE);
		N(PAM_ABORT);
		N(PAM_AUTHTOK_EXPIRED);
		N(PAM_MODULE_UNKNOWN);
		N(PAM_BAD_ITEM);
		N(PAM_CONV_AGAIN);
		N(PAM_INCOMPLETE);
#undef N
	default:
		return "PAM_UNKNOWN_RESULT";
	}
}

static int conv(int n, const struct pam_message **msg,
		struct pam_response **resp, void *data)
{
	struct answers *a = data;
	struct pam_response *r;
	int i;

	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		const char *text = msg[i]->msg ? msg[i]->msg : "";

		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			if (!a->quiet)
				printf("%s: %s\n",
				       msg[i]->msg_style == PAM_PROMPT_ECHO_OFF
					   ? "prompt-echo-off"
					   : "prompt-echo-on",
				       text);
			if (a->next >= a->n)
				goto fail; /* no answer: like Ctrl-C */
			r[i].resp = strdup(a->v[a->next++]);
			if (r[i].resp == NULL)
				goto fail;
			break;
		case PAM_TEXT_INFO:
			if (!a->quiet)
				printf("info: %s\n", text);
			break;
		case PAM_ERROR_MSG:
			if (!a->quiet)
				printf("error: %s\n", text);
			break;
		default:
			goto fail;
		}
	}
	fflush(stdout);
	*resp = r;
	return PAM_SUCCESS;
fail:
	fflush(stdout);
	for (i = 0; i < n; i++)
		free(r[i].resp);
	free(r);
	return PAM_CONV_ERR;
}

/* Applications may replace the failure delay; ours does not wait. */
static void no_delay(int status, unsigned delay, void *data)
{
	(void)status;
	(void)delay;
	(void)data;
}

struct run {
	const char *confdir;
	const char *service;
	const char *user;
	const char *rhost;
	const char *env[MAX_ENV];
	int nenv;
	int flags;
	int setcred;
};

static int start(const struct run *run, struct answers *a, pam_handle_t **ph)
{
	struct pam_conv c = {conv, a};
	int r;

	r = pam_start_confdir(run->service, run->user, &c, run->confdir, ph);
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "pamrun: pam_start_confdir: %d\n", r);
		return r;
	}
	if (run->rhost != NULL)
		pam_set_item(*ph, PAM_RHOST, run->rhost);
	pam_set_item(*ph, PAM_FAIL_DELAY, (const void *)no_delay);
	return PAM_SUCCESS;
}

static int one_login(const struct run *run, struct answers *a)
{
	pam_handle_t *ph = NULL;
	int r, i;

	r = start(run, a, &ph);
	if (r != PAM_SUCCESS)
		return r;
	r = pam_authenticate(ph, run->flags);
	if (r == PAM_SUCCESS && run->setcred)
		printf("setcred: %s\n",
		       result_name(pam_setcred(ph, PAM_ESTABLISH_CRED)));
	for (i = 0; i < run->nenv; i++) {
		const char *v = pam_getenv(ph, run->env[i]);

		if (v != NULL)
			printf("env %s=%s\n", run->env[i], v);
		else
			printf("env %s unset\n", run->env[i]);
	}
	printf("result: %s\n", result_name(r));
	fflush(stdout);
	pam_end(ph, r);
	return r;
}

/*
 * N logins released together: each child signals "ready" after pam_start
 * on one pipe, then blocks reading a second pipe that the parent closes
 * when all are ready.
 */
static int parallel_logins(const struct run *run, struct answers *a, int n)
{
	int ready[2], go[2], i, ok = 0, status;
	pid_t pids[MAX_PARALLEL];
	char c;

	if (pipe(ready) != 0 || pipe(go) != 0) {
		perror("pamrun: pipe");
		return 1;
	}
	fflush(stdout);
	a->quiet = 1;
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("pamrun: fork");
			return 1;
		}
		if (pids[i] == 0) {
			pam_handle_t *ph = NULL;
			int r;

			close(ready[0]);
			close(go[1]);
			r = start(run, a, &ph);
			if (r != PAM_SUCCESS)
				_exit(100);
			if (write(ready[1], "r", 1) != 1)
				_exit(101);
			while (read(go[0], &c, 1) < 0 && errno == EINTR)
				;
			r = pam_authenticate(ph, run->flags);
			printf("result[%d]: %s\n", i, result_name(r));
			fflush(stdout);
			pam_end(ph, r);
			_exit(r);
		}
	}
	close(ready[1]);
	close(go[0]);
	for (i = 0; i < n; i++) {
		if (read(ready[0], &c, 1) != 1) {
			fprintf(stderr, "pamrun: a login did not start\n");
			break;
		}
	}
	close(go[1]); /* everyone goes */
	for (i = 0; i < n; i++) {
		if (waitpid(pids[i], &status, 0) == pids[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == PAM_SUCCESS)
			ok++;
	}
	printf("successes: %d of %d\n", ok, n);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: pamrun -c CONFDIR [-s SERVICE] [-u USER] "
			"[-r RHOST] [-e NAME]... [-i] [-q] [-C] [-p N] "
			"[ANSWER...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct answers a;
	struct run run;
	int opt, parallel = 0, from_stdin = 0;

	memset(&run, 0, sizeof(run));
	run.service = "twofa-test";
	run.user = NULL;
	while ((opt = getopt(argc, argv, "c:s:u:r:e:iqCp:")) != -1) {
		switch (opt) {
		case 'c':
			run.confdir = optarg;
			break;
		case 's':
			run.service = optarg;
			break;
		case 'u':
			run.user = optarg;
			break;
		case 'r':
			run.rhost = optarg;
			break;
		case 'e':
			if (run.nenv == MAX_ENV)
				usage();
			run.env[run.nenv++] = optarg;
			break;
		case 'i':
			from_stdin = 1;
			break;
		case 'q':
			run.flags |= PAM_SILENT;
			break;
		case 'C':
			run.setcred = 1;
			break;
		case 'p':
			parallel = atoi(optarg);
			if (parallel < 1 || parallel > MAX_PARALLEL)
				usage();
			break;
		default:
			usage();
		}
	}
	if (run.confdir == NULL)
		usage();
	if (from_stdin) {
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;

		while (a.n < MAX_ANSWERS &&
		       (len = getline(&line, &cap, stdin)) >= 0) {
			if (len > 0 && line[len - 1] == '\n')
				line[len - 1] = '\0';
			a.v[a.n] = strdup(line);
			if (a.v[a.n] == NULL)
				return 1;
			a.n++;
		}
		free(line);
	} else {
		for (; optind < argc && a.n < MAX_ANSWERS; optind++)
			a.v[a.n++] = argv[optind];
	}
	if (parallel > 0)
		return parallel_logins(&run, &a, parallel);
	return one_login(&run, &a);
}
