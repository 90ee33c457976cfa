/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-ldap: serves the directory store's requests (lib/store/ldap/
 * proto.h) on descriptor 0, a socket the caller holds the other end of,
 * until EOF. Started by lib/store/ldap/ldap_ops.c from its installed path;
 * it takes nothing from its arguments, and before the first libldap call
 * it drops whatever environment it was given but LDAPNOINIT=1, so neither
 * LDAP* variables nor an ldaprc in a home or working directory can change
 * how the directory is reached, however it was started.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/user.h"
#include "helper.h"

/* A record field of the request, parsed strictly. */
static int get_record(const struct twofa_msg *req, const char *name,
		      struct twofa_record *rec, struct reply *r)
{
	const unsigned char *text;
	size_t len, off;
	unsigned slot;

	if (twofa_msg_get(req, name, &text, &len) < 0 ||
	    twofa_record_parse((const char *)text, len, rec, &off, &slot,
			       NULL) < 0)
		return helper_fail(r, TWOFA_ERR_INVALID, "LDAP helper failed",
				   NULL);
	return TWOFA_OK;
}

int helper_open_checked(struct helper *h, struct reply *r)
{
	static char no_attrs[] = LDAP_NO_ATTRS;
	char *attrs[] = {no_attrs, NULL};
	struct timeval tv;
	bool reused = h->ld != NULL;
	int ret, lrc, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		LDAPMessage *res = NULL;

		if ((ret = helper_connect(h, r)) < 0)
			return ret;
		/*
		 * ldap_base must be there: an ACL that hides it would make
		 * every user read as "no record", which nullok lets in. On a
		 * daemon's kept connection this is also the check that the
		 * server has not closed it meanwhile (restarted): then once
		 * more on a new one.
		 */
		tv.tv_sec = h->set.timeout;
		tv.tv_usec = 0;
		lrc = ldap_search_ext_s(h->ld, h->set.base, LDAP_SCOPE_BASE,
					"(objectClass=*)", attrs, 0, NULL, NULL,
					&tv, 1, &res);
		if (res != NULL)
			ldap_msgfree(res);
		if (lrc == LDAP_SUCCESS)
			return TWOFA_OK;
		if (lrc == LDAP_NO_SUCH_OBJECT)
			return helper_fail(r, TWOFA_ERR_CONFIG,
					   "ldap_base not found or not readable",
					   h->set.base);
		if (!reused || attempt > 0 ||
		    (lrc != LDAP_SERVER_DOWN && lrc != LDAP_CONNECT_ERROR))
			break;
		helper_disconnect(h);
	}
	return helper_ldap_error(h, lrc, h->set.base, r);
}

/* open: the settings, then a connection, and ldap_base must be there. */
static int do_open(struct helper *h, const struct twofa_msg *req,
		   struct reply *r)
{
	int ret;

	if ((ret = helper_configure(h, req, r)) < 0)
		return ret;
	return helper_open_checked(h, r);
}

static int dispatch(struct helper *h, const struct twofa_msg *req,
		    struct twofa_msg *rep, struct reply *r)
{
	char op[16], user[TWOFA_USER_MAX + 1];
	struct twofa_record *old, *rec;
	int ret = TWOFA_ERR_INVALID, force;
	const unsigned char *v;
	size_t vl;

