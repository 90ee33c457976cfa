/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Record <-> directory entry, and the Modify of each change (entry.h).
 * Numbers are written as plain decimal, times as GeneralizedTime
 * "YYYYMMDDhhmmssZ", backup codes as "INDEX SALTHEX HASHHEX".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/seal.h"
#include "twofa/user.h"
#include "store/ldap/entry.h"
#include "store/ldap/escape.h"

#define KDF_PREFIX "pbkdf2-sha256:"

/* RFC 8018 HMAC OIDs, as oath-ldap's oathHMACAlgorithm holds them. */
static const char *const alg_oid[] = {
	[TWOFA_ALG_SHA1] = "1.2.840.113549.2.7",
	[TWOFA_ALG_SHA256] = "1.2.840.113549.2.9",
	[TWOFA_ALG_SHA512] = "1.2.840.113549.2.11",
};

const char *const twofa_ldap_load_attrs[TWOFA_LDAP_LOAD_ATTRS + 1] = {
	"objectClass",
	"oathSecret",
	"twofaSealedSecret",
	"oathHMACAlgorithm",
	"oathOTPLength",
	"oathTOTPTimeStepPeriod",
	"oathTOTPTimeStepWindow",
	"oathHOTPLookAhead",
	"oathTOTPLastTimeStep",
	"oathHOTPCounter",
	"oathSecretTime",
	"oathFailureCount",
	"oathLastLogin",
	"twofaSeq",
	"twofaLockedUntil",
	"twofaBackupKDF",
	"twofaBackupCount",
	"twofaBackupCode",
	"twofaTicket",
	NULL,
};

void twofa_ldap_avs_free(struct twofa_ldap_avs *a)
{
	unsigned i;

	for (i = 0; i < a->n; i++)
		twofa_freezero(a->v[i].val, a->v[i].len);
	memset(a, 0, sizeof(*a));
}

/* val NULL: a Modify replace with no value (removes the attribute). */
int twofa_ldap_avs_add(struct twofa_ldap_avs *a, enum twofa_ldap_op op,
		       const char *attr, const void *val, size_t len)
{
	struct twofa_ldap_av *v;

	if (a->n >= TWOFA_LDAP_AV_MAX)
		return TWOFA_ERR_TOO_BIG;
	v = &a->v[a->n];
	v->op = op;
	v->attr = attr;
	v->val = NULL;
	v->len = 0;
	if (val != NULL) {
		v->val = malloc(len + 1);
		if (v->val == NULL)
			return TWOFA_ERR_NOMEM;
		memcpy(v->val, val, len);
		v->val[len] = '\0';
		v->len = len;
	}
	a->n++;
	return TWOFA_OK;
}

static int add_str(struct twofa_ldap_avs *a, enum twofa_ldap_op op,
		   const char *attr, const char *s)
{
	return twofa_ldap_avs_add(a, op, attr, s, strlen(s));
}

static int add_u64(struct twofa_ldap_avs *a, enum twofa_ldap_op op,
		   const char *attr, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return add_str(a, op, attr, buf);
}

static int add_time(struct twofa_ldap_avs *a, enum twofa_ldap_op op,
		    const char *attr, uint64_t t)
{
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t > (uint64_t)253402300799 /* 9999-12-31 */ ||
	    gmtime_r(&tt, &tm) == NULL)
		return TWOFA_ERR_INVALID;
	strftime(buf, sizeof(buf), "%Y%m%d%H%M%SZ", &tm);
	return add_str(a, op, attr, buf);
}

int twofa_ldap_entry_dn(const char *user, const char *base, char *dn,
			size_t dnsize)
{
	char esc[3 * TWOFA_USER_MAX + 1];
	int ret, n;

	dn[0] = '\0';
	if (!twofa_user_valid(user))
		return TWOFA_ERR_BAD_USER;
	ret = twofa_ldap_dn_escape(user, esc, sizeof(esc));
	if (ret < 0)
		return ret;
	n = snprintf(dn, dnsize, "cn=%s,%s", esc, base);
	if (n < 0 || (size_t)n >= dnsize) {
		dn[0] = '\0';
		return TWOFA_ERR_TOO_BIG;
	}
	return TWOFA_OK;
}

void twofa_ldap_backup_value(const struct twofa_record *rec, unsigned i,
			     char out[TWOFA_LDAP_BACKUP_VAL_MAX])
{
	static const char hex[] = "0123456789abcdef";
	size_t o, k;

	o = (size_t)snprintf(out, TWOFA_LDAP_BACKUP_VAL_MAX, "%u ", i);
	for (k = 0; k < TWOFA_BACKUP_SALT_LEN; k++) {
		out[o++] = hex[rec->backup_salt[i][k] >> 4];
		out[o++] = hex[rec->backup_salt[i][k] & 15];
	}
	out[o++] = ' ';
	for (k = 0; k < TWOFA_BACKUP_HASH_LEN; k++) {
		out[o++] = hex[rec->backup_hash[i][k] >> 4];
		out[o++] = hex[rec->backup_hash[i][k] & 15];
	}
	out[o] = '\0';
}

