/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The directory store's pure parts (lib/store/ldap/): DN and filter
 * escaping, record <-> entry, the compare-and-swap Modify, and the helper
 * protocol's framing. The LDAP operations themselves are tested against
 * a real slapd in tests/ldap/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "twofa/err.h"
#include "twofa/record.h"
#include "store/ldap/entry.h"
#include "store/ldap/escape.h"
#include "store/ldap/proto.h"
#include "helpers.h"

#define BASE "ou=twofa,dc=example,dc=com"

static void test_dn_escape(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(twofa_ldap_dn_escape("alice", out, sizeof(out)), 0);
	assert_string_equal(out, "alice");
	assert_int_equal(twofa_ldap_dn_escape("a,b+c", out, sizeof(out)), 0);
	assert_string_equal(out, "a\\,b\\+c");
	assert_int_equal(twofa_ldap_dn_escape("#x y ", out, sizeof(out)), 0);
	assert_string_equal(out, "\\#x y\\ ");
	assert_int_equal(twofa_ldap_dn_escape(" a=b\"\\<>;", out, sizeof(out)),
			 0);
	assert_string_equal(out, "\\ a\\3db\\\"\\\\\\<\\>\\;");
	assert_int_equal(twofa_ldap_dn_escape("\n\xc3\xa9", out, sizeof(out)),
			 0);
	assert_string_equal(out, "\\0a\\c3\\a9");
	assert_int_equal(twofa_ldap_dn_escape("", out, sizeof(out)),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_ldap_dn_escape(",,,,", out, 8),
			 TWOFA_ERR_TOO_BIG);
	assert_string_equal(out, "");
}

static void test_filter_escape(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(twofa_ldap_filter_escape("a*(b)\\c", out,
						  sizeof(out)),
			 0);
	assert_string_equal(out, "a\\2a\\28b\\29\\5cc");
	assert_int_equal(twofa_ldap_filter_escape("me@x$", out, sizeof(out)),
			 0);
	assert_string_equal(out, "me@x$");
	assert_int_equal(twofa_ldap_filter_escape("****", out, 8),
			 TWOFA_ERR_TOO_BIG);
}

static void test_entry_dn(void **state)
{
	char dn[TWOFA_LDAP_ENTRY_DN_SIZE];

	(void)state;
	assert_int_equal(twofa_ldap_entry_dn("me@example.com", BASE, dn,
					     sizeof(dn)),
			 0);
	assert_string_equal(dn, "cn=me@example.com," BASE);
	/* Never built from a name twofa(5) refuses. */
	assert_int_equal(twofa_ldap_entry_dn("a,cn=admin", BASE, dn,
					     sizeof(dn)),
			 TWOFA_ERR_BAD_USER);
	assert_string_equal(dn, "");
}

/* A record with every field set away from its default. */
static void full_record(struct twofa_record *rec, enum twofa_otp_type type)
{
	unsigned i;

	helper_record(rec, type);
	rec->alg = TWOFA_ALG_SHA512;
	rec->digits = 8;
	rec->window = 3;
	rec->created = 1700000000;
	rec->backup_count = 4;
	for (i = 0; i < 4; i++) {
		memset(rec->backup_salt[i], (int)(0x10 + i), TWOFA_BACKUP_SALT_LEN);
		memset(rec->backup_hash[i], (int)(0xa0 + i), TWOFA_BACKUP_HASH_LEN);
	}
	rec->state.next = 56666668;
	rec->state.failures = 2;
	rec->state.locked_until = 1700000600;
	rec->state.last_success = 1700000010;
	rec->state.backup_used = 0x5; /* codes 0 and 2 burnt */
}

static const struct twofa_ldap_av *find(const struct twofa_ldap_avs *a,
					enum twofa_ldap_op op,
					const char *attr, const char *val)
{
	unsigned i;

	for (i = 0; i < a->n; i++)
		if (a->v[i].op == op && strcmp(a->v[i].attr, attr) == 0 &&
		    (val == NULL ||
		     (a->v[i].val && strcmp((char *)a->v[i].val, val) == 0)))
			return &a->v[i];
	return NULL;
}

