/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * list: the user names of every entry one level below ldap_base that is a
 * twofaState, read in pages (RFC 2696) so a server's size limit does not
 * cut a large fleet short. A name is the value of the entry's RDN, and
 * only names twofa(5) allows are listed.
 */
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/user.h"
#include "helper.h"

#define PAGE 500

struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		char **nv = realloc(s->v, cap * sizeof(*nv));

		if (nv == NULL)
			return TWOFA_ERR_NOMEM;
		s->v = nv;
		s->cap = cap;
	}
	if ((s->v[s->n] = strdup(name)) == NULL)
		return TWOFA_ERR_NOMEM;
	s->n++;
	return TWOFA_OK;
}

static void names_free(struct names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of one page's entries. */
static int page_names(LDAP *ld, LDAPMessage *res, struct names *s)
{
	LDAPMessage *e;
	int ret = TWOFA_OK;

	for (e = ldap_first_entry(ld, res); e != NULL && ret == TWOFA_OK;
	     e = ldap_next_entry(ld, e)) {
		char *dn = ldap_get_dn(ld, e), **rdn = NULL;

		if (dn != NULL)
			rdn = ldap_explode_dn(dn, 1);
		if (rdn != NULL && rdn[0] != NULL && twofa_user_valid(rdn[0]))
			ret = names_add(s, rdn[0]);
		if (rdn != NULL)
			ldap_value_free(rdn);
		ldap_memfree(dn);
	}
	return ret;
}

int helper_list(struct helper *h, struct twofa_msg *rep, struct reply *r)
{
	static char no_attrs[] = LDAP_NO_ATTRS;
	char *attrs[] = {no_attrs, NULL};
	struct timeval tv = {.tv_sec = h->set.timeout};
	struct berval *cookie = NULL;
	struct names s = {NULL, 0, 0};
	unsigned char *buf = NULL;
	size_t i, len = 0;
	int ret;

	if ((ret = helper_connect(h, r)) < 0)
		return ret;
	do {
		LDAPControl *page = NULL, *ctrls[2] = {NULL, NULL}, **rc = NULL,
			    *pr;
		LDAPMessage *res = NULL;
		struct berval next = {0, NULL};
		ber_int_t count;
		int lrc, err = LDAP_OTHER;

		if (ldap_create_page_control(h->ld, PAGE, cookie, 1, &page) !=
		    LDAP_SUCCESS) {
			ret = helper_fail(r, TWOFA_ERR_NOMEM, NULL, NULL);
			break;
		}
		ctrls[0] = page;
		lrc = ldap_search_ext_s(h->ld, h->set.base, LDAP_SCOPE_ONELEVEL,
					"(objectClass=twofaState)", attrs, 0,
					ctrls, NULL, &tv, 0, &res);
		ldap_control_free(page);
		if (lrc == LDAP_SUCCESS)
			ldap_parse_result(h->ld, res, &err, NULL, NULL, NULL,
					  &rc, 0);
		if (lrc != LDAP_SUCCESS || err != LDAP_SUCCESS) {
			ret = helper_ldap_error(
			    h, lrc != LDAP_SUCCESS ? lrc : err, h->set.base, r);
			ldap_controls_free(rc);
			ldap_msgfree(res);
			break;
		}
		ret = page_names(h->ld, res, &s);
		ber_bvfree(cookie);
		cookie = NULL;
		pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rc, NULL);
		if (ret == TWOFA_OK && pr != NULL &&
		    ldap_parse_pageresponse_control(h->ld, pr, &count,
						    &next) == LDAP_SUCCESS &&
		    next.bv_len > 0)
			cookie = ber_bvdup(&next);
		ber_memfree(next.bv_val);
		ldap_controls_free(rc);
		ldap_msgfree(res);
		if (ret != TWOFA_OK)
			helper_fail(r, ret, NULL, NULL);
	} while (ret == TWOFA_OK && cookie != NULL);
	ber_bvfree(cookie);
	if (ret != TWOFA_OK)
		goto out;
	qsort(s.v, s.n, sizeof(*s.v), cmp);
	for (i = 0; i < s.n; i++)
		len += strlen(s.v[i]) + 1;
	buf = malloc(len ? len : 1);
	if (buf == NULL) {
		ret = helper_fail(r, TWOFA_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	for (len = 0, i = 0; i < s.n; i++) {
		size_t n = strlen(s.v[i]) + 1;

		memcpy(buf + len, s.v[i], n);
		len += n;
	}
	ret = twofa_msg_put(rep, "users", buf, len);
	if (ret != TWOFA_OK)
		helper_fail(r, ret, NULL, NULL);
out:
	free(buf);
	names_free(&s);
	return ret;
}
