/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sealing at rest (SPEC §8): keygen --records [--rotate | --retire KID]
 * for the record key file, and rekey, which moves every record to the
 * current key. The key file and the sealing live in the core
 * (lib/seal/); this file reads options, walks the store and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd_seal.h"
#include "commands.h"
#include "twofa/conf.h"
#include "twofa/err.h"
#include "twofa/seal.h"
#include "twofa/store.h"

#define LOSS_WARNING                                                           \
	"Back this file up apart from the store (%s): whoever has both can "   \
	"read every secret, and losing it loses every sealed enrollment.\n"

/* The record key file: record_key in twofa.conf, else the default. */
static const char *key_path(const struct cli *cli)
{
	return cli->conf->record_key;
}

static int key_fail(const struct cli *cli, int err,
		    const struct twofa_error *why)
{
	if (why->what != NULL && why->sys_errno != 0)
		cli_error("%s: %s: %s", why->path, why->what,
			  strerror(why->sys_errno));
	else if (why->what != NULL)
		cli_error("%s: %s", why->path, why->what);
	else
		cli_error("%s: %s", key_path(cli), twofa_strerror(err));
	return cli_exit_for(err);
}

struct retire_ctx {
	struct cli *cli;
	struct twofa_store *st;
	const char *kid;
	unsigned used;
	int err;
};

/* Count records sealed with ctx->kid; a record that cannot be read stops. */
static int count_sealed(const char *user, void *arg)
{
	struct retire_ctx *ctx = arg;
	struct twofa_loaded *h = NULL;
	struct twofa_error why;
	int err;

	memset(&why, 0, sizeof(why));
	err = twofa_store_load(ctx->st, user, &h, &why);
	if (err != TWOFA_OK) {
		/* It might be sealed with this key: do not guess. */
		cli_store_fail(ctx->cli, err, user, &why);
		ctx->err = err;
		return 1;
	}
	if (h->rec.sealed.on && strcmp(h->rec.sealed.kid, ctx->kid) == 0) {
		if (ctx->used == 0)
			cli_error("%s is sealed with key %s", user, ctx->kid);
		ctx->used++;
	}
	twofa_store_release(h);
	return 0;
}

/* in_use for twofa_keyfile_retire: 0 unused, 1 used, <0 cannot tell. */
static int key_in_use(const char *kid, void *arg)
{
	struct retire_ctx *ctx = arg;
	struct twofa_error why;
	int err;

	memset(&why, 0, sizeof(why));
	ctx->kid = kid;
	err = twofa_store_list(ctx->st, count_sealed, ctx, &why);
	if (ctx->err != 0)
		return ctx->err;
	if (err != TWOFA_OK) {
		cli_store_fail(ctx->cli, err, NULL, &why);
		ctx->err = err;
		return err;
	}
	return ctx->used > 0;
}

static int retire(struct cli *cli, const char *kid)
{
	struct retire_ctx ctx;
	struct twofa_error why;
	int err, ret;

	memset(&ctx, 0, sizeof(ctx));
	memset(&why, 0, sizeof(why));
	ctx.cli = cli;
	ret = cli_open_store(cli, false, &ctx.st);
	if (ret != 0)
		return ret;
	/* Only the key ids are looked at, never a secret. */
	twofa_store_sealer(ctx.st)->inspect = true;
	err =
	    twofa_keyfile_retire(key_path(cli), 0, kid, key_in_use, &ctx, &why);
	twofa_store_close(ctx.st);
	if (ctx.err != 0)
		return EXIT_SYSTEM; /* reported: a record could not be read */
	if (err == TWOFA_ERR_EXISTS && ctx.used > 0) {
		cli_error("%s: key %s still seals %u record%s; run twofa-admin "
			  "rekey first",
			  key_path(cli), kid, ctx.used,
			  ctx.used == 1 ? "" : "s");
		return EXIT_REFUSED;
	}
	if (err != TWOFA_OK)
		return key_fail(cli, err, &why);
	printf("removed key %s from %s\n", kid, key_path(cli));
	return EXIT_DONE;
}

