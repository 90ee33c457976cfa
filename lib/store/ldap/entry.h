/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A record as a directory entry (SPEC §7), and every change to it as one
 * LDAP Modify, written without libldap: lists of (operation, attribute,
 * value) that the helper (ldap_helper/) turns into LDAPMod arrays. Keeping
 * the mapping here lets it be unit-tested and keeps libldap out of every
 * process but the helper.
 *
 * Entry cn=USER,<base>: objectClass device, oathTOTPToken + oathTOTPParams
 * (or oathHOTPToken + oathHOTPParams) and twofaState; the oath-ldap
 * attributes for the token (oathTOTPParams/oathHOTPParams naming the entry
 * itself, so slapo-otp reads the same token) and the twofaState ones for
 * what oath-ldap lacks. The replay guard is stored as oath-ldap's "last
 * accepted" step/counter (NEXT - 1, absent while NEXT is 0).
 */
#ifndef TWOFA_STORE_LDAP_ENTRY_H
#define TWOFA_STORE_LDAP_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "twofa/record.h"

#define TWOFA_LDAP_AV_MAX 64	/* pairs in one entry or Modify */
#define TWOFA_LDAP_ENTRY_DN_SIZE 2048 /* bytes of a DN we build, NUL included */

enum twofa_ldap_op {
	TWOFA_LDAP_ATTR = 0, /* a value of an entry (Add, search result) */
	TWOFA_LDAP_DEL,	     /* Modify delete: exactly this value */
	TWOFA_LDAP_ADDV,     /* Modify add */
	TWOFA_LDAP_REPL,     /* Modify replace (all values of attr) */
	TWOFA_LDAP_DELALL,   /* Modify delete of every value (len 0) */
};

struct twofa_ldap_av {
	enum twofa_ldap_op op;
	const char *attr; /* static name */
	unsigned char *val; /* owned; may hold secret bytes */
	size_t len;
};

/*
 * Pairs in order; the helper groups consecutive pairs with the same op and
 * attribute into one LDAPMod. Values are wiped when freed.
 */
struct twofa_ldap_avs {
	struct twofa_ldap_av v[TWOFA_LDAP_AV_MAX];
	unsigned n;
};

void twofa_ldap_avs_free(struct twofa_ldap_avs *a);
int twofa_ldap_avs_add(struct twofa_ldap_avs *a, enum twofa_ldap_op op,
		       const char *attr, const void *val, size_t len);

/* The attribute names a load asks for (NULL-terminated). */
#define TWOFA_LDAP_LOAD_ATTRS 19
extern const char *const twofa_ldap_load_attrs[TWOFA_LDAP_LOAD_ATTRS + 1];

/*
 * The DN cn=USER,<base> of user's entry, USER escaped per RFC 4514.
 * TWOFA_ERR_BAD_USER for a name twofa_user_valid() refuses.
 */
int twofa_ldap_entry_dn(const char *user, const char *base, char *dn,
			size_t dnsize);

/* Every attribute of a new entry for rec (for an Add). */
int twofa_ldap_entry_build(const char *user, const char *base,
			   const struct twofa_record *rec,
			   struct twofa_ldap_avs *out);

/*
 * A record from the values of an entry (TWOFA_LDAP_ATTR pairs; attribute
 * names compared without case). Strict: a missing or repeated single
 * value, an unknown algorithm, a number out of range, an object class
 * mix other than TOTP or HOTP is TWOFA_ERR_MALFORMED (why->what says
 * which), never a guess. Attributes not ours are ignored (the entry may
 * carry other applications' data, e.g. slapo-otp's drift).
 */
int twofa_ldap_entry_parse(const struct twofa_ldap_avs *in,
			   struct twofa_record *rec,
			   struct twofa_parse_error *why);

/*
 * The compare-and-swap Modify that moves the entry from old (as loaded)
 * to new_state: delete twofaSeq=old.seq, add old.seq+1; the same pair for
 * the oath guard when it moves (an absent guard is added, which the
 * single-valued attribute refuses if someone else added one meanwhile);
 * delete of each backup code value burnt now; replace of the rest. The
 * server refuses the whole Modify if any deleted value is gone.
 */
int twofa_ldap_entry_cas(const struct twofa_record *old,
			 const struct twofa_state *new_state,
			 struct twofa_ldap_avs *out);

/*
 * The Modify that replaces the whole enrollment (new secret, new backup
 * codes, import) of an entry loaded as old: the twofaSeq pair as in a CAS,
 * then replace of every other attribute (the object classes included, so
 * TOTP <-> HOTP works), and delete of the guard and lock attributes rec
 * does not have.
 */
int twofa_ldap_entry_replace(const char *user, const char *base,
			     const struct twofa_record *old,
			     const struct twofa_record *rec,
			     struct twofa_ldap_avs *out);

/* oathTOTPLastTimeStep or oathHOTPCounter. */
const char *twofa_ldap_guard_attr(enum twofa_otp_type type);

/* oathHMACAlgorithm (an RFC 8018 OID) to ours; TWOFA_ERR_MALFORMED else. */
int twofa_ldap_alg_from_oid(const char *oid, enum twofa_alg *alg);

/* "INDEX SALTHEX HASHHEX" of backup code i, NUL-terminated. */
#define TWOFA_LDAP_BACKUP_VAL_MAX                                              \
	(3 + 1 + 2 * TWOFA_BACKUP_SALT_LEN + 1 + 2 * TWOFA_BACKUP_HASH_LEN + 1)
void twofa_ldap_backup_value(const struct twofa_record *rec, unsigned i,
			     char out[TWOFA_LDAP_BACKUP_VAL_MAX]);

#endif
