/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * QR code matrices from libqrencode (kept apart so qr.c stays pure).
 *
 * libqrencode is loaded the first time a QR code is made, not linked: the
 * module needs it only for an enrollment at the login (enroll), and
 * mapping it at every pam_start() cost every other login too (issue 14,
 * bench/RESULTS.md). Loaded by its soname, as the dynamic linker would,
 * and kept loaded (RTLD_NODELETE), as lib/token/jwt_lib.c does libjwt.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/qr.h"
#include "util/dynlib.h"

#define TWOFA_QRENCODE_SONAME "libqrencode.so.4"

static struct {
	__typeof__(QRcode_encodeString) *encode_string;
	__typeof__(QRcode_free) *free_;
} lib;
static int lib_ready;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_open(void)
{
	const struct twofa_dynlib_sym syms[] = {
	    {"QRcode_encodeString", &lib.encode_string},
	    {"QRcode_free", &lib.free_},
	};

	if (twofa_dynlib_load(TWOFA_QRENCODE_SONAME, syms,
			      sizeof(syms) / sizeof(syms[0])) != 0)
		return;
	lib_ready = 1;
}

int twofa_qr_encode(const char *text, struct twofa_qr *qr)
{
	QRcode *code;
	size_t n;

	qr->width = 0;
	qr->modules = NULL;
	/* libqrencode missing or unusable: a system error, as a missing file.
	 */
	if (pthread_once(&lib_once, lib_open) != 0 || !lib_ready) {
		errno = ELIBACC;
		return TWOFA_ERR_IO;
	}
	code = lib.encode_string(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	if (code == NULL)
		return TWOFA_ERR_INVALID; /* too long, or out of memory */
	if (code->width <= 0 || code->width > TWOFA_QR_WIDTH_MAX) {
		lib.free_(code);
		return TWOFA_ERR_INVALID;
	}
	n = (size_t)code->width * (size_t)code->width;
	qr->modules = malloc(n);
	if (qr->modules == NULL) {
		twofa_wipe(code->data, n);
		lib.free_(code);
		return TWOFA_ERR_NOMEM;
	}
	memcpy(qr->modules, code->data, n);
	qr->width = (unsigned)code->width;
	twofa_wipe(code->data, n);
	lib.free_(code);
	return TWOFA_OK;
}

void twofa_qr_free(struct twofa_qr *qr)
{
	if (qr->modules != NULL)
		twofa_freezero(qr->modules, (size_t)qr->width * qr->width);
	qr->modules = NULL;
	qr->width = 0;
}
