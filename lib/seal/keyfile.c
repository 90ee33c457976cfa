/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record key file's text form (twofa(5), "RECORD KEY FILE"):
 *
 *   twofa-record-key 1
 *   key KID HEX        (one line per key, the first is current)
 *   check HEX          (SHA-256 of every byte before this line)
 *
 * A key's id is derived from the key, and the check covers the order of
 * the lines, so a truncated, re-ordered or edited file is refused rather
 * than giving records a wrong current key or a key with a wrong id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "twofa/crypto.h"
#include "twofa/err.h"
#include "twofa/mem.h"
#include "twofa/parse.h"
#include "twofa/seal.h"

#define KEYFILE_MAGIC  "twofa-record-key 1\n"
#define KID_LABEL      "pam_twofa record key id\n"
#define KEY_LINE_LEN   (4 + TWOFA_SEAL_KID_LEN + 1 + 2 * TWOFA_RECORD_KEY_LEN + 1)
#define CHECK_LINE_LEN (6 + 2 * TWOFA_SHA256_LEN + 1)

/* The id names the key without revealing it: a truncated labelled hash. */
int twofa_keyring_key_id(const unsigned char key[TWOFA_RECORD_KEY_LEN],
			 char kid[TWOFA_SEAL_KID_LEN + 1])
{
	unsigned char buf[sizeof(KID_LABEL) - 1 + TWOFA_RECORD_KEY_LEN];
	unsigned char md[TWOFA_SHA256_LEN];
	int ret;

	memcpy(buf, KID_LABEL, sizeof(KID_LABEL) - 1);
	memcpy(buf + sizeof(KID_LABEL) - 1, key, TWOFA_RECORD_KEY_LEN);
	ret = twofa_sha256(buf, sizeof(buf), md);
	twofa_wipe(buf, sizeof(buf));
	if (ret != TWOFA_OK)
		return TWOFA_ERR_CRYPTO;
	twofa_hex_encode(md, TWOFA_SEAL_KID_LEN / 2, kid);
	return TWOFA_OK;
}

static int fail(struct twofa_parse_error *why, unsigned line, const char *what)
{
	if (why != NULL) {
		why->line = line;
		why->what = what;
	}
	return TWOFA_ERR_KEY;
}

void twofa_keyring_wipe(struct twofa_keyring *kr)
{
	twofa_wipe(kr, sizeof(*kr));
}

const unsigned char *twofa_keyring_find(const struct twofa_keyring *kr,
					const char *kid)
{
	if (kr == NULL || kid == NULL)
		return NULL;
	for (unsigned i = 0; i < kr->count; i++) {
		if (strcmp(kr->keys[i].kid, kid) == 0)
			return kr->keys[i].key;
	}
	return NULL;
}

int twofa_keyring_parse(const char *text, size_t len, struct twofa_keyring *kr,
			struct twofa_parse_error *why)
{
	const size_t magic = sizeof(KEYFILE_MAGIC) - 1;
	unsigned char want[TWOFA_SHA256_LEN], got[TWOFA_SHA256_LEN];
	char kid[TWOFA_SEAL_KID_LEN + 1];
	size_t pos, body;
	unsigned line = 1;
	int ret;

