/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-admin invite: a pending enrollment with a one-time ticket (SPEC 9).
 * The ticket is printed once, after the pending record is durable; only
 * its salted, slow hash is stored.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/store.h"

enum { OPT_TTL = 256, OPT_JSON, OPT_FORCE };

static const struct option invite_longopts[] = {
    {"ttl", required_argument, NULL, OPT_TTL},
    {"json", no_argument, NULL, OPT_JSON},
    {"force", no_argument, NULL, OPT_FORCE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static const char *replaced_name(enum twofa_invite_replaced r)
{
	switch (r) {
	case TWOFA_REPLACED_INVITATION:
		return "invitation";
	case TWOFA_REPLACED_ENROLLMENT:
		return "enrollment";
	case TWOFA_REPLACED_UNREADABLE:
		return "unreadable";
	default:
		return "nothing";
	}
}

static int run(struct cli *cli, int argc, char **argv)
{
	struct twofa_record rec;
	struct twofa_store *st = NULL;
	struct twofa_error why;
	enum twofa_invite_replaced was = TWOFA_REPLACED_NOTHING;
	char shown[TWOFA_TICKET_SHOWN + 1], when[64];
	unsigned ttl = TWOFA_INVITE_TTL_DEFAULT;
	bool json = false, force = false;
	const char *user;
	uint64_t now;
	int c, err, ret = 0;

	memset(&why, 0, sizeof(why));
	memset(&rec, 0, sizeof(rec));
	memset(shown, 0, sizeof(shown));
	while (ret == 0 && (c = command_getopt(cli, argc, argv, "h",
					       invite_longopts)) != -1) {
		if (c == 'h')
			return EXIT_DONE;
		if (c == OPT_TTL)
			ret = cli_parse_uint(cli, "--ttl", optarg, 60,
					     TWOFA_INVITE_TTL_MAX, &ttl);
		else if (c == OPT_JSON)
			json = true;
		else if (c == OPT_FORCE)
			force = true;
		else
			return EXIT_USAGE;
	}
	if (ret != 0)
		return ret;
	ret = cli_user_arg(cli, argc, argv, &user);
	if (ret != 0)
		return ret;
	ret = cli_open_store(cli, true, &st);
	if (ret != 0)
		goto out;
	now = (uint64_t)time(NULL);
	err = twofa_invite_new(&rec, now, ttl, shown);
	if (err != TWOFA_OK) {
		cli_error("%s: cannot make a ticket: %s", user,
			  twofa_strerror(err));
		ret = EXIT_SYSTEM;
		goto out;
	}
	err = twofa_invite_store(st, user, &rec, force,
				 &was, &why);
	if (err == TWOFA_ERR_EXISTS) {
		cli_error("%s is enrolled; --force replaces the enrollment "
			  "with an invitation (the secret and backup codes "
			  "stop working at once)",
			  user);
		ret = EXIT_REFUSED;
		goto out;
	}
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, user, &why);
		goto out;
	}
	/* Printed only now that it is durable: this is the ticket that works. */
	if (json) {
		printf("{\"user\":\"%s\",\"ticket\":\"%s\",\"expires\":%llu,"
		       "\"replaced\":\"%s\"}\n",
		       user, shown, (unsigned long long)rec.ticket.expires,
		       replaced_name(was));
	} else {
		cli_format_time(rec.ticket.expires, when, sizeof(when));
		if (was == TWOFA_REPLACED_INVITATION)
			printf("%s's previous invitation no longer works.\n",
			       user);
		else if (was != TWOFA_REPLACED_NOTHING)
			printf("%s's enrollment was replaced: its secret and "
			       "backup codes no longer work.\n",
			       user);
		printf("Invitation for %s, valid until %s:\n\n    %s\n\n"
		       "At the next login where pam_twofa has the enroll "
		       "option, %s types\nthis ticket at the code prompt and "
		       "sets up the authenticator app.\nIt works once and is "
		       "not shown again.\n",
		       user, when, shown, user);
	}
	ret = EXIT_DONE;
out:
	twofa_wipe(shown, sizeof(shown));
	twofa_record_wipe(&rec);
	twofa_store_close(st);
	return ret;
}

const struct command command_invite = {
    "invite",
    run,
    "USER [--ttl S] [--json] [--force]",
    "Invite USER to enroll at their next login (pam_twofa's enroll\n"
    "option): store a pending enrollment holding only the hash of a\n"
    "one-time ticket NNNN NNNN NNNN and its expiry, and print the ticket\n"
    "once. A pending user's old ticket is replaced. An enrolled user is\n"
    "refused (exit 1) unless --force.\n\n"
    "  --ttl S   seconds the ticket is valid (60 to 7776000; default\n"
    "            259200, 72 hours)\n"
    "  --json    print {\"user\", \"ticket\", \"expires\" (Unix time),\n"
    "            \"replaced\" (\"nothing\", \"invitation\", \"enrollment\"\n"
    "            or \"unreadable\")}\n"
    "  --force   replace an enrolled user's record at once (a lost\n"
    "            phone): the secret and backup codes stop working\n",
};
