/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * twofa/crypto.h against published vectors: RFC 2202 (HMAC-SHA1), RFC 4231
 * (HMAC-SHA256/512), FIPS 180-2 (SHA-256), RFC 7914 section 11 and the
 * RFC 6070-style PBKDF2-HMAC-SHA256 set, and the GCM specification's
 * AES-256 test cases 13-16 (McGrew & Viega, as used by NIST's CAVP), plus
 * the refusals: a changed tag, ciphertext, nonce or associated data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "twofa/crypto.h"
#include "twofa/err.h"

/* Decode hex into out (at most max bytes); returns the length. */
static size_t unhex(const char *hex, unsigned char *out, size_t max)
{
	size_t n = strlen(hex) / 2, i;

	assert_true(n <= max);
	for (i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (unsigned char)v;
	}
	return n;
}

static void assert_hex(const unsigned char *got, const char *want)
{
	unsigned char w[256];
	size_t n = unhex(want, w, sizeof(w));

	assert_memory_equal(got, w, n);
}

struct hmac_case {
	const char *key; /* hex */
	const char *msg; /* text */
	const char *msghex;
	const char *sha1, *sha256, *sha512; /* NULL: not in that RFC */
};

static char aa131[2 * 131 + 1];

static const struct hmac_case hmac_cases[] = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There", NULL,
     "b617318655057264e28bc0b6fb378c8ef146be00",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
     "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
     "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
    {"4a656665", "what do ya want for nothing?", NULL,
     "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
     "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
     "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL,
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddddddddddddddddddddddddddddddd",
     "125d7342b9ac11cd91a39af48aa17b4f63f175d3",
     "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
     "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
     "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
    {"0102030405060708090a0b0c0d0e0f10111213141516171819", NULL,
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
     NULL, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
     "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
     "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
    /* RFC 4231 test case 5: only the first 128 bits are published. */
    {"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "Test With Truncation", NULL,
     NULL, "a3b6167473100ee06e0c796c2955552b",
     "415fad6271580a531d4179bc891d87a6"},
    /* Keys longer than the block are hashed first (cases 6 and 7). */
    {aa131, "Test Using Larger Than Block-Size Key - Hash Key First", NULL,
     NULL, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
     "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
     "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
    {aa131,
     "This is a test using a larger than block-size key and a larger than "
     "block-size data. The key needs to be hashed before being used by the "
     "HMAC algorithm.",
     NULL, NULL,
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
     "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
     "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
};

static int setup(void **state)
{
	(void)state;
	memset(aa131, 'a', sizeof(aa131) - 1);
	return 0;
}

static void test_hmac_vectors(void **state)
{
	unsigned char key[256], msg[256], out[TWOFA_HASH_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hmac_cases) / sizeof(hmac_cases[0]); i++) {
		const struct hmac_case *c = &hmac_cases[i];
		const char *want[3] = {c->sha1, c->sha256, c->sha512};
		size_t kl = unhex(c->key, key, sizeof(key)), ml;
		int h;

		if (c->msg != NULL) {
			ml = strlen(c->msg);
			memcpy(msg, c->msg, ml);
		} else {
			ml = unhex(c->msghex, msg, sizeof(msg));
		}
		for (h = 0; h < 3; h++) {
			if (want[h] == NULL)
				continue;
			memset(out, 0, sizeof(out));
			assert_int_equal(twofa_hmac((enum twofa_hash)h, key, kl,
						    msg, ml, out),
					 TWOFA_OK);
			assert_hex(out, want[h]);
		}
	}
	/* RFC 2202 test case 6: an 80-byte key for SHA-1's 64-byte block. */
	memset(key, 0xaa, 80);
	assert_int_equal(
	    twofa_hmac(TWOFA_HASH_SHA1, key, 80,
		       (const unsigned char *)"Test Using Larger Than "
					      "Block-Size Key - Hash Key First",
		       54, out),
	    TWOFA_OK);
	assert_hex(out, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

/* One keyed context gives the same MACs, message after message. */
static void test_hmac_context_reuse(void **state)
{
	struct twofa_hmac ctx;
	unsigned char key[4] = {'J', 'e', 'f', 'e'};
	unsigned char out[TWOFA_HASH_MAX];
	const char *m1 = "what do ya want for nothing?", *m2 = "Hi There";
	unsigned char other[TWOFA_HASH_MAX];
	int round;

	(void)state;
	assert_int_equal(twofa_hmac_init(&ctx, TWOFA_HASH_SHA256, key, 4),
			 TWOFA_OK);
	for (round = 0; round < 3; round++) {
		assert_int_equal(twofa_hmac_mac(&ctx, (const unsigned char *)m1,
						strlen(m1), out),
				 TWOFA_OK);
		assert_hex(out, "5bdcc146bf60754e6a042426089575c75a003f089d27"
				"39839dec58b964ec3843");
		assert_int_equal(twofa_hmac_mac(&ctx, (const unsigned char *)m2,
						strlen(m2), out),
				 TWOFA_OK);
		assert_int_equal(twofa_hmac(TWOFA_HASH_SHA256, key, 4,
					    (const unsigned char *)m2,
					    strlen(m2), other),
				 TWOFA_OK);
		assert_memory_equal(out, other, 32);
	}
	twofa_hmac_wipe(&ctx);
	/* A wiped context is not usable: an error, not a MAC of no key. */
	assert_int_equal(twofa_hmac_mac(&ctx, key, 4, out), TWOFA_ERR_INVALID);
}

static void test_hmac_refusals(void **state)
{
	struct twofa_hmac ctx;
	unsigned char key[TWOFA_HMAC_KEYMAX + 1] = {1}, out[TWOFA_HASH_MAX];

	(void)state;
	assert_int_equal(twofa_hmac_init(&ctx, TWOFA_HASH_SHA1, key, 0),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_hmac_mac(&ctx, key, 1, out), TWOFA_ERR_INVALID);
	assert_int_equal(twofa_hmac_init(&ctx, TWOFA_HASH_SHA1, NULL, 20),
			 TWOFA_ERR_INVALID);
	assert_int_equal(
	    twofa_hmac_init(&ctx, TWOFA_HASH_SHA1, key, sizeof(key)),
	    TWOFA_ERR_INVALID);
	assert_int_equal(twofa_hmac_init(&ctx, (enum twofa_hash)7, key, 20),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_hash_len((enum twofa_hash)7), 0);
	assert_int_equal(twofa_hash_len(TWOFA_HASH_SHA1), 20);
	assert_int_equal(twofa_hash_len(TWOFA_HASH_SHA256), 32);
	assert_int_equal(twofa_hash_len(TWOFA_HASH_SHA512), 64);
}

static void test_sha256_vectors(void **state)
{
	unsigned char out[TWOFA_SHA256_LEN];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnop"
			  "nopq";

	(void)state;
	assert_int_equal(twofa_sha256("abc", 3, out), TWOFA_OK);
	assert_hex(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff"
			"61f20015ad");
	assert_int_equal(twofa_sha256("", 0, out), TWOFA_OK);
	assert_hex(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca49599"
			"1b7852b855");
	assert_int_equal(twofa_sha256(two, strlen(two), out), TWOFA_OK);
	assert_hex(out,
		   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd"
		   "419db06c1");
	assert_int_equal(twofa_sha256(NULL, 1, out), TWOFA_ERR_INVALID);
}

static void test_pbkdf2_vectors(void **state)
{
	static const struct {
		const char *pw;
		size_t pwlen;
		const char *salt;
		size_t saltlen;
		uint32_t c;
		const char *dk;
	} v[] = {
	    /* RFC 7914 section 11 */
	    {"passwd", 6, "salt", 4, 1,
	     "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
	     "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a1978"
	     "3"},
	    {"Password", 8, "NaCl", 4, 80000,
	     "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
	     "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8"
	     "d"},
	    /* RFC 6070's inputs with HMAC-SHA256 */
	    {"password", 8, "salt", 4, 1,
	     "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17"
	     "b"},
	    {"password", 8, "salt", 4, 2,
	     "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c4"
	     "3"},
	    {"password", 8, "salt", 4, 4096,
	     "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134"
	     "a"},
	    {"passwordPASSWORDpassword", 24,
	     "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096,
	     "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1"
	     "c635518c7dac47e9"},
	    {"pass\0word", 9, "sa\0lt", 5, 4096,
	     "89b69d0516f829893c696226650a8687"},
	};
	unsigned char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i].dk) / 2;

		memset(out, 0, sizeof(out));
		assert_int_equal(twofa_pbkdf2_sha256(
				     (const unsigned char *)v[i].pw, v[i].pwlen,
				     (const unsigned char *)v[i].salt,
				     v[i].saltlen, v[i].c, out, n),
				 TWOFA_OK);
		assert_hex(out, v[i].dk);
	}
	/* Zero iterations or length would abort inside Nettle: refused. */
	assert_int_equal(twofa_pbkdf2_sha256((const unsigned char *)"pw", 2,
					     (const unsigned char *)"s", 1, 0,
					     out, 32),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_pbkdf2_sha256((const unsigned char *)"pw", 2,
					     (const unsigned char *)"s", 1, 1,
					     out, 0),
			 TWOFA_ERR_INVALID);
}

struct gcm_case {
	const char *key, *iv, *pt, *ad, *ct, *tag;
};

#define TC15_KEY                                                               \
	"feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"
#define TC15_IV "cafebabefacedbaddecaf888"
#define TC15_PT                                                                \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"     \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define TC15_CT                                                                \
	"522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"     \
	"8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"

static const struct gcm_case gcm_cases[] = {
    /* Test case 13: nothing to encrypt, the tag alone. */
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "", "",
     "530f8afbc74536b9a963b4f1c4cb738b"},
    /* 14 */
    {"0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "00000000000000000000000000000000", "",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    /* 15 */
    {TC15_KEY, TC15_IV, TC15_PT "1aafd255", "", TC15_CT "898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    /* 16: with associated data, a partial last block. */
    {TC15_KEY, TC15_IV, TC15_PT, "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     TC15_CT, "76fc6ece0f4e1768cddf8853bb2d551b"},
};

static void test_gcm_vectors(void **state)
{
	unsigned char key[32], iv[12], pt[64], ad[32], ct[64], tag[16];
	unsigned char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(gcm_cases) / sizeof(gcm_cases[0]); i++) {
		const struct gcm_case *c = &gcm_cases[i];
		size_t ptl, adl;

		unhex(c->key, key, sizeof(key));
		unhex(c->iv, iv, sizeof(iv));
		ptl = unhex(c->pt, pt, sizeof(pt));
		adl = unhex(c->ad, ad, sizeof(ad));
		memset(ct, 0, sizeof(ct));
		assert_int_equal(twofa_aead_seal(key, iv, adl ? ad : NULL, adl,
						 ptl ? pt : NULL, ptl,
						 ptl ? ct : NULL, tag),
				 TWOFA_OK);
		if (ptl > 0)
			assert_hex(ct, c->ct);
		assert_hex(tag, c->tag);

		memset(out, 0, sizeof(out));
		assert_int_equal(twofa_aead_open(key, iv, adl ? ad : NULL, adl,
						 ptl ? ct : NULL, ptl, tag,
						 ptl ? out : NULL),
				 TWOFA_OK);
		assert_memory_equal(out, pt, ptl);

		/* In place: ct and pt the same buffer. */
		if (ptl > 0) {
			memcpy(out, pt, ptl);
			assert_int_equal(twofa_aead_seal(key, iv, ad, adl, out,
							 ptl, out, tag),
					 TWOFA_OK);
			assert_memory_equal(out, ct, ptl);
			assert_int_equal(twofa_aead_open(key, iv, ad, adl, out,
							 ptl, tag, out),
					 TWOFA_OK);
			assert_memory_equal(out, pt, ptl);
		}
	}
}

/* Every change is refused, and no plaintext is left behind. */
static void test_gcm_refusals(void **state)
{
	const struct gcm_case *c = &gcm_cases[3];
	unsigned char key[32], iv[12], pt[64], ad[32], ct[64], tag[16];
	unsigned char out[64], zero[64] = {0};
	size_t ptl, adl, bit;

	(void)state;
	unhex(c->key, key, sizeof(key));
	unhex(c->iv, iv, sizeof(iv));
	ptl = unhex(c->pt, pt, sizeof(pt));
	adl = unhex(c->ad, ad, sizeof(ad));
	unhex(c->ct, ct, sizeof(ct));
	unhex(c->tag, tag, sizeof(tag));

	for (bit = 0; bit < 8 * 16; bit += 13) {
		tag[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		memset(out, 0x55, sizeof(out));
		assert_int_equal(
		    twofa_aead_open(key, iv, ad, adl, ct, ptl, tag, out),
		    TWOFA_ERR_CRYPTO);
		assert_memory_equal(out, zero, ptl);
		tag[bit / 8] ^= (unsigned char)(1u << (bit % 8));
	}
	ct[ptl - 1] ^= 1;
	memset(out, 0x55, sizeof(out));
	assert_int_equal(twofa_aead_open(key, iv, ad, adl, ct, ptl, tag, out),
			 TWOFA_ERR_CRYPTO);
	assert_memory_equal(out, zero, ptl);
	ct[ptl - 1] ^= 1;
	ad[0] ^= 0x80;
	assert_int_equal(twofa_aead_open(key, iv, ad, adl, ct, ptl, tag, out),
			 TWOFA_ERR_CRYPTO);
	ad[0] ^= 0x80;
	/* Associated data left out entirely. */
	assert_int_equal(twofa_aead_open(key, iv, NULL, 0, ct, ptl, tag, out),
			 TWOFA_ERR_CRYPTO);
	iv[11] ^= 1;
	assert_int_equal(twofa_aead_open(key, iv, ad, adl, ct, ptl, tag, out),
			 TWOFA_ERR_CRYPTO);
	iv[11] ^= 1;
	key[31] ^= 1;
	assert_int_equal(twofa_aead_open(key, iv, ad, adl, ct, ptl, tag, out),
			 TWOFA_ERR_CRYPTO);
	key[31] ^= 1;
	/* A truncated ciphertext is a different message. */
	assert_int_equal(
	    twofa_aead_open(key, iv, ad, adl, ct, ptl - 1, tag, out),
	    TWOFA_ERR_CRYPTO);
	/* And the untouched message still opens. */
	assert_int_equal(twofa_aead_open(key, iv, ad, adl, ct, ptl, tag, out),
			 TWOFA_OK);
	assert_memory_equal(out, pt, ptl);
	/* Bad arguments. */
	assert_int_equal(twofa_aead_open(NULL, iv, ad, adl, ct, ptl, tag, out),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_aead_seal(key, iv, NULL, 5, pt, ptl, ct, tag),
			 TWOFA_ERR_INVALID);
	assert_int_equal(twofa_aead_seal(key, iv, ad, adl, pt, ptl, NULL, tag),
			 TWOFA_ERR_INVALID);
}

static void test_random(void **state)
{
	unsigned char a[4096], b[4096];
	unsigned char zero[4096] = {0};
	size_t i, ones = 0;

	(void)state;
	/* Over getrandom's 256-byte single-call size: the loop is used. */
	assert_int_equal(twofa_random(a, sizeof(a)), TWOFA_OK);
	assert_int_equal(twofa_random(b, sizeof(b)), TWOFA_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
	for (i = 0; i < sizeof(a); i++)
		ones += (size_t)__builtin_popcount(a[i]);
	/* 32768 fair bits: mean 16384, sd 90; 10 sd either side. */
	assert_in_range(ones, 16384 - 900, 16384 + 900);
	assert_int_equal(twofa_random(a, 0), TWOFA_OK);
	assert_int_equal(twofa_random(NULL, 1), TWOFA_ERR_INVALID);
}

static void test_memeq_ct(void **state)
{
	unsigned char a[33], b[33];

	(void)state;
	memset(a, 7, sizeof(a));
	memset(b, 7, sizeof(b));
	assert_int_equal(twofa_memeq_ct(a, b, sizeof(a)), 0);
	b[32] = 8;
	assert_int_equal(twofa_memeq_ct(a, b, sizeof(a)), -1);
	assert_int_equal(twofa_memeq_ct(a, b, 32), 0);
	b[0] = 0;
	assert_int_equal(twofa_memeq_ct(a, b, 32), -1);
	assert_int_equal(twofa_memeq_ct(a, b, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hmac_vectors),
	    cmocka_unit_test(test_hmac_context_reuse),
	    cmocka_unit_test(test_hmac_refusals),
	    cmocka_unit_test(test_sha256_vectors),
	    cmocka_unit_test(test_pbkdf2_vectors),
	    cmocka_unit_test(test_gcm_vectors),
	    cmocka_unit_test(test_gcm_refusals),
	    cmocka_unit_test(test_random),
	    cmocka_unit_test(test_memeq_ct),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
