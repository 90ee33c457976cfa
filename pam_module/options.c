/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Module arguments. Strict in the manner of pam_unix's _unix_strtoi: plain
 * decimal with an end check and a range, nothing ignored, nothing guessed.
 * No PAM calls here: the caller logs err and refuses the login.
 */
#include <stdio.h>
#include <string.h>

#include "twofa/parse.h"
#include "twofa/record.h"
#include "twofa/conf.h"

#include "options.h"

/* Bit per option, to refuse repeats. */
enum {
	SEEN_STORE = 1u << 0,
	SEEN_NULLOK = 1u << 1,
	SEEN_WINDOW = 1u << 2,
	SEEN_DENY = 1u << 3,
	SEEN_UNLOCK = 1u << 4,
	SEEN_PROMPT = 1u << 5,
	SEEN_TRY = 1u << 6,
	SEEN_USE = 1u << 7,
	SEEN_FORWARD = 1u << 8,
	SEEN_NO_BACKUP = 1u << 9,
	SEEN_ECHO = 1u << 10,
	SEEN_DEBUG = 1u << 11,
	SEEN_TOKEN_ENV = 1u << 12,
	SEEN_REQUIRE_ENC = 1u << 13,
	SEEN_ENROLL = 1u << 14,
	SEEN_ENROLL_QR = 1u << 15,
	SEEN_CONF = 1u << 16,
};

struct flag_option {
	const char *name;
	unsigned bit;
	size_t field; /* offsetof the bool in struct mod_options */
};

static const struct flag_option flags[] = {
    {"nullok", SEEN_NULLOK, offsetof(struct mod_options, nullok)},
    {"try_first_pass", SEEN_TRY,
     offsetof(struct mod_options, try_first_pass)},
    {"use_first_pass", SEEN_USE,
     offsetof(struct mod_options, use_first_pass)},
    {"forward_pass", SEEN_FORWARD,
     offsetof(struct mod_options, forward_pass)},
    {"no_backup_codes", SEEN_NO_BACKUP,
     offsetof(struct mod_options, no_backup_codes)},
    {"echo", SEEN_ECHO, offsetof(struct mod_options, echo)},
    {"debug", SEEN_DEBUG, offsetof(struct mod_options, debug)},
    {"require_encrypted", SEEN_REQUIRE_ENC,
     offsetof(struct mod_options, require_encrypted)},
    {"enroll", SEEN_ENROLL, offsetof(struct mod_options, enroll)},
};

/* If arg is "name=...", the value after '='; else NULL. */
static const char *value_of(const char *arg, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) == 0 && arg[n] == '=')
		return arg + n + 1;
	return NULL;
}

static int fail(char *err, size_t err_size, const char *what, const char *arg)
{
	if (arg != NULL)
		snprintf(err, err_size, "%s: '%.80s'", what, arg);
	else
		snprintf(err, err_size, "%s", what);
	return -1;
}

