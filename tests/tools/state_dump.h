/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A record's state as "key=value" lines, the form test tools print and
 * the tests parse (twofa-testrec dump, fleet-drive dump).
 */
#ifndef TWOFA_TEST_STATE_DUMP_H
#define TWOFA_TEST_STATE_DUMP_H

#include <stdbool.h>

#include "twofa/record.h"

/* type, digits, next, failures, locked_until, last_success, backup_left,
 * backup_used, and with_seq the directory's sequence number too. */
void test_state_dump(const struct twofa_record *rec, bool with_seq);

#endif