static void roundtrip(enum twofa_otp_type type)
{
	struct twofa_record rec, back;
	struct twofa_ldap_avs a;
	struct twofa_parse_error why = {0, NULL};

	full_record(&rec, type);
	assert_int_equal(twofa_ldap_entry_build("alice", BASE, &rec, &a), 0);
	/* oath-ldap's view: last accepted = NEXT - 1; params = itself. */
	assert_non_null(find(&a, TWOFA_LDAP_ATTR,
			     type == TWOFA_TOTP ? "oathTOTPLastTimeStep"
						: "oathHOTPCounter",
			     "56666667"));
	assert_non_null(find(&a, TWOFA_LDAP_ATTR,
			     type == TWOFA_TOTP ? "oathTOTPParams"
						: "oathHOTPParams",
			     "cn=alice," BASE));
	assert_non_null(find(&a, TWOFA_LDAP_ATTR, "oathHMACAlgorithm",
			     "1.2.840.113549.2.11"));
	assert_non_null(find(&a, TWOFA_LDAP_ATTR, "oathLastLogin",
			     "20231114221330Z"));
	assert_non_null(find(&a, TWOFA_LDAP_ATTR, "twofaSeq", "1"));
	/* Burnt codes are not in the entry at all. */
	assert_null(find(&a, TWOFA_LDAP_ATTR, "twofaBackupCode",
			 "0 10101010101010101010101010101010 "
			 "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"
			 "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"));
	assert_non_null(find(&a, TWOFA_LDAP_ATTR, "twofaBackupCode",
			     "1 11111111111111111111111111111111 "
			     "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
			     "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"));
	assert_int_equal(twofa_ldap_entry_parse(&a, &back, &why), 0);
	rec.state.seq = 1;
	/* A burnt code's hash is gone from the directory, not just marked. */
	memset(rec.backup_salt[0], 0, TWOFA_BACKUP_SALT_LEN);
	memset(rec.backup_hash[0], 0, TWOFA_BACKUP_HASH_LEN);
	memset(rec.backup_salt[2], 0, TWOFA_BACKUP_SALT_LEN);
	memset(rec.backup_hash[2], 0, TWOFA_BACKUP_HASH_LEN);
	assert_memory_equal(&rec, &back, sizeof(rec));
	twofa_ldap_avs_free(&a);
}

static void test_roundtrip_totp(void **state)
{
	(void)state;
	roundtrip(TWOFA_TOTP);
}

static void test_roundtrip_hotp(void **state)
{
	(void)state;
	roundtrip(TWOFA_HOTP);
}

/* SPEC §8: a sealed secret in twofaSealedSecret, no oathSecret. */
static void test_roundtrip_sealed(void **state)
{
	struct twofa_record rec, back;
	struct twofa_ldap_avs a;
	struct twofa_parse_error why = {0, NULL};

	(void)state;
	full_record(&rec, TWOFA_TOTP);
	memset(rec.secret, 0, sizeof(rec.secret));
	rec.secret_len = 0;
	rec.sealed.on = true;
	memcpy(rec.sealed.kid, "0123456789abcdef", 17);
	memset(rec.sealed.nonce, 7, sizeof(rec.sealed.nonce));
	memset(rec.sealed.tag, 9, sizeof(rec.sealed.tag));
	memset(rec.sealed.ct, 0x42, 20);
	rec.sealed.ct_len = 20;
	assert_int_equal(twofa_ldap_entry_build("alice", BASE, &rec, &a), 0);
	assert_null(find(&a, TWOFA_LDAP_ATTR, "oathSecret", NULL));
	assert_non_null(find(&a, TWOFA_LDAP_ATTR, "twofaSealedSecret", NULL));
	assert_int_equal(twofa_ldap_entry_parse(&a, &back, &why), 0);
	assert_true(back.sealed.on);
	assert_int_equal(back.secret_len, 0);
	assert_memory_equal(&back.sealed, &rec.sealed, sizeof(rec.sealed));
	twofa_ldap_avs_free(&a);
}

/* SPEC 9: a pending invitation: twofaTicket, no token attributes. */
static void test_roundtrip_pending(void **state)
{
	struct twofa_record rec, back;
	struct twofa_ldap_avs a;
	struct twofa_parse_error why = {0, NULL};

	(void)state;
	memset(&rec, 0, sizeof(rec));
	rec.pending = true;
	rec.created = 1700000000;
	rec.ticket.iterations = 100000;
	rec.ticket.expires = 1700259200;
	memset(rec.ticket.salt, 0x5a, sizeof(rec.ticket.salt));
	memset(rec.ticket.hash, 0xa5, sizeof(rec.ticket.hash));
	rec.state.failures = 2;
	assert_int_equal(twofa_ldap_entry_build("bob", BASE, &rec, &a), 0);
	assert_null(find(&a, TWOFA_LDAP_ATTR, "oathSecret", NULL));
	assert_null(find(&a, TWOFA_LDAP_ATTR, "objectClass", "oathTOTPParams"));
	assert_non_null(find(&a, TWOFA_LDAP_ATTR, "twofaTicket", NULL));
	assert_int_equal(twofa_ldap_entry_parse(&a, &back, &why), 0);
	rec.state.seq = 1;
	assert_memory_equal(&rec, &back, sizeof(rec));
	/* A ticket beside a token is refused. */
	assert_int_equal(twofa_ldap_avs_add(&a, TWOFA_LDAP_ATTR, "oathSecret",
					    "01234567890123456789", 20),
			 0);
	assert_int_equal(twofa_ldap_entry_parse(&a, &back, &why),
			 TWOFA_ERR_MALFORMED);
	twofa_ldap_avs_free(&a);
}

