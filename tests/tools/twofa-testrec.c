/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-testrec: write and inspect enrollment records for tests, over the
 * core library (the admin tool is a separate piece under test).
 *
 *   twofa-testrec create STORE USER [--type totp|hotp] [--alg NAME]
 *       [--digits N] [--period S] [--window N] [--secret-hex HEX]
 *       [--next N] [--failures N] [--locked-until T] [--backup CODE]...
 *   twofa-testrec dump STORE USER
 *
 * create replaces any record (force). dump prints the parsed record's
 * state as "key=value" lines: type, digits, next, failures, locked_until,
 * last_success, backup_left, backup_used. Exit 0 on success, 1 on an
 * error (the reason on stderr). Test tooling only; not installed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "twofa/backup.h"
#include "twofa/conf.h"
#include "twofa/err.h"
#include "twofa/parse.h"
#include "twofa/record.h"
#include "twofa/store.h"

#include "state_dump.h"

static int die(const char *what, int err, const struct twofa_error *w)
{
	fprintf(stderr, "twofa-testrec: %s: %s", what, twofa_strerror(err));
	if (w != NULL && w->what != NULL)
		fprintf(stderr, " (%s: %s)", w->what, w->path);
	fprintf(stderr, "\n");
	return 1;
}

static uint64_t number(const char *s)
{
	uint64_t v;

	if (twofa_parse_u64(s, strlen(s), UINT64_MAX, &v) != 0) {
		fprintf(stderr, "twofa-testrec: bad number %s\n", s);
		exit(2);
	}
	return v;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int create(struct twofa_store *st, const char *user, int argc,
		  char **argv)
{
	struct twofa_error why;
	struct twofa_record rec;
	const char *codes[TWOFA_BACKUP_MAX];
	const char *hex = "3132333435363738393031323334353637383930";
	unsigned ncodes = 0;
	enum twofa_otp_type type = TWOFA_TOTP;
	size_t i;
	int a, r;

	memset(&why, 0, sizeof(why));
	for (a = 0; a < argc; a++)
		if (strcmp(argv[a], "--type") == 0 && a + 1 < argc &&
		    strcmp(argv[a + 1], "hotp") == 0)
			type = TWOFA_HOTP;
	twofa_record_init(&rec, type, (uint64_t)time(NULL));
	for (a = 0; a < argc; a++) {
		const char *k = argv[a], *v = a + 1 < argc ? argv[a + 1] : NULL;

		if (v == NULL) {
			fprintf(stderr, "twofa-testrec: %s needs a value\n", k);
			return 2;
		}
		a++;
		if (strcmp(k, "--type") == 0)
			continue;
		else if (strcmp(k, "--alg") == 0) {
			if (twofa_alg_parse(v, &rec.alg) != 0)
				return die("--alg", TWOFA_ERR_INVALID, NULL);
		} else if (strcmp(k, "--digits") == 0)
			rec.digits = (unsigned)number(v);
		else if (strcmp(k, "--period") == 0)
			rec.period = (unsigned)number(v);
		else if (strcmp(k, "--window") == 0)
			rec.window = (unsigned)number(v);
		else if (strcmp(k, "--secret-hex") == 0)
			hex = v;
		else if (strcmp(k, "--next") == 0)
			rec.state.next = number(v);
		else if (strcmp(k, "--failures") == 0)
			rec.state.failures = (uint32_t)number(v);
		else if (strcmp(k, "--locked-until") == 0)
			rec.state.locked_until = strcmp(v, "forever") == 0
						     ? TWOFA_LOCKED_FOREVER
						     : number(v);
		else if (strcmp(k, "--backup") == 0 &&
			 ncodes < TWOFA_BACKUP_MAX)
			codes[ncodes++] = v;
		else {
			fprintf(stderr, "twofa-testrec: unknown %s\n", k);
			return 2;
		}
	}
	if (strlen(hex) % 2 != 0 || strlen(hex) / 2 > TWOFA_SECRET_MAX)
		return die("--secret-hex", TWOFA_ERR_INVALID, NULL);
	rec.secret_len = strlen(hex) / 2;
	for (i = 0; i < rec.secret_len; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return die("--secret-hex", TWOFA_ERR_INVALID, NULL);
		rec.secret[i] = (unsigned char)(hi * 16 + lo);
	}
	if (ncodes > 0) {
		r = twofa_backup_set(&rec, codes, ncodes);
		if (r != 0)
			return die("backup codes", r, NULL);
	}
	r = twofa_store_create(st, user, &rec, true, &why);
	twofa_record_wipe(&rec);
	if (r != 0)
		return die("create", r, &why);
	return 0;
}

static int dump(struct twofa_store *st, const char *user)
{
	struct twofa_error why;
	struct twofa_loaded *h = NULL;
	int r;

	memset(&why, 0, sizeof(why));
	r = twofa_store_load(st, user, &h, &why);
	if (r != 0)
		return die("open", r, &why);
	test_state_dump(&h->rec, false);
	twofa_store_release(h);
	return 0;
}

int main(int argc, char **argv)
{
	struct twofa_conf conf;
	struct twofa_error why;
	struct twofa_store *st = NULL;
	int r;

	memset(&why, 0, sizeof(why));
	if (argc < 4 ||
	    (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "dump") != 0)) {
		fprintf(stderr, "usage: twofa-testrec create|dump STORE USER "
				"[OPTIONS]\n");
		return 2;
	}
	twofa_conf_init(&conf);
	if (twofa_conf_set_store(&conf, argv[2]) != 0)
		return die("store", TWOFA_ERR_INVALID, NULL);
	r = twofa_store_open(&conf, 0, &st, &why);
	if (r != 0)
		return die("store", r, &why);
	if (strcmp(argv[1], "create") == 0)
		r = create(st, argv[3], argc - 4, argv + 4);
	else
		r = dump(st, argv[3]);
	twofa_store_close(st);
	return r;
}
