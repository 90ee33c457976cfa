/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The store requests as LDAP operations (SPEC §7): load = base search
 * (noSuchObject = no record), every change = one Modify that deletes the
 * old twofaSeq and adds the next (entry.c builds it), create = Add,
 * remove = Delete under an assertion on twofaSeq, list = one-level search
 * in pages. Nothing is retried here: a change whose answer is lost counts
 * as refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/user.h"
#include "store/ldap/escape.h"
#include "helper.h"

#define MODS_MAX TWOFA_LDAP_AV_MAX

/* An avs list as LDAPMod[] (consecutive same op + attribute together). */
struct mods {
	LDAPMod m[MODS_MAX];
	LDAPMod *mp[MODS_MAX + 1];
	struct berval bv[TWOFA_LDAP_AV_MAX];
	struct berval *bvp[TWOFA_LDAP_AV_MAX + MODS_MAX];
};

static int op_of(enum twofa_ldap_op op)
{
	switch (op) {
	case TWOFA_LDAP_DEL:
	case TWOFA_LDAP_DELALL:
		return LDAP_MOD_DELETE;
	case TWOFA_LDAP_REPL:
		return LDAP_MOD_REPLACE;
	default:
		return LDAP_MOD_ADD;
	}
}

static void mods_build(const struct twofa_ldap_avs *a, struct mods *m)
{
	unsigned i, nm = 0, nb = 0;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < a->n; i++) {
		const struct twofa_ldap_av *v = &a->v[i];

		if (i == 0 || v->op != a->v[i - 1].op ||
		    strcmp(v->attr, a->v[i - 1].attr) != 0) {
			if (nm > 0)
				m->bvp[nb++] = NULL;
			m->m[nm].mod_op = op_of(v->op) | LDAP_MOD_BVALUES;
			/* libldap does not write to it; its API just lacks const. */
			m->m[nm].mod_type = (char *)(uintptr_t)v->attr;
			m->m[nm].mod_bvalues = &m->bvp[nb];
			m->mp[nm] = &m->m[nm];
			nm++;
		}
		if (v->val != NULL) {
			m->bv[i].bv_val = (char *)v->val;
			m->bv[i].bv_len = v->len;
			m->bvp[nb++] = &m->bv[i];
		}
	}
	if (nm > 0)
		m->bvp[nb] = NULL;
	m->mp[nm] = NULL;
}

/* Every value of the entry e as TWOFA_LDAP_ATTR pairs. */
static int entry_values(LDAP *ld, LDAPMessage *e, struct twofa_ldap_avs *out)
{
	static const char *const *names = twofa_ldap_load_attrs;
	BerElement *ber = NULL;
	char *attr;
	int ret = TWOFA_OK;

	memset(out, 0, sizeof(*out));
	for (attr = ldap_first_attribute(ld, e, &ber);
	     attr != NULL && ret == TWOFA_OK;
	     attr = ldap_next_attribute(ld, e, ber)) {
		struct berval **vals = ldap_get_values_len(ld, e, attr);
		const char *name = NULL;
		size_t k;

		/* Only names of our static table go into the list. */
		for (k = 0; names[k] != NULL; k++)
			if (strcasecmp(names[k], attr) == 0)
				name = names[k];
		for (k = 0; name && vals && vals[k] && ret == TWOFA_OK; k++)
			ret = twofa_ldap_avs_add(out, TWOFA_LDAP_ATTR, name,
						 vals[k]->bv_val,
						 vals[k]->bv_len);
		if (vals != NULL) {
			for (k = 0; vals[k]; k++)
				twofa_wipe(vals[k]->bv_val, vals[k]->bv_len);
			ldap_value_free_len(vals);
		}
		ldap_memfree(attr);
	}
	if (ber != NULL)
		ber_free(ber, 0);
	if (ret != TWOFA_OK)
		twofa_ldap_avs_free(out);
	return ret;
}

static int user_dn(struct helper *h, const char *user, char *dn, size_t n,
		   struct reply *r)
{
	int ret = twofa_ldap_entry_dn(user, h->set.base, dn, n);

	if (ret < 0)
		return helper_fail(r, ret, "directory error", user);
	return helper_connect(h, r);
}

/*
 * Every read of a user's entry carries the Don't Use Copy control (RFC
 * 6171, critical): a consumer hands it to the provider instead of
 * answering from a copy that may lag behind the last change. A decision
 * (a login, an unlock, nullok's "no record") is then never made on old
 * state; the change needs the provider anyway. Listing reads the copy.
 */
static char dont_use_copy_oid[] = LDAP_CONTROL_DONTUSECOPY;
static LDAPControl dont_use_copy = {dont_use_copy_oid, {0, NULL}, 1};
static LDAPControl *fresh_read[] = {&dont_use_copy, NULL};

