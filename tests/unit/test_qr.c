/* SPDX-License-Identifier: BSD-2-Clause */
/* Terminal rendering of a QR matrix: exact output for each style. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/qr.h"

#define FULL  "\xe2\x96\x88"
#define UPPER "\xe2\x96\x80"
#define LOWER "\xe2\x96\x84"

/*
 * A 2x2 matrix: dark, light / light, dark (bit 0 is dark; other bits,
 * as libqrencode sets them, are ignored).
 */
static const unsigned char m2[4] = {0xc1, 0x02, 0x00, 0x01};

static void test_ascii(void **state)
{
	char *out = NULL;
	char expect[2048] = "";
	int y;

	(void)state;
	assert_int_equal(twofa_qr_render(m2, 2, TWOFA_QR_ASCII, &out), 0);
	/* 2 light rows, the two code rows, 2 light rows; 6 modules wide. */
	for (y = 0; y < 2; y++)
		strcat(expect, "            \n");
	strcat(expect, "    ##      \n");
	strcat(expect, "      ##    \n");
	for (y = 0; y < 2; y++)
		strcat(expect, "            \n");
	assert_string_equal(out, expect);
	twofa_free_string(out);
}

#define BW    "\033[30;47m"
#define RESET "\033[0m"

static void test_utf8(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(twofa_qr_render(m2, 2, TWOFA_QR_UTF8, &out), 0);
	/*
	 * Black on white on every line, glyphs draw dark modules; rows 2
	 * and 3 share line 1.
	 */
	assert_string_equal(out, BW "      " RESET "\n" BW "  " UPPER LOWER
				     "  " RESET "\n" BW "      " RESET "\n");
	twofa_free_string(out);
}

static void test_utf8_plain(void **state)
{
	char *out = NULL;

	(void)state;
	assert_int_equal(twofa_qr_render(m2, 2, TWOFA_QR_UTF8_PLAIN, &out), 0);
	/* No escape at all; glyphs draw light modules. */
	assert_string_equal(out, FULL FULL FULL FULL FULL FULL "\n" FULL FULL
				     LOWER UPPER FULL FULL "\n" FULL FULL FULL
					 FULL FULL FULL "\n");
	twofa_free_string(out);
}

static void test_utf8_odd_height(void **state)
{
	static const unsigned char m1[1] = {1};
	char *out = NULL;

	(void)state;
	/* 5 rows: the last line's lower half is light quiet zone too. */
	assert_int_equal(twofa_qr_render(m1, 1, TWOFA_QR_UTF8_PLAIN, &out), 0);
	assert_string_equal(out, FULL FULL FULL FULL FULL "\n" FULL FULL LOWER
				     FULL FULL "\n" FULL FULL FULL FULL FULL
				     "\n");
	twofa_free_string(out);
	assert_int_equal(twofa_qr_render(m1, 1, TWOFA_QR_UTF8, &out), 0);
	assert_string_equal(out, BW "     " RESET "\n" BW "  " UPPER
				    "  " RESET "\n" BW "     " RESET "\n");
	twofa_free_string(out);
}

static void test_ansi_paints_both_colours(void **state)
{
	char *out = NULL;
	const char *line2;

	(void)state;
	assert_int_equal(twofa_qr_render(m2, 2, TWOFA_QR_ANSI, &out), 0);
	/* Each line starts light, switches explicitly and resets. */
	line2 = strchr(strchr(out, '\n') + 1, '\n') + 1;
	assert_memory_equal(line2,
			    "\033[47m    \033[40m  \033[47m      \033[0m\n",
			    strlen("\033[47m    \033[40m  \033[47m      "
				   "\033[0m\n"));
	assert_memory_equal(out, "\033[47m            \033[0m\n",
			    strlen("\033[47m            \033[0m\n"));
	twofa_free_string(out);
}

/* The size the text takes on a terminal, for the width check. */
static void test_render_size(void **state)
{
	unsigned cols = 1, lines = 1;

	(void)state;
	assert_int_equal(twofa_qr_render_size(21, TWOFA_QR_UTF8, &cols, &lines),
			 0);
	assert_int_equal(cols, 25);
	assert_int_equal(lines, 13);
	assert_int_equal(
	    twofa_qr_render_size(21, TWOFA_QR_UTF8_PLAIN, &cols, &lines), 0);
	assert_int_equal(cols, 25);
	assert_int_equal(lines, 13);
	assert_int_equal(twofa_qr_render_size(21, TWOFA_QR_ANSI, &cols, &lines),
			 0);
	assert_int_equal(cols, 50);
	assert_int_equal(lines, 25);
	assert_int_equal(
	    twofa_qr_render_size(21, TWOFA_QR_ASCII, &cols, &lines), 0);
	assert_int_equal(cols, 50);
	assert_int_equal(lines, 25);
	assert_int_equal(twofa_qr_render_size(0, TWOFA_QR_UTF8, &cols, &lines),
			 TWOFA_ERR_INVALID);
	assert_int_equal(cols, 0);
	assert_int_equal(
	    twofa_qr_render_size(178, TWOFA_QR_UTF8, &cols, &lines),
	    TWOFA_ERR_INVALID);
}

static void test_refusals(void **state)
{
	unsigned char *big;
	char *out = (char *)1;
	enum twofa_qr_style style;

	(void)state;
	assert_int_equal(twofa_qr_render(m2, 0, TWOFA_QR_UTF8, &out),
			 TWOFA_ERR_INVALID);
	assert_null(out);
	assert_int_equal(twofa_qr_render(NULL, 2, TWOFA_QR_UTF8, &out),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_qr_render(m2, 2, (enum twofa_qr_style)7, &out),
			 TWOFA_ERR_INVALID);
	big = calloc(178 * 178, 1);
	assert_non_null(big);
	assert_int_equal(twofa_qr_render(big, 178, TWOFA_QR_ANSI, &out),
			 TWOFA_ERR_INVALID);
	/* The largest code renders, in the widest style, within bounds. */
	memset(big, 1, 177 * 177);
	assert_int_equal(twofa_qr_render(big, 177, TWOFA_QR_ANSI, &out), 0);
	twofa_free_string(out);
	free(big);

	assert_int_equal(twofa_qr_style_parse("utf8", &style), 0);
	assert_int_equal(style, TWOFA_QR_UTF8);
	assert_int_equal(twofa_qr_style_parse("ansi", &style), 0);
	assert_int_equal(style, TWOFA_QR_ANSI);
	assert_int_equal(twofa_qr_style_parse("ascii", &style), 0);
	assert_int_equal(style, TWOFA_QR_ASCII);
	assert_int_equal(twofa_qr_style_parse("UTF8", &style),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_qr_style_parse("none", &style),
			 TWOFA_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_utf8_plain),
	    cmocka_unit_test(test_utf8_odd_height),
	    cmocka_unit_test(test_render_size),
	    cmocka_unit_test(test_ansi_paints_both_colours),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
