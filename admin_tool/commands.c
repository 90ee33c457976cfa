/* SPDX-License-Identifier: BSD-2-Clause */
/* The table of twofa-admin commands and their shared --help handling. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"

const struct command *const commands[] = {
    &command_enroll,
    &command_qr,
    &command_verify,
    &command_backup_codes,
    &command_status,
    &command_unlock,
    &command_disable,
    &command_invite,
    &command_import,
    &command_keygen,
    &command_token,
    &command_verify_token,
    &command_jwks,
    &command_rekey,
    NULL,
};

const struct command *command_find(const char *name)
{
	size_t i;

	for (i = 0; commands[i] != NULL; i++) {
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	}
	return NULL;
}

void command_help(const struct command *cmd)
{
	printf("usage: twofa-admin [--store DIR] %s %s\n\n%s", cmd->name,
	       cmd->usage, cmd->help);
}

int command_getopt(struct cli *cli, int argc, char **argv,
		   const char *shortopts, const void *longopts)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, (const struct option *)longopts,
			NULL);
	if (c == 'h') {
		command_help(cli->cmd);
	} else if (c == '?' || c == ':') {
		const char *arg = argv[optind - 1];

		if (optopt != 0 && strncmp(arg, "--", 2) != 0)
			cli_usage_error(cli,
					"unknown option or missing value: -%c",
					optopt);
		else
			cli_usage_error(
			    cli, "unknown option or missing value: %s", arg);
		c = '?';
	}
	return c;
}
