/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The otpauth:// URI builder (lib/qr/uri.c). A record, issuer and account are
 * made from the input; the builder either refuses them (exactly when the
 * record, issuer or account is invalid) or returns a URI of URI-safe
 * characters only, which an independent little parser here takes apart:
 * the label decodes to issuer:account, and secret, issuer, algorithm,
 * digits and period/counter say what the record says.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/base32.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/otp.h"
#include "twofa/record.h"
#include "twofa/uri.h"
#include "twofa/user.h"
#include "fuzz.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* lower case is not what the builder writes */
}

/* Percent-decode [s, s+n) into out (NUL-terminated); -1 if malformed. */
static int decode(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0, i;

	for (i = 0; i < n; i++) {
		int hi, lo;

		if (o + 1 >= outsz)
			return -1;
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			return -1;
		hi = hexval(s[i + 1]);
		lo = hexval(s[i + 2]);
		if (hi < 0 || lo < 0)
			return -1;
		out[o++] = (char)(hi * 16 + lo);
		i += 2;
	}
	out[o] = '\0';
	return 0;
}

/* The value of query parameter name, or NULL; *n its length. */
static const char *param(const char *query, const char *name, size_t *n)
{
	size_t k = strlen(name);
	const char *p = query;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > k && strncmp(p, name, k) == 0 && p[k] == '=') {
			*n = len - k - 1;
			return p + k + 1;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

static int param_is(const char *query, const char *name, const char *want)
{
	size_t n = 0;
	const char *v = param(query, name, &n);

	return v != NULL && n == strlen(want) && memcmp(v, want, n) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct twofa_record rec;
	char issuer_buf[300], account[300], label[1200], want[64];
	char secret[TWOFA_BASE32_MAX_INPUT + 1], *uri = NULL;
	const char *issuer = NULL, *p, *q, *colon;
	size_t n, il = 0, al = 0, i;
	unsigned flags;
	int ret, valid;

	if (size < 12)
		return 0;
	memset(&rec, 0, sizeof(rec));
	flags = data[0];
	rec.type = (flags & 1) ? TWOFA_HOTP : TWOFA_TOTP;
	rec.alg = (enum twofa_alg)((flags >> 1) % 4); /* 3 is invalid */
	rec.digits = 5 + data[1] % 5;		      /* 5 and 9 invalid */
	rec.period = rec.type == TWOFA_TOTP ? data[2] * 16u : 0;
	rec.window = data[3] % 102;
	rec.backup_iterations = 16000;
	rec.secret_len = 14 + data[4] % 52; /* 14, 15 and 65 invalid */
	memcpy(&rec.state.next, data + 4, 8);
	for (i = 0; i < rec.secret_len && i < sizeof(rec.secret); i++)
		rec.secret[i] = (unsigned char)(data[(i + 5) % size] ^ i);
	data += 12;
	size -= 12;
	/* issuer \0 account, each at most 299 bytes */
	p = memchr(data, '\0', size);
	if (p != NULL && (flags & 0x80)) {
		il = (size_t)(p - (const char *)data);
		if (il >= sizeof(issuer_buf))
			return 0;
		memcpy(issuer_buf, data, il);
		issuer_buf[il] = '\0';
		issuer = issuer_buf;
		size -= il + 1;
		data += il + 1;
	}
	al = size < sizeof(account) - 1 ? size : sizeof(account) - 1;
	memcpy(account, data, al);
	account[al] = '\0';

	valid = twofa_record_check(&rec, NULL) == TWOFA_OK &&
		twofa_user_valid(account) &&
		(issuer == NULL || twofa_uri_issuer_valid(issuer));
	ret = twofa_uri_build(&rec, issuer, account, &uri);
	if (!valid) {
		INVARIANT(ret != TWOFA_OK && uri == NULL);
		return 0;
	}
	INVARIANT(ret == TWOFA_OK && uri != NULL);
	for (p = uri; *p != '\0'; p++)
		INVARIANT(*p > 0x20 && *p < 0x7f && *p != ' ' && *p != '"' &&
			  *p != '#' && *p != '<' && *p != '>');

	/* otpauth://TYPE/LABEL?QUERY */
	n = strlen(rec.type == TWOFA_TOTP ? "otpauth://totp/"
					  : "otpauth://hotp/");
	INVARIANT(strncmp(uri,
			  rec.type == TWOFA_TOTP ? "otpauth://totp/"
						 : "otpauth://hotp/",
			  n) == 0);
	q = strchr(uri + n, '?');
	INVARIANT(q != NULL);
	INVARIANT(
	    decode(uri + n, (size_t)(q - uri - n), label, sizeof(label)) == 0);
	q++;
	colon = issuer ? strchr(label, ':') : NULL;
	if (issuer != NULL) {
		/* The issuer has no ':', so the first one separates. */
		INVARIANT(colon != NULL);
		INVARIANT((size_t)(colon - label) == il &&
			  memcmp(label, issuer, il) == 0);
		INVARIANT(strcmp(colon + 1, account) == 0);
		p = param(q, "issuer", &n);
		INVARIANT(p != NULL && decode(p, n, label, sizeof(label)) == 0);
		INVARIANT(strcmp(label, issuer) == 0);
	} else {
		INVARIANT(strcmp(label, account) == 0);
		INVARIANT(param(q, "issuer", &n) == NULL);
	}
	INVARIANT(twofa_base32_encode(rec.secret, rec.secret_len, secret,
				      sizeof(secret)) == TWOFA_OK);
	INVARIANT(param_is(q, "secret", secret));
	INVARIANT(param_is(q, "algorithm", twofa_alg_name(rec.alg)));
	snprintf(want, sizeof(want), "%u", rec.digits);
	INVARIANT(param_is(q, "digits", want));
	if (rec.type == TWOFA_TOTP) {
		snprintf(want, sizeof(want), "%u", rec.period);
		INVARIANT(param_is(q, "period", want));
		INVARIANT(param(q, "counter", &n) == NULL);
	} else {
		snprintf(want, sizeof(want), "%llu",
			 (unsigned long long)rec.state.next);
		INVARIANT(param_is(q, "counter", want));
		INVARIANT(param(q, "period", &n) == NULL);
	}
	twofa_free_string(uri);
	twofa_wipe(secret, sizeof(secret));
	return 0;
}