/* The entry of user as a record. */
static int load_record(struct helper *h, const char *user,
		       struct twofa_record *rec, struct reply *r)
{
	LDAPControl **ctrls = fresh_read;
	char dn[TWOFA_LDAP_ENTRY_DN_SIZE];
	struct timeval tv = {.tv_sec = h->set.timeout};
	struct twofa_ldap_avs avs;
	struct twofa_parse_error pe = {0, NULL};
	LDAPMessage *res = NULL, *e;
	int lrc, ret;

	memset(&avs, 0, sizeof(avs));
	if ((ret = user_dn(h, user, dn, sizeof(dn), r)) < 0)
		return ret;
	char *attrs[TWOFA_LDAP_LOAD_ATTRS + 1];
	size_t k;

	for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++)
		attrs[k] = (char *)(uintptr_t)twofa_ldap_load_attrs[k];
	lrc = ldap_search_ext_s(h->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
				attrs, 0, ctrls, NULL, &tv, 2, &res);
	if (lrc != LDAP_SUCCESS) {
		ret = helper_ldap_error(h, lrc, dn, r);
		goto out;
	}
	e = ldap_first_entry(h->ld, res);
	if (e == NULL) {
		ret = helper_fail(r, TWOFA_ERR_NO_RECORD, "no such entry", dn);
		goto out;
	}
	if ((ret = entry_values(h->ld, e, &avs)) < 0) {
		helper_fail(r, ret, "directory error", dn);
		goto out;
	}
	if ((ret = twofa_ldap_entry_parse(&avs, rec, &pe)) < 0)
		helper_fail(r, ret, "entry malformed", dn);
out:
	twofa_ldap_avs_free(&avs);
	if (res != NULL)
		ldap_msgfree(res);
	return ret;
}

int helper_load(struct helper *h, const char *user, struct twofa_msg *rep,
		struct reply *r)
{
	struct twofa_record *rec = malloc(sizeof(*rec));
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (rec == NULL)
		return helper_fail(r, TWOFA_ERR_NOMEM, NULL, NULL);
	ret = load_record(h, user, rec, r);
	if (ret == TWOFA_OK && (ret = twofa_record_format(rec, &text, &len)) ==
				   TWOFA_OK)
		ret = twofa_msg_put(rep, "rec", text, len);
	if (ret < 0 && r->rc == TWOFA_OK)
		helper_fail(r, ret, "directory error", user);
	twofa_freezero(text, len);
	twofa_record_wipe(rec);
	free(rec);
	return ret;
}

/* One Modify of user's entry; its new twofaSeq goes into the reply. */
static int modify(struct helper *h, const char *user,
		  const struct twofa_ldap_avs *avs, uint64_t newseq,
		  struct twofa_msg *rep, struct reply *r)
{
	char dn[TWOFA_LDAP_ENTRY_DN_SIZE];
	struct mods *m;
	int lrc, ret;

	if ((ret = user_dn(h, user, dn, sizeof(dn), r)) < 0)
		return ret;
	m = malloc(sizeof(*m));
	if (m == NULL)
		return helper_fail(r, TWOFA_ERR_NOMEM, NULL, NULL);
	mods_build(avs, m);
	lrc = ldap_modify_ext_s(h->ld, dn, m->mp, NULL, NULL);
	free(m);
	/* A vanished entry is a lost race too: load again to see it. */
	if (lrc == LDAP_NO_SUCH_OBJECT)
		return helper_fail(r, TWOFA_ERR_CONFLICT,
				   "entry changed meanwhile", dn);
	if (lrc != LDAP_SUCCESS)
		return helper_ldap_error(h, lrc, dn, r);
	return twofa_msg_put_u64(rep, "seq", newseq);
}

int helper_cas(struct helper *h, const char *user,
	       const struct twofa_record *old, const struct twofa_record *rec,
	       struct twofa_msg *rep, struct reply *r)
{
	struct twofa_ldap_avs avs;
	int ret;

	if ((ret = twofa_ldap_entry_cas(old, &rec->state, &avs)) < 0)
		return helper_fail(r, ret, "directory error", user);
	ret = modify(h, user, &avs, old->state.seq + 1, rep, r);
	twofa_ldap_avs_free(&avs);
	return ret;
}

int helper_replace(struct helper *h, const char *user,
		   const struct twofa_record *old,
		   const struct twofa_record *rec, struct twofa_msg *rep,
		   struct reply *r)
{
	struct twofa_ldap_avs avs;
	int ret;

