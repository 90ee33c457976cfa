/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-ldap --daemon [--conf FILE]: the same service as the helper, kept
 * running so that a login pays neither the helper's start (mapping libldap
 * and GnuTLS, most of a login's time) nor a TLS handshake and bind.
 *
 * It listens on TWOFA_LDAP_SOCKET (/run/pam_twofa/ldap.sock, mode 0600:
 * only root may connect; the peer's uid is checked as well). A pool of
 * pre-forked spare processes each opens its own connection to the
 * directory with the settings of twofa.conf (read once, at start, like
 * nslcd reads nslcd.conf) and then waits in accept(); the one that gets a
 * caller tells the parent (its pid on a pipe), which forks a new spare at
 * once, and serves that caller's session exactly as the helper does, on
 * the connection it already has, then waits for the next caller. So at
 * least SPARES processes are always idle and connected, however many
 * sessions are busy (a user typing a code holds one). One connection per
 * process: libldap handles are not shared across fork(), and a session
 * never waits for another's requests (a user typing a code holds only
 * its own spare). A spare idle for SPARE_IDLE seconds is replaced, and a
 * session first checks its connection is still open.
 *
 * pam_twofa.so and twofa-admin use the daemon when its socket answers and
 * start the helper otherwise, so stopping the daemon changes the speed of
 * a login, never its outcome.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "twofa/conf.h"
#include "twofa/err.h"
#include "helper.h"

#define SPARES	   4	/* idle, connected processes kept ready */
#define KIDS_MAX   256	/* idle + busy; beyond, callers wait */
#define SPARE_IDLE 300	/* seconds before an idle spare is replaced */
#define SPARE_SESSIONS 1000 /* then a spare is replaced */

static volatile sig_atomic_t stopping;

/*
 * Stop: every child goes (the handler only sets the flag; the main loop
 * polls with a timeout and kills them).
 */
static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

static int fail(const char *what, const char *where)
{
	fprintf(stderr, "twofa-ldap: %s%s%s\n", where ? where : "",
		where ? ": " : "", what);
	return 3;
}

/* The run directory: ours (root, not writable by others), or refused. */
static int run_dir(void)
{
	struct stat sb;

	if (mkdir(TWOFA_LDAP_RUNDIR, 0755) != 0 && errno != EEXIST)
		return fail(strerror(errno), TWOFA_LDAP_RUNDIR);
	if (lstat(TWOFA_LDAP_RUNDIR, &sb) != 0 || !S_ISDIR(sb.st_mode) ||
	    sb.st_uid != 0 || (sb.st_mode & 022))
		return fail("not a root-owned directory closed to others",
			    TWOFA_LDAP_RUNDIR);
	return 0;
}

static int listen_socket(int *out)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat sb;
	int fd;

	*out = -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", TWOFA_LDAP_SOCKET);
	/* A socket left by a daemon that died; anything else stays. */
	if (lstat(TWOFA_LDAP_SOCKET, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			return fail("exists and is not a socket",
				    TWOFA_LDAP_SOCKET);
		unlink(TWOFA_LDAP_SOCKET);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* umask 077 (main): the socket is created 0600, root's alone. */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(TWOFA_LDAP_SOCKET, 0600) != 0 || listen(fd, 128) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return fail(strerror(e), TWOFA_LDAP_SOCKET);
	}
	*out = fd;
	return 0;
}

/*
 * A spare: connect, then serve callers one after another on the same
 * connection, telling the parent when it is busy (its pid) and idle again
 * (minus its pid). Idle for SPARE_IDLE seconds, or after SPARE_SESSIONS
 * sessions, it exits and is replaced.
 */
static void spare(int lfd, int notify, const struct helper_settings *set)
{
	static struct helper h;
	struct reply r = {TWOFA_OK, NULL, ""};
	pid_t self = getpid(), idle = -getpid();
	unsigned n;

	/* Connect now, off the login's path; a failure is retried then. */
	if (helper_apply(&h, set, &r) == TWOFA_OK)
		(void)helper_open_checked(&h, &r);
	for (n = 0; n < SPARE_SESSIONS; n++) {
		struct ucred cred;
		socklen_t len = sizeof(cred);
		int fd;

		alarm(SPARE_IDLE);
		do
			fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		while (fd < 0 && errno == EINTR);
		alarm(0);
		if (fd < 0)
			_exit(1);
		/* A pipe write of PIPE_BUF or less is atomic. */
		if (write(notify, &self, sizeof(self)) != (ssize_t)sizeof(self))
			_exit(1);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
		    cred.uid == 0)
			helper_serve(&h, fd);
		close(fd);
		if (write(notify, &idle, sizeof(idle)) != (ssize_t)sizeof(idle))
			_exit(1);
	}
	helper_disconnect(&h);
	_exit(0);
}

