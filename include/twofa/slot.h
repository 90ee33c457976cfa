/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A state slot: one fixed-size text line
 *   state A <seq> <next> <failures> <locked-until> <last-success> <used>
 * <check> with zero-padded decimal fields, the used mask and the check (the
 * first 8 bytes of SHA-256 over everything before it) in hex.
 */
#ifndef TWOFA_SLOT_H
#define TWOFA_SLOT_H

#include "twofa/record.h"

/*
 * Format slot 0 ("A") or 1 ("B"): exactly TWOFA_SLOT_LEN bytes, no NUL.
 * TWOFA_ERR_CRYPTO if the check cannot be computed (line is then untouched).
 */
int twofa_slot_format(const struct twofa_state *st, unsigned slot,
		      char line[TWOFA_SLOT_LEN]);

/*
 * Parse TWOFA_SLOT_LEN bytes as slot number slot. TWOFA_ERR_INVALID: shape
 * or checksum wrong, as a torn write leaves it; TWOFA_ERR_MALFORMED: the
 * checksum is right but a field is not (never written by us);
 * TWOFA_ERR_CRYPTO: the check could not be computed (out of memory), which
 * says nothing about the slot and must not be taken for a torn write.
 */
int twofa_slot_parse(const char *line, unsigned slot, struct twofa_state *st);

/*
 * The same for a sealed record, bind being its tag (TWOFA_SEAL_TAG_LEN
 * bytes; NULL is the plain form): the check's first 4 bytes are those of
 * the body's SHA-256, the last 4 those of SHA-256(bind || body). A slot
 * whose first half is wrong is torn (TWOFA_ERR_INVALID); one whose first
 * half is right and second wrong belongs to another record
 * (TWOFA_ERR_MALFORMED).
 */
int twofa_slot_format_bound(const struct twofa_state *st, unsigned slot,
			    const unsigned char *bind,
			    char line[TWOFA_SLOT_LEN]);
int twofa_slot_parse_bound(const char *line, unsigned slot,
			   const unsigned char *bind, struct twofa_state *st);

#endif
