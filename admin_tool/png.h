/* SPDX-License-Identifier: BSD-2-Clause */
/* Writing an enrollment QR code as a PNG file (libpng). */
#ifndef TWOFA_ADMIN_PNG_H
#define TWOFA_ADMIN_PNG_H

#include "twofa/qr.h"

/* Pixels per module in the PNG. */
#define PNG_SCALE 8

/*
 * Write qr, with its quiet zone, to a new file at path (mode 0600, never
 * over an existing file or through a symlink: it holds the secret).
 * Prints the reason and returns an exit status on failure; nothing is
 * left behind then.
 */
int png_write_qr(const struct twofa_qr *qr, const char *path);

#endif
