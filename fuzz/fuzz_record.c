/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record parser: any bytes either parse or are refused cleanly, and
 * what parses survives format -> parse -> format unchanged. The same input
 * is then parsed again with allocations and crypto calls failing: that
 * may refuse the record, but must never load a different one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "wrap.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wrap_openssl();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct twofa_record rec, again, faulty;
	struct twofa_parse_error why;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0, off = 0, off2 = 0;
	unsigned cur = 0, cur2 = 0, seed_calls;
	int ret;

	ret = twofa_record_parse((const char *)data, size, &rec, &off, &cur,
				 &why);
	if (ret != TWOFA_OK) {
		INVARIANT(ret == TWOFA_ERR_MALFORMED ||
			  ret == TWOFA_ERR_TOO_BIG);
		INVARIANT(why.what != NULL);
		return 0;
	}
	INVARIANT(off < size && cur <= 1);
	INVARIANT(off + 2 * TWOFA_SLOT_LEN == size);
	INVARIANT(twofa_record_check(&rec, NULL) == TWOFA_OK);

	/* Round trip: format, parse, format again. */
	INVARIANT(twofa_record_format(&rec, &text, &len) == TWOFA_OK);
	INVARIANT(twofa_record_parse(text, len, &again, &off2, &cur2, NULL) ==
		  TWOFA_OK);
	INVARIANT(memcmp(&rec, &again, sizeof(rec)) == 0);
	INVARIANT(cur2 == 0 && off2 + 2 * TWOFA_SLOT_LEN == len);
	INVARIANT(twofa_record_format(&again, &text2, &len2) == TWOFA_OK);
	INVARIANT(len == len2 && memcmp(text, text2, len) == 0);

	/*
	 * With failures injected (a seed from the input), parsing may fail,
	 * but what it loads must be exactly what a clean parse loads: an
	 * older state slot in its place would undo the replay guard.
	 */
	seed_calls = size > 0 ? data[0] % 8 + 1 : 1;
	wrap_start(size * 2654435761u + data[size / 2], seed_calls, 5);
	ret = twofa_record_parse((const char *)data, size, &faulty, &off2,
				 &cur2, NULL);
	wrap_stop();
	if (ret == TWOFA_OK) {
		INVARIANT(memcmp(&rec, &faulty, sizeof(rec)) == 0);
		INVARIANT(cur2 == cur);
	} else {
		INVARIANT(ret != TWOFA_ERR_TOO_BIG);
	}

	twofa_freezero(text, len);
	twofa_freezero(text2, len2);
	twofa_record_wipe(&rec);
	twofa_record_wipe(&again);
	twofa_record_wipe(&faulty);
	return 0;
}
