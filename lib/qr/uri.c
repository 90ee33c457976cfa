/* SPDX-License-Identifier: BSD-2-Clause */
/* otpauth:// URI builder with strict percent-encoding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/base32.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/uri.h"
#include "twofa/user.h"

int twofa_uri_issuer_valid(const char *issuer)
{
	size_t i;

	if (issuer == NULL || issuer[0] == '\0')
		return 0;
	for (i = 0; issuer[i] != '\0'; i++) {
		unsigned char c = (unsigned char)issuer[i];

		if (i >= TWOFA_ISSUER_MAX || c < 0x20 || c == 0x7f || c == ':')
			return 0;
	}
	return 1;
}

static int unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* Append s percent-encoded at buf + *pos; the caller sized buf for 3x. */
static void put_encoded(char *buf, size_t *pos, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t p = *pos;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (unreserved(c)) {
			buf[p++] = (char)c;
		} else {
			buf[p++] = '%';
			buf[p++] = hex[c >> 4];
			buf[p++] = hex[c & 15];
		}
	}
	buf[p] = '\0';
	*pos = p;
}

static void put_raw(char *buf, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	memcpy(buf + *pos, s, n + 1);
	*pos += n;
}

int twofa_uri_build(const struct twofa_record *rec, const char *issuer,
		    const char *account, char **out)
{
	char secret[TWOFA_BASE32_MAX_INPUT + 1];
	char tail[96];
	char *buf = NULL;
	size_t cap, pos = 0;
	int ret = TWOFA_ERR_INVALID;

	*out = NULL;
	memset(secret, 0, sizeof(secret));
	if (rec == NULL || account == NULL || !twofa_user_valid(account) ||
	    (issuer != NULL && !twofa_uri_issuer_valid(issuer)) ||
	    twofa_record_check(rec, NULL) != TWOFA_OK)
		goto out;
	ret = twofa_base32_encode(rec->secret, rec->secret_len, secret,
				  sizeof(secret));
	if (ret != TWOFA_OK)
		goto out;
	if (rec->type == TWOFA_TOTP)
		snprintf(tail, sizeof(tail),
			 "&algorithm=%s&digits=%u&period=%u",
			 twofa_alg_name(rec->alg), rec->digits, rec->period);
	else
		snprintf(tail, sizeof(tail),
			 "&algorithm=%s&digits=%u&counter=%llu",
			 twofa_alg_name(rec->alg), rec->digits,
			 (unsigned long long)rec->state.next);
	/* Issuer appears twice, each byte at most 3 characters. */
	cap = 64 + 6 * (issuer ? strlen(issuer) : 0) + 3 * strlen(account) +
	      strlen(secret) + strlen(tail);
	buf = malloc(cap);
	if (buf == NULL) {
		ret = TWOFA_ERR_NOMEM;
		goto out;
	}
	put_raw(buf, &pos, "otpauth://");
	put_raw(buf, &pos, twofa_otp_type_name(rec->type));
	put_raw(buf, &pos, "/");
	if (issuer != NULL) {
		put_encoded(buf, &pos, issuer);
		put_raw(buf, &pos, ":");
	}
	put_encoded(buf, &pos, account);
	put_raw(buf, &pos, "?secret=");
	put_raw(buf, &pos, secret);
	if (issuer != NULL) {
		put_raw(buf, &pos, "&issuer=");
		put_encoded(buf, &pos, issuer);
	}
	put_raw(buf, &pos, tail);
	*out = buf;
	buf = NULL;
	ret = TWOFA_OK;
out:
	twofa_wipe(secret, sizeof(secret));
	twofa_free_string(buf);
	return ret;
}
