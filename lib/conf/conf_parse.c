/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The parser of twofa.conf (twofa.conf(5)): "key = value" lines and "#"
 * comment lines, pam_faillock's faillock.conf model, but strict: an
 * unknown or repeated key, a value of the wrong form or out of range, a
 * line without "=", a control character: the whole file is refused, and
 * nothing of it is used (fail closed; a typo must not quietly weaken the
 * policy).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "twofa/conf.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/record.h"
#include "twofa/uri.h"

#define LINE_MAX_LEN 4096 /* bytes of one line */
#define LDAP_URIS_MAX 8   /* URIs in ldap_uri */

enum kind { K_STORE, K_PATH, K_URIS, K_DN, K_UINT, K_INT, K_ISSUER, K_BOOL };

struct key {
	const char *name;
	enum kind kind;
	size_t field; /* offsetof in struct twofa_conf */
	size_t size;  /* of a text field; for numbers, sizeof the field */
	uint64_t min, max;
};

#define TEXT(name, kind, f)                                                    \
	{name, kind, offsetof(struct twofa_conf, f),                           \
	 sizeof(((struct twofa_conf *)0)->f), 0, 0}
#define NUM(name, kind, f, lo, hi)                                             \
	{name, kind, offsetof(struct twofa_conf, f),                           \
	 sizeof(((struct twofa_conf *)0)->f), lo, hi}

