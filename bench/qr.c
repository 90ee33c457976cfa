/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench-qr N: what rendering one enrollment QR code costs in-process:
 * the otpauth:// URI of a default record (as `twofa-admin enroll` builds
 * it), encoded by libqrencode and rendered as UTF-8 half blocks by the
 * core. Prints the median of N runs of each step in microseconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twofa/mem.h"
#include "twofa/qr.h"
#include "twofa/record.h"
#include "twofa/uri.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct twofa_record rec;
	char *uri = NULL;
	double *enc, *ren;
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 200;
	unsigned i, width = 0;
	size_t chars = 0;

	if (n == 0 || n > 100000)
		return 2;
	enc = calloc(n, sizeof(double));
	ren = calloc(n, sizeof(double));
	twofa_record_init(&rec, TWOFA_TOTP, (uint64_t)time(NULL));
	rec.secret_len = TWOFA_SECRET_DEFAULT;
	memset(rec.secret, 0xa5, rec.secret_len);
	if (enc == NULL || ren == NULL ||
	    twofa_uri_build(&rec, "bench.example.org", "u0000001", &uri) != 0)
		return 1;
	for (i = 0; i < n; i++) {
		struct twofa_qr qr;
		char *text = NULL;
		double t0, t1, t2;

		t0 = now_us();
		if (twofa_qr_encode(uri, &qr) != 0)
			return 1;
		t1 = now_us();
		if (twofa_qr_render(qr.modules, qr.width, TWOFA_QR_UTF8,
				    &text) != 0)
			return 1;
		t2 = now_us();
		width = qr.width;
		chars = strlen(text);
		twofa_free_string(text);
		twofa_qr_free(&qr);
		enc[i] = t1 - t0;
		ren[i] = t2 - t1;
	}
	qsort(enc, n, sizeof(double), cmp);
	qsort(ren, n, sizeof(double), cmp);
	printf("phase=qr runs=%u width=%u uri_bytes=%zu text_bytes=%zu "
	       "encode_us=%.1f render_us=%.1f total_us=%.1f\n",
	       n, width, strlen(uri), chars, enc[n / 2], ren[n / 2],
	       enc[n / 2] + ren[n / 2]);
	twofa_free_string(uri);
	twofa_record_wipe(&rec);
	free(enc);
	free(ren);
	return 0;
}
