/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record store, as every caller sees it: one table of operations
 * (OpenSSH's sshkey_impl_funcs model), one implementation per backend
 * (lib/store/file/, lib/store/ldap/), chosen by the configuration. Callers
 * never ask which backend they hold.
 *
 * The exactly-once guarantee rests on one operation: cas_state() writes a
 * new state only if the stored version is still the one that was loaded,
 * and otherwise returns TWOFA_ERR_CONFLICT having written nothing. The
 * login loop (twofa_authenticate, lib/auth/) loads, decides, and on a
 * conflict loads and decides again. The file store keeps the record
 * locked from load to release, so it never conflicts, but it checks the
 * version all the same.
 */
#ifndef TWOFA_STORE_H
#define TWOFA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "twofa/conf.h"
#include "twofa/err.h"
#include "twofa/record.h"
#include "twofa/user.h"

struct twofa_store;

/* A user's record as loaded, with the version it was loaded at. */
struct twofa_loaded {
	struct twofa_store *store;
	char user[TWOFA_USER_MAX + 1];
	struct twofa_record rec; /* the caller's copy; may be changed */
	uint64_t version;	 /* opaque to callers; the backend's guard */
	void *priv;		 /* the backend's (file: the locked handle) */
};

/* twofa_store_open() flags. */
#define TWOFA_STORE_CREATE 1u /* file: make a missing store directory 0700 */

/*
 * What a backend implements. priv is what its open returned. Every
 * function returns 0 or a TWOFA_ERR_* and fills why (which may be NULL).
 * Names reaching a backend are valid user names (twofa_user_valid).
 */
struct twofa_store_ops {
	const char *name;		/* "file", "ldap" */
	enum twofa_store_kind kind;	/* which store = value selects it */
	int (*open)(const struct twofa_conf *conf, unsigned flags,
		    void **priv, struct twofa_error *why);
	void (*close)(void *priv);
	/* Where the store is, for messages: a directory, a URI. */
	const char *(*where)(const void *priv);
	/*
	 * Load user's record into l->rec with l->version (l->user is set);
	 * TWOFA_ERR_NO_RECORD when there is none. Whatever the backend keeps
	 * (a lock, a DN) goes to l->priv and is let go by release().
	 */
	int (*load)(void *priv, struct twofa_loaded *l,
		    struct twofa_error *why);
	/*
	 * Store next as the state of l's record if the stored version is
	 * still l->version; then l->rec.state = next (with the backend's
	 * sequence number) and l->version is the new version. Else
	 * TWOFA_ERR_CONFLICT and nothing is written. Durable before it
	 * returns 0.
	 */
	int (*cas_state)(void *priv, struct twofa_loaded *l,
			 const struct twofa_state *next,
			 struct twofa_error *why);
	/* Replace l's whole record with rec (same conflict rule). */
	int (*replace)(void *priv, struct twofa_loaded *l,
		       const struct twofa_record *rec, struct twofa_error *why);
	/* Remove l's record (same conflict rule). */
	int (*remove)(void *priv, struct twofa_loaded *l,
		      struct twofa_error *why);
	void (*release)(void *priv, struct twofa_loaded *l);
	/*
	 * A new record for user: TWOFA_ERR_EXISTS if there is one, checked
	 * atomically. With force, whatever is there (even a record that
	 * cannot be parsed) is replaced.
	 */
	int (*create)(void *priv, const char *user,
		      const struct twofa_record *rec, bool force,
		      struct twofa_error *why);
	/* 0 if user has a record, TWOFA_ERR_NO_RECORD if not, or an error. */
	int (*exists)(void *priv, const char *user, struct twofa_error *why);
	/* fn for every user with a record, sorted; stops at fn's non-zero. */
	int (*list)(void *priv, int (*fn)(const char *user, void *arg),
		    void *arg, struct twofa_error *why);
	/*
	 * The store's part of a login for a user without a record (what a
	 * state change costs: the file store writes and syncs a decoy
	 * file), so the time to answer tells nothing. Best effort. The OTP
	 * check around it is twofa_decoy_login's (twofa/auth.h).
	 */
	void (*decoy)(void *priv, const char *code, int window);
};

/* The backends this build has (lib/store/store.c holds the table). */
extern const struct twofa_store_ops twofa_store_file_ops;
extern const struct twofa_store_ops twofa_store_ldap_ops; /* lib/store/ldap/ */

/*
 * Open the store conf names (conf->store_kind and its parameters).
 * TWOFA_ERR_UNSUPPORTED when this build has no such backend.
 */
int twofa_store_open(const struct twofa_conf *conf, unsigned flags,
		     struct twofa_store **out, struct twofa_error *why);
/*
 * The same with the backend given: what twofa_store_open() does once it
 * has found conf's backend in its table; also how the in-memory store of
 * the unit tests (tests/unit/mem_store.c, not shipped) is opened.
 */
int twofa_store_open_with(const struct twofa_store_ops *ops,
			  const struct twofa_conf *conf, unsigned flags,
			  struct twofa_store **out, struct twofa_error *why);
void twofa_store_close(struct twofa_store *st); /* NULL is fine */
const char *twofa_store_where(const struct twofa_store *st);
const char *twofa_store_backend(const struct twofa_store *st); /* "file" */

/*
 * Load user's record (TWOFA_ERR_BAD_USER for a name that can have none,
 * TWOFA_ERR_NO_RECORD when there is none). Release with
 * twofa_store_release(), which also wipes the copy.
 */
int twofa_store_load(struct twofa_store *st, const char *user,
		     struct twofa_loaded **out, struct twofa_error *why);
int twofa_store_cas_state(struct twofa_loaded *l,
			  const struct twofa_state *next,
			  struct twofa_error *why);
int twofa_store_replace(struct twofa_loaded *l, const struct twofa_record *rec,
			struct twofa_error *why);
int twofa_store_remove(struct twofa_loaded *l, struct twofa_error *why);
void twofa_store_release(struct twofa_loaded *l); /* NULL is fine */

int twofa_store_create(struct twofa_store *st, const char *user,
		       const struct twofa_record *rec, bool force,
		       struct twofa_error *why);
int twofa_store_exists(struct twofa_store *st, const char *user,
		       struct twofa_error *why);
int twofa_store_list(struct twofa_store *st,
		     int (*fn)(const char *user, void *arg), void *arg,
		     struct twofa_error *why);
void twofa_store_decoy(struct twofa_store *st, const char *code, int window);

/*
 * Sealed secrets (twofa/seal.h), the same for every backend: the store
 * reads the record key file conf->record_key when it first needs it.
 * twofa_store_load() opens a sealed record right after the backend loaded
 * it (one that does not open is an error, never "no record"), and
 * twofa_store_create() and twofa_store_replace() seal what they write with
 * the current key when the key file exists. The caller may set require
 * (require_encrypted) or inspect (status: load without opening) on it.
 */
struct twofa_sealer *twofa_store_sealer(struct twofa_store *st);

#endif
