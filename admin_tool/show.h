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

/* Backup codes as twofa_backup_generate() gives them, shown NNNN NNNN. */
void show_backup_codes(const char *codes, unsigned count);

#endif
