/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-fresh: logins as su, sudo and login(1) pay for them, each in a
 * new process (bench-fresh-login, which links only libpam), for several
 * modules interleaved login by login.
 *
 *   bench-fresh --confdir DIR --child PATH --services A,B,... --first F
 *               --count N [--stride S] [--mode ok|bad] [--label L]
 *               [--raw PREFIX]
 *
 * User F + k*S (k < N) logs in once to every service, with the same code
 * (common.h: computed here, independently of the modules), the services
 * taking turns in a rotating order so that none always goes first. Each
 * login is timed from posix_spawn() to waitpid(): exec, the dynamic
 * loading of libpam and of the module with its libraries, the login, and
 * exit. Prints one line per service, as bench-login does, plus in_us (the
 * median time inside the child from pam_start to pam_end); --raw appends
 * every wall latency to PREFIX.SERVICE.
 */
#include <errno.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define MAX_SVC 8

extern char **environ;

struct series {
	char *name;
	double *wall, *in;
	unsigned n, accepted;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One login in a fresh process; returns 0 and fills *wall, *in, *ok. */
static int one(char *child, char *confdir, char *svc, char *user,
	       const char *code, double *wall, double *in, int *ok)
{
	char *argv[] = {child, confdir, svc, user, NULL};
	posix_spawn_file_actions_t fa;
	int to[2], from[2], status, rc = -1, prc;
	char out[128], line[16];
	size_t got = 0;
	ssize_t n;
	double t0, t1;
	pid_t pid;

	if (pipe(to) != 0 || pipe(from) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from[1], 1);
	posix_spawn_file_actions_addclose(&fa, to[1]);
	posix_spawn_file_actions_addclose(&fa, from[0]);
	snprintf(line, sizeof(line), "%s\n", code);
	t0 = now_us();
	if (posix_spawn(&pid, child, &fa, NULL, argv, environ) != 0)
		goto out;
	close(to[0]);
	close(from[1]);
	to[0] = from[1] = -1;
	if (write(to[1], line, strlen(line)) != (ssize_t)strlen(line))
		goto out;
	close(to[1]);
	to[1] = -1;
	while (got < sizeof(out) - 1 &&
	       (n = read(from[0], out + got, sizeof(out) - 1 - got)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		got += (size_t)n;
	}
	out[got] = '\0';
	if (waitpid(pid, &status, 0) != pid)
		goto out;
	t1 = now_us();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    sscanf(out, "rc=%d in_us=%lf", &prc, in) != 2)
		goto out;
	*wall = t1 - t0;
	*ok = prc == 0; /* PAM_SUCCESS */
	rc = 0;
out:
	posix_spawn_file_actions_destroy(&fa);
	for (int *fd = &to[0]; fd <= &to[1]; fd++)
		if (*fd >= 0)
			close(*fd);
	if (from[0] >= 0)
		close(from[0]);
	if (from[1] >= 0)
		close(from[1]);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(const double *v, unsigned n, double p)
{
	return n ? v[(unsigned)(p * (double)(n - 1) + 0.5)] : 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"confdir", required_argument, NULL, 'c'},
	    {"child", required_argument, NULL, 'C'},
	    {"services", required_argument, NULL, 's'},
	    {"first", required_argument, NULL, 'f'},
	    {"count", required_argument, NULL, 'n'},
	    {"stride", required_argument, NULL, 'S'},
	    {"mode", required_argument, NULL, 'm'},
	    {"label", required_argument, NULL, 'l'},
	    {"raw", required_argument, NULL, 'R'},
	    {NULL, 0, NULL, 0},
	};
	char *confdir = NULL, *child = NULL;
	const char *label = "-", *raw = NULL;
	char *services = NULL, *tok, *save = NULL;
	struct series sv[MAX_SVC];
	unsigned nsvc = 0, first = 0, count = 0, stride = 1, k, j;
	bool bad = false;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			confdir = optarg;
			break;
		case 'C':
			child = optarg;
			break;
		case 's':
			services = optarg;
			break;
		case 'f':
			first = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			count = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'S':
			stride = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'm':
			bad = strcmp(optarg, "bad") == 0;
			break;
		case 'l':
			label = optarg;
			break;
		case 'R':
			raw = optarg;
			break;
		default:
			return 2;
		}
	}
	if (confdir == NULL || child == NULL || services == NULL ||
	    count == 0 || stride == 0) {
		fprintf(stderr, "usage: see bench/fresh.c\n");
		return 2;
	}
	for (tok = strtok_r(services, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		if (nsvc == MAX_SVC)
			return 2;
		sv[nsvc].name = tok;
		sv[nsvc].wall = calloc(count, sizeof(double));
		sv[nsvc].in = calloc(count, sizeof(double));
		sv[nsvc].n = sv[nsvc].accepted = 0;
		if (sv[nsvc].wall == NULL || sv[nsvc].in == NULL)
			return 1;
		nsvc++;
	}
	for (k = 0; k < count; k++) {
		unsigned i = first + k * stride;
		char user[BENCH_USER_LEN], code[BENCH_DIGITS + 1];

		bench_user(i, user);
		if (bench_make_code(i, bad, code) != 0) {
			fprintf(stderr, "bench-fresh: cannot compute a code\n");
			return 1;
		}
		for (j = 0; j < nsvc; j++) {
			struct series *s = &sv[(k + j) % nsvc];
			int ok = 0;

			if (one(child, confdir, s->name, user, code,
				&s->wall[s->n], &s->in[s->n], &ok) != 0) {
				fprintf(stderr, "bench-fresh: %s: login failed "
						"to run\n",
					s->name);
				return 1;
			}
			s->n++;
			s->accepted += (unsigned)ok;
		}
	}
	for (j = 0; j < nsvc; j++) {
		struct series *s = &sv[j];
		double sum = 0;

		if (raw != NULL) {
			char path[4096];
			FILE *f;

			snprintf(path, sizeof(path), "%s.%s", raw, s->name);
			f = fopen(path, "a");
			for (k = 0; f != NULL && k < s->n; k++)
				fprintf(f, "%.1f\n", s->wall[k]);
			if (f == NULL || fclose(f) != 0)
				perror(path);
		}
		qsort(s->wall, s->n, sizeof(double), cmp_double);
		qsort(s->in, s->n, sizeof(double), cmp_double);
		for (k = 0; k < s->n; k++)
			sum += s->wall[k];
		printf("label=%s service=%s mode=%s logins=%u accepted=%u "
		       "median_us=%.1f p10_us=%.1f p90_us=%.1f p99_us=%.1f "
		       "mean_us=%.1f min_us=%.1f max_us=%.1f in_us=%.1f\n",
		       label, s->name, bad ? "bad" : "ok", s->n, s->accepted,
		       pct(s->wall, s->n, 0.5), pct(s->wall, s->n, 0.1),
		       pct(s->wall, s->n, 0.9), pct(s->wall, s->n, 0.99),
		       s->n ? sum / s->n : 0, pct(s->wall, s->n, 0),
		       pct(s->wall, s->n, 1), pct(s->in, s->n, 0.5));
	}
	return 0;
}
