/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa.conf: the defaults, a good file with every key, module-style
 * overrides on top, and at least fifteen malformed or unsafe files, each
 * refused as a whole (nothing of a refused file is used).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "twofa/conf.h"
#include "twofa/err.h"

struct fx {
	char dir[4096];
	char path[4200];
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	helper_make_store(fx->dir);
	/* A configuration directory may be read by all (0755). */
	chmod(fx->dir, 0755);
	snprintf(fx->path, sizeof(fx->path), "%s/twofa.conf", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	helper_rm_store(fx->dir);
	free(fx);
	return 0;
}

static int load_text(struct fx *fx, const char *text, size_t len,
		     unsigned mode, struct twofa_conf *c,
		     struct twofa_error *why)
{
	twofa_conf_init(c);
	c->owner = geteuid();
	memset(why, 0, sizeof(*why));
	assert_int_equal(
	    helper_write_file(fx->dir, "twofa.conf", text, len, mode), 0);
	return twofa_conf_load(fx->path, false, c, why);
}

static void test_defaults(void **state)
{
	struct twofa_conf c;

	(void)state;
	twofa_conf_init(&c);
	assert_int_equal(c.store_kind, TWOFA_STORE_FILE);
	assert_string_equal(c.store_dir, "/var/lib/twofa");
	assert_int_equal(c.deny, 5);
	assert_int_equal(c.unlock_time, 600);
	assert_int_equal(c.window, -1);
	assert_int_equal(c.ldap_timeout, 5);
	assert_string_equal(c.record_key, "/etc/twofa/record.key");
	assert_false(c.record_key_set);
	assert_false(c.require_encrypted);
	assert_string_equal(c.issuer, "");
}

static void test_every_key(void **state)
{
	struct fx *fx = *state;
	struct twofa_conf c;
	struct twofa_error why;
	static const char text[] =
	    "# pam_twofa settings\n"
	    "\n"
	    "store = ldap\n"
	    "ldap_uri = ldaps://ldap1.example.org ldapi:// ldap://10.0.0.2:389\n"
	    "ldap_base=ou=twofa,dc=example,dc=org\n"
	    "\tldap_binddn = cn=host,dc=example,dc=org  \n"
	    "ldap_bindpw_file = /etc/twofa/ldap.pw\n"
	    "ldap_tls_cacert = /etc/ssl/certs/site-ca.pem\n"
	    "ldap_timeout = 3\n"
	    "record_key = /etc/twofa/keys/record.key\n"
	    "require_encrypted = yes\n"
	    "deny = 0\n"
	    "unlock_time = 0\n"
	    "window = 2\n"
	    "issuer = Example Corp (prod)\n";

	assert_int_equal(load_text(fx, text, sizeof(text) - 1, 0644, &c, &why),
			 0);
	assert_int_equal(c.store_kind, TWOFA_STORE_LDAP);
	assert_string_equal(c.ldap_uri,
			    "ldaps://ldap1.example.org ldapi:// "
			    "ldap://10.0.0.2:389");
	assert_string_equal(c.ldap_base, "ou=twofa,dc=example,dc=org");
	assert_string_equal(c.ldap_binddn, "cn=host,dc=example,dc=org");
	assert_string_equal(c.ldap_bindpw_file, "/etc/twofa/ldap.pw");
	assert_string_equal(c.ldap_tls_cacert, "/etc/ssl/certs/site-ca.pem");
	assert_int_equal(c.ldap_timeout, 3);
	assert_string_equal(c.record_key, "/etc/twofa/keys/record.key");
	assert_true(c.record_key_set);
	assert_true(c.require_encrypted);
	assert_int_equal(c.deny, 0);
	assert_int_equal(c.unlock_time, 0);
	assert_int_equal(c.window, 2);
	assert_string_equal(c.issuer, "Example Corp (prod)");

	/* A directory store; what the file leaves out keeps its default. */
	if (load_text(fx, "store = /srv/twofa\n", 19, 0600, &c, &why) != 0)
		fail_msg("%s: %s (line %u: %s)", why.path, why.what,
			 why.parse.line, why.parse.what);
	assert_int_equal(c.store_kind, TWOFA_STORE_FILE);
	assert_string_equal(c.store_dir, "/srv/twofa");
	assert_int_equal(c.deny, 5);
	/* require_encrypted takes yes or no, nothing else. */
	assert_int_equal(load_text(fx, "require_encrypted = no\n", 23, 0600, &c,
				   &why),
			 0);
	assert_false(c.require_encrypted);
	assert_int_equal(load_text(fx, "require_encrypted = on\n", 23, 0600, &c,
				   &why),
			 TWOFA_ERR_CONFIG);
	/* Empty and comment-only files are fine. */
	assert_int_equal(load_text(fx, "", 0, 0600, &c, &why), 0);
	assert_int_equal(load_text(fx, "# nothing\n   \n", 14, 0600, &c, &why),
			 0);
}

static void test_missing_file(void **state)
{
	struct fx *fx = *state;
	struct twofa_conf c;
	struct twofa_error why;

	twofa_conf_init(&c);
	c.owner = geteuid();
	memset(&why, 0, sizeof(why));
	/* The default path may be absent; a path named must exist. */
	assert_int_equal(twofa_conf_load(fx->path, true, &c, &why), 0);
	assert_int_equal(twofa_conf_load(fx->path, false, &c, &why),
			 TWOFA_ERR_CONFIG);
	assert_int_equal(twofa_conf_load("/nonexistent-dir/twofa.conf", true,
					 &c, &why),
			 0);
	assert_int_equal(twofa_conf_load("relative.conf", true, &c, &why),
			 TWOFA_ERR_CONFIG);
}

/* Malformed text: refused with the line, nothing taken over. */
static void test_malformed_files(void **state)
{
	struct fx *fx = *state;
	static const struct {
		const char *text;
		unsigned line;
	} bad[] = {
	    {"dney = 3\n", 1},				/* unknown key */
	    {"deny = 3\ndeny = 4\n", 2},		/* repeated */
	    {"# fine\ndeny 3\n", 2},			/* no '=' */
	    {"deny =\n", 1},				/* empty value */
	    {"deny = three\n", 1},			/* not a number */
	    {"deny = 1001\n", 1},			/* out of range */
	    {"deny = -1\n", 1},				/* no sign */
	    {"deny = 05\n", 1},				/* no leading zero */
	    {"unlock_time = 31536001\n", 1},		/* over a year */
	    {"window = 101\n", 1},			/* over the maximum */
	    {"store = var/lib/twofa\n", 1},		/* relative */
	    {"store = /var/lib/../tmp\n", 1},		/* dot-dot */
	    {"store = ldap\n", 0},			/* no ldap_uri */
	    {"store = ldap\nldap_uri = ldap://h\n", 0}, /* no ldap_base */
	    {"ldap_uri = http://example.org\n", 1},	/* wrong scheme */
	    {"ldap_uri = ldap://\n", 1},		/* no host */
	    {"ldap_base = example.org\n", 1},		/* not a DN */
	    {"ldap_binddn = cn=x,dc=y\n", 0},		/* no password file */
	    {"ldap_bindpw_file = pw.txt\n", 1},		/* relative */
	    {"ldap_timeout = 0\n", 1},			/* must be >= 1 */
	    {"issuer = a:b\n", 1},			/* ':' breaks the label */
	    {"deny = 3\x01\n", 1},			/* control character */
	    {"deny = 3\r\n", 1},			/* CR: a DOS file */
	    {"record_key = /etc/twofa//record.key\n", 1}, /* empty component */
	};
	struct twofa_conf c;
	struct twofa_error why;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = load_text(fx, bad[i].text, strlen(bad[i].text), 0600,
				  &c, &why);

		if (r != TWOFA_ERR_CONFIG)
			fail_msg("accepted: %s", bad[i].text);
		assert_non_null(why.parse.what);
		assert_int_equal(why.parse.line, bad[i].line);
		/* Nothing of the refused file was used. */
		assert_int_equal(c.deny, 5);
		assert_int_equal(c.store_kind, TWOFA_STORE_FILE);
		assert_string_equal(c.store_dir, "/var/lib/twofa");
	}
	/* A NUL byte: not text. */
	assert_int_equal(load_text(fx, "deny = 3\n\0\n", 11, 0600, &c, &why),
			 TWOFA_ERR_CONFIG);
	assert_int_equal(why.parse.line, 2);
	/* A line longer than 4096 bytes. */
	{
		char *big = malloc(5000);

		memset(big, '#', 4999);
		big[4999] = '\n';
		assert_int_equal(load_text(fx, big, 5000, 0600, &c, &why),
				 TWOFA_ERR_CONFIG);
		free(big);
	}
}

