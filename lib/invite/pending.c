/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pending enrollment's text form (twofa(5)):
 *
 *   twofa-pending 1
 *   created <unix time>
 *   expires <unix time>
 *   ticket-kdf pbkdf2-sha256 <iterations>
 *   ticket <salt hex> <hash hex>
 *
 * followed by the same two state slots as a record, so failures and the
 * lock are kept exactly as for an enrolled user. Strict like the record
 * parser: anything else refuses the whole file.
 */
#include <stdio.h>
#include <string.h>

#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/parse.h"

#define MAGIC	 "twofa-pending"
#define KDF_NAME "pbkdf2-sha256"

enum {
	P_MAGIC = 1 << 0,
	P_CREATED = 1 << 1,
	P_EXPIRES = 1 << 2,
	P_KDF = 1 << 3,
	P_TICKET = 1 << 4,
	P_ALL = (1 << 5) - 1,
};

static int fail(struct twofa_parse_error *why, unsigned line, const char *what)
{
	if (why != NULL) {
		why->line = line;
		why->what = what;
	}
	return TWOFA_ERR_MALFORMED;
}

static bool word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

bool twofa_pending_is(const char *text, size_t len)
{
	return len >= sizeof(MAGIC) &&
	       memcmp(text, MAGIC " ", sizeof(MAGIC)) == 0;
}

int twofa_pending_check(const struct twofa_record *rec,
			struct twofa_parse_error *why)
{
	if (!rec->pending)
		return fail(why, 0, "not a pending enrollment");
	if (rec->ticket.iterations < TWOFA_TICKET_ITERATIONS_MIN ||
	    rec->ticket.iterations > TWOFA_TICKET_ITERATIONS_MAX)
		return fail(why, 0, "ticket work factor out of range");
	if (rec->ticket.expires <= rec->created)
		return fail(why, 0, "invitation expires before it was made");
	/* Nothing of an enrollment may ride along with an invitation. */
	if (rec->secret_len != 0 || rec->backup_count != 0 ||
	    rec->state.backup_used != 0)
		return fail(why, 0, "pending enrollment holds a secret");
	return TWOFA_OK;
}

static int parse_line(struct twofa_record *rec, const char *s, size_t n,
		      unsigned lineno, unsigned *seen,
		      struct twofa_parse_error *why)
{
	const char *w[4];
	size_t wl[4];
	uint64_t v;
	unsigned bit;
	size_t k;

	/* Exactly one space between fields: the canonical form only. */
	if (n == 0 || s[0] == ' ' || s[n - 1] == ' ' ||
	    memmem(s, n, "  ", 2) != NULL)
		return fail(why, lineno, "bad spacing");
	k = twofa_split_words(s, n, " ", w, wl, 3);

	if (k < 2 || k > 3)
		return fail(why, lineno, "wrong number of fields");
	if (lineno == 1) {
		if (k != 2 || !word_is(w[0], wl[0], MAGIC))
			return fail(why, lineno, "not a pending enrollment");
		if (!word_is(w[1], wl[1], "1"))
			return fail(why, lineno,
				    "unsupported pending enrollment version");
		*seen |= P_MAGIC;
		return TWOFA_OK;
	}
	if (word_is(w[0], wl[0], "created"))
		bit = P_CREATED;
	else if (word_is(w[0], wl[0], "expires"))
		bit = P_EXPIRES;
	else if (word_is(w[0], wl[0], "ticket-kdf"))
		bit = P_KDF;
	else if (word_is(w[0], wl[0], "ticket"))
		bit = P_TICKET;
	else
		return fail(why, lineno, "unknown key");
	if (*seen & bit)
		return fail(why, lineno, "duplicate key");
	*seen |= bit;
	if ((bit == P_KDF || bit == P_TICKET) != (k == 3))
		return fail(why, lineno, "wrong number of fields");
	switch (bit) {
	case P_CREATED:
	case P_EXPIRES:
		if (twofa_parse_u64(w[1], wl[1], UINT64_MAX - 1, &v) != 0)
			return fail(why, lineno, "bad time");
		if (bit == P_CREATED)
			rec->created = v;
		else
			rec->ticket.expires = v;
		break;
	case P_KDF:
		if (!word_is(w[1], wl[1], KDF_NAME))
			return fail(why, lineno, "unknown ticket hash");
		if (twofa_parse_u64(w[2], wl[2], TWOFA_TICKET_ITERATIONS_MAX,
				    &v) != 0 ||
		    v < TWOFA_TICKET_ITERATIONS_MIN)
			return fail(why, lineno,
				    "ticket work factor out of range");
		rec->ticket.iterations = (uint32_t)v;
		break;
	default:
		if (twofa_parse_hex(w[1], wl[1], rec->ticket.salt,
				    TWOFA_TICKET_SALT_LEN) != 0 ||
		    twofa_parse_hex(w[2], wl[2], rec->ticket.hash,
				    TWOFA_TICKET_HASH_LEN) != 0)
			return fail(why, lineno, "bad ticket hash");
		break;
	}
	return TWOFA_OK;
}

int twofa_pending_parse_config(struct twofa_record *rec, const char *text,
			       size_t len, struct twofa_parse_error *why)
{
	unsigned seen = 0;
	int ret;

	rec->pending = true;
	ret = twofa_record_parse_lines(rec, text, len, parse_line, &seen, why);
	if (ret != TWOFA_OK)
		return ret;
	if (seen != P_ALL)
		return fail(why, 0, "a required field is missing");
	return TWOFA_OK;
}

static void hex(const unsigned char *in, size_t len, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int twofa_pending_format_config(const struct twofa_record *rec, char *buf,
				size_t cap, size_t *len)
{
	char salt[2 * TWOFA_TICKET_SALT_LEN + 1];
	char hash[2 * TWOFA_TICKET_HASH_LEN + 1];
	int n, ret;

	*len = 0;
	ret = twofa_pending_check(rec, NULL);
	if (ret != TWOFA_OK)
		return ret;
	hex(rec->ticket.salt, sizeof(rec->ticket.salt), salt);
	hex(rec->ticket.hash, sizeof(rec->ticket.hash), hash);
	n = snprintf(buf, cap,
		     MAGIC " 1\ncreated %llu\nexpires %llu\n"
			   "ticket-kdf " KDF_NAME " %u\nticket %s %s\n",
		     (unsigned long long)rec->created,
		     (unsigned long long)rec->ticket.expires,
		     (unsigned)rec->ticket.iterations, salt, hash);
	if (n < 0 || (size_t)n >= cap)
		return TWOFA_ERR_INVALID;
	*len = (size_t)n;
	return TWOFA_OK;
}
