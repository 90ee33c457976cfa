/* SPDX-License-Identifier: BSD-2-Clause */
/* Backup codes: generated from the kernel's RNG, stored as PBKDF2 hashes. */
#include <stdbool.h>
#include <string.h>

#include "twofa/backup.h"
#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/mem.h"

static int backup_hash(const char *code, const unsigned char *salt,
		       uint32_t iterations,
		       unsigned char out[TWOFA_BACKUP_HASH_LEN])
{
	/*
	 * Any failure is TWOFA_ERR_CRYPTO: a code that cannot be hashed is
	 * refused, never taken as "no match" silently.
	 */
	if (twofa_pbkdf2_sha256((const unsigned char *)code,
				TWOFA_BACKUP_DIGITS, salt,
				TWOFA_BACKUP_SALT_LEN, iterations, out,
				TWOFA_BACKUP_HASH_LEN) != TWOFA_OK)
		return TWOFA_ERR_CRYPTO;
	return TWOFA_OK;
}

static int code_is_digits(const char *code)
{
	unsigned i;

	for (i = 0; i < TWOFA_BACKUP_DIGITS; i++) {
		if (code[i] < '0' || code[i] > '9')
			return 0;
	}
	return code[TWOFA_BACKUP_DIGITS] == '\0';
}

/* A uniform 8-digit code: rejection sampling avoids modulo bias. */
static int random_code(char out[TWOFA_BACKUP_DIGITS + 1])
{
	uint32_t r = 0;
	int i, ret;

	do {
		ret = twofa_random(&r, sizeof(r));
		if (ret != 0)
			return ret;
	} while (r >= UINT32_C(4200000000));
	r %= UINT32_C(100000000);
	for (i = TWOFA_BACKUP_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + r % 10);
		r /= 10;
	}
	out[TWOFA_BACKUP_DIGITS] = '\0';
	return TWOFA_OK;
}

int twofa_backup_set(struct twofa_record *rec, const char *const *codes,
		     unsigned count)
{
	struct twofa_record tmp;
	unsigned i;
	int ret = TWOFA_ERR_INVALID;

	memcpy(&tmp, rec, sizeof(tmp));
	if (count > TWOFA_BACKUP_MAX)
		goto out;
	tmp.backup_count = 0;
	tmp.state.backup_used = 0;
	tmp.backup_iterations = TWOFA_BACKUP_ITERATIONS;
	for (i = 0; i < count; i++) {
		unsigned j;

		ret = TWOFA_ERR_INVALID;
		if (codes[i] == NULL || !code_is_digits(codes[i]))
			goto out;
		/* Two equal codes would be one code that works twice. */
		for (j = 0; j < i; j++) {
			if (strcmp(codes[j], codes[i]) == 0)
				goto out;
		}
		ret = twofa_random(tmp.backup_salt[i], TWOFA_BACKUP_SALT_LEN);
		if (ret != 0)
			goto out;
		ret = backup_hash(codes[i], tmp.backup_salt[i],
				  tmp.backup_iterations, tmp.backup_hash[i]);
		if (ret != 0)
			goto out;
	}
	tmp.backup_count = count;
	memcpy(rec, &tmp, sizeof(tmp));
	ret = TWOFA_OK;
out:
	twofa_wipe(&tmp, sizeof(tmp));
	return ret;
}

int twofa_backup_generate(struct twofa_record *rec, unsigned count, char *codes,
			  size_t codes_size)
{
	const char *ptrs[TWOFA_BACKUP_MAX];
	unsigned i, j;
	int ret = TWOFA_ERR_INVALID;

	if (count > TWOFA_BACKUP_MAX ||
	    codes_size < (size_t)count * (TWOFA_BACKUP_DIGITS + 1))
		goto out;
	for (i = 0; i < count; i++) {
		char *c = codes + (size_t)i * (TWOFA_BACKUP_DIGITS + 1);

		/* Distinct codes, so "N left" counts what the user holds. */
		do {
			ret = random_code(c);
			if (ret != 0)
				goto out;
			for (j = 0; j < i; j++) {
				if (strcmp(ptrs[j], c) == 0)
					break;
			}
		} while (j < i);
		ptrs[i] = c;
	}
	ret = twofa_backup_set(rec, ptrs, count);
out:
	if (ret != TWOFA_OK && codes != NULL)
		twofa_wipe(codes, codes_size);
	return ret;
}

