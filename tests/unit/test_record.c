/* SPDX-License-Identifier: BSD-2-Clause */
/* The record text: exact round trips and strict refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "helpers.h"
#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "twofa/slot.h"

static char *format(const struct twofa_record *rec, size_t *len)
{
	char *text = NULL;

	assert_int_equal(twofa_record_format(rec, &text, len), 0);
	return text;
}

static void round_trip(const struct twofa_record *rec)
{
	struct twofa_record back;
	size_t len, len2, off = 0;
	unsigned cur = 9;
	char *text = format(rec, &len), *text2;

	assert_int_equal(twofa_record_parse(text, len, &back, &off, &cur, NULL),
			 0);
	assert_int_equal(cur, 0);
	assert_int_equal(off, len - 2 * TWOFA_SLOT_LEN);
	assert_memory_equal(&back, rec, sizeof(back));
	text2 = format(&back, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
	free(text);
	free(text2);
}

static void test_round_trip_totp(void **state)
{
	struct twofa_record rec;
	char codes[20 * 9];

	(void)state;
	helper_record(&rec, TWOFA_TOTP);
	round_trip(&rec);
	rec.alg = TWOFA_ALG_SHA512;
	rec.digits = 8;
	rec.period = 60;
	rec.window = 3;
	rec.secret_len = 64;
	memset(rec.secret, 0xa5, 64);
	assert_int_equal(twofa_backup_generate(&rec, 20, codes, sizeof(codes)),
			 0);
	rec.state.next = 56666666;
	rec.state.failures = 4;
	rec.state.locked_until = TWOFA_LOCKED_FOREVER;
	rec.state.last_success = 20000000000ULL;
	rec.state.backup_used = 0x80001;
	rec.state.seq = 77;
	round_trip(&rec);
}

static void test_round_trip_hotp(void **state)
{
	struct twofa_record rec;

	(void)state;
	helper_record(&rec, TWOFA_HOTP);
	assert_int_equal(rec.period, 0);
	assert_int_equal(rec.window, 10);
	rec.state.next = UINT64_MAX - 1;
	round_trip(&rec);
}

/* A canonical record's text, for building broken variants. */
static char *good_text(size_t *len)
{
	struct twofa_record rec;
	char codes[2 * 9];

	helper_record(&rec, TWOFA_TOTP);
	assert_int_equal(twofa_backup_generate(&rec, 2, codes, sizeof(codes)),
			 0);
	return format(&rec, len);
}

/* Replace the first occurrence of from with to in the config part. */
static char *edit(const char *text, size_t len, const char *from,
		  const char *to, size_t *outlen)
{
	const char *p = strstr(text, from);
	size_t a, fl = strlen(from), tl = strlen(to);
	char *out;

	assert_non_null(p);
	a = (size_t)(p - text);
	out = malloc(len - fl + tl + 1);
	memcpy(out, text, a);
	memcpy(out + a, to, tl);
	memcpy(out + a + tl, p + fl, len - a - fl);
	*outlen = len - fl + tl;
	out[*outlen] = '\0';
	return out;
}

