/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_bench_floor.so: the least a two-factor module that keeps its
 * promise of durability can do, for make bench to measure beside the real
 * ones. It asks for the code once (as every module here does), then
 * checks the file's owner and mode (fstat, as SPEC 2 asks of every
 * record), rewrites 137 bytes in place in it, fdatasyncs it, logs one
 * line (SPEC 3 asks for one per decision) and accepts. No parsing, no
 * HMAC, no lock: what is left of a login's time is libpam, loading a
 * small module, the conversation, the one durable write this disk makes
 * us pay for and the log line. (The fstat matters on Linux
 * 6.13 and later: a queried ctime makes the next write's timestamp a
 * fine-grained one, so the inode changes with every write, as it does
 * for a user who logs in once per time step.)
 *
 *   auth required pam_bench_floor.so file=PATH
 *
 * PATH must exist and be at least 4 KiB (run.sh makes it). Never install
 * this module: it accepts every code.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define SLOT_LEN 137
#define SLOT_AT 1208

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
				   const char **argv)
{
	struct stat sb;
	char slot[SLOT_LEN], *code = NULL;
	const char *path = NULL;
	int fd, i, ok;

	(void)flags;
	for (i = 0; i < argc; i++)
		if (strncmp(argv[i], "file=", 5) == 0)
			path = argv[i] + 5;
	if (path == NULL)
		return PAM_SERVICE_ERR;
	if (pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &code, "Code: ") !=
		PAM_SUCCESS || code == NULL)
		return PAM_AUTH_ERR;
	memset(slot, 'x', sizeof(slot));
	slot[0] = code[0];
	memset(code, 0, strlen(code));
	free(code);
	fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return PAM_AUTHINFO_UNAVAIL;
	ok = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == 0 &&
	     (sb.st_mode & 077) == 0 &&
	     pwrite(fd, slot, sizeof(slot), SLOT_AT) == (ssize_t)sizeof(slot) &&
	     fdatasync(fd) == 0;
	close(fd);
	pam_syslog(pamh, LOG_INFO, "user=- outcome=%s",
		   ok ? "success" : "error");
	return ok ? PAM_SUCCESS : PAM_AUTHINFO_UNAVAIL;
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
