/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Invitations: the ticket (shown form, hash, constant-time check), the
 * pending form's text (round trip, strict refusals), the pending login
 * decision (failures, lock, expiry, enroll off), and the store side:
 * invite over nothing / pending / enrolled, and the commit's
 * compare-and-swap (exactly one commit per invitation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "helpers.h"
#include "twofa/auth.h"
#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/store.h"

#define NOW UINT64_C(1700000000)

static char store_path[4096];
static struct twofa_store *st;

static int setup(void **state)
{
	(void)state;
	helper_make_store(store_path);
	return helper_open_store(store_path, &st);
}

static int teardown(void **state)
{
	(void)state;
	twofa_store_close(st);
	helper_rm_store(store_path);
	return 0;
}

/* RFC 4226 by hand over a binary key (the helper's takes a string). */
static void hotp20(const unsigned char *key, uint64_t counter, char out[7])
{
	unsigned char msg[8], mac[20];
	unsigned int len = 0;
	uint32_t v;
	int i;

	for (i = 7; i >= 0; i--, counter >>= 8)
		msg[i] = (unsigned char)counter;
	HMAC(EVP_sha1(), key, 20, msg, 8, mac, &len);
	i = mac[19] & 15;
	v = ((uint32_t)(mac[i] & 0x7f) << 24) | ((uint32_t)mac[i + 1] << 16) |
	    ((uint32_t)mac[i + 2] << 8) | mac[i + 3];
	snprintf(out, 7, "%06u", v % 1000000);
}

static void digits_of(const char *shown, char out[13])
{
	size_t i, n = 0;

	for (i = 0; shown[i] != '\0'; i++)
		if (shown[i] != ' ')
			out[n++] = shown[i];
	out[n] = '\0';
}

static void test_ticket_shown_and_hash(void **state)
{
	struct twofa_record rec;
	char shown[TWOFA_TICKET_SHOWN + 1], t[13], other[13];
	unsigned char want[TWOFA_TICKET_HASH_LEN];

	(void)state;
	assert_int_equal(twofa_invite_new(&rec, NOW, 3600, shown), TWOFA_OK);
	assert_int_equal(strlen(shown), 14);
	assert_true(shown[4] == ' ' && shown[9] == ' ');
	digits_of(shown, t);
	assert_int_equal(strspn(t, "0123456789"), 12);
	assert_true(rec.pending);
	assert_int_equal(rec.ticket.expires, NOW + 3600);
	assert_int_equal(rec.secret_len, 0);
	/* The stored hash is PBKDF2-HMAC-SHA256(ticket, salt), as OpenSSL
	 * computes it directly. */
	assert_int_equal(PKCS5_PBKDF2_HMAC(t, 12, rec.ticket.salt, 16,
					   (int)rec.ticket.iterations,
					   EVP_sha256(), 32, want),
			 1);
	assert_memory_equal(want, rec.ticket.hash, 32);
	assert_int_equal(twofa_ticket_match(&rec.ticket, t), TWOFA_OK);
	memcpy(other, t, 13);
	other[11] = other[11] == '9' ? '0' : (char)(other[11] + 1);
	assert_int_equal(twofa_ticket_match(&rec.ticket, other),
			 TWOFA_ERR_INVALID);
	/* Typed with or without its spaces; nothing else. */
	assert_int_equal(twofa_ticket_normalise(shown, other), TWOFA_OK);
	assert_string_equal(other, t);
	assert_int_equal(twofa_ticket_normalise("1234 5678 901", other),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_ticket_normalise("1234 5678 90123", other),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_ticket_normalise("1234-5678-9012", other),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_invite_new(&rec, NOW, 0, shown),
			 TWOFA_ERR_INVALID);
	assert_int_equal(
	    twofa_invite_new(&rec, NOW, TWOFA_INVITE_TTL_MAX + 1, shown),
	    TWOFA_ERR_INVALID);
}

static void test_pending_text(void **state)
{
	struct twofa_record rec, back;
	char shown[TWOFA_TICKET_SHOWN + 1];
	char *text = NULL, *text2 = NULL, *bad;
	size_t len, len2, off;
	unsigned cur;
	struct twofa_parse_error why;

	(void)state;
	assert_int_equal(twofa_invite_new(&rec, NOW, 3600, shown), TWOFA_OK);
	rec.state.failures = 2;
	assert_int_equal(twofa_record_format(&rec, &text, &len), TWOFA_OK);
	assert_true(strncmp(text, "twofa-pending 1\ncreated 1700000000\n"
				  "expires 1700003600\n"
				  "ticket-kdf pbkdf2-sha256 100000\nticket ",
			    strlen("twofa-pending 1\ncreated 1700000000\n"
				   "expires 1700003600\n"
				   "ticket-kdf pbkdf2-sha256 100000\nticket ")) ==
		    0);
	assert_int_equal(
	    twofa_record_parse(text, len, &back, &off, &cur, &why), TWOFA_OK);
	assert_true(back.pending);
	assert_true(twofa_ticket_same(&back.ticket, &rec.ticket));
	assert_int_equal(back.state.failures, 2);
	assert_int_equal(twofa_record_format(&back, &text2, &len2), TWOFA_OK);
	assert_int_equal(len, len2);
	assert_memory_equal(text, text2, len);
	free(text2);

	/* Each of these edits must refuse the whole record. */
	static const struct {
		const char *from, *to;
	} edits[] = {
	    {"created ", "created  "},
	    {"created 1700000000\n", ""},
	    {"expires 1700003600", "expires 1600000000"},
	    {"expires 1700003600\n", "expires 1700003600\nexpires 1700003601\n"},
	    {"ticket-kdf pbkdf2-sha256 100000", "ticket-kdf pbkdf2-sha256 99"},
	    {"ticket-kdf pbkdf2-sha256", "ticket-kdf pbkdf2-sha1"},
	    {"twofa-pending 1", "twofa-pending 2"},
	    {"expires", "expiry"},
	    {"created 1700000000\n", "created 1700000000\nsecret GEZDGNBV\n"},
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const char *at = strstr(text, edits[i].from);
		size_t fl = strlen(edits[i].from), tl = strlen(edits[i].to);
		size_t nlen = len - fl + tl;

		assert_non_null(at);
		bad = malloc(nlen);
		memcpy(bad, text, (size_t)(at - text));
		memcpy(bad + (at - text), edits[i].to, tl);
		memcpy(bad + (at - text) + tl, at + fl,
		       len - (size_t)(at - text) - fl);
		assert_int_equal(
		    twofa_record_parse(bad, nlen, &back, &off, &cur, &why),
		    TWOFA_ERR_MALFORMED);
		free(bad);
	}
	/* One flipped hash digit is still a pending record, another ticket. */
	free(text);
}

static void test_decide(void **state)
{
	struct twofa_record rec;
	struct twofa_policy pol;
	struct twofa_outcome out;
	char shown[TWOFA_TICKET_SHOWN + 1];
	unsigned i;

	(void)state;
	twofa_policy_default(&pol);
	pol.deny = 3;
	assert_int_equal(twofa_invite_new(&rec, NOW, 3600, shown), TWOFA_OK);

	/* Without enroll the right ticket is a failure like any answer. */
	assert_int_equal(twofa_ticket_decide(&rec, shown, NOW + 1, &pol, &rec.state, &out),
			 TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(out.method, TWOFA_METHOD_TICKET);
	assert_int_equal(out.reason, TWOFA_REASON_PENDING);
	assert_int_equal(rec.state.failures, 1);

	pol.enroll = true;
	assert_int_equal(twofa_ticket_decide(&rec, shown, NOW + 1, &pol, &rec.state, &out),
			 TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_TICKET);
	assert_int_equal(rec.state.failures, 0);

	/* Expired: refused and counted even when right. */
	assert_int_equal(
	    twofa_ticket_decide(&rec, shown, NOW + 3600, &pol, &rec.state, &out), TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	assert_true(out.ticket_expired);
	assert_int_equal(out.reason, TWOFA_REASON_EXPIRED);
	assert_int_equal(rec.state.failures, 1);

	/* Wrong answers lock like wrong codes; then nothing is checked. */
	for (i = 0; i < 2; i++)
		assert_int_equal(twofa_ticket_decide(&rec, "123456", NOW + 2,
						     &pol, &rec.state, &out),
				 TWOFA_OK);
	assert_true(out.just_locked);
	assert_int_equal(rec.state.locked_until, NOW + 2 + 600);
	assert_int_equal(twofa_ticket_decide(&rec, shown, NOW + 3, &pol, &rec.state, &out),
			 TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_LOCKED);
	assert_false(out.changed);
	/* After the lock, the right ticket works again. */
	assert_int_equal(
	    twofa_ticket_decide(&rec, shown, NOW + 700, &pol, &rec.state, &out), TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_TICKET);
}

static void test_store_invite_and_commit(void **state)
{
	struct twofa_record enrolled, inv, inv2, newrec;
	struct twofa_loaded *h = NULL;
	struct twofa_policy pol;
	struct twofa_outcome out;
	char shown[TWOFA_TICKET_SHOWN + 1], shown2[TWOFA_TICKET_SHOWN + 1];
	char codes[10 * 9], code[9];
	uint64_t now = NOW;

	(void)state;
	twofa_policy_default(&pol);
	pol.enroll = true;
	helper_record(&enrolled, TWOFA_TOTP);
	assert_int_equal(
	    twofa_store_create(st, "alice", &enrolled, false, NULL), TWOFA_OK);
	assert_int_equal(twofa_invite_new(&inv, now, 3600, shown), TWOFA_OK);
	/* Enrolled: refused without force, the record untouched. */
	enum twofa_invite_replaced was;

	assert_int_equal(twofa_invite_store(st, "alice", &inv, false, &was,
					    NULL),
			 TWOFA_ERR_EXISTS);
	assert_int_equal(twofa_store_load(st, "alice", &h, NULL),
			 TWOFA_OK);
	assert_false(h->rec.pending);
	twofa_store_release(h);
	assert_int_equal(
	    twofa_invite_store(st, "alice", &inv, true, &was, NULL),
	    TWOFA_OK);
	assert_int_equal(was, TWOFA_REPLACED_ENROLLMENT);
	/* Pending: a new invitation replaces the ticket without force. */
	assert_int_equal(twofa_invite_new(&inv2, now, 3600, shown2), TWOFA_OK);
	assert_int_equal(
	    twofa_invite_store(st, "alice", &inv2, false, &was, NULL),
	    TWOFA_OK);
	assert_int_equal(was, TWOFA_REPLACED_INVITATION);
	assert_int_equal(twofa_authenticate(st, "alice", shown, now, &pol, &out,
					    NULL),
			 TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(twofa_authenticate(st, "alice", shown2, now, &pol,
					    &out, NULL),
			 TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_TICKET);

	/* The first code of the new secret, then the commit. */
	assert_int_equal(twofa_enroll_new(&newrec, now, 10, codes,
					  sizeof(codes)),
			 TWOFA_OK);
	hotp20(newrec.secret, now / 30 + 5, code);
	assert_int_equal(twofa_enroll_confirm(st, "alice", &inv2.ticket,
					      &newrec, code, now, &pol, &out,
					      NULL),
			 TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(twofa_store_load(st, "alice", &h, NULL),
			 TWOFA_OK);
	assert_int_equal(h->rec.state.failures, 1);
	twofa_store_release(h);
	hotp20(newrec.secret, now / 30, code);
	assert_int_equal(twofa_enroll_confirm(st, "alice", &inv2.ticket,
					      &newrec, code, now, &pol, &out,
					      NULL),
			 TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_ACCEPTED);
	assert_int_equal(newrec.state.next, now / 30 + 1);
	/* The old invitation is not the one stored: no commit. */
	assert_int_equal(twofa_enroll_commit(st, "alice", &inv.ticket, &newrec,
					     NULL),
			 TWOFA_ERR_CONFLICT);
	assert_int_equal(twofa_enroll_commit(st, "alice", &inv2.ticket,
					     &newrec, NULL),
			 TWOFA_OK);
	/* Exactly once: the second commit finds the enrollment. */
	assert_int_equal(twofa_enroll_commit(st, "alice", &inv2.ticket,
					     &newrec, NULL),
			 TWOFA_ERR_CONFLICT);
	assert_int_equal(twofa_store_load(st, "alice", &h, NULL),
			 TWOFA_OK);
	assert_false(h->rec.pending);
	assert_memory_equal(h->rec.secret, newrec.secret, 20);
	twofa_store_release(h);
	/* The ticket is spent: now it is just a wrong code. */
	assert_int_equal(twofa_authenticate(st, "alice", shown2, now, &pol,
					    &out, NULL),
			 TWOFA_OK);
	assert_int_equal(out.verdict, TWOFA_VERDICT_REJECTED);
	assert_int_equal(out.method, TWOFA_METHOD_TOTP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ticket_shown_and_hash),
	    cmocka_unit_test(test_pending_text),
	    cmocka_unit_test(test_decide),
	    cmocka_unit_test_setup_teardown(test_store_invite_and_commit,
					    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
