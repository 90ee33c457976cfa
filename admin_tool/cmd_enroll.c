/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-admin enroll: a new secret, shown once as URI, QR code and text
 * with the backup codes; the record is written only after a code from the
 * user's app verifies.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "enroll_out.h"
#include "show.h"
#include "twofa/backup.h"
#include "twofa/base32.h"
#include "twofa/auth.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/otp.h"
#include "twofa/store.h"

#define CONFIRM_PROMPT "Enter a code from the app to confirm: "
#define SECRET_PROMPT  "Secret (base32, not shown): "

/*
 * The PNG written for this enrollment, removed if a signal ends us before
 * the record is written (its secret would never be enrolled, and a copy
 * of a secret must not be left lying around).
 */
static const char *volatile png_pending;
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT,
				    SIGPIPE};
#define N_FATAL_SIGNALS (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

static void on_fatal_signal(int sig)
{
	const char *png = png_pending;

	if (png != NULL)
		unlink(png); /* async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig); /* die of it, as we would have */
}

/* Catch the signals that would end us, unless they were ignored. */
static void catch_fatal_signals(void)
{
	struct sigaction sa, old;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < N_FATAL_SIGNALS; i++) {
		if (sigaction(fatal_signals[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(fatal_signals[i], &sa, NULL);
	}
}

struct enroll_opts {
	enum twofa_otp_type type;
	enum twofa_alg alg;
	unsigned digits, period, window, backup;
	bool window_given, period_given, no_confirm, force;
	bool secret_given;
	bool json; /* --json: one JSON object on stdout, nothing else */
	/* --secret BASE32, copied out of argv (which is then scrubbed) or
	 * read from standard input for --secret -; wiped after use. */
	char secret[TWOFA_BASE32_MAX_INPUT + 1];
	struct show_opts show;
};

enum {
	OPT_TYPE = 256,
	OPT_ALG,
	OPT_DIGITS,
	OPT_PERIOD,
	OPT_WINDOW,
	OPT_ISSUER,
	OPT_BACKUP,
	OPT_SECRET,
	OPT_QR,
	OPT_PNG,
	OPT_NO_CONFIRM,
	OPT_FORCE,
	OPT_JSON,
};

static const struct option enroll_longopts[] = {
    {"type", required_argument, NULL, OPT_TYPE},
    {"algorithm", required_argument, NULL, OPT_ALG},
    {"digits", required_argument, NULL, OPT_DIGITS},
    {"period", required_argument, NULL, OPT_PERIOD},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"issuer", required_argument, NULL, OPT_ISSUER},
    {"backup-codes", required_argument, NULL, OPT_BACKUP},
    {"secret", required_argument, NULL, OPT_SECRET},
    {"qr", required_argument, NULL, OPT_QR},
    {"png", required_argument, NULL, OPT_PNG},
    {"no-confirm", no_argument, NULL, OPT_NO_CONFIRM},
    {"force", no_argument, NULL, OPT_FORCE},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/*
 * --secret VALUE: copy it and overwrite it in argv at once, so that ps
 * and /proc/PID/cmdline show no secret from here on (the shell history
 * and the moment before this ran are beyond us: --secret - avoids both).
 */
static int take_secret(struct cli *cli, char *value, struct enroll_opts *o)
{
	size_t n = strlen(value);

	o->secret_given = true;
	if (strcmp(value, "-") == 0) {
		o->secret[0] = '-';
		o->secret[1] = '\0';
		return 0;
	}
	if (n >= sizeof(o->secret)) {
		twofa_wipe(value, n);
		return cli_usage_error(cli, "--secret: longer than %d "
				       "characters",
				       TWOFA_BASE32_MAX_INPUT);
	}
	memcpy(o->secret, value, n + 1);
	twofa_wipe(value, n);
	return 0;
}

static int parse_opts(struct cli *cli, int argc, char **argv,
		      struct enroll_opts *o)
{
	int c, ret = 0;

	memset(o, 0, sizeof(*o));
	o->type = TWOFA_TOTP;
	o->alg = TWOFA_ALG_SHA1;
	o->digits = 6;
	o->period = 30;
	o->backup = TWOFA_BACKUP_DEFAULT;
	while (ret == 0 && (c = command_getopt(cli, argc, argv, "h",
					       enroll_longopts)) != -1) {
		switch (c) {
		case OPT_TYPE:
			if (strcmp(optarg, "totp") == 0)
				o->type = TWOFA_TOTP;
			else if (strcmp(optarg, "hotp") == 0)
				o->type = TWOFA_HOTP;
			else
				ret = cli_usage_error(cli,
						      "--type: want totp "
						      "or hotp, not '%s'",
						      optarg);
			break;
		case OPT_ALG:
			if (twofa_alg_parse(optarg, &o->alg) != TWOFA_OK)
				ret = cli_usage_error(
				    cli,
				    "--algorithm: want SHA1, SHA256 or "
				    "SHA512, not '%s'",
				    optarg);
			break;
		case OPT_DIGITS:
			ret = cli_parse_uint(cli, "--digits", optarg,
					     TWOFA_DIGITS_MIN, TWOFA_DIGITS_MAX,
					     &o->digits);
			break;
		case OPT_PERIOD:
			o->period_given = true;
			ret = cli_parse_uint(cli, "--period", optarg,
					     TWOFA_PERIOD_MIN, TWOFA_PERIOD_MAX,
					     &o->period);
			break;
		case OPT_WINDOW:
			o->window_given = true;
			ret = cli_parse_uint(cli, "--window", optarg, 0,
					     TWOFA_WINDOW_MAX, &o->window);
			break;
		case OPT_ISSUER:
			ret = show_parse_issuer(cli, optarg, &o->show);
			break;
		case OPT_BACKUP:
			ret = cli_parse_uint(cli, "--backup-codes", optarg, 0,
					     TWOFA_BACKUP_MAX, &o->backup);
			break;
		case OPT_SECRET:
			ret = take_secret(cli, optarg, o);
			break;
		case OPT_QR:
			ret = show_parse_qr(cli, optarg, &o->show);
			break;
		case OPT_PNG:
			o->show.png = optarg;
			break;
		case OPT_NO_CONFIRM:
			o->no_confirm = true;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'h':
			return -1;
		default:
			return EXIT_USAGE;
		}
	}
	if (ret == 0 && o->type == TWOFA_HOTP && o->period_given)
		ret = cli_usage_error(cli, "--period: only for --type totp");
	if (ret == 0 && o->json && o->show.qr_given && !o->show.qr_none)
		ret = cli_usage_error(cli, "--json draws no QR code on the "
					   "terminal (the URI is in it; "
					   "--png FILE writes one)");
	return ret;
}

/*
 * The secret: --secret (at least 128 bits; "-": one line of standard
 * input, or typed without echo on a terminal), else 160 random bits.
 */
static int make_secret(struct cli *cli, struct enroll_opts *o,
		       struct twofa_record *rec)
{
	size_t len = 0;
	int ret;

	if (!o->secret_given) {
		rec->secret_len = TWOFA_SECRET_DEFAULT;
		if (twofa_random(rec->secret, rec->secret_len) != TWOFA_OK) {
			cli_error("cannot get random bytes for the secret");
			return EXIT_SYSTEM;
		}
		return 0;
	}
	if (strcmp(o->secret, "-") == 0) {
		ret = cli_read_text(SECRET_PROMPT, "secret", false, o->secret,
				    sizeof(o->secret));
		if (ret != 0)
			return ret == EXIT_REFUSED ? EXIT_USAGE : ret;
	}
	if (twofa_base32_decode(o->secret, rec->secret, sizeof(rec->secret),
				&len) != TWOFA_OK)
		return cli_usage_error(cli,
				       "--secret: not valid base32 (or "
				       "longer than %d bytes)",
				       TWOFA_SECRET_MAX);
	if (len < TWOFA_SECRET_MIN)
		return cli_usage_error(cli,
				       "--secret: %zu bits is too short; "
				       "at least 128 are needed",
				       len * 8);
	rec->secret_len = len;
	return 0;
}

/*
 * Check the confirmation code against the new secret, as a login would
 * (TOTP: the window around now; HOTP: the next counters), and move the
 * replay guard past it so it cannot be used again to log in.
 */
static int confirm(struct twofa_record *rec)
{
	char code[CLI_CODE_MAX + 1];
	uint64_t matched = 0;
	uint64_t now = (uint64_t)time(NULL);
	unsigned window = rec->window;
	int ret;

	ret = cli_read_code(CONFIRM_PROMPT, true, code, sizeof(code));
	if (ret != 0)
		goto out;
	if (rec->type == TWOFA_TOTP && window == 0)
		window = 1; /* allow for a slow typist */
	if (twofa_code_find(rec, window, code, now, &matched) != TWOFA_OK) {
		cli_error("the confirmation code did not verify; nothing was "
			  "written");
		ret = EXIT_REFUSED;
		goto out;
	}
	rec->state.next = matched + 1;
	ret = 0;
out:
	twofa_wipe(code, sizeof(code));
	return ret;
}

static int enroll(struct cli *cli, const char *user, struct enroll_opts *o)
{
	struct twofa_store *st = NULL;
	struct twofa_error why;
	struct twofa_record rec;
	char codes[TWOFA_BACKUP_MAX * (TWOFA_BACKUP_DIGITS + 1)];
	bool png_made = false;
	char *uri = NULL;
	int err, ret;

	memset(&why, 0, sizeof(why));
	memset(codes, 0, sizeof(codes));
	twofa_record_init(&rec, o->type, (uint64_t)time(NULL));
	rec.alg = o->alg;
	rec.digits = o->digits;
	if (o->type == TWOFA_TOTP)
		rec.period = o->period;
	if (o->window_given)
		rec.window = o->window;
	ret = make_secret(cli, o, &rec);
	if (ret != 0)
		goto out;
	ret = cli_open_store(cli, true, &st);
	if (ret != 0)
		goto out;
	/* Refuse early, before a secret is shown for nothing. */
	err = twofa_store_exists(st, user, &why);
	if (err == TWOFA_OK && !o->force)
		err = TWOFA_ERR_EXISTS;
	else if (err == TWOFA_OK || err == TWOFA_ERR_NO_RECORD)
		err = TWOFA_OK;
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, user, &why);
		goto out;
	}
	if (twofa_backup_generate(&rec, o->backup, codes, sizeof(codes)) !=
	    TWOFA_OK) {
		cli_error("cannot generate backup codes");
		ret = EXIT_SYSTEM;
		goto out;
	}

	/* Set before the file exists: a signal from here on removes it. */
	if (o->show.png != NULL) {
		png_pending = o->show.png;
		catch_fatal_signals();
	}
	if (o->json) {
		ret = show_enrollment_uri(cli, &rec, user, &o->show, &uri);
	} else {
		printf("Enrolling %s: %s, %s, %u digits", user,
		       twofa_otp_type_name(rec.type), twofa_alg_name(rec.alg),
		       rec.digits);
		if (rec.type == TWOFA_TOTP)
			printf(", %u s period\n", rec.period);
		else
			printf(", counter %llu\n",
			       (unsigned long long)rec.state.next);
		ret = show_enrollment(cli, &rec, user, &o->show);
	}
	if (ret != 0) {
		png_pending = NULL; /* not ours: it was not written */
		goto out;
	}
	png_made = o->show.png != NULL;
	if (o->json) {
		ret = enroll_print_json(user, &rec, uri, codes, o->backup,
				       o->show.png);
		if (ret != 0)
			goto out;
	} else {
		ret = enroll_print_secret(&rec);
		if (ret != 0)
			goto out;
		if (o->backup > 0) {
			printf("Backup codes (each works once; they are not "
			       "shown again):\n");
			show_backup_codes(codes, o->backup);
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* Nobody saw the secret: enrolling it would lock them out. */
		cli_error("%s: cannot show the secret on standard output: %s; "
			  "nothing was written",
			  user, strerror(errno));
		ret = EXIT_SYSTEM;
		goto out;
	}

	if (!o->no_confirm) {
		ret = confirm(&rec);
		if (ret != 0)
			goto out;
	}
	err = twofa_store_create(st, user, &rec, o->force, &why);
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, user, &why);
		goto out;
	}
	png_made = false;
	png_pending = NULL; /* enrolled: the PNG is the user's now */
	if (o->json) /* stdout holds the one object; a note for people */
		fprintf(stderr, "Enrolled %s in %s.\n", user, cli->store_path);
	else
		printf("Enrolled %s in %s.\n", user, cli->store_path);
	ret = 0;
