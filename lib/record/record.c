/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record's text form (twofa(5)): a configuration part of "key value"
 * lines, then two fixed-size state slots. Parsing is strict: anything not
 * understood refuses the whole record. Version 1 holds the secret in
 * base32 ("secret"), version 2 sealed ("sealed", twofa/seal.h); the
 * parser reads both and never opens a sealed secret itself (it has no
 * key): the store does, right after parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/backup.h"
#include "twofa/base32.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"
#include "twofa/record.h"
#include "twofa/parse.h"
#include "twofa/seal.h"
#include "twofa/slot.h"

#define MAGIC	 "twofa-record"
#define KDF_NAME "pbkdf2-sha256"

enum key_bit {
	K_MAGIC = 1 << 0,
	K_TYPE = 1 << 1,
	K_ALG = 1 << 2,
	K_DIGITS = 1 << 3,
	K_PERIOD = 1 << 4,
	K_WINDOW = 1 << 5,
	K_SECRET = 1 << 6,
	K_CREATED = 1 << 7,
	K_KDF = 1 << 8,
	K_SEALED = 1 << 9,
	K_V2 = 1 << 10, /* not a key: the version line said 2 */
};

/* Plus K_SECRET (version 1) or K_SEALED (version 2), never both. */
#define K_REQUIRED                                                             \
	(K_MAGIC | K_TYPE | K_ALG | K_DIGITS | K_WINDOW | K_CREATED | K_KDF)

void twofa_record_init(struct twofa_record *rec, enum twofa_otp_type type,
		       uint64_t now)
{
	memset(rec, 0, sizeof(*rec));
	rec->type = type;
	rec->alg = TWOFA_ALG_SHA1;
	rec->digits = 6;
	rec->period = type == TWOFA_TOTP ? 30 : 0;
	rec->window = type == TWOFA_TOTP ? 1 : 10;
	rec->created = now;
	rec->backup_iterations = TWOFA_BACKUP_ITERATIONS;
}

void twofa_record_wipe(struct twofa_record *rec)
{
	twofa_wipe(rec, sizeof(*rec));
}

const char *twofa_otp_type_name(enum twofa_otp_type type)
{
	return type == TWOFA_HOTP ? "hotp" : "totp";
}

unsigned twofa_record_backup_left(const struct twofa_record *rec)
{
	unsigned i, left = 0;

	for (i = 0; i < rec->backup_count && i < TWOFA_BACKUP_MAX; i++) {
		if (!(rec->state.backup_used & (UINT64_C(1) << i)))
			left++;
	}
	return left;
}

static int fail(struct twofa_parse_error *why, unsigned line, const char *what)
{
	if (why != NULL) {
		why->line = line;
		why->what = what;
	}
	return TWOFA_ERR_MALFORMED;
}

int twofa_record_check(const struct twofa_record *rec,
		       struct twofa_parse_error *why)
{
	if (rec->pending)
		return twofa_pending_check(rec, why);
	if (rec->type != TWOFA_TOTP && rec->type != TWOFA_HOTP)
		return fail(why, 0, "unknown type");
	if ((unsigned)rec->alg > TWOFA_ALG_SHA512)
		return fail(why, 0, "unknown algorithm");
	if (rec->digits < TWOFA_DIGITS_MIN || rec->digits > TWOFA_DIGITS_MAX)
		return fail(why, 0, "digits out of range");
	if (rec->type == TWOFA_TOTP &&
	    (rec->period < TWOFA_PERIOD_MIN || rec->period > TWOFA_PERIOD_MAX))
		return fail(why, 0, "period out of range");
	if (rec->type == TWOFA_HOTP && rec->period != 0)
		return fail(why, 0, "period given for hotp");
	if (rec->window > TWOFA_WINDOW_MAX)
		return fail(why, 0, "window out of range");
	if (rec->sealed.on) {
		/* Parsed but not opened yet: no secret, only its sealed form. */
		if (rec->sealed.ct_len < TWOFA_SECRET_MIN ||
		    rec->sealed.ct_len > TWOFA_SECRET_MAX ||
		    (rec->secret_len != 0 &&
		     rec->secret_len != rec->sealed.ct_len))
			return fail(why, 0, "sealed secret length out of range");
	} else if (rec->secret_len < TWOFA_SECRET_MIN ||
		   rec->secret_len > TWOFA_SECRET_MAX) {
		return fail(why, 0, "secret length out of range");
	}
	if (rec->backup_iterations < TWOFA_BACKUP_ITERATIONS_MIN ||
	    rec->backup_iterations > TWOFA_BACKUP_ITERATIONS_MAX)
		return fail(why, 0, "backup work factor out of range");
	if (rec->backup_count > TWOFA_BACKUP_MAX)
		return fail(why, 0, "too many backup codes");
	if ((rec->state.backup_used >> rec->backup_count) != 0)
		return fail(why, 0, "used mask names a missing backup code");
	return TWOFA_OK;
}

