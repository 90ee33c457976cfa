/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sealing a record's secret: AES-256-GCM under a record key, with a fresh
 * random 96-bit nonce each time, and additional data that names the user
 * and every configuration value of the record. GCM authenticates the
 * additional data with the ciphertext, so a record renamed to another
 * user, a changed digit count or window, a swapped backup-code hash or a
 * sealed line from another record all fail the tag: the record does not
 * open, and the login is refused rather than treated as "no record".
 */
#include <stdio.h>
#include <string.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/seal.h"

#define AD_MAGIC "twofa-seal 1\n"
/* Magic, user, key, length lines, and the configuration (record.c). */
#define AD_MAX (TWOFA_RECORD_CONFIG_TEXT_MAX + 512)

/*
 * The additional data: a fixed text built from the values, so both
 * stores (file lines, directory attributes) bind the same things.
 */
static int build_ad(const struct twofa_record *rec, const char *user,
		    const char *kid, size_t secret_len, char *ad, size_t *adlen)
{
	size_t pos, n;
	int ret;

	if (user == NULL || strlen(user) > 256)
		return TWOFA_ERR_BAD_USER;
	pos = (size_t)snprintf(ad, AD_MAX,
			       AD_MAGIC "user %s\nkey %s\n"
					"secret-length %zu\n",
			       user, kid, secret_len);
	ret = twofa_record_config_text(rec, ad + pos, AD_MAX - pos, &n);
	if (ret != TWOFA_OK)
		return ret;
	*adlen = pos + n;
	return TWOFA_OK;
}

int twofa_seal_secret(struct twofa_record *rec, const char *user,
		      const struct twofa_keyring *kr)
{
	struct twofa_sealed s;
	char ad[AD_MAX];
	size_t adlen = 0;
	int ret;

	memset(&s, 0, sizeof(s));
	if (kr == NULL || kr->count == 0 ||
	    rec->secret_len < TWOFA_SECRET_MIN ||
	    rec->secret_len > TWOFA_SECRET_MAX)
		return TWOFA_ERR_INVALID;
	memcpy(s.kid, kr->keys[0].kid, sizeof(s.kid));
	ret = build_ad(rec, user, s.kid, rec->secret_len, ad, &adlen);
	if (ret != TWOFA_OK)
		goto out;
	ret = twofa_random(s.nonce, sizeof(s.nonce));
	if (ret != TWOFA_OK)
		goto out;
	ret =
	    twofa_aead_seal(kr->keys[0].key, s.nonce, (const unsigned char *)ad,
			    adlen, rec->secret, rec->secret_len, s.ct, s.tag);
	if (ret != TWOFA_OK) {
		ret = TWOFA_ERR_CRYPTO;
		goto out;
	}
	s.ct_len = rec->secret_len;
	s.on = true;
	rec->sealed = s;
out:
	twofa_wipe(&s, sizeof(s));
	twofa_wipe(ad, sizeof(ad));
	return ret;
}

int twofa_seal_open(struct twofa_record *rec, const char *user,
		    const struct twofa_keyring *kr)
{
	const struct twofa_sealed *s = &rec->sealed;
	const unsigned char *key;
	char ad[AD_MAX];
	size_t adlen = 0;
	int ret;

	if (!s->on)
		return TWOFA_OK;
	twofa_wipe(rec->secret, sizeof(rec->secret));
	rec->secret_len = 0;
	key = twofa_keyring_find(kr, s->kid);
	if (key == NULL)
		return TWOFA_ERR_KEY;
	if (s->ct_len < TWOFA_SECRET_MIN || s->ct_len > TWOFA_SECRET_MAX)
		return TWOFA_ERR_SEALED;
	ret = build_ad(rec, user, s->kid, s->ct_len, ad, &adlen);
	if (ret == TWOFA_OK &&
	    twofa_aead_open(key, s->nonce, (const unsigned char *)ad, adlen,
			    s->ct, s->ct_len, s->tag, rec->secret) != TWOFA_OK)
		ret = TWOFA_ERR_SEALED;
	if (ret == TWOFA_OK)
		rec->secret_len = s->ct_len;
	else
		twofa_wipe(rec->secret, sizeof(rec->secret));
	twofa_wipe(ad, sizeof(ad));
	return ret;
}

int twofa_sealed_text_format(const struct twofa_sealed *s,
			     char out[TWOFA_SEALED_TEXT_MAX])
{
	size_t pos = 0;

	if (!s->on || strlen(s->kid) != TWOFA_SEAL_KID_LEN ||
	    s->ct_len < TWOFA_SECRET_MIN || s->ct_len > TWOFA_SECRET_MAX)
		return TWOFA_ERR_INVALID;
	memcpy(out, s->kid, TWOFA_SEAL_KID_LEN);
	pos = TWOFA_SEAL_KID_LEN;
	out[pos++] = ' ';
	twofa_hex_encode(s->nonce, sizeof(s->nonce), out + pos);
	pos += 2 * sizeof(s->nonce);
	out[pos++] = ' ';
	twofa_hex_encode(s->ct, s->ct_len, out + pos);
	pos += 2 * s->ct_len;
	out[pos++] = ' ';
	twofa_hex_encode(s->tag, sizeof(s->tag), out + pos);
	pos += 2 * sizeof(s->tag);
	out[pos] = '\0';
	return TWOFA_OK;
}

int twofa_sealed_text_parse(const char *s, size_t n, struct twofa_sealed *out)
{
	const char *w[5];
	size_t wl[5];
	unsigned char kid[TWOFA_SEAL_KID_LEN / 2];
	int ret = TWOFA_ERR_INVALID;

	memset(out, 0, sizeof(*out));
	if (memchr(s, '\0', n) != NULL ||
	    twofa_split_words(s, n, " ", w, wl, 4) != 4)
		goto out;
	/* Canonical only: single spaces, nothing before or after. */
	if (w[0] != s || w[3] + wl[3] != s + n ||
	    wl[0] + wl[1] + wl[2] + wl[3] + 3 != n)
		goto out;
	if (wl[2] % 2 != 0 || wl[2] / 2 < TWOFA_SECRET_MIN ||
	    wl[2] / 2 > TWOFA_SECRET_MAX)
		goto out;
	if (twofa_parse_hex(w[0], wl[0], kid, sizeof(kid)) != 0 ||
	    twofa_parse_hex(w[1], wl[1], out->nonce, sizeof(out->nonce)) != 0 ||
	    twofa_parse_hex(w[2], wl[2], out->ct, wl[2] / 2) != 0 ||
	    twofa_parse_hex(w[3], wl[3], out->tag, sizeof(out->tag)) != 0)
		goto out;
	memcpy(out->kid, w[0], TWOFA_SEAL_KID_LEN);
	out->kid[TWOFA_SEAL_KID_LEN] = '\0';
	out->ct_len = wl[2] / 2;
	out->on = true;
	ret = TWOFA_OK;
out:
	if (ret != TWOFA_OK)
		twofa_wipe(out, sizeof(*out));
	return ret;
}
