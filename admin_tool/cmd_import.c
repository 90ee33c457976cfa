/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-admin import: adopt enrollments from google-authenticator and
 * pam_oath so users keep their phone apps and tokens. The files are
 * parsed in full by the core's importers before anything is written.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "twofa/err.h"
#include "twofa/import.h"
#include "twofa/mem.h"
#include "twofa/store.h"

enum { OPT_FORCE = 256 };

static const struct option import_longopts[] = {
    {"force", no_argument, NULL, OPT_FORCE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int parse_fail(const char *file, const struct twofa_parse_error *why)
{
	if (why->line > 0)
		cli_error("%s: line %u: %s; nothing imported", file, why->line,
			  why->what ? why->what : "not understood");
	else
		cli_error("%s: %s; nothing imported", file,
			  why->what ? why->what : "not understood");
	return EXIT_REFUSED;
}

static int import_ga(struct cli *cli, const char *user, const char *file,
		     bool force)
{
	struct twofa_store *st = NULL;
	struct twofa_error why;
	struct twofa_parse_error perr;
	struct twofa_ga_file ga;
	char *text = NULL;
	size_t len = 0;
	int err, ret;

	memset(&why, 0, sizeof(why));
	memset(&perr, 0, sizeof(perr));
	memset(&ga, 0, sizeof(ga));
	ret = cli_read_file(file, TWOFA_IMPORT_MAX, &text, &len);
	if (ret != 0)
		goto out;
	err =
	    twofa_import_ga_file(text, len, (uint64_t)time(NULL), &ga, &perr);
	if (err == TWOFA_ERR_MALFORMED) {
		ret = parse_fail(file, &perr);
		goto out;
	} else if (err != TWOFA_OK) {
		cli_error("%s: %s", file, twofa_strerror(err));
		ret = cli_exit_for(err);
		goto out;
	}
	ret = cli_open_store(cli, true, &st);
	if (ret != 0)
		goto out;
	err = twofa_store_create(st, user, &ga.rec, force, &why);
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, user, &why);
		goto out;
	}
	printf("Imported %s from %s: %s", user, file,
	       twofa_otp_type_name(ga.rec.type));
	if (ga.rec.type == TWOFA_TOTP)
		printf(", %u s period, window %u", ga.rec.period,
		       ga.rec.window);
	else
		printf(", next counter %llu, look-ahead %u",
		       (unsigned long long)ga.rec.state.next, ga.rec.window);
	printf(", %u backup codes\n", ga.rec.backup_count);
	if (ga.rate_limit)
		printf("note: RATE_LIMIT %u %u is not carried over; pam_twofa "
		       "locks after deny= failures instead\n",
		       ga.rate_limit_count, ga.rate_limit_secs);
	if (ga.time_skew != 0)
		printf("note: the phone's clock is %d step%s off (TIME_SKEW); "
		       "the window was widened to %u to keep it working\n",
		       ga.time_skew,
		       ga.time_skew == 1 || ga.time_skew == -1 ? "" : "s",
		       ga.rec.window);
	if (!ga.disallow_reuse && ga.rec.type == TWOFA_TOTP)
		printf("note: the file allowed reusing codes; pam_twofa "
		       "accepts each code once\n");
	ret = EXIT_DONE;
out:
	twofa_ga_wipe(&ga);
	if (text != NULL)
		twofa_freezero(text, len + 1);
	twofa_store_close(st);
	return ret;
}