/* Build an entry, let edit change it, and expect parse to refuse it. */
static void refused(void (*edit)(struct twofa_ldap_avs *), const char *what)
{
	struct twofa_record rec, back;
	struct twofa_ldap_avs a;
	struct twofa_parse_error why = {0, NULL};

	full_record(&rec, TWOFA_TOTP);
	assert_int_equal(twofa_ldap_entry_build("alice", BASE, &rec, &a), 0);
	edit(&a);
	assert_int_equal(twofa_ldap_entry_parse(&a, &back, &why),
			 TWOFA_ERR_MALFORMED);
	assert_non_null(why.what);
	assert_non_null(strstr(why.what, what));
	twofa_ldap_avs_free(&a);
}

static void drop(struct twofa_ldap_avs *a, const char *attr)
{
	unsigned i;

	for (i = 0; i < a->n; i++)
		if (strcasecmp(a->v[i].attr, attr) == 0)
			a->v[i].attr = "ignoredAttribute";
}

static void set(struct twofa_ldap_avs *a, const char *attr, const char *v)
{
	unsigned i;

	for (i = 0; i < a->n; i++)
		if (strcasecmp(a->v[i].attr, attr) == 0) {
			twofa_ldap_avs_free(&(struct twofa_ldap_avs){
			    .v = {a->v[i]}, .n = 1});
			a->v[i].val = NULL;
			a->v[i].len = 0;
			a->v[i].attr = "ignoredAttribute";
		}
	assert_int_equal(twofa_ldap_avs_add(a, TWOFA_LDAP_ATTR, attr, v,
					    strlen(v)),
			 0);
}

static void no_seq(struct twofa_ldap_avs *a) { drop(a, "twofaSeq"); }
static void two_lengths(struct twofa_ldap_avs *a)
{
	assert_int_equal(twofa_ldap_avs_add(a, TWOFA_LDAP_ATTR, "oathOTPLength",
					    "6", 1),
			 0);
}
static void md5(struct twofa_ldap_avs *a)
{
	set(a, "oathHMACAlgorithm", "1.2.840.113549.2.5");
}
static void both_types(struct twofa_ldap_avs *a)
{
	assert_int_equal(twofa_ldap_avs_add(a, TWOFA_LDAP_ATTR, "objectClass",
					    "oathHOTPToken", 13),
			 0);
	assert_int_equal(twofa_ldap_avs_add(a, TWOFA_LDAP_ATTR, "objectClass",
					    "oathHOTPParams", 14),
			 0);
}
static void stray_code(struct twofa_ldap_avs *a)
{
	set(a, "twofaBackupCount", "1");
}
static void sealed(struct twofa_ldap_avs *a)
{
	assert_int_equal(twofa_ldap_avs_add(a, TWOFA_LDAP_ATTR,
					    "twofaSealedSecret", "x", 1),
			 0);
}
static void bad_time(struct twofa_ldap_avs *a)
{
	set(a, "oathLastLogin", "2023-11-14");
}
static void seq_zero(struct twofa_ldap_avs *a) { set(a, "twofaSeq", "0"); }
static void short_secret(struct twofa_ldap_avs *a)
{
	set(a, "oathSecret", "0123456789");
}

static void test_parse_strict(void **state)
{
	(void)state;
	refused(no_seq, "twofaSeq");
	refused(seq_zero, "twofaSeq");
	refused(two_lengths, "oathOTPLength");
	refused(md5, "oathHMACAlgorithm");
	refused(both_types, "neither");
	refused(stray_code, "twofaBackupCode");
	refused(sealed, "twofaSealedSecret");
	refused(bad_time, "time");
	refused(short_secret, "oathSecret");
}

