/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pam_oath usersfile importer (lib/import/import_oath.c): any bytes either
 * parse into valid user names (no name twice) with records that pass
 * twofa_record_check and survive format -> parse, or are refused with a
 * reason and nothing returned; with allocations failing the result is the
 * same or a clean refusal (LeakSanitizer checks nothing is left behind).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/import.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "twofa/user.h"
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
	static struct twofa_record back;
	struct twofa_oath_file f, faulty;
	struct twofa_parse_error why;
	char *text = NULL;
	size_t len = 0, off, i, j;
	unsigned cur;
	int ret;

	memset(&why, 0, sizeof(why));
	memset(&f, 0, sizeof(f));
	memset(&faulty, 0, sizeof(faulty));
	ret = twofa_import_oath_parse((const char *)data, size, NOW, &f, &why);
	if (ret != TWOFA_OK) {
		INVARIANT(ret == TWOFA_ERR_MALFORMED ||
			  ret == TWOFA_ERR_TOO_BIG || ret == TWOFA_ERR_NOMEM);
		INVARIANT(why.what != NULL || ret == TWOFA_ERR_NOMEM);
		INVARIANT(f.count == 0 && f.entries == NULL);
		return 0;
	}
	INVARIANT(f.count == 0 || f.entries != NULL);
	for (i = 0; i < f.count; i++) {
		const struct twofa_oath_entry *e = &f.entries[i];

		INVARIANT(twofa_user_valid(e->user));
		INVARIANT(e->line >= 1);
		for (j = 0; j < i; j++)
			INVARIANT(strcmp(f.entries[j].user, e->user) != 0);
		INVARIANT(twofa_record_check(&e->rec, NULL) == TWOFA_OK);
		INVARIANT(twofa_record_format(&e->rec, &text, &len) ==
			  TWOFA_OK);
		INVARIANT(twofa_record_parse(text, len, &back, &off, &cur,
					     NULL) == TWOFA_OK);
		INVARIANT(memcmp(&back, &e->rec, sizeof(back)) == 0);
		twofa_freezero(text, len);
	}

	wrap_start(size * 31 + 7, size > 0 ? data[size - 1] % 6 + 1 : 1, 3);
	ret = twofa_import_oath_parse((const char *)data, size, NOW, &faulty,
				      NULL);
	wrap_stop();
	if (ret == TWOFA_OK) {
		INVARIANT(faulty.count == f.count);
		for (i = 0; i < f.count; i++)
			INVARIANT(memcmp(&faulty.entries[i], &f.entries[i],
					 sizeof(f.entries[i])) == 0);
	} else {
		INVARIANT(faulty.count == 0 && faulty.entries == NULL);
	}
	twofa_oath_free(&f);
	twofa_oath_free(&faulty);
	twofa_record_wipe(&back);
	return 0;
}
