/* SPDX-License-Identifier: BSD-2-Clause */
/* A QR code matrix rendered as terminal text: pure, no I/O. */
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/qr.h"

/* Longest cell of each style: ANSI colour switch + two spaces. */
#define CELL_MAX   12
#define ANSI_LIGHT "\033[47m"
#define ANSI_DARK  "\033[40m"
#define ANSI_RESET "\033[0m"
/* Black glyphs on a white cell: the dark modules are drawn. */
#define UTF8_COLOURS "\033[30;47m"
#define QUIET	     TWOFA_QR_QUIET_TERM

#define GLYPH_FULL  "\xe2\x96\x88"
#define GLYPH_UPPER "\xe2\x96\x80"
#define GLYPH_LOWER "\xe2\x96\x84"

int twofa_qr_style_parse(const char *name, enum twofa_qr_style *style)
{
	if (strcmp(name, "utf8") == 0)
		*style = TWOFA_QR_UTF8;
	else if (strcmp(name, "ansi") == 0)
		*style = TWOFA_QR_ANSI;
	else if (strcmp(name, "ascii") == 0)
		*style = TWOFA_QR_ASCII;
	else
		return TWOFA_ERR_INVALID;
	return TWOFA_OK;
}

/* Is the module at (x, y) of the quiet-zoned picture dark? */
static int dark(const unsigned char *m, unsigned width, unsigned x, unsigned y)
{
	if (x < QUIET || y < QUIET)
		return 0;
	x -= QUIET;
	y -= QUIET;
	if (x >= width || y >= width)
		return 0;
	return m[(size_t)y * width + x] & 1;
}

static void put(char *buf, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	memcpy(buf + *pos, s, n);
	*pos += n;
}

/*
 * Half blocks, two module rows per line. With colours, black glyphs on
 * white draw the dark modules; without (plain), the terminal's own
 * colours are unknown and the glyphs draw the light modules, which reads
 * on the usual dark background. Below the last row is quiet zone.
 */
static void render_utf8(const unsigned char *m, unsigned width, unsigned side,
			int colours, char *buf, size_t *pos)
{
	unsigned x, y;

	for (y = 0; y < side; y += 2) {
		if (colours)
			put(buf, pos, UTF8_COLOURS);
		for (x = 0; x < side; x++) {
			int top = dark(m, width, x, y);
			int bottom = y + 1 < side && dark(m, width, x, y + 1);

			if (!colours) { /* light modules drawn */
				top = !top;
				bottom = !bottom;
			}
			if (top && bottom)
				put(buf, pos, GLYPH_FULL);
			else if (top)
				put(buf, pos, GLYPH_UPPER);
			else if (bottom)
				put(buf, pos, GLYPH_LOWER);
			else
				put(buf, pos, " ");
		}
		if (colours)
			put(buf, pos, ANSI_RESET);
		put(buf, pos, "\n");
	}
}

static void render_ansi(const unsigned char *m, unsigned width, unsigned side,
			char *buf, size_t *pos)
{
	unsigned x, y;

	for (y = 0; y < side; y++) {
		int cur = -1;

		for (x = 0; x < side; x++) {
			int d = dark(m, width, x, y);

			if (d != cur)
				put(buf, pos, d ? ANSI_DARK : ANSI_LIGHT);
			cur = d;
			put(buf, pos, "  ");
		}
		put(buf, pos, ANSI_RESET "\n");
	}
}

static void render_ascii(const unsigned char *m, unsigned width, unsigned side,
			 char *buf, size_t *pos)
{
	unsigned x, y;

	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x++)
			put(buf, pos, dark(m, width, x, y) ? "##" : "  ");
		put(buf, pos, "\n");
	}
}

int twofa_qr_render_size(unsigned width, enum twofa_qr_style style,
			 unsigned *cols, unsigned *lines)
{
	unsigned side = width + 2 * QUIET;

	*cols = 0;
	*lines = 0;
	if (width == 0 || width > TWOFA_QR_WIDTH_MAX)
		return TWOFA_ERR_INVALID;
	switch (style) {
	case TWOFA_QR_UTF8:
	case TWOFA_QR_UTF8_PLAIN:
		*cols = side;
		*lines = (side + 1) / 2;
		return TWOFA_OK;
	case TWOFA_QR_ANSI:
	case TWOFA_QR_ASCII:
		*cols = 2 * side;
		*lines = side;
		return TWOFA_OK;
	default:
		return TWOFA_ERR_INVALID;
	}
}

int twofa_qr_render(const unsigned char *modules, unsigned width,
		    enum twofa_qr_style style, char **out)
{
	unsigned side;
	size_t cap, pos = 0;
	char *buf;

	*out = NULL;
	if (modules == NULL || width == 0 || width > TWOFA_QR_WIDTH_MAX)
		return TWOFA_ERR_INVALID;
	side = width + 2 * QUIET;
	/* Every cell fits CELL_MAX bytes; each line adds colours, a reset
	 * and a newline. */
	cap = (size_t)side * ((size_t)side * CELL_MAX + 16) + 1;
	buf = malloc(cap);
	if (buf == NULL)
		return TWOFA_ERR_NOMEM;
	switch (style) {
	case TWOFA_QR_UTF8:
		render_utf8(modules, width, side, 1, buf, &pos);
		break;
	case TWOFA_QR_UTF8_PLAIN:
		render_utf8(modules, width, side, 0, buf, &pos);
		break;
	case TWOFA_QR_ANSI:
		render_ansi(modules, width, side, buf, &pos);
		break;
	case TWOFA_QR_ASCII:
		render_ascii(modules, width, side, buf, &pos);
		break;
	default:
		free(buf);
		return TWOFA_ERR_INVALID;
	}
	buf[pos] = '\0';
	*out = buf;
	return TWOFA_OK;
}
