/* SPDX-License-Identifier: BSD-2-Clause */
/* An exclusive flock() that gives up after a deadline. */
#include <errno.h>
#include <sys/file.h>
#include <time.h>

#include "twofa/err.h"
#include "store/file/lock.h"

static uint64_t monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/*
 * Poll with LOCK_NB rather than block: a blocking flock() cannot be given
 * a timeout without signals, and a PAM module must not touch the
 * application's signal handlers. The pause grows from 50 us to 5 ms, so a
 * lock held for one update (about 200 us) is taken over quickly.
 */
int twofa_lock_exclusive(int fd, unsigned timeout_ms)
{
	uint64_t deadline = monotonic_us() + (uint64_t)timeout_ms * 1000u;
	long pause_ns = 50000;

	for (;;) {
		struct timespec ts;

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return TWOFA_OK;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return TWOFA_ERR_IO;
		if (monotonic_us() >= deadline)
			return TWOFA_ERR_LOCK_TIMEOUT;
		ts.tv_sec = 0;
		ts.tv_nsec = pause_ns;
		nanosleep(&ts, NULL);
		if (pause_ns < 5000000)
			pause_ns *= 2;
	}
}
