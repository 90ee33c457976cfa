/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-admin verify: check one code exactly as a login would, through
 * the same twofa_authenticate() the PAM module calls: it consumes the
 * code, counts failures and locks.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "twofa/auth.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/store.h"

/* What a reason means, for the admin at the terminal. */
static const char *reason_text(enum twofa_reason r)
{
	switch (r) {
	case TWOFA_REASON_REPLAY:
		return "a code that was already used, or an older one; each "
		       "works once";
	case TWOFA_REASON_WINDOW:
		return "a code of this user's, but outside the window: check "
		       "the clocks of phone and server (TOTP) or how far the "
		       "token ran ahead (HOTP)";
	case TWOFA_REASON_BACKUP_USED:
		return "a backup code that was used up";
	default:
		return "not a code of this user's";
	}
}

static const struct option verify_longopts[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void print_locked(const char *user, uint64_t until)
{
	char when[64];

	if (until == TWOFA_LOCKED_FOREVER) {
		cli_error("%s is locked until unlocked with twofa-admin unlock",
			  user);
		return;
	}
	cli_format_time(until, when, sizeof(when));
	cli_error("%s is locked until %s", user, when);
}

static int run(struct cli *cli, int argc, char **argv)
{
	struct twofa_store *st = NULL;
	struct twofa_outcome res;
	const char *user;
	int c, ret;

	while ((c = command_getopt(cli, argc, argv, "h", verify_longopts)) !=
	       -1)
		return c == 'h' ? EXIT_DONE : EXIT_USAGE;
	ret = cli_user_arg(cli, argc, argv, &user);
	if (ret != 0)
		return ret;
	ret = cli_open_store(cli, false, &st);
	if (ret != 0)
		goto out;
	ret = cli_check_code(cli, st, user, (uint64_t)time(NULL), &res);
	if (ret != 0)
		goto out;
	switch (res.verdict) {
	case TWOFA_VERDICT_ACCEPTED:
		if (res.method == TWOFA_METHOD_BACKUP)
			printf("%s: backup code accepted; %u left\n", user,
			       res.backup_left);
		else
			printf("%s: %s code accepted\n", user,
			       twofa_method_name(res.method));
		ret = EXIT_DONE;
		break;
	case TWOFA_VERDICT_LOCKED:
		cli_error("%s: code not checked: reason=locked", user);
		print_locked(user, res.locked_until);
		ret = EXIT_REFUSED;
		break;
	default:
		cli_error("%s: code refused: reason=%s (%s; %u consecutive "
			  "failure%s)",
			  user, twofa_reason_name(res.reason),
			  reason_text(res.reason), res.failures,
			  res.failures == 1 ? "" : "s");
		if (res.just_locked)
			print_locked(user, res.locked_until);
		ret = EXIT_REFUSED;
		break;
	}
out:
	twofa_store_close(st);
	return ret;
}

const struct command command_verify = {
    "verify",
    run,
    "USER",
    "Read one code (from the terminal without echo, or one line of\n"
    "standard input) and check it for USER exactly as a login would:\n"
    "an accepted code is used up, a wrong one counts as a failure, and\n"
    "deny failures lock the account for unlock_time (twofa.conf(5);\n"
    "by default 5 failures, 10 minutes).\n"
    "Exit status 0 when accepted, 1 when refused or locked; a refusal\n"
    "says why, as the module's log line does: reason=wrong, replay,\n"
    "window (the user's code, outside the window: check the clocks),\n"
    "backup-used or locked.\n",
};
