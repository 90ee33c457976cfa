/* SPDX-License-Identifier: BSD-2-Clause */
/* The fixed-size, checksummed state slots of a record. */
#include <stdio.h>
#include <string.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/slot.h"

/* Bytes covered by the check: all before the check field. */
#define SLOT_BODY_LEN  (TWOFA_SLOT_LEN - 17)
#define SLOT_CHECK_LEN 8

/*
 * The check of a slot body: the first 8 bytes of its SHA-256. The hash can
 * report a failure; that must never look like a torn slot (the reader
 * would fall back to the older slot and undo the replay guard) nor give a
 * slot a check that can never match (the write would be lost).
 */
static int slot_check(const char *body, unsigned char out[SLOT_CHECK_LEN])
{
	unsigned char md[TWOFA_SHA256_LEN];
	int ret;

	ret = twofa_sha256(body, SLOT_BODY_LEN, md);
	if (ret != TWOFA_OK)
		return TWOFA_ERR_CRYPTO;
	memcpy(out, md, SLOT_CHECK_LEN);
	return TWOFA_OK;
}

/*
 * The check of a sealed record's slot (twofa(5)): its first half is the
 * first 4 bytes of the body's SHA-256, as a torn write breaks it; its
 * second half the first 4 bytes of the SHA-256 of the record's tag and
 * the body, which binds the slot to that one sealing of that one record.
 * A slot whose first half matches and second does not was written whole,
 * for another record: it is refused, not taken for a torn write.
 */
#define BOUND_HALF (SLOT_CHECK_LEN / 2)
static int check_of(const char *body, const unsigned char *bind,
		    unsigned char out[SLOT_CHECK_LEN])
{
	unsigned char buf[TWOFA_SEAL_TAG_LEN + SLOT_BODY_LEN];
	unsigned char md[TWOFA_SHA256_LEN];

	if (slot_check(body, out) != TWOFA_OK)
		return TWOFA_ERR_CRYPTO;
	if (bind == NULL)
		return TWOFA_OK;
	memcpy(buf, bind, TWOFA_SEAL_TAG_LEN);
	memcpy(buf + TWOFA_SEAL_TAG_LEN, body, SLOT_BODY_LEN);
	if (twofa_sha256(buf, sizeof(buf), md) != TWOFA_OK)
		return TWOFA_ERR_CRYPTO;
	memcpy(out + BOUND_HALF, md, SLOT_CHECK_LEN - BOUND_HALF);
	return TWOFA_OK;
}

int twofa_slot_format(const struct twofa_state *st, unsigned slot,
		      char line[TWOFA_SLOT_LEN])
{
	return twofa_slot_format_bound(st, slot, NULL, line);
}

int twofa_slot_parse(const char *line, unsigned slot, struct twofa_state *st)
{
	return twofa_slot_parse_bound(line, slot, NULL, st);
}

int twofa_slot_format_bound(const struct twofa_state *st, unsigned slot,
			    const unsigned char *bind,
			    char line[TWOFA_SLOT_LEN])
{
	char tmp[TWOFA_SLOT_LEN + 1];
	unsigned char check[SLOT_CHECK_LEN];
	int i, ret;

	snprintf(tmp, sizeof(tmp),
		 "state %c %020llu %020llu %010u %020llu %020llu %016llx ",
		 slot == 0 ? 'A' : 'B', (unsigned long long)st->seq,
		 (unsigned long long)st->next, (unsigned)st->failures,
		 (unsigned long long)st->locked_until,
		 (unsigned long long)st->last_success,
		 (unsigned long long)st->backup_used);
	ret = check_of(tmp, bind, check);
	if (ret != TWOFA_OK)
		return ret;
	for (i = 0; i < SLOT_CHECK_LEN; i++)
		snprintf(tmp + SLOT_BODY_LEN + 2 * i, 3, "%02x", check[i]);
	tmp[TWOFA_SLOT_LEN - 1] = '\n';
	memcpy(line, tmp, TWOFA_SLOT_LEN);
	return TWOFA_OK;
}

/* Fixed-width field of digits (base 10) or lower-case hex (base 16). */
static int fixed_field(const char *s, size_t n, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int twofa_slot_parse_bound(const char *line, unsigned slot,
			   const unsigned char *bind, struct twofa_state *st)
{
	static const struct {
		size_t off, len;
		unsigned base;
	} fields[] = {
	    {8, 20, 10},  /* seq */
	    {29, 20, 10}, /* next */
	    {50, 10, 10}, /* failures */
	    {61, 20, 10}, /* locked until */
	    {82, 20, 10}, /* last success */
	    {103, 16, 16} /* used mask */
	};
	char prefix[9];
	uint64_t v[6];
	unsigned char want[SLOT_CHECK_LEN], got[SLOT_CHECK_LEN];
	size_t i;

	memset(st, 0, sizeof(*st));
	snprintf(prefix, sizeof(prefix), "state %c ", slot == 0 ? 'A' : 'B');
	if (memcmp(line, prefix, 8) != 0 || line[TWOFA_SLOT_LEN - 1] != '\n')
		return TWOFA_ERR_INVALID;
	for (i = 0; i < SLOT_CHECK_LEN; i++) {
		uint64_t b;

		if (fixed_field(line + SLOT_BODY_LEN + 2 * i, 2, 16, &b) != 0)
			return TWOFA_ERR_INVALID;
		got[i] = (unsigned char)b;
	}
	if (check_of(line, bind, want) != TWOFA_OK)
		return TWOFA_ERR_CRYPTO;
	if (bind != NULL) {
		if (twofa_memeq_ct(want, got, BOUND_HALF) != 0)
			return TWOFA_ERR_INVALID; /* torn */
		if (twofa_memeq_ct(want + BOUND_HALF, got + BOUND_HALF,
				   SLOT_CHECK_LEN - BOUND_HALF) != 0)
			return TWOFA_ERR_MALFORMED; /* another record's */
	} else if (twofa_memeq_ct(want, got, SLOT_CHECK_LEN) != 0) {
		return TWOFA_ERR_INVALID;
	}

	/* The checksum matched: from here on, anything odd is malformed. */
	for (i = 0; i < 6; i++) {
		if (line[fields[i].off + fields[i].len] != ' ' ||
		    fixed_field(line + fields[i].off, fields[i].len,
				fields[i].base, &v[i]) != 0)
			return TWOFA_ERR_MALFORMED;
	}
	if (v[2] > UINT32_MAX)
		return TWOFA_ERR_MALFORMED;
	st->seq = v[0];
	st->next = v[1];
	st->failures = (uint32_t)v[2];
	st->locked_until = v[3];
	st->last_success = v[4];
	st->backup_used = v[5];
	return TWOFA_OK;
}
