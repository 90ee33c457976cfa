/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A directory entry back into a record (entry.h): strict, like the text
 * parser, because a value we do not understand must refuse the login, not
 * be guessed at.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "twofa/backup.h"
#include "twofa/err.h"
#include "twofa/parse.h"
#include "twofa/seal.h"
#include "store/ldap/entry.h"

#define KDF_PREFIX "pbkdf2-sha256:"

static int bad(struct twofa_parse_error *why, const char *what)
{
	if (why != NULL) {
		why->line = 0;
		why->what = what;
	}
	return TWOFA_ERR_MALFORMED;
}

/*
 * The one value of a single-valued attribute: 1 found, 0 absent, <0 when
 * repeated.
 */
static int get1(const struct twofa_ldap_avs *in, const char *attr,
		const struct twofa_ldap_av **out)
{
	unsigned i, n = 0;

	*out = NULL;
	for (i = 0; i < in->n; i++) {
		if (in->v[i].op != TWOFA_LDAP_ATTR ||
		    strcasecmp(in->v[i].attr, attr) != 0)
			continue;
		*out = &in->v[i];
		n++;
	}
	return n > 1 ? TWOFA_ERR_MALFORMED : (int)n;
}

/* A decimal attribute: 1 found, 0 absent (*v untouched), <0 malformed. */
static int get_u64(const struct twofa_ldap_avs *in, const char *attr,
		   uint64_t max, uint64_t *v)
{
	const struct twofa_ldap_av *a;
	int n = get1(in, attr, &a);

	if (n <= 0)
		return n;
	if (twofa_parse_u64((const char *)a->val, a->len, max, v) < 0)
		return TWOFA_ERR_MALFORMED;
	return 1;
}