int helper_daemon(const char *conf_path)
{
	struct twofa_conf conf;
	struct twofa_error why;
	struct helper_settings set;
	static struct {
		pid_t pid;
		bool busy;
	} kids[KIDS_MAX];
	struct sigaction sa;
	sigset_t term, old;
	int lfd = -1, notify[2], err, i, status;

	memset(&why, 0, sizeof(why));
	memset(&set, 0, sizeof(set));
	if (geteuid() != 0)
		return fail("must run as root", NULL);
	twofa_conf_init(&conf);
	err = twofa_conf_load(conf_path ? conf_path : TWOFA_CONF_DEFAULT, false,
			      &conf, &why);
	if (err != TWOFA_OK)
		return fail(why.what ? why.what : twofa_strerror(err),
			    why.path);
	if (conf.store_kind != TWOFA_STORE_LDAP)
		return fail("store is not ldap", conf_path);
	snprintf(set.uris, sizeof(set.uris), "%s", conf.ldap_uri);
	snprintf(set.base, sizeof(set.base), "%s", conf.ldap_base);
	snprintf(set.binddn, sizeof(set.binddn), "%s", conf.ldap_binddn);
	snprintf(set.bindpw_file, sizeof(set.bindpw_file), "%s",
		 conf.ldap_bindpw_file);
	snprintf(set.cacert, sizeof(set.cacert), "%s", conf.ldap_tls_cacert);
	set.timeout = conf.ldap_timeout;
	if (run_dir() != 0 || listen_socket(&lfd) != 0)
		return 3;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term; /* no SA_RESTART: wait() returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	if (pipe2(notify, O_CLOEXEC) != 0)
		return fail(strerror(errno), "pipe");
	for (i = 0; i < KIDS_MAX; i++)
		kids[i].pid = -1;
	while (!stopping) {
		struct pollfd pfd = {.fd = notify[0], .events = POLLIN};
		int idle = 0; /* KIDS_MAX bounds idle + busy: no free slot, */
			      /* no fork, and callers wait for a session end */
		pid_t pid;

		for (i = 0; i < KIDS_MAX; i++) {
			idle += kids[i].pid > 0 && !kids[i].busy;
		}
		for (i = 0; i < KIDS_MAX && idle < SPARES && !stopping; i++) {
			pid_t kid;

			if (kids[i].pid > 0)
				continue;
			/*
			 * Blocked across fork(), so a SIGTERM cannot hit the
			 * child while it still has our handler.
			 */
			sigprocmask(SIG_BLOCK, &term, &old);
			kid = fork();
			if (kid == 0) {
				signal(SIGTERM, SIG_DFL);
				signal(SIGINT, SIG_DFL);
				sigprocmask(SIG_SETMASK, &old, NULL);
				close(notify[0]);
				spare(lfd, notify[1], &set);
			}
			sigprocmask(SIG_SETMASK, &old, NULL);
			if (kid < 0) {
				sleep(1);
				break;
			}
			kids[i].pid = kid;
			kids[i].busy = false;
			idle++;
		}
		/*
		 * A spare took a caller (its pid: busy, and an idle one is
		 * missing) or is free again (minus its pid).
		 */
		if (poll(&pfd, 1, 1000) > 0) {
			pid_t note[64];
			ssize_t n = read(notify[0], note, sizeof(note));

			for (ssize_t k = 0; k < n / (ssize_t)sizeof(pid_t); k++)
				for (i = 0; i < KIDS_MAX; i++)
					if (kids[i].pid == note[k] ||
					    kids[i].pid == -note[k])
						kids[i].busy = note[k] > 0;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (i = 0; i < KIDS_MAX; i++) {
				if (kids[i].pid != pid)
					continue;
				/*
				 * A spare that failed without a caller (not a
				 * session that ended, not an idle spare's
				 * alarm): do not spin on a broken setup.
				 */
				if (!kids[i].busy && WIFEXITED(status) &&
				    WEXITSTATUS(status) != 0)
					sleep(1);
				kids[i].pid = -1;
			}
		}
	}
	for (i = 0; i < KIDS_MAX; i++)
		if (kids[i].pid > 0)
			kill(kids[i].pid, SIGTERM);
	while (wait(&status) > 0 || errno == EINTR)
		;
	unlink(TWOFA_LDAP_SOCKET);
	close(lfd);
	return 0;
}
