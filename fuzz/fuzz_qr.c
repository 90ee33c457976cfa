/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The terminal QR renderer (lib/qr/qr.c), pure text from a module matrix.
 * The input gives a width, a style and the modules. The renderer either
 * refuses (exactly when the width is out of range or the style unknown)
 * or returns text of exactly twofa_qr_render_size() cells, which an
 * independent little reader here turns back into modules: they must be
 * the input's, inside a light quiet zone of TWOFA_QR_QUIET_TERM.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/qr.h"
#include "fuzz.h"

#define Q TWOFA_QR_QUIET_TERM

/* Is the module at (x, y) of the quiet-zoned picture dark? */
static int want_dark(const unsigned char *m, unsigned w, unsigned x,
		     unsigned y)
{
	if (x < Q || y < Q || x - Q >= w || y - Q >= w)
		return 0;
	return m[(size_t)(y - Q) * w + (x - Q)] & 1;
}

/* One glyph of a half-block line: top and bottom "drawn" halves. */
static const char *half(const char *p, int *top, int *bottom)
{
	if (strncmp(p, "\xe2\x96\x88", 3) == 0) {
		*top = *bottom = 1;
		return p + 3;
	}
	if (strncmp(p, "\xe2\x96\x80", 3) == 0) {
		*top = 1;
		*bottom = 0;
		return p + 3;
	}
	if (strncmp(p, "\xe2\x96\x84", 3) == 0) {
		*top = 0;
		*bottom = 1;
		return p + 3;
	}
	INVARIANT(*p == ' ');
	*top = *bottom = 0;
	return p + 1;
}

static void check_utf8(const char *text, const unsigned char *m, unsigned w,
		       int colours, unsigned side)
{
	const char *p = text;
	unsigned x, y;

	for (y = 0; y < side; y += 2) {
		if (colours) {
			INVARIANT(strncmp(p, "\033[30;47m", 8) == 0);
			p += 8;
		}
		for (x = 0; x < side; x++) {
			int top, bottom;

			p = half(p, &top, &bottom);
			/* Colours: glyphs draw dark; plain: light. */
			if (!colours) {
				top = !top;
				bottom = !bottom;
			}
			INVARIANT(top == want_dark(m, w, x, y));
			INVARIANT(bottom ==
				  (y + 1 < side && want_dark(m, w, x, y + 1)));
		}
		if (colours) {
			INVARIANT(strncmp(p, "\033[0m", 4) == 0);
			p += 4;
		}
		INVARIANT(*p == '\n');
		p++;
	}
	INVARIANT(*p == '\0');
}

static void check_two_columns(const char *text, const unsigned char *m,
			      unsigned w, int ansi, unsigned side)
{
	const char *p = text;
	unsigned x, y;

	for (y = 0; y < side; y++) {
		int dark = -1;

		for (x = 0; x < side; x++) {
			int d = want_dark(m, w, x, y);

			if (ansi) {
				if (strncmp(p, "\033[40m", 5) == 0) {
					dark = 1;
					p += 5;
				} else if (strncmp(p, "\033[47m", 5) == 0) {
					dark = 0;
					p += 5;
				}
				INVARIANT(dark == d);
				INVARIANT(p[0] == ' ' && p[1] == ' ');
			} else {
				INVARIANT(memcmp(p, d ? "##" : "  ", 2) == 0);
			}
			p += 2;
		}
		if (ansi) {
			INVARIANT(strncmp(p, "\033[0m", 4) == 0);
			p += 4;
		}
		INVARIANT(*p == '\n');
		p++;
	}
	INVARIANT(*p == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum twofa_qr_style style;
	unsigned w, cols = 0, lines = 0, side;
	unsigned char *m;
	char *text = NULL;
	int r, sr;

	if (size < 2)
		return 0;
	w = data[0]; /* 0 and 178..255 must be refused */
	style = (enum twofa_qr_style)(data[1] % 6);
	m = calloc(w == 0 ? 1 : (size_t)w * w, 1);
	if (m == NULL)
		return 0;
	for (size_t i = 0; i + 2 < size && i < (size_t)w * w; i++)
		m[i] = data[i + 2];
	r = twofa_qr_render(m, w, style, &text);
	sr = twofa_qr_render_size(w, style, &cols, &lines);
	if (w == 0 || w > TWOFA_QR_WIDTH_MAX || style > TWOFA_QR_UTF8_PLAIN) {
		INVARIANT(r == TWOFA_ERR_INVALID && sr == TWOFA_ERR_INVALID);
		INVARIANT(text == NULL && cols == 0 && lines == 0);
		goto out;
	}
	INVARIANT(sr == TWOFA_OK);
	if (r != TWOFA_OK) {
		/* Only an injected allocation failure may refuse a valid one. */
		INVARIANT(r == TWOFA_ERR_NOMEM && text == NULL);
		goto out;
	}
	side = w + 2 * Q;
	switch (style) {
	case TWOFA_QR_UTF8:
	case TWOFA_QR_UTF8_PLAIN:
		INVARIANT(cols == side && lines == (side + 1) / 2);
		check_utf8(text, m, w, style == TWOFA_QR_UTF8, side);
		break;
	default:
		INVARIANT(cols == 2 * side && lines == side);
		check_two_columns(text, m, w, style == TWOFA_QR_ANSI, side);
		break;
	}
out:
	twofa_free_string(text);
	free(m);
	return 0;
}