	if ((ret = twofa_ldap_entry_replace(user, h->set.base, old, rec, &avs)) <
	    0)
		return helper_fail(r, ret, "directory error", user);
	ret = modify(h, user, &avs, old->state.seq + 1, rep, r);
	twofa_ldap_avs_free(&avs);
	return ret;
}

int helper_remove(struct helper *h, const char *user,
		  const struct twofa_record *old, struct reply *r)
{
	char dn[TWOFA_LDAP_ENTRY_DN_SIZE], assertion[64];
	LDAPControl *ctrl = NULL, *ctrls[2] = {NULL, NULL};
	int lrc, ret;

	if ((ret = user_dn(h, user, dn, sizeof(dn), r)) < 0)
		return ret;
	/* Delete only the entry as loaded (RFC 4528 assertion). */
	snprintf(assertion, sizeof(assertion), "(twofaSeq=%llu)",
		 (unsigned long long)old->state.seq);
	if (ldap_create_assertion_control(h->ld, assertion, 1, &ctrl) !=
	    LDAP_SUCCESS)
		return helper_fail(r, TWOFA_ERR_NOMEM, NULL, NULL);
	ctrls[0] = ctrl;
	lrc = ldap_delete_ext_s(h->ld, dn, ctrls, NULL);
	ldap_control_free(ctrl);
	if (lrc == LDAP_NO_SUCH_OBJECT)
		return helper_fail(r, TWOFA_ERR_CONFLICT,
				   "entry changed meanwhile", dn);
	if (lrc != LDAP_SUCCESS)
		return helper_ldap_error(h, lrc, dn, r);
	return TWOFA_OK;
}

/* twofaSeq of an existing entry, however broken the rest of it is. */
static int current_seq(struct helper *h, const char *dn, uint64_t *seq,
		       struct reply *r)
{
	static char seq_attr[] = "twofaSeq";
	char *attrs[] = {seq_attr, NULL};
	struct timeval tv = {.tv_sec = h->set.timeout};
	LDAPMessage *res = NULL, *e;
	struct berval **v = NULL;
	int lrc, ret = TWOFA_ERR_MALFORMED;

	*seq = 0;
	lrc = ldap_search_ext_s(h->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
				attrs, 0, fresh_read, NULL, &tv, 2, &res);
	if (lrc != LDAP_SUCCESS) {
		ret = helper_ldap_error(h, lrc, dn, r);
		goto out;
	}
	if ((e = ldap_first_entry(h->ld, res)) == NULL) {
		ret = helper_fail(r, TWOFA_ERR_CONFLICT,
				  "entry changed meanwhile", dn);
		goto out;
	}
	v = ldap_get_values_len(h->ld, e, "twofaSeq");
	if (v != NULL && v[0] != NULL && v[1] == NULL &&
	    twofa_parse_u64(v[0]->bv_val, v[0]->bv_len, UINT64_MAX - 1, seq) ==
		TWOFA_OK)
		ret = TWOFA_OK;
	else
		helper_fail(r, ret, "entry malformed", dn);
out:
	if (v != NULL)
		ldap_value_free_len(v);
	if (res != NULL)
		ldap_msgfree(res);
	return ret;
}

