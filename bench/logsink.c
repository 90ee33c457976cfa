/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-logsink PATH FILE: a stand-in syslog daemon for the benchmark's
 * private mount namespace. Binds a datagram socket at PATH (normally
 * /dev/log), drains every message as it comes and appends it to FILE
 * (buffered, no fsync, as a syslog daemon writes auth.log). On SIGUSR1 it
 * first takes whatever is still queued, then flushes FILE and prints the
 * count so far on stdout; on SIGTERM the same, then exits. Without it, syslog()
 * falls back to /dev/console at several milliseconds a call and would dominate
 * every module's latency.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t report, stop;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		report = 1;
	else
		stop = 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa;
	struct sigaction act;
	char msg[8192];
	unsigned long count = 0;
	int fd, bufsz = 4 << 20;
	FILE *out;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: bench-logsink PATH FILE\n");
		return 2;
	}
	out = fopen(argv[2], "a");
	if (out == NULL) {
		perror(argv[2]);
		return 1;
	}
	memset(&act, 0, sizeof(act));
	act.sa_handler = on_signal; /* no SA_RESTART: recv returns EINTR */
	sigaction(SIGUSR1, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(argv[1], 0666) != 0) {
		perror("bench-logsink");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	printf("ready\n");
	fflush(stdout);
	/* poll with a short timeout: a signal arriving between the flag
	 * test and a blocking recv would otherwise wait for the next log. */
	while (!stop) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&pfd, 1, 10) < 0 && errno != EINTR) {
			perror("bench-logsink: poll");
			return 1;
		}
		/* Take everything queued. */
		while ((n = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT)) >=
		       0) {
			msg[n] = '\0';
			count++;
			fprintf(out, "%s\n", msg);
		}
		if (errno != EAGAIN && errno != EINTR) {
			perror("bench-logsink: recv");
			return 1;
		}
		if (report || stop) {
			report = 0;
			fflush(out);
			printf("count=%lu\n", count);
			fflush(stdout);
		}
	}
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(argv[1], 0666) != 0) {
		perror("bench-logsink");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		int flags = 0;
		ssize_t n;

		for (;;) {
			n = recv(fd, msg, sizeof(msg) - 1, flags);
			if (n >= 0) {
				msg[n] = '\0';
				count++;
				fprintf(out, "%s\n", msg);
			} else if (errno == EAGAIN || errno == EINTR) {
				break;
			} else {
				perror("bench-logsink: recv");
				return 1;
			}
			/* Asked for a count: take what is queued first. */
			if (!report && !stop)
				break;
			flags = MSG_DONTWAIT;
		}
		if (report || stop) {
			if (flags == 0)
				continue; /* interrupted: drain, then report */
			report = 0;
			fflush(out);
			printf("count=%lu\n", count);
			fflush(stdout);
		}
	}
	unlink(argv[1]);
	return 0;
}
