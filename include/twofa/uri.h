/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * otpauth:// key URIs, as authenticator apps read them from a QR code
 * (Google's "Key Uri Format"), with every parameter spelled out: apps
 * assume SHA1, 6 digits and 30 s when one is missing, so leaving them out
 * silently breaks a SHA256 or 60 s enrollment.
 */
#ifndef TWOFA_URI_H
#define TWOFA_URI_H

#include "twofa/record.h"

/* The one limit on an issuer: URI labels, token iss, twofa.conf. */
#define TWOFA_ISSUER_MAX 128 /* bytes */

/*
 * Is issuer usable in a label? 1 to TWOFA_ISSUER_MAX bytes of printable
 * text (UTF-8 allowed) without ':' (the label separator) or control
 * characters.
 */
int twofa_uri_issuer_valid(const char *issuer);

/*
 * Build
 *   otpauth://TYPE/ISSUER:ACCOUNT?secret=B32&issuer=ISSUER&algorithm=ALG
 *   &digits=D&period=P            (TOTP)
 *   &digits=D&counter=C           (HOTP: the next counter, state.next)
 * with issuer and account percent-encoded (everything but RFC 3986
 * unreserved characters). issuer may be NULL: then there is no issuer
 * prefix or parameter. The result holds the secret: free it with
 * twofa_free_string().
 */
int twofa_uri_build(const struct twofa_record *rec, const char *issuer,
		    const char *account, char **out);

#endif