	memset(kr, 0, sizeof(*kr));
	if (why != NULL) {
		why->line = 0;
		why->what = NULL;
	}
	if (len < magic || memcmp(text, KEYFILE_MAGIC, magic) != 0) {
		ret = fail(why, 1, "not a record key file");
		goto out;
	}
	if (len < magic + CHECK_LINE_LEN ||
	    (len - magic - CHECK_LINE_LEN) % KEY_LINE_LEN != 0) {
		ret = fail(why, 0, "record key file truncated");
		goto out;
	}
	body = len - CHECK_LINE_LEN;
	/* The check first: nothing of a damaged file is looked at. */
	if (memcmp(text + body, "check ", 6) != 0 || text[len - 1] != '\n' ||
	    twofa_parse_hex(text + body + 6, 2 * TWOFA_SHA256_LEN, got,
			    sizeof(got)) != 0) {
		ret = fail(why, 0, "record key file has no check line");
		goto out;
	}
	if (twofa_sha256(text, body, want) != TWOFA_OK) {
		ret = TWOFA_ERR_CRYPTO;
		goto out;
	}
	if (twofa_memeq_ct(want, got, sizeof(want)) != 0) {
		ret = fail(why, 0,
			   "record key file check does not match (truncated, "
			   "re-ordered or edited)");
		goto out;
	}
	for (pos = magic; pos < body; pos += KEY_LINE_LEN) {
		const char *l = text + pos;

		line++;
		if (kr->count == TWOFA_RECORD_KEYS_MAX) {
			ret = fail(why, line, "too many record keys");
			goto out;
		}
		if (memcmp(l, "key ", 4) != 0 ||
		    l[4 + TWOFA_SEAL_KID_LEN] != ' ' ||
		    l[KEY_LINE_LEN - 1] != '\n' ||
		    twofa_parse_hex(
			l + 5 + TWOFA_SEAL_KID_LEN, 2 * TWOFA_RECORD_KEY_LEN,
			kr->keys[kr->count].key, TWOFA_RECORD_KEY_LEN) != 0) {
			ret = fail(why, line, "bad record key line");
			goto out;
		}
		ret = twofa_keyring_key_id(kr->keys[kr->count].key, kid);
		if (ret != TWOFA_OK)
			goto out;
		if (memcmp(l + 4, kid, TWOFA_SEAL_KID_LEN) != 0) {
			ret =
			    fail(why, line, "record key id does not match key");
			goto out;
		}
		if (twofa_keyring_find(kr, kid) != NULL) {
			ret = fail(why, line, "duplicate record key");
			goto out;
		}
		memcpy(kr->keys[kr->count].kid, kid, sizeof(kid));
		kr->count++;
	}
	if (kr->count == 0) {
		ret = fail(why, 0, "record key file holds no key");
		goto out;
	}
	ret = TWOFA_OK;
out:
	twofa_wipe(want, sizeof(want));
	if (ret != TWOFA_OK)
		twofa_keyring_wipe(kr);
	return ret;
}

int twofa_keyring_format(const struct twofa_keyring *kr, char **out,
			 size_t *outlen)
{
	const size_t magic = sizeof(KEYFILE_MAGIC) - 1;
	size_t cap, pos;
	unsigned char md[TWOFA_SHA256_LEN];
	char hex[2 * TWOFA_RECORD_KEY_LEN + 1];
	char *buf = NULL;
	int ret = TWOFA_ERR_INVALID;

	*out = NULL;
	*outlen = 0;
	if (kr->count == 0 || kr->count > TWOFA_RECORD_KEYS_MAX)
		return TWOFA_ERR_INVALID;
	cap = magic + kr->count * KEY_LINE_LEN + CHECK_LINE_LEN + 1;
	buf = malloc(cap);
	if (buf == NULL)
		return TWOFA_ERR_NOMEM;
	memcpy(buf, KEYFILE_MAGIC, magic);
	pos = magic;
	for (unsigned i = 0; i < kr->count; i++) {
		twofa_hex_encode(kr->keys[i].key, TWOFA_RECORD_KEY_LEN, hex);
		snprintf(buf + pos, cap - pos, "key %s %s\n", kr->keys[i].kid,
			 hex);
		pos += KEY_LINE_LEN;
	}
	ret = twofa_sha256(buf, pos, md);
	if (ret != TWOFA_OK)
		goto out;
	twofa_hex_encode(md, sizeof(md), hex);
	snprintf(buf + pos, cap - pos, "check %s\n", hex);
	pos += CHECK_LINE_LEN;
	*out = buf;
	*outlen = pos;
	buf = NULL;
out:
	twofa_wipe(hex, sizeof(hex));
	twofa_freezero(buf, cap);
	return ret;
}

int twofa_keyring_add(struct twofa_keyring *kr)
{
	unsigned char key[TWOFA_RECORD_KEY_LEN];
	char kid[TWOFA_SEAL_KID_LEN + 1];
	int ret;

	if (kr->count >= TWOFA_RECORD_KEYS_MAX)
		return TWOFA_ERR_INVALID;
	ret = twofa_random(key, sizeof(key));
	if (ret == TWOFA_OK)
		ret = twofa_keyring_key_id(key, kid);
	/* 64-bit ids: a collision is as likely as guessing the key. */
	if (ret == TWOFA_OK && twofa_keyring_find(kr, kid) != NULL)
		ret = TWOFA_ERR_CRYPTO;
	if (ret == TWOFA_OK) {
		memmove(&kr->keys[1], &kr->keys[0],
			kr->count * sizeof(kr->keys[0]));
		memcpy(kr->keys[0].key, key, sizeof(key));
		memcpy(kr->keys[0].kid, kid, sizeof(kid));
		kr->count++;
	}
	twofa_wipe(key, sizeof(key));
	return ret;
}
