/* QR code matrices from libqrencode (kept apart so qr.c stays pure). */
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/qr.h"

int twofa_qr_encode(const char *text, struct twofa_qr *qr)
{
	QRcode *code;
	size_t n;

	qr->width = 0;
	qr->modules = NULL;
	code = QRcode_encodeString(text, 0, QR_ECLEVEL_L, QR_MODE_8, 1);
	if (code == NULL)
		return TWOFA_ERR_INVALID; /* too long, or out of memory */
	if (code->width <= 0 || code->width > TWOFA_QR_WIDTH_MAX) {
		QRcode_free(code);
		return TWOFA_ERR_INVALID;
	}
	n = (size_t)code->width * (size_t)code->width;
	qr->modules = malloc(n);
	if (qr->modules == NULL) {
		twofa_wipe(code->data, n);
		QRcode_free(code);
		return TWOFA_ERR_NOMEM;
	}
	memcpy(qr->modules, code->data, n);
	qr->width = (unsigned)code->width;
	twofa_wipe(code->data, n);
	QRcode_free(code);
	return TWOFA_OK;
}

void twofa_qr_free(struct twofa_qr *qr)
{
	if (qr->modules != NULL)
		twofa_freezero(qr->modules, (size_t)qr->width * qr->width);
	qr->modules = NULL;
	qr->width = 0;
}
