/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pending enrollment's form (twofa(5), lib/invite/pending.c): the
 * input is the configuration part, to which two valid state slots are
 * added, so the fuzzer spends its time on the pending grammar rather than
 * on forging slot checksums. Whatever parses must be a pending record
 * that checks, survives format -> parse -> format unchanged, and whose
 * login decision never passes a login: only TWOFA_VERDICT_TICKET, and
 * that only with enroll and for the right ticket. Parsed again with
 * failures injected, it may be refused but never load something else.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/auth.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "wrap.h"
#include "fuzz.h"

#define MAX_INPUT 4096
/* A fixed time inside most inputs' validity; the typed answer. */
#define NOW   UINT64_C(1800000000)
#define TYPED "1234 5678 9012"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wrap_openssl();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct twofa_record rec, again, faulty, blank;
	static char text[MAX_INPUT + 2 * TWOFA_SLOT_LEN];
	struct twofa_parse_error why;
	struct twofa_policy pol;
	struct twofa_outcome out;
	struct twofa_state next;
	char *fmt = NULL, *fmt2 = NULL;
	size_t len, flen = 0, flen2 = 0, off = 0, off2 = 0;
	unsigned cur = 0, cur2 = 0;
	int ret;

	if (size > MAX_INPUT)
		return 0;
	memset(&blank, 0, sizeof(blank));
	blank.pending = true;
	memcpy(text, data, size);
	len = size;
	if (twofa_record_slot_format(&blank, &blank.state, 0, text + len) !=
		TWOFA_OK ||
	    twofa_record_slot_format(&blank, &blank.state, 1,
				     text + len + TWOFA_SLOT_LEN) != TWOFA_OK)
		return 0;
	len += 2 * TWOFA_SLOT_LEN;

	ret = twofa_record_parse(text, len, &rec, &off, &cur, &why);
	if (ret != TWOFA_OK) {
		INVARIANT(ret == TWOFA_ERR_MALFORMED);
		INVARIANT(why.what != NULL);
		return 0;
	}
	if (!rec.pending)
		goto done; /* an ordinary record: fuzz_record's business */
	INVARIANT(size >= 14 && memcmp(data, "twofa-pending ", 14) == 0);
	INVARIANT(twofa_pending_check(&rec, NULL) == TWOFA_OK);
	INVARIANT(rec.secret_len == 0 && rec.backup_count == 0);

	INVARIANT(twofa_record_format(&rec, &fmt, &flen) == TWOFA_OK);
	INVARIANT(twofa_record_parse(fmt, flen, &again, &off2, &cur2, NULL) ==
		  TWOFA_OK);
	INVARIANT(memcmp(&rec, &again, sizeof(rec)) == 0);
	INVARIANT(twofa_record_format(&again, &fmt2, &flen2) == TWOFA_OK);
	INVARIANT(flen == flen2 && memcmp(fmt, fmt2, flen) == 0);

	/*
	 * The decision: never ACCEPTED; TICKET only with enroll and a match.
	 * Only at the cheapest work factor, so the fuzzer keeps its pace.
	 */
	if (rec.ticket.iterations > TWOFA_TICKET_ITERATIONS_MIN)
		goto faults;
	twofa_policy_default(&pol);
	ret = twofa_ticket_decide(&rec, TYPED, NOW, &pol, &next, &out);
	INVARIANT(ret == TWOFA_OK);
	INVARIANT(out.verdict != TWOFA_VERDICT_ACCEPTED &&
		  out.verdict != TWOFA_VERDICT_TICKET);
	pol.enroll = true;
	ret = twofa_ticket_decide(&rec, TYPED, NOW, &pol, &next, &out);
	INVARIANT(ret == TWOFA_OK);
	INVARIANT(out.verdict != TWOFA_VERDICT_ACCEPTED);
	if (out.verdict == TWOFA_VERDICT_TICKET) {
		INVARIANT(twofa_ticket_match(&rec.ticket, "123456789012") ==
			  TWOFA_OK);
		INVARIANT(NOW < rec.ticket.expires && next.failures == 0);
	}
	INVARIANT(out.changed == (out.verdict != TWOFA_VERDICT_LOCKED));

faults:
	/* With failures injected: refused, or exactly the same record. */
	wrap_start(size * 2654435761u + (size ? data[size / 2] : 0),
		   size ? data[0] % 8 + 1 : 1, 5);
	ret = twofa_record_parse(text, len, &faulty, &off2, &cur2, NULL);
	wrap_stop();
	if (ret == TWOFA_OK)
		INVARIANT(memcmp(&rec, &faulty, sizeof(rec)) == 0);
done:
	twofa_freezero(fmt, flen);
	twofa_freezero(fmt2, flen2);
	twofa_record_wipe(&rec);
	twofa_record_wipe(&again);
	twofa_record_wipe(&faulty);
	return 0;
}
