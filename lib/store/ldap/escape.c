/* SPDX-License-Identifier: BSD-2-Clause */
/* RFC 4514 DN value and RFC 4515 filter value escaping. */
#include <string.h>

#include "twofa/err.h"
#include "store/ldap/escape.h"

static int put(char *out, size_t outsize, size_t *o, const char *s, size_t n)
{
	if (*o + n >= outsize)
		return TWOFA_ERR_TOO_BIG;
	memcpy(out + *o, s, n);
	*o += n;
	return TWOFA_OK;
}

static int put_hex(char *out, size_t outsize, size_t *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[3] = {'\\', hex[c >> 4], hex[c & 15]};

	return put(out, outsize, o, e, 3);
}

int twofa_ldap_dn_escape(const char *s, char *out, size_t outsize)
{
	size_t i, n, o = 0;
	int ret = TWOFA_ERR_INVALID;

	if (outsize == 0)
		return TWOFA_ERR_TOO_BIG;
	out[0] = '\0';
	n = strlen(s);
	if (n == 0)
		return TWOFA_ERR_INVALID;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/*
		 * RFC 4514 2.4: the specials anywhere, '#' or space first,
		 * space last; control bytes and non-ASCII as hex pairs so the
		 * DN stays printable in log lines.
		 */
		if (c < 0x20 || c >= 0x7f || c == '=')
			ret = put_hex(out, outsize, &o, c);
		else if (strchr(",+\"\\<>;", c) != NULL ||
			 (i == 0 && (c == '#' || c == ' ')) ||
			 (i == n - 1 && c == ' ')) {
			char e[2] = {'\\', (char)c};

			ret = put(out, outsize, &o, e, 2);
		} else
			ret = put(out, outsize, &o, (const char *)&c, 1);
		if (ret < 0)
			goto fail;
	}
	out[o] = '\0';
	return TWOFA_OK;
fail:
	out[0] = '\0';
	return ret;
}

int twofa_ldap_filter_escape(const char *s, char *out, size_t outsize)
{
	size_t i, o = 0;
	int ret = TWOFA_OK;

	if (outsize == 0)
		return TWOFA_ERR_TOO_BIG;
	for (i = 0; s[i] != '\0'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 ||
		    c >= 0x7f)
			ret = put_hex(out, outsize, &o, c);
		else
			ret = put(out, outsize, &o, (const char *)&c, 1);
		if (ret < 0) {
			out[0] = '\0';
			return ret;
		}
	}
	out[o] = '\0';
	return TWOFA_OK;
}