/* "YYYYMMDDhhmmss[.fraction]Z" -> Unix time. */
static int get_time(const struct twofa_ldap_avs *in, const char *attr,
		    uint64_t *t)
{
	const struct twofa_ldap_av *a;
	struct tm tm;
	const char *s;
	time_t tt;
	int n = get1(in, attr, &a);
	size_t i;

	if (n <= 0)
		return n;
	s = (const char *)a->val;
	if (a->len < 15 || s[a->len - 1] != 'Z')
		return TWOFA_ERR_MALFORMED;
	for (i = 0; i < 14; i++)
		if (s[i] < '0' || s[i] > '9')
			return TWOFA_ERR_MALFORMED;
	if (a->len > 15) {
		if (s[14] != '.' && s[14] != ',')
			return TWOFA_ERR_MALFORMED;
		for (i = 15; i < a->len - 1; i++)
			if (s[i] < '0' || s[i] > '9')
				return TWOFA_ERR_MALFORMED;
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
		     (s[2] - '0') * 10 + (s[3] - '0') - 1900;
	tm.tm_mon = (s[4] - '0') * 10 + (s[5] - '0') - 1;
	tm.tm_mday = (s[6] - '0') * 10 + (s[7] - '0');
	tm.tm_hour = (s[8] - '0') * 10 + (s[9] - '0');
	tm.tm_min = (s[10] - '0') * 10 + (s[11] - '0');
	tm.tm_sec = (s[12] - '0') * 10 + (s[13] - '0');
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return TWOFA_ERR_MALFORMED;
	tt = timegm(&tm);
	if (tt < 0)
		return TWOFA_ERR_MALFORMED;
	*t = (uint64_t)tt;
	return 1;
}

static bool has_class(const struct twofa_ldap_avs *in, const char *oc)
{
	unsigned i;

	for (i = 0; i < in->n; i++)
		if (in->v[i].op == TWOFA_LDAP_ATTR &&
		    strcasecmp(in->v[i].attr, "objectClass") == 0 &&
		    strcasecmp((const char *)in->v[i].val, oc) == 0)
			return true;
	return false;
}

/* One "INDEX SALTHEX HASHHEX" value into rec; *seen marks the index. */
static int put_backup(const struct twofa_ldap_av *a, struct twofa_record *rec,
		      uint64_t *seen)
{
	const char *w[4];
	size_t wl[4];
	uint64_t idx;

	if (twofa_split_words((const char *)a->val, a->len, " ", w, wl, 3) !=
		3 ||
	    twofa_parse_u64(w[0], wl[0], TWOFA_BACKUP_MAX - 1, &idx) < 0 ||
	    idx >= rec->backup_count || (*seen & (UINT64_C(1) << idx)) ||
	    twofa_parse_hex(w[1], wl[1], rec->backup_salt[idx],
			    TWOFA_BACKUP_SALT_LEN) < 0 ||
	    twofa_parse_hex(w[2], wl[2], rec->backup_hash[idx],
			    TWOFA_BACKUP_HASH_LEN) < 0)
		return TWOFA_ERR_MALFORMED;
	*seen |= UINT64_C(1) << idx;
	return TWOFA_OK;
}

/* seq, lock, failures and times: what every entry's state holds. */
static int parse_state(const struct twofa_ldap_avs *in,
		       struct twofa_record *rec, struct twofa_parse_error *why)
{
	uint64_t v = 0;

	if (get_u64(in, "twofaSeq", UINT64_MAX, &rec->state.seq) != 1 ||
	    rec->state.seq == 0)
		return bad(why, "twofaSeq missing or malformed");
	if (get_u64(in, "twofaLockedUntil", UINT64_MAX,
		    &rec->state.locked_until) != 1)
		return bad(why, "twofaLockedUntil missing or malformed");
	if (get_u64(in, "oathFailureCount", UINT32_MAX, &v) < 0)
		return bad(why, "oathFailureCount malformed");
	rec->state.failures = (uint32_t)v;
	if (get_time(in, "oathSecretTime", &rec->created) < 0 ||
	    get_time(in, "oathLastLogin", &rec->state.last_success) < 0)
		return bad(why, "time attribute malformed");
	return TWOFA_OK;
}

/*
 * A pending enrollment (entry.c put_pending): the ticket, the state, and
 * nothing of a token.
 */
static int parse_pending(const struct twofa_ldap_avs *in,
			 const struct twofa_ldap_av *t, struct twofa_record *rec,
			 struct twofa_parse_error *why)
{
	static const char *const none[] = {
	    "oathSecret",	  "twofaSealedSecret",	  "oathHMACAlgorithm",
	    "oathOTPLength",	  "oathTOTPTimeStepPeriod", "oathHOTPLookAhead",
	    "oathTOTPLastTimeStep", "oathHOTPCounter",	  "twofaBackupCode",
	    "twofaBackupCount",	  "twofaBackupKDF"};
	const struct twofa_ldap_av *a;
	const char *w[5];
	size_t wl[5], k, pl = strlen(KDF_PREFIX);
	uint64_t v;
	int ret;

	memset(rec, 0, sizeof(*rec));
	rec->pending = true;
	if (has_class(in, "oathTOTPParams") || has_class(in, "oathHOTPParams") ||
	    has_class(in, "oathHOTPToken"))
		return bad(why, "pending enrollment with token classes");
	for (k = 0; k < sizeof(none) / sizeof(none[0]); k++)
		if (get1(in, none[k], &a) != 0)
			return bad(why, "pending enrollment holds a token");
	if (twofa_split_words((const char *)t->val, t->len, " ", w, wl, 4) !=
		4 ||
	    wl[0] <= pl || strncmp(w[0], KDF_PREFIX, pl) != 0 ||
	    twofa_parse_u64(w[0] + pl, wl[0] - pl, UINT32_MAX, &v) < 0 ||
	    twofa_parse_u64(w[1], wl[1], UINT64_MAX, &rec->ticket.expires) <
		0 ||
	    twofa_parse_hex(w[2], wl[2], rec->ticket.salt,
			    TWOFA_TICKET_SALT_LEN) < 0 ||
	    twofa_parse_hex(w[3], wl[3], rec->ticket.hash,
			    TWOFA_TICKET_HASH_LEN) < 0)
		return bad(why, "twofaTicket malformed");
	rec->ticket.iterations = (uint32_t)v;
	if ((ret = parse_state(in, rec, why)) < 0)
		return ret;
	return twofa_record_check(rec, why);
}

int twofa_ldap_entry_parse(const struct twofa_ldap_avs *in,
			   struct twofa_record *rec,
			   struct twofa_parse_error *why)
{
	const struct twofa_ldap_av *a, *a2;
	uint64_t v, seen = 0;
	bool totp, hotp;
	unsigned i;
	int ret = TWOFA_ERR_MALFORMED;

	switch (get1(in, "twofaTicket", &a)) {
	case 1:
		if (!has_class(in, "twofaState")) {
			ret = bad(why, "entry is not a twofaState");
			goto out;
		}
		ret = parse_pending(in, a, rec, why);
		goto out;
	case 0:
		break;
	default:
		ret = bad(why, "twofaTicket repeated");
		goto out;
	}
	twofa_record_init(rec, TWOFA_TOTP, 0);
	rec->created = 0;
	totp = has_class(in, "oathTOTPToken") && has_class(in, "oathTOTPParams");
	hotp = has_class(in, "oathHOTPToken") && has_class(in, "oathHOTPParams");
	if (!has_class(in, "twofaState") || totp == hotp) {
		ret = bad(why, "entry is neither a TOTP nor an HOTP token");
		goto out;
	}
	rec->type = totp ? TWOFA_TOTP : TWOFA_HOTP;
	rec->period = 0;
	switch (get1(in, "twofaSealedSecret", &a)) {
	case 1:
		/* Sealed (SPEC §8): opened above the store, never here. */
		if (get1(in, "oathSecret", &a2) != 0 ||
		    twofa_sealed_text_parse((const char *)a->val, a->len,
					    &rec->sealed) < 0) {
			ret = bad(why, "twofaSealedSecret malformed or beside "
				       "oathSecret");
			goto out;
		}
		break;
	case 0:
		if (get1(in, "oathSecret", &a) != 1 ||
		    a->len < TWOFA_SECRET_MIN || a->len > TWOFA_SECRET_MAX) {
			ret = bad(why, "oathSecret missing or of a bad length");
			goto out;
		}
		memcpy(rec->secret, a->val, a->len);
		rec->secret_len = a->len;
		break;
	default:
		ret = bad(why, "twofaSealedSecret repeated");
		goto out;
	}
	if (get1(in, "oathHMACAlgorithm", &a) != 1) {
		ret = bad(why, "oathHMACAlgorithm missing");
		goto out;
	}
	if (twofa_ldap_alg_from_oid((const char *)a->val, &rec->alg) < 0) {
		ret = bad(why, "oathHMACAlgorithm not SHA1, SHA256 or SHA512");
		goto out;
	}
	if (get_u64(in, "oathOTPLength", TWOFA_DIGITS_MAX, &v) != 1) {
		ret = bad(why, "oathOTPLength missing or out of range");
		goto out;
	}
	rec->digits = (unsigned)v;
	if (totp) {
		if (get_u64(in, "oathTOTPTimeStepPeriod", TWOFA_PERIOD_MAX,
			    &v) != 1) {
			ret = bad(why, "oathTOTPTimeStepPeriod missing or bad");
			goto out;
		}
		rec->period = (unsigned)v;
	}
	if (get_u64(in, totp ? "oathTOTPTimeStepWindow" : "oathHOTPLookAhead",
		    TWOFA_WINDOW_MAX, &v) != 1) {
		ret = bad(why, "window missing or out of range");
		goto out;
	}
	rec->window = (unsigned)v;
	switch (get_u64(in, twofa_ldap_guard_attr(rec->type), UINT64_MAX - 1, &v)) {
	case 1:
		rec->state.next = v + 1;
		break;
	case 0:
		rec->state.next = 0;
		break;
	default:
		ret = bad(why, "replay guard malformed");
		goto out;
	}
	if ((ret = parse_state(in, rec, why)) < 0)
		goto out;
	if (get1(in, "twofaBackupKDF", &a) != 1 ||
	    a->len <= strlen(KDF_PREFIX) ||
	    strncmp((const char *)a->val, KDF_PREFIX, strlen(KDF_PREFIX)) != 0 ||
	    twofa_parse_u64((const char *)a->val + strlen(KDF_PREFIX),
			    a->len - strlen(KDF_PREFIX),
			    TWOFA_BACKUP_ITERATIONS_MAX, &v) < 0) {
		ret = bad(why, "twofaBackupKDF missing or unknown");
		goto out;
	}
	rec->backup_iterations = (uint32_t)v;
	if (get_u64(in, "twofaBackupCount", TWOFA_BACKUP_MAX, &v) != 1) {
		ret = bad(why, "twofaBackupCount missing or out of range");
		goto out;
	}
	rec->backup_count = (unsigned)v;
	for (i = 0; i < in->n; i++) {
		if (in->v[i].op != TWOFA_LDAP_ATTR ||
		    strcasecmp(in->v[i].attr, "twofaBackupCode") != 0)
			continue;
		if (put_backup(&in->v[i], rec, &seen) < 0) {
			ret = bad(why, "twofaBackupCode malformed");
			goto out;
		}
	}
	/* A code whose value is gone was used. */
	rec->state.backup_used =
	    rec->backup_count == 0
		? 0
		: (~seen) & (UINT64_MAX >> (64 - rec->backup_count));
	ret = twofa_record_check(rec, why);
out:
	if (ret < 0)
		twofa_record_wipe(rec);
	return ret;
}