static void test_cas(void **state)
{
	struct twofa_record old;
	struct twofa_state ns;
	struct twofa_ldap_avs a;
	const struct twofa_ldap_av *av;

	(void)state;
	full_record(&old, TWOFA_TOTP);
	old.state.seq = 7;
	ns = old.state;
	ns.next = 56666670;
	ns.failures = 0;
	ns.locked_until = 0;
	ns.backup_used |= 0x2; /* code 1 burnt now */
	assert_int_equal(twofa_ldap_entry_cas(&old, &ns, &a), 0);
	assert_non_null(find(&a, TWOFA_LDAP_DEL, "twofaSeq", "7"));
	assert_non_null(find(&a, TWOFA_LDAP_ADDV, "twofaSeq", "8"));
	assert_non_null(find(&a, TWOFA_LDAP_DEL, "oathTOTPLastTimeStep",
			     "56666667"));
	assert_non_null(find(&a, TWOFA_LDAP_ADDV, "oathTOTPLastTimeStep",
			     "56666669"));
	av = find(&a, TWOFA_LDAP_DEL, "twofaBackupCode", NULL);
	assert_true(av != NULL);
	assert_string_equal(av ? (char *)av->val : "",
			    "1 11111111111111111111111111111111 "
			    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
			    "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1");
	assert_non_null(find(&a, TWOFA_LDAP_REPL, "oathFailureCount", "0"));
	twofa_ldap_avs_free(&a);

	/* First code ever: the guard is added, not swapped. */
	old.state.next = 0;
	ns = old.state;
	ns.next = 10;
	assert_int_equal(twofa_ldap_entry_cas(&old, &ns, &a), 0);
	assert_null(find(&a, TWOFA_LDAP_DEL, "oathTOTPLastTimeStep", NULL));
	assert_non_null(find(&a, TWOFA_LDAP_ADDV, "oathTOTPLastTimeStep", "9"));
	twofa_ldap_avs_free(&a);

	/* A failure only: the seq pair still guards it. */
	ns = old.state;
	ns.failures = 3;
	assert_int_equal(twofa_ldap_entry_cas(&old, &ns, &a), 0);
	assert_non_null(find(&a, TWOFA_LDAP_DEL, "twofaSeq", "7"));
	assert_null(find(&a, TWOFA_LDAP_ADDV, "oathTOTPLastTimeStep", NULL));
	twofa_ldap_avs_free(&a);

	/* Never backwards, never un-burning a code. */
	old.state.next = 100;
	ns = old.state;
	ns.next = 99;
	assert_int_equal(twofa_ldap_entry_cas(&old, &ns, &a),
			 TWOFA_ERR_INVALID);
	ns = old.state;
	ns.backup_used = 0;
	assert_int_equal(twofa_ldap_entry_cas(&old, &ns, &a),
			 TWOFA_ERR_INVALID);
}

static void test_replace_type_change(void **state)
{
	struct twofa_record old, rec;
	struct twofa_ldap_avs a;
	const struct twofa_ldap_av *av;

	(void)state;
	full_record(&old, TWOFA_TOTP);
	old.state.seq = 3;
	helper_record(&rec, TWOFA_HOTP);
	assert_int_equal(twofa_ldap_entry_replace("alice", BASE, &old, &rec, &a),
			 0);
	assert_non_null(find(&a, TWOFA_LDAP_DEL, "twofaSeq", "3"));
	assert_non_null(find(&a, TWOFA_LDAP_ADDV, "twofaSeq", "4"));
	assert_non_null(find(&a, TWOFA_LDAP_REPL, "objectClass", "oathHOTPToken"));
	/* The TOTP attributes go: replaced with no value. */
	av = find(&a, TWOFA_LDAP_REPL, "oathTOTPTimeStepPeriod", NULL);
	assert_true(av != NULL && av->val == NULL);
	av = find(&a, TWOFA_LDAP_REPL, "twofaBackupCode", NULL);
	assert_true(av != NULL && av->val == NULL);
	twofa_ldap_avs_free(&a);
}

/*
 * SPEC 9's account-phase commit: pending -> token is one Modify guarded
 * by the pending entry's twofaSeq, which also drops the ticket; and
 * invite --force the other way drops every token attribute.
 */
