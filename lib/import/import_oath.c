/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Importer of pam_oath's usersfile (liboath's UsersFile format): every
 * user in it becomes one record with the same secret, type, digits and
 * counter, so their tokens keep working.
 */
#include <stdlib.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/import.h"
#include "twofa/mem.h"
#include "twofa/otp.h"
#include "twofa/parse.h"

#define OATH_FIELDS_MAX 7

static int fail(struct twofa_parse_error *why, unsigned line, const char *what)
{
	if (why != NULL) {
		why->line = line;
		why->what = what;
	}
	return TWOFA_ERR_MALFORMED;
}

/* What separates the fields of a usersfile line. */
#define OATH_BLANKS " \t\r"

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * liboath's token types: HOTP, HOTP/E (event = counter based), HOTP/T30,
 * HOTP/T60 (time based), each with an optional /6, /7 or /8.
 */
static int parse_type(const char *s, size_t n, struct twofa_record *rec)
{
	static const struct {
		const char *name;
		enum twofa_otp_type type;
		unsigned period;
	} bases[] = {
	    {"HOTP/E", TWOFA_HOTP, 0},
	    {"HOTP/T30", TWOFA_TOTP, 30},
	    {"HOTP/T60", TWOFA_TOTP, 60},
	    {"HOTP", TWOFA_HOTP, 0},
	};
	size_t i, bl;

	for (i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		bl = strlen(bases[i].name);
		if (n < bl || memcmp(s, bases[i].name, bl) != 0)
			continue;
		if (n == bl) {
			rec->digits = 6;
		} else if (n == bl + 2 && s[bl] == '/' && s[bl + 1] >= '6' &&
			   s[bl + 1] <= '8') {
			rec->digits = (unsigned)(s[bl + 1] - '0');
		} else {
			continue;
		}
		rec->type = bases[i].type;
		rec->period = bases[i].period;
		rec->window = rec->type == TWOFA_TOTP ? 1 : 10;
		return TWOFA_OK;
	}
	return TWOFA_ERR_INVALID;
}

static int parse_secret(const char *s, size_t n, struct twofa_record *rec)
{
	char lower[2 * TWOFA_SECRET_MAX];
	size_t i;
	int ret = TWOFA_ERR_INVALID;

	if (n % 2 != 0 || n / 2 < TWOFA_SECRET_MIN || n / 2 > TWOFA_SECRET_MAX)
		goto out;
	/* liboath takes either case; the core's hex parser wants lower. */
	for (i = 0; i < n; i++)
		lower[i] =
		    (s[i] >= 'A' && s[i] <= 'F') ? (char)(s[i] + 32) : s[i];
	ret = twofa_parse_hex(lower, n, rec->secret, n / 2);
	if (ret == TWOFA_OK)
		rec->secret_len = n / 2;
out:
	twofa_wipe(lower, sizeof(lower));
	return ret;
}

/*
 * pam_oath keeps no usable step for TOTP, only the last accepted code
 * (and a local time). Find the latest step up to a little after now
 * that gives that code, and start the replay guard after it. A code not
 * seen in the last TOTP_LOOKBACK steps is long unusable anyway.
 */
#define TOTP_LOOKBACK 1000
#define TOTP_AHEAD    10

static int totp_after_last(const struct twofa_record *rec, const char *last,
			   uint64_t now, uint64_t *next)
{
	char code[TWOFA_CODE_MAX + 1];
	uint64_t step = twofa_totp_step(now, rec->period) + TOTP_AHEAD;
	unsigned i;
	int ret = TWOFA_OK;

	*next = 0;
	for (i = 0; i < TOTP_LOOKBACK && i <= step; i++) {
		/*
		 * An HMAC that fails (out of memory) must fail the import:
		 * skipping that step could miss the code's real step and
		 * leave the code open to a replay.
		 */
		ret = twofa_hotp(rec->secret, rec->secret_len, rec->alg,
				 rec->digits, step - i, code);
		if (ret != TWOFA_OK)
			break;
		if (memcmp(code, last, rec->digits) == 0) {
			*next = step - i + 1;
			break;
		}
	}
	twofa_wipe(code, sizeof(code));
	return ret;
}

static int parse_line(const char *s, size_t n, unsigned line, uint64_t now,
		      struct twofa_oath_entry *e, struct twofa_parse_error *why)
{
	const char *w[OATH_FIELDS_MAX];
	size_t wl[OATH_FIELDS_MAX], count;
	struct twofa_record *rec = &e->rec;
	uint64_t counter = 0;

