/* SPDX-License-Identifier: BSD-2-Clause */
/* twofa-admin qr: show an enrolled user's URI and QR code again. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "show.h"
#include "twofa/err.h"
#include "twofa/store.h"

enum { OPT_QR = 256, OPT_PNG, OPT_ISSUER };

static const struct option qr_longopts[] = {
    {"qr", required_argument, NULL, OPT_QR},
    {"png", required_argument, NULL, OPT_PNG},
    {"issuer", required_argument, NULL, OPT_ISSUER},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int run(struct cli *cli, int argc, char **argv)
{
	struct show_opts o;
	struct twofa_store *st = NULL;
	struct twofa_loaded *h = NULL;
	struct twofa_error why;
	const char *user;
	int c, err, ret = 0;

	memset(&o, 0, sizeof(o));
	memset(&why, 0, sizeof(why));
	while (ret == 0 &&
	       (c = command_getopt(cli, argc, argv, "h", qr_longopts)) != -1) {
		switch (c) {
		case OPT_QR:
			ret = show_parse_qr(cli, optarg, &o);
			break;
		case OPT_PNG:
			o.png = optarg;
			break;
		case OPT_ISSUER:
			ret = show_parse_issuer(cli, optarg, &o);
			break;
		case 'h':
			return EXIT_DONE;
		default:
			return EXIT_USAGE;
		}
	}
	if (ret != 0)
		return ret;
	ret = cli_user_arg(cli, argc, argv, &user);
	if (ret != 0)
		return ret;
	ret = cli_open_store(cli, false, &st);
	if (ret != 0)
		goto out;
	err = twofa_store_load(st, user, &h, &why);
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, user, &why);
		goto out;
	}
	if (h->rec.pending) {
		cli_error("%s is invited, not enrolled: there is no secret to "
			  "show yet",
			  user);
		ret = EXIT_REFUSED;
		goto out;
	}
	ret = show_enrollment(cli, &h->rec, user, &o);
out:
	twofa_store_release(h);
	twofa_store_close(st);
	return ret;
}

const struct command command_qr = {
    "qr",
    run,
    "USER [--qr utf8|ansi|ascii|none] [--png FILE] [--issuer NAME]",
    "Show USER's otpauth:// URI and QR code again, to add the account to\n"
    "another app. For HOTP the URI starts at the next counter.\n\n"
    "  --qr STYLE      utf8, ansi, ascii or none (as for enroll)\n"
    "  --png FILE      also write the QR code to a new PNG file\n"
    "  --issuer NAME   the issuer shown by the app (the host name)\n",
};
