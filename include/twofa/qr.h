/*
 * QR codes for enrollment: the matrix comes from libqrencode; rendering it
 * as terminal text is a pure function (no I/O) so it can be fuzzed.
 */
#ifndef TWOFA_QR_H
#define TWOFA_QR_H

#include <stddef.h>

/* Light modules around the code, as ISO/IEC 18004 asks for. */
#define TWOFA_QR_QUIET 4

#define TWOFA_QR_WIDTH_MAX 177 /* version 40 */

enum twofa_qr_style {
	/*
	 * Unicode half blocks, two rows of modules per line. The glyphs draw
	 * the light modules (like `qrencode -t UTF8`), so the code reads
	 * dark-on-light on a terminal with a dark background.
	 */
	TWOFA_QR_UTF8 = 0,
	/*
	 * ANSI background colours, two spaces per module: light modules are
	 * painted white and dark ones black explicitly, so the code reads
	 * the same on dark, light and monochrome themes.
	 */
	TWOFA_QR_ANSI,
	/* "##" for a dark module, two spaces for a light one. */
	TWOFA_QR_ASCII,
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
 * Encode text (8-bit mode, error correction level M, smallest version
 * that fits). Release with twofa_qr_free(); the modules are wiped, since
 * an enrollment QR code holds the secret.
 */
int twofa_qr_encode(const char *text, struct twofa_qr *qr);
void twofa_qr_free(struct twofa_qr *qr);

/*
 * Render a matrix with a TWOFA_QR_QUIET-module quiet zone as a
 * NUL-terminated string of lines each ending in '\n'. width must be
 * 1..177 and modules hold width * width bytes. Free the result with
 * twofa_free_string().
 */
int twofa_qr_render(const unsigned char *modules, unsigned width,
		    enum twofa_qr_style style, char **out);

#endif