	count = twofa_split_words(s, n, OATH_BLANKS, w, wl, OATH_FIELDS_MAX);
	if (count > OATH_FIELDS_MAX)
		return fail(why, line, "too many fields");
	if (count < 4)
		return fail(why, line, "want TYPE USER PASSWORD SECRET");
	twofa_record_init(rec, TWOFA_HOTP, now);
	e->line = line;
	if (parse_type(w[0], wl[0], rec) != TWOFA_OK)
		return fail(why, line, "unknown token type");
	if (wl[1] > TWOFA_USER_MAX)
		return fail(why, line, "invalid user name");
	memcpy(e->user, w[1], wl[1]);
	e->user[wl[1]] = '\0';
	if (!twofa_user_valid(e->user))
		return fail(why, line, "invalid user name");
	e->has_pin = !(wl[2] == 1 && (w[2][0] == '-' || w[2][0] == '+'));
	if (parse_secret(w[3], wl[3], rec) != TWOFA_OK)
		return fail(why, line, "secret is not 16 to 64 bytes of hex");
	if (count >= 5 &&
	    twofa_parse_u64(w[4], wl[4], UINT64_MAX - 1, &counter) != 0)
		return fail(why, line, "bad counter");
	if (count >= 6 && (wl[5] < TWOFA_DIGITS_MIN || wl[5] > TWOFA_CODE_MAX))
		return fail(why, line, "bad last OTP");
	if (rec->type == TWOFA_HOTP) {
		/* pam_oath keeps the counter of the last accepted code. */
		rec->state.next = count >= 6 ? counter + 1 : counter;
		/* A token that far on is corruption or an attack on the guard. */
		if (rec->state.next > TWOFA_COUNTER_LAST - rec->window)
			return fail(why, line,
				    "counter too large (the replay guard would "
				    "reach 2^64)");
	} else if (count >= 6) {
		if (wl[5] != rec->digits)
			return fail(why, line, "bad last OTP");
		if (totp_after_last(rec, w[5], now, &rec->state.next) !=
		    TWOFA_OK) {
			fail(why, line, "cannot compute codes (out of memory)");
			return TWOFA_ERR_CRYPTO;
		}
	}
	if (twofa_record_check(rec, why) != TWOFA_OK)
		return fail(why, line, why ? why->what : "invalid entry");
	return TWOFA_OK;
}

int twofa_import_oath_parse(const char *text, size_t len, uint64_t now,
			    struct twofa_oath_file *out,
			    struct twofa_parse_error *why)
{
	struct twofa_oath_entry *grown;
	size_t pos = 0, cap = 0, i;
	unsigned line = 0;
	int ret = TWOFA_ERR_MALFORMED;

	out->count = 0;
	out->entries = NULL;
	if (why != NULL) {
		why->line = 0;
		why->what = NULL;
	}
	if (len > TWOFA_IMPORT_MAX) {
		ret = fail(why, 0, "file larger than 64 KiB");
		goto out;
	}
	if (memchr(text, '\0', len) != NULL) {
		ret = fail(why, 0, "file contains a NUL byte");
		goto out;
	}
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, k = 0;

		pos += n + (nl ? 1 : 0);
		line++;
		while (k < n && is_blank(s[k]))
			k++;
		if (k == n || s[k] == '#')
			continue;
		if (out->count == cap) {
			cap = cap ? 2 * cap : 16;
			grown = calloc(cap, sizeof(*grown));
			if (grown == NULL) {
				ret = TWOFA_ERR_NOMEM;
				goto out;
			}
			if (out->count > 0)
				memcpy(grown, out->entries,
				       out->count * sizeof(*grown));
			twofa_freezero(out->entries,
				       out->count * sizeof(*grown));
			out->entries = grown;
		}
		ret =
		    parse_line(s, n, line, now, &out->entries[out->count], why);
		out->count++; /* wiped on failure too */
		if (ret != TWOFA_OK)
			goto out;
		for (i = 0; i + 1 < out->count; i++) {
			if (strcmp(out->entries[i].user,
				   out->entries[out->count - 1].user) == 0) {
				ret = fail(why, line,
					   "user listed twice (one token each "
					   "is supported)");
				goto out;
			}
		}
	}
	if (out->count == 0) {
		ret = fail(why, 0, "no users in the file");
		goto out;
	}
	ret = TWOFA_OK;
out:
	if (ret != TWOFA_OK)
		twofa_oath_free(out);
	return ret;
}

void twofa_oath_free(struct twofa_oath_file *f)
{
	if (f->entries != NULL)
		twofa_freezero(f->entries, f->count * sizeof(*f->entries));
	f->entries = NULL;
	f->count = 0;
}
