/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sealed forms: the record key file and a sealed record. The first
 * input byte picks which.
 *
 * Key file: any bytes parse or are refused (TWOFA_ERR_KEY), and what
 * parses formats back to the same bytes.
 *
 * Sealed record (the bytes after a user name): it parses or is refused;
 * a sealed one opens under the fixed key only if it is exactly what we
 * sealed (tag), and then re-seals and opens to the same secret. The same
 * input is then parsed and opened with allocations, hashes and the
 * cipher (twofa_aead_seal/open, wrapped in fuzz/wrap.c) failing: that may
 * refuse, but must never open to a different secret or a different
 * record, and a seal that fails must leave nothing half-sealed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "twofa/seal.h"
#include "wrap.h"
#include "fuzz.h"

/* The fixed key the seed corpus was sealed with: bytes 0x00..0x1f. */
static struct twofa_keyring kr;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	wrap_openssl();
	kr.count = 1;
	for (unsigned i = 0; i < TWOFA_RECORD_KEY_LEN; i++)
		kr.keys[0].key[i] = (unsigned char)i;
	if (twofa_keyring_key_id(kr.keys[0].key, kr.keys[0].kid) != TWOFA_OK)
		abort();
	return 0;
}

static void fuzz_keyfile(const uint8_t *data, size_t size)
{
	static struct twofa_keyring got;
	struct twofa_parse_error why;
	char *text = NULL;
	size_t len = 0;
	int ret;

	ret = twofa_keyring_parse((const char *)data, size, &got, &why);
	if (ret != TWOFA_OK) {
		INVARIANT(ret == TWOFA_ERR_KEY && why.what != NULL);
		return;
	}
	INVARIANT(got.count >= 1 && got.count <= TWOFA_RECORD_KEYS_MAX);
	INVARIANT(twofa_keyring_format(&got, &text, &len) == TWOFA_OK);
	INVARIANT(len == size && memcmp(text, data, len) == 0);
	twofa_freezero(text, len);
	twofa_keyring_wipe(&got);
}

static void fuzz_record(const char *user, const uint8_t *data, size_t size,
			uint64_t seed)
{
	static struct twofa_record rec, opened, faulty, resealed;
	char *text = NULL;
	size_t len = 0, off = 0;
	unsigned cur = 0;
	int ret, fret;

	ret = twofa_record_parse((const char *)data, size, &rec, &off, &cur,
				 NULL);
	if (ret != TWOFA_OK) {
		INVARIANT(ret == TWOFA_ERR_MALFORMED ||
			  ret == TWOFA_ERR_TOO_BIG);
		return;
	}
	if (!rec.sealed.on)
		goto out;
	INVARIANT(rec.secret_len == 0);
	opened = rec;
	ret = twofa_seal_open(&opened, user, &kr);
	INVARIANT(ret == TWOFA_OK || ret == TWOFA_ERR_SEALED ||
		  ret == TWOFA_ERR_KEY || ret == TWOFA_ERR_BAD_USER);
	if (ret != TWOFA_OK) {
		INVARIANT(opened.secret_len == 0);
	} else {
		INVARIANT(opened.secret_len == rec.sealed.ct_len);
		/* Sealed again (fresh nonce), it opens to the same secret. */
		resealed = opened;
		INVARIANT(twofa_seal_secret(&resealed, user, &kr) == TWOFA_OK);
		INVARIANT(twofa_record_format(&resealed, &text, &len) ==
			  TWOFA_OK);
		INVARIANT(twofa_record_parse(text, len, &resealed, &off, &cur,
					     NULL) == TWOFA_OK);
		INVARIANT(twofa_seal_open(&resealed, user, &kr) == TWOFA_OK);
		INVARIANT(resealed.secret_len == opened.secret_len &&
			  memcmp(resealed.secret, opened.secret,
				 opened.secret_len) == 0);
	}

	/* The same with failures: refuse, or exactly the clean result. */
	wrap_start(seed, (unsigned)(seed % 6) + 1, 4);
	fret = twofa_record_parse((const char *)data, size, &faulty, &off, &cur,
				  NULL);
	if (fret == TWOFA_OK)
		fret = twofa_seal_open(&faulty, user, &kr);
	wrap_stop();
	if (fret == TWOFA_OK) {
		INVARIANT(ret == TWOFA_OK);
		INVARIANT(memcmp(&faulty, &opened, sizeof(faulty)) == 0);
	} else {
		INVARIANT(faulty.secret_len == 0);
	}
	if (ret == TWOFA_OK) {
		/* A seal that fails changes nothing of the record. */
		resealed = opened;
		wrap_start(seed >> 8, (unsigned)(seed % 3) + 1, 3);
		fret = twofa_seal_secret(&resealed, user, &kr);
		wrap_stop();
		if (fret != TWOFA_OK)
			INVARIANT(memcmp(&resealed, &opened, sizeof(opened)) ==
				  0);
		else
			INVARIANT(twofa_seal_open(&resealed, user, &kr) ==
				  TWOFA_OK);
	}
out:
	twofa_freezero(text, len);
	twofa_record_wipe(&rec);
	twofa_record_wipe(&opened);
	twofa_record_wipe(&faulty);
	twofa_record_wipe(&resealed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char user[64];
	size_t n;
	uint64_t seed = size * 2654435761u + (size ? data[size / 2] : 0);

	if (size < 2)
		return 0;
	if (data[0] & 1) {
		fuzz_keyfile(data + 1, size - 1);
		return 0;
	}
	/* data[1] bytes of user name (up to 63), then the record. */
	n = data[1] % sizeof(user);
	if (n > size - 2)
		return 0;
	memcpy(user, data + 2, n);
	user[n] = '\0';
	if (strlen(user) != n)
		return 0;
	fuzz_record(user, data + 2 + n, size - 2 - n, seed);
	return 0;
}
