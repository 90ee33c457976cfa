/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading twofa.conf safely: its directory reached from "/" without
 * following anything (twofa_dir_open), the file itself opened and checked
 * by lib/fs/ (root's, not writable by group or others, a regular file, at
 * most 64 KiB), then parsed as a whole.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "twofa/conf.h"
#include "twofa/err.h"
#include "twofa/fs.h"
#include "twofa/safedir.h"

static const struct twofa_file_msgs conf_msgs = TWOFA_FILE_MSGS(
    "configuration", "writable by group or others", "64 KiB");

int twofa_conf_load(const char *path, bool missing_ok, struct twofa_conf *conf,
		    struct twofa_error *why)
{
	const struct twofa_file_rules rules = {
	    &conf_msgs, conf->owner, S_IWGRP | S_IWOTH, false, TWOFA_CONF_MAX};
	char dir[4096];
	const char *name;
	char *text = NULL;
	size_t len = 0;
	int dfd = -1, ret;

	ret = twofa_path_split(path, dir, &name, why);
	if (ret != TWOFA_OK)
		goto out;
	/* Its directory too: nobody but root may swap the file. */
	ret = twofa_dir_open_safe(dir, conf->owner, 0, &dfd, why);
	if (ret != TWOFA_OK) {
		if (missing_ok && ret == TWOFA_ERR_IO && why != NULL &&
		    why->sys_errno == ENOENT)
			ret = TWOFA_OK; /* no /etc/twofa: no file */
		goto out;
	}
	ret = twofa_file_load(dfd, dir, name, &rules, &text, &len, why);
	if (ret == TWOFA_ERR_NO_RECORD) {
		ret = missing_ok ? TWOFA_OK
				 : twofa_fail(why, TWOFA_ERR_IO, ENOENT,
					      "cannot read configuration",
					      path, NULL);
		goto out;
	}
	if (ret != TWOFA_OK)
		goto out;
	ret = twofa_conf_parse(text, len, conf, why ? &why->parse : NULL);
	if (ret != TWOFA_OK)
		twofa_fail(why, ret, 0, "bad configuration", path, NULL);
out:
	twofa_file_free(text, len);
	if (dfd >= 0)
		close(dfd);
	/* Unsafe, unreadable or malformed: all one answer (why says which). */
	return ret == TWOFA_OK || ret == TWOFA_ERR_NOMEM ? ret
							 : TWOFA_ERR_CONFIG;
}
