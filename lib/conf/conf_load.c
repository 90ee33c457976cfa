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

static const struct twofa_file_msgs conf_msgs = {
    .symlink = "configuration is a symbolic link",
    .directory = "configuration is a directory",
    .fifo = "configuration is a FIFO",
    .device = "configuration is a device",
    .other = "configuration is not a regular file",
    .owner = "configuration not owned by root",
    .mode = "configuration writable by group or others",
    .links = "configuration has more than one hard link",
    .size = "configuration larger than 64 KiB",
};

/* The file's own directory: nobody but root may replace the file. */
static int dir_check(int dfd, const char *dir, uid_t owner,
		     struct twofa_error *why)
{
	struct stat sb;

	if (fstat(dfd, &sb) != 0)
		return twofa_fail(why, TWOFA_ERR_IO, errno, "cannot stat", dir,
				  NULL);
	if (sb.st_uid != 0 && sb.st_uid != owner)
		return twofa_fail(why, TWOFA_ERR_UNSAFE, 0,
				  "directory not owned by root", dir, NULL);
	if (sb.st_mode & (S_IWGRP | S_IWOTH))
		return twofa_fail(why, TWOFA_ERR_UNSAFE, 0,
				  "directory writable by group or others", dir,
				  NULL);
	return TWOFA_OK;
}

int twofa_conf_load(const char *path, bool missing_ok, struct twofa_conf *conf,
		    struct twofa_error *why)
{
	const struct twofa_file_rules rules = {
	    &conf_msgs, conf->owner, S_IWGRP | S_IWOTH, false, TWOFA_CONF_MAX};
	char dir[TWOFA_PATH_MAX + 1];
	const char *slash, *name;
	char *text = NULL;
	size_t len = 0;
	int dfd = -1, ret;

	if (path == NULL || path[0] != '/' || strlen(path) > TWOFA_PATH_MAX)
		return twofa_fail(why, TWOFA_ERR_CONFIG, 0,
				  "configuration path must be absolute",
				  path ? path : "(null)", NULL);
	slash = strrchr(path, '/');
	name = slash + 1;
	if (name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return twofa_fail(why, TWOFA_ERR_CONFIG, 0,
				  "configuration path names no file", path,
				  NULL);
	if (slash == path) {
		dir[0] = '/';
		dir[1] = '\0';
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	ret = twofa_dir_open(dir, conf->owner, 0, &dfd, why);
	if (ret != TWOFA_OK) {
		if (missing_ok && ret == TWOFA_ERR_IO && why != NULL &&
		    why->sys_errno == ENOENT)
			ret = TWOFA_OK; /* no /etc/twofa: no file */
		goto out;
	}
	ret = dir_check(dfd, dir, conf->owner, why);
	if (ret != TWOFA_OK)
		goto out;
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
