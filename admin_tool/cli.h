/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every twofa-admin command shares: exit statuses, error messages
 * naming what and where, strict option parsing, reading a code from the
 * terminal or standard input, and opening the store.
 */
#ifndef TWOFA_ADMIN_CLI_H
#define TWOFA_ADMIN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twofa/conf.h"
#include "twofa/store.h"

/* Exit statuses (twofa-admin(8)). */
enum {
	EXIT_DONE = 0,
	EXIT_REFUSED = 1, /* wrong code, already enrolled, not enrolled */
	EXIT_USAGE = 2,	  /* bad command line */
	EXIT_SYSTEM = 3,  /* store unreadable or unsafe, I/O, disk full */
};

/* Longest line accepted as a code ("1234 5678" fits with room). */
#define CLI_CODE_MAX 32

struct command;

/* The invocation, shared by all commands. */
struct cli {
	const char *store_path;	   /* where the store is, for messages */
	const struct command *cmd; /* the command being run */
	const char *store_opt;	   /* --store DIR, or NULL */
	const char *conf_opt;	   /* --conf FILE, or NULL: the default */
	/* twofa.conf with --store over it (cli_load_conf). */
	const struct twofa_conf *conf;
};

/* "twofa-admin: " + message + newline on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error: the message, then a pointer to --help. EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Read twofa.conf (--conf FILE, which must exist, or the default path if
 * it exists) into *conf, put --store over it and point cli at the result.
 * Returns 0, or an exit status with the message printed: 3 for a bad
 * file (SPEC section 6), 2 for a bad --store.
 */
int cli_load_conf(struct cli *cli, struct twofa_conf *conf);

/* The exit status a core error code maps to (the one mapping). */
int cli_exit_for(int err);

/*
 * Report a failed store operation on user (may be NULL) as one line
 * naming the path and the reason; returns the exit status.
 */
int cli_store_fail(const struct cli *cli, int err, const char *user,
		   const struct twofa_error *why);

/*
 * Strict unsigned option value: decimal, within min..max, else a usage
 * message naming the option. Returns 0 or EXIT_USAGE.
 */
int cli_parse_uint(const struct cli *cli, const char *option, const char *value,
		   unsigned min, unsigned max, unsigned *out);

/* Refuse a user name the store would refuse, before any path. */
int cli_check_user(const struct cli *cli, const char *user);

/*
 * The one USER argument left after the options (argv[optind]), checked
 * with cli_check_user. Returns 0 or EXIT_USAGE (message printed).
 */
int cli_user_arg(const struct cli *cli, int argc, char **argv,
		 const char **user);

/*
 * A warning on stderr when getpwnam does not know user: it is enrolled
 * all the same (a directory user may be unreachable now, or added later),
 * but a typo would enroll nobody.
 */
void cli_warn_unknown_user(const char *user);

/*
 * Open the store. With create, a missing store directory is made (0700);
 * the core then checks it and every parent like any other store.
 * Returns 0 or an exit status (message printed).
 */
int cli_open_store(const struct cli *cli, bool create, struct twofa_store **st);

/*
 * Read one code: from the terminal (prompt on stderr, no echo unless
 * echo) when stdin is one, else one line of standard input. buf holds
 * CLI_CODE_MAX + 1 bytes; wipe it afterwards. Returns 0, EXIT_REFUSED
 * (no input) or EXIT_USAGE (line too long).
 */
int cli_read_code(const char *prompt, bool echo, char *buf, size_t size);
/* The same for any one-line answer; what names it in messages ("secret"). */
int cli_read_text(const char *prompt, const char *what, bool echo, char *buf,
		  size_t size);

/*
 * Read a small file (an import source) safely: no symlink, regular file,
 * at most max bytes. *out is NUL-terminated; free with
 * twofa_freezero(*out, *len + 1). Returns 0 or an exit status.
 */
int cli_read_file(const char *path, size_t max, char **out, size_t *len);

struct twofa_outcome;
/*
 * Read one code (cli_read_code) and check it for user at now exactly as
 * a login would, with the configuration's policy: the code is used up or
 * the failure counted. 0 with *res filled (whatever the verdict), or an
 * exit status with the message printed.
 */
int cli_check_code(const struct cli *cli, struct twofa_store *st,
		   const char *user, uint64_t now, struct twofa_outcome *res);

/* Local time for humans: "2026-11-22 05:00:00 UTC". */
void cli_format_time(uint64_t t, char *buf, size_t size);

/* The host name, for the default issuer; "" if unusable. */
void cli_hostname(char *buf, size_t size);

#endif
