/* SPDX-License-Identifier: BSD-2-Clause */
/* The URI and QR code of an enrollment, on the terminal and as PNG. */
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "png.h"
#include "show.h"
#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/uri.h"

int show_parse_qr(const struct cli *cli, const char *value, struct show_opts *o)
{
	o->qr_given = true;
	o->qr_none = strcmp(value, "none") == 0;
	if (o->qr_none || twofa_qr_style_parse(value, &o->style) == TWOFA_OK)
		return 0;
	return cli_usage_error(cli,
			       "--qr: want utf8, ansi, ascii or none, "
			       "not '%s'",
			       value);
}

int show_parse_issuer(const struct cli *cli, const char *value,
		      struct show_opts *o)
{
	if (!twofa_uri_issuer_valid(value))
		return cli_usage_error(cli,
				       "--issuer: want 1 to %d printable "
				       "bytes without ':'",
				       TWOFA_ISSUER_MAX);
	o->issuer = value;
	return 0;
}

/* Which QR style, or none (returns false). */
static bool pick_style(const struct show_opts *o, enum twofa_qr_style *style)
{
	if (o->qr_given) {
		*style = o->style;
		return !o->qr_none;
	}
	if (!isatty(STDOUT_FILENO))
		return false;
	*style = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? TWOFA_QR_UTF8
							    : TWOFA_QR_ANSI;
	return true;
}

/*
 * Does a QR code of cols columns fit the terminal on stdout? A wrapped
 * code cannot be scanned and looks like one that can. Not a terminal, or
 * its size unknown: yes (a file or pipe does not wrap).
 */
static bool qr_fits(unsigned cols, unsigned *have)
{
	struct winsize ws;

	*have = 0;
	if (!isatty(STDOUT_FILENO) ||
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
		return true;
	*have = ws.ws_col;
	return cols <= ws.ws_col;
}

int show_enrollment(const struct cli *cli, const struct twofa_record *rec,
		    const char *user, const struct show_opts *o)
{
	return show_enrollment_uri(cli, rec, user, o, NULL);
}

int show_enrollment_uri(const struct cli *cli, const struct twofa_record *rec,
			const char *user, const struct show_opts *o,
			char **uri_out)
{
	struct twofa_qr qr = {0, NULL};
	enum twofa_qr_style style = TWOFA_QR_UTF8;
	char host[256];
	const char *issuer = o->issuer;
	char *uri = NULL, *text = NULL;
	bool want_qr = uri_out == NULL && pick_style(o, &style);
	int err, ret = EXIT_SYSTEM;

	if (uri_out != NULL)
		*uri_out = NULL;
	if (issuer == NULL && cli->conf != NULL && cli->conf->issuer[0])
		issuer = cli->conf->issuer; /* twofa.conf's issuer */
	if (issuer == NULL) {
		cli_hostname(host, sizeof(host));
		issuer = host[0] ? host : NULL;
	}
	err = twofa_uri_build(rec, issuer, user, &uri);
	if (err != TWOFA_OK) {
		cli_error("%s: cannot build the otpauth URI: %s", user,
			  twofa_strerror(err));
		ret = cli_exit_for(err);
		goto out;
	}
	if (want_qr || o->png != NULL) {
		err = twofa_qr_encode(uri, &qr);
		if (err != TWOFA_OK) {
			cli_error("%s: cannot make a QR code: %s", user,
				  twofa_strerror(err));
			goto out;
		}
	}
	if (want_qr) {
		unsigned cols = 0, lines = 0, have = 0;

		if (twofa_qr_render_size(qr.width, style, &cols, &lines) ==
			TWOFA_OK &&
		    !qr_fits(cols, &have)) {
			cli_error("the QR code needs %u columns but the terminal "
				  "has %u, so it is not shown: widen the window "
				  "or make the font smaller and run this again, "
				  "use --png FILE, or type the secret into the "
				  "app",
				  cols, have);
			want_qr = false;
		}
	}
	if (want_qr) {
		err = twofa_qr_render(qr.modules, qr.width, style, &text);
		if (err != TWOFA_OK) {
			cli_error("%s: cannot draw the QR code: %s", user,
				  twofa_strerror(err));
			goto out;
		}
	}
	/* Whatever can fail comes first: no secret is shown for nothing. */
	if (o->png != NULL) {
		ret = png_write_qr(&qr, o->png);
		if (ret != 0)
			goto out;
	}
	if (uri_out != NULL) {
		*uri_out = uri; /* the caller shows it */
		uri = NULL;
		ret = 0;
		goto out;
	}
	printf("URI: %s\n", uri);
	if (text != NULL)
		fputs(text, stdout);
	if (o->png != NULL)
		printf("QR code written to %s (it holds the secret: delete it "
		       "once used)\n",
		       o->png);
	(void)cli;
	ret = 0;
out:
	twofa_free_string(text);
	twofa_free_string(uri);
	twofa_qr_free(&qr);
	return ret;
}

void show_json_string(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

void show_backup_codes_json(const char *codes, unsigned count)
{
	unsigned i;

	putchar('[');
	for (i = 0; i < count; i++)
		printf("%s\"%.8s\"", i > 0 ? "," : "",
		       codes + (size_t)i * (TWOFA_BACKUP_DIGITS + 1));
	putchar(']');
}

void show_backup_codes(const char *codes, unsigned count)
{
	unsigned i;

	for (i = 0; i < count; i++) {
		const char *c = codes + (size_t)i * (TWOFA_BACKUP_DIGITS + 1);

		printf("  %.4s %.4s\n", c, c + 4);
	}
}
