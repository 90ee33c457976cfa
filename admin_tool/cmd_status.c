/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-admin status: who is enrolled and how each record stands. Never
 * shows a code, a secret or a hash.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "show.h"
#include "twofa/err.h"
#include "twofa/seal.h"
#include "twofa/store.h"

enum { OPT_JSON = 256 };

static const struct option status_longopts[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct status_ctx {
	struct cli *cli;
	struct twofa_store *st;
	bool json;
	bool table; /* every user: one line each */
	unsigned shown;
	int ret; /* worst exit status so far */
	uint64_t now;
};

static bool locked_now(const struct twofa_state *s, uint64_t now)
{
	return s->locked_until == TWOFA_LOCKED_FOREVER ||
	       (s->locked_until != 0 && now < s->locked_until);
}

/* The lock as JSON fields: "locked_until" (Unix time or null) and
 * "locked_until_unlock", the same for enrolled and pending users. */
static void print_lock_json(const struct twofa_state *s, bool locked)
{
	bool forever = locked && s->locked_until == TWOFA_LOCKED_FOREVER;

	if (locked && !forever)
		printf(",\"locked_until\":%llu",
		       (unsigned long long)s->locked_until);
	else
		fputs(",\"locked_until\":null", stdout);
	printf(",\"locked_until_unlock\":%s", forever ? "true" : "false");
}

static void print_lock_text(const struct twofa_state *s, uint64_t now)
{
	char when[64];

	if (!locked_now(s, now)) {
		printf("  locked:        no\n");
	} else if (s->locked_until == TWOFA_LOCKED_FOREVER) {
		printf("  locked:        until twofa-admin unlock\n");
	} else {
		cli_format_time(s->locked_until, when, sizeof(when));
		printf("  locked:        until %s\n", when);
	}
}

/* A pending enrollment (twofa-admin invite): when it runs out, failures. */
static void print_pending_json(const char *user,
			       const struct twofa_record *rec, uint64_t now)
{
	const struct twofa_state *s = &rec->state;
	bool locked = locked_now(s, now);

	fputs("{\"user\":", stdout);
	show_json_string(user);
	printf(",\"pending\":true,\"expires\":%llu,\"expired\":%s,"
	       "\"failures\":%u,\"locked\":%s",
	       (unsigned long long)rec->ticket.expires,
	       now >= rec->ticket.expires ? "true" : "false",
	       (unsigned)s->failures, locked ? "true" : "false");
	print_lock_json(s, locked);
	printf(",\"created\":%llu}", (unsigned long long)rec->created);
}

static void print_pending_text(const char *user,
			       const struct twofa_record *rec, uint64_t now)
{
	const struct twofa_state *s = &rec->state;
	char when[64];

	printf("%s\n", user);
	cli_format_time(rec->ticket.expires, when, sizeof(when));
	printf("  pending:       invited, not enrolled yet; the ticket %s %s\n",
	       now >= rec->ticket.expires ? "expired" : "expires", when);
	printf("  failures:      %u\n", (unsigned)s->failures);
	print_lock_text(s, now);
	cli_format_time(rec->created, when, sizeof(when));
	printf("  invited:       %s\n", when);
}

static void print_json(const char *user, const struct twofa_record *rec,
		       uint64_t now)
{
	const struct twofa_state *s = &rec->state;
	bool locked = locked_now(s, now);

	fputs("{\"user\":", stdout);
	show_json_string(user);
	printf(",\"pending\":false,\"type\":\"%s\",\"algorithm\":\"%s\",\"digits\":%u",
	       twofa_otp_type_name(rec->type), twofa_alg_name(rec->alg),
	       rec->digits);
	if (rec->type == TWOFA_TOTP)
		printf(",\"period\":%u", rec->period);
	else
		printf(",\"counter\":%llu", (unsigned long long)s->next);
	printf(",\"window\":%u,\"backup_codes_left\":%u,"
	       "\"backup_codes_total\":%u,\"failures\":%u,\"locked\":%s",
	       rec->window, twofa_record_backup_left(rec), rec->backup_count,
	       (unsigned)s->failures, locked ? "true" : "false");
	print_lock_json(s, locked);
	if (s->last_success != 0)
		printf(",\"last_success\":%llu",
		       (unsigned long long)s->last_success);
	else
		fputs(",\"last_success\":null", stdout);
	printf(",\"created\":%llu,\"sealed_with\":",
	       (unsigned long long)rec->created);
	if (rec->sealed.on)
		show_json_string(rec->sealed.kid);
	else
		fputs("null", stdout);
	putchar('}');
}

static void print_text(const char *user, const struct twofa_record *rec,
		       uint64_t now)
{
	const struct twofa_state *s = &rec->state;
	char when[64];

	printf("%s\n", user);
	printf("  type:          %s, %s, %u digits",
	       twofa_otp_type_name(rec->type), twofa_alg_name(rec->alg),
	       rec->digits);
	if (rec->type == TWOFA_TOTP)
		printf(", %u s period, window %u\n", rec->period, rec->window);
	else
		printf(", next counter %llu, look-ahead %u\n",
		       (unsigned long long)s->next, rec->window);
	printf("  backup codes:  %u of %u left\n",
	       twofa_record_backup_left(rec), rec->backup_count);
	printf("  failures:      %u\n", (unsigned)s->failures);
	print_lock_text(s, now);
	if (s->last_success == 0) {
		printf("  last success:  never\n");
	} else {
		cli_format_time(s->last_success, when, sizeof(when));
		printf("  last success:  %s\n", when);
	}
	cli_format_time(rec->created, when, sizeof(when));
	printf("  enrolled:      %s\n", when);
	if (rec->sealed.on)
		printf("  sealed with:   %s\n", rec->sealed.kid);
	else
		printf("  sealed with:   - (secret stored plain)\n");
}

/* The table's header: what status prints for every user, one line each. */
#define ROW_FORMAT "%-16s %-7s %-6s %6s %7s %8s  %-24s %s\n"

static void print_row_header(void)
{
	printf(ROW_FORMAT, "USER", "TYPE", "ALG", "DIGITS", "BACKUP",
	       "FAILURES", "LOCKED", "LAST SUCCESS");
}

static void lock_cell(const struct twofa_state *s, uint64_t now, char *buf,
		      size_t size)
{
	char when[64];

	if (!locked_now(s, now)) {
		snprintf(buf, size, "no");
	} else if (s->locked_until == TWOFA_LOCKED_FOREVER) {
		snprintf(buf, size, "until unlock");
	} else {
		cli_format_time(s->locked_until, when, sizeof(when));
		snprintf(buf, size, "%s", when);
	}
}

/* One line of the table; a pending user shows when the ticket expires. */
static void print_row(const char *user, const struct twofa_record *rec,
		      uint64_t now)
{
	const struct twofa_state *s = &rec->state;
	char digits[16], backup[32], failures[16], locked[64], last[128];

	snprintf(failures, sizeof(failures), "%u", (unsigned)s->failures);
	lock_cell(s, now, locked, sizeof(locked));
	if (rec->pending) {
		char when[64];

		cli_format_time(rec->ticket.expires, when, sizeof(when));
		snprintf(last, sizeof(last), "invited; ticket %s %s",
			 now >= rec->ticket.expires ? "expired" : "expires",
			 when);
		printf(ROW_FORMAT, user, "pending", "-", "-", "-", failures,
		       locked, last);
		return;
	}
	snprintf(digits, sizeof(digits), "%u", rec->digits);
	snprintf(backup, sizeof(backup), "%u/%u",
		 twofa_record_backup_left(rec), rec->backup_count);
	if (s->last_success == 0)
		snprintf(last, sizeof(last), "never");
	else
		cli_format_time(s->last_success, last, sizeof(last));
	printf(ROW_FORMAT, user, twofa_otp_type_name(rec->type),
	       twofa_alg_name(rec->alg), digits, backup, failures, locked,
	       last);
}

/*
 * A record sealed with a key the key file does not have (or with an
 * unusable key file) refuses every login of its user: say so, exit 3.
 */
static void check_key(struct status_ctx *ctx, const char *user,
		      const char *kid)
{
	const struct twofa_keyring *kr = NULL;
	struct twofa_error why;
	int err;

	memset(&why, 0, sizeof(why));
	err = twofa_sealer_keyring(twofa_store_sealer(ctx->st), &kr, &why);
	if (err != TWOFA_OK)
		cli_error("warning: %s is sealed, and %s: %s", user,
			  why.path[0] ? why.path : twofa_store_sealer(ctx->st)->path,
			  why.what ? why.what : twofa_strerror(err));
	else if (kr == NULL)
		cli_error("warning: %s is sealed with key %s, and there is no "
			  "record key file %s: its logins are refused",
			  user, kid, twofa_store_sealer(ctx->st)->path);
	else if (twofa_keyring_find(kr, kid) == NULL)
		cli_error("warning: %s is sealed with key %s, which is not in "
			  "%s: its logins are refused",
			  user, kid, twofa_store_sealer(ctx->st)->path);
	else
		return;
	ctx->ret = EXIT_SYSTEM;
}

/* Show one user; an unreadable record is reported and remembered. */
static int show_user(const char *user, void *arg)
{
	struct status_ctx *ctx = arg;
	struct twofa_loaded *h = NULL;
	struct twofa_error why;
	int err, ret;

	memset(&why, 0, sizeof(why));
	err = twofa_store_load(ctx->st, user, &h, &why);
	if (err != TWOFA_OK) {
		ret = cli_store_fail(ctx->cli, err, user, &why);
		if (ret > ctx->ret)
			ctx->ret = ret;
		return 0; /* go on with the others */
	}
	if (h->rec.sealed.on)
		check_key(ctx, user, h->rec.sealed.kid);
	if (ctx->json) {
		if (ctx->shown > 0)
			putchar(',');
		if (h->rec.pending)
			print_pending_json(user, &h->rec, ctx->now);
		else
			print_json(user, &h->rec, ctx->now);
	} else if (ctx->table) {
		if (ctx->shown == 0)
			print_row_header();
		print_row(user, &h->rec, ctx->now);
	} else if (h->rec.pending) {
		print_pending_text(user, &h->rec, ctx->now);
	} else {
		print_text(user, &h->rec, ctx->now);
	}
	ctx->shown++;
	twofa_store_release(h);
	return 0;
}

static int run(struct cli *cli, int argc, char **argv)
{
	struct status_ctx ctx;
	struct twofa_error why;
	const char *user = NULL;
	int c, err, ret;

	memset(&ctx, 0, sizeof(ctx));
	memset(&why, 0, sizeof(why));
	ctx.cli = cli;
	ctx.now = (uint64_t)time(NULL);
	while ((c = command_getopt(cli, argc, argv, "h", status_longopts)) !=
	       -1) {
		if (c == 'h')
			return EXIT_DONE;
		if (c != OPT_JSON)
			return EXIT_USAGE;
		ctx.json = true;
	}
	if (argc - optind > 1)
		return cli_usage_error(cli, "too many arguments");
	if (optind < argc) {
		user = argv[optind];
		ret = cli_check_user(cli, user);
		if (ret != 0)
			return ret;
	}
	/* Status shows which key seals a record; it never opens one. */
	ret = cli_open_store(cli, false, &ctx.st);
	if (ret != 0)
		return ret;
	twofa_store_sealer(ctx.st)->inspect = true;
	ctx.cli = cli;
	if (user != NULL) {
		show_user(user, &ctx);
		if (ctx.json && ctx.shown > 0)
			putchar('\n');
		ret = ctx.ret;
		goto out;
	}
	if (ctx.json) {
		fputs("{\"store\":", stdout);
		show_json_string(cli->store_path);
		fputs(",\"users\":[", stdout);
	} else {
		ctx.table = true;
	}
	err = twofa_store_list(ctx.st, show_user, &ctx, &why);
	if (ctx.json)
		fputs("]}\n", stdout);
	else if (err == TWOFA_OK && ctx.shown == 0 && ctx.ret == 0)
		printf("no users enrolled in %s\n", cli->store_path);
	ret = ctx.ret;
	if (err != TWOFA_OK)
		ret = cli_store_fail(cli, err, NULL, &why);
out:
	twofa_store_close(ctx.st);
	return ret;
}

const struct command command_status = {
    "status",
    run,
    "[USER] [--json]",
    "Without USER, every enrolled or invited user, one line each (user,\n"
    "type, algorithm, digits, backup codes left/total, failures, lock, last\n"
    "success); with USER, that one in full:\n"
    "type, algorithm, digits, period or next counter, window, backup codes\n"
    "left, failures, lock, last success, enrollment time; for a pending\n"
    "invitation (twofa-admin invite) when its ticket expires, failures and\n"
    "lock. Never a code, a ticket or a secret. A record that cannot be\n"
    "read is reported on stderr (exit status 3) and the others are still\n"
    "shown; so is a record sealed with a key that the record key file does\n"
    "not hold.\n\n"
    "  --json   one JSON object per user, the same with or without USER,\n"
    "           with the fields user, pending\n"
    "           (false), type, algorithm, digits, period (totp) or counter\n"
    "           (hotp), window, backup_codes_left, backup_codes_total,\n"
    "           failures, locked, locked_until (Unix time or null),\n"
    "           locked_until_unlock, last_success (Unix time or null),\n"
    "           created, sealed_with (the id of the record key that\n"
    "           seals the secret, or null for a plain record); a pending\n"
    "           user has user, pending (true), expires (Unix time),\n"
    "           expired, failures, locked, locked_until,\n"
    "           locked_until_unlock, created; for all\n"
    "           users wrapped as\n"
    "           {\"store\": DIR, \"users\": [...]}\n",
};
