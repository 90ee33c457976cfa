/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Process hardening of twofa-admin (harden.h). Run first thing in main(),
 * for every command: the secrets come later, and checking which commands
 * hold one would be a list to get wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "harden.h"

/*
 * Open /dev/null onto each of 0, 1, 2 that is closed. Unlike glibc for
 * setuid programs, in the direction that fails: stdin write-only, stdout
 * and stderr read-only. So a closed stdout still means "nobody can see
 * the secret" (enroll refuses, as it did with the descriptor closed)
 * instead of a silent enrollment into /dev/null, and no record, key or
 * PNG can ever be given descriptor 1 and receive what we print.
 */
static int std_fds_open(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free descriptor: fd itself, since it is free. */
		nfd = open("/dev/null",
			   (fd == 0 ? O_WRONLY : O_RDONLY) | O_NOCTTY);
		if (nfd != fd) {
			/* Cannot even report on stderr if that was closed. */
			if (nfd >= 0)
				close(nfd);
			return -1;
		}
	}
	return 0;
}

int cli_harden_process(void)
{
	const struct rlimit none = {0, 0};

	if (std_fds_open() != 0) {
		cli_error("cannot open /dev/null onto a closed standard "
			  "descriptor: %s",
			  strerror(errno));
		return EXIT_SYSTEM;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0 ||
	    setrlimit(RLIMIT_CORE, &none) != 0) {
		cli_error("cannot turn off core dumps: %s", strerror(errno));
		return EXIT_SYSTEM;
	}
	return 0;
}
