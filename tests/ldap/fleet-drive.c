/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fleet-drive: the directory store through the core's store interface and
 * login loop, for the fleet tests (test tooling, not installed).
 *
 *   fleet-drive [--uri U] [--base B] [--binddn D] [--pwfile F]
 *               [--cacert C] [--timeout S] COMMAND ARGS
 *   commands:  create USER SECRETHEX [hotp] [BACKUPCODE...]
 *              dump USER        (key=value lines, as twofa-testrec dump)
 *              auth USER CODE NOW
 *              exists USER | remove USER | list
 *
 * auth runs twofa_authenticate() with the default policy, exactly the
 * loop the module runs, and prints "verdict=accepted|rejected|locked
 * method=... failures=N". Exit 0 done, 1 store error (the reason and
 * the TWOFA_ERR_ name on stderr and as "error=N" on stdout), 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/conf.h"
#include "twofa/err.h"
#include "twofa/parse.h"
#include "twofa/record.h"
#include "twofa/store.h"

#include "../tools/state_dump.h"

static int die(const char *what, int err, const struct twofa_error *w)
{
	printf("error=%d\n", err);
	fprintf(stderr, "fleet-drive: %s: %s", what, twofa_strerror(err));
	if (w != NULL && w->what != NULL)
		fprintf(stderr, " (%s: %s)", w->what, w->path);
	fprintf(stderr, "\n");
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "fleet-drive: see the comment in fleet-drive.c\n");
	return 2;
}

static int create(struct twofa_store *st, int argc, char **argv)
{
	struct twofa_error why;
	struct twofa_record rec;
	const char *codes[TWOFA_BACKUP_MAX];
	unsigned n = 0;
	size_t hl;
	int a = 2, r;

	memset(&why, 0, sizeof(why));
	if (argc < 2)
		return usage();
	hl = strlen(argv[1]);
	twofa_record_init(&rec,
			  argc > 2 && strcmp(argv[2], "hotp") == 0 ? TWOFA_HOTP
								   : TWOFA_TOTP,
			  (uint64_t)time(NULL));
	if (rec.type == TWOFA_HOTP)
		a++;
	if (hl % 2 || hl / 2 > TWOFA_SECRET_MAX ||
	    twofa_parse_hex(argv[1], hl, rec.secret, hl / 2) < 0)
		return die("secret", TWOFA_ERR_INVALID, NULL);
	rec.secret_len = hl / 2;
	for (; a < argc && n < TWOFA_BACKUP_MAX; a++)
		codes[n++] = argv[a];
	if (n > 0 && (r = twofa_backup_set(&rec, codes, n)) < 0)
		return die("backup codes", r, NULL);
	r = twofa_store_create(st, argv[0], &rec, false, &why);
	twofa_record_wipe(&rec);
	return r < 0 ? die("create", r, &why) : 0;
}

static int dump(struct twofa_store *st, const char *user)
{
	struct twofa_error why;
	struct twofa_loaded *h = NULL;
	int r;

	memset(&why, 0, sizeof(why));
	if ((r = twofa_store_load(st, user, &h, &why)) < 0)
		return die("load", r, &why);
	test_state_dump(&h->rec, true);
	twofa_store_release(h);
	return 0;
}

static int auth(struct twofa_store *st, char **argv)
{
	static const char *const verdicts[] = {"accepted", "rejected",
					       "locked"};
	struct twofa_policy pol;
	struct twofa_outcome out;
	struct twofa_error why;
	uint64_t now;
	int r;

	memset(&why, 0, sizeof(why));
	if (twofa_parse_u64(argv[2], strlen(argv[2]), UINT64_MAX, &now) < 0)
		return usage();
	twofa_policy_default(&pol);
	r = twofa_authenticate(st, argv[0], argv[1], now, &pol, &out, &why);
	if (r < 0)
		return die("auth", r, &why);
	printf("verdict=%s method=%s failures=%u backup_left=%u\n",
	       verdicts[out.verdict], twofa_method_name(out.method),
	       out.failures, out.backup_left);
	return 0;
}

static int print_user(const char *user, void *arg)
{
	(void)arg;
	printf("%s\n", user);
	return 0;
}

int main(int argc, char **argv)
{
	struct twofa_conf conf;
	struct twofa_error why;
	struct twofa_store *st = NULL;
	struct twofa_loaded *l = NULL;
	const char *cmd;
	int a, r;

	memset(&why, 0, sizeof(why));
	twofa_conf_init(&conf);
	conf.store_kind = TWOFA_STORE_LDAP;
	for (a = 1; a + 1 < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
		const char *k = argv[a] + 2, *v = argv[a + 1];
		char *dst = NULL;
		size_t size = 0;

		if (strcmp(k, "uri") == 0)
			dst = conf.ldap_uri, size = sizeof(conf.ldap_uri);
		else if (strcmp(k, "base") == 0)
			dst = conf.ldap_base, size = sizeof(conf.ldap_base);
		else if (strcmp(k, "binddn") == 0)
			dst = conf.ldap_binddn, size = sizeof(conf.ldap_binddn);
		else if (strcmp(k, "pwfile") == 0)
			dst = conf.ldap_bindpw_file,
			size = sizeof(conf.ldap_bindpw_file);
		else if (strcmp(k, "cacert") == 0)
			dst = conf.ldap_tls_cacert,
			size = sizeof(conf.ldap_tls_cacert);
		else if (strcmp(k, "timeout") == 0)
			conf.ldap_timeout = (unsigned)atoi(v);
		else
			return usage();
		if (dst != NULL)
			snprintf(dst, size, "%s", v);
	}
	if (a >= argc)
		return usage();
	cmd = argv[a++];
	r = twofa_store_open(&conf, 0, &st, &why);
	if (r < 0)
		return die("open", r, &why);
	if (strcmp(cmd, "create") == 0)
		r = create(st, argc - a, argv + a);
	else if (strcmp(cmd, "dump") == 0 && a < argc)
		r = dump(st, argv[a]);
	else if (strcmp(cmd, "auth") == 0 && a + 2 < argc)
		r = auth(st, argv + a);
	else if (strcmp(cmd, "exists") == 0 && a < argc)
		r = (r = twofa_store_exists(st, argv[a], &why)) < 0
			? die("exists", r, &why)
			: 0;
	else if (strcmp(cmd, "list") == 0)
		r = (r = twofa_store_list(st, print_user, NULL, &why)) < 0
			? die("list", r, &why)
			: 0;
	else if (strcmp(cmd, "remove") == 0 && a < argc) {
		if ((r = twofa_store_load(st, argv[a], &l, &why)) == 0)
			r = twofa_store_remove(l, &why);
		twofa_store_release(l);
		r = r < 0 ? die("remove", r, &why) : 0;
	} else
		r = usage();
	twofa_store_close(st);
	return r;
}