	if (twofa_msg_get_str(req, "op", op, sizeof(op)) < 0)
		return helper_fail(r, TWOFA_ERR_INVALID, "LDAP helper failed",
				   NULL);
	if (strcmp(op, "open") == 0)
		return do_open(h, req, r);
	if (h->nuri == 0)
		return helper_fail(r, TWOFA_ERR_INVALID, "LDAP helper failed",
				   NULL);
	if (strcmp(op, "list") == 0)
		return helper_list(h, rep, r);
	if (strcmp(op, "decoy") == 0)
		return helper_decoy(h, r);
	if (twofa_msg_get_str(req, "user", user, sizeof(user)) < 0 ||
	    !twofa_user_valid(user))
		return helper_fail(r, TWOFA_ERR_BAD_USER, "LDAP helper failed",
				   NULL);
	force = twofa_msg_get(req, "force", &v, &vl) == TWOFA_OK;
	old = calloc(1, sizeof(*old));
	rec = calloc(1, sizeof(*rec));
	if (old == NULL || rec == NULL) {
		ret = helper_fail(r, TWOFA_ERR_NOMEM, NULL, NULL);
		goto out;
	}
	if (strcmp(op, "load") == 0)
		ret = helper_load(h, user, rep, r);
	else if (strcmp(op, "exists") == 0)
		ret = helper_exists(h, user, r);
	else if (strcmp(op, "create") == 0) {
		if ((ret = get_record(req, "rec", rec, r)) == TWOFA_OK)
			ret = helper_create(h, user, rec, force, r);
	} else if (strcmp(op, "remove") == 0) {
		if ((ret = get_record(req, "old", old, r)) == TWOFA_OK)
			ret = helper_remove(h, user, old, r);
	} else if (strcmp(op, "cas") == 0 || strcmp(op, "replace") == 0) {
		if ((ret = get_record(req, "old", old, r)) == TWOFA_OK &&
		    (ret = get_record(req, "rec", rec, r)) == TWOFA_OK)
			ret = op[0] == 'c'
				  ? helper_cas(h, user, old, rec, rep, r)
				  : helper_replace(h, user, old, rec, rep, r);
	} else
		ret = helper_fail(r, TWOFA_ERR_INVALID, "LDAP helper failed",
				  NULL);
out:
	if (old != NULL) {
		twofa_record_wipe(old);
		free(old);
	}
	if (rec != NULL) {
		twofa_record_wipe(rec);
		free(rec);
	}
	return ret;
}

void helper_serve(struct helper *h, int fd)
{
	struct twofa_msg req, rep, out;

	twofa_msg_init(&req);
	twofa_msg_init(&rep);
	twofa_msg_init(&out);
	while (twofa_msg_recv(fd, &req, 0) == TWOFA_OK) {
		struct reply r = {TWOFA_OK, NULL, ""};
		unsigned i;

		twofa_msg_free(&rep);
		twofa_msg_free(&out);
		(void)dispatch(h, &req, &rep, &r);
		/* rc first, then the fields the operation produced. */
		if (twofa_msg_put_int(&out, "rc", r.rc) < 0 ||
		    twofa_msg_put_u64(&out, "what",
				      twofa_proto_what_idx(r.what)) < 0 ||
		    twofa_msg_put_str(&out, "where", r.where) < 0)
			break;
		if (r.rc == TWOFA_OK && twofa_msg_decode(&rep) == TWOFA_OK) {
			for (i = 0; i < rep.nf; i++) {
				char name[256];

				memcpy(name, rep.f[i].name, rep.f[i].namelen);
				name[rep.f[i].namelen] = '\0';
				if (twofa_msg_put(&out, name, rep.f[i].val,
						  rep.f[i].len) < 0)
					break;
			}
		}
		if (twofa_msg_send(fd, &out, 0) < 0)
			break;
		twofa_msg_free(&req);
	}
	twofa_msg_free(&req);
	twofa_msg_free(&rep);
	twofa_msg_free(&out);
}

static int usage(void)
{
	fputs("usage: twofa-ldap --daemon [--conf FILE]\n"
	      "(without arguments it serves pam_twofa and twofa-admin on "
	      "descriptor 0)\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static struct helper h;
	struct stat sb;

	/* Before anything can initialise libldap. */
	if (clearenv() != 0 || setenv("LDAPNOINIT", "1", 1) != 0 ||
	    chdir("/") != 0)
		return 3;
	umask(077);
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Started by a set-uid program (su, sudo) the real uid is the
	 * user's: become root throughout, so the user cannot signal or
	 * trace the process holding the bind password.
	 */
	if (geteuid() == 0 && (setresgid(0, 0, 0) != 0 ||
			       setresuid(0, 0, 0) != 0))
		return 3;
	if (argc >= 2 && strcmp(argv[1], "--daemon") == 0) {
		if (argc == 2)
			return helper_daemon(NULL);
		if (argc == 4 && strcmp(argv[2], "--conf") == 0)
			return helper_daemon(argv[3]);
		return usage();
	}
	if (argc != 1)
		return usage();
	if (fstat(0, &sb) != 0 || !S_ISSOCK(sb.st_mode)) {
		fputs("twofa-ldap: run by pam_twofa and twofa-admin only\n",
		      stderr);
		return usage();
	}
	helper_serve(&h, 0);
	helper_disconnect(&h);
	return 0;
}
