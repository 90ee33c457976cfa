/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writing a record's text form (twofa(5)): the canonical text the parser
 * (record.c) reads back exactly, version 1 with the secret in base32 or
 * version 2 with it sealed; and the configuration text that a sealed
 * secret's additional data binds (lib/seal/seal.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/base32.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/record.h"
#include "twofa/seal.h"
#include "twofa/slot.h"

#define MAGIC	 "twofa-record"
#define KDF_NAME "pbkdf2-sha256"

/*
 * The configuration lines after the version line, in file order; the
 * secret line (NULL: none) goes between window and created. Also the
 * configuration part of a sealed secret's additional data (seal.c).
 */
static int format_config(const struct twofa_record *rec,
			 const char *secret_line, char *buf, size_t cap,
			 size_t *len)
{
	char salt[2 * TWOFA_BACKUP_SALT_LEN + 1];
	char hash[2 * TWOFA_BACKUP_HASH_LEN + 1];
	size_t pos = 0;
	int n, ret = TWOFA_ERR_INVALID;

	*len = 0;
	n = snprintf(buf, cap, "type %s\nalgorithm %s\ndigits %u\n",
		     twofa_otp_type_name(rec->type), twofa_alg_name(rec->alg),
		     rec->digits);
	if (n < 0 || (size_t)n >= cap)
		goto out;
	pos = (size_t)n;
	if (rec->type == TWOFA_TOTP) {
		n = snprintf(buf + pos, cap - pos, "period %u\n", rec->period);
		if (n < 0 || (size_t)n >= cap - pos)
			goto out;
		pos += (size_t)n;
	}
	n = snprintf(buf + pos, cap - pos, "window %u\n%s%s", rec->window,
		     secret_line != NULL ? secret_line : "",
		     secret_line != NULL ? "\n" : "");
	if (n < 0 || (size_t)n >= cap - pos)
		goto out;
	pos += (size_t)n;
	n = snprintf(
	    buf + pos, cap - pos, "created %llu\nbackup-kdf " KDF_NAME " %u\n",
	    (unsigned long long)rec->created, (unsigned)rec->backup_iterations);
	if (n < 0 || (size_t)n >= cap - pos)
		goto out;
	pos += (size_t)n;
	for (unsigned i = 0; i < rec->backup_count; i++) {
		twofa_hex_encode(rec->backup_salt[i], TWOFA_BACKUP_SALT_LEN,
				 salt);
		twofa_hex_encode(rec->backup_hash[i], TWOFA_BACKUP_HASH_LEN,
				 hash);
		n = snprintf(buf + pos, cap - pos, "backup %s %s\n", salt,
			     hash);
		if (n < 0 || (size_t)n >= cap - pos)
			goto out;
		pos += (size_t)n;
	}
	*len = pos;
	ret = TWOFA_OK;
out:
	twofa_wipe(hash, sizeof(hash));
	return ret;
}

int twofa_record_slot_format(const struct twofa_record *rec,
			     const struct twofa_state *st, unsigned slot,
			     char line[TWOFA_SLOT_LEN])
{
	return twofa_slot_format_bound(
	    st, slot, rec->sealed.on ? rec->sealed.tag : NULL, line);
}

int twofa_record_config_text(const struct twofa_record *rec, char *buf,
			     size_t cap, size_t *len)
{
	*len = 0;
	if (rec->backup_count > TWOFA_BACKUP_MAX)
		return TWOFA_ERR_INVALID;
	return format_config(rec, NULL, buf, cap, len);
}

int twofa_record_format(const struct twofa_record *rec, char **out,
			size_t *outlen)
{
	/* "secret " or "sealed " and the longer of the two values. */
	char line[7 + TWOFA_SEALED_TEXT_MAX + TWOFA_BASE32_MAX_INPUT + 1];
	size_t cap = 1024 + (size_t)rec->backup_count * 112 +
		     TWOFA_SEALED_TEXT_MAX + 2 * TWOFA_SLOT_LEN;
	size_t pos = 0, n = 0;
	char *buf = NULL;
	int ret;

	*out = NULL;
	*outlen = 0;
	ret = twofa_record_check(rec, NULL);
	if (ret != 0)
		goto out;
	if (rec->pending) {
		line[0] = '\0'; /* no secret yet: only the ticket's hash */
	} else if (rec->sealed.on) {
		memcpy(line, "sealed ", 7);
		ret = twofa_sealed_text_format(&rec->sealed, line + 7);
	} else {
		memcpy(line, "secret ", 7);
		ret = twofa_base32_encode(rec->secret, rec->secret_len,
					  line + 7, sizeof(line) - 7);
	}
	if (ret != 0)
		goto out;
	buf = malloc(cap);
	if (buf == NULL) {
		ret = TWOFA_ERR_NOMEM;
		goto out;
	}
	if (rec->pending) {
		ret = twofa_pending_format_config(rec, buf, cap, &n);
	} else {
		pos = (size_t)snprintf(buf, cap, MAGIC " %d\n",
				       rec->sealed.on
					   ? TWOFA_RECORD_VERSION_SEALED
					   : TWOFA_RECORD_VERSION);
		ret = format_config(rec, line, buf + pos, cap - pos, &n);
	}
	if (ret != TWOFA_OK)
		goto out;
	pos += n;
	if (pos + 2 * TWOFA_SLOT_LEN > cap) {
		ret = TWOFA_ERR_INVALID;
		goto out;
	}
	if (twofa_record_slot_format(rec, &rec->state, 0, buf + pos) !=
		TWOFA_OK ||
	    twofa_record_slot_format(rec, &rec->state, 1,
				     buf + pos + TWOFA_SLOT_LEN) != TWOFA_OK) {
		ret = TWOFA_ERR_CRYPTO;
		goto out;
	}
	pos += 2 * TWOFA_SLOT_LEN;
	*out = buf;
	*outlen = pos;
	buf = NULL;
	ret = TWOFA_OK;
out:
	twofa_freezero(buf, cap);
	twofa_wipe(line, sizeof(line));
	return ret;
}