const char *twofa_ldap_guard_attr(enum twofa_otp_type type)
{
	return type == TWOFA_HOTP ? "oathHOTPCounter" : "oathTOTPLastTimeStep";
}

int twofa_ldap_alg_from_oid(const char *oid, enum twofa_alg *alg)
{
	size_t k;

	for (k = 0; k < sizeof(alg_oid) / sizeof(alg_oid[0]); k++) {
		if (strcmp(oid, alg_oid[k]) == 0) {
			*alg = (enum twofa_alg)k;
			return TWOFA_OK;
		}
	}
	return TWOFA_ERR_MALFORMED;
}

/* The token attributes a pending entry must not have (replace: removed). */
static const char *const token_attrs[] = {
    "oathSecret",	      "twofaSealedSecret",	"oathHMACAlgorithm",
    "oathOTPLength",	      "oathTOTPParams",		"oathTOTPTimeStepPeriod",
    "oathTOTPTimeStepWindow", "oathTOTPLastTimeStep",	"oathHOTPParams",
    "oathHOTPLookAhead",      "oathHOTPCounter",	"twofaBackupKDF",
    "twofaBackupCount",	      "twofaBackupCode",
};

/*
 * A pending enrollment (SPEC 9): no token yet, only the ticket's salted
 * hash and expiry; oathTOTPToken (all of whose attributes are optional)
 * carries created, failures and last login as for an enrollment, and no
 * oathTOTPParams, so slapo-otp finds nothing to verify.
 */
static int put_pending(const struct twofa_record *rec, enum twofa_ldap_op op,
		       struct twofa_ldap_avs *a)
{
	static const char hex[] = "0123456789abcdef";
	char t[64 + 2 * (TWOFA_TICKET_SALT_LEN + TWOFA_TICKET_HASH_LEN)];
	size_t o, k;
	int ret;

	if ((ret = add_str(a, op, "objectClass", "device")) < 0 ||
	    (ret = add_str(a, op, "objectClass", "oathTOTPToken")) < 0 ||
	    (ret = add_str(a, op, "objectClass", "twofaState")) < 0)
		return ret;
	for (k = 0; op == TWOFA_LDAP_REPL &&
		    k < sizeof(token_attrs) / sizeof(token_attrs[0]);
	     k++)
		if ((ret = twofa_ldap_avs_add(a, op, token_attrs[k], NULL, 0)) <
		    0)
			return ret;
	o = (size_t)snprintf(t, sizeof(t), KDF_PREFIX "%u %llu ",
			     (unsigned)rec->ticket.iterations,
			     (unsigned long long)rec->ticket.expires);
	for (k = 0; k < TWOFA_TICKET_SALT_LEN; k++) {
		t[o++] = hex[rec->ticket.salt[k] >> 4];
		t[o++] = hex[rec->ticket.salt[k] & 15];
	}
	t[o++] = ' ';
	for (k = 0; k < TWOFA_TICKET_HASH_LEN; k++) {
		t[o++] = hex[rec->ticket.hash[k] >> 4];
		t[o++] = hex[rec->ticket.hash[k] & 15];
	}
	t[o] = '\0';
	ret = add_str(a, op, "twofaTicket", t);
	twofa_wipe(t, sizeof(t));
	if (ret < 0 ||
	    (rec->created > 0 &&
	     (ret = add_time(a, op, "oathSecretTime", rec->created)) < 0) ||
	    (ret = add_u64(a, op, "oathFailureCount", rec->state.failures)) <
		0 ||
	    (ret = add_u64(a, op, "twofaLockedUntil",
			   rec->state.locked_until)) < 0)
		return ret;
	if (rec->state.last_success > 0)
		ret = add_time(a, op, "oathLastLogin", rec->state.last_success);
	else if (op == TWOFA_LDAP_REPL)
		ret = twofa_ldap_avs_add(a, op, "oathLastLogin", NULL, 0);
	return ret;
}

/* One twofaBackupCode value, as op, for each of rec's codes in mask. */
static int add_backup_codes(struct twofa_ldap_avs *a, enum twofa_ldap_op op,
			    const struct twofa_record *rec, uint64_t mask)
{
	unsigned i;
	int ret;

	for (i = 0; i < rec->backup_count; i++) {
		char v[TWOFA_LDAP_BACKUP_VAL_MAX];

		if (!(mask & (UINT64_C(1) << i)))
			continue;
		twofa_ldap_backup_value(rec, i, v);
		ret = add_str(a, op, "twofaBackupCode", v);
		twofa_wipe(v, sizeof(v));
		if (ret < 0)
			return ret;
	}
	return TWOFA_OK;
}

