/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-admin import store DIR: move a host's file store into the
 * configured store (the directory, SPEC §7) when the host joins the
 * fleet. Every record keeps what makes it safe to move: the replay guard,
 * which backup codes are burnt, failures and lock. Each record is read
 * under its lock, so a login on this host cannot change it half-way.
 *
 * All or nothing as far as can be told beforehand: every record must
 * load, and (without --force) none may exist in the target yet, before
 * the first one is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/store.h"
#include "twofa/user.h"

#include "cli.h"
#include "commands.h"

struct names {
	char (*v)[TWOFA_USER_MAX + 1];
	size_t n, cap;
};

static int collect(const char *user, void *arg)
{
	struct names *s = arg;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		void *nv = realloc(s->v, cap * sizeof(*s->v));

		if (nv == NULL)
			return TWOFA_ERR_NOMEM;
		s->v = nv;
		s->cap = cap;
	}
	snprintf(s->v[s->n++], sizeof(s->v[0]), "%s", user);
	return 0;
}

/* Load every source record (and release it): can they all be moved? */
static int check_all(const struct cli *cli, struct twofa_store *src,
		     struct twofa_store *dst, const struct names *s,
		     bool force, const char *dir)
{
	struct twofa_error why;
	size_t i;
	int err;

	for (i = 0; i < s->n; i++) {
		struct twofa_loaded *l = NULL;

		memset(&why, 0, sizeof(why));
		err = twofa_store_load(src, s->v[i], &l, &why);
		twofa_store_release(l);
		if (err == TWOFA_OK) {
			err = twofa_store_exists(dst, s->v[i], &why);
			if (err == TWOFA_OK && !force)
				err = TWOFA_ERR_EXISTS;
			else if (err == TWOFA_OK || err == TWOFA_ERR_NO_RECORD)
				err = TWOFA_OK;
		}
		if (err != TWOFA_OK) {
			int ret = cli_store_fail(cli, err, s->v[i], &why);

			cli_error("%s: nothing imported", dir);
			return ret;
		}
	}
	return 0;
}

int import_store(struct cli *cli, const char *dir, bool force)
{
	struct twofa_conf sconf;
	struct twofa_store *src = NULL, *dst = NULL;
	struct twofa_error why;
	struct names s = {NULL, 0, 0};
	size_t i, done = 0;
	int err, ret;

	memset(&why, 0, sizeof(why));
	/* The source is read with this host's settings (its record key). */
	sconf = *cli->conf;
	if (twofa_conf_set_store(&sconf, dir) != TWOFA_OK ||
	    sconf.store_kind != TWOFA_STORE_FILE)
		return cli_usage_error(cli, "import store needs an absolute "
					    "directory, not '%s'", dir);
	if (cli->conf->store_kind == TWOFA_STORE_FILE &&
	    strcmp(cli->conf->store_dir, sconf.store_dir) == 0)
		return cli_usage_error(cli, "%s is the configured store itself",
				       dir);
	err = twofa_store_open(&sconf, 0, &src, &why);
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, NULL, &why);
		goto out;
	}
	if ((ret = cli_open_store(cli, true, &dst)) != 0)
		goto out;
	err = twofa_store_list(src, collect, &s, &why);
	if (err != TWOFA_OK) {
		ret = cli_store_fail(cli, err, NULL, &why);
		goto out;
	}
	if ((ret = check_all(cli, src, dst, &s, force, dir)) != 0)
		goto out;
	for (i = 0; i < s.n; i++) {
		struct twofa_loaded *l = NULL;

		/* Held locked while it is written to the target. */
		err = twofa_store_load(src, s.v[i], &l, &why);
		if (err == TWOFA_OK)
			err = twofa_store_create(dst, s.v[i], &l->rec, force,
						 &why);
		twofa_store_release(l);
		if (err != TWOFA_OK) {
			ret = cli_store_fail(cli, err, s.v[i], &why);
			cli_error("%s: %zu of %zu users imported before %s", dir,
				  done, s.n, s.v[i]);
			goto out;
		}
		done++;
		printf("Imported %s\n", s.v[i]);
	}
	printf("%zu user%s imported from %s into %s\n", done,
	       done == 1 ? "" : "s", dir, twofa_store_where(dst));
	ret = EXIT_DONE;
out:
	free(s.v);
	twofa_store_close(src);
	twofa_store_close(dst);
	return ret;
}