int keygen_records(struct cli *cli, bool rotate, const char *retire_kid)
{
	char kid[TWOFA_SEAL_KID_LEN + 1];
	struct twofa_error why;
	int err;

	memset(&why, 0, sizeof(why));
	if (retire_kid != NULL)
		return retire(cli, retire_kid);
	if (rotate)
		err = twofa_keyfile_rotate(key_path(cli), 0, kid, &why);
	else
		err = twofa_keyfile_create(key_path(cli), 0, kid, &why);
	if (err == TWOFA_ERR_EXISTS && !rotate) {
		cli_error("%s exists and is never overwritten; --rotate adds a "
			  "new current key to it",
			  key_path(cli));
		return EXIT_REFUSED;
	}
	if (err != TWOFA_OK) {
		if (rotate && err == TWOFA_ERR_KEY && why.sys_errno != 0)
			cli_error("%s: no record key file (create one with "
				  "twofa-admin keygen --records)",
				  key_path(cli));
		else
			return key_fail(cli, err, &why);
		return cli_exit_for(err);
	}
	if (rotate)
		printf("added key %s to %s; it is now current (twofa-admin "
		       "rekey moves records to it)\n",
		       kid, key_path(cli));
	else
		printf("wrote %s (key %s); new records are sealed with it, "
		       "twofa-admin rekey seals existing ones\n",
		       key_path(cli), kid);
	printf(LOSS_WARNING, cli->store_path);
	return EXIT_DONE;
}

struct rekey_ctx {
	struct cli *cli;
	struct twofa_store *st;
	const char *kid; /* the current key */
	unsigned moved, current;
	int ret;
};

/* Re-seal one record under its lock; report and go on after a failure. */
static int rekey_user(const char *user, void *arg)
{
	struct rekey_ctx *ctx = arg;
	struct twofa_loaded *h = NULL;
	struct twofa_error why;
	char was[TWOFA_SEAL_KID_LEN + 1];
	int err, ret;

	memset(&why, 0, sizeof(why));
	err = twofa_store_load(ctx->st, user, &h, &why);
	if (err != TWOFA_OK)
		goto fail;
	/* Already current; or an invitation, which holds no secret yet. */
	if (h->rec.pending ||
	    (h->rec.sealed.on && strcmp(h->rec.sealed.kid, ctx->kid) == 0)) {
		ctx->current += !h->rec.pending;
		goto out;
	}
	snprintf(was, sizeof(was), "%s",
		 h->rec.sealed.on ? h->rec.sealed.kid : "");
	/* replace seals with the current key (file: new file, fsync, rename).
	 */
	err = twofa_store_replace(h, &h->rec, &why);
	if (err != TWOFA_OK)
		goto fail;
	printf("%s: sealed with %s (was %s)\n", user, ctx->kid,
	       was[0] != '\0' ? was : "plain");
	ctx->moved++;
	goto out;
fail:
	ret = cli_store_fail(ctx->cli, err, user, &why);
	if (ret > ctx->ret)
		ctx->ret = ret;
out:
	twofa_store_release(h);
	return 0;
}

static const struct option help_only[] = {
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int run_rekey(struct cli *cli, int argc, char **argv)
{
	const struct twofa_keyring *kr = NULL;
	struct rekey_ctx ctx;
	struct twofa_error why;
	int c, err, ret;

	memset(&ctx, 0, sizeof(ctx));
	memset(&why, 0, sizeof(why));
	while ((c = command_getopt(cli, argc, argv, "h", help_only)) != -1)
		return c == 'h' ? EXIT_DONE : EXIT_USAGE;
	if (optind != argc)
		return cli_usage_error(cli, "too many arguments");
	ret = cli_open_store(cli, false, &ctx.st);
	if (ret != 0)
		return ret;
	/* The key the store seals with: the one records are moved to. */
	err = twofa_sealer_keyring(twofa_store_sealer(ctx.st), &kr, &why);
	if (err != TWOFA_OK || kr == NULL) {
		if (err != TWOFA_OK)
			ret = key_fail(cli, err, &why);
		else
			cli_error("%s: no record key file (create one with "
				  "twofa-admin keygen --records)",
				  twofa_store_sealer(ctx.st)->path);
		twofa_store_close(ctx.st);
		return err != TWOFA_OK ? ret : EXIT_SYSTEM;
	}
	ctx.cli = cli;
	ctx.kid = kr->keys[0].kid;
	err = twofa_store_list(ctx.st, rekey_user, &ctx, &why);
	ret = ctx.ret;
	if (err != TWOFA_OK)
		ret = cli_store_fail(cli, err, NULL, &why);
	printf("%u record%s re-sealed with %s, %u already sealed with it\n",
	       ctx.moved, ctx.moved == 1 ? "" : "s", ctx.kid, ctx.current);
	twofa_store_close(ctx.st);
	return ret;
}

const struct command command_rekey = {
    "rekey",
    run_rekey,
    "",
    "Seal every record with the current record key (the first key of\n"
    "/etc/twofa/record.key, or record_key in twofa.conf): plain records\n"
    "are sealed, records sealed with an older key are sealed again.\n"
    "Each record is rewritten under its lock as a new file that is\n"
    "synced and renamed into place, so logins may go on meanwhile and a\n"
    "crash leaves every record old or new. A record that cannot be\n"
    "read or opened is reported (exit status 3) and the others are\n"
    "still done. After it, twofa-admin keygen --records --retire KID\n"
    "removes an old key.\n",
};