static int import_oath(struct cli *cli, const char *file, bool force)
{
	struct twofa_store *st = NULL;
	struct twofa_error why;
	struct twofa_parse_error perr;
	struct twofa_oath_file of = {0, NULL};
	char *text = NULL;
	size_t len = 0, i, done = 0;
	int err, ret;

	memset(&why, 0, sizeof(why));
	memset(&perr, 0, sizeof(perr));
	ret = cli_read_file(file, TWOFA_IMPORT_MAX, &text, &len);
	if (ret != 0)
		goto out;
	err = twofa_import_oath_parse(text, len, (uint64_t)time(NULL), &of,
				      &perr);
	if (err == TWOFA_ERR_MALFORMED) {
		ret = parse_fail(file, &perr);
		goto out;
	} else if (err != TWOFA_OK) {
		cli_error("%s: %s", file, twofa_strerror(err));
		ret = cli_exit_for(err);
		goto out;
	}
	ret = cli_open_store(cli, true, &st);
	if (ret != 0)
		goto out;
	/* All or nothing as far as we can tell beforehand. */
	for (i = 0; i < of.count; i++) {
		err = twofa_store_exists(st, of.entries[i].user, &why);
		if (err == TWOFA_OK && force)
			continue;
		if (err == TWOFA_OK)
			err = TWOFA_ERR_EXISTS;
		if (err != TWOFA_ERR_NO_RECORD) {
			ret =
			    cli_store_fail(cli, err, of.entries[i].user, &why);
			cli_error("%s: nothing imported", file);
			goto out;
		}
	}
	for (i = 0; i < of.count; i++) {
		const struct twofa_oath_entry *e = &of.entries[i];

		err = twofa_store_create(st, e->user, &e->rec, force, &why);
		if (err != TWOFA_OK) {
			ret = cli_store_fail(cli, err, e->user, &why);
			cli_error("%s: %zu of %zu users imported before %s "
				  "(line %u)",
				  file, done, of.count, e->user, e->line);
			goto out;
		}
		done++;
		cli_warn_unknown_user(e->user);
		printf("Imported %s: %s, %u digits", e->user,
		       twofa_otp_type_name(e->rec.type), e->rec.digits);
		if (e->rec.type == TWOFA_TOTP)
			printf(", %u s period\n", e->rec.period);
		else
			printf(", next counter %llu\n",
			       (unsigned long long)e->rec.state.next);
		if (e->has_pin)
			printf("note: %s's PIN (line %u) is not carried over; "
			       "stack pam_twofa after the password step\n",
			       e->user, e->line);
	}
	printf("%zu user%s imported from %s\n", done, done == 1 ? "" : "s",
	       file);
	ret = EXIT_DONE;
out:
	twofa_oath_free(&of);
	if (text != NULL)
		twofa_freezero(text, len + 1);
	twofa_store_close(st);
	return ret;
}

static int run(struct cli *cli, int argc, char **argv)
{
	bool force = false;
	const char *kind;
	int c, n, ret;

	while ((c = command_getopt(cli, argc, argv, "h", import_longopts)) !=
	       -1) {
		if (c == 'h')
			return EXIT_DONE;
		if (c != OPT_FORCE)
			return EXIT_USAGE;
		force = true;
	}
	n = argc - optind;
	if (n < 1)
		return cli_usage_error(cli, "missing SOURCE "
					    "(google-authenticator, oath or "
					    "store)");
	kind = argv[optind];
	if (strcmp(kind, "google-authenticator") == 0) {
		if (n != 3)
			return cli_usage_error(cli,
					       "import google-authenticator "
					       "needs USER and FILE");
		ret = cli_check_user(cli, argv[optind + 1]);
		if (ret != 0)
			return ret;
		cli_warn_unknown_user(argv[optind + 1]);
		return import_ga(cli, argv[optind + 1], argv[optind + 2],
				 force);
	}
	if (strcmp(kind, "oath") == 0) {
		if (n != 2)
			return cli_usage_error(cli,
					       "import oath needs one FILE");
		return import_oath(cli, argv[optind + 1], force);
	}
	if (strcmp(kind, "store") == 0) {
		if (n != 2)
			return cli_usage_error(cli,
					       "import store needs one DIR");
		return import_store(cli, argv[optind + 1], force);
	}
	return cli_usage_error(cli,
			       "unknown source '%s' (want "
			       "google-authenticator, oath or store)",
			       kind);
}

const struct command command_import = {
    "import",
    run,
    "google-authenticator USER FILE | oath FILE | store DIR  [--force]",
    "Adopt existing enrollments so users keep their apps and tokens.\n\n"
    "  google-authenticator USER FILE\n"
    "      FILE is USER's ~/.google_authenticator: the secret (at least\n"
    "      128 bits), TOTP_AUTH or HOTP_COUNTER, STEP_SIZE, WINDOW_SIZE\n"
    "      (w codes valid at once: TOTP (w-1)/2 steps either side, HOTP\n"
    "      w-1 counters ahead), DISALLOW_REUSE (used steps stay used);\n"
    "      scratch codes become hashed backup codes. RATE_LIMIT is not\n"
    "      carried over.\n"
    "  oath FILE\n"
    "      FILE is a pam_oath usersfile: one record for every user in it\n"
    "      (HOTP, HOTP/E, HOTP/T30, HOTP/T60, with /6, /7 or /8 digits;\n"
    "      hex secret; counter). A PIN in the password field is not\n"
    "      carried over.\n"
    "  store DIR\n"
    "      DIR is a file store (another host's /var/lib/twofa): every\n"
    "      record in it is copied into the configured store (e.g. the\n"
    "      directory, store = ldap), keeping replay guard, backup codes,\n"
    "      failures and lock. Each is read under its lock.\n\n"
    "The whole file is checked before anything is written; a line that\n"
    "is not understood refuses the import (exit status 1).\n\n"
    "  --force   replace existing records (otherwise an enrolled user\n"
    "            refuses the import)\n",
};
