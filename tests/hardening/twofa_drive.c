/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small driver over the core library for the hardening tests, so that a
 * test can crash, trace or race one store operation in its own process:
 *
 *   twofa_drive STORE USER auth CODE NOW      exit 0 accepted, 1 rejected,
 *                                             2 locked, 3 error
 *   twofa_drive STORE USER auth-wait CODE NOW as auth, but opens the store
 *                                             first and waits for a line on
 *                                             stdin (to swap things)
 *   twofa_drive STORE USER rewrite WINDOW     enrollment change in place
 *   twofa_drive STORE USER create B32 TYPE [--force] [BACKUP...]
 *   twofa_drive STORE USER dump               the parsed record, one line
 *
 * The store is opened with the caller's uid as owner (root in the tests).
 * The decision line goes to stdout only after the core returned, like a
 * PAM answer: a test that sees "accepted" knows the login was answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/base32.h"
#include "twofa/err.h"
#include "twofa/parse.h"
#include "twofa/record.h"
#include "twofa/store.h"
#include "store/file/fstore.h"

static int usage(void)
{
	fprintf(stderr, "usage: twofa_drive STORE USER auth|auth-wait|"
			"rewrite|create|dump ...\n");
	return 64;
}

static int error(int ret, const struct twofa_error *why)
{
	printf("error %s: %s: %s\n", twofa_strerror(ret),
	       why->what ? why->what : "-", why->path);
	return 3;
}

static int do_auth(struct twofa_store *st, const char *user, int argc,
		   char **argv, int wait)
{
	struct twofa_policy pol;
	struct twofa_outcome out;
	struct twofa_error why;
	uint64_t now;
	char line[16];
	int ret;

	if (argc != 2 ||
	    twofa_parse_u64(argv[1], strlen(argv[1]), UINT64_MAX, &now) != 0)
		return usage();
	if (wait) {
		printf("ready\n");
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL)
			return 3;
	}
	twofa_policy_default(&pol);
	memset(&why, 0, sizeof(why));
	ret = twofa_authenticate(st, user, argv[0], now, &pol, &out, &why);
	if (ret != TWOFA_OK)
		return error(ret, &why);
	switch (out.verdict) {
	case TWOFA_VERDICT_ACCEPTED:
		printf("accepted %s %u\n", twofa_method_name(out.method),
		       out.backup_left);
		return 0;
	case TWOFA_VERDICT_LOCKED:
		printf("locked\n");
		return 2;
	default:
		printf("rejected %u\n", out.failures);
		return 1;
	}
}

static int do_rewrite(struct twofa_fstore *st, const char *user, int argc,
		      char **argv)
{
	struct twofa_handle *h = NULL;
	struct twofa_error why;
	uint64_t window;
	int ret;

	if (argc != 1 || twofa_parse_u64(argv[0], strlen(argv[0]),
					 TWOFA_WINDOW_MAX, &window) != 0)
		return usage();
	memset(&why, 0, sizeof(why));
	ret = twofa_handle_open(st, user, TWOFA_LOCK_TIMEOUT_MS, &h, &why);
	if (ret == TWOFA_OK) {
		h->rec.window = (unsigned)window;
		ret = twofa_handle_rewrite(h, &why);
	}
	twofa_handle_close(h);
	if (ret != TWOFA_OK)
		return error(ret, &why);
	printf("rewritten\n");
	return 0;
}

static int do_create(struct twofa_store *st, const char *user, int argc,
		     char **argv)
{
	struct twofa_record rec;
	struct twofa_error why;
	bool force = false;
	int i, ret, type;

	if (argc < 2)
		return usage();
	type = strcmp(argv[1], "hotp") == 0 ? TWOFA_HOTP : TWOFA_TOTP;
	twofa_record_init(&rec, (enum twofa_otp_type)type, 1700000000);
	if (twofa_base32_decode(argv[0], rec.secret, sizeof(rec.secret),
				&rec.secret_len) != 0)
		return usage();
	i = 2;
	if (i < argc && strcmp(argv[i], "--force") == 0) {
		force = true;
		i++;
	}
	if (i < argc && twofa_backup_set(&rec, (const char *const *)argv + i,
					 (unsigned)(argc - i)) != 0)
		return usage();
	memset(&why, 0, sizeof(why));
	ret = twofa_store_create(st, user, &rec, force, &why);
	twofa_record_wipe(&rec);
	if (ret != TWOFA_OK)
		return error(ret, &why);
	printf("created\n");
	return 0;
}

static int do_dump(struct twofa_fstore *st, const char *user)
{
	struct twofa_handle *h = NULL;
	struct twofa_error why;
	const struct twofa_state *s;
	int ret;

	memset(&why, 0, sizeof(why));
	ret = twofa_handle_open(st, user, TWOFA_LOCK_TIMEOUT_MS, &h, &why);
	if (ret != TWOFA_OK)
		return error(ret, &why);
	s = &h->rec.state;
	printf("type=%s backups=%u seq=%llu next=%llu failures=%u "
	       "locked_until=%llu backup_used=%llx window=%u slot=%u\n",
	       twofa_otp_type_name(h->rec.type), h->rec.backup_count,
	       (unsigned long long)s->seq, (unsigned long long)s->next,
	       (unsigned)s->failures, (unsigned long long)s->locked_until,
	       (unsigned long long)s->backup_used, h->rec.window, h->cur_slot);
	twofa_handle_close(h);
	return 0;
}

int main(int argc, char **argv)
{
	struct twofa_store *st = NULL;
	struct twofa_fstore *fs = NULL;
	struct twofa_conf conf;
	struct twofa_error why;
	const char *op;
	int ret;

	if (argc < 4)
		return usage();
	op = argv[3];
	memset(&why, 0, sizeof(why));
	/*
	 * Logins and enrollment through the store interface, as the module
	 * and twofa-admin do; rewrite and dump reach into the file backend,
	 * whose slots these tests watch.
	 */
	twofa_conf_init(&conf);
	if (twofa_conf_set_store(&conf, argv[1]) != TWOFA_OK)
		return usage();
	conf.owner = getuid();
	if (strcmp(op, "rewrite") == 0 || strcmp(op, "dump") == 0)
		ret = twofa_fstore_open(argv[1], getuid(), &fs, &why);
	else
		ret = twofa_store_open(&conf, 0, &st, &why);
	if (ret != TWOFA_OK)
		return error(ret, &why);
	if (strcmp(op, "auth") == 0)
		ret = do_auth(st, argv[2], argc - 4, argv + 4, 0);
	else if (strcmp(op, "auth-wait") == 0)
		ret = do_auth(st, argv[2], argc - 4, argv + 4, 1);
	else if (strcmp(op, "rewrite") == 0)
		ret = do_rewrite(fs, argv[2], argc - 4, argv + 4);
	else if (strcmp(op, "create") == 0)
		ret = do_create(st, argv[2], argc - 4, argv + 4);
	else if (strcmp(op, "dump") == 0)
		ret = do_dump(fs, argv[2]);
	else
		ret = usage();
	twofa_store_close(st);
	twofa_fstore_close(fs);
	fflush(stdout);
	return ret;
}
