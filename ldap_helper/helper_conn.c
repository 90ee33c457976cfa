/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reaching the directory: every option set on the handle, nothing taken
 * from the environment or an ldaprc (main() has set LDAPNOINIT before the
 * first libldap call). TLS is required for ldap:// (StartTLS) and ldaps://
 * and the certificate always verified against ldap_tls_cacert or the
 * system's CAs; ldapi:// needs none. At most two connection attempts
 * (the URIs in order; the first again if there is only one), each bounded
 * by ldap_timeout for the connect and for every operation.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/safedir.h"
#include "helper.h"

#define SYSTEM_CAS  "/etc/ssl/certs/ca-certificates.crt"
#define BINDPW_MAX  1024

int helper_fail(struct reply *r, int rc, const char *what, const char *where)
{
	r->rc = rc;
	r->what = what;
	snprintf(r->where, sizeof(r->where), "%s", where ? where : "");
	return rc;
}

static int scheme_ok(const char *uri)
{
	return strncmp(uri, "ldap://", 7) == 0 ||
	       strncmp(uri, "ldaps://", 8) == 0 ||
	       strncmp(uri, "ldapi://", 8) == 0;
}

int helper_apply(struct helper *h, const struct helper_settings *set,
		 struct reply *r)
{
	char *p, *save = NULL;

	/*
	 * The daemon's spare was connected with its own twofa.conf; a
	 * session asking for exactly that keeps the connection.
	 */
	if (h->ld != NULL && memcmp(&h->set, set, sizeof(*set)) == 0)
		return TWOFA_OK;
	helper_disconnect(h);
	if (set->timeout == 0 || set->timeout > TWOFA_LDAP_TIMEOUT_MAX)
		return helper_fail(r, TWOFA_ERR_INVALID, "LDAP helper failed",
				   NULL);
	h->set = *set;
	memcpy(h->uris, set->uris, sizeof(h->uris));
	h->nuri = 0;
	for (p = strtok_r(h->uris, " \t", &save); p != NULL;
	     p = strtok_r(NULL, " \t", &save)) {
		if (h->nuri == HELPER_URIS || !scheme_ok(p)) {
			h->nuri = 0;
			return helper_fail(
			    r, TWOFA_ERR_CONFIG,
			    "ldap_uri not ldap://, ldaps:// or ldapi://", p);
		}
		h->uri[h->nuri++] = p;
	}
	if (h->nuri == 0 || set->base[0] == '\0') {
		h->nuri = 0;
		return helper_fail(r, TWOFA_ERR_CONFIG,
				   "ldap_uri or ldap_base not set", NULL);
	}
	return TWOFA_OK;
}

int helper_configure(struct helper *h, const struct twofa_msg *req,
		     struct reply *r)
{
	struct helper_settings set;
	uint64_t t;

	memset(&set, 0, sizeof(set));
	if (twofa_msg_get_str(req, "uri", set.uris, sizeof(set.uris)) < 0 ||
	    twofa_msg_get_str(req, "base", set.base, sizeof(set.base)) < 0 ||
	    twofa_msg_get_str(req, "binddn", set.binddn, sizeof(set.binddn)) <
		0 ||
	    twofa_msg_get_str(req, "bindpw_file", set.bindpw_file,
			      sizeof(set.bindpw_file)) < 0 ||
	    twofa_msg_get_str(req, "cacert", set.cacert, sizeof(set.cacert)) <
		0 ||
	    twofa_msg_get_u64(req, "timeout", &t) < 0 ||
	    t > TWOFA_LDAP_TIMEOUT_MAX)
		return helper_fail(r, TWOFA_ERR_INVALID, "LDAP helper failed",
				   NULL);
	set.timeout = (unsigned)t;
	return helper_apply(h, &set, r);
}

/*
 * The bind password: the first line of a root-owned 0600 regular file
 * with one link, reached without following a symbolic link.
 */
static int read_bindpw(const struct helper *h, char *pw, size_t pwsize,
		       struct reply *r)
{
	char dir[TWOFA_PATH_MAX + 1], name[TWOFA_PATH_MAX + 1];
	const char *bad = "bind password file unsafe or unreadable";
	struct stat sb;
	int dfd = -1, fd = -1, ret;
	ssize_t n;
	char *nl;

