/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sealed records: the key file's strict form, the seal's binding to the
 * user and every configuration value, the sealed record text, and the
 * key file's create / rotate / retire on disk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "twofa/seal.h"
#include "twofa/slot.h"

static void keyring(struct twofa_keyring *kr, unsigned n)
{
	memset(kr, 0, sizeof(*kr));
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(twofa_keyring_add(kr), 0);
}

static void test_keyring_round_trip(void **state)
{
	struct twofa_keyring kr, back;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;

	(void)state;
	keyring(&kr, 3);
	assert_int_equal(twofa_keyring_format(&kr, &text, &len), 0);
	assert_int_equal(twofa_keyring_parse(text, len, &back, NULL), 0);
	assert_int_equal(back.count, 3);
	assert_memory_equal(&kr, &back, sizeof(kr));
	assert_int_equal(twofa_keyring_format(&back, &text2, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
	assert_non_null(twofa_keyring_find(&kr, kr.keys[2].kid));
	assert_null(twofa_keyring_find(&kr, "0000000000000000"));
	free(text);
	free(text2);
}

/* Truncated, re-ordered, edited or duplicated: never a usable keyring. */
static void test_keyring_refused(void **state)
{
	struct twofa_keyring kr, back;
	struct twofa_parse_error why;
	char *text = NULL, *bad;
	size_t len = 0, hdr = strlen("twofa-record-key 1\n");
	size_t line = 4 + 16 + 1 + 64 + 1;

	(void)state;
	keyring(&kr, 2);
	assert_int_equal(twofa_keyring_format(&kr, &text, &len), 0);
	bad = malloc(len + line);
	/* Every truncation. */
	for (size_t n = 0; n < len; n++)
		assert_int_equal(twofa_keyring_parse(text, n, &back, &why),
				 TWOFA_ERR_KEY);
	/* The two key lines swapped: the check covers the order. */
	memcpy(bad, text, len);
	memcpy(bad + hdr, text + hdr + line, line);
	memcpy(bad + hdr + line, text + hdr, line);
	assert_int_equal(twofa_keyring_parse(bad, len, &back, &why),
			 TWOFA_ERR_KEY);
	/* Any one byte changed. */
	for (size_t i = 0; i < len; i++) {
		memcpy(bad, text, len);
		bad[i] ^= 0x01;
		assert_int_equal(twofa_keyring_parse(bad, len, &back, &why),
				 TWOFA_ERR_KEY);
	}
	/* A key line dropped (file re-checked by someone): id still checked. */
	memcpy(bad, text, len);
	bad[hdr + 4] = bad[hdr + 4] == 'a' ? 'b' : 'a';
	assert_int_equal(twofa_keyring_parse(bad, len, &back, &why),
			 TWOFA_ERR_KEY);
	free(bad);
	free(text);
}

static void sealed_record(struct twofa_record *rec,
			  const struct twofa_keyring *kr)
{
	char codes[4 * 9];

	helper_record(rec, TWOFA_TOTP);
	assert_int_equal(twofa_backup_generate(rec, 4, codes, sizeof(codes)),
			 0);
	assert_int_equal(twofa_seal_secret(rec, "alice", kr), 0);
	assert_true(rec->sealed.on);
}

static void test_seal_open(void **state)
{
	struct twofa_keyring kr;
	struct twofa_record rec, again;

	(void)state;
	keyring(&kr, 1);
	sealed_record(&rec, &kr);
	again = rec;
	twofa_wipe(again.secret, sizeof(again.secret));
	again.secret_len = 0;
	assert_int_equal(twofa_seal_open(&again, "alice", &kr), 0);
	assert_int_equal(again.secret_len, 20);
	assert_memory_equal(again.secret, "12345678901234567890", 20);
	/* A fresh nonce each time. */
	again = rec;
	assert_int_equal(twofa_seal_secret(&again, "alice", &kr), 0);
	assert_memory_not_equal(again.sealed.nonce, rec.sealed.nonce,
				TWOFA_SEAL_NONCE_LEN);
	assert_memory_not_equal(again.sealed.ct, rec.sealed.ct, 20);
}

/* Each configuration value and the user name are bound. */
static void test_seal_binding(void **state)
{
	struct twofa_keyring kr, other;
	struct twofa_record rec, r;
	int i;

	(void)state;
	keyring(&kr, 1);
	keyring(&other, 1);
	sealed_record(&rec, &kr);
	r = rec;
	assert_int_equal(twofa_seal_open(&r, "alicf", &kr), TWOFA_ERR_SEALED);
	assert_int_equal(r.secret_len, 0);
	for (i = 0; i < 11; i++) {
		r = rec;
		switch (i) {
		case 0:
			r.type = TWOFA_HOTP;
			r.period = 0;
			break;
		case 1:
			r.alg = TWOFA_ALG_SHA256;
			break;
		case 2:
			r.digits = 8;
			break;
		case 3:
			r.period = 60;
			break;
		case 4:
			r.window = 2;
			break;
		case 5:
			r.created++;
			break;
		case 6:
			r.backup_iterations++;
			break;
		case 7:
			r.backup_hash[1][0] ^= 1;
			break;
		case 8:
			r.backup_salt[3][15] ^= 1;
			break;
		case 9:
			r.backup_count = 3;
			break;
		case 10:
			r.sealed.tag[0] ^= 1;
			break;
		}
		assert_int_equal(twofa_seal_open(&r, "alice", &kr),
				 TWOFA_ERR_SEALED);
		assert_int_equal(r.secret_len, 0);
	}
	/* Another key file: no such key id. */
	r = rec;
	assert_int_equal(twofa_seal_open(&r, "alice", &other), TWOFA_ERR_KEY);
	assert_int_equal(twofa_seal_open(&r, "alice", NULL), TWOFA_ERR_KEY);
	/* Another key under the same id (a forged key file line). */
	memcpy(other.keys[0].kid, kr.keys[0].kid, sizeof(kr.keys[0].kid));
	assert_int_equal(twofa_seal_open(&r, "alice", &other),
			 TWOFA_ERR_SEALED);
}

static char *format(const struct twofa_record *rec, size_t *len)
{
	char *text = NULL;

	assert_int_equal(twofa_record_format(rec, &text, len), 0);
	return text;
}

/* The sealed text: version 2, no secret in any form, round trip. */
static void test_sealed_text(void **state)
{
	static const char *forms[] = {
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", /* base32 */
	    "gezdgnbvgy3tqojqgezdgnbvgy3tqojq",
	    "3132333435363738393031323334353637383930", /* hex */
	    "12345678901234567890",			/* raw */
	    "GEZDGNBV",
	    "3132333435",
	};
	struct twofa_keyring kr;
	struct twofa_record rec, back;
	size_t len, len2, off = 0;
	unsigned cur = 0;
	char *text, *text2;

	(void)state;
	keyring(&kr, 1);
	sealed_record(&rec, &kr);
	text = format(&rec, &len);
	assert_memory_equal(text, "twofa-record 2\n", 15);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		assert_null(memmem(text, len, forms[i], strlen(forms[i])));
	assert_int_equal(twofa_record_parse(text, len, &back, &off, &cur, NULL),
			 0);
	assert_true(back.sealed.on);
	assert_int_equal(back.secret_len, 0);
	text2 = format(&back, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
	assert_int_equal(twofa_seal_open(&back, "alice", &kr), 0);
	assert_memory_equal(back.secret, rec.secret, 20);
	free(text);
	free(text2);
}

/* Version and form must agree; a plain line in v2 and v.v. are refused. */
static void test_version_mixing(void **state)
{
	struct twofa_keyring kr;
	struct twofa_record rec, back, plain;
	size_t len, off = 0;
	unsigned cur = 0;
	char *text;

	(void)state;
	keyring(&kr, 1);
	sealed_record(&rec, &kr);
	text = format(&rec, &len);
	text[13] = '1';
	assert_int_equal(twofa_record_parse(text, len, &back, &off, &cur, NULL),
			 TWOFA_ERR_MALFORMED);
	free(text);
	helper_record(&plain, TWOFA_TOTP);
	text = format(&plain, &len);
	assert_memory_equal(text, "twofa-record 1\n", 15);
	text[13] = '2';
	assert_int_equal(twofa_record_parse(text, len, &back, &off, &cur, NULL),
			 TWOFA_ERR_MALFORMED);
	free(text);
}

/*
 * A state slot of one sealed record is not a valid slot of another, and
 * is not taken for a torn write either: the record is refused.
 */
static void test_slot_binding(void **state)
{
	struct twofa_keyring kr;
	struct twofa_record a, b, back;
	size_t la, lb, off = 0;
	unsigned cur = 0;
	char *ta, *tb;

	(void)state;
	keyring(&kr, 1);
	sealed_record(&a, &kr);
	sealed_record(&b, &kr);
	b.state.next = 12345;
	ta = format(&a, &la);
	tb = format(&b, &lb);
	memcpy(ta + la - 2 * TWOFA_SLOT_LEN, tb + lb - 2 * TWOFA_SLOT_LEN,
	       2 * TWOFA_SLOT_LEN);
	assert_int_equal(twofa_record_parse(ta, la, &back, &off, &cur, NULL),
			 TWOFA_ERR_MALFORMED);
	/* One slot from b: refused too (its state is never used). */
	free(ta);
	ta = format(&a, &la);
	memcpy(ta + la - TWOFA_SLOT_LEN, tb + lb - TWOFA_SLOT_LEN,
	       TWOFA_SLOT_LEN);
	assert_int_equal(twofa_record_parse(ta, la, &back, &off, &cur, NULL),
			 TWOFA_ERR_MALFORMED);
	/* A torn slot (one byte wrong) is still only a torn write. */
	free(ta);
	ta = format(&a, &la);
	ta[la - TWOFA_SLOT_LEN + 30] ^= 1;
	assert_int_equal(twofa_record_parse(ta, la, &back, &off, &cur, NULL),
			 0);
	assert_int_equal(cur, 0);
	assert_int_equal(back.state.next, a.state.next);
	free(ta);
	free(tb);
}

static void test_sealed_text_strict(void **state)
{
	struct twofa_keyring kr;
	struct twofa_record rec;
	struct twofa_sealed s;
	char t[TWOFA_SEALED_TEXT_MAX], bad[TWOFA_SEALED_TEXT_MAX + 2];
	size_t n;

	(void)state;
	keyring(&kr, 1);
	sealed_record(&rec, &kr);
	assert_int_equal(twofa_sealed_text_format(&rec.sealed, t), 0);
	n = strlen(t);
	assert_int_equal(twofa_sealed_text_parse(t, n, &s), 0);
	assert_memory_equal(&s, &rec.sealed, sizeof(s));
	snprintf(bad, sizeof(bad), " %s", t);
	assert_int_not_equal(twofa_sealed_text_parse(bad, n + 1, &s), 0);
	memcpy(bad, t, n);
	bad[n] = ' ';
	assert_int_not_equal(twofa_sealed_text_parse(bad, n + 1, &s), 0);
	memcpy(bad, t, n);
	bad[20] = 'A'; /* upper-case hex */
	assert_int_not_equal(twofa_sealed_text_parse(bad, n, &s), 0);
	assert_int_not_equal(twofa_sealed_text_parse(t, n - 2, &s), 0);
	memcpy(bad, t, n);
	bad[16] = 'x'; /* no space after the id */
	assert_int_not_equal(twofa_sealed_text_parse(bad, n, &s), 0);
}

static void key_path(char dir[4096], char path[4200])
{
	helper_make_store(dir);
	snprintf(path, 4200, "%s/record.key", dir);
}

static int never_used(const char *kid, void *arg)
{
	(void)kid;
	(void)arg;
	return 0;
}

static int always_used(const char *kid, void *arg)
{
	(void)kid;
	(void)arg;
	return 1;
}

static void test_keyfile_io(void **state)
{
	char dir[4096], path[4200], k1[17], k2[17];
	struct twofa_keyring *kr = NULL;
	struct twofa_error why;
	char *before, *after;
	size_t lb, la;

	(void)state;
	key_path(dir, path);
	/* No file: optional load gives none, required load refuses. */
	assert_int_equal(twofa_keyring_load(path, getuid(), true, &kr, &why),
			 0);
	assert_null(kr);
	assert_int_equal(twofa_keyring_load(path, getuid(), false, &kr, &why),
			 TWOFA_ERR_KEY);
	assert_int_equal(twofa_keyfile_create(path, getuid(), k1, &why), 0);
	before = helper_read_file(dir, "record.key", &lb);
	/* Never overwritten: byte-identical after a second create. */
	assert_int_equal(twofa_keyfile_create(path, getuid(), k2, &why),
			 TWOFA_ERR_EXISTS);
	after = helper_read_file(dir, "record.key", &la);
	assert_int_equal(la, lb);
	assert_memory_equal(before, after, la);
	free(after);
	assert_int_equal(twofa_keyfile_rotate(path, getuid(), k2, &why), 0);
	assert_string_not_equal(k1, k2);
	assert_int_equal(twofa_keyring_load(path, getuid(), false, &kr, &why),
			 0);
	assert_int_equal(kr->count, 2);
	assert_string_equal(kr->keys[0].kid, k2); /* the new one is current */
	assert_string_equal(kr->keys[1].kid, k1);
	/* The old key's line is kept as it was. */
	after = helper_read_file(dir, "record.key", &la);
	assert_non_null(memmem(after, la, before + 19, 4 + 16 + 1 + 64 + 1));
	free(after);
	twofa_keyring_free(kr);
	/* Retire: not the current one, not while used, not unknown. */
	assert_int_equal(
	    twofa_keyfile_retire(path, getuid(), k2, never_used, NULL, &why),
	    TWOFA_ERR_EXISTS);
	assert_int_equal(
	    twofa_keyfile_retire(path, getuid(), k1, always_used, NULL, &why),
	    TWOFA_ERR_EXISTS);
	assert_int_equal(twofa_keyfile_retire(path, getuid(),
					      "0123456789abcdef", never_used,
					      NULL, &why),
			 TWOFA_ERR_NO_RECORD);
	assert_int_equal(
	    twofa_keyfile_retire(path, getuid(), k1, never_used, NULL, &why),
	    0);
	assert_int_equal(twofa_keyring_load(path, getuid(), false, &kr, &why),
			 0);
	assert_int_equal(kr->count, 1);
	assert_string_equal(kr->keys[0].kid, k2);
	twofa_keyring_free(kr);
	/* Group-readable or a symlink: refused. */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(twofa_keyring_load(path, getuid(), true, &kr, &why),
			 TWOFA_ERR_UNSAFE);
	assert_int_equal(chmod(path, 0600), 0);
	{
		char link[4300];

		snprintf(link, sizeof(link), "%s/link.key", dir);
		assert_int_equal(symlink(path, link), 0);
		assert_int_equal(
		    twofa_keyring_load(link, getuid(), true, &kr, &why),
		    TWOFA_ERR_UNSAFE);
		unlink(link);
	}
	free(before);
	helper_rm_store(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keyring_round_trip),
	    cmocka_unit_test(test_keyring_refused),
	    cmocka_unit_test(test_seal_open),
	    cmocka_unit_test(test_seal_binding),
	    cmocka_unit_test(test_sealed_text),
	    cmocka_unit_test(test_version_mixing),
	    cmocka_unit_test(test_slot_binding),
	    cmocka_unit_test(test_sealed_text_strict),
	    cmocka_unit_test(test_keyfile_io),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