/*
 * Everything but twofaSeq, as op pairs: TWOFA_LDAP_ATTR for a new entry,
 * TWOFA_LDAP_REPL for a replace (then attributes rec lacks are replaced
 * with nothing).
 */
static int put_config(const char *dn, const struct twofa_record *rec,
		      enum twofa_ldap_op op, struct twofa_ldap_avs *a)
{
	bool totp = rec->type == TWOFA_TOTP, repl = op == TWOFA_LDAP_REPL;
	char kdf[48];
	int ret;

	if (rec->pending)
		return put_pending(rec, op, a);

	if ((ret = add_str(a, op, "objectClass", "device")) < 0 ||
	    (ret = add_str(a, op, "objectClass",
			   totp ? "oathTOTPToken" : "oathHOTPToken")) < 0 ||
	    (ret = add_str(a, op, "objectClass",
			   totp ? "oathTOTPParams" : "oathHOTPParams")) < 0 ||
	    (ret = add_str(a, op, "objectClass", "twofaState")) < 0)
		return ret;
	if (rec->sealed.on) {
		/* SPEC §8: the sealed form in our attribute, no oathSecret. */
		char sealed[TWOFA_SEALED_TEXT_MAX];

		if ((ret = twofa_sealed_text_format(&rec->sealed, sealed)) < 0)
			return ret;
		ret = add_str(a, op, "twofaSealedSecret", sealed);
		if (ret == TWOFA_OK && repl)
			ret = twofa_ldap_avs_add(a, op, "oathSecret", NULL, 0);
	} else {
		ret = twofa_ldap_avs_add(a, op, "oathSecret", rec->secret,
					 rec->secret_len);
		if (ret == TWOFA_OK && repl)
			ret = twofa_ldap_avs_add(a, op, "twofaSealedSecret",
						 NULL, 0);
	}
	if (ret < 0 ||
	    (ret = add_str(a, op, "oathHMACAlgorithm", alg_oid[rec->alg])) <
		0 ||
	    (ret = add_u64(a, op, "oathOTPLength", rec->digits)) < 0)
		return ret;
	if (totp) {
		if ((ret = add_str(a, op, "oathTOTPParams", dn)) < 0 ||
		    (ret = add_u64(a, op, "oathTOTPTimeStepPeriod",
				   rec->period)) < 0 ||
		    (ret = add_u64(a, op, "oathTOTPTimeStepWindow",
				   rec->window)) < 0)
			return ret;
	} else {
		if ((ret = add_str(a, op, "oathHOTPParams", dn)) < 0 ||
		    (ret = add_u64(a, op, "oathHOTPLookAhead", rec->window)) <
			0)
			return ret;
	}
	if (repl &&
	    (ret = twofa_ldap_avs_add(a, op, "twofaTicket", NULL, 0)) < 0)
		return ret;
	if (repl) {
		/* The other type's attributes go (TOTP <-> HOTP). */
		static const char *const totp_only[] = {
		    "oathTOTPParams", "oathTOTPTimeStepPeriod",
		    "oathTOTPTimeStepWindow", "oathTOTPLastTimeStep"};
		static const char *const hotp_only[] = {
		    "oathHOTPParams", "oathHOTPLookAhead", "oathHOTPCounter"};
		const char *const *other = totp ? hotp_only : totp_only;
		size_t k, nother = totp ? 3 : 4;

		for (k = 0; k < nother; k++)
			if ((ret = twofa_ldap_avs_add(a, op, other[k], NULL,
						      0)) < 0)
				return ret;
	}
	if (rec->state.next > 0)
		ret = add_u64(a, op, twofa_ldap_guard_attr(rec->type), rec->state.next - 1);
	else if (repl)
		ret = twofa_ldap_avs_add(a, op, twofa_ldap_guard_attr(rec->type), NULL, 0);
	if (ret < 0)
		return ret;
	if (rec->created > 0 &&
	    (ret = add_time(a, op, "oathSecretTime", rec->created)) < 0)
		return ret;
	if ((ret = add_u64(a, op, "oathFailureCount", rec->state.failures)) <
		0 ||
	    (ret = add_u64(a, op, "twofaLockedUntil",
			   rec->state.locked_until)) < 0)
		return ret;
	if (rec->state.last_success > 0)
		ret = add_time(a, op, "oathLastLogin", rec->state.last_success);
	else if (repl)
		ret = twofa_ldap_avs_add(a, op, "oathLastLogin", NULL, 0);
	if (ret < 0)
		return ret;
	snprintf(kdf, sizeof(kdf), KDF_PREFIX "%u",
		 (unsigned)rec->backup_iterations);
	if ((ret = add_str(a, op, "twofaBackupKDF", kdf)) < 0 ||
	    (ret = add_u64(a, op, "twofaBackupCount", rec->backup_count)) < 0)
		return ret;
	if (repl && twofa_record_backup_left(rec) == 0 &&
	    (ret = twofa_ldap_avs_add(a, op, "twofaBackupCode", NULL, 0)) < 0)
		return ret;
	return add_backup_codes(a, op, rec, ~rec->state.backup_used);
}

