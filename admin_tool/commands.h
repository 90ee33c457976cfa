/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The command table of twofa-admin. Each command file defines one
 * `const struct command` (name, function, usage, help); adding a command
 * is a declaration here and one line in commands.c.
 */
#ifndef TWOFA_ADMIN_COMMANDS_H
#define TWOFA_ADMIN_COMMANDS_H

#include "cli.h"

/* argv[0] is the command name; returns the exit status. */
typedef int (*command_fn)(struct cli *cli, int argc, char **argv);

struct command {
	const char *name;
	command_fn run;
	const char *usage; /* arguments after the name */
	const char *help;  /* what it does, then its options */
};

/* NULL-terminated, in the order `twofa-admin --help` lists them. */
extern const struct command *const commands[];

/* NULL if there is no such command. */
const struct command *command_find(const char *name);

/* "usage: twofa-admin [--store DIR] NAME USAGE", then the help text. */
void command_help(const struct command *cmd);

/*
 * Shared handling of a command's options: returns the getopt result, but
 * prints help for -h/--help (returning 'h' after which the command exits
 * 0) and a usage message for unknown options or missing values ('?').
 */
int command_getopt(struct cli *cli, int argc, char **argv,
		   const char *shortopts, const void *longopts);

/* import store DIR (cmd_import_store.c), reached through import. */
int import_store(struct cli *cli, const char *dir, bool force);

extern const struct command command_enroll;
extern const struct command command_qr;
extern const struct command command_verify;
extern const struct command command_backup_codes;
extern const struct command command_status;
extern const struct command command_unlock;
extern const struct command command_disable;
extern const struct command command_invite;
extern const struct command command_import;
extern const struct command command_keygen;
extern const struct command command_token;
extern const struct command command_verify_token;
extern const struct command command_jwks;
extern const struct command command_rekey;

#endif
