/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * QR codes for enrollment: the matrix comes from libqrencode; rendering it
 * as terminal text is a pure function (no I/O) so it can be fuzzed.
 */
#ifndef TWOFA_QR_H
#define TWOFA_QR_H

#include <stddef.h>

/* Light modules around the code, as ISO/IEC 18004 asks for (PNG). */
#define TWOFA_QR_QUIET 4
/*
 * On a terminal: 2. Phones read a screen with 2 modules reliably (the
 * tests decode every style with zbarimg on light and dark themes), and
 * each module saved keeps the code on an 80-column terminal.
 */
#define TWOFA_QR_QUIET_TERM 2

#define TWOFA_QR_WIDTH_MAX 177 /* version 40 */

enum twofa_qr_style {
	/*
	 * Unicode half blocks, two rows of modules per line, in black on
	 * white set explicitly on each line (as qrencode's ANSIUTF8 and
	 * google-authenticator do): the code reads the same on light and
	 * dark themes. The glyphs draw the dark modules.
	 */
	TWOFA_QR_UTF8 = 0,
	/*
	 * ANSI background colours, two spaces per module: light modules are
	 * painted white and dark ones black explicitly, so the code reads
	 * the same on dark, light and monochrome themes.
	 */
	TWOFA_QR_ANSI,
	/*
	 * "##" for a dark module, two spaces for a light one: no escapes and
	 * no UTF-8, for any terminal or log; reads on a light background.
	 */
	TWOFA_QR_ASCII,
	/*
	 * Half blocks without any escape sequence, for text that must not
	 * carry them (a PAM prompt, which the application may filter): the
	 * glyphs draw the light modules (like `qrencode -t UTF8`), so it
	 * reads on a dark background only. With ASCII as the fallback.
	 */
	TWOFA_QR_UTF8_PLAIN,
};

/* "utf8", "ansi", "ascii" -> style; TWOFA_ERR_INVALID otherwise. */
int twofa_qr_style_parse(const char *name, enum twofa_qr_style *style);

/*
 * A square matrix of width * width modules; bit 0 of each byte set means
 * dark (libqrencode's layout).
 */
struct twofa_qr {
	unsigned width;
	unsigned char *modules;
};

/*
 * Encode text (8-bit mode with alphanumeric runs, error correction level
 * L as google-authenticator uses: a code on a screen is not damaged, and
 * L keeps it at version 6 for a usual otpauth URI instead of 7; smallest
 * version that fits). Release with twofa_qr_free(); the modules are
 * wiped, since an enrollment QR code holds the secret.
 */
int twofa_qr_encode(const char *text, struct twofa_qr *qr);
void twofa_qr_free(struct twofa_qr *qr);

/*
 * Render a matrix with a TWOFA_QR_QUIET_TERM-module quiet zone as a
 * NUL-terminated string of lines each ending in '\n'. width must be
 * 1..177 and modules hold width * width bytes. Free the result with
 * twofa_free_string().
 */
int twofa_qr_render(const unsigned char *modules, unsigned width,
		    enum twofa_qr_style style, char **out);

/*
 * The size of twofa_qr_render()'s text on a terminal: columns (cells) of
 * each line and number of lines, for checking it fits before printing.
 */
int twofa_qr_render_size(unsigned width, enum twofa_qr_style style,
			 unsigned *cols, unsigned *lines);

#endif
