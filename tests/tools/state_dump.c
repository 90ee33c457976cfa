/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>

#include "twofa/record.h"

#include "state_dump.h"

void test_state_dump(const struct twofa_record *rec, bool with_seq)
{
	const struct twofa_state *s = &rec->state;

	printf("type=%s\ndigits=%u\nnext=%llu\nfailures=%u\n"
	       "locked_until=%llu\nlast_success=%llu\nbackup_left=%u\n"
	       "backup_used=%llu\n",
	       twofa_otp_type_name(rec->type), rec->digits,
	       (unsigned long long)s->next, s->failures,
	       (unsigned long long)s->locked_until,
	       (unsigned long long)s->last_success,
	       twofa_record_backup_left(rec),
	       (unsigned long long)s->backup_used);
	if (with_seq)
		printf("seq=%llu\n", (unsigned long long)s->seq);
}