static int env_name_valid(const char *s)
{
	size_t i;

	if (s[0] == '\0' || (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		char c = s[i];

		if (i >= MOD_ENV_NAME_MAX)
			return 0;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
}

static int prompt_valid(const char *s)
{
	size_t i;

	if (s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= MOD_PROMPT_MAX || (unsigned char)s[i] < 0x20 ||
		    s[i] == 0x7f)
			return 0;
	}
	return 1;
}

static int parse_number(const char *v, uint64_t max, uint64_t *out)
{
	return twofa_parse_u64(v, strlen(v), max, out) == 0 ? 0 : -1;
}

/* One "name=value" option; 1 if arg was one of them, -1 on error. */
static int parse_valued(const char *arg, struct mod_options *opt,
			unsigned *seen, char *err, size_t err_size)
{
	const char *v;
	uint64_t n;

	if ((v = value_of(arg, "conf")) != NULL) {
		if (*seen & SEEN_CONF)
			return fail(err, err_size, "option repeated", arg);
		*seen |= SEEN_CONF;
		if (v[0] != '/' || strlen(v) > TWOFA_PATH_MAX)
			return fail(err, err_size,
				    "conf= needs an absolute path", arg);
		opt->conf = v;
	} else if ((v = value_of(arg, "store")) != NULL) {
		if (*seen & SEEN_STORE)
			return fail(err, err_size, "option repeated", arg);
		*seen |= SEEN_STORE;
		if (v[0] != '/' || strlen(v) >= 4096)
			return fail(err, err_size,
				    "store= needs an absolute path", arg);
		opt->store = v;
	} else if ((v = value_of(arg, "window")) != NULL) {
		if (*seen & SEEN_WINDOW)
			return fail(err, err_size, "option repeated", arg);
		*seen |= SEEN_WINDOW;
		if (parse_number(v, TWOFA_WINDOW_MAX, &n) != 0)
			return fail(err, err_size,
				    "window= needs a number 0-100", arg);
		opt->window = (int)n;
	} else if ((v = value_of(arg, "deny")) != NULL) {
		if (*seen & SEEN_DENY)
			return fail(err, err_size, "option repeated", arg);
		*seen |= SEEN_DENY;
		if (parse_number(v, TWOFA_DENY_MAX, &n) != 0)
			return fail(err, err_size,
				    "deny= needs a number 0-1000", arg);
		opt->deny = (unsigned)n;
	} else if ((v = value_of(arg, "unlock_time")) != NULL) {
		if (*seen & SEEN_UNLOCK)
			return fail(err, err_size, "option repeated", arg);
		*seen |= SEEN_UNLOCK;
		if (parse_number(v, TWOFA_UNLOCK_MAX, &n) != 0)
			return fail(err, err_size,
				    "unlock_time= needs seconds 0-31536000",
				    arg);
		opt->unlock_time = n;
	} else if ((v = value_of(arg, "prompt")) != NULL) {
		if (*seen & SEEN_PROMPT)
			return fail(err, err_size, "option repeated", arg);
		*seen |= SEEN_PROMPT;
		if (!prompt_valid(v))
			return fail(err, err_size,
				    "prompt= needs 1-256 printable bytes", arg);
		opt->prompt = v;
	} else if ((v = value_of(arg, "token_env")) != NULL) {
		if (*seen & SEEN_TOKEN_ENV)
			return fail(err, err_size, "option repeated", arg);
		*seen |= SEEN_TOKEN_ENV;
		if (!env_name_valid(v))
			return fail(err, err_size,
				    "token_env= needs a variable name "
				    "([A-Za-z_][A-Za-z0-9_]*)",
				    arg);
		opt->token_env = v;
	} else if ((v = value_of(arg, "enroll_qr")) != NULL) {
		if (*seen & SEEN_ENROLL_QR)
			return fail(err, err_size, "option repeated", arg);
		*seen |= SEEN_ENROLL_QR;
		if (strcmp(v, "utf8") == 0)
			opt->enroll_qr = MOD_ENROLL_QR_UTF8;
		else if (strcmp(v, "ascii") == 0)
			opt->enroll_qr = MOD_ENROLL_QR_ASCII;
		else if (strcmp(v, "none") == 0)
			opt->enroll_qr = MOD_ENROLL_QR_NONE;
		else
			return fail(err, err_size,
				    "enroll_qr= needs utf8, ascii or none", arg);
	} else {
		return 0;
	}
	return 1;
}

int mod_options_parse(int argc, const char *const *argv,
			struct mod_options *opt, char *err, size_t err_size)
{
	unsigned seen = 0;
	int i;

	memset(opt, 0, sizeof(*opt));
	opt->store = TWOFA_STORE_DEFAULT;
	opt->prompt = MOD_PROMPT_DEFAULT;
	opt->window = -1;
	opt->deny = TWOFA_DENY_DEFAULT;
	opt->unlock_time = TWOFA_UNLOCK_DEFAULT;
	if (err_size > 0)
		err[0] = '\0';
	if (argc < 0 || (argc > 0 && argv == NULL))
		return fail(err, err_size, "bad argument vector", NULL);

	for (i = 0; i < argc; i++) {
		const char *arg = argv[i];
		size_t f;
		int r;

		if (arg == NULL)
			return fail(err, err_size, "bad argument vector", NULL);
		r = parse_valued(arg, opt, &seen, err, err_size);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			if (strcmp(arg, flags[f].name) == 0)
				break;
		}
		if (f == sizeof(flags) / sizeof(flags[0]))
			return fail(err, err_size, "unknown option", arg);
		if (seen & flags[f].bit)
			return fail(err, err_size, "option repeated", arg);
		seen |= flags[f].bit;
		*(bool *)((char *)opt + flags[f].field) = true;
	}

	if (opt->try_first_pass && opt->use_first_pass)
		return fail(err, err_size,
			    "try_first_pass and use_first_pass exclude "
			    "each other",
			    NULL);
	if (opt->forward_pass && (opt->try_first_pass || opt->use_first_pass))
		return fail(err, err_size,
			    "forward_pass excludes try_first_pass and "
			    "use_first_pass",
			    NULL);
	if (opt->forward_pass && opt->echo)
		return fail(err, err_size,
			    "echo with forward_pass would show the password",
			    NULL);
	/*
	 * A ticket is typed alone at the code prompt; with forward_pass it
	 * would arrive glued to a password and never match.
	 */
	if (opt->forward_pass && opt->enroll)
		return fail(err, err_size, "enroll excludes forward_pass", NULL);
	if (opt->forward_pass && !(seen & SEEN_PROMPT))
		opt->prompt = MOD_PROMPT_FORWARD;
	/* What overrides twofa.conf: only what the module line says. */
	opt->given = ((seen & SEEN_STORE) ? MOD_GIVEN_STORE : 0) |
		     ((seen & SEEN_WINDOW) ? MOD_GIVEN_WINDOW : 0) |
		     ((seen & SEEN_DENY) ? MOD_GIVEN_DENY : 0) |
		     ((seen & SEEN_UNLOCK) ? MOD_GIVEN_UNLOCK : 0);
	return 0;
}