/* Unsafe files and directories: refused, never followed or fixed. */
static void test_unsafe_files(void **state)
{
	struct fx *fx = *state;
	struct twofa_conf c;
	struct twofa_error why;
	char p[4400];

	/* Group- or world-writable. */
	assert_int_equal(load_text(fx, "deny = 3\n", 9, 0664, &c, &why),
			 TWOFA_ERR_CONFIG);
	assert_non_null(strstr(why.what, "writable"));
	assert_int_equal(load_text(fx, "deny = 3\n", 9, 0646, &c, &why),
			 TWOFA_ERR_CONFIG);
	/* World-readable is fine: it holds no secret. */
	assert_int_equal(load_text(fx, "deny = 3\n", 9, 0644, &c, &why), 0);
	assert_int_equal(c.deny, 3);
	/* Someone else's file. */
	twofa_conf_init(&c);
	c.owner = geteuid() + 1;
	assert_int_equal(twofa_conf_load(fx->path, false, &c, &why),
			 TWOFA_ERR_CONFIG);
	/* A symbolic link to a good file. */
	snprintf(p, sizeof(p), "%s/real.conf", fx->dir);
	assert_int_equal(rename(fx->path, p), 0);
	assert_int_equal(symlink(p, fx->path), 0);
	twofa_conf_init(&c);
	c.owner = geteuid();
	assert_int_equal(twofa_conf_load(fx->path, false, &c, &why),
			 TWOFA_ERR_CONFIG);
	assert_non_null(strstr(why.what, "symbolic link"));
	/* Not even when the default path may be missing. */
	assert_int_equal(twofa_conf_load(fx->path, true, &c, &why),
			 TWOFA_ERR_CONFIG);
	unlink(fx->path);
	/* A FIFO: refused without blocking. A directory. */
	assert_int_equal(mkfifo(fx->path, 0600), 0);
	assert_int_equal(twofa_conf_load(fx->path, true, &c, &why),
			 TWOFA_ERR_CONFIG);
	unlink(fx->path);
	assert_int_equal(mkdir(fx->path, 0700), 0);
	assert_int_equal(twofa_conf_load(fx->path, true, &c, &why),
			 TWOFA_ERR_CONFIG);
	rmdir(fx->path);
	/* Over 64 KiB. */
	{
		char *big = malloc(TWOFA_CONF_MAX + 1);

		memset(big, '\n', TWOFA_CONF_MAX + 1);
		assert_int_equal(load_text(fx, big, TWOFA_CONF_MAX + 1, 0600,
					   &c, &why),
				 TWOFA_ERR_CONFIG);
		memset(big, '\n', TWOFA_CONF_MAX);
		assert_int_equal(
		    load_text(fx, big, TWOFA_CONF_MAX, 0600, &c, &why), 0);
		free(big);
	}
	/* Its directory writable by others: the file could be swapped. */
	assert_int_equal(load_text(fx, "deny = 3\n", 9, 0600, &c, &why), 0);
	assert_int_equal(chmod(fx->dir, 0777), 0);
	twofa_conf_init(&c);
	c.owner = geteuid();
	assert_int_equal(twofa_conf_load(fx->path, false, &c, &why),
			 TWOFA_ERR_CONFIG);
	assert_int_equal(c.deny, 5);
	assert_int_equal(chmod(fx->dir, 0755), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test_setup_teardown(test_every_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_file, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_files, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_unsafe_files, setup,
					    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
