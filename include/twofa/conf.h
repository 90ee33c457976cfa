/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The settings both binaries share: /etc/twofa/twofa.conf (twofa.conf(5)),
 * read by pam_twofa.so and twofa-admin through one parser, with the
 * defaults in one place (twofa_conf_init). The module's options and
 * twofa-admin's --store override what the file says.
 *
 * The store is opened from this struct (twofa_store_open), so a backend
 * finds its parameters here: the file store its directory, the LDAP store
 * the ldap_* keys.
 */
#ifndef TWOFA_CONF_H
#define TWOFA_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "twofa/err.h"
#include "twofa/uri.h" /* TWOFA_ISSUER_MAX */

#define TWOFA_CONF_DEFAULT  "/etc/twofa/twofa.conf"
#define TWOFA_CONF_MAX	    (64 * 1024) /* bytes of configuration text */
#define TWOFA_STORE_DEFAULT "/var/lib/twofa"
#define TWOFA_RECORD_KEY_DEFAULT "/etc/twofa/record.key"

/* Policy defaults (pam_twofa(8), twofa.conf(5)). */
#define TWOFA_DENY_DEFAULT	   5
#define TWOFA_DENY_MAX		   1000
#define TWOFA_UNLOCK_DEFAULT	   600
#define TWOFA_UNLOCK_MAX	   31536000 /* one year, in seconds */
#define TWOFA_LOCK_TIMEOUT_MS	   3000
#define TWOFA_LDAP_TIMEOUT_DEFAULT 5
#define TWOFA_LDAP_TIMEOUT_MAX	   300

/* Lengths of the text values, NUL excluded. */
#define TWOFA_PATH_MAX	   4095
#define TWOFA_LDAP_URI_MAX 2047
#define TWOFA_LDAP_DN_MAX  1023

enum twofa_store_kind {
	TWOFA_STORE_FILE = 0, /* store = /a/directory */
	TWOFA_STORE_LDAP,     /* store = ldap */
};

struct twofa_conf {
	enum twofa_store_kind store_kind;
	char store_dir[TWOFA_PATH_MAX + 1]; /* file store: absolute path */

	/*
	 * Who must own the store, the records and the key files: root (0).
	 * Only unit tests that run unprivileged set another uid; nothing in
	 * a configuration file or the environment can.
	 */
	uid_t owner;
	unsigned lock_timeout_ms; /* file store: wait this long for a lock */

	/* store = ldap (SPEC section 7). Empty strings: not given. */
	char ldap_uri[TWOFA_LDAP_URI_MAX + 1]; /* space-separated URIs */
	char ldap_base[TWOFA_LDAP_DN_MAX + 1];
	char ldap_binddn[TWOFA_LDAP_DN_MAX + 1];
	char ldap_bindpw_file[TWOFA_PATH_MAX + 1];
	char ldap_tls_cacert[TWOFA_PATH_MAX + 1];
	unsigned ldap_timeout; /* seconds, per connect and per operation */

	/* Sealed secrets (SPEC section 8). */
	char record_key[TWOFA_PATH_MAX + 1];
	bool record_key_set; /* given in the file (else the default path) */
	/* The module refuses records whose secret is not sealed. */
	bool require_encrypted;

	/* Policy, as the module options of the same names. */
	int window; /* -1: the record's value */
	unsigned deny;
	uint64_t unlock_time;
	char issuer[TWOFA_ISSUER_MAX + 1]; /* "": the host name */
};

/* Every default (the table in twofa.conf(5)); owner 0. */
void twofa_conf_init(struct twofa_conf *conf);

/*
 * Read the configuration file at path (absolute) into conf, over what
 * conf holds already (call twofa_conf_init first). The file must be a
 * regular file owned by root (conf->owner), not writable by group or
 * others, reached without following a symbolic link, at most
 * TWOFA_CONF_MAX bytes. With missing_ok, a file that does not exist
 * leaves conf as it is and returns 0 (the default path is optional; a
 * path the administrator names is not).
 *
 * Strict: an unknown or repeated key, a value out of range or of the wrong
 * form, a line without '=', a NUL byte (why->parse.line and
 * why->parse.what say which), an unsafe file or directory, an unreadable
 * one: all TWOFA_ERR_CONFIG (TWOFA_ERR_NOMEM aside), why saying what and
 * where. Nothing of the file is used unless all of it is good.
 */
int twofa_conf_load(const char *path, bool missing_ok, struct twofa_conf *conf,
		    struct twofa_error *why);

/* Parse configuration text (the file's contents), as twofa_conf_load. */
int twofa_conf_parse(const char *text, size_t len, struct twofa_conf *conf,
		     struct twofa_parse_error *why);

/*
 * store = VALUE, as the file or --store / store= give it: an absolute
 * directory, or "ldap". TWOFA_ERR_CONFIG otherwise.
 */
int twofa_conf_set_store(struct twofa_conf *conf, const char *value);

#endif