static const struct key keys[] = {
    TEXT("store", K_STORE, store_dir),
    TEXT("ldap_uri", K_URIS, ldap_uri),
    TEXT("ldap_base", K_DN, ldap_base),
    TEXT("ldap_binddn", K_DN, ldap_binddn),
    TEXT("ldap_bindpw_file", K_PATH, ldap_bindpw_file),
    TEXT("ldap_tls_cacert", K_PATH, ldap_tls_cacert),
    NUM("ldap_timeout", K_UINT, ldap_timeout, 1, TWOFA_LDAP_TIMEOUT_MAX),
    TEXT("record_key", K_PATH, record_key),
    NUM("require_encrypted", K_BOOL, require_encrypted, 0, 1),
    NUM("deny", K_UINT, deny, 0, TWOFA_DENY_MAX),
    NUM("unlock_time", K_UINT, unlock_time, 0, TWOFA_UNLOCK_MAX),
    NUM("window", K_INT, window, 0, TWOFA_WINDOW_MAX),
    TEXT("issuer", K_ISSUER, issuer),
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static int fail(struct twofa_parse_error *why, unsigned line, const char *what)
{
	if (why != NULL) {
		why->line = line;
		why->what = what;
	}
	return TWOFA_ERR_CONFIG;
}

/* Printable ASCII or UTF-8 bytes: no control character, no DEL. */
static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

/* An absolute path without "." or ".." components or "//". */
static const char *path_problem(const char *v, size_t n)
{
	const char *p = v, *end = v + n;

	if (n == 0 || v[0] != '/')
		return "want an absolute path";
	while (p < end) {
		const char *q = memchr(p + 1, '/', (size_t)(end - p - 1));
		size_t len = (size_t)((q ? q : end) - p - 1);

		if (len == 0 && q != NULL)
			return "empty path component";
		if ((len == 1 && p[1] == '.') ||
		    (len == 2 && p[1] == '.' && p[2] == '.'))
			return "path has . or ..";
		if (q == NULL)
			break;
		p = q;
	}
	return NULL;
}

/* Space-separated ldap://, ldaps:// or ldapi:// URIs. */
static const char *uris_problem(const char *v, size_t n)
{
	const char *w[LDAP_URIS_MAX + 1];
	size_t wl[LDAP_URIS_MAX + 1], count, i;
	static const char *const schemes[] = {"ldap://", "ldaps://",
					      "ldapi://"};

	count = twofa_split_words(v, n, " ", w, wl, LDAP_URIS_MAX);
	if (count == 0)
		return "want one or more LDAP URIs";
	if (count > LDAP_URIS_MAX)
		return "too many URIs (at most 8)";
	for (i = 0; i < count; i++) {
		size_t s, ok = 0;

		for (s = 0; s < 3; s++) {
			size_t sl = strlen(schemes[s]);

			/* Something must follow "ldap://" unless ldapi. */
			if (wl[i] >= sl && memcmp(w[i], schemes[s], sl) == 0 &&
			    (wl[i] > sl || s == 2))
				ok = 1;
		}
		if (!ok)
			return "want ldap://, ldaps:// or ldapi:// URIs";
	}
	return NULL;
}

/* A distinguished name: "attr=value[,...]" (checked by the server). */
static const char *dn_problem(const char *v, size_t n)
{
	if (memchr(v, '=', n) == NULL || v[0] == '=' || v[0] == ',')
		return "want a distinguished name (cn=...,dc=...)";
	return NULL;
}

static int set_value(struct twofa_conf *c, const struct key *k, const char *v,
		     size_t n, unsigned line, struct twofa_parse_error *why)
{
	char *field = (char *)c + k->field;
	const char *problem = NULL;
	uint64_t num = 0;

	switch (k->kind) {
	case K_UINT:
	case K_INT:
		if (twofa_parse_u64(v, n, k->max, &num) != TWOFA_OK ||
		    num < k->min)
			return fail(why, line, "number out of range");
		if (k->kind == K_INT)
			*(int *)(void *)field = (int)num;
		else if (k->size == sizeof(uint64_t))
			*(uint64_t *)(void *)field = num;
		else
			*(unsigned *)(void *)field = (unsigned)num;
		return TWOFA_OK;
	case K_BOOL:
		/* Only the two words: "1", "true" or "on" are typos here. */
		if (n == 3 && memcmp(v, "yes", 3) == 0)
			*(bool *)(void *)field = true;
		else if (n == 2 && memcmp(v, "no", 2) == 0)
			*(bool *)(void *)field = false;
		else
			return fail(why, line, "want yes or no");
		return TWOFA_OK;
	case K_STORE:
		if (n == 4 && memcmp(v, "ldap", 4) == 0) {
			c->store_kind = TWOFA_STORE_LDAP;
			return TWOFA_OK;
		}
		problem = path_problem(v, n);
		if (problem == NULL)
			c->store_kind = TWOFA_STORE_FILE;
		break;
	case K_PATH:
		problem = path_problem(v, n);
		break;
	case K_URIS:
		problem = uris_problem(v, n);
		break;
	case K_DN:
		problem = dn_problem(v, n);
		break;
	case K_ISSUER:
		break; /* checked once copied */
	}
	if (problem != NULL)
		return fail(why, line, problem);
	if (n >= k->size)
		return fail(why, line, "value too long");
	memcpy(field, v, n);
	field[n] = '\0';
	if (k->kind == K_ISSUER && !twofa_uri_issuer_valid(field))
		return fail(why, line, "issuer must not contain ':'");
	if (k->field == offsetof(struct twofa_conf, record_key))
		c->record_key_set = true;
	return TWOFA_OK;
}

/* Trim spaces and tabs at both ends of s[0..*n). */
static const char *trim(const char *s, size_t *n)
{
	while (*n > 0 && (s[0] == ' ' || s[0] == '\t')) {
		s++;
		(*n)--;
	}
	while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t'))
		(*n)--;
	return s;
}

static int parse_line(struct twofa_conf *c, const char *s, size_t n,
		      unsigned line, unsigned *seen,
		      struct twofa_parse_error *why)
{
	const char *eq, *key, *val, *t;
	size_t kn, vn, i;

	/* Tabs are spacing; any other control character is refused. */
	for (i = 0; i < n; i++) {
		if (s[i] == '\t')
			continue;
		if (!printable(s + i, 1))
			return fail(why, line, "control character");
	}
	t = trim(s, &n); /* the line without its spacing: t[0..n) */
	if (n == 0 || t[0] == '#')
		return TWOFA_OK;
	eq = memchr(t, '=', n);
	if (eq == NULL)
		return fail(why, line, "want key = value");
	kn = (size_t)(eq - t);
	key = trim(t, &kn);
	vn = (size_t)(t + n - (eq + 1));
	val = trim(eq + 1, &vn);
	if (vn == 0)
		return fail(why, line, "empty value");
	for (i = 0; i < N_KEYS; i++) {
		if (strlen(keys[i].name) == kn &&
		    memcmp(keys[i].name, key, kn) == 0)
			break;
	}
	if (i == N_KEYS)
		return fail(why, line, "unknown key");
	if (*seen & (1u << i))
		return fail(why, line, "key repeated");
	*seen |= 1u << i;
	return set_value(c, &keys[i], val, vn, line, why);
}

/* What the keys given say together. */
static int check_whole(const struct twofa_conf *c, unsigned seen,
		       struct twofa_parse_error *why)
{
	bool binddn = c->ldap_binddn[0] != '\0';
	bool pwfile = c->ldap_bindpw_file[0] != '\0';

	(void)seen;
	if (c->store_kind == TWOFA_STORE_LDAP &&
	    (c->ldap_uri[0] == '\0' || c->ldap_base[0] == '\0'))
		return fail(why, 0, "store = ldap needs ldap_uri and ldap_base");
	if (binddn != pwfile)
		return fail(why, 0,
			    "ldap_binddn and ldap_bindpw_file go together");
	return TWOFA_OK;
}

int twofa_conf_parse(const char *text, size_t len, struct twofa_conf *conf,
		     struct twofa_parse_error *why)
{
	struct twofa_conf c = *conf;
	const char *p = text, *end = text + len;
	unsigned line = 0, seen = 0;
	int ret = TWOFA_OK;

	if (why != NULL) {
		why->line = 0;
		why->what = NULL;
	}
	if (memchr(text, '\0', len) != NULL) {
		/* Not a text file; find the line for the message. */
		const char *z = memchr(text, '\0', len);

		for (line = 1; p < z; p++)
			line += *p == '\n';
		return fail(why, line, "NUL byte");
	}
	while (p < end && ret == TWOFA_OK) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		line++;
		if (n > LINE_MAX_LEN)
			ret = fail(why, line, "line too long");
		else
			ret = parse_line(&c, p, n, line, &seen, why);
		p = nl ? nl + 1 : end;
	}
	if (ret == TWOFA_OK)
		ret = check_whole(&c, seen, why);
	if (ret == TWOFA_OK)
		*conf = c;
	twofa_wipe(&c, sizeof(c));
	return ret;
}
