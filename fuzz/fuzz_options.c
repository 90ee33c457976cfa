/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The module's option parser (pam_module/options.c): the input is split
 * at NUL or newline into up to 32 arguments. Whatever it returns, the
 * error text is terminated; what it accepts is exactly the documented
 * options, each once, with values in range and spelled canonically; and
 * the same arguments twice are always refused (every option may appear
 * once).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pam_module/options.h"
#include "twofa/record.h"
#include "twofa/store.h"
#include "fuzz.h"

#define MAX_ARGS 32

static const char *const flag_names[] = {
    "nullok",	       "try_first_pass", "use_first_pass", "forward_pass",
    "no_backup_codes", "echo",		 "debug",	   "require_encrypted",
    "enroll",
};

/* The value after "name=" when arg is that option, else NULL. */
static const char *value(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) == 0 && arg[n] == '=' ? arg + n + 1 : NULL;
}

/* Canonical decimal of v, as the only spelling that may be accepted. */
static int canonical(const char *s, unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", v);
	return strcmp(buf, s) == 0;
}

static void check_accepted(int argc, char **argv, const struct mod_options *o)
{
	int i;
	size_t f;

	INVARIANT(o->store != NULL && o->store[0] == '/');
	INVARIANT(o->prompt != NULL && o->prompt[0] != '\0');
	INVARIANT(strlen(o->prompt) <= MOD_PROMPT_MAX);
	INVARIANT(o->window >= -1 && o->window <= TWOFA_WINDOW_MAX);
	INVARIANT(o->deny <= TWOFA_DENY_MAX);
	INVARIANT(o->unlock_time <= TWOFA_UNLOCK_MAX);
	INVARIANT(!(o->try_first_pass && o->use_first_pass));
	INVARIANT(!(o->forward_pass && o->echo));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *v;
		int known = 0;

		for (f = 0; f < sizeof(flag_names) / sizeof(*flag_names); f++)
			known |= strcmp(a, flag_names[f]) == 0;
		if ((v = value(a, "conf")) != NULL)
			known = o->conf == v && v[0] == '/';
		else if ((v = value(a, "enroll_qr")) != NULL)
			known = strcmp(v, "utf8") == 0 ||
				strcmp(v, "ascii") == 0 ||
				strcmp(v, "none") == 0;
		else if ((v = value(a, "store")) != NULL)
			known = o->store == v;
		else if ((v = value(a, "prompt")) != NULL)
			known = o->prompt == v;
		else if ((v = value(a, "token_env")) != NULL)
			known = o->token_env == v &&
				strlen(v) <= MOD_ENV_NAME_MAX;
		else if ((v = value(a, "window")) != NULL)
			known = canonical(v, (unsigned long long)o->window);
		else if ((v = value(a, "deny")) != NULL)
			known = canonical(v, o->deny);
		else if ((v = value(a, "unlock_time")) != NULL)
			known = canonical(v, o->unlock_time);
		INVARIANT(known);
	}
	/* Strings point into argv or at constants, never at copies. */
	if (o->token_env != NULL)
		INVARIANT(o->token_env[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mod_options opt, again;
	char *copy, *argv[2 * MAX_ARGS], err[128], err2[8];
	int argc = 0, ret;
	size_t i, start = 0;

	if (size > 8192)
		return 0;
	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0; i <= size && argc < MAX_ARGS; i++) {
		if (i == size || copy[i] == '\0' || copy[i] == '\n') {
			copy[i] = '\0';
			if (i > start || i < size)
				argv[argc++] = copy + start;
			start = i + 1;
		}
	}

	memset(err, 'x', sizeof(err));
	ret = mod_options_parse(argc, (const char *const *)argv, &opt, err,
				  sizeof(err));
	INVARIANT(ret == 0 || ret == -1);
	INVARIANT(memchr(err, '\0', sizeof(err)) != NULL);
	if (ret == 0) {
		INVARIANT(err[0] == '\0');
		check_accepted(argc, argv, &opt);
		/* Deterministic. */
		INVARIANT(mod_options_parse(argc, (const char *const *)argv,
					      &again, err, sizeof(err)) == 0);
		INVARIANT(memcmp(&opt, &again, sizeof(opt)) == 0);
		/* Every option once: the list twice is refused. */
		if (argc > 0) {
			memcpy(argv + argc, argv, (size_t)argc * sizeof(*argv));
			INVARIANT(mod_options_parse(
				      2 * argc, (const char *const *)argv,
				      &again, err, sizeof(err)) == -1);
		}
	} else {
		INVARIANT(err[0] != '\0');
		/* A tiny error buffer is still terminated, never overrun. */
		INVARIANT(mod_options_parse(argc, (const char *const *)argv,
					      &again, err2,
					      sizeof(err2)) == -1);
		INVARIANT(memchr(err2, '\0', sizeof(err2)) != NULL);
	}
	free(copy);
	return 0;
}
