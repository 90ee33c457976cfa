/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa-ldap: the one process that runs libldap for pam_twofa.so and
 * twofa-admin (lib/store/ldap/ldap_ops.c says why). It serves the store
 * requests of lib/store/ldap/proto.h on descriptor 0 until EOF.
 */
#ifndef TWOFA_LDAP_HELPER_H
#define TWOFA_LDAP_HELPER_H

#include <ldap.h>
#include <stdbool.h>
#include <stdint.h>

#include "twofa/conf.h"
#include "store/ldap/entry.h"
#include "store/ldap/proto.h"

#define HELPER_URIS 8

/* How to reach the directory: twofa.conf's ldap_* keys. */
struct helper_settings {
	char uris[TWOFA_LDAP_URI_MAX + 1];
	char base[TWOFA_LDAP_DN_MAX + 1];
	char binddn[TWOFA_LDAP_DN_MAX + 1];
	char bindpw_file[TWOFA_PATH_MAX + 1];
	char cacert[TWOFA_PATH_MAX + 1];
	unsigned timeout; /* seconds */
};

struct helper {
	LDAP *ld; /* NULL: not connected */
	struct helper_settings set;
	char *uri[HELPER_URIS];
	unsigned nuri; /* 0: not configured */
	char uris[TWOFA_LDAP_URI_MAX + 1]; /* the words uri[] points into */
	const char *where; /* the URI connected to, for messages */
};

/* The outcome of one request, for the reply. */
struct reply {
	int rc;
	const char *what; /* one of proto.c's texts, or NULL */
	char where[TWOFA_LDAP_ENTRY_DN_SIZE];
};

int helper_fail(struct reply *r, int rc, const char *what, const char *where);

/* helper_conn.c: settings from the open request, connect and bind. */
int helper_configure(struct helper *h, const struct twofa_msg *req,
		     struct reply *r);
/* Use set from now on (a connection made with the same set is kept). */
int helper_apply(struct helper *h, const struct helper_settings *set,
		 struct reply *r);

/*
 * helper_main.c: connect if need be and check ldap_base is there (on a
 * kept connection: that it still answers, else once more on a new one).
 */
int helper_open_checked(struct helper *h, struct reply *r);
/* helper_main.c: serve the requests of one caller on fd until EOF. */
void helper_serve(struct helper *h, int fd);
/* helper_daemon.c: twofa-ldap --daemon. Returns the exit status. */
int helper_daemon(const char *conf_path);
int helper_connect(struct helper *h, struct reply *r);
void helper_disconnect(struct helper *h);
/* An LDAP result code as a TWOFA_ERR_* for a failed operation. */
int helper_ldap_error(struct helper *h, int lrc, const char *dn,
		      struct reply *r);

/* helper_ops.c: the store requests. */
int helper_load(struct helper *h, const char *user, struct twofa_msg *rep,
		struct reply *r);
int helper_cas(struct helper *h, const char *user,
	       const struct twofa_record *old, const struct twofa_record *rec,
	       struct twofa_msg *rep, struct reply *r);
int helper_replace(struct helper *h, const char *user,
		   const struct twofa_record *old,
		   const struct twofa_record *rec, struct twofa_msg *rep,
		   struct reply *r);
int helper_remove(struct helper *h, const char *user,
		  const struct twofa_record *old, struct reply *r);
int helper_create(struct helper *h, const char *user,
		  const struct twofa_record *rec, int force, struct reply *r);
int helper_exists(struct helper *h, const char *user, struct reply *r);
int helper_list(struct helper *h, struct twofa_msg *rep, struct reply *r);
int helper_decoy(struct helper *h, struct reply *r);

#endif