	pw[0] = '\0';
	snprintf(dir, sizeof(dir), "%s", h->set.bindpw_file);
	snprintf(name, sizeof(name), "%s", h->set.bindpw_file);
	ret = helper_fail(r, TWOFA_ERR_UNSAFE, bad, h->set.bindpw_file);
	if (h->set.bindpw_file[0] != '/' ||
	    twofa_dir_open(dirname(dir), 0, 0, &dfd, NULL) < 0)
		goto out;
	fd = openat(dfd, basename(name),
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_uid != 0 || (sb.st_mode & 077) || sb.st_nlink != 1 ||
	    sb.st_size >= (off_t)pwsize)
		goto out;
	n = read(fd, pw, pwsize - 1);
	if (n <= 0)
		goto out;
	pw[n] = '\0';
	if ((nl = strchr(pw, '\n')) != NULL)
		*nl = '\0';
	if (pw[0] == '\0' || strlen(pw) != strcspn(pw, "\r"))
		goto out;
	ret = helper_fail(r, TWOFA_OK, NULL, NULL);
out:
	if (ret != TWOFA_OK)
		twofa_wipe(pw, pwsize);
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	return ret;
}

void helper_disconnect(struct helper *h)
{
	if (h->ld != NULL)
		ldap_unbind_ext_s(h->ld, NULL, NULL);
	h->ld = NULL;
}

static int set_options(struct helper *h, LDAP *ld)
{
	struct timeval tv = {.tv_sec = h->set.timeout};
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND,
	    tls12 = LDAP_OPT_X_TLS_PROTOCOL_TLS1_2, zero = 0;
	const char *ca = h->set.cacert[0] ? h->set.cacert : SYSTEM_CAS;

	/*
	 * Referrals are not chased: a consumer must chain writes to the
	 * provider itself, and our credentials go to no other server.
	 */
	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3) ||
	    ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF) ||
	    ldap_set_option(ld, LDAP_OPT_RESTART, LDAP_OPT_OFF) ||
	    ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv) ||
	    ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, ca) ||
	    ldap_set_option(ld, LDAP_OPT_X_TLS_PROTOCOL_MIN, &tls12) ||
	    /* A context of this handle's own, with the options above. */
	    ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero))
		return -1;
	return 0;
}

/*
 * What went wrong on a connection: libldap reports a failed TLS handshake
 * of ldaps:// as "server down", with the reason only in the diagnostic
 * message ("certificate verify failed"); the message itself is not passed
 * on, only which of our static texts fits.
 */
static const char *why_down(LDAP *ld, const char *uri, int lrc,
			    const char *otherwise)
{
	char *diag = NULL;
	const char *what = otherwise;

	if (ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) ==
		LDAP_OPT_SUCCESS &&
	    diag != NULL &&
	    (strstr(diag, "certificate") != NULL || strstr(diag, "TLS") != NULL))
		what = "server certificate not verified";
	else if (lrc == LDAP_CONNECT_ERROR)
		what = "server certificate not verified";
	else if (lrc == LDAP_SERVER_DOWN && strncmp(uri, "ldaps://", 8) == 0)
		/* libldap does not tell these apart on ldaps://. */
		what = "directory unreachable or TLS handshake failed";
	else if (lrc == LDAP_SERVER_DOWN || lrc == LDAP_TIMEOUT)
		what = "directory unreachable";
	ldap_memfree(diag);
	return what;
}

