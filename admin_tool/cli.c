/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared helpers of the twofa-admin commands. */
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "twofa/err.h"
#include "twofa/auth.h"
#include "twofa/conf.h"
#include "twofa/fs.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/uri.h"
#include "twofa/user.h"

static void verror(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("twofa-admin: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

int cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	/* One line: "twofa-admin: CMD: what (see twofa-admin CMD --help)". */
	fflush(stdout);
	fputs("twofa-admin: ", stderr);
	if (cli != NULL && cli->cmd != NULL)
		fprintf(stderr, "%s: ", cli->cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (cli != NULL && cli->cmd != NULL)
		fprintf(stderr, " (see twofa-admin %s --help)", cli->cmd->name);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int cli_exit_for(int err)
{
	switch (err) {
	case TWOFA_OK:
		return EXIT_DONE;
	case TWOFA_ERR_INVALID:
	case TWOFA_ERR_BAD_USER:
		return EXIT_USAGE;
	case TWOFA_ERR_NO_RECORD:
	case TWOFA_ERR_EXISTS:
	case TWOFA_ERR_TOKEN:
		return EXIT_REFUSED;
	default:
		return EXIT_SYSTEM;
	}
}

int cli_store_fail(const struct cli *cli, int err, const char *user,
		   const struct twofa_error *why)
{
	if (err == TWOFA_ERR_NO_RECORD) {
		cli_error("%s is not enrolled (no record in %s)",
			  user ? user : "user", cli->store_path);
	} else if (err == TWOFA_ERR_EXISTS) {
		cli_error("%s is already enrolled (%s/%s exists; --force "
			  "replaces it)",
			  user ? user : "user", cli->store_path,
			  user ? user : "");
	} else if (err == TWOFA_ERR_MALFORMED && why != NULL &&
		   why->parse.what != NULL) {
		cli_error("%s: %s (line %u: %s)",
			  why->path[0] ? why->path : cli->store_path,
			  twofa_strerror(err), why->parse.line,
			  why->parse.what);
	} else if (why != NULL && why->what != NULL) {
		if (why->sys_errno != 0)
			cli_error("%s: %s: %s", why->path, why->what,
				  strerror(why->sys_errno));
		else
			cli_error("%s: %s", why->path, why->what);
	} else {
		cli_error("%s%s%s: %s", cli->store_path, user ? "/" : "",
			  user ? user : "", twofa_strerror(err));
	}
	return cli_exit_for(err);
}

int cli_parse_uint(const struct cli *cli, const char *option, const char *value,
		   unsigned min, unsigned max, unsigned *out)
{
	uint64_t v = 0;

	if (twofa_parse_u64(value, strlen(value), max, &v) != TWOFA_OK ||
	    v < min)
		return cli_usage_error(cli,
				       "%s: want a number from %u to %u, "
				       "not '%s'",
				       option, min, max, value);
	*out = (unsigned)v;
	return 0;
}

int cli_check_user(const struct cli *cli, const char *user)
{
	if (twofa_user_valid(user))
		return 0;
	return cli_usage_error(cli,
			       "invalid user name '%s' (letters, digits and "
			       ". _ - @ $, not starting with . or -, at most "
			       "%d bytes)",
			       user, TWOFA_USER_MAX);
}

int cli_user_arg(const struct cli *cli, int argc, char **argv,
		 const char **user)
{
	*user = NULL;
	if (optind + 1 != argc)
		return cli_usage_error(cli, "%s",
				       optind >= argc ? "missing USER"
						      : "too many arguments");
	*user = argv[optind];
	return cli_check_user(cli, *user);
}

int cli_load_conf(struct cli *cli, struct twofa_conf *conf)
{
	const char *path =
	    cli->conf_opt != NULL ? cli->conf_opt : TWOFA_CONF_DEFAULT;
	struct twofa_error why;
	int err;

	memset(&why, 0, sizeof(why));
	twofa_conf_init(conf);
	cli->conf = conf;
	err = twofa_conf_load(path, cli->conf_opt == NULL, conf, &why);
	if (err != TWOFA_OK) {
		if (why.parse.what != NULL && why.parse.line > 0)
			cli_error("%s: %s: line %u: %s", why.path, why.what,
				  why.parse.line, why.parse.what);
		else if (why.parse.what != NULL)
			cli_error("%s: %s: %s", why.path, why.what,
				  why.parse.what);
		else if (why.sys_errno != 0)
			cli_error("%s: %s: %s", why.path[0] ? why.path : path,
				  why.what ? why.what : twofa_strerror(err),
				  strerror(why.sys_errno));
		else
			cli_error("%s: %s", why.path[0] ? why.path : path,
				  why.what ? why.what : twofa_strerror(err));
		return EXIT_SYSTEM;
	}
	if (cli->store_opt != NULL &&
	    (cli->store_opt[0] != '/' ||
	     twofa_conf_set_store(conf, cli->store_opt) != TWOFA_OK)) {
		cli_error("--store %s: must be an absolute path",
			  cli->store_opt);
		return EXIT_USAGE;
	}
	cli->store_path = conf->store_kind == TWOFA_STORE_FILE
			      ? conf->store_dir
			      : conf->ldap_uri;
	return 0;
}

void cli_warn_unknown_user(const char *user)
{
	if (getpwnam(user) == NULL)
		cli_error("warning: %s is not a user this system knows "
			  "(getpwnam); enrolling anyway",
			  user);
}

int cli_open_store(const struct cli *cli, bool create, struct twofa_store **st)
{
	struct twofa_error why;
	int ret;

	memset(&why, 0, sizeof(why));
	*st = NULL;
	ret = twofa_store_open(cli->conf, create ? TWOFA_STORE_CREATE : 0, st,
			       &why);
	if (ret == TWOFA_OK)
		return 0;
	if (ret == TWOFA_ERR_INVALID) {
		cli_error("%s: %s", why.path,
			  why.what ? why.what : "invalid store path");
		return EXIT_USAGE;
	}
	return cli_store_fail(cli, ret, NULL, &why);
}

/* A signal that arrived while the terminal's echo was off. */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static const int tty_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_TTY_SIGNALS (sizeof(tty_signals) / sizeof(tty_signals[0]))

/* The handlers and signal mask in force before catch_signals(). */
struct saved_signals {
	struct sigaction act[N_TTY_SIGNALS];
	sigset_t mask;
};

/*
 * Catch the signals that would otherwise leave the terminal without
 * echo. They stay blocked except while read_line() waits in ppoll(), so
 * one cannot slip in between a check and a blocking read().
 */
static void catch_signals(struct saved_signals *saved)
{
	struct sigaction sa;
	sigset_t block;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	got_signal = 0;
	for (i = 0; i < N_TTY_SIGNALS; i++)
		sigaddset(&block, tty_signals[i]);
	sigprocmask(SIG_BLOCK, &block, &saved->mask);
	for (i = 0; i < N_TTY_SIGNALS; i++)
		sigaction(tty_signals[i], &sa, &saved->act[i]);
}

static void release_signals(const struct saved_signals *saved)
{
	size_t i;

	for (i = 0; i < N_TTY_SIGNALS; i++)
		sigaction(tty_signals[i], &saved->act[i], NULL);
	sigprocmask(SIG_SETMASK, &saved->mask, NULL);
}

/*
 * Read one line from fd into buf; 1 if it was longer than size - 1.
 * With waitmask, wait for input in ppoll() with that signal mask and stop
 * when a caught signal arrives. A line that is too long ends the read at
 * once: stdin from /dev/zero or an endless pipe must not hang us.
 */
static int read_line(int fd, char *buf, size_t size, size_t *len,
		     const sigset_t *waitmask)
{
	struct pollfd pfd = {fd, POLLIN, 0};
	size_t n = 0;
	int toolong = 0;
	char c;

	for (;;) {
		ssize_t r;

		if (waitmask != NULL && ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR && got_signal == 0)
				continue;
			break;
		}
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n + 1 >= size) {
			toolong = 1;
			break;
		}
		buf[n++] = c;
	}
	c = 0;
	buf[n] = '\0';
	*len = n;
	return toolong;
}

int cli_read_code(const char *prompt, bool echo, char *buf, size_t size)
{
	return cli_read_text(prompt, "code", echo, buf, size);
}

int cli_read_text(const char *prompt, const char *what, bool echo, char *buf,
		  size_t size)
{
	struct termios old, quiet;
	struct saved_signals saved;
	bool tty = isatty(STDIN_FILENO), restore = false;
	size_t len = 0;
	int toolong;

	memset(buf, 0, size);
	fflush(stdout);
	if (tty) {
		/*
		 * Echo off before the prompt: TCSAFLUSH drops what was typed
		 * before it, but nothing typed after it is lost.
		 */
		if (!echo && tcgetattr(STDIN_FILENO, &old) == 0) {
			quiet = old;
			quiet.c_lflag &= ~(tcflag_t)ECHO;
			quiet.c_lflag |= ECHONL;
			catch_signals(&saved);
			restore =
			    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
			if (!restore)
				release_signals(&saved);
		}
		fputs(prompt, stderr);
		fflush(stderr);
	}
	toolong = read_line(STDIN_FILENO, buf, size, &len,
			    restore ? &saved.mask : NULL);
	if (restore) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		release_signals(&saved);
		if (got_signal != 0) {
			/* Echo is back on: now die of it as we would have. */
			twofa_wipe(buf, size);
			fputc('\n', stderr);
			raise(got_signal);
			return EXIT_REFUSED; /* it was ignored before us */
		}
	}
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (toolong) {
		twofa_wipe(buf, size);
		if (tty) /* the rest of the line must not reach the shell */
			tcflush(STDIN_FILENO, TCIFLUSH);
		cli_error("the %s is too long (more than %zu characters)",
			  what, size - 1);
		return EXIT_USAGE;
	}
	if (len == 0) {
		cli_error("no %s was given on %s", what,
			  tty ? "the terminal" : "standard input");
		return EXIT_REFUSED;
	}
	return 0;
}

