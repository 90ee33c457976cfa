/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Record upkeep: backup-codes (a fresh set), unlock (clear failures and
 * lock), disable (remove). Each holds the record's lock and goes through
 * the core's crash-safe writes, so logins may run meanwhile.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "show.h"
#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/seal.h"
#include "twofa/store.h"

static const struct option help_only[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

enum { OPT_COUNT = 256, OPT_JSON };

static const struct option backup_longopts[] = {
    {"count", required_argument, NULL, OPT_COUNT},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/*
 * The USER argument after the options, checked; the store opened and
 * user's record locked. Returns 0 or an exit status. no_secret: the
 * command needs only the state, so a sealed record is not opened
 * (disable and unlock still work for a record whose record key is lost).
 */
static int open_user(struct cli *cli, int argc, char **argv, bool no_secret,
		     struct twofa_store **st, struct twofa_loaded **h)
{
	struct twofa_error why;
	const char *user;
	int err, ret;

	memset(&why, 0, sizeof(why));
	*st = NULL;
	*h = NULL;
	ret = cli_user_arg(cli, argc, argv, &user);
	if (ret != 0)
		return ret;
	ret = cli_open_store(cli, false, st);
	if (ret != 0)
		return ret;
	twofa_store_sealer(*st)->inspect = no_secret;
	err = twofa_store_load(*st, user, h, &why);
	if (err != TWOFA_OK)
		return cli_store_fail(cli, err, user, &why);
	return 0;
}

static int run_backup_codes(struct cli *cli, int argc, char **argv)
{
	struct twofa_store *st = NULL;
	struct twofa_loaded *h = NULL;
	struct twofa_error why;
	char codes[TWOFA_BACKUP_MAX * (TWOFA_BACKUP_DIGITS + 1)];
	unsigned count = TWOFA_BACKUP_DEFAULT;
	bool json = false;
	int c, err, ret = 0;

	memset(&why, 0, sizeof(why));
	memset(codes, 0, sizeof(codes));
	while (ret == 0 && (c = command_getopt(cli, argc, argv, "h",
					       backup_longopts)) != -1) {
		if (c == 'h')
			return EXIT_DONE;
		if (c == OPT_JSON) {
			json = true;
			continue;
		}
		if (c != OPT_COUNT)
			return EXIT_USAGE;
		ret = cli_parse_uint(cli, "--count", optarg, 1,
				     TWOFA_BACKUP_MAX, &count);
	}
	if (ret == 0)
		ret = open_user(cli, argc, argv, false, &st, &h);
	if (ret != 0)
		goto out;
	if (h->rec.pending) {
		/* No secret yet: the codes come with the enrollment. */
		cli_error("%s is invited, not enrolled: backup codes are made "
			  "when the enrollment completes",
			  h->user);
		ret = EXIT_REFUSED;
		goto out;
	}
	if (twofa_backup_generate(&h->rec, count, codes, sizeof(codes)) !=
	    TWOFA_OK) {
		cli_error("cannot generate backup codes");
		ret = EXIT_SYSTEM;
		goto out;
	}
	/*
	 * Print, then commit: codes written but never seen (stdout on a full
	 * disk, a closed pipe) would replace the user's old codes with none.
	 * Shown but not written, the old codes still work, and we say so.
	 */
	if (json) {
		fputs("{\"user\":", stdout);
		show_json_string(h->user);
		fputs(",\"backup_codes\":", stdout);
		show_backup_codes_json(codes, count);
		fputs("}\n", stdout);
	} else {
		printf("New backup codes for %s (the old ones no longer work; "
		       "each works once):\n",
		       h->user);
		show_backup_codes(codes, count);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_error("%s: cannot show the new backup codes on standard "
			  "output: %s; nothing was changed (the old codes "
			  "still work)",
			  h->user, strerror(errno));
		ret = EXIT_SYSTEM;
		goto out;
	}
	err = twofa_store_replace(h, &h->rec, &why);
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, h->user, &why);
		cli_error("%s: the codes shown above were NOT saved; the old "
			  "ones still work",
			  h->user);
		goto out;
	}
	ret = EXIT_DONE;
out:
	twofa_wipe(codes, sizeof(codes));
	twofa_store_release(h);
	twofa_store_close(st);
	return ret;
}

static int run_unlock(struct cli *cli, int argc, char **argv)
{
	struct twofa_store *st = NULL;
	struct twofa_loaded *h = NULL;
	struct twofa_error why;
	struct twofa_state next;
	uint32_t failures;
	int c, err, ret;

	memset(&why, 0, sizeof(why));
	while ((c = command_getopt(cli, argc, argv, "h", help_only)) != -1)
		return c == 'h' ? EXIT_DONE : EXIT_USAGE;
	ret = open_user(cli, argc, argv, true, &st, &h);
	if (ret != 0)
		goto out;
	failures = h->rec.state.failures;
	if (failures == 0 && h->rec.state.locked_until == 0) {
		printf("%s was not locked\n", h->user);
		goto out;
	}
	next = h->rec.state;
	next.failures = 0;
	next.locked_until = 0;
	err = twofa_store_cas_state(h, &next, &why);
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, h->user, &why);
		goto out;
	}
	printf("%s unlocked (%u failure%s cleared)\n", h->user,
	       (unsigned)failures, failures == 1 ? "" : "s");
out:
	twofa_store_release(h);
	twofa_store_close(st);
	return ret;
}

static int run_disable(struct cli *cli, int argc, char **argv)
{
	struct twofa_store *st = NULL;
	struct twofa_loaded *h = NULL;
	struct twofa_error why;
	int c, err, ret;

	memset(&why, 0, sizeof(why));
	while ((c = command_getopt(cli, argc, argv, "h", help_only)) != -1)
		return c == 'h' ? EXIT_DONE : EXIT_USAGE;
	ret = open_user(cli, argc, argv, true, &st, &h);
	if (ret != 0)
		goto out;
	err = twofa_store_remove(h, &why);
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, h->user, &why);
		goto out;
	}
	printf("%s disabled: %s removed from %s\n", h->user,
	       h->rec.pending ? "pending invitation" : "record",
	       twofa_store_where(st));
out:
	twofa_store_release(h);
	twofa_store_close(st);
	return ret;
}

const struct command command_backup_codes = {
    "backup-codes",
    run_backup_codes,
    "USER [--count N] [--json]",
    "Replace all of USER's backup codes with N new ones (1..20, default\n"
    "10) and print them once. The old codes stop working. They are\n"
    "printed first and written only when standard output took them.\n\n"
    "  --count N   how many (10)\n"
    "  --json      print {\"user\": USER, \"backup_codes\": [\"12345678\",\n"
    "              ...]} instead of the text\n",
};

const struct command command_unlock = {
    "unlock",
    run_unlock,
    "USER",
    "Clear USER's failure count and lock.\n",
};

const struct command command_disable = {
    "disable",
    run_disable,
    "USER",
    "Remove USER's record, or USER's pending invitation (its ticket\n"
    "stops working). Unless the module runs with nullok, USER can\n"
    "then no longer log in where pam_twofa is required.\n",
};
