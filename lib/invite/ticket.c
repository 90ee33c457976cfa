/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Invitation tickets: 12 random digits, stored only as a salted PBKDF2
 * hash with a work factor, checked in constant time.
 */
#include <string.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/invite.h"
#include "twofa/mem.h"

static int ticket_hash(const char *ticket, const struct twofa_ticket *t,
		       unsigned char out[TWOFA_TICKET_HASH_LEN])
{
	return twofa_pbkdf2_sha256((const unsigned char *)ticket,
				   TWOFA_TICKET_DIGITS, t->salt,
				   TWOFA_TICKET_SALT_LEN, t->iterations, out,
				   TWOFA_TICKET_HASH_LEN);
}

/* 12 uniform digits: rejection sampling on 64 bits avoids modulo bias. */
static int random_ticket(char out[TWOFA_TICKET_DIGITS + 1])
{
	const uint64_t range = UINT64_C(1000000000000);
	const uint64_t limit = UINT64_MAX - UINT64_MAX % range;
	uint64_t r = 0;
	int i, ret;

	do {
		ret = twofa_random(&r, sizeof(r));
		if (ret != TWOFA_OK)
			return ret;
	} while (r >= limit);
	r %= range;
	for (i = TWOFA_TICKET_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + r % 10);
		r /= 10;
	}
	out[TWOFA_TICKET_DIGITS] = '\0';
	twofa_wipe(&r, sizeof(r));
	return TWOFA_OK;
}

int twofa_invite_new(struct twofa_record *rec, uint64_t now, uint64_t ttl,
		     char shown[TWOFA_TICKET_SHOWN + 1])
{
	char ticket[TWOFA_TICKET_DIGITS + 1];
	int ret = TWOFA_ERR_INVALID;

	twofa_record_init(rec, TWOFA_TOTP, now);
	memset(shown, 0, TWOFA_TICKET_SHOWN + 1);
	if (ttl == 0 || ttl > TWOFA_INVITE_TTL_MAX || now > UINT64_MAX - ttl)
		goto out;
	rec->pending = true;
	rec->ticket.iterations = TWOFA_TICKET_ITERATIONS;
	rec->ticket.expires = now + ttl;
	ret = random_ticket(ticket);
	if (ret != TWOFA_OK)
		goto out;
	ret = twofa_random(rec->ticket.salt, sizeof(rec->ticket.salt));
	if (ret != TWOFA_OK)
		goto out;
	ret = ticket_hash(ticket, &rec->ticket, rec->ticket.hash);
	if (ret != TWOFA_OK)
		goto out;
	memcpy(shown, ticket, 4);
	shown[4] = ' ';
	memcpy(shown + 5, ticket + 4, 4);
	shown[9] = ' ';
	memcpy(shown + 10, ticket + 8, 4);
	shown[TWOFA_TICKET_SHOWN] = '\0';
out:
	twofa_wipe(ticket, sizeof(ticket));
	if (ret != TWOFA_OK) {
		twofa_record_wipe(rec);
		twofa_wipe(shown, TWOFA_TICKET_SHOWN + 1);
	}
	return ret;
}

int twofa_ticket_normalise(const char *typed,
			   char out[TWOFA_TICKET_DIGITS + 1])
{
	size_t i, n = 0;

	memset(out, 0, TWOFA_TICKET_DIGITS + 1);
	for (i = 0; typed[i] != '\0'; i++) {
		if (typed[i] == ' ')
			continue;
		if (typed[i] < '0' || typed[i] > '9' ||
		    n == TWOFA_TICKET_DIGITS) {
			twofa_wipe(out, TWOFA_TICKET_DIGITS + 1);
			return TWOFA_ERR_INVALID;
		}
		out[n++] = typed[i];
	}
	if (n != TWOFA_TICKET_DIGITS) {
		twofa_wipe(out, TWOFA_TICKET_DIGITS + 1);
		return TWOFA_ERR_INVALID;
	}
	return TWOFA_OK;
}

int twofa_ticket_match(const struct twofa_ticket *t, const char *ticket)
{
	unsigned char h[TWOFA_TICKET_HASH_LEN];
	int ret;

	if (strlen(ticket) != TWOFA_TICKET_DIGITS ||
	    strspn(ticket, "0123456789") != TWOFA_TICKET_DIGITS)
		return TWOFA_ERR_INVALID;
	ret = ticket_hash(ticket, t, h);
	if (ret == TWOFA_OK)
		ret = twofa_memeq_ct(h, t->hash, sizeof(h)) == 0
			  ? TWOFA_OK
			  : TWOFA_ERR_INVALID;
	twofa_wipe(h, sizeof(h));
	return ret;
}

void twofa_ticket_burn(const char *typed)
{
	struct twofa_ticket t;
	unsigned char h[TWOFA_TICKET_HASH_LEN];
	char ticket[TWOFA_TICKET_DIGITS + 1];

	if (typed == NULL || twofa_ticket_normalise(typed, ticket) != TWOFA_OK)
		return;
	memset(&t, 0, sizeof(t));
	t.iterations = TWOFA_TICKET_ITERATIONS;
	if (twofa_random(t.salt, sizeof(t.salt)) == TWOFA_OK)
		(void)ticket_hash(ticket, &t, h);
	twofa_wipe(h, sizeof(h));
	twofa_wipe(ticket, sizeof(ticket));
}

bool twofa_ticket_same(const struct twofa_ticket *a,
		       const struct twofa_ticket *b)
{
	return twofa_memeq_ct(a->salt, b->salt, sizeof(a->salt)) == 0 &&
	       twofa_memeq_ct(a->hash, b->hash, sizeof(a->hash)) == 0 &&
	       a->iterations == b->iterations && a->expires == b->expires;
}
