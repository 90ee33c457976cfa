/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syslog-sink: a minimal syslog daemon for tests.
 *
 *   syslog-sink SOCKET LOGFILE    listen on a unix datagram socket and
 *                                 append each message to LOGFILE as one
 *                                 line, until a stop message arrives
 *   syslog-sink --stop SOCKET     send the stop message
 *
 * Datagrams on one socket arrive in order, so every message sent before
 * the stop message is in the file when the sink exits. Test tooling only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define STOP "\001syslog-sink-stop"

static int address(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		fprintf(stderr, "syslog-sink: path too long\n");
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sun;
	static char buf[65536];
	FILE *out;
	int fd;

	if (argc == 3 && strcmp(argv[1], "--stop") == 0) {
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || address(argv[2], &sun) != 0 ||
		    sendto(fd, STOP, strlen(STOP), 0, (struct sockaddr *)&sun,
			   sizeof(sun)) < 0) {
			perror("syslog-sink: stop");
			return 1;
		}
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: syslog-sink SOCKET LOGFILE | "
				"syslog-sink --stop SOCKET\n");
		return 2;
	}
	out = fopen(argv[2], "a");
	if (out == NULL) {
		perror(argv[2]);
		return 1;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || address(argv[1], &sun) != 0) {
		perror("syslog-sink: socket");
		return 1;
	}
	unlink(argv[1]);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(argv[1], 0666) != 0) {
		perror("syslog-sink: bind");
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			continue;
		if ((size_t)n == strlen(STOP) &&
		    memcmp(buf, STOP, (size_t)n) == 0)
			break;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
			n--;
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
		fflush(out);
	}
	fclose(out);
	unlink(argv[1]);
	return 0;
}