static void test_replace_pending(void **state)
{
	struct twofa_record pend, rec;
	struct twofa_ldap_avs a;
	const struct twofa_ldap_av *av;

	(void)state;
	memset(&pend, 0, sizeof(pend));
	pend.pending = true;
	pend.created = 1700000000;
	pend.ticket.iterations = 100000;
	pend.ticket.expires = 1700259200;
	memset(pend.ticket.salt, 0x5a, sizeof(pend.ticket.salt));
	memset(pend.ticket.hash, 0xa5, sizeof(pend.ticket.hash));
	pend.state.seq = 5;
	full_record(&rec, TWOFA_TOTP);
	assert_int_equal(
	    twofa_ldap_entry_replace("bob", BASE, &pend, &rec, &a), 0);
	assert_non_null(find(&a, TWOFA_LDAP_DEL, "twofaSeq", "5"));
	assert_non_null(find(&a, TWOFA_LDAP_ADDV, "twofaSeq", "6"));
	av = find(&a, TWOFA_LDAP_REPL, "twofaTicket", NULL);
	assert_true(av != NULL && av->val == NULL);
	assert_non_null(
	    find(&a, TWOFA_LDAP_REPL, "objectClass", "oathTOTPParams"));
	av = find(&a, TWOFA_LDAP_REPL, "oathSecret", NULL);
	assert_true(av != NULL && av->val != NULL);
	twofa_ldap_avs_free(&a);

	/* invite --force: the token goes, the ticket comes. */
	rec.state.seq = 9;
	assert_int_equal(
	    twofa_ldap_entry_replace("bob", BASE, &rec, &pend, &a), 0);
	assert_non_null(find(&a, TWOFA_LDAP_DEL, "twofaSeq", "9"));
	assert_non_null(find(&a, TWOFA_LDAP_ADDV, "twofaSeq", "10"));
	av = find(&a, TWOFA_LDAP_REPL, "twofaTicket", NULL);
	assert_true(av != NULL && av->val != NULL);
	av = find(&a, TWOFA_LDAP_REPL, "oathSecret", NULL);
	assert_true(av != NULL && av->val == NULL);
	av = find(&a, TWOFA_LDAP_REPL, "oathTOTPParams", NULL);
	assert_true(av != NULL && av->val == NULL);
	assert_null(find(&a, TWOFA_LDAP_REPL, "objectClass", "oathTOTPParams"));
	twofa_ldap_avs_free(&a);
}

static void test_proto(void **state)
{
	struct twofa_msg m;
	uint64_t v;
	char s[16];
	int i;

	(void)state;
	twofa_msg_init(&m);
	assert_int_equal(twofa_msg_put_str(&m, "op", "load"), 0);
	assert_int_equal(twofa_msg_put_u64(&m, "seq", UINT64_MAX), 0);
	assert_int_equal(twofa_msg_put_int(&m, "rc", TWOFA_ERR_CONFLICT), 0);
	assert_int_equal(twofa_msg_put(&m, "bin", "a\0b", 3), 0);
	assert_int_equal(twofa_msg_decode(&m), 0);
	assert_int_equal(twofa_msg_get_str(&m, "op", s, sizeof(s)), 0);
	assert_string_equal(s, "load");
	assert_int_equal(twofa_msg_get_u64(&m, "seq", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(twofa_msg_get_int(&m, "rc", &i), 0);
	assert_int_equal(i, TWOFA_ERR_CONFLICT);
	/* A NUL inside a text field is refused. */
	assert_int_equal(twofa_msg_get_str(&m, "bin", s, sizeof(s)),
			 TWOFA_ERR_MALFORMED);
	assert_int_equal(twofa_msg_get_str(&m, "none", s, sizeof(s)),
			 TWOFA_ERR_NO_RECORD);
	/* Cut anywhere, the fields no longer add up. */
	m.len -= 1;
	assert_int_equal(twofa_msg_decode(&m), TWOFA_ERR_MALFORMED);
	twofa_msg_free(&m);
	assert_string_equal(twofa_proto_what(twofa_proto_what_idx(
				"entry changed meanwhile")),
			    "entry changed meanwhile");
	assert_string_equal(twofa_proto_what(9999), "directory error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dn_escape),
	    cmocka_unit_test(test_filter_escape),
	    cmocka_unit_test(test_entry_dn),
	    cmocka_unit_test(test_roundtrip_totp),
	    cmocka_unit_test(test_roundtrip_hotp),
	    cmocka_unit_test(test_roundtrip_sealed),
	    cmocka_unit_test(test_roundtrip_pending),
	    cmocka_unit_test(test_parse_strict),
	    cmocka_unit_test(test_cas),
	    cmocka_unit_test(test_replace_type_change),
	    cmocka_unit_test(test_replace_pending),
	    cmocka_unit_test(test_proto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