static void expect_malformed(const char *text, size_t len, const char *label)
{
	struct twofa_record rec;
	struct twofa_parse_error why = {0, NULL};
	size_t off;
	unsigned cur;
	int ret = twofa_record_parse(text, len, &rec, &off, &cur, &why);

	if (ret != TWOFA_ERR_MALFORMED && ret != TWOFA_ERR_TOO_BIG)
		fail_msg("%s: parsed (ret %d)", label, ret);
	assert_non_null(why.what);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *from, *to, *label;
	} edits[] = {
	    {"twofa-record 1", "twofa-record 2", "unknown version"},
	    {"twofa-record 1", "pam-record 1", "bad magic"},
	    {"type totp", "type push", "unknown type"},
	    {"algorithm SHA1", "algorithm MD5", "unknown algorithm"},
	    {"algorithm SHA1", "algorithm sha1", "algorithm case"},
	    {"digits 6", "digits 9", "digits too many"},
	    {"digits 6", "digits 5", "digits too few"},
	    {"digits 6", "digits 06", "leading zero"},
	    {"digits 6", "digits +6", "sign"},
	    {"period 30", "period 0", "period zero"},
	    {"period 30", "period 99999999999999999999999", "overflow"},
	    {"window 1", "window 101", "window too large"},
	    {"window 1", "window -1", "negative window"},
	    {"secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
	     "secret GEZDGNBVGY3TQOJQ", "secret under 128 bits"},
	    {"secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
	     "secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1", "bad base32"},
	    {"secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
	     "secret gezdgnbvgy3tqojqgezdgnbvgy3tqojq", "non-canonical secret"},
	    {"created 1700000000", "created 17e8", "bad time"},
	    {"backup-kdf pbkdf2-sha256 10000", "backup-kdf scrypt 16000",
	     "unknown kdf"},
	    {"backup-kdf pbkdf2-sha256 10000", "backup-kdf pbkdf2-sha256 10",
	     "work factor too low"},
	    {"window 1\n", "window 1\nwindow 1\n", "duplicate key"},
	    {"window 1\n", "window 1\ncolour blue\n", "unknown key"},
	    {"window 1\n", "window 1\n\n", "empty line"},
	    {"window 1\n", "window 1\r\n", "CRLF"},
	    {"window 1\n", "window  1\n", "double space"},
	    {"window 1\n", "window 1 \n", "trailing space"},
	    {"window 1\n", "", "missing window"},
	    {"period 30\n", "", "totp without period"},
	    {"type totp", "type hotp", "hotp with period"},
	    {"window 1\n", "window 1\n# comment\n", "comment"},
	    {"window 1\n", "window 1\nbackup 00 11\n", "short backup hash"},
	    {"window 1\n", "window \xc3\xa9\n", "non-ASCII"},
	};
	size_t len, n;
	char *text = good_text(&len), *bad;

	(void)state;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		bad = edit(text, len, edits[i].from, edits[i].to, &n);
		expect_malformed(bad, n, edits[i].label);
		free(bad);
	}
	/* NUL byte inside. */
	bad = malloc(len);
	memcpy(bad, text, len);
	bad[20] = '\0';
	expect_malformed(bad, len, "NUL byte");
	free(bad);
	/* Truncated anywhere: never parses. */
	for (n = 0; n < len; n += 7)
		expect_malformed(text, n, "truncated");
	expect_malformed(text, len - 1, "truncated by one");
	/* Empty. */
	expect_malformed("", 0, "empty");
	free(text);
}

static void test_too_big(void **state)
{
	struct twofa_record rec;
	size_t off;
	unsigned cur;
	char *big = malloc(TWOFA_RECORD_MAX + 1);

	(void)state;
	memset(big, 'a', TWOFA_RECORD_MAX + 1);
	assert_int_equal(twofa_record_parse(big, TWOFA_RECORD_MAX + 1, &rec,
					    &off, &cur, NULL),
			 TWOFA_ERR_TOO_BIG);
	free(big);
}

/* Change one byte of slot s's body: its checksum no longer matches. */
static void tear_slot(char *text, size_t len, unsigned s)
{
	size_t off = len - 2 * TWOFA_SLOT_LEN + s * TWOFA_SLOT_LEN;

	text[off + 40] = text[off + 40] == '9' ? '8' : '9';
}

static void test_slot_selection(void **state)
{
	struct twofa_record rec, back;
	size_t len, off;
	unsigned cur;
	char *text;

	(void)state;
	helper_record(&rec, TWOFA_TOTP);
	rec.state.seq = 5;
	rec.state.next = 100;
	text = format(&rec, &len);
	/* Slot B newer: it wins. */
	rec.state.seq = 6;
	rec.state.next = 200;
	twofa_slot_format(&rec.state, 1, text + len - TWOFA_SLOT_LEN);
	assert_int_equal(twofa_record_parse(text, len, &back, &off, &cur, NULL),
			 0);
	assert_int_equal(cur, 1);
	assert_int_equal(back.state.next, 200);
	/* B torn: A (the older state) is used. */
	tear_slot(text, len, 1);
	assert_int_equal(twofa_record_parse(text, len, &back, &off, &cur, NULL),
			 0);
	assert_int_equal(cur, 0);
	assert_int_equal(back.state.next, 100);
	/* Both torn: refused. */
	tear_slot(text, len, 0);
	expect_malformed(text, len, "both slots torn");
	free(text);

	/* Slots swapped (A's line in B's place): neither verifies. */
	text = format(&rec, &len);
	memcpy(text + len - TWOFA_SLOT_LEN, text + len - 2 * TWOFA_SLOT_LEN,
	       TWOFA_SLOT_LEN);
	tear_slot(text, len, 0);
	expect_malformed(text, len, "slot in the wrong place");
	free(text);
}

