/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Escaping for values put into DNs (RFC 4514) and search filters
 * (RFC 4515). The user names twofa(5) allows contain no special character
 * of either, but the escaping does not rely on that check having run.
 */
#ifndef TWOFA_STORE_LDAP_ESCAPE_H
#define TWOFA_STORE_LDAP_ESCAPE_H

#include <stddef.h>

/*
 * Escape s as an RFC 4514 attribute value into out (outsize bytes with
 * NUL). TWOFA_ERR_TOO_BIG when it does not fit, TWOFA_ERR_INVALID for an
 * empty value.
 */
int twofa_ldap_dn_escape(const char *s, char *out, size_t outsize);

/* Escape s as an RFC 4515 assertion value: * ( ) \ NUL and non-ASCII. */
int twofa_ldap_filter_escape(const char *s, char *out, size_t outsize);

#endif
