/* SPDX-License-Identifier: BSD-2-Clause */
/* Showing an enrollment: the otpauth:// URI, QR code and PNG file. */
#ifndef TWOFA_ADMIN_SHOW_H
#define TWOFA_ADMIN_SHOW_H

#include <stdbool.h>

#include "cli.h"
#include "twofa/qr.h"
#include "twofa/record.h"

struct show_opts {
	bool qr_given; /* --qr was on the command line */
	bool qr_none;  /* --qr none */
	enum twofa_qr_style style;
	const char *png;    /* --png FILE or NULL */
	const char *issuer; /* --issuer, or NULL for the host name */
};

/* Handle a --qr value; returns 0 or EXIT_USAGE. */
int show_parse_qr(const struct cli *cli, const char *value,
		  struct show_opts *o);
/* Handle an --issuer value; returns 0 or EXIT_USAGE. */
int show_parse_issuer(const struct cli *cli, const char *value,
		      struct show_opts *o);

/*
 * Print the URI and the QR code (style: --qr, else utf8 on a UTF-8
 * terminal, ansi on another terminal, none when stdout is not a
 * terminal) and write the PNG if asked. A QR code wider than the
 * terminal is not printed (a message says what to do instead): a wrapped
 * one cannot be scanned. Returns 0 or an exit status.
 */
int show_enrollment(const struct cli *cli, const struct twofa_record *rec,
		    const char *user, const struct show_opts *o);

/*
 * The same without printing: the URI is returned in *uri_out (free with
 * twofa_free_string()) for the caller to show (--json), no QR code is
 * drawn, the PNG is written if asked.
 */
int show_enrollment_uri(const struct cli *cli, const struct twofa_record *rec,
			const char *user, const struct show_opts *o,
			char **uri_out);

/* Backup codes as twofa_backup_generate() gives them, shown NNNN NNNN. */
void show_backup_codes(const char *codes, unsigned count);
/* The same as a JSON array of 8-digit strings, ["12345678",...]. */
void show_backup_codes_json(const char *codes, unsigned count);

/* A JSON string on stdout; every byte below 0x20, '"', '\\' escaped. */
void show_json_string(const char *s);

#endif