out:
	if (png_made && ret != 0)
		unlink(o->show.png); /* its secret was never enrolled */
	png_pending = NULL;
	twofa_wipe(codes, sizeof(codes));
	twofa_free_string(uri);
	twofa_record_wipe(&rec);
	twofa_store_close(st);
	return ret;
}

static int run(struct cli *cli, int argc, char **argv)
{
	struct enroll_opts o;
	int ret = parse_opts(cli, argc, argv, &o);

	if (ret < 0) {
		twofa_wipe(o.secret, sizeof(o.secret));
		return EXIT_DONE; /* --help */
	}
	if (ret != 0) {
		twofa_wipe(o.secret, sizeof(o.secret));
		return ret;
	}
	if (optind + 1 != argc) {
		twofa_wipe(o.secret, sizeof(o.secret));
		return cli_usage_error(cli, "%s",
				       optind >= argc ? "missing USER"
						      : "too many arguments");
	}
	ret = cli_check_user(cli, argv[optind]);
	if (ret == 0) {
		cli_warn_unknown_user(argv[optind]);
		ret = enroll(cli, argv[optind], &o);
	}
	twofa_wipe(o.secret, sizeof(o.secret));
	return ret;
}

const struct command command_enroll = {
    "enroll",
    run,
    "USER [--type totp|hotp] [--algorithm SHA1|SHA256|SHA512] "
    "[--digits 6|7|8] [--period S] [--window N] [--issuer NAME] "
    "[--backup-codes N] [--secret BASE32|-] [--qr utf8|ansi|ascii|none] "
    "[--png FILE] [--no-confirm] [--force] [--json]",
    "Create a secret for USER and show it once: the otpauth:// URI, a QR\n"
    "code, the secret in groups of four and the backup codes. Then read\n"
    "a current code from the app (terminal, or one line of standard\n"
    "input) and write the record only if it verifies.\n\n"
    "  --type totp|hotp        time or counter based (totp)\n"
    "  --algorithm ALG         SHA1, SHA256 or SHA512 (SHA1: what most\n"
    "                          apps support)\n"
    "  --digits N              6, 7 or 8 (6)\n"
    "  --period S              TOTP time step, 1..3600 seconds (30)\n"
    "  --window N              TOTP: steps accepted either side of now\n"
    "                          (1); HOTP: counters looked ahead (10);\n"
    "                          0..100\n"
    "  --issuer NAME           shown by the app (the host name)\n"
    "  --backup-codes N        one-time backup codes, 0..20 (10)\n"
    "  --secret BASE32|-       adopt this secret (at least 128 bits)\n"
    "                          instead of a random 160-bit one; - reads\n"
    "                          it from standard input (one line, before\n"
    "                          the confirmation code), keeping it out of\n"
    "                          ps and the shell history\n"
    "  --qr STYLE              utf8, ansi, ascii or none (utf8 on a UTF-8\n"
    "                          terminal, else ansi; none when standard\n"
    "                          output is not a terminal); utf8 and ansi\n"
    "                          read on light and dark themes, ascii is\n"
    "                          for logs (phones do not read it); a code\n"
    "                          wider than the terminal is not drawn\n"
    "  --png FILE              also write the QR code to a new PNG file\n"
    "  --no-confirm            write the record without a confirmation\n"
    "  --force                 replace an existing record\n"
    "  --json                  print one JSON object instead of the text:\n"
    "                          user, type, algorithm, digits, period\n"
    "                          (totp) or counter (hotp), window, uri,\n"
    "                          secret (base32), backup_codes (8-digit\n"
    "                          strings), png (the file or null); no QR\n"
    "                          code on the terminal\n",
};