int helper_create(struct helper *h, const char *user,
		  const struct twofa_record *rec, int force, struct reply *r)
{
	char dn[TWOFA_LDAP_ENTRY_DN_SIZE];
	struct twofa_ldap_avs avs;
	struct twofa_record *old = NULL;
	struct twofa_msg scratch;
	struct mods *m = NULL;
	int lrc, ret;

	memset(&avs, 0, sizeof(avs));
	twofa_msg_init(&scratch);
	if ((ret = user_dn(h, user, dn, sizeof(dn), r)) < 0)
		return ret;
	if ((ret = twofa_ldap_entry_build(user, h->set.base, rec, &avs)) < 0 ||
	    (m = malloc(sizeof(*m))) == NULL) {
		helper_fail(r, ret < 0 ? ret : TWOFA_ERR_NOMEM,
			    "directory error", dn);
		ret = r->rc;
		goto out;
	}
	mods_build(&avs, m);
	lrc = ldap_add_ext_s(h->ld, dn, m->mp, NULL, NULL);
	if (lrc == LDAP_SUCCESS) {
		ret = helper_fail(r, TWOFA_OK, NULL, NULL);
		goto out;
	}
	if (lrc != LDAP_ALREADY_EXISTS || !force) {
		ret = helper_ldap_error(h, lrc, dn, r);
		goto out;
	}
	/*
	 * --force over an existing entry: one Modify that replaces
	 * everything under the guard, never Delete + Add (in between, the
	 * user would read as not enrolled, which nullok lets in).
	 */
	old = calloc(1, sizeof(*old));
	if (old == NULL) {
		ret = helper_fail(r, TWOFA_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if ((ret = current_seq(h, dn, &old->state.seq, r)) < 0)
		goto out;
	ret = helper_replace(h, user, old, rec, &scratch, r);
out:
	free(m);
	free(old);
	twofa_msg_free(&scratch);
	twofa_ldap_avs_free(&avs);
	return ret;
}

int helper_exists(struct helper *h, const char *user, struct reply *r)
{
	char dn[TWOFA_LDAP_ENTRY_DN_SIZE];
	static char no_attrs[] = LDAP_NO_ATTRS;
	char *attrs[] = {no_attrs, NULL};
	struct timeval tv = {.tv_sec = h->set.timeout};
	LDAPMessage *res = NULL;
	int lrc, ret;

	if ((ret = user_dn(h, user, dn, sizeof(dn), r)) < 0)
		return ret;
	lrc = ldap_search_ext_s(h->ld, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
				attrs, 0, fresh_read, NULL, &tv, 2, &res);
	if (lrc != LDAP_SUCCESS)
		ret = helper_ldap_error(h, lrc, dn, r);
	else if (ldap_first_entry(h->ld, res) == NULL)
		ret = helper_fail(r, TWOFA_ERR_NO_RECORD, "no such entry", dn);
	if (res != NULL)
		ldap_msgfree(res);
	return ret;
}

/*
 * The directory's part of a decoy login (a user without an entry): the
 * reads and the durable write a failed login of an enrolled user costs,
 * on an entry that holds no secret, cn=.twofa-decoy (no user can have the
 * name: it starts with a dot). The write is an increment, which never
 * conflicts; the entry is made by the first decoy.
 */
int helper_decoy(struct helper *h, struct reply *r)
{
	static char seq[] = "twofaSeq", one[] = "1";
	struct berval bv = {1, one}, *bvs[] = {&bv, NULL};
	LDAPMod inc = {LDAP_MOD_INCREMENT | LDAP_MOD_BVALUES, seq,
		       {.modv_bvals = bvs}};
	LDAPMod *mods[] = {&inc, NULL};
	char dn[TWOFA_LDAP_ENTRY_DN_SIZE];
	struct twofa_ldap_avs avs;
	struct mods *m;
	int lrc, ret, n;

	if ((ret = helper_connect(h, r)) < 0)
		return ret;
	n = snprintf(dn, sizeof(dn), "cn=.twofa-decoy,%s", h->set.base);
	if (n < 0 || (size_t)n >= sizeof(dn))
		return helper_fail(r, TWOFA_ERR_TOO_BIG, NULL, NULL);
	ret = current_seq(h, dn, &(uint64_t){0}, r);
	if (ret == TWOFA_OK || ret == TWOFA_ERR_NO_RECORD /* not there yet */) {
		lrc = ldap_modify_ext_s(h->ld, dn, mods, NULL, NULL);
		if (lrc == LDAP_SUCCESS)
			return helper_fail(r, TWOFA_OK, NULL, NULL);
		if (lrc != LDAP_NO_SUCH_OBJECT)
			return helper_ldap_error(h, lrc, dn, r);
	} else
		return ret;
	memset(&avs, 0, sizeof(avs));
	if (twofa_ldap_avs_add(&avs, TWOFA_LDAP_ATTR, "objectClass", "device",
			       6) < 0 ||
	    twofa_ldap_avs_add(&avs, TWOFA_LDAP_ATTR, "objectClass",
			       "twofaState", 10) < 0 ||
	    twofa_ldap_avs_add(&avs, TWOFA_LDAP_ATTR, "cn", ".twofa-decoy",
			       12) < 0 ||
	    twofa_ldap_avs_add(&avs, TWOFA_LDAP_ATTR, "twofaSeq", "1", 1) < 0 ||
	    twofa_ldap_avs_add(&avs, TWOFA_LDAP_ATTR, "twofaLockedUntil", "0",
			       1) < 0 ||
	    (m = malloc(sizeof(*m))) == NULL) {
		twofa_ldap_avs_free(&avs);
		return helper_fail(r, TWOFA_ERR_NOMEM, NULL, NULL);
	}
	mods_build(&avs, m);
	lrc = ldap_add_ext_s(h->ld, dn, m->mp, NULL, NULL);
	free(m);
	twofa_ldap_avs_free(&avs);
	if (lrc != LDAP_SUCCESS && lrc != LDAP_ALREADY_EXISTS)
		return helper_ldap_error(h, lrc, dn, r);
	return helper_fail(r, TWOFA_OK, NULL, NULL);
}
