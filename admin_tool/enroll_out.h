/* SPDX-License-Identifier: BSD-2-Clause */
/* What twofa-admin enroll prints (enroll_out.c). */
#ifndef TWOFA_ADMIN_ENROLL_OUT_H
#define TWOFA_ADMIN_ENROLL_OUT_H

#include "twofa/record.h"

/*
 * "Secret: ABCD EFGH ..." on stdout. Returns 0, or EXIT_SYSTEM (message
 * printed) when it could not be encoded: then it was not shown, and must
 * not be enrolled.
 */
int enroll_print_secret(const struct twofa_record *rec);

/*
 * --json: everything the text output shows, as one object on stdout
 * (documented in twofa-admin(8)): user, type, algorithm, digits, period
 * or counter, window, uri, secret, backup_codes (8-digit strings, count
 * of them in codes as twofa_backup_generate() gives them), png (or null).
 * Returns 0 or EXIT_SYSTEM.
 */
int enroll_print_json(const char *user, const struct twofa_record *rec,
		      const char *uri, const char *codes, unsigned count,
		      const char *png);

#endif
