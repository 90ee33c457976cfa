/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * State slots: any TWOFA_SLOT_LEN bytes either parse or are refused; what
 * parses formats back to exactly the same bytes (the fields are fixed
 * width and the check covers them), and a slot that checks out as A never
 * parses as B. Any state formats into a slot that parses back to it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/slot.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct twofa_state st, back;
	char *line, again[TWOFA_SLOT_LEN];
	unsigned slot;
	int ret;

	if (size < TWOFA_SLOT_LEN)
		return 0;
	line = malloc(TWOFA_SLOT_LEN);
	if (line == NULL)
		return 0;
	memcpy(line, data, TWOFA_SLOT_LEN);
	for (slot = 0; slot < 2; slot++) {
		ret = twofa_slot_parse(line, slot, &st);
		if (ret != TWOFA_OK) {
			INVARIANT(ret == TWOFA_ERR_INVALID ||
				  ret == TWOFA_ERR_MALFORMED);
			continue;
		}
		INVARIANT(twofa_slot_parse(line, 1 - slot, &back) ==
			  TWOFA_ERR_INVALID);
		twofa_slot_format(&st, slot, again);
		INVARIANT(memcmp(line, again, TWOFA_SLOT_LEN) == 0);
	}
	free(line);

	/* Any state from the remaining bytes round-trips. */
	memset(&st, 0, sizeof(st));
	size -= TWOFA_SLOT_LEN;
	data += TWOFA_SLOT_LEN;
	memcpy(&st, data, size < sizeof(st) ? size : sizeof(st));
	slot = size > 0 ? data[0] & 1 : 0;
	twofa_slot_format(&st, slot, again);
	INVARIANT(twofa_slot_parse(again, slot, &back) == TWOFA_OK);
	INVARIANT(back.seq == st.seq && back.next == st.next &&
		  back.failures == st.failures &&
		  back.locked_until == st.locked_until &&
		  back.last_success == st.last_success &&
		  back.backup_used == st.backup_used);
	return 0;
}
