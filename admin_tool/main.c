/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-admin: the sysadmin's tool for pam_twofa. Parses the global
 * options and runs one command from the table in commands.c.
 */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "harden.h"
#include "twofa/conf.h"
#include "twofa/store.h"

#ifndef TWOFA_VERSION
#define TWOFA_VERSION "unknown"
#endif

/* Length of the next word of a usage text; "[...]" counts as one. */
static size_t usage_word(const char *p)
{
	size_t n = 0;
	int depth = 0;

	for (; p[n] != '\0' && (p[n] != ' ' || depth > 0); n++) {
		if (p[n] == '[')
			depth++;
		else if (p[n] == ']' && depth > 0)
			depth--;
	}
	return n;
}

/* "  NAME USAGE", the usage wrapped at 78 columns under itself. */
static void print_wrapped(FILE *f, const char *name, const char *text)
{
	size_t indent = 3 + strlen(name), col = indent;
	const char *p = text;

	fprintf(f, "  %s", name);
	while (*p != '\0') {
		size_t n = usage_word(p);

		if (col > indent && col + 1 + n > 78) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else {
			fputc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", (int)n, p);
		col += n;
		p += n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: twofa-admin [--store DIR] [--conf FILE] COMMAND "
		   "[ARGS]\n\n"
		   "Enroll users in pam_twofa and look after their records.\n\n"
		   "commands:\n");
	for (i = 0; commands[i] != NULL; i++)
		print_wrapped(f, commands[i]->name, commands[i]->usage);
	fprintf(f,
		"\nglobal options:\n"
		"  --store DIR   the record store (default: twofa.conf's "
		"store, else %s)\n"
		"  --conf FILE   the settings (default %s if it exists)\n"
		"  --help        this text; COMMAND --help for one command\n"
		"  --version     the version\n"
		"--store and --conf may also follow the command.\n\n"
		"Exit status: 0 done, 1 refused, 2 usage error, 3 system "
		"error.\nSee twofa-admin(8), twofa.conf(5).\n",
		TWOFA_STORE_DEFAULT, TWOFA_CONF_DEFAULT);
}

/* Set *slot from a global option, refusing it twice. */
static int set_global(const char **slot, const char *name, const char *value)
{
	if (*slot != NULL) {
		cli_error("%s given twice (see twofa-admin --help)", name);
		return EXIT_USAGE;
	}
	*slot = value;
	return 0;
}

/*
 * --store and --conf after the command name (SPEC section 4: "accepted
 * before or after the command"): taken out of the command's arguments,
 * up to a "--", before the command parses the rest.
 */
static int take_globals(struct cli *cli, int *argcp, char **argv)
{
	static const struct {
		const char *name;
		size_t off;
	} globals[] = {
	    {"--store", offsetof(struct cli, store_opt)},
	    {"--conf", offsetof(struct cli, conf_opt)},
	};
	int argc = *argcp, in, out = 1, ret;

	for (in = 1; in < argc; in++) {
		const char *a = argv[in];
		size_t g, n = 0;

		if (strcmp(a, "--") == 0)
			break;
		for (g = 0; g < 2; g++) {
			n = strlen(globals[g].name);
			if (strncmp(a, globals[g].name, n) == 0 &&
			    (a[n] == '\0' || a[n] == '='))
				break;
		}
		if (g == 2) {
			argv[out++] = argv[in];
			continue;
		}
		if (a[n] == '\0' && in + 1 >= argc) {
			cli_error("%s needs a value (see twofa-admin --help)",
				  globals[g].name);
			return EXIT_USAGE;
		}
		ret = set_global((const char **)(void *)((char *)cli +
							 globals[g].off),
				 globals[g].name,
				 a[n] == '=' ? a + n + 1 : argv[++in]);
		if (ret != 0)
			return ret;
	}
	for (; in < argc; in++)
		argv[out++] = argv[in];
	argv[out] = NULL;
	*argcp = out;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"store", required_argument, NULL, 's'},
	    {"conf", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	static struct twofa_conf conf;
	struct cli cli = {TWOFA_STORE_DEFAULT, NULL, NULL, NULL, NULL};
	int c, ret;

	/* Before anything is opened or printed (harden.h). */
	ret = cli_harden_process();
	if (ret != 0)
		return ret;
	setlocale(LC_ALL, "");
	/* Records and PNG files are created 0600 whatever the caller's umask.
	 */
	umask(077);
	opterr = 0;
	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (set_global(&cli.store_opt, "--store", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'c':
			if (set_global(&cli.conf_opt, "--conf", optarg) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return EXIT_DONE;
		case 'V':
			printf("twofa-admin %s\n", TWOFA_VERSION);
			return EXIT_DONE;
		default:
			cli_error("unknown global option or missing value: %s "
				  "(see twofa-admin --help)",
				  argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("no command given (see twofa-admin --help)");
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
		cli_error(
		    "unknown command '%s' (twofa-admin --help lists them)",
		    argv[optind]);
		return EXIT_USAGE;
	}
	/* The command parses its own argv from the start. */
	argc -= optind;
	argv += optind;
	optind = 0;
	ret = take_globals(&cli, &argc, argv);
	if (ret != 0)
		return ret;
	ret = cli_load_conf(&cli, &conf);
	if (ret != 0)
		return ret;
	ret = cli.cmd->run(&cli, argc, argv);
	/* Output that never arrived (disk full, closed pipe) is an error. */
	if ((fflush(stdout) != 0 || ferror(stdout)) && ret == EXIT_DONE) {
		cli_error("cannot write to standard output: %s",
			  strerror(errno));
		ret = EXIT_SYSTEM;
	}
	return ret;
}
