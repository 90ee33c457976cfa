/* SPDX-License-Identifier: BSD-2-Clause */
/* User-name validation: the only gate between a name and a path. */
#include <string.h>

#include "twofa/user.h"

static int user_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
	       c == '@' || c == '$';
}

bool twofa_user_valid(const char *user)
{
	size_t i;

	if (user == NULL || user[0] == '\0' || user[0] == '.' || user[0] == '-')
		return false;
	for (i = 0; user[i] != '\0'; i++) {
		if (i >= TWOFA_USER_MAX ||
		    !user_char_ok((unsigned char)user[i]))
			return false;
	}
	return true;
}
