/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-login: time logins through the real libpam.
 *
 * Each login is pam_start_confdir() + pam_authenticate() + pam_end() on a
 * service file in a private configuration directory (the system's
 * /etc/pam.d is never read). The conversation answers the code prompt
 * with a code computed here (common.h), independently of the modules.
 *
 *   bench-login --confdir DIR --service NAME --first A --count N
 *               [--stride S] [--mode ok|bad] [--procs P] [--race]
 *               [--budget SECONDS] [--min N] [--preload SO] [--label L]
 *               [--raw FILE]
 *
 * Users A, A+S, A+2S, ... log in once each, so no code is offered twice
 * and the modules' replay guards stay on. --mode bad offers a code that is
 * none of the three around now. --procs P splits the users among P
 * processes running at once (throughput); with --race every process tries
 * every user instead, the same code at the same moment, and the output
 * says how many logins were accepted and how many distinct (user, code)
 * pairs that was: exactly-once means the two are equal. --budget stops
 * after that many seconds once --min logins were timed (slow modules).
 * --preload (up to 8 times) keeps a module or library loaded, so
 * pam_end() does not unload it.
 * --raw appends every latency (microseconds, one a line) to FILE.
 *
 * Prints one line of key=value pairs: the label, logins, accepted,
 * latency percentiles in microseconds, wall time, logins per second, and
 * peak RSS after 10% and after all logins (leak check).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "common.h"
#include "conv.h"

struct opts {
	const char *confdir, *service, *label, *raw;
	const char *preload[8];
	unsigned npreload;
	unsigned first, count, stride, procs, min;
	double budget;
	bool bad, race;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One timed login; *ok set when PAM_SUCCESS. Returns microseconds. */
static double login(const struct opts *o, unsigned i, bool *ok,
		    char code[BENCH_DIGITS + 1])
{
	char answer[BENCH_DIGITS + 1];
	struct pam_conv c = {bench_conv, answer};
	pam_handle_t *pamh = NULL;
	char user[BENCH_USER_LEN];
	double t0, t1;
	int rc;

	bench_user(i, user);
	if (bench_make_code(i, o->bad, answer) != 0) {
		fprintf(stderr, "bench-login: cannot compute a code\n");
		exit(1);
	}
	memcpy(code, answer, sizeof(answer));
	t0 = now_s();
	rc = pam_start_confdir(o->service, user, &c, o->confdir, &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "bench-login: pam_start_confdir: %d\n", rc);
		exit(1);
	}
	rc = pam_authenticate(pamh, PAM_SILENT);
	pam_end(pamh, rc);
	t1 = now_s();
	*ok = rc == PAM_SUCCESS;
	return (t1 - t0) * 1e6;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(const double *v, size_t n, double p)
{
	size_t k;

	if (n == 0)
		return 0;
	k = (size_t)(p * (double)(n - 1) + 0.5);
	return v[k];
}

/* Run users first + k*stride for k in [from, to) one after the other. */
struct result {
	unsigned done, accepted;
	double wall;
	long rss_early, rss_end;
};

static double *run(const struct opts *o, unsigned from, unsigned to,
		   struct result *res, FILE *accepted_out)
{
	double *lat = calloc(to - from + 1, sizeof(double));
	double start = now_s();
	unsigned k, early = from + (to - from) / 10;