/* Write the check of a slot line the way a writer would (SHA-256 prefix). */
static void reseal(char line[TWOFA_SLOT_LEN])
{
	unsigned char md[32];

	SHA256((const unsigned char *)line, TWOFA_SLOT_LEN - 17, md);
	for (int i = 0; i < 8; i++) {
		char hx[3];

		snprintf(hx, sizeof(hx), "%02x", md[i]);
		memcpy(line + TWOFA_SLOT_LEN - 17 + 2 * i, hx, 2);
	}
}

static void test_slot_checksum_ok_but_bad(void **state)
{
	struct twofa_state st, back;
	char line[TWOFA_SLOT_LEN], tmp[TWOFA_SLOT_LEN];

	(void)state;
	/* Zeroed first: the struct has padding, compared with memcmp below. */
	memset(&st, 0, sizeof(st));
	st.seq = 1;
	st.next = 2;
	st.failures = 3;
	st.locked_until = 4;
	st.last_success = 5;
	st.backup_used = 6;
	twofa_slot_format(&st, 0, line);
	assert_int_equal(twofa_slot_parse(line, 0, &back), 0);
	assert_memory_equal(&st, &back, sizeof(st));
	/* Our independent reseal agrees with the writer's check. */
	memcpy(tmp, line, sizeof(tmp));
	reseal(tmp);
	assert_memory_equal(tmp, line, sizeof(tmp));
	/* Read as slot B: the prefix differs, so it is a torn slot. */
	assert_int_equal(twofa_slot_parse(line, 1, &back), TWOFA_ERR_INVALID);
	/* A changed field without a new check: torn. */
	memcpy(tmp, line, sizeof(tmp));
	tmp[60 - 1] = '7';
	assert_int_equal(twofa_slot_parse(tmp, 0, &back), TWOFA_ERR_INVALID);
	/* Valid check but a failure count over 32 bits: malformed. */
	memcpy(tmp + 50, "9999999999", 10);
	reseal(tmp);
	assert_int_equal(twofa_slot_parse(tmp, 0, &back), TWOFA_ERR_MALFORMED);
	/* Valid check but a non-digit in a field: malformed. */
	memcpy(tmp, line, sizeof(tmp));
	tmp[10] = 'x';
	reseal(tmp);
	assert_int_equal(twofa_slot_parse(tmp, 0, &back), TWOFA_ERR_MALFORMED);
	/* Valid check but upper-case hex in the used mask: malformed. */
	memcpy(tmp, line, sizeof(tmp));
	tmp[103] = 'A';
	reseal(tmp);
	assert_int_equal(twofa_slot_parse(tmp, 0, &back), TWOFA_ERR_MALFORMED);
}

static void test_used_mask_bounds(void **state)
{
	struct twofa_record rec;
	char codes[3 * 9];
	char *text = NULL;
	size_t len;

	(void)state;
	helper_record(&rec, TWOFA_TOTP);
	assert_int_equal(twofa_backup_generate(&rec, 3, codes, sizeof(codes)),
			 0);
	rec.state.backup_used = 1u << 3; /* names a fourth code */
	assert_int_equal(twofa_record_format(&rec, &text, &len),
			 TWOFA_ERR_MALFORMED);
	assert_null(text);
	rec.state.backup_used = 5;
	assert_int_equal(twofa_record_backup_left(&rec), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_totp),
	    cmocka_unit_test(test_round_trip_hotp),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_too_big),
	    cmocka_unit_test(test_slot_selection),
	    cmocka_unit_test(test_slot_checksum_ok_but_bad),
	    cmocka_unit_test(test_used_mask_bounds),
	};
	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
