/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The twofa.conf parser (lib/conf/conf_parse.c): any bytes are either
 * refused as a whole (TWOFA_ERR_CONFIG, a reason, the settings left
 * exactly as they were) or give settings that are all in range, with
 * store/ldap consistent; and the same text parsed again gives the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/conf.h"
#include "twofa/err.h"
#include "twofa/record.h"
#include "twofa/uri.h"
#include "fuzz.h"

static int terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int is_path(const char *s)
{
	return s[0] == '\0' ||
	       (s[0] == '/' && strstr(s, "//") == NULL &&
		strstr(s, "/./") == NULL && strstr(s, "/../") == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct twofa_conf c, before, again;
	struct twofa_parse_error why;
	int ret;

	twofa_conf_init(&c);
	before = c;
	ret = twofa_conf_parse((const char *)data, size, &c, &why);
	if (ret != TWOFA_OK) {
		INVARIANT(ret == TWOFA_ERR_CONFIG);
		INVARIANT(why.what != NULL);
		/* Nothing of a refused file is used. */
		INVARIANT(memcmp(&c, &before, sizeof(c)) == 0);
		return 0;
	}
	INVARIANT(c.deny <= TWOFA_DENY_MAX);
	INVARIANT(c.unlock_time <= TWOFA_UNLOCK_MAX);
	INVARIANT(c.window >= -1 && c.window <= TWOFA_WINDOW_MAX);
	INVARIANT(c.ldap_timeout >= 1 &&
		  c.ldap_timeout <= TWOFA_LDAP_TIMEOUT_MAX);
	INVARIANT(terminated(c.store_dir, sizeof(c.store_dir)) &&
		  c.store_dir[0] == '/' && is_path(c.store_dir));
	INVARIANT(terminated(c.ldap_bindpw_file, sizeof(c.ldap_bindpw_file)) &&
		  is_path(c.ldap_bindpw_file));
	INVARIANT(terminated(c.record_key, sizeof(c.record_key)) &&
		  is_path(c.record_key));
	INVARIANT(terminated(c.ldap_uri, sizeof(c.ldap_uri)));
	INVARIANT(terminated(c.issuer, sizeof(c.issuer)));
	INVARIANT(c.issuer[0] == '\0' || twofa_uri_issuer_valid(c.issuer));
	if (c.store_kind == TWOFA_STORE_LDAP)
		INVARIANT(c.ldap_uri[0] != '\0' && c.ldap_base[0] != '\0');
	INVARIANT((c.ldap_binddn[0] != '\0') ==
		  (c.ldap_bindpw_file[0] != '\0'));
	/* The same text, the same settings. */
	twofa_conf_init(&again);
	INVARIANT(twofa_conf_parse((const char *)data, size, &again, NULL) ==
		  TWOFA_OK);
	INVARIANT(memcmp(&c, &again, sizeof(c)) == 0);
	return 0;
}
