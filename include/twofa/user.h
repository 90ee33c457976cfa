/* SPDX-License-Identifier: BSD-2-Clause */
/* User names that may become a record path. */
#ifndef TWOFA_USER_H
#define TWOFA_USER_H

#include <stdbool.h>

/* bytes, without NUL: a file name's limit (NAME_MAX), as SPEC §2 says */
#define TWOFA_USER_MAX 255

/*
 * Letters, digits and ". _ - @ $", not starting with '.' or '-', 1 to 255
 * bytes. Checked before any path is built from the name.
 */
bool twofa_user_valid(const char *user);

#endif
