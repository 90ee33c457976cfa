/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The defaults of every setting, in one place: twofa.conf(5) lists them,
 * the module and twofa-admin start from them, the file and the command
 * line change them.
 */
#include <stdio.h>
#include <string.h>

#include "twofa/conf.h"

void twofa_conf_init(struct twofa_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->store_kind = TWOFA_STORE_FILE;
	snprintf(conf->store_dir, sizeof(conf->store_dir), "%s",
		 TWOFA_STORE_DEFAULT);
	conf->owner = 0;
	conf->lock_timeout_ms = TWOFA_LOCK_TIMEOUT_MS;
	conf->ldap_timeout = TWOFA_LDAP_TIMEOUT_DEFAULT;
	snprintf(conf->record_key, sizeof(conf->record_key), "%s",
		 TWOFA_RECORD_KEY_DEFAULT);
	conf->window = -1;
	conf->deny = TWOFA_DENY_DEFAULT;
	conf->unlock_time = TWOFA_UNLOCK_DEFAULT;
}

int twofa_conf_set_store(struct twofa_conf *conf, const char *value)
{
	size_t n = strlen(value);

	if (strcmp(value, "ldap") == 0) {
		conf->store_kind = TWOFA_STORE_LDAP;
		return TWOFA_OK;
	}
	/* A directory: absolute, and something we can hold. */
	if (value[0] != '/' || n > TWOFA_PATH_MAX)
		return TWOFA_ERR_CONFIG;
	conf->store_kind = TWOFA_STORE_FILE;
	memcpy(conf->store_dir, value, n + 1);
	return TWOFA_OK;
}
