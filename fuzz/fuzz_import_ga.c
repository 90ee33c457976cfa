/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The google-authenticator importer (lib/import/import_ga.c): any bytes either
 * parse into a record that passes twofa_record_check and survives
 * twofa(5)'s format -> parse, or are refused with a reason; parsing with
 * allocations failing never gives a different result; the full import
 * (which hashes the scratch codes) agrees with the parse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/import.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "wrap.h"
#include "fuzz.h"

#define NOW UINT64_C(1700000000)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wrap_openssl();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct twofa_ga_file ga, faulty;
	static struct twofa_record back, full;
	struct twofa_parse_error why;
	char *text = NULL;
	size_t len = 0, off;
	unsigned cur, i, j;
	int ret;

	memset(&why, 0, sizeof(why));
	ret = twofa_import_ga_parse((const char *)data, size, NOW, &ga, &why);
	if (ret != TWOFA_OK) {
		INVARIANT(ret == TWOFA_ERR_MALFORMED ||
			  ret == TWOFA_ERR_TOO_BIG);
		INVARIANT(why.what != NULL);
		return 0;
	}
	INVARIANT(size <= TWOFA_IMPORT_MAX);
	INVARIANT(twofa_record_check(&ga.rec, NULL) == TWOFA_OK);
	INVARIANT(ga.rec.backup_count == 0);
	INVARIANT(ga.scratch_count <= TWOFA_GA_SCRATCH_MAX);
	for (i = 0; i < ga.scratch_count; i++) {
		INVARIANT(strlen(ga.scratch[i]) == TWOFA_BACKUP_DIGITS);
		for (j = 0; j < TWOFA_BACKUP_DIGITS; j++)
			INVARIANT(ga.scratch[i][j] >= '0' &&
				  ga.scratch[i][j] <= '9');
	}
	INVARIANT(twofa_record_format(&ga.rec, &text, &len) == TWOFA_OK);
	INVARIANT(twofa_record_parse(text, len, &back, &off, &cur, NULL) ==
		  TWOFA_OK);
	INVARIANT(memcmp(&back, &ga.rec, sizeof(back)) == 0);
	twofa_freezero(text, len);

	/* With allocation failures: the same answer or a refusal. */
	wrap_start(size ^ UINT64_C(0x5bd1e995), size > 0 ? data[0] % 4 + 1 : 1,
		   3);
	ret =
	    twofa_import_ga_parse((const char *)data, size, NOW, &faulty, NULL);
	wrap_stop();
	if (ret == TWOFA_OK)
		INVARIANT(memcmp(&faulty, &ga, sizeof(ga)) == 0);

	/* The full import hashes scratch codes (slow): only without them. */
	if (ga.scratch_count == 0) {
		INVARIANT(twofa_import_ga((const char *)data, size, NOW, &full,
					  NULL) == TWOFA_OK);
		INVARIANT(memcmp(&full, &ga.rec, sizeof(full)) == 0);
	}
	twofa_ga_wipe(&ga);
	twofa_ga_wipe(&faulty);
	twofa_record_wipe(&back);
	twofa_record_wipe(&full);
	return 0;
}
