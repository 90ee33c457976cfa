/*
 * twofa-admin: the sysadmin's tool for pam_twofa. Parses the global
 * options and runs one command from the table in commands.c.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "twofa/store.h"

#ifndef TWOFA_VERSION
#define TWOFA_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: twofa-admin [--store DIR] COMMAND [ARGS]\n\n"
		   "Enroll users in pam_twofa and look after their records.\n\n"
		   "commands:\n");
	for (i = 0; commands[i] != NULL; i++)
		fprintf(f, "  %s %s\n", commands[i]->name, commands[i]->usage);
	fprintf(f, "\nglobal options:\n"
		   "  --store DIR   the record store (default %s)\n"
		   "  --help        this text; COMMAND --help for one command\n"
		   "  --version     the version\n\n"
		   "Exit status: 0 done, 1 refused, 2 usage error, 3 system "
		   "error.\nSee twofa-admin(8).\n",
		TWOFA_STORE_DEFAULT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"store", required_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct cli cli = {TWOFA_STORE_DEFAULT, NULL};
	int c;

	setlocale(LC_ALL, "");
	/* Records and PNG files are created 0600 whatever the caller's umask. */
	umask(077);
	opterr = 0;
	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			cli.store_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("twofa-admin %s\n", TWOFA_VERSION);
			return EXIT_DONE;
		default:
			cli_error("unknown global option or missing value: %s",
				  argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("no command given");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[optind], "help") == 0) {
		if (optind + 1 < argc &&
		    (cli.cmd = command_find(argv[optind + 1])) != NULL) {
			command_help(cli.cmd);
			return EXIT_DONE;
		}
		usage(stdout);
		return EXIT_DONE;
	}
	cli.cmd = command_find(argv[optind]);
	if (cli.cmd == NULL) {
		cli_error("unknown command '%s' (twofa-admin --help lists them)",
			  argv[optind]);
		return EXIT_USAGE;
	}
	/* The command parses its own argv from the start. */
	argc -= optind;
	argv += optind;
	optind = 0;
	return cli.cmd->run(&cli, argc, argv);
}
