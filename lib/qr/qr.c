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
	if (x < TWOFA_QR_QUIET || y < TWOFA_QR_QUIET)
		return 0;
	x -= TWOFA_QR_QUIET;
	y -= TWOFA_QR_QUIET;
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

static void render_utf8(const unsigned char *m, unsigned width, unsigned side,
			char *buf, size_t *pos)
{
	unsigned x, y;

	for (y = 0; y < side; y += 2) {
		for (x = 0; x < side; x++) {
			int top = !dark(m, width, x, y);
			int bottom = y + 1 >= side || !dark(m, width, x, y + 1);

			/* Glyphs draw light modules: full, upper, lower half.
			 */
			if (top && bottom)
				put(buf, pos, "\xe2\x96\x88");
			else if (top)
				put(buf, pos, "\xe2\x96\x80");
			else if (bottom)
				put(buf, pos, "\xe2\x96\x84");
			else
				put(buf, pos, " ");
		}
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

int twofa_qr_render(const unsigned char *modules, unsigned width,
		    enum twofa_qr_style style, char **out)
{
	unsigned side;
	size_t cap, pos = 0;
	char *buf;

	*out = NULL;
	if (modules == NULL || width == 0 || width > TWOFA_QR_WIDTH_MAX)
		return TWOFA_ERR_INVALID;
	side = width + 2 * TWOFA_QR_QUIET;
	/* Every cell fits CELL_MAX bytes; each line adds a reset + newline. */
	cap = (size_t)side * ((size_t)side * CELL_MAX + 16) + 1;
	buf = malloc(cap);
	if (buf == NULL)
		return TWOFA_ERR_NOMEM;
	switch (style) {
	case TWOFA_QR_UTF8:
		render_utf8(modules, width, side, buf, &pos);
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