int twofa_backup_normalise(const char *typed, char out[TWOFA_BACKUP_DIGITS + 1])
{
	size_t i, n = 0;

	memset(out, 0, TWOFA_BACKUP_DIGITS + 1);
	for (i = 0; typed[i] != '\0'; i++) {
		if (typed[i] == ' ')
			continue;
		if (typed[i] < '0' || typed[i] > '9' ||
		    n == TWOFA_BACKUP_DIGITS) {
			twofa_wipe(out, TWOFA_BACKUP_DIGITS + 1);
			return TWOFA_ERR_INVALID;
		}
		out[n++] = typed[i];
	}
	if (n != TWOFA_BACKUP_DIGITS) {
		twofa_wipe(out, TWOFA_BACKUP_DIGITS + 1);
		return TWOFA_ERR_INVALID;
	}
	return TWOFA_OK;
}

/*
 * Match code against the unused codes (used false) or the burnt ones
 * (used true): every one of them is hashed, no early exit on a match.
 */
static int match_among(const struct twofa_record *rec, const char *code,
		       bool used, unsigned *index)
{
	unsigned char h[TWOFA_BACKUP_HASH_LEN];
	unsigned i, found = 0, any = 0;
	int ret = TWOFA_ERR_INVALID;

	*index = 0;
	if (!code_is_digits(code))
		return TWOFA_ERR_INVALID;
	for (i = 0; i < rec->backup_count && i < TWOFA_BACKUP_MAX; i++) {
		unsigned hit;
		bool burnt = (rec->state.backup_used & (UINT64_C(1) << i)) != 0;

		if (burnt != used)
			continue;
		ret = backup_hash(code, rec->backup_salt[i],
				  rec->backup_iterations, h);
		if (ret != 0)
			goto out;
		hit = (unsigned)(twofa_memeq_ct(h, rec->backup_hash[i],
						sizeof(h)) == 0);
		found = (hit & !any) ? i : found;
		any |= hit;
	}
	if (any) {
		*index = found;
		ret = TWOFA_OK;
	} else {
		ret = TWOFA_ERR_INVALID;
	}
out:
	twofa_wipe(h, sizeof(h));
	return ret;
}

int twofa_backup_match(const struct twofa_record *rec, const char *code,
		       unsigned *index)
{
	return match_among(rec, code, false, index);
}

int twofa_backup_match_used(const struct twofa_record *rec, const char *code)
{
	unsigned index = 0;

	return match_among(rec, code, true, &index);
}

int twofa_backup_burn(const char *code, unsigned count)
{
	unsigned char salt[TWOFA_BACKUP_SALT_LEN], h[TWOFA_BACKUP_HASH_LEN];
	char pad[TWOFA_BACKUP_DIGITS + 1];
	unsigned i;
	int ret = TWOFA_OK;

	/* Any text will do; it only has to cost what a real check costs. */
	memset(pad, '0', TWOFA_BACKUP_DIGITS);
	pad[TWOFA_BACKUP_DIGITS] = '\0';
	if (code != NULL && code_is_digits(code))
		memcpy(pad, code, TWOFA_BACKUP_DIGITS);
	ret = twofa_random(salt, sizeof(salt));
	for (i = 0; ret == TWOFA_OK && i < count && i < TWOFA_BACKUP_MAX; i++)
		ret = backup_hash(pad, salt, TWOFA_BACKUP_ITERATIONS, h);
	twofa_wipe(h, sizeof(h));
	twofa_wipe(pad, sizeof(pad));
	return ret;
}
