/* User names that may become a record path. */
#ifndef TWOFA_USER_H
#define TWOFA_USER_H

#include <stdbool.h>

#define TWOFA_USER_MAX 256 /* bytes, without NUL */

/*
 * Letters, digits and ". _ - @ $", not starting with '.' or '-', 1 to 256
 * bytes. Checked before any path is built from the name.
 */
bool twofa_user_valid(const char *user);

#endif