	if (lat == NULL) {
		perror("bench-login");
		exit(1);
	}
	/* Fault the whole array in now, so that the RSS growth measured
	 * below is the logins' and not this array's. */
	memset(lat, 0xff, (to - from + 1) * sizeof(double));
	memset(res, 0, sizeof(*res));
	for (k = from; k < to; k++) {
		unsigned i = o->first + k * o->stride;
		char code[BENCH_DIGITS + 1];
		bool ok;

		lat[res->done++] = login(o, i, &ok, code);
		if (ok) {
			res->accepted++;
			if (accepted_out != NULL)
				fprintf(accepted_out, "%u %s\n", i, code);
		}
		if (k + 1 == early)
			res->rss_early = peak_rss_kb();
		if (o->budget > 0 && res->done >= o->min &&
		    now_s() - start > o->budget)
			break;
	}
	res->wall = now_s() - start;
	res->rss_end = peak_rss_kb();
	return lat;
}

static void print_line(const struct opts *o, double *lat, size_t n,
		       unsigned accepted, double wall, long rss_early,
		       long rss_end, const char *extra)
{
	double sum = 0;
	size_t k;

	if (o->raw != NULL) {
		FILE *f = fopen(o->raw, "a");

		for (k = 0; f != NULL && k < n; k++)
			fprintf(f, "%.1f\n", lat[k]);
		if (f == NULL || fclose(f) != 0)
			perror(o->raw);
	}
	qsort(lat, n, sizeof(double), cmp_double);
	for (k = 0; k < n; k++)
		sum += lat[k];
	printf("label=%s service=%s mode=%s procs=%u logins=%zu accepted=%u "
	       "median_us=%.1f p10_us=%.1f p90_us=%.1f p99_us=%.1f "
	       "mean_us=%.1f min_us=%.1f max_us=%.1f wall_s=%.3f "
	       "per_s=%.1f rss_early_kb=%ld rss_end_kb=%ld%s\n",
	       o->label, o->service, o->bad ? "bad" : "ok", o->procs, n,
	       accepted, pct(lat, n, 0.5), pct(lat, n, 0.1), pct(lat, n, 0.9),
	       pct(lat, n, 0.99), n ? sum / (double)n : 0, n ? lat[0] : 0,
	       n ? lat[n - 1] : 0, wall, wall > 0 ? (double)n / wall : 0,
	       rss_early, rss_end, extra);
	fflush(stdout);
}

/* Several processes at once; each sends its latencies back on its own pipe. */
static int run_parallel(const struct opts *o)
{
	char accfile[] = "/dev/shm/bench-accepted.XXXXXX";
	double *all = calloc((size_t)o->count * o->procs + 1, sizeof(double));
	int(*back)[2] = calloc(o->procs, sizeof(*back));
	size_t n = 0;
	unsigned p, accepted = 0, distinct = 0;
	int go[2], accfd;
	double start, wall;
	char extra[128] = "";

	accfd = mkstemp(accfile);
	if (all == NULL || back == NULL || accfd < 0 || pipe(go) != 0) {
		perror("bench-login");
		return 1;
	}
	close(accfd);
	for (p = 0; p < o->procs; p++) {
		pid_t pid;

		if (pipe(back[p]) != 0 || (pid = fork()) < 0) {
			perror("bench-login: fork");
			return 1;
		}
		if (pid == 0) {
			unsigned from = o->race ? 0 : p * o->count / o->procs;
			unsigned to =
			    o->race ? o->count : (p + 1) * o->count / o->procs;
			/* O_APPEND and one write per line: lines never mix. */
			FILE *acc = fopen(accfile, "a");
			struct result res;
			double *lat;
			char c;

			if (acc == NULL)
				_exit(1);
			setvbuf(acc, NULL, _IOLBF, 0);
			close(go[1]);
			close(back[p][0]);
			if (read(go[0], &c, 1) != 0) /* wait for the start */
				_exit(1);
			lat = run(o, from, to, &res, acc);
			fclose(acc);
			if (write(back[p][1], &res.accepted,
				  sizeof(res.accepted)) !=
				sizeof(res.accepted) ||
			    write(back[p][1], &res.done, sizeof(res.done)) !=
				sizeof(res.done) ||
			    write(back[p][1], lat, res.done * sizeof(double)) !=
				(ssize_t)(res.done * sizeof(double)))
				_exit(1);
			_exit(0);
		}
		close(back[p][1]);
	}
	close(go[0]);
	start = now_s();
	close(go[1]); /* all children start now */
	for (p = 0; p < o->procs; p++) {
		unsigned acc, done;
		FILE *f = fdopen(back[p][0], "r");

		if (f == NULL || fread(&acc, sizeof(acc), 1, f) != 1 ||
		    fread(&done, sizeof(done), 1, f) != 1 ||
		    fread(all + n, sizeof(double), done, f) != done) {
			fprintf(stderr, "bench-login: a child failed\n");
			return 1;
		}
		fclose(f);
		n += done;
		accepted += acc;
	}
	while (wait(NULL) > 0)
		;
	wall = now_s() - start;
	{
		/* Distinct accepted (user, code) pairs. */
		char cmd[256];
		FILE *f;

		snprintf(cmd, sizeof(cmd), "sort -u %s | wc -l", accfile);
		f = popen(cmd, "r");
		if (f == NULL || fscanf(f, "%u", &distinct) != 1) {
			fprintf(stderr, "bench-login: cannot count codes\n");
			return 1;
		}
		pclose(f);
		unlink(accfile);
	}
	snprintf(extra, sizeof(extra), " distinct=%u race=%d", distinct,
		 o->race);
	print_line(o, all, n, accepted, wall, 0, peak_rss_kb(), extra);
	free(back);
	free(all);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"confdir", required_argument, NULL, 'c'},
	    {"service", required_argument, NULL, 's'},
	    {"first", required_argument, NULL, 'f'},
	    {"count", required_argument, NULL, 'n'},
	    {"stride", required_argument, NULL, 'S'},
	    {"mode", required_argument, NULL, 'm'},
	    {"procs", required_argument, NULL, 'p'},
	    {"race", no_argument, NULL, 'r'},
	    {"budget", required_argument, NULL, 'b'},
	    {"min", required_argument, NULL, 'M'},
	    {"preload", required_argument, NULL, 'P'},
	    {"label", required_argument, NULL, 'l'},
	    {"raw", required_argument, NULL, 'R'},
	    {NULL, 0, NULL, 0},
	};
	struct opts o = {.label = "-", .stride = 1, .procs = 1, .min = 20};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.confdir = optarg;
			break;
		case 's':
			o.service = optarg;
			break;
		case 'f':
			o.first = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'n':
			o.count = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'S':
			o.stride = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'm':
			o.bad = strcmp(optarg, "bad") == 0;
			break;
		case 'p':
			o.procs = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o.race = true;
			break;
		case 'b':
			o.budget = strtod(optarg, NULL);
			break;
		case 'M':
			o.min = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'P':
			if (o.npreload == 8)
				return 2;
			o.preload[o.npreload++] = optarg;
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'R':
			o.raw = optarg;
			break;
		default:
			return 2;
		}
	}
	if (o.confdir == NULL || o.service == NULL || o.count == 0 ||
	    o.stride == 0 || o.procs == 0) {
		fprintf(stderr, "usage: see bench/login.c\n");
		return 2;
	}
	for (unsigned k = 0; k < o.npreload; k++) {
		if (dlopen(o.preload[k], RTLD_NOW) == NULL) {
			fprintf(stderr, "bench-login: %s\n", dlerror());
			return 1;
		}
	}
	if (o.procs > 1 || o.race) {
		return run_parallel(&o);
	} else {
		struct result res;
		double *lat = run(&o, 0, o.count, &res, NULL);

		print_line(&o, lat, res.done, res.accepted, res.wall,
			   res.rss_early, res.rss_end, "");
		free(lat);
	}
	return 0;
}
