/* Helpers shared by the store's source files; not part of the API. */
#ifndef TWOFA_STORE_INTERNAL_H
#define TWOFA_STORE_INTERNAL_H

#include <sys/stat.h>

#include "twofa/store.h"

/* Fill why (if not NULL) and return err. name may be NULL. */
int twofa_store_fail(struct twofa_store_error *why, int err, int sys_errno,
		     const char *what, const char *dir, const char *name);

uid_t twofa_store_owner(const struct twofa_store *st);

/* Is this lstat/fstat result an acceptable record file? */
int twofa_record_stat_check(const struct twofa_store *st, const char *user,
			    const struct stat *sb,
			    struct twofa_store_error *why);

#endif