/* One attempt at uri: connect, TLS, bind. */
static int connect_one(struct helper *h, const char *uri, struct reply *r)
{
	char pw[BINDPW_MAX];
	struct berval cred = {0, NULL};
	LDAP *ld = NULL;
	int lrc, ret, ldapi = strncmp(uri, "ldapi://", 8) == 0;

	if (ldap_initialize(&ld, uri) != LDAP_SUCCESS || ld == NULL)
		return helper_fail(r, TWOFA_ERR_CONFIG,
				   "ldap_uri not ldap://, ldaps:// or ldapi://",
				   uri);
	if (set_options(h, ld) < 0) {
		ret = helper_fail(r, TWOFA_ERR_UNAVAILABLE, "directory error",
				  uri);
		goto fail;
	}
	if (strncmp(uri, "ldap://", 7) == 0) {
		lrc = ldap_start_tls_s(ld, NULL, NULL);
		if (lrc != LDAP_SUCCESS) {
			ret = helper_fail(
			    r, TWOFA_ERR_UNAVAILABLE,
			    why_down(ld, uri, lrc,
				     "TLS required for ldap:// (StartTLS failed)"),
			    uri);
			goto fail;
		}
	}
	if (h->set.binddn[0] != '\0') {
		if ((ret = read_bindpw(h, pw, sizeof(pw), r)) < 0)
			goto fail;
		cred.bv_val = pw;
		cred.bv_len = strlen(pw);
		lrc = ldap_sasl_bind_s(ld, h->set.binddn, LDAP_SASL_SIMPLE, &cred,
				       NULL, NULL, NULL);
		twofa_wipe(pw, sizeof(pw));
	} else if (ldapi) {
		/* The peer's uid, as the server sees it on the socket. */
		lrc = ldap_sasl_bind_s(ld, NULL, "EXTERNAL", &cred, NULL, NULL,
				       NULL);
	} else {
		ret = helper_fail(r, TWOFA_ERR_CONFIG,
				  "ldap_binddn not set (anonymous is refused)",
				  uri);
		goto fail;
	}
	if (lrc != LDAP_SUCCESS) {
		ret = helper_fail(r, TWOFA_ERR_UNAVAILABLE,
				  why_down(ld, uri, lrc, "directory refused the bind"),
				  uri);
		goto fail;
	}
	h->ld = ld;
	h->where = uri;
	return TWOFA_OK;
fail:
	ldap_unbind_ext_s(ld, NULL, NULL);
	return ret;
}

int helper_connect(struct helper *h, struct reply *r)
{
	unsigned attempt;
	int ret = TWOFA_ERR_UNAVAILABLE;

	if (h->ld != NULL)
		return TWOFA_OK;
	for (attempt = 0; attempt < 2; attempt++) {
		const char *uri = h->uri[attempt < h->nuri ? attempt : 0];

		ret = connect_one(h, uri, r);
		/* A setting that is wrong stays wrong: no second try. */
		if (ret == TWOFA_OK || ret == TWOFA_ERR_CONFIG ||
		    ret == TWOFA_ERR_UNSAFE)
			break;
	}
	return ret;
}

int helper_ldap_error(struct helper *h, int lrc, const char *dn,
		      struct reply *r)
{
	switch (lrc) {
	case LDAP_NO_SUCH_OBJECT:
		return helper_fail(r, TWOFA_ERR_NO_RECORD, "no such entry", dn);
	case LDAP_NO_SUCH_ATTRIBUTE:	   /* a deleted value is gone */
	case LDAP_CONSTRAINT_VIOLATION:	   /* a single value was added */
	case LDAP_TYPE_OR_VALUE_EXISTS:	   /* the same */
	case LDAP_ASSERTION_FAILED:	   /* twofaSeq moved (delete) */
		return helper_fail(r, TWOFA_ERR_CONFLICT,
				   "entry changed meanwhile", dn);
	case LDAP_ALREADY_EXISTS:
		return helper_fail(r, TWOFA_ERR_EXISTS, "entry exists", dn);
	case LDAP_REFERRAL:
		return helper_fail(
		    r, TWOFA_ERR_UNAVAILABLE,
		    "referral not followed (send writes to the provider)", dn);
	case LDAP_SERVER_DOWN:
	case LDAP_CONNECT_ERROR:
		helper_disconnect(h);
		return helper_fail(r, TWOFA_ERR_UNAVAILABLE,
				   "directory unreachable", h->where);
	case LDAP_TIMEOUT:
	case LDAP_TIMELIMIT_EXCEEDED:
		/* The answer may still come: this connection is done. */
		helper_disconnect(h);
		return helper_fail(r, TWOFA_ERR_UNAVAILABLE,
				   "directory did not answer in time", h->where);
	default:
		return helper_fail(r, TWOFA_ERR_UNAVAILABLE,
				   "directory refused the operation", dn);
	}
}