int cli_read_file(const char *path, size_t max, char **out, size_t *len)
{
	/* Anyone's file (an import source), but a regular one. */
	static const struct twofa_file_msgs msgs =
	    TWOFA_FILE_MSGS("file", "has a forbidden mode", "the limit");
	const struct twofa_file_rules rules = {&msgs, (uid_t)-1, 0, false,
					       max};
	struct twofa_error why;
	int err;

	memset(&why, 0, sizeof(why));
	err = twofa_file_load(AT_FDCWD, NULL, path, &rules, out, len, &why);
	if (err == TWOFA_OK)
		return 0;
	if (err == TWOFA_ERR_TOO_BIG)
		cli_error("%s: larger than %zu bytes", path, max);
	else if (err == TWOFA_ERR_NOMEM)
		cli_error("%s: out of memory", path);
	else if (why.sys_errno != 0)
		cli_error("%s: %s: %s", path, why.what, strerror(why.sys_errno));
	else
		cli_error("%s: %s", path, why.what);
	return EXIT_SYSTEM;
}

int cli_check_code(const struct cli *cli, struct twofa_store *st,
		   const char *user, uint64_t now, struct twofa_outcome *res)
{
	struct twofa_policy pol;
	struct twofa_error why;
	char code[CLI_CODE_MAX + 1];
	int err, ret;

	memset(&why, 0, sizeof(why));
	memset(res, 0, sizeof(*res));
	ret = cli_read_code("Verification code: ", false, code, sizeof(code));
	if (ret != 0)
		goto out;
	twofa_policy_default(&pol);
	twofa_policy_from_conf(&pol, cli->conf);
	err = twofa_authenticate(st, user, code, now, &pol, res, &why);
	if (err != TWOFA_OK)
		ret = cli_store_fail(cli, err, user, &why);
out:
	twofa_wipe(code, sizeof(code));
	return ret;
}

void cli_format_time(uint64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t > (uint64_t)INT64_MAX || localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(buf, size, "@%llu", (unsigned long long)t);
}

void cli_hostname(char *buf, size_t size)
{
	if (gethostname(buf, size) != 0 || !twofa_uri_issuer_valid(buf))
		buf[0] = '\0';
	buf[size - 1] = '\0';
}