/* Does [s, s+n) equal the NUL-terminated word w? */
static int word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* Split "a b c" into up to max space-separated fields; exact count. */
static int split_fields(const char *s, size_t n, const char **f, size_t *fl,
			unsigned want)
{
	unsigned k = 0;
	size_t start = 0, i;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == ' ') {
			if (i == start || k == want)
				return -1; /* empty field or too many */
			f[k] = s + start;
			fl[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	return k == want ? 0 : -1;
}

static int parse_line(struct twofa_record *rec, const char *s, size_t n,
		      unsigned lineno, unsigned *seen,
		      struct twofa_parse_error *why)
{
	const char *f[3];
	size_t fl[3];
	const char *sp = memchr(s, ' ', n);
	const char *key = s, *val;
	size_t keylen, vallen;
	uint64_t v;
	unsigned bit;
	char buf[TWOFA_BASE32_MAX_INPUT + 1];
	int ret;

	if (sp == NULL)
		return fail(why, lineno, "line without a value");
	keylen = (size_t)(sp - s);
	val = sp + 1;
	vallen = n - keylen - 1;
	if (vallen == 0)
		return fail(why, lineno, "empty value");

	if (lineno == 1) {
		if (!word_is(key, keylen, MAGIC))
			return fail(why, lineno, "not a twofa record");
		if (word_is(val, vallen, "2"))
			*seen |= K_V2;
		else if (!word_is(val, vallen, "1"))
			return fail(why, lineno, "unsupported record version");
		*seen |= K_MAGIC;
		return TWOFA_OK;
	}

	if (word_is(key, keylen, "backup")) {
		if (rec->backup_count >= TWOFA_BACKUP_MAX)
			return fail(why, lineno, "too many backup codes");
		if (split_fields(val, vallen, f, fl, 2) != 0 ||
		    twofa_parse_hex(f[0], fl[0],
				    rec->backup_salt[rec->backup_count],
				    TWOFA_BACKUP_SALT_LEN) != 0 ||
		    twofa_parse_hex(f[1], fl[1],
				    rec->backup_hash[rec->backup_count],
				    TWOFA_BACKUP_HASH_LEN) != 0)
			return fail(why, lineno, "bad backup code hash");
		rec->backup_count++;
		return TWOFA_OK;
	}

	if (word_is(key, keylen, "type"))
		bit = K_TYPE;
	else if (word_is(key, keylen, "algorithm"))
		bit = K_ALG;
	else if (word_is(key, keylen, "digits"))
		bit = K_DIGITS;
	else if (word_is(key, keylen, "period"))
		bit = K_PERIOD;
	else if (word_is(key, keylen, "window"))
		bit = K_WINDOW;
	else if (word_is(key, keylen, "secret"))
		bit = K_SECRET;
	else if (word_is(key, keylen, "created"))
		bit = K_CREATED;
	else if (word_is(key, keylen, "backup-kdf"))
		bit = K_KDF;
	else if (word_is(key, keylen, "sealed"))
		bit = K_SEALED;
	else
		return fail(why, lineno, "unknown key");
	if (*seen & bit)
		return fail(why, lineno, "duplicate key");
	*seen |= bit;

	switch (bit) {
	case K_TYPE:
		if (word_is(val, vallen, "totp"))
			rec->type = TWOFA_TOTP;
		else if (word_is(val, vallen, "hotp"))
			rec->type = TWOFA_HOTP;
		else
			return fail(why, lineno, "unknown type");
		break;
	case K_ALG:
		if (word_is(val, vallen, "SHA1"))
			rec->alg = TWOFA_ALG_SHA1;
		else if (word_is(val, vallen, "SHA256"))
			rec->alg = TWOFA_ALG_SHA256;
		else if (word_is(val, vallen, "SHA512"))
			rec->alg = TWOFA_ALG_SHA512;
		else
			return fail(why, lineno, "unknown algorithm");
		break;
	case K_DIGITS:
		if (twofa_parse_u64(val, vallen, TWOFA_DIGITS_MAX, &v) != 0 ||
		    v < TWOFA_DIGITS_MIN)
			return fail(why, lineno, "digits out of range");
		rec->digits = (unsigned)v;
		break;
	case K_PERIOD:
		if (twofa_parse_u64(val, vallen, TWOFA_PERIOD_MAX, &v) != 0 ||
		    v < TWOFA_PERIOD_MIN)
			return fail(why, lineno, "period out of range");
		rec->period = (unsigned)v;
		break;
	case K_WINDOW:
		if (twofa_parse_u64(val, vallen, TWOFA_WINDOW_MAX, &v) != 0)
			return fail(why, lineno, "window out of range");
		rec->window = (unsigned)v;
		break;
	case K_CREATED:
		if (twofa_parse_u64(val, vallen, UINT64_MAX, &v) != 0)
			return fail(why, lineno, "bad creation time");
		rec->created = v;
		break;
	case K_SECRET:
		if (*seen & K_V2)
			return fail(why, lineno, "plain secret in a version 2 "
						 "record");
		/* Canonical form only: upper case, no padding or spaces. */
		if (vallen > TWOFA_BASE32_MAX_INPUT)
			return fail(why, lineno, "secret too long");
		memcpy(buf, val, vallen);
		buf[vallen] = '\0';
		ret = twofa_base32_decode(buf, rec->secret, sizeof(rec->secret),
					  &rec->secret_len);
		if (ret == 0 &&
		    vallen != twofa_base32_encoded_len(rec->secret_len))
			ret = TWOFA_ERR_INVALID;
		for (size_t i = 0; ret == 0 && i < vallen; i++) {
			if (buf[i] >= 'a' && buf[i] <= 'z')
				ret = TWOFA_ERR_INVALID;
		}
		twofa_wipe(buf, sizeof(buf));
		if (ret != 0)
			return fail(why, lineno, "bad secret encoding");
		if (rec->secret_len < TWOFA_SECRET_MIN)
			return fail(why, lineno,
				    "secret shorter than 128 bits");
		break;
	case K_SEALED:
		if (!(*seen & K_V2))
			return fail(why, lineno, "sealed secret in a version 1 "
						 "record");
		if (twofa_sealed_text_parse(val, vallen, &rec->sealed) != 0)
			return fail(why, lineno, "bad sealed secret");
		break;
	case K_KDF:
		if (split_fields(val, vallen, f, fl, 2) != 0 ||
		    !word_is(f[0], fl[0], KDF_NAME))
			return fail(why, lineno, "unknown backup code hash");
		if (twofa_parse_u64(f[1], fl[1], TWOFA_BACKUP_ITERATIONS_MAX,
				    &v) != 0 ||
		    v < TWOFA_BACKUP_ITERATIONS_MIN)
			return fail(why, lineno,
				    "backup work factor out of range");
		rec->backup_iterations = (uint32_t)v;
		break;
	default:
		return fail(why, lineno, "unknown key");
	}
	return TWOFA_OK;
}

int twofa_record_parse_lines(struct twofa_record *rec, const char *text,
			     size_t len, twofa_record_line_fn *line,
			     unsigned *seen, struct twofa_parse_error *why)
{
	size_t pos = 0;
	unsigned lineno = 0;
	int ret;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n, i;

		lineno++;
		if (nl == NULL)
			return fail(why, lineno, "line without newline");
		n = (size_t)(nl - (text + pos));
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)text[pos + i];

			if (c < 0x20 || c > 0x7e)
				return fail(why, lineno,
					    "control or non-ASCII byte");
		}
		ret = line(rec, text + pos, n, lineno, seen, why);
		if (ret != TWOFA_OK)
			return ret;
		pos += n + 1;
	}
	return TWOFA_OK;
}

