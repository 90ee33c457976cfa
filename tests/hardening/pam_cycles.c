/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pam_cycles: many logins through the real libpam in one process, as sshd
 * and sudo do them (pam_start loads the module, pam_end unloads it):
 *
 *   pam_cycles CONFDIR SERVICE N USER:ANSWER [USER:ANSWER...]
 *
 * Runs N pam_start_confdir / pam_authenticate / pam_end cycles, taking the
 * USER:ANSWER pairs in turn (the answer is given to every prompt; an
 * answer "@FILE" gives the lines of FILE in turn, e.g. HOTP codes from
 * oathtool, so that every login of that user can succeed), and
 * prints per pair the PAM results seen and the median and mean time of
 * pam_authenticate in microseconds:
 *
 *   pair USER result PAM_AUTH_ERR=5000 median_us=812 mean_us=830
 *
 * Run under valgrind for leaks across cycles; the timings serve the
 * enrollment-oracle measurement. Test tooling only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_appl.h>

#define MAX_PAIRS   8
#define MAX_RESULTS 40

struct pair {
	const char *user;
	const char *answer;
	FILE *answers; /* "@FILE": one answer a line */
	char line[256];
	unsigned results[MAX_RESULTS];
	uint64_t *us;
	size_t n;
};

static int conv(int num, const struct pam_message **msg,
		struct pam_response **resp, void *data)
{
	const char *answer = data;
	struct pam_response *r;
	int i;

	r = calloc((size_t)num, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < num; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON) {
			r[i].resp = strdup(answer);
			if (r[i].resp == NULL) {
				while (i-- > 0)
					free(r[i].resp);
				free(r);
				return PAM_BUF_ERR;
			}
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct pair pairs[MAX_PAIRS];
	unsigned long n, i;
	int np = 0, k, r;

	if (argc < 5 || argc - 4 > MAX_PAIRS) {
		fprintf(stderr, "usage: pam_cycles CONFDIR SERVICE N "
				"USER:ANSWER...\n");
		return 64;
	}
	n = strtoul(argv[3], NULL, 10);
	memset(pairs, 0, sizeof(pairs));
	for (k = 4; k < argc; k++) {
		char *colon = strchr(argv[k], ':');

		if (colon == NULL)
			return 64;
		*colon = '\0';
		pairs[np].user = argv[k];
		pairs[np].answer = colon + 1;
		if (colon[1] == '@') {
			pairs[np].answers = fopen(colon + 2, "r");
			if (pairs[np].answers == NULL) {
				perror(colon + 2);
				return 66;
			}
		}
		pairs[np].us =
		    calloc(n / (unsigned long)(argc - 4) + 1, sizeof(uint64_t));
		if (pairs[np].us == NULL)
			return 70;
		np++;
	}
	for (i = 0; i < n; i++) {
		struct pair *p = &pairs[i % (unsigned long)np];
		struct pam_conv c = {conv, (void *)(uintptr_t)p->answer};
		pam_handle_t *ph = NULL;
		uint64_t t;

		if (p->answers != NULL) {
			if (fgets(p->line, sizeof(p->line), p->answers) ==
			    NULL) {
				fprintf(stderr, "%s: out of answers\n",
					p->user);
				return 65;
			}
			p->line[strcspn(p->line, "\n")] = '\0';
			c.appdata_ptr = p->line;
		}

		r = pam_start_confdir(argv[2], p->user, &c, argv[1], &ph);
		if (r != PAM_SUCCESS) {
			fprintf(stderr, "pam_start_confdir: %d\n", r);
			return 70;
		}
		t = now_us();
		r = pam_authenticate(ph, 0);
		p->us[p->n++] = now_us() - t;
		if (r >= 0 && r < MAX_RESULTS)
			p->results[r]++;
		pam_end(ph, r);
	}
	for (k = 0; k < np; k++) {
		struct pair *p = &pairs[k];
		uint64_t sum = 0;
		size_t j;

		qsort(p->us, p->n, sizeof(*p->us), cmp_u64);
		for (j = 0; j < p->n; j++)
			sum += p->us[j];
		printf("pair %s result", p->user);
		for (r = 0; r < MAX_RESULTS; r++) {
			if (p->results[r] != 0)
				printf(" %d=%u", r, p->results[r]);
		}
		printf(" median_us=%llu mean_us=%llu p10_us=%llu p90_us=%llu\n",
		       (unsigned long long)(p->n ? p->us[p->n / 2] : 0),
		       (unsigned long long)(p->n ? sum / p->n : 0),
		       (unsigned long long)(p->n ? p->us[p->n / 10] : 0),
		       (unsigned long long)(p->n ? p->us[p->n * 9 / 10] : 0));
		free(p->us);
		if (p->answers != NULL)
			fclose(p->answers);
	}
	return 0;
}