int twofa_ldap_entry_build(const char *user, const char *base,
			   const struct twofa_record *rec,
			   struct twofa_ldap_avs *out)
{
	char dn[TWOFA_LDAP_ENTRY_DN_SIZE];
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = twofa_record_check(rec, NULL)) < 0 ||
	    (ret = twofa_ldap_entry_dn(user, base, dn, sizeof(dn))) < 0)
		return ret;
	/* cn is the RDN value: the name itself, not its escaped form. */
	if ((ret = add_str(out, TWOFA_LDAP_ATTR, "cn", user)) < 0 ||
	    (ret = put_config(dn, rec, TWOFA_LDAP_ATTR, out)) < 0 ||
	    /* A new entry starts its guard at 1: 0 never appears, so a
	       delete of twofaSeq=0 can only be a bug, never a match. */
	    (ret = add_u64(out, TWOFA_LDAP_ATTR, "twofaSeq", 1)) < 0)
		twofa_ldap_avs_free(out);
	return ret;
}

static int seq_pair(const struct twofa_record *old, struct twofa_ldap_avs *a)
{
	int ret;

	if (old->state.seq == UINT64_MAX)
		return TWOFA_ERR_INVALID;
	if ((ret = add_u64(a, TWOFA_LDAP_DEL, "twofaSeq", old->state.seq)) < 0)
		return ret;
	return add_u64(a, TWOFA_LDAP_ADDV, "twofaSeq", old->state.seq + 1);
}

int twofa_ldap_entry_cas(const struct twofa_record *old,
			 const struct twofa_state *ns,
			 struct twofa_ldap_avs *out)
{
	const struct twofa_state *os = &old->state;
	const char *guard = twofa_ldap_guard_attr(old->type);
	int ret;

	memset(out, 0, sizeof(*out));
	/* The guard only moves forward; a used code never comes back. */
	ret = TWOFA_ERR_INVALID;
	if (ns->next < os->next || (os->backup_used & ~ns->backup_used) != 0 ||
	    (ns->backup_used >> old->backup_count) != 0)
		goto out;
	if ((ret = seq_pair(old, out)) < 0)
		goto out;
	if (ns->next != os->next) {
		if (os->next > 0 &&
		    (ret = add_u64(out, TWOFA_LDAP_DEL, guard, os->next - 1)) <
			0)
			goto out;
		if ((ret = add_u64(out, TWOFA_LDAP_ADDV, guard, ns->next - 1)) <
		    0)
			goto out;
	}
	/* A burnt code's value leaves the entry. */
	if ((ret = add_backup_codes(out, TWOFA_LDAP_DEL, old,
				    ns->backup_used & ~os->backup_used)) < 0)
		goto out;
	if ((ret = add_u64(out, TWOFA_LDAP_REPL, "oathFailureCount",
			   ns->failures)) < 0 ||
	    (ret = add_u64(out, TWOFA_LDAP_REPL, "twofaLockedUntil",
			   ns->locked_until)) < 0)
		goto out;
	if (ns->last_success != os->last_success) {
		if (ns->last_success > 0)
			ret = add_time(out, TWOFA_LDAP_REPL, "oathLastLogin",
				       ns->last_success);
		else
			ret = twofa_ldap_avs_add(out, TWOFA_LDAP_REPL,
						 "oathLastLogin", NULL, 0);
		if (ret < 0)
			goto out;
	}
	ret = TWOFA_OK;
out:
	if (ret < 0)
		twofa_ldap_avs_free(out);
	return ret;
}

int twofa_ldap_entry_replace(const char *user, const char *base,
			     const struct twofa_record *old,
			     const struct twofa_record *rec,
			     struct twofa_ldap_avs *out)
{
	char dn[TWOFA_LDAP_ENTRY_DN_SIZE];
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = twofa_record_check(rec, NULL)) < 0 ||
	    (ret = twofa_ldap_entry_dn(user, base, dn, sizeof(dn))) < 0)
		return ret;
	if ((ret = seq_pair(old, out)) < 0 ||
	    (ret = put_config(dn, rec, TWOFA_LDAP_REPL, out)) < 0)
		twofa_ldap_avs_free(out);
	return ret;
}