static int parse_config(struct twofa_record *rec, const char *text, size_t len,
			struct twofa_parse_error *why)
{
	unsigned seen = 0;
	int ret;

	ret = twofa_record_parse_lines(rec, text, len, parse_line, &seen, why);
	if (ret != TWOFA_OK)
		return ret;
	if ((seen & K_REQUIRED) != K_REQUIRED ||
	    !(seen & ((seen & K_V2) ? K_SEALED : K_SECRET)))
		return fail(why, 0, "a required field is missing");
	if (rec->type == TWOFA_TOTP && !(seen & K_PERIOD))
		return fail(why, 0, "totp record without period");
	if (rec->type == TWOFA_HOTP && (seen & K_PERIOD))
		return fail(why, 0, "period given for hotp");
	return TWOFA_OK;
}

int twofa_record_parse(const char *text, size_t len, struct twofa_record *rec,
		       size_t *slot_off, unsigned *cur_slot,
		       struct twofa_parse_error *why)
{
	struct twofa_state st[2];
	int valid[2];
	size_t off;
	unsigned lines;
	int ret;

	memset(rec, 0, sizeof(*rec));
	if (why != NULL) {
		why->line = 0;
		why->what = NULL;
	}
	if (len > TWOFA_RECORD_MAX) {
		fail(why, 0, "record larger than 64 KiB");
		return TWOFA_ERR_TOO_BIG;
	}
	if (memchr(text, '\0', len) != NULL) {
		ret = fail(why, 0, "NUL byte in record");
		goto out;
	}
	if (len < 2 * TWOFA_SLOT_LEN + 1) {
		ret = fail(why, 0, "record truncated");
		goto out;
	}
	off = len - 2 * TWOFA_SLOT_LEN;
	if (text[off - 1] != '\n') {
		ret = fail(why, 0, "state slots misplaced");
		goto out;
	}
	/* A pending enrollment has its own configuration part (lib/invite). */
	if (twofa_pending_is(text, off))
		ret = twofa_pending_parse_config(rec, text, off, why);
	else
		ret = parse_config(rec, text, off, why);
	if (ret != 0)
		goto out;

	lines = 0;
	for (size_t i = 0; i < off; i++)
		lines += text[i] == '\n';
	for (unsigned s = 0; s < 2; s++) {
		ret = twofa_slot_parse_bound(
		    text + off + s * TWOFA_SLOT_LEN, s,
		    rec->sealed.on ? rec->sealed.tag : NULL, &st[s]);
		if (ret == TWOFA_ERR_MALFORMED) {
			/* Checksum right, content wrong: not a torn write. */
			fail(why, lines + 1 + s, "bad state slot");
			goto out;
		}
		if (ret == TWOFA_ERR_CRYPTO) {
			/* Unknown, not torn: guessing could load an old state.
			 */
			fail(why, lines + 1 + s, "cannot check state slot");
			goto out;
		}
		valid[s] = ret == TWOFA_OK;
	}
	if (!valid[0] && !valid[1]) {
		ret = fail(why, lines + 1, "no valid state slot");
		goto out;
	}
	if (valid[0] && (!valid[1] || st[0].seq >= st[1].seq)) {
		rec->state = st[0];
		*cur_slot = 0;
	} else {
		rec->state = st[1];
		*cur_slot = 1;
	}
	*slot_off = off;
	ret = twofa_record_check(rec, why);
out:
	twofa_wipe(st, sizeof(st));
	if (ret != TWOFA_OK)
		twofa_record_wipe(rec);
	return ret;
}
